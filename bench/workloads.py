"""One benchmark workload in one process: `python bench/workloads.py WORKLOAD IMPL THREADS [REPEATS]`.

Prints one JSON object: {"median_us": ..., "samples_us": [...], ...}. Thread counts must be set before numpy
or torch load their BLAS, hence one process per measurement (run.py sets the environment).
Workloads are those of shared/reference/performance.md.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np

N, D_IN, D_HIDDEN, D_OUT, LR = 100, 3, 32, 1, 0.08


def timed(step: Callable[[], object], iters: int, repeats: int, warmup: int = 20) -> list[float]:
    """Per-iteration microseconds of `repeats` blocks of `iters` calls, after a warm-up."""
    for _ in range(warmup):
        step()
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(iters):
            step()
        out.append((time.perf_counter() - t0) / iters * 1e6)
    return out


def interleaved(parts: dict[str, Callable[[], object]], rounds: int, steps: int,
                clock: Callable[[], float] = time.process_time) -> dict[str, list[float]]:
    """Milliseconds per call of each part, one block of `steps` calls per part per round, the parts taking turns
    (in one process, so that machine noise hits each alike); one warm-up call each first."""
    for f in parts.values():
        f()
    times: dict[str, list[float]] = {k: [] for k in parts}
    for _ in range(rounds):
        for k, f in parts.items():
            t0 = clock()
            for _ in range(steps):
                f()
            times[k].append((clock() - t0) / steps * 1e3)
    return times


def training_step(model: Callable, x: object, loss_fn: Callable, opt: object,
                  zero_grad: Callable[[], object]) -> Callable[[], None]:
    """One full-batch step as a closure: forward, loss, zero_grad, backward, optimizer step (same for rtorch
    and torch; torch's zero_grad keeps the gradient buffers, as rtorch's does)."""

    def step() -> None:
        loss = loss_fn(model(x))
        zero_grad()
        loss.backward()
        opt.step()

    return step


# -- SMALL: the seed network, Adam --------------------------------------------------------------------------

def small_rtorch() -> Callable[[], object]:
    import rtorch_py as rt

    rt.torch_manual_seed(1)
    x = rt.torch_randn(N, D_IN)
    y = x[:, 0:1] * 0.2 - x[:, 1:2] * 1.3 - x[:, 2:3] * 0.5 + rt.torch_randn(N, 1)
    model = rt.nn_sequential(rt.nn_linear(D_IN, D_HIDDEN), rt.nn_relu(), rt.nn_linear(D_HIDDEN, D_OUT))
    opt = rt.optim_adam(model.parameters, lr=LR)
    return training_step(model, x, lambda out: rt.nnf_mse_loss(out, y, reduction="sum"), opt, opt.zero_grad)


def small_torch() -> Callable[[], object]:
    import torch

    torch.manual_seed(1)
    x = torch.randn(N, D_IN)
    y = x[:, 0:1] * 0.2 - x[:, 1:2] * 1.3 - x[:, 2:3] * 0.5 + torch.randn(N, 1)
    model = torch.nn.Sequential(torch.nn.Linear(D_IN, D_HIDDEN), torch.nn.ReLU(), torch.nn.Linear(D_HIDDEN, D_OUT))
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    return training_step(model, x, lambda out: torch.nn.functional.mse_loss(out, y, reduction="sum"), opt,
                         lambda: opt.zero_grad(set_to_none=False))


class _NumpyAdam:
    """Hand-written per-tensor Adam (PyTorch's update rule), in place: the floor for the optimizer."""

    def __init__(self, params: list[np.ndarray], lr: float, b1: float = 0.9, b2: float = 0.999,
                 eps: float = 1e-8) -> None:
        self.p, self.lr, self.b1, self.b2, self.eps, self.t = params, lr, b1, b2, eps, 0
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.tmp = [np.empty_like(p) for p in params]

    def step(self, grads: list[np.ndarray]) -> None:
        self.t += 1
        bc1, bc2 = 1 - self.b1 ** self.t, 1 - self.b2 ** self.t
        step_size, bc2_sqrt = self.lr / bc1, bc2 ** 0.5
        for p, g, m, v, tmp in zip(self.p, grads, self.m, self.v, self.tmp):
            m *= self.b1
            m += (1 - self.b1) * g
            v *= self.b2
            np.multiply(g, g, out=tmp)
            tmp *= 1 - self.b2
            v += tmp
            np.sqrt(v, out=tmp)
            tmp /= bc2_sqrt
            tmp += self.eps
            np.divide(m, tmp, out=tmp)
            tmp *= step_size
            p -= tmp


def small_numpy() -> Callable[[], object]:
    r = np.random.default_rng(1)
    f32 = np.float32
    x = r.standard_normal((N, D_IN)).astype(f32)
    y = (x[:, :1] * 0.2 - x[:, 1:2] * 1.3 - x[:, 2:3] * 0.5 + r.standard_normal((N, 1))).astype(f32)
    b1, b2 = 1 / np.sqrt(D_IN), 1 / np.sqrt(D_HIDDEN)
    w1, c1 = r.uniform(-b1, b1, (D_HIDDEN, D_IN)).astype(f32), r.uniform(-b1, b1, D_HIDDEN).astype(f32)
    w2, c2 = r.uniform(-b2, b2, (D_OUT, D_HIDDEN)).astype(f32), r.uniform(-b2, b2, D_OUT).astype(f32)
    opt = _NumpyAdam([w1, c1, w2, c2], LR)

    def step() -> None:
        h = x @ w1.T
        h += c1
        np.maximum(h, 0, out=h)
        o = h @ w2.T
        o += c2
        d = o - y
        _loss = float(np.dot(d.ravel(), d.ravel()))
        g = d * 2
        gw2, gc2 = g.T @ h, g.sum(0)
        gh = g @ w2
        gh *= h > 0
        gw1, gc1 = gh.T @ x, gh.sum(0)
        opt.step([gw1, gc1, gw2, gc2])

    return step


# -- BIG: 10000 x 64 -> 512 -> 512 -> 10, cross entropy, Adam, full batch -----------------------------------------

BIG_N, BIG_IN, BIG_H, BIG_C = 10000, 64, 512, 10


def big_rtorch() -> Callable[[], object]:
    import rtorch_py as rt

    rt.torch_manual_seed(1)
    x = rt.torch_randn(BIG_N, BIG_IN)
    y = rt.torch_randint(1, BIG_C + 1, BIG_N, dtype=rt.torch_long())
    model = rt.nn_sequential(rt.nn_linear(BIG_IN, BIG_H), rt.nn_relu(), rt.nn_linear(BIG_H, BIG_H), rt.nn_relu(),
                             rt.nn_linear(BIG_H, BIG_C))
    opt = rt.optim_adam(model.parameters, lr=1e-3)
    return training_step(model, x, lambda out: rt.nnf_cross_entropy(out, y), opt, opt.zero_grad)


def big_torch() -> Callable[[], object]:
    import torch

    torch.manual_seed(1)
    x = torch.randn(BIG_N, BIG_IN)
    y = torch.randint(0, BIG_C, (BIG_N,))
    model = torch.nn.Sequential(torch.nn.Linear(BIG_IN, BIG_H), torch.nn.ReLU(), torch.nn.Linear(BIG_H, BIG_H),
                                torch.nn.ReLU(), torch.nn.Linear(BIG_H, BIG_C))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    return training_step(model, x, lambda out: torch.nn.functional.cross_entropy(out, y), opt,
                         lambda: opt.zero_grad(set_to_none=False))


def big_numpy() -> Callable[[], object]:
    r = np.random.default_rng(1)
    f32 = np.float32
    x = r.standard_normal((BIG_N, BIG_IN)).astype(f32)
    y = r.integers(0, BIG_C, BIG_N)
    sizes = [(BIG_H, BIG_IN), (BIG_H, BIG_H), (BIG_C, BIG_H)]
    ws = [r.uniform(-1 / np.sqrt(i), 1 / np.sqrt(i), (o, i)).astype(f32) for o, i in sizes]
    bs = [r.uniform(-1 / np.sqrt(i), 1 / np.sqrt(i), o).astype(f32) for o, i in sizes]
    opt = _NumpyAdam(ws + bs, 1e-3)
    rows = np.arange(BIG_N)

    def step() -> None:
        acts = [x]
        for i, (w, b) in enumerate(zip(ws, bs)):
            h = acts[-1] @ w.T
            h += b
            if i < 2:
                np.maximum(h, 0, out=h)
            acts.append(h)
        z = acts[-1]
        z = z - z.max(1, keepdims=True)
        e = np.exp(z)
        s = e.sum(1, keepdims=True)
        _loss = float(np.mean(np.log(s[:, 0]) - z[rows, y]))
        g = e / s
        g[rows, y] -= 1
        g /= BIG_N
        gws, gbs = [None] * 3, [None] * 3
        for i in (2, 1, 0):
            gws[i], gbs[i] = g.T @ acts[i], g.sum(0)
            if i:
                g = g @ ws[i]
                g *= acts[i] > 0
        opt.step(gws + gbs)

    return step


# -- CNN: PyTorch's MNIST example net (no dropout), SGD with momentum, batch 64 -----------------------------------

CNN_B = 64


def cnn_rtorch() -> Callable[[], object]:
    import rtorch_py as rt

    rt.torch_manual_seed(1)
    x = rt.torch_randn(CNN_B, 1, 28, 28)
    y = rt.torch_randint(1, 11, CNN_B, dtype=rt.torch_long())
    conv1, conv2 = rt.nn_conv2d(1, 32, 3, 1), rt.nn_conv2d(32, 64, 3, 1)
    fc1, fc2 = rt.nn_linear(9216, 128), rt.nn_linear(128, 10)
    params = [p for m in (conv1, conv2, fc1, fc2) for p in m.parameters.values()]

    def model(v: object) -> object:
        v = rt.nnf_relu(conv2(rt.nnf_relu(conv1(v))))
        v = rt.torch_flatten(rt.nnf_max_pool2d(v, 2), start_dim=2)
        return rt.nnf_log_softmax(fc2(rt.nnf_relu(fc1(v))), dim=2)

    opt = rt.optim_sgd(params, lr=0.01, momentum=0.9)
    return training_step(model, x, lambda out: rt.nnf_nll_loss(out, y), opt, opt.zero_grad)


def cnn_torch() -> Callable[[], object]:
    import torch
    import torch.nn.functional as F  # noqa: N812

    torch.manual_seed(1)
    x = torch.randn(CNN_B, 1, 28, 28)
    y = torch.randint(0, 10, (CNN_B,))
    conv1, conv2 = torch.nn.Conv2d(1, 32, 3, 1), torch.nn.Conv2d(32, 64, 3, 1)
    fc1, fc2 = torch.nn.Linear(9216, 128), torch.nn.Linear(128, 10)
    params = [*conv1.parameters(), *conv2.parameters(), *fc1.parameters(), *fc2.parameters()]

    def model(v: object) -> object:
        v = F.relu(conv2(F.relu(conv1(v))))
        v = torch.flatten(F.max_pool2d(v, 2), 1)
        return F.log_softmax(fc2(F.relu(fc1(v))), dim=1)

    opt = torch.optim.SGD(params, lr=0.01, momentum=0.9)
    return training_step(model, x, lambda out: F.nll_loss(out, y), opt, lambda: opt.zero_grad(set_to_none=False))


# -- LSTM: input 32, hidden 128, batch_first, 32 x 50 steps, last step -> linear, MSE, Adam ------------------------

LSTM_B, LSTM_T, LSTM_IN, LSTM_H = 32, 50, 32, 128


def lstm_rtorch() -> Callable[[], object]:
    import rtorch_py as rt

    rt.torch_manual_seed(1)
    x = rt.torch_randn(LSTM_B, LSTM_T, LSTM_IN)
    y = rt.torch_randn(LSTM_B, 1)
    rnn, head = rt.nn_lstm(LSTM_IN, LSTM_H, batch_first=True), rt.nn_linear(LSTM_H, 1)

    def model(v: object) -> object:
        out = rnn(v)[0]
        return head(out[:, -1, :])

    opt = rt.optim_adam([*rnn.parameters.values(), *head.parameters.values()], lr=1e-3)
    return training_step(model, x, lambda out: rt.nnf_mse_loss(out, y), opt, opt.zero_grad)


def lstm_torch() -> Callable[[], object]:
    import torch

    torch.manual_seed(1)
    x = torch.randn(LSTM_B, LSTM_T, LSTM_IN)
    y = torch.randn(LSTM_B, 1)
    rnn, head = torch.nn.LSTM(LSTM_IN, LSTM_H, batch_first=True), torch.nn.Linear(LSTM_H, 1)

    def model(v: object) -> object:
        out = rnn(v)[0]
        return head(out[:, -1, :])

    opt = torch.optim.Adam([*rnn.parameters(), *head.parameters()], lr=1e-3)
    return training_step(model, x, lambda out: torch.nn.functional.mse_loss(out, y), opt,
                         lambda: opt.zero_grad(set_to_none=False))


# -- transformer encoder layer: d_model 64, 4 heads, feed-forward 256, no dropout, seq 32, batch 16, Adam --------

TF_B, TF_S, TF_D, TF_HEADS, TF_FF = 16, 32, 64, 4, 256


def transformer_rtorch() -> Callable[[], object]:
    import rtorch_py as rt

    rt.torch_manual_seed(1)
    x = rt.torch_randn(TF_B, TF_S, TF_D)
    y = rt.torch_randn(TF_B, TF_S, TF_D)
    layer = rt.nn_transformer_encoder_layer(TF_D, TF_HEADS, dim_feedforward=TF_FF, dropout=0.0, batch_first=True)
    opt = rt.optim_adam(layer.parameters, lr=1e-3)
    return training_step(layer, x, lambda out: rt.nnf_mse_loss(out, y), opt, opt.zero_grad)


def transformer_torch() -> Callable[[], object]:
    import torch

    torch.manual_seed(1)
    x = torch.randn(TF_B, TF_S, TF_D)
    y = torch.randn(TF_B, TF_S, TF_D)
    layer = torch.nn.TransformerEncoderLayer(TF_D, TF_HEADS, dim_feedforward=TF_FF, dropout=0.0, batch_first=True)
    opt = torch.optim.Adam(layer.parameters(), lr=1e-3)
    return training_step(layer, x, lambda out: torch.nn.functional.mse_loss(out, y), opt,
                         lambda: opt.zero_grad(set_to_none=False))


# -- per-op overhead ----------------------------------------------------------------------------------------------

def op_rtorch() -> Callable[[], object]:
    import rtorch_py as rt

    x = rt.torch_randn(100, 1, requires_grad=True)
    return lambda: x * 0.2


def op_torch() -> Callable[[], object]:
    import torch

    x = torch.randn(100, 1, requires_grad=True)
    return lambda: x * 0.2


def op_numpy() -> Callable[[], object]:
    x = np.random.default_rng(0).standard_normal((100, 1)).astype(np.float32)
    return lambda: x * np.float32(0.2)


# -- memory: RSS growth over many SMALL iterations -----------------------------------------------------------------

def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


WORKLOADS = {
    "small": ({"rtorch": small_rtorch, "torch": small_torch, "numpy": small_numpy}, 200),
    "big": ({"rtorch": big_rtorch, "torch": big_torch, "numpy": big_numpy}, 3),
    "op": ({"rtorch": op_rtorch, "torch": op_torch, "numpy": op_numpy}, 20000),
    "cnn": ({"rtorch": cnn_rtorch, "torch": cnn_torch}, 3),
    "lstm": ({"rtorch": lstm_rtorch, "torch": lstm_torch}, 10),
    "transformer": ({"rtorch": transformer_rtorch, "torch": transformer_torch}, 20),
}


def main() -> None:
    workload, impl, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
    repeats = int(sys.argv[4]) if len(sys.argv) > 4 else 7
    if impl == "torch":
        import torch

        torch.set_num_threads(threads)
    if workload == "memory":
        step = small_rtorch()
        for _ in range(1000):
            step()
        before = rss_mb()
        iters = int(os.environ.get("RTORCH_BENCH_MEMORY_ITERS", "100000"))
        for _ in range(iters):
            step()
        print(json.dumps({"rss_growth_mb": rss_mb() - before, "iterations": iters}))
        return
    makers, iters = WORKLOADS[workload]
    step = makers[impl]()
    samples = timed(step, iters, repeats, warmup=min(iters, 50))
    import resource  # noqa: PLC0415 - Unix only, and only here

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    print(json.dumps({"median_us": statistics.median(samples), "samples_us": samples, "peak_rss_mb": peak}))


if __name__ == "__main__":
    main()
