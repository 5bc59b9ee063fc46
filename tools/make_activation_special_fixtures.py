"""Write tests/fixtures/nn_activation_special.json from PyTorch 2.13 (development only; the suite never imports
torch): the piecewise activations at their special points -- NaN, +-inf, signed zero, the kinks and the
thresholds themselves -- where libtorch's branch tests (``x <= threshold``, ``x > 0``) decide both the value and
which gradient a point gets. Each case keeps the output and the input's gradient for a cotangent of ones, from
libtorch's vectorized kernels (each point repeated 16 times) and whether its scalar kernels (the tail of an
array, one element alone) give the same bits: where they do not (NaN gradients of hardtanh, elu, hardswish,
the shrinks; softshrink's signed zeros), libtorch itself has no one answer and the suite does not assert one.

    .venv/bin/python tools/make_activation_special_fixtures.py
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import torch
import torch.nn.functional as TF
from _fixture_util import FIXTURES

X = [float("nan"), -float("inf"), float("inf"), 0.0, -0.0, -4.0, -3.0, -1.0, -0.5, 0.1, 0.5, 1.0, 1.5, 3.0,
     6.0, 7.0, 20.0, 25.0]

# (rtorch_py function, its arguments after the input, the PyTorch call)
CASES = [
    ("nnf_relu", [], lambda x: TF.relu(x)),
    ("nnf_relu6", [], lambda x: TF.relu6(x)),
    ("nnf_leaky_relu", [0.2], lambda x: TF.leaky_relu(x, 0.2)),
    ("nnf_hardtanh", [], lambda x: TF.hardtanh(x)),
    ("nnf_hardtanh", [-0.5, 1.5], lambda x: TF.hardtanh(x, -0.5, 1.5)),
    ("nnf_threshold", [0.1, -2.0], lambda x: TF.threshold(x, 0.1, -2.0)),
    ("nnf_elu", [1.5], lambda x: TF.elu(x, 1.5)),
    ("nnf_selu", [], lambda x: TF.selu(x)),
    ("nnf_celu", [0.7], lambda x: TF.celu(x, 0.7)),
    ("nnf_softplus", [], lambda x: TF.softplus(x)),
    ("nnf_softplus", [2, 3], lambda x: TF.softplus(x, 2, 3)),
    ("nnf_hardsigmoid", [], lambda x: TF.hardsigmoid(x)),
    ("nnf_hardswish", [], lambda x: TF.hardswish(x)),
    ("nnf_hardshrink", [0.5], lambda x: TF.hardshrink(x, 0.5)),
    ("nnf_softshrink", [0.5], lambda x: TF.softshrink(x, 0.5)),
    ("nnf_logsigmoid", [], lambda x: TF.logsigmoid(x)),
]


def _run(fn: Any, xs: list) -> tuple[np.ndarray, np.ndarray]:
    x = torch.tensor(xs, dtype=torch.float32, requires_grad=True)
    y = fn(x)
    y.backward(torch.ones_like(y))
    return y.detach().numpy(), x.grad.numpy()


def _bits(a: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(a), np.float32(np.nan), a).view(np.uint32)  # (a NaN's sign and payload left out)


def main() -> None:
    cases = []
    for name, args, fn in CASES:
        yv, gv = (a[::16] for a in _run(fn, [v for v in X for _ in range(16)]))
        alone = [_run(fn, [v]) for v in X]
        ys, gs = np.array([y[0] for y, _ in alone]), np.array([g[0] for _, g in alone])
        cases.append({"call": name, "args": args, "x": [repr(v) for v in X],
                      "y": [repr(float(v)) for v in yv], "grad": [repr(float(v)) for v in gv],
                      "y_agree": (_bits(yv) == _bits(ys)).tolist(), "grad_agree": (_bits(gv) == _bits(gs)).tolist()})
    about = f"PyTorch {torch.__version__}, float32; values as Python float reprs (nan, inf kept)"
    (FIXTURES / "nn_activation_special.json").write_text(json.dumps({"about": about, "cases": cases}))
    print(f"{len(cases)} cases")


if __name__ == "__main__":
    main()
