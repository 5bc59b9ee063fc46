"""Where the transformer workload's training step goes (bench/workloads.py transformer_*), rtorch_py beside PyTorch,
CPU time.

`python bench/transformer_profile.py [--rounds N] [--steps S] [--ops]`: one process, one thread; rounds of S
rtorch_py steps then S PyTorch steps, interleaved so machine noise hits both alike. Prints per round the mean
phases (forward + loss, zero_grad + backward, Adam step; ms) and the same-run ratio of the totals, then the medians.
``--ops``: rtorch_py's forward and backward by op (the _core functions and derivative rules, outermost call only).
CPU time (time.process_time): on a shared machine it counts only this process's work.
"""

from __future__ import annotations

import argparse
import collections
import os
import statistics
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path

for _k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_k, "1")

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import workloads as W  # noqa: E402

import rtorch_py as rt  # noqa: E402


def _rtorch() -> tuple[Callable, Callable, Callable, Callable]:
    rt.torch_manual_seed(1)
    x = rt.torch_randn(W.TF_B, W.TF_S, W.TF_D)
    y = rt.torch_randn(W.TF_B, W.TF_S, W.TF_D)
    layer = rt.nn_transformer_encoder_layer(W.TF_D, W.TF_HEADS, dim_feedforward=W.TF_FF, dropout=0.0,
                                            batch_first=True)
    opt = rt.optim_adam(layer.parameters, lr=1e-3)
    return (lambda: rt.nnf_mse_loss(layer(x), y)), opt.zero_grad, (lambda loss: loss.backward()), opt.step


def _torch() -> tuple[Callable, Callable, Callable, Callable]:
    import torch  # noqa: PLC0415

    torch.set_num_threads(1)
    x = torch.randn(W.TF_B, W.TF_S, W.TF_D)
    y = torch.randn(W.TF_B, W.TF_S, W.TF_D)
    layer = torch.nn.TransformerEncoderLayer(W.TF_D, W.TF_HEADS, dim_feedforward=W.TF_FF, dropout=0.0,
                                             batch_first=True)
    opt = torch.optim.Adam(layer.parameters(), lr=1e-3)
    return ((lambda: torch.nn.functional.mse_loss(layer(x), y)), (lambda: opt.zero_grad(set_to_none=False)),
            (lambda loss: loss.backward()), opt.step)


def phases(fns: tuple[Callable, Callable, Callable, Callable], steps: int) -> np.ndarray:
    """Mean (forward + loss, zero_grad + backward, optimizer step, total) over ``steps`` steps, in ms."""
    fwd, zero, bwd, step = fns
    acc = np.zeros(4)
    for _ in range(steps):
        t0 = time.process_time()
        loss = fwd()
        t1 = time.process_time()
        zero()
        bwd(loss)
        t2 = time.process_time()
        step()
        t3 = time.process_time()
        acc += (t1 - t0, t2 - t1, t3 - t2, t3 - t0)
    return acc / steps * 1e3


def by_op(fns: tuple[Callable, Callable, Callable, Callable], steps: int) -> None:
    """rtorch_py's step by op: each function of ops / nn_ops / derivatives timed at its outermost call."""
    from rtorch_py._core import derivatives as D  # noqa: N812, PLC0415
    from rtorch_py._core import nn_ops as NO  # noqa: N812, PLC0415
    from rtorch_py._core import ops as O  # noqa: N812, PLC0415

    acc: dict[str, float] = collections.defaultdict(float)
    calls: collections.Counter = collections.Counter()
    depth = [0]

    def timed(label: str, f: Callable) -> Callable:
        def run(*a: object, **k: object) -> object:
            if depth[0]:
                return f(*a, **k)
            depth[0] += 1
            t0 = time.process_time()
            try:
                return f(*a, **k)
            finally:
                acc[label] += time.process_time() - t0
                calls[label] += 1
                depth[0] -= 1
        return run

    # (helpers called inside the ops are left alone: their time stays in the op that called them)
    inner = {"record", "_wrap", "_max_keep", "_np_mean", "mm2d", "_float_data", "_axes", "as_tensor"}
    for short, mod in (("O", O), ("D", D), ("NO", NO)):
        for name, f in list(vars(mod).items()):
            if isinstance(f, types.FunctionType) and f.__module__ == mod.__name__ and name not in inner \
                    and not name.startswith("__"):
                setattr(mod, name, timed(f"{short}.{name}", f))
    phases(fns, 10)
    acc.clear()
    calls.clear()
    t = phases(fns, steps)
    print(f"rtorch_py by op (fwd {t[0] * 1e3:.0f} us, bwd {t[1] * 1e3:.0f} us per step; O./NO. forward, D. rules):")
    for label, v in sorted(acc.items(), key=lambda kv: -kv[1])[:25]:
        print(f"  {v / steps * 1e6:8.1f} us  {calls[label] // steps:3d} calls  {label}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--steps", type=int, default=40)
    ap.add_argument("--ops", action="store_true", help="rtorch_py's step by op (no PyTorch)")
    args = ap.parse_args()
    mine = _rtorch()
    if args.ops:
        by_op(mine, args.steps)
        return
    theirs = _torch()
    phases(mine, 10)
    phases(theirs, 10)
    ratios, rows = [], []
    for _ in range(args.rounds):
        a, b = phases(mine, args.steps), phases(theirs, args.steps)
        ratios.append(a[3] / b[3])
        rows.append((a, b))
        print("rtorch_py fwd {:.2f} bwd {:.2f} opt {:.2f} total {:.2f} | PyTorch fwd {:.2f} bwd {:.2f} opt {:.2f} "
              "total {:.2f} | ratio {:.3f}".format(*a, *b, ratios[-1]))
    med = np.median(np.array([np.concatenate(r) for r in rows]), axis=0)
    print("median    fwd {:.2f} bwd {:.2f} opt {:.2f} total {:.2f} | PyTorch fwd {:.2f} bwd {:.2f} opt {:.2f} "
          "total {:.2f} | ratio {:.3f}".format(*med, statistics.median(ratios)))


if __name__ == "__main__":
    main()
