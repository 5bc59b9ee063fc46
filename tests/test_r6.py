"""The one R6 object model (rtorch_py/_r6.py): super over several levels, private, active bindings, print,
and the literal writer, for the base class and for each family built on it (modules, optimizers, schedulers)."""

from __future__ import annotations

import numpy as np
import pytest

import rtorch_py as rt
from rtorch_py._r6 import R6, r6_class, r6_format, r_literal


def _chain(base: type, inherit: type | None = None) -> tuple[type, type, type]:
    """Three generations, each method extending its parent's through self.super."""
    A = r6_class("A", inherit, base, {
        "initialize": lambda self, x: setattr(self, "log", [f"A.init({x})"]),
        "who": lambda self: "A",
    })

    def b_init(self: R6, x: int) -> None:
        self.super.initialize(x)
        self.log.append("B.init")

    B = r6_class("B", A, base, {"initialize": b_init, "who": lambda self: "B<" + self.super.who()})

    def c_init(self: R6, x: int) -> None:
        self.super.initialize(x)
        self.log.append("C.init")

    C = r6_class("C", B, base, {"initialize": c_init, "who": lambda self: "C<" + self.super.who()})
    return A, B, C


def test_three_level_super_chain_resolves_from_the_defining_class() -> None:
    _, _, C = _chain(R6)
    c = C(7)
    assert c.log == ["A.init(7)", "B.init", "C.init"]
    assert c.who() == "C<B<A"
    assert "super" not in vars(c)  # super exists only as R6's binding, never as a stored field


def test_python_subclass_of_a_generated_class_and_back() -> None:
    _, B, _ = _chain(R6)

    class P(B):
        def who(self) -> str:
            return "P<" + self.super.who()

    D = r6_class("D", P, R6, {"who": lambda self: "D<" + self.super.who()})
    assert D(1).who() == "D<P<B<A"
    assert P(1).who() == "P<B<A"


@pytest.mark.parametrize("family", ["module", "optimizer", "scheduler"])
def test_three_level_super_chain_in_each_family(family: str) -> None:
    if family == "module":
        Base = rt.nn_module("Base", initialize=lambda self: setattr(self, "k", 1),
                            forward=lambda self, x: x + self.k)
        Mid = rt.nn_module("Mid", inherit=Base, forward=lambda self, x: self.super.forward(x) * 2)
        Top = rt.nn_module("Top", inherit=Mid, forward=lambda self, x: self.super.forward(x) - 1)
        assert Top()(rt.torch_ones(2))._data.tolist() == [3.0, 3.0]  # ((1 + 1) * 2) - 1
        return
    if family == "optimizer":
        calls: list[str] = []

        def mk(name: str, inherit: type) -> type:
            def step(self, closure=None):  # noqa: ANN001, ANN202
                calls.append(name)
                return self.super.step(closure)

            return rt.optimizer(name, inherit=inherit, step=step)

        top = mk("o3", mk("o2", mk("o1", rt.optim_sgd)))
        x = rt.torch_ones(1, requires_grad=True)
        opt = top([x], lr=0.5)
        x.grad = rt.torch_ones(1)
        opt.step()
        assert calls == ["o3", "o2", "o1"] and x.item() == 0.5
        assert repr(opt).splitlines()[:2] == ["<o3>", "  Inherits from: <o2>"]
        return

    def init(self, optimizer, last_epoch=-1):  # noqa: ANN001, ANN202
        self.super.initialize(optimizer, last_epoch)

    s1 = rt.lr_scheduler("s1", get_lr=lambda self: [0.1 * (self.last_epoch + 1)])
    s2 = rt.lr_scheduler("s2", inherit=s1, initialize=init, get_lr=lambda self: [2 * v for v in self.super.get_lr()])
    s3 = rt.lr_scheduler("s3", inherit=s2, initialize=init, get_lr=lambda self: [v + 1 for v in self.super.get_lr()])
    opt = rt.optim_sgd([rt.torch_zeros(1, requires_grad=True)], lr=1)
    s = s3(opt)
    s.step()
    assert s.get_last_lr() == pytest.approx([1.4])  # epoch 1: 0.1 * 2 -> 0.2 * 2 + 1


def test_private_members_are_private_and_writable() -> None:
    def init(self: R6) -> None:
        self.private.count = 0

    def bump(self: R6) -> int:
        self.private.count += self.private.step_size()
        return self.private.count

    Counter = r6_class("Counter", None, R6, {"initialize": init, "bump": bump},
                       private={"step_size": lambda self: 2, "count": None})
    c = Counter()
    assert c.bump() == 2 and c.bump() == 4
    assert not hasattr(c, "step_size") and not hasattr(c, "count")
    with pytest.raises(AttributeError, match="<Counter> has no private member 'nope'"):
        c.private.nope  # noqa: B018


def test_private_tensor_of_a_module_is_not_a_parameter() -> None:
    Gen = rt.nn_module("G", initialize=lambda self: setattr(self.private, "w", rt.nn_parameter(rt.torch_ones(2))),
                       forward=lambda self, x: x * self.private.w)
    m = Gen()
    assert m.parameters.names() == [] and m(rt.torch_ones(2))._data.tolist() == [1.0, 1.0]


def test_active_binding_reads_and_writes_and_read_only_error() -> None:
    def celsius(self: R6, value: float | None = None) -> float | None:
        if value is None:
            return self.private.kelvin - 273.15
        self.private.kelvin = value + 273.15
        return None

    T = r6_class("Thermo", None, R6, {"initialize": lambda self: setattr(self.private, "kelvin", 300.0)},
                 active={"celsius": celsius, "kelvin": lambda self: self.private.kelvin})
    t = T()
    assert t.celsius == pytest.approx(26.85)
    t.celsius = 0
    assert t.kelvin == pytest.approx(273.15)
    with pytest.raises(AttributeError, match="active binding 'kelvin' of <Thermo> is read-only"):
        t.kelvin = 1
    # a module's active binding goes through the same code (nn_Module's own __setattr__ sees the property)
    M = rt.nn_module("M", initialize=lambda self: setattr(self.private, "n", 1),
                     active={"n": lambda self, value=None: self.private.n if value is None
                             else setattr(self.private, "n", value)})
    m = M()
    m.n = 5
    assert m.n == 5 and "n" not in m.__dict__


def test_print_lists_public_private_and_active_members() -> None:
    _, B, _ = _chain(R6)
    Leaf = r6_class("Leaf", B, R6, {"tag": "x", "go": lambda self, n=1.5: n},
                    private={"secret": lambda self, a, b=None: a}, active={"twice": lambda self: 2})
    assert r6_format(Leaf(1)) == "\n".join([
        "<Leaf>",
        "  Inherits from: <B>",
        "  Public:",
        "    go: function (n = 1.5) ",
        "    initialize: function (x) ",
        "    log: list",
        "    tag: x",
        "    twice: active binding",
        "    who: function () ",
        "  Private:",
        "    secret: function (a, b = NULL)",  # the text ends stripped, as R6 renders it
    ])
    anon = r6_class(None, Leaf, R6, {})
    assert repr(anon(1)).splitlines()[:2] == ["<Leaf>", "  Inherits from: <B>"]  # unnamed: R shows the parent
    assert anon._classname == "Leaf"


def test_factory_rejects_a_foreign_parent() -> None:
    with pytest.raises(TypeError, match="`inherit` must be a class derived from nn_Module, got dict"):
        r6_class("X", dict, rt.nn_Module, {})
    with pytest.raises(TypeError, match="active binding 'a' must be a function"):
        r6_class("X", None, R6, {}, active={"a": 3})


def test_signature_is_initialize_s() -> None:
    import inspect

    _, B, _ = _chain(R6)
    assert list(inspect.signature(B).parameters) == ["x"]


def test_r_literal_both_modes() -> None:
    assert r_literal(1e-8) == "1e-08" and r_literal(20) == "20" and r_literal(True) == "TRUE"
    assert r_literal({"a": 1, "b": (1, 2)}) == "list(a = 1, b = c(1, 2))"
    assert r_literal(rt.optim_required()) == "optim_required()"
    assert r_literal(0.1, exact=True) == "0.1" and r_literal(5, exact=True) == "5L"
    assert r_literal(2**40, exact=True) == "1099511627776.0"
    assert r_literal(float("-inf"), exact=True) == "-Inf" and r_literal(float("nan"), exact=True) == "NaN"
    assert r_literal({"a": 1}, exact=True) is None and r_literal(object(), exact=True) is None
    assert r_literal(["a", 'q"'], exact=True) == 'c("a", "q\\"")'
    assert np.isnan(float(r_literal(float("nan"))))
