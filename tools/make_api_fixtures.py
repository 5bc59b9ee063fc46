"""Write tests/fixtures/api_functions.json from PyTorch 2.13 (development only; the suite never imports torch).

Each case pairs an rtorch_py call written with R's conventions (1-based dims, indices and returned indices)
with the same computation in PyTorch (0-based), over fixed random inputs ``a0, a1, ...``. The fixture stores
the inputs, both expressions and PyTorch's outputs (a tensor or a list of tensors, indices shifted to 1-based
in the PyTorch expression); tests/test_api_functions.py evaluates the rtorch_py expression and compares.

Run: ``.venv/bin/python tools/make_api_fixtures.py``.
"""

from __future__ import annotations

import json

import numpy as np
import torch
from _fixture_util import FIXTURES

_rng = np.random.default_rng(1313)


def F(*shape: int) -> np.ndarray:  # noqa: N802
    return _rng.standard_normal(shape)


def P(*shape: int) -> np.ndarray:  # noqa: N802
    return _rng.uniform(0.2, 3.0, shape)


def U(*shape: int) -> np.ndarray:  # noqa: N802
    return _rng.uniform(0.05, 0.95, shape)


def TIES(*shape: int) -> np.ndarray:  # noqa: N802
    return _rng.integers(0, 3, shape).astype(np.float64)


def INT(*shape: int, lo: int = 0, hi: int = 5) -> np.ndarray:  # noqa: N802
    return _rng.integers(lo, hi, shape).astype(np.int64)


# (name, inputs, rtorch expression, torch expression); inputs a0.. are tensors in both (float64 or int64).
CASES = [
    ("median_all", [F(3, 5)], "torch_median(a0)", "torch.median(a0)"),
    ("median_dim", [F(3, 5)], "torch_median(a0, dim = 2)", "[v, i + 1] for v, i in [torch.median(a0, 1)]"),
    ("median_keep", [F(4, 3)], "torch_median(a0, 1, TRUE)", "[v, i + 1] for v, i in [torch.median(a0, 0, True)]"),
    ("nanmedian", [np.array([[1.0, np.nan, 3.0, 2.0], [np.nan, np.nan, 5.0, 4.0]])],
     "torch_nanmedian(a0, dim = 2)", "[v, i + 1] for v, i in [torch.nanmedian(a0, 1)]"),
    ("kthvalue", [F(3, 6)], "torch_kthvalue(a0, 2, 2)", "[v, i + 1] for v, i in [torch.kthvalue(a0, 2, 1)]"),
    ("kthvalue_dim1", [F(5, 2)], "torch_kthvalue(a0, 4, 1, TRUE)",
     "[v, i + 1] for v, i in [torch.kthvalue(a0, 4, 0, True)]"),
    ("mode", [TIES(4, 7)], "torch_mode(a0, 2)", "[v, i + 1] for v, i in [torch.mode(a0, 1)]"),
    ("mode_dim1", [TIES(6, 3)], "torch_mode(a0, 1)", "[v, i + 1] for v, i in [torch.mode(a0, 0)]"),
    ("quantile", [F(11)], "torch_quantile(a0, 0.3)", "torch.quantile(a0, 0.3)"),
    ("quantile_vec", [F(3, 7)], "torch_quantile(a0, torch_tensor(c(0.1, 0.5, 0.95), dtype = torch_float64()), "
     "dim = 2, keepdim = TRUE)",
     "torch.quantile(a0, torch.tensor([0.1, 0.5, 0.95], dtype=torch.float64), dim=1, keepdim=True)"),
    ("quantile_lower", [F(9)], "torch_quantile(a0, 0.4, interpolation = 'lower')",
     "torch.quantile(a0, 0.4, interpolation='lower')"),
    ("quantile_higher", [F(9)], "torch_quantile(a0, 0.4, interpolation = 'higher')",
     "torch.quantile(a0, 0.4, interpolation='higher')"),
    ("quantile_midpoint", [F(9)], "torch_quantile(a0, 0.4, interpolation = 'midpoint')",
     "torch.quantile(a0, 0.4, interpolation='midpoint')"),
    ("quantile_nearest", [F(9)], "torch_quantile(a0, 0.4, interpolation = 'nearest')",
     "torch.quantile(a0, 0.4, interpolation='nearest')"),
    ("nanquantile", [np.array([[1.0, np.nan, 3.0, 2.0], [np.nan, 7.0, 5.0, 4.0]])],
     "torch_nanquantile(a0, 0.25, dim = 2)", "torch.nanquantile(a0, 0.25, dim=1)"),
    ("unique_consecutive", [INT(12, hi=3)], "torch_unique_consecutive(a0, TRUE, TRUE)",
     "[o, i + 1, c] for o, i, c in [torch.unique_consecutive(a0, return_inverse=True, return_counts=True)]"),
    ("unique_consecutive_dim", [np.array([[1, 1, 2], [1, 1, 2], [3, 0, 0], [1, 1, 2]])],
     "torch_unique_consecutive(a0, TRUE, TRUE, dim = 1)",
     "[o, i + 1, c] for o, i, c in [torch.unique_consecutive(a0, return_inverse=True, return_counts=True, dim=0)]"),
    ("unique", [INT(10)], "torch_unique(a0, return_inverse = TRUE, return_counts = TRUE)",
     "[o, i + 1, c] for o, i, c in [torch.unique(a0, return_inverse=True, return_counts=True)]"),
    ("cummax", [TIES(3, 6)], "torch_cummax(a0, 2)", "[v, i + 1] for v, i in [torch.cummax(a0, 1)]"),
    ("cummin", [TIES(5, 3)], "torch_cummin(a0, 1)", "[v, i + 1] for v, i in [torch.cummin(a0, 0)]"),
    ("logcumsumexp", [F(3, 4) * 30], "torch_logcumsumexp(a0, 2)", "torch.logcumsumexp(a0, 1)"),
    ("nansum", [np.array([[1.0, np.nan], [2.5, 4.0]])], "torch_nansum(a0, 1)", "torch.nansum(a0, 0)"),
    ("histc", [F(50)], "torch_histc(a0, bins = 7, min = -1, max = 1)", "torch.histc(a0, bins=7, min=-1, max=1)"),
    ("bincount", [INT(20, lo=1, hi=6), P(20)], "torch_bincount(a0, a1, minlength = 7)",
     "torch.bincount(a0 - 1, a1, minlength=7)"),
    ("bucketize", [F(3, 4), np.sort(F(5))], "torch_bucketize(a0, a1, right = TRUE)",
     "torch.bucketize(a0, a1, right=True)"),
    ("searchsorted", [np.sort(F(3, 6), axis=1), F(3, 4)], "torch_searchsorted(a0, a1)",
     "torch.searchsorted(a0, a1)"),
    ("diff", [F(3, 5), F(3, 1)], "torch_diff(a0, n = 2, dim = 2, prepend = a1)",
     "torch.diff(a0, n=2, dim=1, prepend=a1)"),
    ("trapz", [F(4, 6), np.sort(F(6))], "torch_trapz(a0, a1)", "torch.trapz(a0, a1)"),
    ("trapz_dx", [F(4, 6)], "torch_trapz(a0, dx = 0.5, dim = 1)", "torch.trapz(a0, dx=0.5, dim=0)"),
    ("renorm", [F(3, 4) * 3], "torch_renorm(a0, 2, 1, 2.5)", "torch.renorm(a0, 2, 0, 2.5)"),
    ("lgamma", [P(7)], "torch_lgamma(a0)", "torch.lgamma(a0)"),
    ("digamma", [P(7)], "torch_digamma(a0)", "torch.digamma(a0)"),
    ("polygamma", [P(7)], "torch_polygamma(2, a0)", "torch.polygamma(2, a0)"),
    ("mvlgamma", [P(5) + 2], "torch_mvlgamma(a0, 3)", "torch.mvlgamma(a0, 3)"),
    ("erfc", [F(7) * 3], "torch_erfc(a0)", "torch.erfc(a0)"),
    ("erfinv", [U(7) * 2 - 1], "torch_erfinv(a0)", "torch.erfinv(a0)"),
    ("i0", [F(7) * 3], "torch_i0(a0)", "torch.i0(a0)"),
    ("logit", [U(7)], "torch_logit(a0)", "torch.logit(a0)"),
    ("logit_eps", [np.array([0.0, 0.5, 1.0])], "torch_logit(a0, eps = 0.01)", "torch.logit(a0, eps=0.01)"),
    ("logaddexp", [F(3, 4) * 50, F(4) * 50], "torch_logaddexp(a0, a1)", "torch.logaddexp(a0, a1)"),
    ("logaddexp2", [F(3, 4), F(3, 1)], "torch_logaddexp2(a0, a1)", "torch.logaddexp2(a0, a1)"),
    ("hypot", [F(3, 4), F(4)], "torch_hypot(a0, a1)", "torch.hypot(a0, a1)"),
    ("exp2", [F(6)], "torch_exp2(a0)", "torch.exp2(a0)"),
    ("frac", [F(6) * 4], "torch_frac(a0)", "torch.frac(a0)"),
    ("ldexp", [F(6), INT(6, lo=-3, hi=4)], "torch_ldexp(a0, a1)", "torch.ldexp(a0, a1)"),
    ("nextafter", [F(5), F(5)], "torch_nextafter(a0, a1)", "torch.nextafter(a0, a1)"),
    ("gcd", [INT(6, lo=-20, hi=30), INT(6, lo=1, hi=30)], "torch_gcd(a0, a1)", "torch.gcd(a0, a1)"),
    ("lcm", [INT(6, lo=1, hi=30), INT(6, lo=1, hi=30)], "torch_lcm(a0, a1)", "torch.lcm(a0, a1)"),
    ("heaviside", [np.array([-1.0, 0.0, 2.0, 0.0]), np.array([0.5])], "torch_heaviside(a0, a1)",
     "torch.heaviside(a0, a1)"),
    ("floor_divide", [F(6) * 5, P(6)], "torch_floor_divide(a0, a1)", "torch.floor_divide(a0, a1)"),
    ("bitwise_xor", [INT(6, lo=-8, hi=8), INT(6, lo=0, hi=8)], "torch_bitwise_xor(a0, a1)",
     "torch.bitwise_xor(a0, a1)"),
    ("take", [F(3, 4), np.array([[1, 12], [5, 7]])], "torch_take(a0, a1)", "torch.take(a0, a1 - 1)"),
    ("take_along_dim", [F(3, 4), np.array([[1], [4], [2]])], "torch_take_along_dim(a0, a1, dim = 2)",
     "torch.take_along_dim(a0, a1 - 1, dim=1)"),
    ("index_add", [F(4, 3), np.array([1, 3, 1]), F(3, 3)], "torch_index_add(a0, 1, a1, a2, alpha = 2)",
     "torch.index_add(a0, 0, a1 - 1, a2, alpha=2)"),
    ("index_fill", [F(3, 4), np.array([2, 4])], "torch_index_fill(a0, 2, a1, -1.5)",
     "torch.index_fill(a0, 1, a1 - 1, -1.5)"),
    ("index_copy", [F(4, 2), np.array([4, 1]), F(2, 2)], "torch_index_copy(a0, 1, a1, a2)",
     "torch.index_copy(a0, 0, a1 - 1, a2)"),
    ("index_put_acc", [F(3, 3), np.array([1, 1, 3]), np.array([2, 2, 1]), F(3)],
     "torch_index_put(a0, list(a1, a2), a3, accumulate = TRUE)",
     "torch.index_put(a0, (a1 - 1, a2 - 1), a3, accumulate=True)"),
    ("scatter_reduce_amax", [F(2, 3), np.array([[1, 1, 3], [2, 2, 2]]), F(2, 3)],
     "torch_scatter_reduce(a0, 2, a1, a2, 'amax')", "torch.scatter_reduce(a0, 1, a1 - 1, a2, 'amax')"),
    ("scatter_reduce_mean", [F(2, 3), np.array([[1, 1, 3], [2, 2, 2]]), F(2, 3)],
     "torch_scatter_reduce(a0, 2, a1, a2, 'mean', include_self = FALSE)",
     "torch.scatter_reduce(a0, 1, a1 - 1, a2, 'mean', include_self=False)"),
    ("scatter_reduce_prod", [F(2, 3), np.array([[1, 1, 3], [2, 2, 2]]), F(2, 3)],
     "torch_scatter_reduce(a0, 2, a1, a2, 'prod')", "torch.scatter_reduce(a0, 1, a1 - 1, a2, 'prod')"),
    ("put", [F(2, 3), np.array([6, 1]), F(2)], "torch_put(a0, a1, a2)", "a0.put(a1 - 1, a2)"),
    ("tril_indices", [], "torch_tril_indices(4, 3, -1)", "torch.tril_indices(4, 3, -1) + 1"),
    ("triu_indices", [], "torch_triu_indices(3, 5, 1)", "torch.triu_indices(3, 5, 1) + 1"),
    ("repeat_interleave", [F(2, 3), np.array([1, 0, 2])], "torch_repeat_interleave(a0, a1, dim = 2)",
     "torch.repeat_interleave(a0, a1, dim=1)"),
    ("repeat_interleave_flat", [F(2, 2)], "torch_repeat_interleave(a0, 2)", "torch.repeat_interleave(a0, 2)"),
    ("meshgrid_xy", [F(2), F(3)], "torch_meshgrid(list(a0, a1), indexing = 'xy')",
     "list(torch.meshgrid(a0, a1, indexing='xy'))"),
    ("tensordot", [F(3, 4, 5), F(4, 3, 2)], "torch_tensordot(a0, a1, list(c(2, 1), c(1, 2)))",
     "torch.tensordot(a0, a1, ([1, 0], [0, 1]))"),
    ("tensordot_int", [F(2, 3, 4), F(3, 4, 2)], "torch_tensordot(a0, a1, 2)", "torch.tensordot(a0, a1, 2)"),
    ("kron", [F(2, 3), F(3, 2)], "torch_kron(a0, a1)", "torch.kron(a0, a1)"),
    ("cross", [F(4, 3), F(4, 3)], "torch_cross(a0, a1, dim = 2)", "torch.cross(a0, a1, dim=1)"),
    ("cdist", [F(3, 4), F(5, 4)], "torch_cdist(a0, a1, p = 1)", "torch.cdist(a0, a1, p=1)"),
    ("pdist", [F(5, 3)], "torch_pdist(a0)", "torch.pdist(a0)"),
    ("diag_embed", [F(2, 3)], "torch_diag_embed(a0, offset = 1, dim1 = 1, dim2 = 3)",
     "torch.diag_embed(a0, offset=1, dim1=0, dim2=2)"),
    ("diagflat", [F(2, 2)], "torch_diagflat(a0, -1)", "torch.diagflat(a0, -1)"),
    ("block_diag", [F(2, 2), F(3), F(1, 3)], "torch_block_diag(list(a0, a1, a2))", "torch.block_diag(a0, a1, a2)"),
    ("cartesian_prod", [F(2), F(3)], "torch_cartesian_prod(list(a0, a1))", "torch.cartesian_prod(a0, a1)"),
    ("combinations", [F(4)], "torch_combinations(a0, 3, with_replacement = TRUE)",
     "torch.combinations(a0, 3, with_replacement=True)"),
    ("rot90", [F(2, 3, 4)], "torch_rot90(a0, 3, c(2, 3))", "torch.rot90(a0, 3, [1, 2])"),
    ("rot90_neg", [F(3, 4)], "torch_rot90(a0, -1)", "torch.rot90(a0, -1)"),
    ("vander", [F(4)], "torch_vander(a0, N = 3, increasing = TRUE)", "torch.vander(a0, N=3, increasing=True)"),
    ("dstack", [F(2, 3), F(2, 3)], "torch_dstack(list(a0, a1))", "torch.dstack([a0, a1])"),
    ("addbmm", [F(3, 2), F(4, 3, 5), F(4, 5, 2)], "torch_addbmm(a0, a1, a2, beta = 0.5, alpha = 2)",
     "torch.addbmm(a0, a1, a2, beta=0.5, alpha=2)"),
    ("baddbmm", [F(4, 3, 2), F(4, 3, 5), F(4, 5, 2)], "torch_baddbmm(a0, a1, a2, alpha = 3)",
     "torch.baddbmm(a0, a1, a2, alpha=3)"),
    ("addmv", [F(3), F(3, 4), F(4)], "torch_addmv(a0, a1, a2, beta = 2)", "torch.addmv(a0, a1, a2, beta=2)"),
    ("addr", [F(3, 2), F(3), F(2)], "torch_addr(a0, a1, a2)", "torch.addr(a0, a1, a2)"),
    ("pixel_shuffle", [F(1, 8, 2, 3)], "torch_pixel_shuffle(a0, 2)", "torch.pixel_shuffle(a0, 2)"),
    ("channel_shuffle", [F(1, 6, 2)], "torch_channel_shuffle(a0, 3)", "torch.channel_shuffle(a0, 3)"),
    ("upsample_nearest1d", [F(2, 2, 3)], "torch_upsample_nearest1d(a0, output_size = c(7))",
     "torch.nn.functional.interpolate(a0, size=(7,), mode='nearest')"),
    ("upsample_nearest2d", [F(1, 2, 3, 4)], "torch_upsample_nearest2d(a0, output_size = c(5, 3))",
     "torch.nn.functional.interpolate(a0, size=(5, 3), mode='nearest')"),
    ("upsample_trilinear3d_ac", [F(1, 1, 2, 3, 2)],
     "torch_upsample_trilinear3d(a0, output_size = c(3, 4, 5), align_corners = TRUE)",
     "torch.nn.functional.interpolate(a0, size=(3, 4, 5), mode='trilinear', align_corners=True)"),
    ("upsample_trilinear3d", [F(1, 2, 3, 2, 2)],
     "torch_upsample_trilinear3d(a0, output_size = c(5, 3, 4), align_corners = FALSE)",
     "torch.nn.functional.interpolate(a0, size=(5, 3, 4), mode='trilinear', align_corners=False)"),
    ("conv3d", [F(2, 2, 4, 4, 3), F(3, 2, 2, 2, 2), F(3)],
     "torch_conv3d(a0, a1, a2, stride = c(2, 1, 1), padding = 1, dilation = c(1, 2, 1))",
     "torch.nn.functional.conv3d(a0, a1, a2, stride=(2, 1, 1), padding=1, dilation=(1, 2, 1))"),
    ("conv3d_groups", [F(1, 4, 3, 3, 3), F(2, 2, 2, 2, 2)], "torch_conv3d(a0, a1, groups = 2)",
     "torch.nn.functional.conv3d(a0, a1, groups=2)"),
    ("sdpa_causal", [F(2, 3, 4), F(2, 3, 4), F(2, 3, 5)], "torch_scaled_dot_product_attention(a0, a1, a2, "
     "is_causal = TRUE)", "torch.nn.functional.scaled_dot_product_attention(a0, a1, a2, is_causal=True)"),
    ("sdpa_mask", [F(1, 3, 4), F(1, 2, 4), F(1, 2, 2), F(3, 2)], "torch_scaled_dot_product_attention(a0, a1, "
     "a2, attn_mask = a3, scale = 0.7)",
     "torch.nn.functional.scaled_dot_product_attention(a0, a1, a2, attn_mask=a3, scale=0.7)"),
    ("conv_transpose3d", [F(2, 4, 3, 2, 3), F(4, 3, 2, 3, 2), F(3)],
     "torch_conv_transpose3d(a0, a1, a2, stride = c(2, 1, 2), padding = c(1, 0, 0), output_padding = c(1, 0, 1))",
     "torch.nn.functional.conv_transpose3d(a0, a1, a2, stride=(2, 1, 2), padding=(1, 0, 0), output_padding=(1, 0, 1))"),
    ("conv_transpose3d_groups", [F(1, 4, 2, 3, 2), F(4, 1, 2, 2, 3)],
     "torch_conv_transpose3d(a0, a1, groups = 2, dilation = c(2, 1, 1))",
     "torch.nn.functional.conv_transpose3d(a0, a1, groups=2, dilation=(2, 1, 1))"),
    # libtorch's Poisson sampler (rates below 10: products of uniforms; from 10: transformed rejection), seeded
    ("poisson", [np.array([[0.0, 0.5, 3.0, 9.5], [10.0, 25.0, 120.0, 1e3]])],
     "torch_manual_seed(5) or torch_poisson(a0)", "torch.manual_seed(5) and torch.poisson(a0)"),
    ("poisson_float", [P(3, 5) * 6], "torch_manual_seed(11) or torch_poisson(a0.float())",
     "torch.manual_seed(11) and torch.poisson(a0.float())"),
]


def _out(v: object) -> object:
    if isinstance(v, torch.Tensor):
        return {"v": v.detach().numpy().tolist(), "shape": list(v.shape), "dtype": str(v.dtype).split(".")[1]}
    return [_out(x) for x in v]


def _tensor(a: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.array(a, dtype=np.float64 if a.dtype.kind == "f" else np.int64))


def main() -> None:
    cases = []
    for name, inputs, r_expr, t_expr in CASES:
        env = {"torch": torch, **{f"a{i}": _tensor(a) for i, a in enumerate(inputs)}}
        res = eval(f"[{t_expr}][0]" if t_expr.startswith("[") and " for " in t_expr else t_expr, env)  # noqa: S307
        cases.append({"name": name, "inputs": [{"v": np.asarray(a).tolist(), "shape": list(np.shape(a)),
                                                "dtype": "float64" if np.asarray(a).dtype.kind == "f" else "int64"}
                                               for a in inputs],
                      "r": r_expr, "out": _out(res)})
    path = FIXTURES / "api_functions.json"
    path.write_text(json.dumps({"torch": torch.__version__, "cases": cases}, allow_nan=True) + "\n")
    print(f"wrote {path} ({len(cases)} cases)")


if __name__ == "__main__":
    main()
