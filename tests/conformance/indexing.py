"""Expected values of tests/conformance/indexing.R, the same selections with Python's 0-based subscripts:
``expect()`` gives one entry per emitted name, in the script's order (tests/bridge/test_conformance.py runs
the script both ways and compares)."""

from __future__ import annotations

from typing import Any

from conformance_util import LIST, E, I, T, item, rarray, rmat

import rtorch_py as rt


def expect() -> dict[str, Any]:
    x = rt.torch_tensor(rarray(range(1, 61), (3, 4, 5)))
    v = rt.torch_tensor([10.0, 20, 30, 40, 50, 60])
    m = rt.torch_tensor(rmat([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 3))

    def tl(*ts: Any) -> dict:
        return LIST(*[t if isinstance(t, dict) else T(t) for t in ts])

    def sh(t: rt.Tensor) -> dict:
        return I(*t.shape)

    out: dict[str, Any] = {
        "scalar_all": T(x[1, 2, 3]),
        "scalar_item": item(x[1, 2, 3].item()),
        "missing": tl(x[0], x[:, 1], x[:, :, 4], x[1, 2]),
        "N": tl(v[-1], x[-1, -1, -1], x[:, 1:, -1], v[2:]),
        "ellipsis": tl(x[..., 0], x[0, ...], x[0, ..., 1], x[..., 1:3]),
        "newaxis": tl(sh(x[:, 0, None]), sh(x[None, 0, 0, :]), sh(v[None, :]), sh(v[:, None]), x[0, None, :, 0]),
        "negative": tl(v[-1], v[-2], x[-1, -1, -1], x[:, -2], v[-3:-1], rt.torch_tensor([1, 2, 3])[-3:-1], v[-4:]),
        "ranges": tl(v[1:4], v[0:6:2], v[1:6:3], x[0:2, 1:3, 0:5:2], m[1:3]),
        "vectors": tl(v[[0, 2, 5]], v[[5, 0, 0]], x[[0, 2], 1][:, [4, 0]], x[[0, 2]][:, :, [4, 0]],
                      m[[2, 0]][:, [0, 2, 3]], m[[0, 2]][:, [0, 2, 3]], m[[2, 0]][:, [0, 2, 3]],
                      x[[0, 2]][:, [3, 0]][:, :, 1:3]),
        "masks": tl(v[v > 25.0], m[m % 2.0 == 0.0], x[x > 55],
                    v[rt.torch_tensor([True, False, True, False, False, True])], m[m[:, 0] > 1.0], m[:, m[0] > 3.0]),
        "drop_false": tl(sh(x[0:1]), sh(x[1:2, 2:3, 3:4]), m[1:2], v[2:3]),
        "long_index": tl(v[[0, 5, 1]], m[[2, 0]], x[1:2, [3, 0], 0], v[v.argmax().item() - 1]),
        "variables": tl(v[1], m[1, [0, 2]], v[1:4], x[1, :, [1, 3]]),
        "chained": tl(x[1][:, 2], m[:, 1][1], x[0].sum(), m.t()[3]),
    }
    y = v.clone()
    y[0] = 0.0
    y[-1] = -1.0
    y[2:4] = rt.torch_tensor([7.0, 8])
    out["assign_vector"] = T(y)
    y = m.clone()
    y[1] = 0.0
    y[:, 2] = rt.torch_tensor([-1.0, -2, -3])
    y[0, [0, 3]] = 100.0
    out["assign_matrix"] = T(y)
    y = m.clone()
    for i in (0, 2):
        for j in (1, 3):
            y[i, j] = 0.0
    for i in (1, 2):
        for j in (2, 3):
            y[i, j] = -1.0
    out["assign_outer"] = T(y)
    y = m.clone()
    y[y > 6.0] = 0.0
    out["assign_mask"] = T(y)
    y = m.clone()
    y[y > 6.0] = y[y > 6.0] * 10.0
    out["assign_mask_values"] = T(y)
    y = x.clone()
    y[..., 0] = rt.torch_zeros(3, 4)
    y[1, 2] = rt.torch_tensor([1, 2, 3, 4, 5])
    y[-1, -1, -1] = -5.0
    out["assign_3d"] = T(y)
    y = v.clone()
    y[[1, 4]] = rt.torch_tensor([-2.0, -5])
    out["assign_long_index"] = T(y)
    grad_h = rt.torch_tensor([-1.0, 2, -3, 4])
    h = rt.torch_tensor([-0.5, 1, -2, 3])
    grad_h[h < 0.0] = 0.0
    out["assign_seed_mask"] = T(grad_h)
    out |= {
        "err_zero": {"r": "error", "message": "Indexing starts at 1 but found a 0."},
        # R's subscripts count from 1 in errors too (Python's v[6] reads "dimension 0").
        "err_out_of_range": {"r": "error", "message": "index 7 is out of bounds for dimension 1 with size 6"},
        "err_too_many": E(lambda: m[0, 0, 0]),
        "err_long_zero": {"r": "error", "message": "Indexing starts at 1 but found a 0."},
    }
    return out
