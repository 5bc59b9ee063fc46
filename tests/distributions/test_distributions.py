"""rtorch_py.distributions against PyTorch 2.13 (tests/fixtures/distributions.json, tools/make_distr_fixtures.py):
draws bit for bit under the same seed, densities / moments / entropies to float32 rounding, gradients of
log_prob; rsample gradients by finite differences (normal, multivariate normal) and, for gamma and chi2, against
the implicit-reparameterisation gradient -dF/dalpha / f from scipy's incomplete gamma function."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from gradcheck import gradcheck
from scipy import special

import rtorch_py as rt
from rtorch_py import Tensor, torch_manual_seed, torch_rand, torch_tensor
from rtorch_py._core import distr_ops

FIX = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "distributions.json").read_text())
CASES = {c["name"]: c for c in FIX["cases"]}


def dec(d: dict) -> np.ndarray:
    vals = [float.fromhex(x) if isinstance(x, str) else x for x in d["data"]]
    return np.array(vals, dtype=np.float64 if d["dtype"].startswith("float") else None) \
        .astype(d["dtype"]).reshape(d["shape"])


MAKERS = {
    "Normal": lambda p: rt.distr_normal(p["loc"], p["scale"]),
    "Bernoulli": lambda p: rt.distr_bernoulli(probs=p.get("probs"), logits=p.get("logits")),
    "Categorical": lambda p: rt.distr_categorical(probs=p.get("probs"), logits=p.get("logits")),
    "Poisson": lambda p: rt.distr_poisson(p["rate"]),
    "Gamma": lambda p: rt.distr_gamma(p["concentration"], p["rate"]),
    "Chi2": lambda p: rt.distr_chi2(p["df"]),
    "MultivariateNormal": lambda p: rt.distr_multivariate_normal(
        p["loc"], covariance_matrix=p.get("covariance_matrix"), precision_matrix=p.get("precision_matrix"),
        scale_tril=p.get("scale_tril")),
}


def build(case: dict) -> tuple[object, dict]:
    params = {k: torch_tensor(dec(v), requires_grad=True) for k, v in case["params"].items()}
    return MAKERS[case["cls"]](params), params


def close(actual: Tensor, expected: np.ndarray, rtol: float = 2e-6, atol: float = 1e-6) -> None:
    a = actual._data
    assert a.shape == expected.shape, (a.shape, expected.shape)
    assert a.dtype == expected.dtype, (a.dtype, expected.dtype)
    # float32 rounding: a few ulps of the values (the ops' order differs from libtorch's in places)
    tol = atol if a.dtype == np.float64 else max(atol, 1e-5)
    np.testing.assert_allclose(a, expected, rtol=rtol if a.dtype == np.float64 else 1e-5, atol=tol)


@pytest.mark.parametrize("name", sorted(CASES))
def test_draws_match_pytorch(name: str) -> None:
    case = CASES[name]
    d, _ = build(case)
    torch_manual_seed(case["seed"])
    s = d.sample(case["sample_shape"])
    after = torch_rand(3)
    expected = dec(case["sample"])
    if case["cls"] == "Categorical":
        expected = expected + 1  # R torch's categories are 1-based
    if case["cls"] == "MultivariateNormal":  # the same normal draws through a matrix product: rounding only
        close(s, expected)
    else:
        assert s._data.dtype == expected.dtype and np.array_equal(s._data, expected), name
    assert np.array_equal(after._data, dec(case["after"])), f"{name}: generator left in another state"
    if case["rsample"] is not None:
        torch_manual_seed(case["seed"])
        close(d.rsample(case["sample_shape"]), dec(case["rsample"]))


@pytest.mark.parametrize("name", sorted(CASES))
def test_log_prob_moments_and_gradients_match_pytorch(name: str) -> None:
    case = CASES[name]
    d, params = build(case)
    values = dec(case["values"])
    if case["cls"] == "Categorical":
        values = values + 1
    assert tuple(d.batch_shape or ()) == tuple(case["batch_shape"])
    assert tuple(d.event_shape or ()) == tuple(case["event_shape"])
    lp = d.log_prob(torch_tensor(values))
    close(lp, dec(case["log_prob"]))
    lp.sum().backward()
    for k, g in case["grads"].items():
        if g is None:
            assert params[k].grad is None or not np.any(params[k].grad._data)
        else:
            close(params[k].grad, dec(g))
    for key in ("cdf", "entropy", "mean", "variance", "stddev"):
        if key in case:
            got = d.cdf(torch_tensor(values)) if key == "cdf" else d.entropy() if key == "entropy" else getattr(d, key)
            want = dec(case[key])
            if key == "entropy" and case["cls"] == "MultivariateNormal" and not case["batch_shape"]:
                want = want.reshape(1)  # R torch: an R number plus the 0-d half log det has size 1
            close(got, want)
    if "icdf" in case:
        close(d.icdf(torch_tensor(dec(case["icdf_at"]))), dec(case["icdf"]))


def test_mixture_same_family_matches_pytorch() -> None:
    case = FIX["mixture"]
    p = {k: torch_tensor(dec(v), requires_grad=True) for k, v in case["params"].items()}
    d = rt.distr_mixture_same_family(rt.distr_categorical(p["probs"]), rt.distr_normal(p["loc"], p["scale"]))
    torch_manual_seed(case["seed"])
    s = d.sample(case["sample_shape"])
    assert np.array_equal(s._data, dec(case["sample"]))
    assert np.array_equal(torch_rand(3)._data, dec(case["after"]))
    v = torch_tensor(dec(case["values"]))
    lp = d.log_prob(v)
    close(lp, dec(case["log_prob"]))
    close(d.cdf(v), dec(case["cdf"]))
    close(d.mean, dec(case["mean"]))
    close(d.variance, dec(case["variance"]))
    lp.sum().backward()
    for k, g in case["grads"].items():
        close(p[k].grad, dec(g), atol=1e-6)


def test_standard_gamma_grad_matches_libtorch() -> None:
    g = FIX["gamma_grad"]
    got = distr_ops._gamma_grad(dec(g["alpha"]), dec(g["x"]))
    np.testing.assert_allclose(got, dec(g["grad"]), rtol=1e-12, atol=1e-300)


# -- rsample gradients ----------------------------------------------------------------------------------------------

def _seeded(fn):
    def run(*xs: Tensor) -> Tensor:
        torch_manual_seed(3)  # the same draws on every call: rsample is then a smooth function of the parameters
        return fn(*xs)
    return run


@pytest.mark.parametrize("shape", [(3,), (2, 3)])
def test_normal_rsample_gradcheck(shape: tuple) -> None:
    r = np.random.default_rng(1)
    gradcheck(_seeded(lambda loc, scale: rt.distr_normal(loc, scale).rsample([4])),
              [r.normal(size=shape), r.uniform(0.5, 2.0, size=shape[-1:])])


def test_multivariate_normal_rsample_gradcheck() -> None:
    r = np.random.default_rng(2)
    b = r.normal(size=(3, 3))

    def fn(loc: Tensor, m: Tensor) -> Tensor:
        cov = m.matmul(m.t()) + torch_tensor(np.eye(3), dtype=rt.torch_double())
        return rt.distr_multivariate_normal(loc, covariance_matrix=cov).rsample([5])

    gradcheck(_seeded(fn), [r.normal(size=(2, 3)), b])
    gradcheck(_seeded(lambda loc, lt: rt.distr_multivariate_normal(loc, scale_tril=lt.tril() + 2).rsample([2])),
              [r.normal(size=(3,)), b])


@pytest.mark.parametrize("alpha", [0.05, 0.7, 1.0, 4.0, 30.0, 2000.0])
def test_gamma_rsample_gradient_is_the_implicit_reparameterisation(alpha: float) -> None:
    # d x / d alpha along constant cdf: -(dF/dalpha) / f, with F = regularised lower incomplete gamma
    torch_manual_seed(7)
    a = torch_tensor(np.full(200, alpha, dtype=np.float64), requires_grad=True)
    x = rt.distr_gamma(a, torch_tensor(np.ones(200))).rsample()
    x.sum().backward()
    xv = x._data
    eps = 1e-6 * alpha
    dfda = (special.gammainc(alpha + eps, xv) - special.gammainc(alpha - eps, xv)) / (2 * eps)
    pdf = np.exp((alpha - 1) * np.log(xv) - xv - special.gammaln(alpha))
    expected = -dfda / pdf
    ok = np.isfinite(expected) & (pdf > 1e-250)
    np.testing.assert_allclose(a.grad._data[ok], expected[ok], rtol=5e-3)


def test_chi2_rsample_gradient_flows_to_df() -> None:
    torch_manual_seed(2)
    df = torch_tensor(np.full(50, 3.0), requires_grad=True)
    x = rt.distr_chi2(df).rsample()
    x.sum().backward()
    xv = x._data
    half = 1.5
    eps = 1e-6
    dfda = (special.gammainc(half + eps, xv / 2) - special.gammainc(half - eps, xv / 2)) / (2 * eps)
    pdf = np.exp((half - 1) * np.log(xv / 2) - xv / 2 - special.gammaln(half))
    # x = 2 G with G ~ Gamma(df / 2, 1): dx/d df = 2 * (1/2) * dG/d alpha at G = x / 2
    np.testing.assert_allclose(df.grad._data, -dfda / pdf, rtol=5e-3)


@pytest.mark.parametrize("cls", ["normal", "gamma", "poisson", "bernoulli", "categorical", "mvn_cov"])
def test_log_prob_gradcheck_float64(cls: str) -> None:
    r = np.random.default_rng(4)
    if cls == "normal":
        v = torch_tensor(r.normal(size=(2, 3)))
        gradcheck(lambda m, s: rt.distr_normal(m, s).log_prob(v), [r.normal(size=(3,)), r.uniform(0.5, 2, size=(2, 1))])
        gradcheck(lambda m, s: rt.distr_normal(m, s).cdf(v), [r.normal(size=(3,)), r.uniform(0.5, 2, size=(2, 1))])
        q = torch_tensor(r.uniform(0.1, 0.9, size=(3,)))
        gradcheck(lambda m, s: rt.distr_normal(m, s).icdf(q), [r.normal(size=(3,)), r.uniform(0.5, 2, size=(3,))])
    elif cls == "gamma":
        v = torch_tensor(r.uniform(0.1, 3, size=(4,)))
        gradcheck(lambda c, rate: rt.distr_gamma(c, rate).log_prob(v),
                  [r.uniform(0.5, 3, (4,)), r.uniform(0.5, 2, (1,))])
        gradcheck(lambda c, rate: rt.distr_gamma(c, rate).entropy(), [r.uniform(0.5, 3, (4,)), r.uniform(0.5, 2, (4,))])
    elif cls == "poisson":
        v = torch_tensor(np.array([0.0, 1.0, 4.0]))
        gradcheck(lambda rate: rt.distr_poisson(rate).log_prob(v), [r.uniform(0.5, 3, (3,))])
    elif cls == "bernoulli":
        v = torch_tensor(np.array([0.0, 1.0, 1.0]))
        gradcheck(lambda p: rt.distr_bernoulli(p).log_prob(v), [r.uniform(0.2, 0.8, (3,))])
        gradcheck(lambda lg: rt.distr_bernoulli(logits=lg).entropy(), [r.normal(size=(3,))])
    elif cls == "categorical":
        v = torch_tensor(np.array([1, 3]))
        gradcheck(lambda lg: rt.distr_categorical(logits=lg).log_prob(v), [r.normal(size=(2, 3))])
        gradcheck(lambda p: rt.distr_categorical(probs=p).entropy(), [r.uniform(0.2, 1, (2, 3))])
    else:
        v = torch_tensor(r.normal(size=(4, 2)))
        gradcheck(lambda m, b: rt.distr_multivariate_normal(
            m, covariance_matrix=b.matmul(b.t()) + torch_tensor(np.eye(2))).log_prob(v),
                  [r.normal(size=(2,)), r.normal(size=(2, 2))])


# -- shapes, expand, validation, R conventions ------------------------------------------------------------------

def test_numbers_are_size_one_and_shapes_are_null_when_empty() -> None:
    d = rt.distr_normal(0.2, 0.6)
    assert d.batch_shape == (1,) and d.event_shape is None
    assert d.sample().shape == (1,) and d.sample(7).shape == (7, 1) and d.sample([2, 3]).shape == (2, 3, 1)
    c = rt.distr_categorical(torch_tensor([0.1, 0.2, 0.7]))
    assert c.batch_shape is None and c.sample().shape == () and c.sample([2, 2]).shape == (2, 2)


def test_expand_keeps_class_and_values() -> None:
    d = rt.distr_gamma(torch_tensor([1.0, 2.0]), 3.0)
    e = d.expand([4, 2])
    assert type(e) is type(d) and e.batch_shape == (4, 2)
    x = torch_tensor(np.full((4, 2), 0.5, dtype=np.float32))
    assert np.array_equal(e.log_prob(x)._data, d.log_prob(x)._data)
    chi = rt.distr_chi2(torch_tensor([2.0])).expand([3])
    assert type(chi).__name__ == "Chi2" and chi.df._data.tolist() == [2.0, 2.0, 2.0]


def test_argument_errors() -> None:
    with pytest.raises(ValueError, match="Either `probs` or `logits` must be specified, but not both"):
        rt.distr_bernoulli(0.5, logits=0.0)
    with pytest.raises(ValueError, match="Either `probs` or `logits`"):
        rt.distr_categorical()
    with pytest.raises(ValueError, match="The parameter scale has invalid values"):
        rt.distr_normal(0, -1, validate_args=True)
    with pytest.raises(ValueError, match="Exactly one of covariance_matrix or precision_matrix or scale_tril"):
        rt.distr_multivariate_normal(torch_tensor([0.0, 0.0]))
    with pytest.raises(RuntimeError, match="leading minor of order 2 is not positive-definite"):
        rt.distr_multivariate_normal(torch_tensor([0.0, 0.0]), torch_tensor([[1.0, 2.0], [2.0, 1.0]]))
    with pytest.raises(NotImplementedError, match="rsample is not implemented for torch_Bernoulli"):
        rt.distr_bernoulli(0.3).rsample()
    with pytest.raises(ValueError, match="The value argument must be within the support"):
        rt.distr_poisson(1.0, validate_args=True).log_prob(torch_tensor([0.5]))


def test_constraints() -> None:
    assert rt.constraint_real_vector.check(torch_tensor(np.zeros((5, 2))))._data.tolist() == [True] * 5
    lt = rt.constraint_less_than.new(1)
    assert lt.check(torch_tensor([0.5, 1.5]))._data.tolist() == [True, False] and lt.upper_bound.item() == 1
    h = rt.constraint_half_open_interval(0, 1)
    assert h.check(torch_tensor([0.0, 0.5, 1.0, -1.0]))._data.tolist() == [True, True, False, False]
    eye = torch_tensor(np.eye(2, dtype=np.float32)[None])
    assert rt.constraint_lower_cholesky.check(eye)._data.tolist() == [True]
    assert rt.constraint_lower_cholesky.check(eye * -2)._data.tolist() == [False]
    assert rt.constraint_positive_definite.check(torch_tensor(-np.ones((3, 2, 2)) * np.eye(2))).shape == (1, 3)
    assert rt.constraint_simplex.check(torch_tensor([[0.2, 0.8], [0.5, 0.6]]))._data.tolist() == [True, False]


def test_r_classes() -> None:
    assert type(rt.distr_chi2(1.0)).__r_class__ == ("torch_Chi2", "torch_Gamma", "torch_Distribution", "R6",
                                                     "py_object")
    assert type(rt.constraint_real).__r_class__[-3:] == ("torch_Constraint", "R6", "py_object")
