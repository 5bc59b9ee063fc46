"""Expected values of tests/conformance/dims.R: ``expect()`` gives one entry per emitted name, in the script's
order (tests/bridge/test_conformance.py runs the script both ways and compares)."""

from __future__ import annotations

from typing import Any

import numpy as np
from conformance_util import TLIST, D, E, I, T, rmat

import rtorch_py as rt
from rtorch_py import nn


def expect() -> dict[str, Any]:
    xm = np.array(rmat([3.0, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8], 3), dtype=np.float32)
    x = rt.torch_tensor(xm)
    rt.torch_manual_seed(7)
    r = rt.torch_randn(2, 3, 4)
    ilong = rt.torch_long()

    def idx(*v: int, shape: Any = None) -> rt.Tensor:
        t = rt.torch_tensor(list(v), dtype=ilong)
        return t if shape is None else t.reshape(shape)

    # the 1-based conventions themselves, against numpy (so that both sides cannot share a 0-based slip)
    assert rt.torch_argmax(x).item() == int(np.argmax(xm)) + 1
    assert rt.torch_max(x, dim=1)[1].numpy().tolist() == (np.argmax(xm, axis=0) + 1).tolist()
    assert rt.torch_nonzero(x > 4).numpy().tolist() == (np.argwhere(xm > 4) + 1).tolist()
    assert rt.torch_index_select(x, 2, idx(4, 1)).numpy().tolist() == xm[:, [3, 0]].tolist()
    assert rt.torch_arange(1.0, 5.0).numpy().tolist() == [1, 2, 3, 4, 5]

    return {
        "r": T(r),
        "sum_dim1": T(rt.torch_sum(x, dim=1)),
        "sum_dim2_keep": T(x.sum(dim=2, keepdim=True)),
        "sum_dims": T(rt.torch_sum(r, dim=[1, 3])),
        "sum_neg": T(rt.torch_sum(r, dim=-1)),
        "mean_dim": T(rt.torch_mean(r, 2)),
        "mean_neg_keep": T(r.mean(dim=-3, keepdim=True)),
        "prod": T(rt.torch_prod(x, 2)),
        "std": T(rt.torch_std(r, dim=3)),
        "var_keep": T(rt.torch_var(x, 1, keepdim=True)),
        "logsumexp": T(rt.torch_logsumexp(r, 1)),
        "cumsum": T(rt.torch_cumsum(x, dim=2)),
        "cumsum_neg": T(rt.torch_cumsum(x, -2)),
        "softmax": T(rt.torch_softmax(r, dim=2)),
        "all_dim": T(rt.torch_all(x > 1, dim=2)),
        "any_dim": T((x > 8).any(dim=1)),
        "max_dim1": TLIST(rt.torch_max(x, dim=1)),
        "max_dim2": TLIST(x.max(dim=2)),
        "min_dim2_keep": TLIST(rt.torch_min(x, dim=2, keepdim=True)),
        "max_all": T(rt.torch_max(x)),
        "min_neg": TLIST(r.min(dim=-1)),
        "argmax": T(rt.torch_argmax(x)),
        "argmax_dim1": T(rt.torch_argmax(x, dim=1)),
        "argmin_dim2": T(x.argmin(dim=2)),
        "argmax_neg": T(rt.torch_argmax(r, dim=-2)),
        "argmax_keep": T(r.argmax(dim=3, keepdim=True)),
        "sort": TLIST(rt.torch_sort(x, dim=2)),
        "sort_desc": TLIST(rt.torch_sort(r, dim=1, descending=True)),
        "sort_default": TLIST(x.sort()),
        "topk": TLIST(rt.torch_topk(x, 2)),
        "topk_dim1_smallest": TLIST(rt.torch_topk(x, k=2, dim=1, largest=False)),
        "topk_method": TLIST(r.topk(3, dim=2)),
        "nonzero": T(rt.torch_nonzero(x > 4)),
        "nonzero_list": TLIST(rt.torch_nonzero(x > 4, as_list=True)),
        "nonzero_method": T((r > 1).nonzero()),
        "gather": T(rt.torch_gather(x, 2, rt.torch_tensor(rmat([1, 4, 2, 2, 3, 1], 3)))),
        "gather_dim1": T(x.gather(1, idx(3, 1, 2, 3, shape=[1, 4]))),
        "index_select": T(rt.torch_index_select(x, 2, idx(4, 1))),
        "index_select_method": T(x.index_select(1, idx(3, 3, 1))),
        "index_select_neg_dim": T(rt.torch_index_select(r, -1, idx(2, 4))),
        "scatter_value": T(rt.torch_zeros(3, 4).scatter(2, idx(1, 2, 4, shape=[3, 1]), 9.0)),
        "scatter_src": T(rt.torch_scatter(rt.torch_zeros(2, 4), 2, rt.torch_tensor([[4, 3], [1, 2]]),
                                         rt.torch_tensor([[10.0, 30], [20, 40]]))),
        "scatter_add": T(rt.torch_scatter_add(rt.torch_zeros(3), 1, idx(1, 3, 1), rt.torch_tensor([1.0, 2, 3]))),
        "one_hot": T(nn.nnf_one_hot(idx(1, 3, 2))),
        "one_hot_classes": T(nn.nnf_one_hot(idx(1, 3), num_classes=4)),
        "embedding": T(nn.nnf_embedding(idx(2, 1, 2), rt.torch_tensor([[1.0, 3, 5], [2, 4, 6]]))),
        "cat1": I(*rt.torch_cat([x, x], dim=1).shape),
        "cat2": T(rt.torch_cat([x, x * 2], dim=2)),
        "cat_default": I(*rt.torch_cat([x, x]).shape),
        "cat_neg": I(*rt.torch_cat([r, r], dim=-1).shape),
        "stack1": I(*rt.torch_stack([x, x], dim=1).shape),
        "stack3": T(rt.torch_stack([x, x + 1], dim=3)),
        "stack_neg": I(*rt.torch_stack([x, x], dim=-1).shape),
        "squeeze": I(*rt.torch_zeros(2, 1, 3, 1).squeeze().shape),
        "squeeze_dim": I(*rt.torch_zeros(2, 1, 3, 1).squeeze(2).shape),
        "squeeze_neg": I(*rt.torch_squeeze(rt.torch_zeros(2, 1, 3, 1), -1).shape),
        "squeeze_not_one": I(*rt.torch_zeros(2, 1, 3, 1).squeeze(1).shape),
        "unsqueeze1": I(*x.unsqueeze(1).shape),
        "unsqueeze3": I(*rt.torch_unsqueeze(x, 3).shape),
        "unsqueeze_neg": I(*x.unsqueeze(-1).shape),
        "flatten": I(*rt.torch_flatten(r).shape),
        "flatten_2": T(rt.torch_flatten(r, start_dim=2)),
        "flatten_12": I(*r.flatten(start_dim=1, end_dim=2).shape),
        "transpose": T(rt.torch_transpose(r, 1, 3)),
        "transpose_neg": I(*r.transpose(-1, -2).shape),
        "t": T(x.t()),
        "permute": T(r.permute([3, 1, 2])),
        "movedim": I(*rt.torch_movedim(r, 1, 3).shape),
        "flip": T(rt.torch_flip(x, 2)),
        "roll": T(rt.torch_roll(x, 1, 2)),
        "narrow": T(rt.torch_narrow(x, 2, 2, 2)),
        "chunk": TLIST(rt.torch_chunk(x, 2, dim=2)),
        "split_dim": TLIST(rt.torch_split(x, 3, dim=2)),
        "unbind1": TLIST(rt.torch_unbind(x, 1)),
        "size_dim": I(r.size(3)),
        "arange": T(rt.torch_arange(1.0, 5.0)),
        "arange_step": T(rt.torch_arange(0.0, 1.0, 0.25)),
        "arange_int": T(rt.torch_arange(1, 4)),
        "arange_down": T(rt.torch_arange(5.0, 1.0, -2.0)),
        "arange_not_reached": T(rt.torch_arange(0.0, 10.0, 3.0)),
        "arange_long_dtype": T(rt.torch_arange(1.0, 3.0, dtype=ilong)),
        **_randint_part(),
        "err_sum0": E(lambda: rt.torch_sum(x, dim=0)),
        "err_mean0": E(lambda: x.mean(dim=0)),
        "err_argmax0": E(lambda: rt.torch_argmax(x, dim=0)),
        "err_cat0": E(lambda: rt.torch_cat([x, x], dim=0)),
        "err_softmax0": E(lambda: rt.torch_softmax(x, 0)),
        "err_unsqueeze0": E(lambda: x.unsqueeze(0)),
        "err_transpose0": E(lambda: x.transpose(0, 1)),
        "err_dim_range": E(lambda: rt.torch_sum(x, dim=3)),
        "err_dim_range_neg": E(lambda: rt.torch_sum(x, dim=-3)),
        "err_index_select0": E(lambda: rt.torch_index_select(x, 1, idx(0, 1))),
        "err_index_select_high": E(lambda: rt.torch_index_select(x, 1, idx(4))),
        "err_gather0": E(lambda: rt.torch_gather(x, 2, rt.torch_zeros(3, 1, dtype=ilong))),
        "err_one_hot0": E(lambda: nn.nnf_one_hot(idx(0, 1))),
    }


def _randint_part() -> dict[str, Any]:
    rt.torch_manual_seed(3)
    ri = rt.torch_randint(0.0, 3.0, size=2000)
    assert ri.min().item() == 0 and ri.max().item() == 2  # high is excluded
    return {
        "randint_min_max": D(ri.min().item(), ri.max().item()),  # float: R torch's default dtype
        "randint_values": T(rt.torch_randint(1.0, 7.0, [2.0, 5.0])),
        "randint_dtype": T(rt.torch_randint(0.0, 10.0, 3.0, dtype=rt.torch_long())),
        "randperm": T(rt.torch_randperm(6.0)),
    }
