"""Write tests/fixtures/distributions.json: PyTorch 2.13 (CPU) distributions that rtorch_py.distributions must
match: draws bit for bit after the same seed (and the generator's next draws), log_prob / cdf / icdf / entropy /
mean / variance values and the gradients of log_prob with respect to the parameters.

Development-only: needs torch==2.13.0 (CPU wheel). The tests read the committed JSON and never import torch.
R torch's conventions are applied by the test, not here: categories are 0-based in this file (the test adds 1),
and parameters are always tensors. Floats are ``float.hex`` strings.

Usage: .venv/bin/python tools/make_distr_fixtures.py [--check]   (--check: compare with the file, write nothing)
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np
import torch
import torch.distributions as D
from _fixture_util import FIXTURES
from make_rng_fixtures import enc_array

OUT = FIXTURES / "distributions.json"

f32 = np.float32


def arr(values, dtype=f32) -> np.ndarray:
    return np.asarray(values, dtype=dtype)


# name, PyTorch class, parameters, sample shape, values for log_prob/cdf (None: from the draws), extras
CASES = [
    ("normal", "Normal", {"loc": arr([[0.0, 1.5, -2.0], [0.3, 0.0, 4.0]]), "scale": arr([0.5, 1.0, 2.5])},
     [4], arr([[0.1, 1.0, -3.0], [2.0, 0.0, 3.9]]), ["cdf", "icdf", "entropy", "mean", "variance", "stddev"]),
    ("normal_long", "Normal", {"loc": arr([1.0]), "scale": arr([2.0])}, [37], arr([0.25]),
     ["cdf", "entropy"]),
    ("normal_f64", "Normal", {"loc": arr([0.0, 1.0], np.float64), "scale": arr([1.0, 3.0], np.float64)}, [5],
     arr([0.7, -1.0], np.float64), ["cdf", "icdf", "entropy"]),
    ("bernoulli", "Bernoulli", {"probs": arr([0.7, 0.2, 0.4, 0.0, 1.0])}, [6], arr([1.0, 0.0, 1.0, 0.0, 1.0]),
     ["entropy", "mean", "variance"]),
    ("bernoulli_logits", "Bernoulli", {"logits": arr([[-2.0, 0.0], [0.5, 3.0]])}, [3], arr([[1.0, 0.0], [0.0, 1.0]]),
     ["entropy", "mean"]),
    ("categorical", "Categorical", {"probs": arr([[0.1, 0.2, 0.3, 0.4], [0.5, 0.3, 0.2, 0.0]])}, [7],
     arr([3, 1], np.int64), ["entropy"]),
    ("categorical_1d", "Categorical", {"probs": arr([1.0, 2.0, 3.0])}, [2, 3], arr([0, 1, 2], np.int64),
     ["entropy"]),
    ("categorical_logits", "Categorical", {"logits": arr([[0.5, -1.0, 2.0]])}, [4], arr([[2]], np.int64),
     ["entropy"]),
    ("poisson", "Poisson", {"rate": arr([0.0, 0.5, 3.0, 9.99, 10.0, 25.0, 300.0])}, [5],
     arr([0.0, 1.0, 2.0, 10.0, 10.0, 20.0, 290.0]), ["mean", "variance"]),
    ("poisson_f64", "Poisson", {"rate": arr([4.5, 12.0], np.float64)}, [6], arr([3.0, 15.0], np.float64), []),
    ("gamma", "Gamma", {"concentration": arr([0.05, 0.5, 1.0, 2.5, 40.0]), "rate": arr([1.0, 2.0, 0.5, 1.0, 3.0])},
     [4], arr([0.01, 0.3, 2.0, 1.5, 12.0]), ["entropy", "mean", "variance", "cdf"]),
    ("gamma_f64", "Gamma", {"concentration": arr([0.3, 7.0], np.float64), "rate": arr([1.0, 2.0], np.float64)},
     [5], arr([0.2, 3.0], np.float64), ["entropy"]),
    ("chi2", "Chi2", {"df": arr([0.5, 1.0, 3.0, 20.0])}, [3], arr([0.2, 1.0, 2.0, 25.0]),
     ["entropy", "mean", "variance", "cdf"]),
    ("mvn_cov", "MultivariateNormal", {"loc": arr([0.5, -1.0, 2.0]),
                                       "covariance_matrix": arr([[2.0, 0.3, 0.1], [0.3, 1.0, -0.2], [0.1, -0.2, 0.5]])},
     [4], arr([[0.0, 0.0, 0.0], [1.0, -2.0, 2.5]]), ["entropy", "mean", "variance"]),
    ("mvn_tril", "MultivariateNormal", {"loc": arr([[0.0, 1.0], [2.0, 3.0]]),
                                        "scale_tril": arr([[1.5, 0.0], [0.4, 0.7]])},
     [3], arr([1.0, 1.0]), ["entropy", "variance"]),
    ("mvn_precision", "MultivariateNormal", {"loc": arr([1.0, 0.0]), "precision_matrix": arr([[2.0, 0.5], [0.5, 1.0]])},
     [2], arr([0.5, 0.5]), ["entropy", "variance"]),
]

MIXTURE = ("mixture", {"probs": arr([0.6, 0.3, 0.1]), "loc": arr([0.0, 2.0, -3.0]), "scale": arr([1.0, 0.5, 2.0])},
           [5], arr([[1.0, 2.0], [0.0, -1.0]]))


def leaf(a: np.ndarray, grad: bool = True) -> torch.Tensor:
    t = torch.from_numpy(a.copy())
    if grad and t.dtype.is_floating_point:
        t.requires_grad_(True)
    return t


def enc(t: torch.Tensor) -> dict:
    return enc_array(t.detach().numpy())


def draws(make, sample_shape: list, seed: int) -> tuple[dict, dict, dict | None]:
    torch.manual_seed(seed)
    d = make()
    s = d.sample(sample_shape)
    after = torch.rand(3)
    r = None
    if d.has_rsample:
        torch.manual_seed(seed)
        r = enc(make().rsample(sample_shape))
    return enc(s), enc(after), r


def case(name: str, cls: str, params: dict, sample_shape: list, values: np.ndarray, extras: list) -> dict:
    tparams = {k: leaf(v) for k, v in params.items()}
    make = lambda: getattr(D, cls)(**tparams)  # noqa: E731
    s, after, r = draws(make, sample_shape, 11)
    d = make()
    out = {"name": name, "cls": cls, "params": {k: enc_array(v) for k, v in params.items()},
           "sample_shape": sample_shape, "seed": 11, "sample": s, "after": after, "rsample": r,
           "values": enc_array(values), "batch_shape": list(d.batch_shape), "event_shape": list(d.event_shape)}
    lp = d.log_prob(torch.from_numpy(values))
    out["log_prob"] = enc(lp)
    grads = torch.autograd.grad(lp.sum(), list(tparams.values()), allow_unused=True)
    out["grads"] = {k: (None if g is None else enc(g)) for k, g in zip(tparams, grads)}
    for e in extras:
        if e == "cdf":
            out["cdf"] = enc(d.cdf(torch.from_numpy(values)))
        elif e == "icdf":
            q = torch.from_numpy(np.clip(np.abs(values) / (np.abs(values).max() + 1), 0.05, 0.95).astype(values.dtype))
            out["icdf_at"] = enc(q)
            out["icdf"] = enc(d.icdf(q))
        elif e == "entropy":
            out["entropy"] = enc(d.entropy())
        else:
            out[e] = enc(getattr(d, e))
    return out


def mixture() -> dict:
    name, params, sample_shape, values = MIXTURE
    tp = {k: leaf(v) for k, v in params.items()}
    make = lambda: D.MixtureSameFamily(D.Categorical(probs=tp["probs"]), D.Normal(tp["loc"], tp["scale"]))  # noqa: E731
    s, after, _ = draws(make, sample_shape, 5)
    d = make()
    v = torch.from_numpy(values)
    lp = d.log_prob(v)
    grads = torch.autograd.grad(lp.sum(), list(tp.values()))
    return {"name": name, "params": {k: enc_array(p) for k, p in params.items()}, "sample_shape": sample_shape,
            "seed": 5, "sample": s, "after": after, "values": enc_array(values), "log_prob": enc(lp),
            "cdf": enc(d.cdf(v)), "mean": enc(d.mean), "variance": enc(d.variance),
            "grads": {k: enc(g) for k, g in zip(tp, grads)}}


def gamma_grad() -> dict:
    alpha = np.array([0.01, 0.3, 0.9, 1.0, 2.5, 7.9, 8.5, 50.0, 1e3, 1e4])
    # x values spanning each branch: below 0.8, near alpha (Rice saddle point), far from alpha
    a = np.repeat(alpha, 6)
    x = np.concatenate([[0.001, 0.5, 0.79, 1.5, ai * 0.95, ai * 1.5] for ai in alpha])
    g = torch._standard_gamma_grad(torch.from_numpy(a), torch.from_numpy(x))
    return {"alpha": enc_array(a), "x": enc_array(x), "grad": enc(g)}


def build() -> dict:
    return {"torch": torch.__version__, "cases": [case(*c) for c in CASES], "mixture": mixture(),
            "gamma_grad": gamma_grad()}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    if not torch.__version__.startswith("2.13.0"):
        print(f"needs torch 2.13.0, found {torch.__version__}", file=sys.stderr)
        return 2
    data = build()
    text = json.dumps(data, indent=None, separators=(",", ":")) + "\n"
    if args.check:
        same = OUT.exists() and OUT.read_text() == text
        print("up to date" if same else "differs")
        return 0 if same else 1
    OUT.write_text(text)
    print(f"wrote {OUT} ({len(text)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
