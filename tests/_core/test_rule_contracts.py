"""The contract between ``record(out, "NameBackward0", D.rule, inputs, saved)`` and the rule table: the engine
calls ``rule(grad, *saved)`` and takes one gradient per input. Every call site in rtorch_py whose rule, inputs
and saved values are written out is checked here against the rule's signature and returns; every other one is
checked by ``record`` itself the first time it attaches a node (ops.check_rule), which the gradient tests run."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

import rtorch_py as rt
from rtorch_py._core import derivatives as D
from rtorch_py._core import ops as O

PKG = Path(rt.__file__).resolve().parent


def _record_sites() -> list[tuple[str, str, str, int, int]]:
    """(file:line, node name, rule name, inputs, saved) of each record() call with a D.<rule>, a literal
    inputs tuple and a literal (or absent) saved tuple."""
    sites = []
    for path in sorted(PKG.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None))
                    == "record"):
                continue
            args = list(node.args) + [None] * 5
            kw = {k.arg: k.value for k in node.keywords}
            rule, inputs = kw.get("rule", args[2]), kw.get("inputs", args[3])
            saved = kw.get("saved", args[4])
            if not (isinstance(rule, ast.Attribute) and isinstance(rule.value, ast.Name)
                    and rule.value.id in ("D", "derivatives") and isinstance(inputs, ast.Tuple)):
                continue
            if saved is not None and not isinstance(saved, ast.Tuple):
                continue
            if any(isinstance(e, ast.Starred) for e in inputs.elts + (saved.elts if saved else [])):
                continue
            name = kw.get("name", args[1])
            label = name.value if isinstance(name, ast.Constant) else ast.unparse(name)
            sites.append((f"{path.relative_to(PKG)}:{node.lineno}", label, rule.attr, len(inputs.elts),
                          len(saved.elts) if saved else 0))
    return sites


SITES = _record_sites()


def test_the_static_check_sees_most_record_calls() -> None:
    assert len(SITES) >= 60  # the other call sites pass a rule chosen at run time (checked by record)


@pytest.mark.parametrize(("where", "name", "rule", "n_in", "n_saved"), SITES, ids=[s[0] for s in SITES])
def test_record_call_matches_its_rule(where: str, name: str, rule: str, n_in: int, n_saved: int) -> None:
    O.check_rule(name, getattr(D, rule), n_in, n_saved)


def _leaf() -> rt.Tensor:
    return rt.torch_ones(2, requires_grad=True)


def test_a_rule_called_with_the_wrong_number_of_saved_values_fails_at_record_time() -> None:
    a, b = _leaf(), _leaf()
    with pytest.raises(TypeError, match=r"MulBackward0: derivative rule mul\(g, a, b\) cannot be called with the "
                                        r"gradient and 1 saved value"):
        O.record(np.ones(2, np.float32), "MulBackward0", D.mul, (a, b), (a,))


def test_a_rule_returning_too_few_gradients_fails_at_record_time() -> None:
    def two(g, x):  # noqa: ANN001, ANN202 - a rule written for a one-input op
        return g * x

    def three(g, x):  # noqa: ANN001, ANN202
        return g * x, g  # two gradients: one too few for three inputs

    a = _leaf()
    with pytest.raises(TypeError, match="returns 1 gradient"):
        O.record(np.ones(2, np.float32), "TwoBackward0", two, (a, a), (a,))
    with pytest.raises(TypeError, match="three returns 2 gradient"):
        O.record(np.ones(2, np.float32), "ThreeBackward0", three, (a, a, a), (a,))
    # no node, no check: grad mode off records nothing
    with rt.with_no_grad():
        O.record(np.ones(2, np.float32), "TwoBackward0", two, (a, a), (a,))


def test_a_correct_rule_records_and_backpropagates() -> None:
    a, b = _leaf(), _leaf()
    y = O.record(a._data * b._data, "MulBackward0", D.mul, (a, b), (a, b))
    y.sum().backward()
    assert a.grad._data.tolist() == [1.0, 1.0] and y.grad_fn.name == "MulBackward0"
