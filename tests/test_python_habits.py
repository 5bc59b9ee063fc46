"""Python habits that keep R semantics: `model.parameters` as R's named list that also works as PyTorch's
`model.parameters()`, tolist/numpy/T/mT, torch_from_numpy sharing memory, permute's two spellings, dim = 0
errors naming the function, and real signatures for help()/inspect (not *args, **kwargs)."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import rtorch_py as rt
from rtorch_py import nn_linear, nn_sequential, optim_adam, torch_from_numpy, torch_randn, torch_tensor


def test_parameters_named_list() -> None:
    model = nn_sequential(nn_linear(3, 4), rt.nn_relu(), nn_linear(4, 1))
    p = model.parameters
    assert p() is not None and list(p()) == list(p)  # calling returns the same collection
    assert all(isinstance(t, rt.Tensor) for t in p)  # iterating yields tensors, as `for (p in ...)` in R
    assert sum(t.numel() for t in model.parameters()) == 3 * 4 + 4 + 4 * 1 + 1
    assert p.names() == list(p.keys()) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert [k for k, _ in p.items()] == p.names()
    assert p["2.bias"] is model[2].bias and "0.weight" in p and len(p) == 4
    opt = optim_adam(model.parameters(), lr=0.1)  # PyTorch's spelling reaches the optimizer as one group
    assert len(opt.param_groups[0]["params"]) == 4
    assert list(model.buffers) == [] and model.buffers().names() == []


def test_conversions_and_transposes() -> None:
    x = torch_tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    assert x.detach().tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    assert x.detach().numpy().shape == (2, 3)
    assert x.T.tolist() == [[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]]
    assert x.T.grad_fn.name() == "PermuteBackward0"
    b = torch_randn(4, 2, 3)
    assert b.mT.shape == (4, 3, 2) and b.T.shape == (3, 2, 4)
    np.testing.assert_array_equal(b.mT.numpy(), np.swapaxes(b.numpy(), -1, -2))
    x.mT.sum().backward()
    assert x.grad.tolist() == [[1.0] * 3] * 2
    with pytest.raises(RuntimeError, match="mT is only supported on matrices .* Got 1-D"):
        _ = torch_randn(3).mT


def test_from_numpy_shares_memory() -> None:
    a = np.arange(6, dtype=np.float64).reshape(2, 3)
    x = torch_from_numpy(a)
    assert x.dtype == rt.torch_float64() and x.shape == (2, 3)
    x.add_(1)
    assert a[0, 0] == 1.0  # written through the tensor, seen in the array
    a[1, 2] = -1
    assert x[1, 2].item() == -1.0
    with pytest.raises(TypeError, match="torch_from_numpy: expected a numpy array, got list"):
        torch_from_numpy([1, 2])
    with pytest.raises(TypeError, match="type uint16"):
        torch_from_numpy(np.zeros(2, dtype=np.uint16))


def test_permute_both_spellings() -> None:
    x = torch_randn(2, 3, 4)
    for y in (x.permute(3, 1, 2), x.permute([3, 1, 2]), x.permute(c := (3, 1, 2)), rt.torch_permute(x, dims=c)):
        np.testing.assert_array_equal(y.numpy(), np.transpose(x.numpy(), (2, 0, 1)))
    with pytest.raises(IndexError, match="Indexing starts at 1 but found a 0"):
        x.permute(0, 1, 2)


def test_dim_zero_names_the_function() -> None:
    x = torch_randn(2, 3)
    with pytest.raises(IndexError) as e:
        x.sum(dim=0)
    msg = str(e.value)
    assert msg.startswith("torch_sum(): Indexing starts at 1 but found a 0.")
    assert "R-named functions take 1-based dims" in msg
    with pytest.raises(IndexError, match=r"^torch_softmax\(\): Indexing starts at 1"):
        rt.torch_softmax(x, dim=0)


NN_OPTIM = sorted(n for n in dir(rt) if n.startswith(("nn_", "optim_", "lr_")) and inspect.isclass(getattr(rt, n))
                  and n not in ("nn_Module", "nn_module_print_width", "nn_identity"))  # identity takes any (...)


@pytest.mark.parametrize("name", NN_OPTIM)
def test_signatures_are_real(name: str) -> None:
    sig = inspect.signature(getattr(rt, name))
    kinds = {p.kind for p in sig.parameters.values()}
    assert not (inspect.Parameter.VAR_POSITIONAL in kinds and inspect.Parameter.VAR_KEYWORD in kinds
                and len(sig.parameters) == 2), f"{name}{sig}"
    assert "self" not in sig.parameters


def test_signature_examples() -> None:
    assert str(inspect.signature(nn_linear)).startswith("(in_features: 'int', out_features: 'int', bias: 'bool' = True")
    assert list(inspect.signature(optim_adam).parameters) == ["params", "lr", "betas", "eps", "weight_decay",
                                                              "amsgrad"]
    assert list(inspect.signature(rt.lr_step).parameters)[:3] == ["optimizer", "step_size", "gamma"]
    assert "size" in inspect.signature(torch_randn).parameters
    import pydoc

    assert "nn_linear(in_features: 'int', out_features: 'int', bias: 'bool' = True)" in pydoc.render_doc(nn_linear)
