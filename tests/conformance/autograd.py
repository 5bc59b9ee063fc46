"""Expected values of tests/conformance/autograd.R: ``expect()`` gives one entry per emitted name, in the script's
order (tests/bridge/test_conformance.py runs the script both ways and compares)."""

from __future__ import annotations

from typing import Any

from conformance_util import LIST, NULL, TLIST, E, L, P, S, T

import rtorch_py as rt


def expect() -> dict[str, Any]:
    out: dict[str, Any] = {}
    rt.torch_manual_seed(4)
    x = rt.torch_randn(3, 2, requires_grad=True)
    w = rt.torch_randn(2, requires_grad=True)
    y = (x * w).sum()
    y.backward()
    out["grad_x"] = T(x.grad)
    out["grad_w"] = T(w.grad)
    z = (x ** 2.0 * w).mean()
    z.backward(retain_graph=True)
    out["grad_x_accumulated"] = T(x.grad)
    z.backward()
    out["grad_x_twice"] = T(x.grad)
    x.grad.zero_()
    out["grad_zeroed"] = T(x.grad)
    (x.sum() * 3.0).backward()
    out["grad_after_zero"] = T(x.grad)
    out["fields"] = LIST(L(x.requires_grad), L(x.is_leaf), L(y.is_leaf), L(y.requires_grad),
                         L(x.grad.requires_grad))
    out["backward_again"] = E(lambda: y.backward())
    out["backward_nonscalar"] = E(lambda: (x * 2.0).backward())
    (x * 2.0).backward(gradient=rt.torch_ones(3, 2) * 0.5)
    out["grad_with_gradient"] = T(x.grad)

    a = rt.torch_tensor([1.5, -2, 3], requires_grad=True)
    b = rt.torch_tensor([0.5, 4, -1], requires_grad=True)
    g = rt.autograd_grad((a ** 3.0 * b).sum(), [a, b], create_graph=True)
    out["autograd_grad"] = TLIST(g)
    out["second_order"] = TLIST(rt.autograd_grad(g[0].sum(), a))
    unused = rt.autograd_grad((a * 2.0).sum(), [a, b], allow_unused=True)
    out["allow_unused"] = LIST(T(unused[0]), NULL if unused[1] is None else T(unused[1]))
    out["grad_outputs"] = TLIST(rt.autograd_grad(a * b, a, grad_outputs=rt.torch_tensor([1.0, 0, -1])))
    out["a_grad_untouched"] = NULL if a.grad is None else T(a.grad)
    rt.autograd_backward([(a * b).sum(), (a ** 2.0).sum()])
    out["autograd_backward"] = TLIST([a.grad, b.grad])
    rt.autograd_backward(a * b, grad_tensors=rt.torch_tensor([2.0, 2, 2]))
    out["autograd_backward_weighted"] = T(a.grad)
    out["grad_unused"] = E(lambda: rt.autograd_grad((a * 2.0).sum(), [a, b]))

    def exp_forward(ctx: Any, i: rt.Tensor) -> rt.Tensor:
        result = i.exp()
        ctx.save_for_backward(result=result)
        return result

    def mul_forward(ctx: Any, p: rt.Tensor, q: rt.Tensor, k: float) -> rt.Tensor:
        ctx.save_for_backward(p, q)
        ctx.k = k
        return p * q * k

    def mul_backward(ctx: Any, grad: rt.Tensor) -> dict:
        s = ctx.saved_variables
        return {"p": grad * s[1] * ctx.k, "q": grad * s[0] * ctx.k}

    my_exp = rt.autograd_function(exp_forward, lambda ctx, go: {"i": go * ctx.saved_variables["result"]})
    scaled_mul = rt.autograd_function(mul_forward, mul_backward)
    p = rt.torch_tensor([0.1, 0.2, -0.3], requires_grad=True)
    q = rt.torch_tensor([2.0, -1, 0.5], requires_grad=True)
    e = my_exp(p)
    out["custom_forward"] = T(e)
    e.sum().backward()
    out["custom_grad"] = T(p.grad)
    r = scaled_mul(p, q, 3.0)
    (r ** 2.0).sum().backward()
    out["custom_two_inputs"] = TLIST([r, p.grad, q.grad])

    with rt.local_no_grad():
        nx = x * 2.0
    out["with_no_grad"] = LIST(L(nx.requires_grad), NULL if nx.grad_fn is None else {"r": "object"})
    with rt.local_no_grad():
        x.sub_(x.grad * 0.1)
    out["sgd_by_hand"] = LIST(T(x), L(x.requires_grad), L(x.is_leaf))
    with rt.local_no_grad():
        inside = (x * 2.0).requires_grad
    out["local_no_grad"] = L(inside, (x * 2.0).requires_grad)
    with rt.local_no_grad(), rt.local_enable_grad():
        out["with_enable_grad"] = L((x * 2.0).requires_grad)
    d = x.detach()
    out["detach"] = LIST(L(d.requires_grad), L(d.is_leaf))
    out["inplace_on_leaf"] = E(lambda: x.add_(1.0))

    h = x.mm(w.unsqueeze(2))
    h.retain_grad()
    out["retain_grad_invisible"] = L(False)
    seen = []

    def hook(grad: rt.Tensor) -> rt.Tensor:
        seen.append(grad.clone())
        return grad * 2.0

    handle = h.register_hook(hook)
    out["hook_handle"] = LIST(S("torch_hook", "py_object"), P(handle))
    x.grad.zero_()
    w.grad = None
    (h ** 2.0).sum().backward()
    out["retained"] = T(h.grad)
    out["hook_saw"] = TLIST(seen)
    out["grad_through_hook"] = TLIST([x.grad, w.grad])
    leaf = rt.torch_tensor([1.0, 2], requires_grad=True)
    leaf_hook = leaf.register_hook(lambda g: g + 100.0)
    (leaf * 3.0).sum().backward()
    out["leaf_hook"] = T(leaf.grad)
    leaf_hook.remove()
    (leaf * 3.0).sum().backward()
    out["leaf_hook_removed"] = T(leaf.grad)
    return out
