"""Where the LSTM workload's training step goes (bench/workloads.py lstm_*), rtorch_py beside PyTorch, CPU time.

`python bench/lstm_profile.py [--rounds N]`: one process, one thread; rounds of (rtorch_py step, PyTorch step,
rtorch_py's fused layer forward alone, its forward and backward rule) interleaved so machine noise hits each
alike. Prints the medians (ms per training step) and the same-run ratio; the layer's backward is the second
minus the first (the rule consumes the factors its forward saved, so each backward needs its own forward), the
rest of rtorch_py's step (module overhead, linear head, MSE, the engine, zero_grad, Adam) the step minus both.
CPU time (time.process_time): on a shared machine it counts only this process's work.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from collections.abc import Callable
from pathlib import Path

for _k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_k, "1")

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import workloads as W  # noqa: E402

import rtorch_py as rt  # noqa: E402
from rtorch_py._core import derivatives as D  # noqa: E402
from rtorch_py._core import nn_ops as NO  # noqa: E402
from rtorch_py._core.autograd import no_grad  # noqa: E402


def _layer_parts() -> tuple[Callable[[], object], Callable[[], object]]:
    """The fused layer's forward (grad mode, weights requiring grad: the factors are stored) alone, and followed by
    its rule, on the workload's shapes; the gradient reaches the last step's hidden state only, as the head's
    does."""
    rt.torch_manual_seed(1)
    lstm = rt.nn_lstm(W.LSTM_IN, W.LSTM_H)
    x = rt.torch_randn(W.LSTM_T, W.LSTM_B, W.LSTM_IN)
    h0 = rt.torch_zeros(W.LSTM_B, W.LSTM_H)
    ins = (x, h0, h0, *lstm.parameters.values())
    g = np.zeros(NO.lstm_layer(*ins).shape, np.float32)
    g[-1, 0] = 0.01
    grad = rt.Tensor._wrap(g)

    def forward_backward() -> object:
        out = NO.lstm_layer(*ins)
        with no_grad():
            return D.lstm_layer(grad, *out.grad_fn.saved)

    return (lambda: NO.lstm_layer(*ins)), forward_backward


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--steps", type=int, default=10, help="training steps per timed block")
    args = ap.parse_args()
    import torch  # noqa: PLC0415 - optional: the comparison needs it

    torch.set_num_threads(1)
    parts = {"rtorch_py step": W.lstm_rtorch(), "PyTorch step": W.lstm_torch()}
    parts["layer forward"], parts["layer fwd + bwd"] = _layer_parts()
    times = W.interleaved(parts, args.rounds, args.steps)
    med = {k: statistics.median(v) for k, v in times.items()}
    med["layer backward"] = med.pop("layer fwd + bwd") - med["layer forward"]
    for k, v in med.items():
        print(f"{k:16s} {v:7.2f} ms")
    rest = med["rtorch_py step"] - med["layer forward"] - med["layer backward"]
    print(f"{'rest of step':16s} {rest:7.2f} ms  (module, head, loss, engine, zero_grad, Adam)")
    ratios = [a / b for a, b in zip(times["rtorch_py step"], times["PyTorch step"])]
    print(f"rtorch_py / PyTorch: {statistics.median(ratios):.3f} (median of per-round ratios, "
          f"{min(ratios):.3f}-{max(ratios):.3f})")


if __name__ == "__main__":
    main()
