"""libtorch's error messages (core_errors.json, from PyTorch) reproduced by the core. Where R users need
another wording (1-based dims and positions, R's names), the test says what ours adds or changes."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fixture_cases import load

import rtorch_py as rt
from rtorch_py import torch_ones, torch_tensor

ERR = load("core_errors.json")


def _backward_twice() -> None:
    x = torch_ones(2, requires_grad=True)
    y = (x * x).sum()
    y.backward()
    y.backward()


def _saved_modified() -> None:
    x = torch_ones(2, requires_grad=True)
    y = x * 2
    z = y * y
    y.add_(1)
    z.sum().backward()


def _grad_unused() -> None:
    rt.autograd_grad((torch_ones(2, requires_grad=True) * 2).sum(), [torch_ones(2, requires_grad=True)])


I64 = rt.torch_long()

# key -> (call, how ours compares): "same" = libtorch's first line verbatim inside ours; a regex = ours instead
SAME = "same"
CASES: dict[str, tuple[Callable[[], object], str]] = {
    "add_shape": (lambda: torch_ones(2, 3) + torch_ones(4), SAME),
    "mm_shape": (lambda: rt.torch_mm(torch_ones(2, 3), torch_ones(4, 5)), SAME),
    "matmul_0d": (lambda: rt.torch_matmul(torch_tensor(1.0), torch_ones(3)), SAME),
    "implicit_grad": (lambda: (torch_ones(2, requires_grad=True) * 2).backward(), SAME),
    "no_grad_fn": (lambda: torch_ones(2).sum().backward(), SAME),
    "backward_twice": (_backward_twice, SAME),
    "leaf_inplace": (lambda: torch_ones(2, requires_grad=True).add_(1), SAME),
    # libtorch names the tensor ([torch.FloatTensor [2]]) and its op; ours names the array
    "saved_modified": (_saved_modified, r"^one of the variables needed for gradient computation has been modified "
                                        r"by an inplace operation: .* is at version 1; expected version 0 instead"),
    "view_noncontig": (lambda: torch_ones(2, 3).t().view(6), SAME),
    "view_size": (lambda: torch_ones(2, 3).view(4), SAME),
    "reshape_size": (lambda: torch_ones(2, 3).reshape(4), SAME),
    "int_requires_grad": (lambda: torch_ones(2, dtype=I64).requires_grad_(), SAME),
    "item_many": (lambda: torch_ones(2).item(), SAME),
    "bool_many": (lambda: bool(torch_ones(2)), SAME),
    "expand": (lambda: torch_ones(3).expand(2, 4), SAME),
    # libtorch prints torch.FloatTensor{[2, 3]}; ours the R type name
    "expand_fewer": (lambda: torch_ones(2, 3).expand(3), r"the number of sizes provided \(1\) must be greater or "
                                                         r"equal to the number of dimensions in the tensor \(2\)"),
    # R: the dim and the tensor's position are 1-based
    "cat_shape": (lambda: rt.torch_cat([torch_ones(2, 3), torch_ones(2, 4)], 1),
                  r"Sizes of tensors must match except in dimension 1\. Expected size 3 but got size 4 for tensor "
                  r"number 2 in the list\."),
    "stack_shape": (lambda: rt.torch_stack([torch_ones(2, 3), torch_ones(2, 4)]),
                    r"stack expects each tensor to be equal size, but got \[2, 3\] at entry 1 and \[2, 4\] at "
                    r"entry 2"),
    "repeat_fewer": (lambda: torch_ones(2, 3).repeat(2), SAME),
    "sub_bool": (lambda: torch_ones(2, dtype=rt.torch_bool()) - torch_ones(2, dtype=rt.torch_bool()), SAME),
    "pow_int_neg": (lambda: torch_tensor([2, 3]) ** -1, SAME),
    "mean_int": (lambda: torch_tensor([2, 3]).mean(), SAME),
    "where_cond": (lambda: rt.torch_where(torch_ones(2), torch_ones(2), torch_ones(2)), SAME),
    # libtorch prints the mask dtype as "float", ours as the dtype's name
    "masked_fill_mask": (lambda: torch_ones(2).masked_fill(torch_ones(2), 1.0),
                         r"masked_fill_ only supports boolean masks, but got mask with dtype Float"),
    # R torch accepts whole-number doubles as index tensors (R's numbers are doubles); other dtypes error
    "gather_dtype": (lambda: rt.torch_gather(torch_ones(2, 2), 1, torch_ones(2, 2, dtype=rt.torch_bool())),
                     r"gather\(\): Expected dtype int64 for index"),
    "topk_k": (lambda: rt.torch_topk(torch_ones(3), 4), SAME),
    # R's function name
    "clamp_none": (lambda: rt.torch_clamp(torch_ones(2)), r"torch_clamp: At least one of 'min' or 'max' must not "
                                                          r"be None"),
    "inplace_cast": (lambda: torch_ones(2, dtype=I64).add_(1.5), SAME),
    "inplace_shape": (lambda: torch_ones(3).add_(torch_ones(2, 3)), SAME),
    "requires_grad_nonleaf": (lambda: (torch_ones(2, requires_grad=True) * 2).requires_grad_(False),
                              r"you can only change requires_grad flags of leaf variables\. If you want to use a "
                              r"computed variable in a subgraph that doesn't require differentiation use "
                              r"var_no_grad = var\$detach\(\)\."),
    # R: 1-based input position and TRUE
    "grad_unused": (_grad_unused, r"One of the differentiated Tensors \(input 1\) appears to not have been used in "
                                  r"the graph\. Set allow_unused=TRUE if this is the desired behavior\."),
    "grad_shape": (lambda: (torch_ones(2, requires_grad=True) * 2).backward(torch_ones(3)),
                   r"Mismatch in shape: grad_output\[0\] has a shape of \[3\] and output\[0\] has a shape of \[2\]"),
    "dot_dims": (lambda: rt.torch_dot(torch_ones(2, 2), torch_ones(2)), SAME),
    "bmm_dims": (lambda: rt.torch_bmm(torch_ones(2, 2), torch_ones(2, 2)), SAME),
    "t_dims": (lambda: torch_ones(2, 2, 2).t(), SAME),
    "numpy_grad": (lambda: torch_ones(2, requires_grad=True).numpy(), r"Can't call numpy\(\) on Tensor that "
                                                                       r"requires grad"),
    "div_mode": (lambda: rt.torch_div(torch_ones(2), 2, rounding_mode="up"),
                 r"div expected rounding_mode to be one of NULL, 'trunc', or 'floor' but found 'up'"),
    "int_div_zero": (lambda: rt.torch_div(torch_tensor([1]), torch_tensor([0]), rounding_mode="floor"), SAME),
    "flatten_args": (lambda: torch_ones(2, 3, 4).flatten(3, 2), SAME),
    "chunk_zero": (lambda: torch_ones(3).chunk(0), SAME),
    "split_sizes": (lambda: torch_ones(5).split([2, 2]),
                    r"split_with_sizes expects split_sizes to sum exactly to 5 \(input tensor's size at dimension "
                    r"1\), but got split_sizes=\[2, 2\]"),
    # R: start is 1-based (start 4 is libtorch's 3)
    "narrow_range": (lambda: torch_ones(5).narrow(1, 4, 3), r"start \(4\) \+ length \(3\) exceeds dimension size "
                                                           r"\(5\)\."),
    "max_empty": (lambda: rt.torch_max(torch_ones(0)), SAME),
}


def test_every_fixture_error_is_covered() -> None:
    assert set(CASES) == set(ERR)


@pytest.mark.parametrize("key", sorted(CASES))
def test_error_message(key: str) -> None:
    call, how = CASES[key]
    with pytest.raises((RuntimeError, IndexError, ValueError, TypeError)) as info:
        call()
    msg = str(info.value)
    if how == SAME:
        assert ERR[key] in msg, f"libtorch: {ERR[key]!r}\nours:     {msg!r}"
    else:
        assert re.search(how, msg), f"ours: {msg!r}"
