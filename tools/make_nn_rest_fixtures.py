"""Write tests/fixtures/nn_rest.json from PyTorch 2.13 (development-only oracle): bit-exact float32 silu (forward
and backward), grid_sample on 5-d input (3-d sampling), gumbel_softmax draws under a seed, bfloat16 rounding.

    .venv/bin/python tools/make_nn_rest_fixtures.py
"""

from __future__ import annotations

import json

import numpy as np
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


def grid_sample_3d_cases() -> list:
    """5-d input (N, C, D, H, W), grid (N, D_out, H_out, W_out, 3): every mode, padding and align_corners."""
    x = rnd(2, 3, 4, 5, 6, seed=10)
    g = rnd(2, 3, 4, 5, 3, seed=11, scale=0.8)
    g[0, 0, 0, :3] = [[1.0, -1.0, 0.0], [0.5, 0.25, -0.75], [2.0, 0.0, -1.5]]  # corners, ties, outside
    cot = rnd(2, 3, 3, 4, 5, seed=12)
    out = []
    for mode in ("bilinear", "nearest"):
        for pm in ("zeros", "border", "reflection"):
            for ac in (False, True):
                tx, tg = torch.tensor(x, requires_grad=True), torch.tensor(g, requires_grad=True)
                y = TF.grid_sample(tx, tg, mode=mode, padding_mode=pm, align_corners=ac)
                y.backward(torch.tensor(cot))
                out.append({"mode": mode, "padding_mode": pm, "align_corners": ac, "y": enc(y.detach().numpy()),
                            "grad_x": enc(tx.grad.numpy()), "grad_g": enc(tg.grad.numpy())})
    return [{"x": enc(x), "g": enc(g), "cot": enc(cot), "cases": out}]


def gumbel_cases() -> list:
    """nnf_gumbel_softmax after torch.manual_seed(seed): the same draws (exponential_, in order) give the same
    sample; the gradient of the soft sample (hard: straight-through)."""
    out = []
    for shape, dim, tau, hard, seed in (((4, 5), -1, 0.5, False, 7), ((3, 4, 6), 1, 1.0, True, 8),
                                        ((2, 7), 0, 2.0, False, 9)):
        x = rnd(*shape, seed=seed)
        cot = rnd(*shape, seed=seed + 50)
        t = torch.tensor(x, requires_grad=True)
        torch.manual_seed(seed)
        y = TF.gumbel_softmax(t, tau=tau, hard=hard, dim=dim)
        y.backward(torch.tensor(cot))
        out.append({"x": enc(x), "cot": enc(cot), "dim_r": dim + 1 if dim >= 0 else dim, "tau": tau, "hard": hard,
                    "seed": seed, "y": enc(y.detach().numpy()), "grad": enc(t.grad.numpy()),
                    "after": float(torch.rand(1).item())})  # the stream continues where libtorch's does
    return out


def bfloat16_cases() -> dict:
    """float32 -> bfloat16 conversion (ties, subnormals, overflow, NaN) and a few bfloat16 ops."""
    rng = np.random.default_rng(20)
    x = np.concatenate([rng.standard_normal(200).astype(np.float32) * 10,
                        np.float32([1.00390625, 1.01171875, 1.0078125, -1.0078125, 3.3895e38, 3.3896e38, -3.4e38,
                                    1e-39, -1e-40, 0.0, -0.0, np.inf, -np.inf, np.nan])])
    y = rng.standard_normal(x.shape).astype(np.float32)
    tx = torch.tensor(x).bfloat16()
    ty = torch.tensor(y).bfloat16()
    ops = {"add": tx + ty, "mul": tx * ty, "div": tx / ty, "add_scalar": tx + 1.3, "mul_f32": tx * torch.tensor(y),
           "exp": torch.exp(ty), "sum": ty.sum(), "matmul": ty[:12].reshape(3, 4) @ ty[12:24].reshape(4, 3)}
    return {"x": enc(x), "y": enc(y), "bf16": enc(tx.float().numpy()),
            "ops": {k: {"dtype": str(v.dtype), "value": enc(v.float().numpy())} for k, v in ops.items()}}


def main() -> None:
    about = "PyTorch 2.13 CPU via tools/make_nn_rest_fixtures.py"
    data = {"about": about, "silu": silu_cases(), "grid_sample_3d": grid_sample_3d_cases(),
            "gumbel_softmax": gumbel_cases(), "bfloat16": bfloat16_cases()}
    (FIXTURES / "nn_rest.json").write_text(json.dumps(data))
    print({k: len(v) for k, v in data.items() if isinstance(v, list)})


if __name__ == "__main__":
    main()
