"""Shared helpers of the nn tests: decoding the PyTorch fixtures (tests/fixtures/nn_*.json) and running a case
through rtorch_py with the same seed, inputs and cotangents."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import numpy as np

import rtorch_py as rt

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def load(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def dec(d: dict) -> np.ndarray:
    return np.frombuffer(base64.b64decode(d["b64"]), dtype=d["dtype"]).reshape(d["shape"]).copy()


def flatten(y: Any) -> list:
    if isinstance(y, rt.Tensor):
        return [y]
    out = []
    for v in y:
        out += flatten(v)
    return out


def close(actual: np.ndarray, expected: np.ndarray, tol: float, what: str) -> None:
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    if expected.dtype.kind in "iub":
        np.testing.assert_array_equal(actual, expected, err_msg=what)
        return
    scale = max(1.0, float(np.max(np.abs(expected))) if expected.size else 1.0)
    np.testing.assert_allclose(actual, expected, rtol=10 * tol, atol=tol * scale, err_msg=what)


def run_case(case: dict) -> None:
    """Build the layer (or call the function) as the fixture says and compare everything it stored."""
    tensors = {}
    for k, v in case["inputs"].items():
        arr = dec(v)
        t = rt.torch_tensor(arr)
        if arr.dtype.kind == "f":
            t.requires_grad_(True)
        tensors[k] = t

    def arg(a: Any) -> Any:
        if isinstance(a, str) and a.startswith("$"):
            return tensors[a[1:]]
        return a

    args = [arg(a) for a in case["args"]]
    kwargs = {k: arg(v) for k, v in case["kwargs"].items()}
    fn = getattr(rt, case["call"])
    rt.torch_manual_seed(case["seed"])
    module = None
    if case["kind"] == "module":
        module = fn(*args, **kwargs)
        params = module.parameters
        for name, v in case["params0"].items():
            # Same seed, same draws: the initial weights agree bit for bit.
            np.testing.assert_array_equal(params[name]._data, dec(v), err_msg=f"{case['name']}: initial {name}")
        assert params.names() == list(case["params0"]), f"{case['name']}: parameter names/order"
        if not case["train"]:
            module.eval()
        y = module(*tensors.values(), **case["forward_kwargs"])
    else:
        y = fn(*args, **kwargs)
    outs = flatten(y)
    assert len(outs) == len(case["outputs"]), f"{case['name']}: number of outputs"
    tol = case["tol"]
    loss = None
    for i, (o, e, cot) in enumerate(zip(outs, case["outputs"], case["cotangents"])):
        close(o._data, dec(e), tol, f"{case['name']}: output {i}")
        if cot is not None:
            term = (o * rt.torch_tensor(dec(cot))).sum()
            loss = term if loss is None else loss + term
    if loss is not None:
        loss.backward()
    for k, g in case["input_grads"].items():
        got = tensors[k].grad
        assert got is not None, f"{case['name']}: no gradient for input {k}"
        close(got._data, dec(g), tol, f"{case['name']}: gradient of input {k}")
    if module is not None:
        params = module.parameters
        for name, g in case["param_grads"].items():
            assert params[name].grad is not None, f"{case['name']}: no gradient for {name}"
            close(params[name].grad._data, dec(g), tol, f"{case['name']}: gradient of {name}")
        bufs = module.buffers
        assert bufs.names() == list(case["buffers"]), f"{case['name']}: buffer names"
        for name, b in case["buffers"].items():
            close(bufs[name]._data, dec(b), tol, f"{case['name']}: buffer {name} after forward")
