"""Write tests/fixtures/conv_winograd.json from PyTorch 2.13 (development-only oracle): 3x3 stride-1
convolutions with >= 8 channels (the shapes nn_ops takes through Winograd F(2x2, 3x3)), their input, weight
and bias gradients, several paddings and odd/even sizes; a transposed convolution of the same kind; and max
pooling over tiling windows with ties and signed zeros.

    .venv/bin/python tools/make_conv_fixtures.py
"""

from __future__ import annotations

import json

import numpy as np
import torch
import torch.nn.functional as TF
from _fixture_util import FIXTURES
from make_nn_fixtures import enc, rnd

torch.set_num_threads(1)

# name, x shape, w shape (O, C, 3, 3), padding, bias
CONV = [
    ("even", (2, 8, 8, 6), (8, 8), (0, 0), True),
    ("odd_pad1", (3, 9, 7, 9), (10, 9), (1, 1), True),
    ("pad21", (1, 16, 5, 5), (12, 16), (2, 1), False),
    ("tiny", (2, 8, 3, 3), (8, 8), (0, 1), True),
    ("one_pixel", (2, 8, 1, 1), (9, 8), (1, 1), True),
    ("wide", (2, 24, 8, 8), (16, 24), (0, 0), True),
]


def conv_cases() -> list:
    out = []
    for i, (name, xs, (o, c), p, bias) in enumerate(CONV):
        x, w = rnd(*xs, seed=10 + i), rnd(o, c, 3, 3, seed=30 + i, scale=0.3)
        b = rnd(o, seed=50 + i) if bias else None
        tx, tw = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
        tb = None if b is None else torch.tensor(b, requires_grad=True)
        y = TF.conv2d(tx, tw, tb, padding=p)
        cot = rnd(*y.shape, seed=70 + i)
        y.backward(torch.tensor(cot))
        case = {"name": name, "padding": list(p), "x": enc(x), "w": enc(w), "cot": enc(cot),
                "y": enc(y.detach().numpy()), "gx": enc(tx.grad.numpy()), "gw": enc(tw.grad.numpy())}
        if b is not None:
            case["b"], case["gb"] = enc(b), enc(tb.grad.numpy())
        out.append(case)
    return out


def transpose_cases() -> list:
    """conv_transpose2d with a (Cin, Cout, 3, 3) weight, stride 1: the adjoint of a Winograd convolution."""
    out = []
    for i, (xs, (cin, cout), p) in enumerate((((2, 8, 5, 6), (8, 10), 1), ((1, 12, 4, 4), (12, 8), 0))):
        x, w, b = rnd(*xs, seed=90 + i), rnd(cin, cout, 3, 3, seed=91 + i, scale=0.3), rnd(cout, seed=92 + i)
        tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
        y = TF.conv_transpose2d(tx, tw, tb, padding=p)
        cot = rnd(*y.shape, seed=93 + i)
        y.backward(torch.tensor(cot))
        out.append({"padding": p, "x": enc(x), "w": enc(w), "b": enc(b), "cot": enc(cot), "y": enc(y.detach().numpy()),
                    "gx": enc(tx.grad.numpy()), "gw": enc(tw.grad.numpy()), "gb": enc(tb.grad.numpy())})
    return out


def pool_cases() -> list:
    """max_pool2d over tiling windows: values from a small set (ties) with both signed zeros."""
    out = []
    for i, k in enumerate((2, 3, (2, 3))):
        vals = np.float32([-0.0, 0.0, 1.0, -1.0, 2.0])
        x = np.random.default_rng(120 + i).choice(vals, size=(2, 3, 6, 6))
        t = torch.tensor(x, requires_grad=True)
        y, idx = TF.max_pool2d(t, k, return_indices=True)
        cot = rnd(*y.shape, seed=130 + i)
        y.backward(torch.tensor(cot))
        out.append({"kernel": k, "x": enc(x), "cot": enc(cot), "y": enc(y.detach().numpy()),
                    "indices": enc(idx.numpy()), "gx": enc(t.grad.numpy())})
    return out


def main() -> None:
    data = {"about": "PyTorch 2.13 CPU via tools/make_conv_fixtures.py", "conv": conv_cases(),
            "transpose": transpose_cases(), "pool": pool_cases()}
    (FIXTURES / "conv_winograd.json").write_text(json.dumps(data))


if __name__ == "__main__":
    main()
