"""The module system: generators, registration, R torch's names and order, containers, state dicts,
train/eval, conversion, printing exactly as R torch, and training a module defined with nn_module()."""

from __future__ import annotations

import numpy as np
import pytest

import rtorch_py as rt
from rtorch_py import nn_module, nn_parameter, torch_manual_seed, torch_ones, torch_randn, torch_tensor

RULE = "─"


def rule(label: str) -> str:
    return f"{RULE * 2} {label} " + RULE * (80 - len(label) - 4)


# -- generators --------------------------------------------------------------------------------------------------

def _net_generator() -> type:
    def initialize(self, n_in: int, n_hidden: int) -> None:
        self.fc1 = rt.nn_linear(n_in, n_hidden)
        self.fc2 = rt.nn_linear(n_hidden, 1)

    def forward(self, x: rt.Tensor) -> rt.Tensor:
        return self.fc2(rt.nnf_relu(self.fc1(x)))

    def n_layers(self) -> int:
        return len(self.children)

    return nn_module("Net", initialize=initialize, forward=forward, n_layers=n_layers)


def test_nn_module_generator_builds_callable_modules() -> None:
    Net = _net_generator()
    torch_manual_seed(1)
    model = Net(3, 4)
    assert isinstance(model, rt.nn_Module) and rt.is_nn_module(model) and not rt.is_nn_module(Net)
    assert model._classname == "Net"
    y = model(torch_randn(5, 3))
    assert y.shape == (5, 1) and y.requires_grad
    assert model.n_layers() == 2
    assert model.parameters.names() == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    # same seed, same weights as building the layers directly (libtorch's draw order)
    torch_manual_seed(1)
    fc1 = rt.nn_linear(3, 4)
    assert np.array_equal(model.fc1.weight._data, fc1.weight._data)


def test_nn_module_without_classname_and_default_forward() -> None:
    Gen = nn_module(initialize=lambda self: setattr(self, "w", nn_parameter(torch_ones(2))))
    m = Gen()
    assert m._classname == "nn_module"
    with pytest.raises(NotImplementedError, match="Forward method is not implemented"):
        m(torch_ones(2))


def test_inherit_and_super() -> None:
    Base = nn_module(
        "Base",
        initialize=lambda self, n: setattr(self, "fc", rt.nn_linear(n, n)),
        forward=lambda self, x: self.fc(x),
    )

    def initialize(self, n: int) -> None:
        self.super.initialize(n)  # R: super$initialize(n)
        self.scale = nn_parameter(torch_ones(1) * 2)

    def forward(self, x: rt.Tensor) -> rt.Tensor:
        return self.super.forward(x) * self.scale

    Child = nn_module("Child", inherit=Base, initialize=initialize, forward=forward)
    GrandChild = nn_module("GrandChild", inherit=Child,
                           forward=lambda self, x: self.super.forward(x) + 1)
    m = GrandChild(2)
    assert isinstance(m, Base) and isinstance(m, Child)
    assert m.parameters.names() == ["fc.weight", "fc.bias", "scale"]  # children first, then own (R torch)
    x = torch_randn(3, 2)
    np.testing.assert_allclose(m(x)._data, (m.fc(x) * 2 + 1)._data, rtol=1e-6)
    # an anonymous generator inheriting a named one keeps the parent's class name, as R
    assert nn_module(inherit=rt.nn_linear)(2, 2)._classname == "nn_linear"


def test_python_subclassing_with_super() -> None:
    class Scaled(rt.nn_linear):
        def initialize(self, n_in: int, n_out: int, factor: float) -> None:
            super().initialize(n_in, n_out)
            self.factor = factor

        def forward(self, x: rt.Tensor) -> rt.Tensor:
            return super().forward(x) * self.factor

    m = Scaled(2, 3, 10.0)
    x = torch_randn(4, 2)
    np.testing.assert_allclose(m(x)._data, rt.nnf_linear(x, m.weight, m.bias)._data * 10, rtol=1e-6)
    assert m._classname == "Scaled"


def test_active_and_private_members() -> None:
    Gen = nn_module("G", initialize=lambda self: setattr(self, "_n", 2),
                    active={"double_n": lambda self: self._n * 2},
                    private={"helper": lambda self: self._n + 1})
    g = Gen()
    assert g.double_n == 4 and g.private.helper() == 3  # R6: private members are private$helper


# -- registration ------------------------------------------------------------------------------------------------

def _mixed() -> rt.nn_Module:
    def initialize(self) -> None:
        self.w = nn_parameter(torch_ones(2))
        self.fc = rt.nn_linear(2, 3)
        self.stats = rt.nn_buffer(torch_ones(3))
        self.tmp = rt.nn_buffer(torch_ones(1), persistent=False)
        self.bn = rt.nn_batch_norm1d(3)

    return nn_module("Mixed", initialize=initialize)()


def test_parameter_and_state_dict_order_follow_r_torch() -> None:
    m = _mixed()
    assert m.parameters.names() == ["fc.weight", "fc.bias", "bn.weight", "bn.bias", "w"]
    assert list(m.named_parameters(recursive=False)) == ["w"]
    assert m.buffers.names() == ["bn.running_mean", "bn.running_var", "bn.num_batches_tracked", "stats", "tmp"]
    assert list(m.state_dict()) == ["w", "stats", "fc.weight", "fc.bias", "bn.weight", "bn.bias",
                                    "bn.running_mean", "bn.running_var", "bn.num_batches_tracked"]
    assert list(m.children) == ["fc", "bn"] and list(m.named_children()) == ["fc", "bn"]
    assert [x._classname for x in m.modules] == ["Mixed", "nn_linear", "nn_batch_norm1d"]
    sd = m.state_dict()
    assert sd["w"].requires_grad and sd["w"].is_leaf and sd["w"] is not m.w
    assert np.shares_memory(sd["w"]._data, m.w._data)


def test_sequential_names_and_shared_parameters() -> None:
    lin = rt.nn_linear(2, 2)
    model = rt.nn_sequential(lin, rt.nn_relu(), lin)
    assert model.parameters.names() == ["0.weight", "0.bias"]  # a shared layer counts once
    assert len(model) == 3
    assert model[0] is lin and model[-1] is lin
    sub = model[0:2]
    assert isinstance(sub, rt.nn_sequential) and len(sub) == 2
    assert model["1"] is model[1]
    assert rt.nn_sequential(rt.nn_linear(3, 32), rt.nn_relu(), rt.nn_linear(32, 1)).parameters.names() == \
        ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_assignment_rules() -> None:
    m = rt.nn_linear(2, 2)
    with pytest.raises(TypeError, match="cannot assign a plain tensor as parameter 'weight'"):
        m.weight = torch_ones(2, 2)
    m.bias = None  # removes the parameter
    assert m.parameters.names() == ["weight"] and m.bias is None
    m.weight = nn_parameter(torch_ones(2, 2))
    assert np.array_equal(m.parameters["weight"]._data, np.ones((2, 2)))
    bn = rt.nn_batch_norm1d(2)
    bn.running_mean = torch_ones(2)  # a tensor for a buffer name stays a buffer
    assert np.array_equal(bn.buffers["running_mean"]._data, [1, 1])
    m.extra = rt.nn_relu()
    assert list(m.children) == ["extra"]
    m.extra = 3  # replacing a module by a plain value unregisters it
    assert list(m.children) == [] and m.extra == 3
    del m.weight
    assert m.parameters.names() == []
    with pytest.raises(RuntimeError, match="not possible to modify the parameters list"):
        m.parameters = {}
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        _ = m.nope
    with pytest.raises(TypeError, match="Module \"x\" must be initialized"):
        m.add_module("x", rt.nn_relu)
    with pytest.raises(TypeError, match="Expected <nn_module> but got object of type <int>"):
        m.add_module("x", 1)
    with pytest.raises(TypeError, match="nn_parameter: argument 'x' must be a torch_tensor"):
        nn_parameter([1, 2])


def test_nn_parameter_and_buffer_marks() -> None:
    t = torch_ones(2)
    p = nn_parameter(t)
    assert p is t and rt.is_nn_parameter(p) and p.requires_grad
    nonleaf = torch_ones(2, requires_grad=True) * 2
    p2 = nn_parameter(nonleaf)
    assert p2.is_leaf and rt.is_nn_parameter(p2)
    b = rt.nn_buffer(torch_ones(1))
    assert rt.is_nn_buffer(b) and not rt.is_nn_buffer(torch_ones(1))


# -- containers -------------------------------------------------------------------------------------------------

def test_module_list_and_dict() -> None:
    layers = rt.nn_module_list([rt.nn_linear(2, 2), rt.nn_linear(2, 3)])
    layers.append(rt.nn_relu())
    layers.insert(1, rt.nn_tanh())  # R's 1-based position: first
    assert [m._classname for m in layers] == ["nn_tanh", "nn_linear", "nn_linear", "nn_relu"]
    assert layers.parameters.names() == ["1.weight", "1.bias", "2.weight", "2.bias"]
    layers.extend([rt.nn_identity()])
    assert len(layers) == 5
    d = rt.nn_module_dict({"l1": rt.nn_linear(2, 3), "l2": rt.nn_linear(3, 1)})
    assert d["l1"] is d.l1 and list(d) == ["l1", "l2"] and "l2" in d
    assert d.parameters.names() == ["l1.weight", "l1.bias", "l2.weight", "l2.bias"]
    with pytest.raises(ValueError, match="must be named"):
        rt.nn_module_dict({"": rt.nn_relu()})
    outer = nn_module("Outer", initialize=lambda self: setattr(self, "d", d))()
    assert "• d: <nn_module> #13 parameters" in repr(outer)


# -- state dict ------------------------------------------------------------------------------------------------------

def test_state_dict_round_trip() -> None:
    Net = _net_generator()
    torch_manual_seed(1)
    a = Net(3, 4)
    torch_manual_seed(2)
    b = Net(3, 4)
    x = torch_randn(2, 3)
    assert not np.allclose(a(x)._data, b(x)._data)
    out = b.load_state_dict(a.state_dict())
    assert out is b
    np.testing.assert_array_equal(a(x)._data, b(x)._data)
    assert b.fc1.weight.is_leaf and b.fc1.weight.requires_grad  # copied in place, still parameters
    bn_a, bn_b = rt.nn_batch_norm1d(3), rt.nn_batch_norm1d(3)
    bn_a(torch_randn(6, 3))
    bn_b.load_state_dict(bn_a.state_dict())
    np.testing.assert_array_equal(bn_b.running_mean._data, bn_a.running_mean._data)
    assert int(bn_b.num_batches_tracked.item()) == 1


def test_load_state_dict_errors() -> None:
    m = rt.nn_linear(2, 3)
    sd = m.state_dict()
    del sd["bias"]
    with pytest.raises(ValueError, match="Could not find bias in the state_dict") as e:
        m.load_state_dict(sd)
    assert 'Missing key(s) in state_dict: "bias"' in str(e.value)
    sd2 = dict(m.state_dict(), extra=torch_ones(1))
    with pytest.raises(ValueError, match='Unexpected key\\(s\\) in state_dict: "extra"'):
        m.load_state_dict(sd2)
    m.load_state_dict(sd, strict=False)  # skips what is missing
    bad = dict(m.state_dict(), weight=torch_ones(3, 3))
    with pytest.raises(RuntimeError, match=r"size mismatch for weight: copying a param with shape \[3, 3\] from "
                                           r"checkpoint, the shape in current model is \[3, 2\]"):
        m.load_state_dict(bad)
    with pytest.raises(TypeError, match="must be a named list"):
        m.load_state_dict([1, 2])


# -- modes, gradients, conversion -----------------------------------------------------------------------------------

def test_train_eval_propagate() -> None:
    model = rt.nn_sequential(rt.nn_linear(2, 2), rt.nn_dropout(0.5), rt.nn_batch_norm1d(2))
    assert model.training and all(m.training for m in model.modules)
    assert model.eval() is model
    assert not any(m.training for m in model.modules)
    x = torch_randn(4, 2)
    np.testing.assert_array_equal(model(x)._data, model(x)._data)  # deterministic in eval mode
    model.train()
    assert all(m.training for m in model.modules)
    with pytest.raises(ValueError, match="Field `training` must be a logical flag"):
        model.training = "yes"


def test_zero_grad_apply_and_to() -> None:
    m = rt.nn_sequential(rt.nn_linear(2, 3), rt.nn_linear(3, 1))
    m(torch_randn(4, 2)).sum().backward()
    assert all(p.grad is not None and p.grad._data.any() for p in m.parameters.values())
    m.zero_grad()
    assert all(not p.grad._data.any() for p in m.parameters.values())
    seen = []
    assert m.apply(lambda mod: seen.append(mod._classname)) is m
    assert seen == ["nn_linear", "nn_linear", "nn_sequential"]
    m.apply(lambda mod: rt.nn_init_zeros_(mod.weight) if isinstance(mod, rt.nn_linear) else None)
    assert not m[0].weight._data.any()
    d = m.to(dtype=rt.torch_float64())
    assert d is m
    assert all(p.dtype == rt.torch_float64() and rt.is_nn_parameter(p) and p.requires_grad
               for p in m.parameters.values())
    assert m[0].weight.grad.dtype == rt.torch_float64()
    assert m(torch_randn(2, 2, dtype=rt.torch_float64())).dtype == rt.torch_float64()
    bn = rt.nn_batch_norm1d(2).to(dtype="float64")
    assert bn.running_mean.dtype == rt.torch_float64() and bn.num_batches_tracked.dtype == rt.torch_long()
    with pytest.raises(ValueError, match="only accepts floating point dtypes"):
        m.to(dtype=rt.torch_long())
    with pytest.raises(RuntimeError, match="CUDA is not available"):
        m.cuda()


def test_clone() -> None:
    lin = rt.nn_linear(2, 2)
    model = rt.nn_sequential(lin, rt.nn_relu(), lin, rt.nn_batch_norm1d(2))
    model(torch_randn(4, 2)).sum().backward()
    deep = model.clone(deep=True)
    assert deep is not model and deep[0] is not lin and deep[0] is deep[2]  # sharing preserved
    p, q = model.parameters, deep.parameters
    assert p.names() == q.names()
    for k in p.names():
        assert q[k] is not p[k] and np.array_equal(q[k]._data, p[k]._data)
        assert q[k].requires_grad and q[k].is_leaf and q[k].grad is None and rt.is_nn_parameter(q[k])
    with rt.with_no_grad():
        deep[0].weight.add_(1)
    assert not np.array_equal(deep[0].weight._data, lin.weight._data)
    x = torch_randn(3, 2)
    assert deep.eval()(x).shape == (3, 2) and model.training
    shallow = model.clone()
    assert shallow[0] is lin and shallow.parameters["0.weight"] is lin.weight
    shallow.add_module("extra", rt.nn_relu())
    assert "extra" not in model.children


def test_grad_fn_names_follow_libtorch() -> None:
    x = torch_randn(2, 3, 5, 5, requires_grad=True)
    assert rt.nn_linear(5, 2)(torch_randn(4, 5)).grad_fn.name == "AddmmBackward0"
    assert rt.nn_conv2d(3, 2, 3)(x).grad_fn.name == "ConvolutionBackward0"
    assert rt.nnf_max_pool2d(x, 2).grad_fn.name == "MaxPool2DWithIndicesBackward0"
    assert rt.nnf_pad(x, [1, 1]).grad_fn.name == "ConstantPadNdBackward0"
    assert rt.nnf_relu6(x).grad_fn.name == "HardtanhBackward0"
    assert rt.nn_embedding(4, 2)(torch_tensor([1, 2])).grad_fn.name == "EmbeddingBackward0"


# -- printing ---------------------------------------------------------------------------------------------------------

def test_print_sequential_as_r_torch() -> None:
    model = rt.nn_sequential(rt.nn_linear(3, 32), rt.nn_relu(), rt.nn_linear(32, 1))
    assert repr(model) == "\n".join([
        "An `nn_module` containing 161 parameters.",
        "",
        rule("Modules"),
        "• 0: <nn_linear> #128 parameters",
        "• 1: <nn_relu> #0 parameters",
        "• 2: <nn_linear> #33 parameters",
    ])
    assert len(rule("Modules")) == 80


def test_print_parameters_and_buffers() -> None:
    assert str(rt.nn_linear(3, 1)) == "\n".join([
        "An `nn_module` containing 4 parameters.",
        "",
        rule("Parameters"),
        "• weight: Float [1:1, 1:3]",
        "• bias: Float [1:1]",
    ])
    assert repr(rt.nn_batch_norm2d(4)) == "\n".join([
        "An `nn_module` containing 8 parameters.",
        "",
        rule("Parameters"),
        "• weight: Float [1:4]",
        "• bias: Float [1:4]",
        "",
        rule("Buffers"),
        "• running_mean: Float [1:4]",
        "• running_var: Float [1:4]",
        "• num_batches_tracked: Long [1:]",
    ])
    assert repr(rt.nn_relu()) == "An `nn_module` containing 0 parameters."
    assert repr(rt.nn_linear(100, 100)).startswith("An `nn_module` containing 10,100 parameters.")


def test_print_custom_module_with_own_parameters_and_width() -> None:
    m = _mixed()
    text = repr(m).split("\n")
    assert text[0] == "An `nn_module` containing 17 parameters."
    assert text[2:5] == [rule("Modules"), "• fc: <nn_linear> #9 parameters", "• bn: <nn_batch_norm1d> #6 parameters"]
    assert text[6:8] == [rule("Parameters"), "• w: Float [1:2]"]
    assert text[9:] == [rule("Buffers"), "• stats: Float [1:3]", "• tmp: Float [1:1]"]
    rt.nn_module_print_width.width = 40
    try:
        assert repr(rt.nn_relu6()) == "An `nn_module` containing 0 parameters."
        assert repr(rt.nn_linear(1, 1)).split("\n")[2] == "── Parameters " + RULE * 26
    finally:
        rt.nn_module_print_width.width = 80


# -- training --------------------------------------------------------------------------------------------------------

def _data() -> tuple[rt.Tensor, rt.Tensor]:
    torch_manual_seed(42)
    x = torch_randn(100, 3)
    w = torch_tensor([[0.2], [-1.3], [-0.5]])
    y = x.matmul(w) + torch_randn(100, 1) * 0.1
    return x, y


def test_nn_module_trains_with_plain_sgd() -> None:
    x, y = _data()
    Net = _net_generator()
    model = Net(3, 16)
    losses = []
    for _ in range(60):
        loss = ((model(x) - y) ** 2).mean()
        losses.append(loss.item())
        model.zero_grad()
        loss.backward()
        with rt.with_no_grad():
            for p in model.parameters.values():
                p.sub_(p.grad * 0.1)
    assert losses[-1] < 0.2 * losses[0]


@pytest.mark.skipif(not (hasattr(rt, "optim_adam") and hasattr(rt, "nnf_mse_loss")),
                    reason="optimizers / losses not available")
def test_nn_module_trains_in_the_seed_loop() -> None:
    x, y = _data()
    Net = _net_generator()
    model = Net(3, 32)
    optimizer = rt.optim_adam(model.parameters, lr=0.08)
    losses = []
    for _ in range(50):
        loss = rt.nnf_mse_loss(model(x), y, reduction="sum")
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert losses[-1] < 0.1 * losses[0]
