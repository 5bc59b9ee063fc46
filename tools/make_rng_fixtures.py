"""Write tests/fixtures/rng_extra.json: random streams of PyTorch 2.13 (CPU) that rtorch_py._core.rng must match.

Development-only: needs torch==2.13.0 (CPU wheel). The tests read the committed JSON and never import torch.

Each case is ``{"call", "seed", "ops", "dtype", "shape", "data"}``: after ``manual_seed(seed)`` the ops run in
order on one generator and the last one's result must equal ``data`` bit for bit. An op is ``[name, kwargs]``
named after ``Generator``'s methods, plus ``dropout`` (``F.dropout(ones(shape), p, training=True) != 0``) and
``get_state``/``set_state`` (states as hex of torch.get_rng_state()'s bytes). Floats are ``float.hex`` strings;
an array argument is ``{"dtype", "shape", "data"}``; uint8 data (states) is one hex string.

Usage: .venv/bin/python tools/make_rng_fixtures.py [--check]   (--check: compare with the file, write nothing)
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np
import torch
import torch.nn.functional as F
from _fixture_util import FIXTURES

OUT = FIXTURES / "rng_extra.json"
TORCH_VERSION = "2.13.0"

_TDTYPE = {"float16": torch.float16, "float32": torch.float32, "float64": torch.float64,
           "int64": torch.int64, "int32": torch.int32}


def enc_array(a: np.ndarray) -> dict:
    """An array as JSON: floats as float.hex (exact for every float dtype), ints as ints."""
    flat = a.reshape(-1)
    if a.dtype == np.uint8:  # generator states: one hex string
        return {"dtype": "uint8", "shape": list(a.shape), "data": a.tobytes().hex()}
    if a.dtype.kind == "f":
        data = [float(x).hex() for x in flat.astype(np.float64)]
    else:
        data = [int(x) for x in flat]
    return {"dtype": str(a.dtype), "shape": list(a.shape), "data": data}


def dec_array(d: dict) -> np.ndarray:
    vals = [float.fromhex(x) if isinstance(x, str) else x for x in d["data"]]
    return np.array(vals, dtype=np.float64 if d["dtype"].startswith("float") else None) \
        .astype(d["dtype"]).reshape(d["shape"])


def run_torch(name: str, kw: dict):
    """Run one op with torch on the default generator; returns a numpy array."""
    dt = _TDTYPE.get(kw.get("dtype", "float32"))
    if name == "normal":
        return torch.empty(kw["shape"], dtype=dt).normal_(kw["mean"], kw["std"]).numpy()
    if name == "uniform":
        return torch.empty(kw["shape"], dtype=dt).uniform_(kw["low"], kw["high"]).numpy()
    if name == "randint":
        return torch.randint(kw["low"], kw["high"], kw["shape"], dtype=dt).numpy()
    if name == "randperm":
        return torch.randperm(kw["n"]).numpy()
    if name == "bernoulli":
        if isinstance(kw["p"], dict):
            p = torch.from_numpy(dec_array(kw["p"]))
            if kw.get("shape") is not None:
                return torch.empty(kw["shape"], dtype=dt).bernoulli_(p).numpy()
            return torch.bernoulli(p).numpy()
        return torch.empty(kw["shape"], dtype=dt).bernoulli_(kw["p"]).numpy()
    if name == "dropout":
        return (F.dropout(torch.ones(kw["shape"]), kw["p"], training=True) != 0).numpy()
    if name == "multinomial":
        probs = torch.from_numpy(dec_array(kw["probs"]))
        return torch.multinomial(probs, kw["num_samples"], kw["replacement"]).numpy()
    if name == "exponential":
        return torch.empty(kw["shape"], dtype=dt).exponential_(kw["lambd"]).numpy()
    if name == "geometric":
        return torch.empty(kw["shape"], dtype=dt).geometric_(kw["p"]).numpy()
    if name == "get_state":
        return torch.get_rng_state().numpy()
    if name == "set_state":
        torch.set_rng_state(torch.from_numpy(np.frombuffer(bytes.fromhex(kw["state"]), dtype=np.uint8).copy()))
        return np.empty(0, dtype=np.uint8)
    raise ValueError(f"unknown op {name}")


def probs(shape, seed: int, zeros: float = 0.0, dtype=np.float32) -> dict:
    """Reproducible probability arrays (from numpy, not the generator under test)."""
    rs = np.random.default_rng(seed)
    p = rs.random(shape)
    p[rs.random(shape) < zeros] = 0.0
    return enc_array(p.astype(dtype))


def cases() -> list[tuple[str, int, list]]:
    """(description, seed, ops)."""
    out: list[tuple[str, int, list]] = []

    def add(desc: str, seed: int, *ops) -> None:
        out.append((desc, seed, [list(op) for op in ops]))

    for seed in (0, 3, 2024):
        for n in (0, 1, 2, 5, 100, 1000) + ((10000,) if seed == 0 else ()):
            add(f"randperm({n})", seed, ("randperm", {"n": n}))
        for n in (1, 5, 15, 16, 17, 40, 100):
            add(f"randn({n}, float64)", seed,
                ("normal", {"shape": [n], "mean": 0.0, "std": 1.0, "dtype": "float64"}))
        for n in (7, 16, 33, 200):
            add(f"empty({n}).normal_(-1.5, 0.25)", seed,
                ("normal", {"shape": [n], "mean": -1.5, "std": 0.25, "dtype": "float32"}))
            add(f"empty({n}, float64).normal_(0.7, 3)", seed,
                ("normal", {"shape": [n], "mean": 0.7, "std": 3.0, "dtype": "float64"}))
        for n in (5, 17, 40):
            add(f"randn({n}, float16)", seed,
                ("normal", {"shape": [n], "mean": 0.0, "std": 1.0, "dtype": "float16"}))
        add("rand(300, float16)", seed, ("uniform", {"shape": [300], "low": 0.0, "high": 1.0, "dtype": "float16"}))
        add("empty(300, float16).uniform_(-2, 0.5)", seed,
            ("uniform", {"shape": [300], "low": -2.0, "high": 0.5, "dtype": "float16"}))
        add("empty(50, float64).uniform_(-0.3, 1.7)", seed,
            ("uniform", {"shape": [50], "low": -0.3, "high": 1.7, "dtype": "float64"}))
        add("empty(64).uniform_(0.1, 0.37)", seed,
            ("uniform", {"shape": [64], "low": 0.1, "high": 0.37, "dtype": "float32"}))
        for lo, hi in ((0, 2**28 - 1), (0, 2**28), (-(2**33), 2**33), (0, 2**32 + 5), (-(2**63), 2**63 - 1)):
            add(f"randint({lo}, {hi}, (20,))", seed,
                ("randint", {"low": lo, "high": hi, "shape": [20], "dtype": "int64"}))
        add("randint(-100, 100, (3, 4), int32)", seed,
            ("randint", {"low": -100, "high": 100, "shape": [3, 4], "dtype": "int32"}))
        for p in (0.0, 0.3, 1.0):
            add(f"empty(4, 6).bernoulli_({p})", seed,
                ("bernoulli", {"p": p, "shape": [4, 6], "dtype": "float32"}))
        add("empty(9, float64).bernoulli_(0.5)", seed,
            ("bernoulli", {"p": 0.5, "shape": [9], "dtype": "float64"}))
        for pdt in ("float32", "float64", "float16"):
            add(f"bernoulli(p: (5, 7) {pdt})", seed,
                ("bernoulli", {"p": probs((5, 7), seed + 1, dtype=pdt), "shape": None, "dtype": pdt}))
        add("empty(3, 4).bernoulli_(p: (4,) float32)", seed,
            ("bernoulli", {"p": probs((4,), seed + 2), "shape": [3, 4], "dtype": "float32"}))
        for shape in ((10,), (4, 8), (2, 3, 5)):
            for p in (0.2, 0.5):
                add(f"F.dropout(ones{shape}, {p}, training=True) != 0", seed,
                    ("dropout", {"shape": list(shape), "p": p}))
        for shape, k, rep, zeros in (((6,), 1, False, 0), ((6,), 3, False, 0), ((6,), 6, False, 0),
                                     ((6,), 10, True, 0), ((6,), 1, True, 0), ((4, 10), 3, False, 0),
                                     ((4, 10), 5, True, 0), ((3, 200), 200, False, 0),
                                     ((8,), 6, False, 0.6), ((300,), 12, False, 0.98),
                                     ((2, 9), 20, True, 0.5)):
            add(f"multinomial({shape}, {k}, replacement={rep}, zeros={zeros})", seed,
                ("multinomial", {"probs": probs(shape, seed + 3, zeros), "num_samples": k, "replacement": rep}))
        add("multinomial((5,) float64, 4)", seed,
            ("multinomial", {"probs": probs((5,), seed + 4, dtype=np.float64), "num_samples": 4,
                             "replacement": False}))
        add("multinomial(ones(500), 500)", seed,
            ("multinomial", {"probs": enc_array(np.ones(500, np.float32)), "num_samples": 500,
                             "replacement": False}))
        add("empty(30).exponential_(1.5)", seed, ("exponential", {"shape": [30], "lambd": 1.5, "dtype": "float32"}))
        add("empty(30).geometric_(0.2)", seed, ("geometric", {"shape": [30], "p": 0.2, "dtype": "float32"}))
        # The scalar path's cache across calls and dtypes; the vector path leaves it alone.
        add("randn(3); randn(1, float64)", seed,
            ("normal", {"shape": [3], "mean": 0.0, "std": 1.0, "dtype": "float32"}),
            ("normal", {"shape": [1], "mean": 0.0, "std": 1.0, "dtype": "float64"}))
        add("randn(1); randn(20); empty(2).normal_(5, 2)", seed,
            ("normal", {"shape": [1], "mean": 0.0, "std": 1.0, "dtype": "float32"}),
            ("normal", {"shape": [20], "mean": 0.0, "std": 1.0, "dtype": "float32"}),
            ("normal", {"shape": [2], "mean": 5.0, "std": 2.0, "dtype": "float32"}))
        # States: bytes after seeding and after draws (cache set), and replay after set_state.
        add("get_rng_state()", seed, ("get_state", {}))
        add("rand(1000); randn(3); get_rng_state()", seed,
            ("uniform", {"shape": [1000], "low": 0.0, "high": 1.0, "dtype": "float32"}),
            ("normal", {"shape": [3], "mean": 0.0, "std": 1.0, "dtype": "float32"}),
            ("get_state", {}))
    # Replay a state taken mid-stream, with the normal cache set.
    torch.manual_seed(11)
    torch.rand(700)
    torch.randn(5)
    state = torch.get_rng_state().numpy().tobytes().hex()
    add("set_rng_state(s); randn(1)", 0, ("set_state", {"state": state}),
        ("normal", {"shape": [1], "mean": 0.0, "std": 1.0, "dtype": "float32"}))
    add("set_rng_state(s); randn(1); randn(50)", 0, ("set_state", {"state": state}),
        ("normal", {"shape": [1], "mean": 0.0, "std": 1.0, "dtype": "float32"}),
        ("normal", {"shape": [50], "mean": 0.0, "std": 1.0, "dtype": "float32"}))
    add("set_rng_state(s); randperm(30)", 0, ("set_state", {"state": state}), ("randperm", {"n": 30}))
    # Longer float32 streams: the mean/std one has exact float32 ties in its final fma.
    add("randn(1000)", 5, ("normal", {"shape": [1000], "mean": 0.0, "std": 1.0, "dtype": "float32"}))
    add("empty(1000).normal_(0.5, 2.25)", 5,
        ("normal", {"shape": [1000], "mean": 0.5, "std": 2.25, "dtype": "float32"}))
    return out


def build() -> dict:
    records = []
    for desc, seed, ops in cases():
        torch.manual_seed(seed)
        res = None
        for name, kw in ops:
            res = run_torch(name, kw)
        rec = {"call": f"manual_seed({seed}); {desc}", "seed": seed, "ops": ops}
        rec.update(enc_array(np.ascontiguousarray(res)))
        records.append(rec)
    return {"about": f"PyTorch {torch.__version__} CPU ({torch.backends.cpu.get_cpu_capability()}) random "
                     "streams, made by tools/make_rng_fixtures.py", "cases": records}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare with the committed file, write nothing")
    args = ap.parse_args()
    if not torch.__version__.startswith(TORCH_VERSION):
        print(f"need torch {TORCH_VERSION}, found {torch.__version__}", file=sys.stderr)
        return 2
    torch.set_num_threads(1)
    data = build()
    # One case per line: small diffs when cases change.
    text = ('{"about": ' + json.dumps(data["about"]) + ', "cases": [\n'
            + ",\n".join(json.dumps(c, separators=(",", ":")) for c in data["cases"]) + "\n]}\n")
    if args.check:
        same = OUT.exists() and json.loads(OUT.read_text())["cases"] == data["cases"]
        print("up to date" if same else "differs")
        return 0 if same else 1
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text)
    print(f"wrote {len(data['cases'])} cases to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
