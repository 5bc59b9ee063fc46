"""`make bench`: rtorch_py beside PyTorch (when installed) and the hand-written numpy floor.

Each measurement runs in its own process (thread counts are fixed before BLAS loads); timings are medians of
repeated blocks after warm-up, and every ratio compares numbers measured in this same run. Prints a table and
writes bench/results.json with the machine it ran on.
"""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PY = sys.executable
HAVE_TORCH = importlib.util.find_spec("torch") is not None

# Groups of (workload, impl, threads) compared with each other. The members of a group run round-robin, one
# process each, ROUNDS times, and each keeps the median of its rounds: on a shared machine a noisy minute
# then hits every member of a comparison alike instead of one of them.
GROUPS = [
    [("op", "rtorch", 1), ("op", "torch", 1), ("op", "numpy", 1)],
    [("small", "rtorch", 1), ("small", "torch", 1), ("small", "numpy", 1),
     ("r-rscript", "rtorch", 1), ("r-rtorch-run", "rtorch", 1)],
    [("small", "rtorch", 2), ("small", "torch", 2), ("small", "numpy", 2)],
    [("big", "rtorch", 2), ("big", "torch", 2), ("big", "numpy", 2)],
    [("cnn", "rtorch", 1), ("cnn", "torch", 1)],
    [("cnn", "rtorch", 2), ("cnn", "torch", 2)],
    [("lstm", "rtorch", 1), ("lstm", "torch", 1)],
    [("transformer", "rtorch", 1), ("transformer", "torch", 1)],
    [("data", "rtorch", 1), ("data", "torch", 1)],  # bench/data_loader.py: one shuffled epoch, batches per second
]
# RTORCH_BENCH_ONLY=cnn,lstm runs only the groups of those workloads (and skips the memory runs).
_ONLY = [w for w in os.environ.get("RTORCH_BENCH_ONLY", "").split(",") if w]
if _ONLY:
    GROUPS = [g for g in GROUPS if g[0][0] in _ONLY]
ONCE = [("memory", "rtorch", 1), ("r-memory-rscript", "rtorch", 1), ("r-memory-rtorch-run", "rtorch", 1)]
if _ONLY:
    ONCE = []
ROUNDS = int(os.environ.get("RTORCH_BENCH_ROUNDS", "3"))
TIMED_KEYS = ("median_us", "small_median_us", "op_median_us")


def _env(threads: int) -> dict[str, str]:
    env = dict(os.environ)
    for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[k] = str(threads)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _r_env(env: dict[str, str]) -> dict[str, str]:
    out = subprocess.run(["make", "-s", "-C", str(ROOT), "r-env"], capture_output=True, text=True, check=True)
    for line in out.stdout.splitlines():
        k, _, v = line.removeprefix("export ").partition("=")
        env[k] = v
    return env


def measure(workload: str, impl: str, threads: int) -> dict | None:
    env = _env(threads)
    if impl == "torch" and not HAVE_TORCH:
        return None
    if workload.startswith("r-"):
        env = _r_env(env)
        if workload.startswith("r-memory"):
            env["RTORCH_BENCH_MODE"] = "memory"
        script = str(HERE / "small.R")
        cmd = ["Rscript", script] if workload.endswith("rscript") else [PY, "-m", "rtorch_py", "run", script]
    elif workload == "data":
        cmd = [PY, str(HERE / "data_loader.py"), impl]
    else:
        cmd = [PY, str(HERE / "workloads.py"), workload, impl, str(threads)]
    if workload in ("cnn", "lstm", "transformer"):
        cmd.append("3" if workload == "cnn" else "5")  # timed blocks: these steps take 10-500 ms
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    if proc.returncode != 0:
        return {"error": (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["failed"]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def progress(i: int, n: int, label: str) -> None:
    width = 30
    done = int(width * i / n)
    sys.stderr.write(f"\r[{'#' * done}{'.' * (width - done)}] {i}/{n} {label:<28}")
    sys.stderr.flush()


def machine() -> dict:
    import numpy as np

    info = {"python": platform.python_version(), "numpy": np.__version__, "cpu": platform.processor(),
            "cores": os.cpu_count()}
    try:
        with open("/proc/cpuinfo") as f:
            info["cpu"] = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    cfg = np.show_config(mode="dicts") if hasattr(np, "show_config") else {}
    try:
        blas = cfg["Build Dependencies"]["blas"]
        info["blas"] = f"{blas.get('name')} {blas.get('version')}"
    except (KeyError, TypeError):
        pass
    if HAVE_TORCH:
        import torch

        info["torch"] = torch.__version__
    return info


def combine(runs: list[dict | None]) -> dict | None:
    """One result from a member's rounds: the median of each timing, every round's value kept."""
    ok = [r for r in runs if r and "error" not in r]
    if not ok:
        return next((r for r in runs if r), None)
    out: dict = {**ok[0], "rounds": ok}
    for key in TIMED_KEYS:
        vals = [r[key] for r in ok if key in r]
        if vals:
            out[key] = statistics.median(vals)
    return out


def main() -> None:
    results: dict[str, dict] = {}
    steps = [(r, m) for g in GROUPS for r in range(ROUNDS) for m in g] + [(0, m) for m in ONCE]
    runs: dict[str, list] = {}
    for i, (r, (w, impl, th)) in enumerate(steps):
        progress(i, len(steps), f"{w} {impl} {th}t r{r + 1}")
        runs.setdefault(f"{w}/{impl}/{th}", []).append(measure(w, impl, th))
    progress(len(steps), len(steps), "done")
    sys.stderr.write("\n")
    results = {k: combine(v) for k, v in runs.items()}

    def med(key: str) -> float | None:
        r = results.get(key)
        return r.get("median_us") if r and "median_us" in r else None

    rows = []
    for w, th, unit, scale in (("op", 1, "us", 1), ("small", 1, "us", 1), ("small", 2, "us", 1),
                               ("big", 2, "ms", 1e-3), ("cnn", 1, "ms", 1e-3), ("cnn", 2, "ms", 1e-3),
                               ("lstm", 1, "ms", 1e-3), ("transformer", 1, "ms", 1e-3)):
        ours, torch_t, floor = med(f"{w}/rtorch/{th}"), med(f"{w}/torch/{th}"), med(f"{w}/numpy/{th}")
        rows.append((f"{w.upper()} ({th} thread{'s' if th > 1 else ''})", unit, ours and ours * scale,
                     torch_t and torch_t * scale, floor and floor * scale,
                     ours / torch_t if ours and torch_t else None, ours / floor if ours and floor else None))
    r1, r2 = results.get("r-rscript/rtorch/1") or {}, results.get("r-rtorch-run/rtorch/1") or {}
    small_py = med("small/rtorch/1")
    for label, r in (("SMALL via R (Rscript)", r1), ("SMALL via R (rtorch run)", r2)):
        v = r.get("small_median_us")
        rows.append((label, "us", v, None, None, None, v / small_py if v and small_py else None))
    for label, r in (("x * 0.2 from R (Rscript)", r1), ("x * 0.2 from R (rtorch run)", r2)):
        rows.append((label, "us", r.get("op_median_us"), None, None, None, None))

    def f(v: float | None, nd: int = 1) -> str:
        return "-" if v is None else f"{v:.{nd}f}"

    print(f"{'workload':<30} {'unit':<4} {'rtorch_py':>10} {'PyTorch':>10} {'numpy':>10} {'vs torch':>9} "
          f"{'vs floor':>9}")
    for label, unit, ours, t, fl, rt, rf in rows:
        print(f"{label:<30} {unit:<4} {f(ours):>10} {f(t):>10} {f(fl):>10} {f(rt, 2):>9} {f(rf, 2):>9}")
    for th in (1, 2):
        ours, theirs = results.get(f"cnn/rtorch/{th}") or {}, results.get(f"cnn/torch/{th}") or {}
        if "peak_rss_mb" in ours:
            print(f"memory: peak RSS of the CNN process ({th} thread{'s' if th > 1 else ''}): rtorch_py "
                  f"{f(ours.get('peak_rss_mb'))} MB, PyTorch {f(theirs.get('peak_rss_mb'))} MB")
    mem = results.get("memory/rtorch/1") or {}
    print(f"memory: RSS growth over {mem.get('iterations', '-')} SMALL iterations: "
          f"{f(mem.get('rss_growth_mb'))} MB")
    for label, key in (("Rscript", "r-memory-rscript/rtorch/1"), ("rtorch run", "r-memory-rtorch-run/rtorch/1")):
        r = results.get(key) or {}
        print(f"memory: RSS growth over {r.get('iterations', '-')} SMALL iterations from R ({label}): "
              f"{f(r.get('growth_mb'))} MB")
    print("(vs floor for the R rows: ratio to the Python API's SMALL time)")
    d_ours, d_torch = med("data/rtorch/1"), med("data/torch/1")
    bps = [None if v is None else 938 / (v * 1e-6) for v in (d_ours, d_torch)]
    print(f"dataloader: one shuffled epoch of a 60000 x 784 tensor_dataset, batch_size 64 (938 batches): "
          f"rtorch_py {f(bps[0])} batches/s, PyTorch DataLoader {f(bps[1])} batches/s"
          + (f", ratio {bps[0] / bps[1]:.2f}x" if bps[0] and bps[1] else ""))
    errors = {k: v["error"] for k, v in results.items() if v and "error" in v}
    for k, e in errors.items():
        print(f"error in {k}: {e}")
    out = {"machine": machine(), "results": results}
    (HERE / "results.json").write_text(json.dumps(out, indent=2))
    print(f"wrote {HERE / 'results.json'}")


if __name__ == "__main__":
    main()
