"""One optimizer step on the seed network's four parameters (32x3, 32, 1x32, 1), rtorch_py beside PyTorch.

`python bench/optim_step.py [--all]`: gradients are set once, then ``step()`` is timed with timeit (best of
several blocks, blocks of rtorch_py and PyTorch interleaved so machine noise hits both). The target: Adam's
step takes at most half of PyTorch's (PyTorch CPU, one thread, single-tensor implementation as on CPU by
default). ``--all`` times every optimizer.
"""

from __future__ import annotations

import argparse
import os
import statistics
import timeit

for _k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_k, "1")

import numpy as np  # noqa: E402

import rtorch_py as rt  # noqa: E402

SHAPES = [(32, 3), (32,), (1, 32), (1,)]
# name -> (R-style kwargs, PyTorch class)
OPTIMIZERS = {
    "optim_adam": ({"lr": 0.08}, "Adam"),
    "optim_adamw": ({"lr": 0.08}, "AdamW"),
    "optim_sgd": ({"lr": 0.08, "momentum": 0.9}, "SGD"),
    "optim_adagrad": ({"lr": 0.08}, "Adagrad"),
    "optim_adadelta": ({}, "Adadelta"),
    "optim_rmsprop": ({"lr": 0.01}, "RMSprop"),
    "optim_rprop": ({}, "Rprop"),
    "optim_asgd": ({}, "ASGD"),
}


def _setups(name: str) -> tuple:
    kwargs, tname = OPTIMIZERS[name]
    rng = np.random.default_rng(1)
    values = [rng.standard_normal(s).astype(np.float32) for s in SHAPES]
    grads = [rng.standard_normal(s).astype(np.float32) for s in SHAPES]
    params = [rt.torch_tensor(v, requires_grad=True) for v in values]
    for p, g in zip(params, grads):
        p.grad = rt.torch_tensor(g)
    ours = getattr(rt, name)(params, **kwargs)
    theirs = None
    try:
        import torch

        torch.set_num_threads(1)
        tparams = [torch.tensor(v, requires_grad=True) for v in values]
        for p, g in zip(tparams, grads):
            p.grad = torch.tensor(g)
        theirs = getattr(torch.optim, tname)(tparams, foreach=False, **kwargs)
    except ImportError:
        pass
    return ours, theirs


def time_step(name: str, number: int = 2000, repeat: int = 7) -> dict[str, float]:
    """Microseconds per step: best block and median block, for rtorch_py and PyTorch."""
    ours, theirs = _setups(name)
    ours.step()
    if theirs is not None:
        theirs.step()
    results: dict[str, list[float]] = {"rtorch": [], "torch": []}
    for _ in range(repeat):
        results["rtorch"].append(timeit.timeit(ours.step, number=number) / number * 1e6)
        if theirs is not None:
            results["torch"].append(timeit.timeit(theirs.step, number=number) / number * 1e6)
    out = {}
    for impl, samples in results.items():
        if samples:
            out[f"{impl}_best"] = min(samples)
            out[f"{impl}_median"] = statistics.median(samples)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="time every optimizer, not only Adam")
    args = parser.parse_args()
    names = list(OPTIMIZERS) if args.all else ["optim_adam"]
    print(f"{'optimizer':15s} {'rtorch best':>12s} {'median':>8s} {'torch best':>11s} {'median':>8s} {'ratio':>6s}")
    for name in names:
        r = time_step(name)
        ratio = r["rtorch_median"] / r["torch_median"] if "torch_median" in r else float("nan")
        print(f"{name:15s} {r['rtorch_best']:10.1f}us {r['rtorch_median']:6.1f}us "
              f"{r.get('torch_best', float('nan')):9.1f}us {r.get('torch_median', float('nan')):6.1f}us "
              f"{ratio:6.2f}")
    print("target (optim_adam): ratio <= 0.50")


if __name__ == "__main__":
    main()
