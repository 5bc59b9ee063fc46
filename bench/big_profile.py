"""What bounds the BIG workload's training step (bench/workloads.py big_*): its GEMMs alone beside both steps.

`python bench/big_profile.py [--rounds N] [--threads N]`: one process; rounds of (rtorch_py step, PyTorch step,
rtorch_py's eight GEMMs of the step alone: three forward products, three weight gradients, two input gradients,
through the core's parallel.matmul as the rules run them) interleaved so machine noise hits each alike. Wall
time (the products run on several threads). The GEMMs' time over PyTorch's whole step is the lowest ratio the
step could reach with the same arithmetic; the rest of rtorch_py's step is bias adds, relu and its gradient,
bias sums, cross entropy and Adam (passes over 10000 x 512 arrays at memory speed).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import workloads as W  # noqa: E402

import rtorch_py as rt  # noqa: E402
from rtorch_py._core import parallel  # noqa: E402


def _gemms() -> Callable[[], None]:
    """The step's products on its shapes (values do not matter to the time), in the layouts the rules use."""
    r = np.random.default_rng(0)
    n, i, h, c = W.BIG_N, W.BIG_IN, W.BIG_H, W.BIG_C

    def a(*shape: int) -> np.ndarray:
        return r.standard_normal(shape).astype(np.float32)

    x, w1, w2, w3 = a(n, i), a(h, i), a(h, h), a(c, h)
    h1, h2, g3, g2, g1 = a(n, h), a(n, h), a(n, c), a(n, h), a(n, h)
    mm = parallel.matmul

    def run() -> None:
        mm(x, w1.T), mm(h1, w2.T), mm(h2, w3.T)  # forward
        mm(g3.T, h2), mm(g3, w3)  # last layer: weight and input gradients
        mm(g2.T, h1), mm(g2, w2)  # middle layer
        mm(g1.T, x)  # first layer: its weight gradient only (the input needs none)

    return run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--steps", type=int, default=5, help="training steps per timed block")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    import torch  # noqa: PLC0415 - optional: the comparison needs it

    torch.set_num_threads(args.threads)
    rt.torch_set_num_threads(args.threads)
    parts = {"rtorch_py step": W.big_rtorch(), "PyTorch step": W.big_torch(), "rtorch_py GEMMs": _gemms()}
    times = W.interleaved(parts, args.rounds, args.steps, time.perf_counter)
    for k, v in times.items():
        print(f"{k:16s} {statistics.median(v):7.1f} ms")
    for k in ("rtorch_py step", "rtorch_py GEMMs"):
        ratios = [a / b for a, b in zip(times[k], times["PyTorch step"])]
        print(f"{k} / PyTorch step: {statistics.median(ratios):.3f} (median of per-round ratios, "
              f"{min(ratios):.3f}-{max(ratios):.3f})")


if __name__ == "__main__":
    main()
