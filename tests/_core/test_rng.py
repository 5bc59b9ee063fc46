"""rtorch_py._core.rng against libtorch's CPU generator, bit for bit.

The vectors were made with PyTorch 2.13 (CPU, x86-64 AVX2): tests/fixtures/rng.json (the reference set) and
tests/fixtures/rng_extra.json (tools/make_rng_fixtures.py). PyTorch is not needed here.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

from rtorch_py._core import rng
from rtorch_py._core.rng import Generator

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REFERENCE = json.loads((FIXTURES / "rng.json").read_text())["cases"]
EXTRA = json.loads((FIXTURES / "rng_extra.json").read_text())["cases"]


def decode(data, dtype: str, shape) -> np.ndarray:
    """Fixture data (float.hex strings, ints, or one hex string of bytes for uint8) as an array."""
    if dtype == "uint8":
        return np.frombuffer(bytes.fromhex(data), dtype=np.uint8).reshape(shape)
    vals = [float.fromhex(v) if isinstance(v, str) else v for v in data]
    if dtype.startswith("float"):
        return np.array(vals, dtype=np.float64).astype(dtype).reshape(shape)
    return np.array(vals, dtype=dtype).reshape(shape)


def assert_bits(got: np.ndarray, want: np.ndarray, what: str) -> None:
    assert got.dtype == want.dtype, f"{what}: dtype {got.dtype} != {want.dtype}"
    assert got.shape == want.shape, f"{what}: shape {got.shape} != {want.shape}"
    same = got.view(np.uint8) == want.view(np.uint8) if got.size else np.array([True])
    if not same.all():
        bad = np.nonzero(got.reshape(-1) != want.reshape(-1))[0]
        raise AssertionError(f"{what}: {bad.size} of {got.size} elements differ, first at {bad[:5]}: "
                             f"{got.reshape(-1)[bad[:3]]} != {want.reshape(-1)[bad[:3]]}")


# --------------------------------------------------------------------------------------------------------
# The reference vectors (rng.json): calls written as PyTorch code
# --------------------------------------------------------------------------------------------------------
def run_reference(g: Generator, call: str) -> np.ndarray:
    seed, rest = re.fullmatch(r"manual_seed\((\d+)\); (.*)", call).groups()
    g.manual_seed(int(seed))
    ints = [int(v) for v in re.findall(r"-?\d+", rest)]
    if rest == "randn(1); randn(100); randn(1) -> third call":
        g.normal((1,))
        g.normal((100,))
        return g.normal((1,))
    if rest.startswith("randn("):
        return g.normal(_dims(rest))
    if rest.startswith("rand("):
        dtype = np.float64 if "dtype=float64" in rest else np.float32
        return g.uniform(_dims(rest), 0.0, 1.0, dtype)
    if rest.startswith("randint("):
        return g.randint(ints[0], ints[1], tuple(ints[2:]))
    if ".uniform_(" in rest:
        lo, hi = map(float, re.search(r"uniform_\(([-\d.]+), ([-\d.]+)\)", rest).groups())
        return g.uniform(_dims(rest), lo, hi)
    if ".normal_(" in rest:
        mean, std = map(float, re.search(r"normal_\(([-\d.]+), ([-\d.]+)\)", rest).groups())
        return g.normal(_dims(rest), mean, std)
    if rest.startswith("nn.Linear("):
        fan_in, fan_out = ints[:2]
        # kaiming_uniform_(a = sqrt(5)): bound computed in float64, then float32 uniform bounds
        bound = math.sqrt(3.0) * math.sqrt(2.0 / (1 + 5)) / math.sqrt(fan_in)
        weight = g.uniform((fan_out, fan_in), -bound, bound)
        b = 1.0 / math.sqrt(fan_in)
        bias = g.uniform((fan_out,), -b, b)
        return weight if rest.endswith(".weight") else bias
    raise AssertionError(f"unparsed reference call {rest!r}")


def _dims(rest: str) -> tuple[int, ...]:
    """The leading integer arguments of the first call: randn(100, 3) -> (100, 3)."""
    return tuple(int(v) for v in re.match(r"\w+\(([\d, ]+)", rest).group(1).replace(" ", "").strip(",").split(","))


@pytest.mark.parametrize("case", REFERENCE, ids=[c["call"] for c in REFERENCE])
def test_reference_vectors(case: dict) -> None:
    got = run_reference(Generator(), case["call"])
    assert_bits(got, decode(case["data"], case["dtype"], case["shape"]), case["call"])


def test_r_torch_nn_linear_check() -> None:
    # R torch's own test: torch_manual_seed(1); nn_linear(1, 1)$weight$item() == 0.5152631998062134
    g = Generator(1)
    assert float(g.uniform((1, 1), -1.0, 1.0)[0, 0]) == 0.5152631998062134


# --------------------------------------------------------------------------------------------------------
# The extra vectors (rng_extra.json): ops named after Generator's methods
# --------------------------------------------------------------------------------------------------------
def run_op(g: Generator, name: str, kw: dict) -> np.ndarray:
    kw = dict(kw)
    for key in ("p", "probs"):
        if isinstance(kw.get(key), dict):
            kw[key] = decode(kw[key]["data"], kw[key]["dtype"], kw[key]["shape"])
    if name == "dropout":
        # F.dropout(x, p, training=True) on CPU multiplies by bernoulli_(1 - p) noise scaled by 1/(1 - p)
        return g.bernoulli(1 - kw["p"], kw["shape"]) != 0
    if name == "get_state":
        return g.get_state()
    if name == "set_state":
        g.set_state(np.frombuffer(bytes.fromhex(kw["state"]), dtype=np.uint8).copy())
        return np.empty(0, dtype=np.uint8)
    return getattr(g, name)(**kw)


@pytest.mark.parametrize("case", EXTRA, ids=[c["call"] for c in EXTRA])
def test_extra_vectors(case: dict) -> None:
    g = Generator(case["seed"])
    got = None
    for name, kw in case["ops"]:
        got = run_op(g, name, kw)
    assert_bits(np.ascontiguousarray(got), decode(case["data"], case["dtype"], case["shape"]), case["call"])


# --------------------------------------------------------------------------------------------------------
# Seeds and states
# --------------------------------------------------------------------------------------------------------
def _mixed_stream(g: Generator) -> list[np.ndarray]:
    return [g.normal((3,)), g.uniform((40,), -1.0, 2.0), g.normal((33,), 1.0, 0.5, np.float64),
            g.randint(0, 10, (5,)), g.randperm(20), g.bernoulli(0.3, (7,)), g.random32(3), g.random64(2)]


def test_manual_seed_repeats_streams() -> None:
    g = Generator()
    g.manual_seed(123)
    first = _mixed_stream(g)
    g.manual_seed(123)
    for a, b in zip(first, _mixed_stream(g)):
        assert_bits(b, a, "reseeded stream")
    g.manual_seed(124)
    assert not np.array_equal(first[1], _mixed_stream(g)[1])


def test_seed_is_taken_mod_2_32_but_reported_whole() -> None:
    a, b = Generator(7), Generator(7 + 2**32)
    assert_bits(b.normal((50,)), a.normal((50,)), "seed mod 2**32")
    assert b.initial_seed() == 7 + 2**32
    assert Generator(-1).initial_seed() == 2**64 - 1
    assert Generator().initial_seed() == 67280421310721  # torch.Generator()'s default


def test_manual_seed_clears_the_cached_normal() -> None:
    g = Generator(5)
    fresh = g.normal((1,))
    g.normal((1,))  # leaves nothing cached (it consumed the cached value)
    g.normal((3,))  # leaves a cached value
    g.manual_seed(5)
    assert_bits(g.normal((1,)), fresh, "after reseeding")


def test_set_state_replays_including_the_cache() -> None:
    g = Generator(9)
    g.uniform((700,))
    g.normal((5,))  # odd count: a cached value travels with the state
    state = g.get_state()
    assert state.dtype == np.uint8 and state.shape == (5056,)
    after = _mixed_stream(g)
    other = Generator(1)
    other.set_state(state)
    for a, b in zip(after, _mixed_stream(other)):
        assert_bits(b, a, "replayed stream")
    assert_bits(other.get_state(), g.get_state(), "states after the same draws")
    g.set_state(state)
    assert_bits(g.get_state(), state, "state round trip")


def test_state_positions_and_fresh_seed() -> None:
    g = Generator(3)
    fresh = g.get_state()
    g.random32(624)  # a whole block: same engine position as a fresh seed, but torch records next = 624
    used = g.get_state()
    assert not np.array_equal(fresh, used)
    g.set_state(fresh)
    a = g.random32(700)
    g.set_state(used)
    g2 = Generator(3)
    g2.random32(624)
    assert_bits(g.random32(700), g2.random32(700), "after a full block")
    assert not np.array_equal(a, g2.random32(700))


# --------------------------------------------------------------------------------------------------------
# Pieces checked against exact arithmetic or sequential reference algorithms
# --------------------------------------------------------------------------------------------------------
def _randperm_sequential(n: int, z: np.ndarray) -> np.ndarray:
    r = np.arange(n)
    for i in range(n - 1):
        j = i + z[i]
        r[i], r[j] = r[j], r[i]
    return r


def _inside_out_sequential(n: int, z: np.ndarray) -> np.ndarray:
    r = np.empty(n, dtype=np.int64)
    for i in range(n):
        r[i] = i
        r[i] = r[z[i]]
        r[z[i]] = i
    return r


@pytest.mark.parametrize("n", [2, 3, 7, 16, 100, 2000])
def test_randperm_shuffles_match_the_sequential_loops(n: int) -> None:
    rs = np.random.default_rng(n)
    for _ in range(10):
        z = rs.integers(0, np.arange(n - 1, 0, -1))  # z[i] in [0, n - i)
        assert_bits(rng._randperm_swaps(n, z), _randperm_sequential(n, z), "randperm swaps")
        z = rs.integers(0, np.arange(1, n + 1))  # z[i] in [0, i]
        assert_bits(rng._randperm_inside_out(n, z), _inside_out_sequential(n, z), "inside-out")


def test_randperm_is_a_permutation() -> None:
    p = Generator(0).randperm(5000)
    assert p.dtype == np.int64 and np.array_equal(np.sort(p), np.arange(5000))


def test_draw_counts() -> None:
    """What each call consumes, as the module docstring says (compared by engine position)."""
    def used(fn) -> int:
        g, ref = Generator(0), Generator(0)
        fn(g)
        state = g.get_state()
        for k in range(200):
            if np.array_equal(ref.get_state()[8:5016], state[8:5016]):  # position and key, not the cache
                return k
            ref.random32(1)
        raise AssertionError("more than 200 draws")
    assert used(lambda g: g.uniform((10,))) == 10
    assert used(lambda g: g.uniform((10,), 0, 1, np.float64)) == 20
    assert used(lambda g: g.normal((17,))) == 33
    assert used(lambda g: g.normal((17,), dtype=np.float16)) == 32
    assert used(lambda g: g.normal((16,), dtype=np.float64)) == 32
    assert used(lambda g: g.normal((3,))) == 8
    assert used(lambda g: g.randint(0, 2**28 - 1, (5,))) == 5
    assert used(lambda g: g.randint(0, 2**28, (5,))) == 10
    assert used(lambda g: g.randperm(10)) == 9
    assert used(lambda g: g.bernoulli(0.5, (6,))) == 12
    assert used(lambda g: g.bernoulli(np.full(6, 0.5, np.float32))) == 6
    assert used(lambda g: g.multinomial(np.ones(5, np.float32), 2)) == 10
    assert used(lambda g: g.multinomial(np.ones(5, np.float32), 3, True)) == 6


def test_module_default_generator() -> None:
    assert isinstance(rng.default_generator, Generator)


# --------------------------------------------------------------------------------------------------------
# Errors: the function and the argument are named
# --------------------------------------------------------------------------------------------------------
G = Generator(0)
BAD = [
    (lambda: G.manual_seed("1"), TypeError, "manual_seed(): 'seed'"),
    (lambda: G.manual_seed(2**64), ValueError, "manual_seed(): 'seed'"),
    (lambda: G.set_state([0] * 5056), TypeError, "set_state(): 'state'"),
    (lambda: G.set_state(np.zeros(5056, np.int8)), TypeError, "set_state(): 'state' must have dtype uint8"),
    (lambda: G.set_state(np.zeros(10, np.uint8)), ValueError, "set_state(): 'state' must be 1-D with 5056"),
    (lambda: G.set_state(np.zeros((2, 5056), np.uint8)), ValueError, "set_state(): 'state'"),
    (lambda: G.set_state(np.zeros(5056, np.uint8)), ValueError, "set_state(): 'state' is not a valid"),
    (lambda: G.random32(-1), ValueError, "random32(): 'n'"),
    (lambda: G.random64(1.5), TypeError, "random64(): 'n'"),
    (lambda: G.uniform((-1, 2)), ValueError, "uniform(): 'shape'"),
    (lambda: G.uniform("ab"), TypeError, "uniform(): 'shape'"),
    (lambda: G.uniform((2,), 1.0, 0.0), ValueError, "uniform(): expects 'low' <= 'high'"),
    (lambda: G.uniform((2,), 0, 1, np.int32), TypeError, "uniform(): 'dtype'"),
    (lambda: G.uniform((2,), "0", 1), TypeError, "uniform(): 'low'"),
    (lambda: G.uniform((2,), -3e38, 3e38), ValueError, "uniform(): 'high' - 'low' overflows"),
    (lambda: G.normal((2,), 0.0, -1.0), ValueError, "normal(): expects 'std' >= 0"),
    (lambda: G.normal((2,), None), TypeError, "normal(): 'mean'"),
    (lambda: G.normal((2,), 0, 1, "int64"), TypeError, "normal(): 'dtype'"),
    (lambda: G.randint(5, 5, (2,)), ValueError, "randint(): expects"),
    (lambda: G.randint(0, 1.5, (2,)), TypeError, "randint(): 'high'"),
    (lambda: G.randint(0, 2, (2,), "U3"), TypeError, "randint(): 'dtype'"),
    (lambda: G.randperm(-1), ValueError, "randperm(): 'n'"),
    (lambda: G.randperm(3.0), TypeError, "randperm(): 'n'"),
    (lambda: G.bernoulli(1.5, (2,)), ValueError, "bernoulli(): expects 0 <= 'p' <= 1"),
    (lambda: G.bernoulli(0.5), ValueError, "bernoulli(): 'shape' is required"),
    (lambda: G.bernoulli(np.array([1, 0])), TypeError, "bernoulli(): 'p'"),
    (lambda: G.bernoulli(np.array([0.5, 2.0])), ValueError, "bernoulli(): expects all elements of 'p'"),
    (lambda: G.bernoulli(np.ones(3), (2, 2)), ValueError, "bernoulli(): 'p' of shape (3,)"),
    (lambda: G.multinomial(np.ones(3, np.int64), 1), TypeError, "multinomial(): 'probs'"),
    (lambda: G.multinomial(np.ones((2, 2, 2)), 1), ValueError, "multinomial(): 'probs' must be 1-D or 2-D"),
    (lambda: G.multinomial(np.ones(3), 0), ValueError, "multinomial(): 'num_samples'"),
    (lambda: G.multinomial(np.ones(3), 4), ValueError, "multinomial(): cannot draw 4 samples"),
    (lambda: G.multinomial(np.zeros(2), 1), ValueError, "multinomial(): every row of 'probs'"),
    (lambda: G.multinomial(np.array([-1.0, 2.0]), 1), ValueError, "multinomial(): 'probs' must be finite"),
    (lambda: G.multinomial(np.array([np.nan, 1.0]), 1, True), ValueError, "multinomial(): 'probs' must be"),
    (lambda: G.exponential((2,), 0.0), ValueError, "exponential(): expects 'lambd' > 0"),
    (lambda: G.geometric((2,), 1.0), ValueError, "geometric(): expects 0 < 'p' < 1"),
]


@pytest.mark.parametrize("call, exc, message", BAD, ids=[m for _, _, m in BAD])
def test_bad_inputs_raise_clear_errors(call, exc, message: str) -> None:
    with pytest.raises(exc) as info:
        call()
    assert message in str(info.value)


def test_bad_state_does_not_change_the_generator() -> None:
    g = Generator(4)
    before = g.get_state()
    broken = before.copy()
    broken[8:12] = np.frombuffer(np.int32(700).tobytes(), np.uint8)  # left out of range
    with pytest.raises(ValueError, match="set_state"):
        g.set_state(broken)
    assert_bits(g.get_state(), before, "state after a refused set_state")
