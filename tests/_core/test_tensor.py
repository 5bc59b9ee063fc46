"""The Tensor class (rtorch_py/_core/tensor.py) and its Python protocol: fields, conversion, views sharing
memory, 0-based Python subscripts (get and set) with ints, slices, None, Ellipsis, bool and long tensors."""

from __future__ import annotations

import numpy as np
import pytest

import rtorch_py as rt
from rtorch_py import Tensor, torch_tensor


def arr(x: Tensor) -> np.ndarray:
    return x._data


@pytest.fixture
def x() -> Tensor:
    return torch_tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])


# -- fields ------------------------------------------------------------------------------------------------------

def test_fields(x: Tensor) -> None:
    assert x.shape == (2, 3)
    assert x.dtype is rt.torch_float()
    assert x.device == "cpu" and x.device == rt.torch_device("cpu")
    assert x.ndim == 2
    assert x.grad is None and x.grad_fn is None and x.is_leaf and not x.requires_grad
    x.requires_grad = True
    assert x.requires_grad


def test_grad_setter_checks(x: Tensor) -> None:
    x.grad = rt.torch_ones(2, 3)
    assert x.grad.shape == (2, 3)
    x.grad = None
    assert x.grad is None
    with pytest.raises(RuntimeError, match=r"assigned grad has data of a different size: \[3\] vs \[2, 3\]"):
        x.grad = rt.torch_ones(3)
    with pytest.raises(TypeError, match="assigned grad expected to be a Tensor"):
        x.grad = [1.0]


def test_size_dim_numel_stride(x: Tensor) -> None:
    assert x.size() == (2, 3)
    assert x.size(1) == 2 and x.size(2) == 3 and x.size(-1) == 3
    with pytest.raises(IndexError, match="Indexing starts at 1 but found a 0."):
        x.size(0)
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of \[-2, 2\], but "
                                         r"got 3\)"):
        x.size(3)
    assert x.dim() == 2 and x.numel() == 6
    assert x.stride() == [3, 1] and x.stride(1) == 3
    assert x.t().stride() == [1, 3]
    assert torch_tensor(1.0).size() == () and torch_tensor(1.0).numel() == 1
    assert x.element_size() == 4 and x.double().element_size() == 8


def test_contiguous(x: Tensor) -> None:
    assert x.is_contiguous()
    xt = x.t()
    assert not xt.is_contiguous()
    c = xt.contiguous()
    assert c.is_contiguous() and np.array_equal(arr(c), arr(x).T)
    assert x.contiguous() is x  # already contiguous: the same tensor, as torch


def test_item_and_python_conversions() -> None:
    assert torch_tensor(3.5).item() == 3.5 and isinstance(torch_tensor(3.5).item(), float)
    assert torch_tensor([7]).item() == 7 and isinstance(torch_tensor(7).item(), int)
    assert torch_tensor(True).item() is True
    with pytest.raises(RuntimeError, match="a Tensor with 2 elements cannot be converted to Scalar"):
        torch_tensor([1.0, 2.0]).item()
    assert float(torch_tensor([2.5])) == 2.5 and int(torch_tensor([[3]])) == 3
    assert [10, 20, 30][torch_tensor(1)] == 20
    with pytest.raises(TypeError, match="only integer tensors of a single element"):
        [1, 2][torch_tensor(1.0)]
    assert bool(torch_tensor([1.0])) and not bool(torch_tensor(0))
    with pytest.raises(RuntimeError, match="Boolean value of Tensor with more than one value is ambiguous"):
        bool(torch_tensor([1.0, 2.0]))
    assert len(torch_tensor([[1, 2], [3, 4], [5, 6]])) == 3
    with pytest.raises(TypeError, match="len\\(\\) of a 0-d tensor"):
        len(torch_tensor(1))
    rows = list(torch_tensor([[1, 2], [3, 4]]))
    assert [r._data.tolist() for r in rows] == [[1, 2], [3, 4]]
    assert 2 in torch_tensor([1, 2, 3]) and 5 not in torch_tensor([1, 2, 3])


def test_clone_is_a_copy_with_grad(x: Tensor) -> None:
    c = x.clone()
    assert not np.shares_memory(arr(c), arr(x)) and np.array_equal(arr(c), arr(x))
    w = torch_tensor([1.0], requires_grad=True)
    assert w.clone().grad_fn.name == "CloneBackward0"


def test_to_and_casts(x: Tensor) -> None:
    assert x.to(dtype=rt.torch_long()).dtype is rt.torch_long()
    assert x.to(rt.torch_double()).dtype is rt.torch_double()
    assert x.to(device="cpu") is x
    assert x.to(dtype=rt.torch_float()) is x  # no-op conversions return self, as torch
    assert x.to(dtype=rt.torch_float(), copy=True) is not x
    assert x.to(other=torch_tensor([1])).dtype is rt.torch_long()
    assert x.to("cpu") is x
    assert torch_tensor([1, 2]).float().dtype is rt.torch_float()
    assert x.double().dtype is rt.torch_double() and x.long().dtype is rt.torch_long()
    assert x.int().dtype is rt.torch_int() and x.bool().dtype is rt.torch_bool()
    assert x.half().dtype is rt.torch_half() and x.short().dtype is rt.torch_short()
    assert x.char().dtype is rt.torch_int8() and x.byte().dtype is rt.torch_uint8()
    assert x.cpu() is x
    assert x.type_as(torch_tensor([1])).dtype is rt.torch_long()
    np.testing.assert_array_equal(arr(torch_tensor([1.7, -1.7]).long()), [1, -1])  # truncation, as C
    np.testing.assert_array_equal(arr(torch_tensor([0.0, 2.0]).bool()), [False, True])


def test_cuda_is_a_clear_error(x: Tensor) -> None:
    assert rt.cuda_is_available() is False and rt.cuda_device_count() == 0
    with pytest.raises(RuntimeError, match="CUDA is not available"):
        x.cuda()
    with pytest.raises(RuntimeError, match="device 'cuda' is not available"):
        x.to(device="cuda")
    with pytest.raises(RuntimeError, match="device 'cuda:0' is not available"):
        rt.torch_zeros(2, device="cuda:0")
    with pytest.raises(RuntimeError, match="cuda_is_available\\(\\) is FALSE"):
        rt.torch_empty(1, device=rt.torch_device("cuda"))  # the object exists (R torch's), tensors there do not


def test_as_array_and_numpy(x: Tensor) -> None:
    a = rt.as_array(x)
    assert isinstance(a, np.ndarray) and a.dtype == np.float32 and a.shape == (2, 3)
    np.testing.assert_array_equal(np.asarray(x), a)
    assert np.asarray(x, dtype=np.float64).dtype == np.float64
    with pytest.raises(TypeError, match="as_array: expected a torch_tensor"):
        rt.as_array([1, 2])


def test_to_of_requires_grad_records() -> None:
    w = torch_tensor([1.5], requires_grad=True)
    y = w.to(dtype=rt.torch_double())
    assert y.grad_fn.name == "ToCopyBackward0"
    (y * 2).sum().backward()
    assert w.grad.dtype is rt.torch_float() and w.grad.item() == 2.0
    assert not w.long().requires_grad  # integer results leave the graph


# -- views --------------------------------------------------------------------------------------------------------

def test_views_share_memory_and_version(x: Tensor) -> None:
    for v in [x.view(3, 2), x.view(-1), x.t(), x.transpose(1, 2), x.permute(c(2, 1)), x.unsqueeze(1), x[0],
              x[:, 1:], x[None], x.narrow(2, 1, 2), x.expand(4, 2, 3), x.reshape(c(3, 2)), x.flatten(),
              x.squeeze(), x.view(1, 2, 3).squeeze(1), x.diagonal(), rt.torch_split(x, 1)[0]]:
        assert np.shares_memory(arr(v), arr(x)), v.shape
        assert v._version is x._version


def test_view_writes_are_visible(x: Tensor) -> None:
    v = x.view(6)
    v[0] = 100.0
    assert arr(x)[0, 0] == 100.0
    x.t()[2, 1] = -1.0
    assert arr(x)[1, 2] == -1.0
    x[1].fill_(0.0)
    np.testing.assert_array_equal(arr(x)[1], [0.0, 0.0, 0.0])


def test_view_on_non_contiguous_errors_like_libtorch(x: Tensor) -> None:
    with pytest.raises(RuntimeError, match=r"view size is not compatible with input tensor's size and stride .* "
                                           r"Use \.reshape\(\.\.\.\) instead\."):
        x.t().view(6)
    assert x.t().view(3, 2).shape == (3, 2)  # same shape as the transposed layout is fine
    with pytest.raises(RuntimeError, match=r"shape '\[4\]' is invalid for input of size 6"):
        x.view(4)


def test_reshape_copies_only_when_it_must(x: Tensor) -> None:
    assert np.shares_memory(arr(x.reshape(c(3, 2))), arr(x))
    r = x.t().reshape(c(6))
    assert not np.shares_memory(arr(r), arr(x))
    np.testing.assert_array_equal(arr(r), [1, 4, 2, 5, 3, 6])
    assert np.shares_memory(arr(x[:, :1].reshape(c(2))), arr(x))  # strided but viewable
    with pytest.raises(RuntimeError, match=r"shape '\[4\]' is invalid for input of size 6"):
        x.reshape(c(4))


def test_expand_is_a_read_only_view() -> None:
    e = torch_tensor([[1.0], [2.0]]).expand(2, 3)
    assert e.stride() == [1, 0]
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor refers to a single "
                                           "memory location"):
        e.add_(1)


def test_view_grad_fn_names() -> None:
    w = torch_tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    assert w.view(4).grad_fn.name == "ViewBackward0"
    assert w.reshape(c(4)).grad_fn.name == "ViewBackward0"
    assert w.t().reshape(c(4)).grad_fn.name == "ReshapeAliasBackward0"
    assert w.t().grad_fn.name == "TBackward0"
    assert w.permute(c(2, 1)).grad_fn.name == "PermuteBackward0"
    assert w.expand(3, 2, 2).grad_fn.name == "ExpandBackward0"
    assert w.unsqueeze(1).grad_fn.name == "UnsqueezeBackward0"
    assert w.squeeze().grad_fn.name == "SqueezeBackward0"
    assert w.squeeze(1).grad_fn.name == "SqueezeBackward1"


# -- Python subscripts (0-based) ------------------------------------------------------------------------------

def test_getitem_basic_is_a_view_with_libtorch_names() -> None:
    w = torch_tensor(np.arange(12.0).reshape(3, 4), requires_grad=True)
    cases = [(1, "SelectBackward0", [4.0, 5.0, 6.0, 7.0]), (-1, "SelectBackward0", [8.0, 9.0, 10.0, 11.0]),
             ((1, 2), "SelectBackward0", 6.0), ((slice(1, None), 0), "SelectBackward0", [4.0, 8.0]),
             ((0, slice(1, 3)), "SliceBackward0", [1.0, 2.0]),
             ((slice(None), -1), "SelectBackward0", [3.0, 7.0, 11.0]),
             ((Ellipsis, 0), "SelectBackward0", [0.0, 4.0, 8.0]),
             ((0, None), "UnsqueezeBackward0", [[0.0, 1.0, 2.0, 3.0]])]
    for key, name, expected in cases:
        y = w[key]
        assert y.grad_fn.name == name, key
        np.testing.assert_array_equal(arr(y), expected)
        assert np.shares_memory(arr(y), arr(w))
    assert w[None].shape == (1, 3, 4)
    assert w[..., None].shape == (3, 4, 1)
    assert w[::2].shape == (2, 4)
    assert w[...].grad_fn.name == "AliasBackward0"


def test_getitem_advanced_copies() -> None:
    w = torch_tensor(np.arange(12.0).reshape(3, 4), requires_grad=True)
    m = w > 5
    y = w[m]
    assert y.grad_fn.name == "IndexBackward0" and y.shape == (6,)
    np.testing.assert_array_equal(arr(y), np.arange(6.0, 12.0))
    rows = w[torch_tensor([2, 0, 2])]  # long tensor indices are 0-based in Python subscripts
    np.testing.assert_array_equal(arr(rows)[:, 0], [8.0, 0.0, 8.0])
    assert not np.shares_memory(arr(rows), arr(w))
    np.testing.assert_array_equal(arr(w[torch_tensor([0, 2]), torch_tensor([1, 3])]), [1.0, 11.0])
    np.testing.assert_array_equal(arr(w[:, torch_tensor([3, 0])]), [[3.0, 0.0], [7.0, 4.0], [11.0, 8.0]])
    np.testing.assert_array_equal(arr(w[[0, 0]])[:, 1], [1.0, 1.0])
    np.testing.assert_array_equal(arr(w[torch_tensor([True, False, True])])[:, 0], [0.0, 8.0])
    np.testing.assert_array_equal(arr(w[torch_tensor(1)]), [4.0, 5.0, 6.0, 7.0])
    np.testing.assert_array_equal(arr(w[torch_tensor([1], dtype=rt.torch_int())]), [[4.0, 5.0, 6.0, 7.0]])


def test_getitem_errors() -> None:
    w = rt.torch_zeros(2, 3)
    with pytest.raises(IndexError, match="index 5 is out of bounds for dimension 0 with size 2"):
        w[5]
    with pytest.raises(IndexError, match="tensors used as indices must be long, int, byte or bool tensors"):
        w[torch_tensor([0.0])]
    with pytest.raises(IndexError):
        w[0, 0, 0]


def test_setitem_values_and_version() -> None:
    w = rt.torch_zeros(3, 4)
    v0 = w._version[0]
    w[0, 0] = 1.0
    w[1] = torch_tensor([1.0, 2.0, 3.0, 4.0])
    w[:, -1] = 9.0
    w[w > 3] = -1.0
    w[torch_tensor([2])] = torch_tensor([[5.0, 6.0, 7.0, 8.0]])
    w[torch_tensor([0, 1]), torch_tensor([1, 2])] = torch_tensor([10.0, 20.0])
    w[..., 0] = torch_tensor(7.0)
    np.testing.assert_array_equal(arr(w), [[7, 10, 0, -1], [7, 2, 20, -1], [7, 6, 7, 8]])
    assert w._version[0] == v0 + 7
    with pytest.raises(RuntimeError, match=r"shape mismatch: value of shape \[4\] cannot be broadcast"):
        w[:, 0] = torch_tensor([1.0, 2.0, 3.0, 4.0])
    i = torch_tensor([1, 2, 3])
    i[0] = 2.7  # assigning a float into an integer tensor truncates, as torch
    assert arr(i).tolist() == [2, 2, 3]


def test_setitem_casts_and_broadcasts() -> None:
    w = rt.torch_zeros(2, 3, dtype=rt.torch_long())
    w[0] = torch_tensor([1.9, 2.1, -3.5])
    w[1] = 4
    np.testing.assert_array_equal(arr(w), [[1, 2, -3], [4, 4, 4]])
    b = rt.torch_zeros(3, dtype=rt.torch_bool())
    b[1] = True
    assert arr(b).tolist() == [False, True, False]


def c(*v: int) -> list:
    return list(v)
