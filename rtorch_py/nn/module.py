"""The module system, R torch's way: ``nn_Module`` (the base class), ``nn_module()`` (a generator from
functions taking ``self``), ``nn_parameter`` / ``nn_buffer`` marks, and the containers ``nn_sequential``,
``nn_module_list`` and ``nn_module_dict``.

Assigning a parameter, buffer or module to an attribute registers it, in assignment order. ``parameters`` and
``buffers`` follow R torch's order (every child's entries first, then the module's own); ``state_dict()``
follows R torch's too (own parameters, own persistent buffers, then each child). Printing reproduces R torch's
``print.nn_module`` text.
"""

from __future__ import annotations

import copy
import weakref
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from .. import _check
from .._core.autograd import no_grad
from .._core.dtype import as_dtype, cast_array
from .._core.meta import is_meta, meta_array
from .._core.tensor import Tensor
from .._r6 import R6, r6_class
from ..creation import check_device

__all__ = [
    "nn_Module", "nn_module", "nn_parameter", "nn_buffer", "is_nn_module", "is_nn_parameter", "is_nn_buffer",
    "nn_sequential", "nn_module_list", "nn_module_dict", "nn_module_print_width", "clone_module",
]

# -- marks -----------------------------------------------------------------------------------------------------

# Tensor has __slots__, so a buffer mark cannot live on the tensor: keep it here, keyed by id and guarded by a
# weak reference (the entry disappears with the tensor; a reused id never matches a dead reference).
_BUFFER_MARKS: dict[int, tuple[weakref.ref, bool]] = {}


def _forget_mark(key: int) -> Callable[[weakref.ref], None]:
    def drop(_ref: weakref.ref) -> None:
        _BUFFER_MARKS.pop(key, None)

    return drop


def layer_tensor(shape: tuple[int, ...], fill: float | None = None, dtype: Any = np.float32) -> Tensor:
    """THE storage of a layer's new parameter or buffer: ``shape`` uninitialised (``fill=None``: the layer's
    ``reset_parameters`` fills it) or filled with ``fill``, on the default device, as R torch's layers make
    theirs with ``torch_empty``/``torch_ones``: inside ``with_device(device = "meta", ...)`` a meta tensor
    (shape and dtype, no data; the ``nn_init_*`` functions leave it alone and draw nothing).

    Example:
        >>> layer_tensor((2, 3)).shape, with_device(lambda: layer_tensor((2,), 1.0), device = "meta").device
        ((2, 3), torch_device(type='meta'))
    """
    shape = tuple(int(s) for s in shape)
    if check_device(None) == "meta":
        return Tensor._wrap(meta_array(shape, dtype))
    return Tensor._wrap(np.empty(shape, dtype) if fill is None else np.full(shape, fill, dtype))


def nn_parameter(x: Tensor, requires_grad: bool = True) -> Tensor:
    """Mark ``x`` as a parameter: assigned to a module attribute, it is registered as one.

    The tensor itself is marked and returned (a non-leaf is detached first, as a parameter must be a leaf).

    Example:
        >>> w = nn_parameter(torch_randn(3, 2))
        >>> w.requires_grad
        True
    """
    _check.tensor(x, "nn_parameter", "x")
    if x._grad_fn is not None:
        x = x.detach()
    x.requires_grad_(bool(requires_grad))
    x._is_param = True
    return x


def nn_buffer(x: Tensor, persistent: bool = True) -> Tensor:
    """Mark ``x`` as a buffer (state that is not trained, e.g. running statistics); returns ``x`` itself.

    Non-persistent buffers are left out of ``state_dict()``.

    Example:
        >>> m = nn_module(initialize=lambda self: setattr(self, "count", nn_buffer(torch_zeros(1))))()
        >>> m.buffers.names()
        ['count']
    """
    _check.tensor(x, "nn_buffer", "x")
    key = id(x)
    _BUFFER_MARKS[key] = (weakref.ref(x, _forget_mark(key)), bool(persistent))
    return x


def _buffer_mark(x: Tensor) -> bool | None:
    """The persistence of a tensor marked by nn_buffer, or None when unmarked."""
    entry = _BUFFER_MARKS.get(id(x))
    if entry is not None and entry[0]() is x:
        return entry[1]
    return None


def is_nn_parameter(x: Any) -> bool:
    """Whether ``x`` is a tensor marked with ``nn_parameter``."""
    return isinstance(x, Tensor) and x._is_param


def is_nn_buffer(x: Any) -> bool:
    """Whether ``x`` is a tensor marked with ``nn_buffer``."""
    return isinstance(x, Tensor) and _buffer_mark(x) is not None


def clone_module(module: Any, deep: bool = False) -> Any:
    """A copy of ``module`` (``module$clone(deep = deep)``): shallow shares tensors and submodules, deep copies
    them.

    Example:
        >>> a = nn_linear(2, 2); clone_module(a, deep=True).weight is a.weight
        False
    """
    if not isinstance(module, nn_Module):
        raise TypeError(f"clone_module: `module` must be an nn_module, got {type(module).__name__}")
    return module.clone(deep=bool(deep))


def is_nn_module(x: Any) -> bool:
    """Whether ``x`` is a module instance (not a generator)."""
    return isinstance(x, nn_Module)


# -- printing ----------------------------------------------------------------------------------------------------

class NamedTensors(dict):
    """R's named list of tensors (``model$parameters``, ``model$buffers``) for Python: iterating yields the
    tensors (as ``for (p in model$parameters)`` does in R), ``[name]`` indexes by name, ``names()``/``keys()``/
    ``items()`` give the names; calling it returns itself, so PyTorch's ``model.parameters()`` habit works.

    Example:
        >>> p = nn_linear(3, 2).parameters
        >>> p.names(), sum(t.numel() for t in p()), tuple(p["weight"].shape)
        (['weight', 'bias'], 8, (2, 3))
    """

    __slots__ = ()

    def __iter__(self) -> Iterator[Tensor]:
        return iter(self.values())

    def __call__(self) -> NamedTensors:
        return self

    def names(self) -> list[str]:
        """The names, in order (R's ``names()``)."""
        return list(self.keys())

    def __repr__(self) -> str:
        return f"NamedTensors({dict.__repr__(self)})"


class nn_module_print_width:  # noqa: N801
    """Console width for ``print(module)``'s rules (R: ``cli::console_width()``, 80 by default)."""

    width = 80


def _comma(n: int) -> str:
    return f"{n:,}"


def _rule(label: str) -> str:
    # cli::cat_rule(left): two rule characters, the label between spaces, rule characters to the width.
    return "──" + " " + label + " " + "─" * max(nn_module_print_width.width - len(label) - 4, 0)


def _tensor_str(t: Tensor) -> str:
    # make_str_torch_tensor: "Float [1:32, 1:3]"; R's paste0 recycles a 0-d shape into "1:".
    dims = ", ".join(f"1:{s}" for s in t.shape) if t.ndim else "1:"
    return f"{t.dtype.name} [{dims}]"


# -- the base class ----------------------------------------------------------------------------------------------

def _read_only(what: str) -> RuntimeError:
    """R torch's error for assigning to ``$parameters`` / ``$buffers``."""
    return RuntimeError(f"It's not possible to modify the {what} list.\n You can modify the parameter "
                        "in-place or use `module$parameter_name <- new_value`")


class nn_Module(R6):  # noqa: N801 - R torch's name
    """Base class of all modules. Subclass it with ``initialize(self, ...)`` and ``forward(self, ...)``, or build
    a generator with ``nn_module()``. Instances are callable (``model(x)`` runs ``forward``).

    Example:
        >>> class Net(nn_Module):
        ...     def initialize(self, n):
        ...         self.fc = nn_linear(n, 1)
        ...     def forward(self, x):
        ...         return self.fc(x)
        >>> Net(3).parameters.names()
        ['fc.weight', 'fc.bias']
    """

    _classname = "nn_module"

    def __new__(cls, *args: Any, **kwargs: Any) -> nn_Module:
        self = object.__new__(cls)
        # Registries exist before any __init__/initialize runs, so subclasses never have to call super().
        d = self.__dict__
        d["_parameters"] = {}
        d["_buffers"] = {}
        d["_non_persistent"] = set()
        d["_modules"] = {}
        d["_training"] = True
        return self

    def initialize(self) -> None:
        """Define parameters, buffers and submodules (override it)."""

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The computation (override it)."""
        raise NotImplementedError("Forward method is not implemented")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    # -- attributes and registration ---------------------------------------------------------------------------
    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__
        if value.__class__ is Tensor:
            if value._is_param:
                self.register_parameter(name, value)
                return
            persistent = _buffer_mark(value)
            if persistent is not None:
                self.register_buffer(name, value, persistent)
                return
            if name in d["_buffers"]:  # a new value for a buffer keeps it a buffer
                self.register_buffer(name, value, name not in d["_non_persistent"])
                return
            if name in d["_parameters"]:
                raise TypeError(
                    f"cannot assign a plain tensor as parameter '{name}' of <{self._classname}>: wrap it with "
                    "nn_parameter() (or assign NULL to remove the parameter)"
                )
        elif isinstance(value, nn_Module):
            self.add_module(name, value)
            return
        if name in d["_parameters"] or name in d["_buffers"] or name in d["_modules"]:
            self._unregister(name)
        if name == "training" or isinstance(getattr(type(self), name, None), property):
            object.__setattr__(self, name, value)
            return
        d[name] = value

    def __getattr__(self, name: str) -> Any:
        # Only reached when normal lookup fails; registered objects normally sit in __dict__ too.
        d = self.__dict__
        for reg in ("_parameters", "_buffers", "_modules"):
            r = d.get(reg)
            if r is not None and name in r:
                return r[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        d = self.__dict__
        if name in d["_parameters"] or name in d["_buffers"] or name in d["_modules"]:
            self._unregister(name)
            d.pop(name, None)
        else:
            object.__delattr__(self, name)

    def _unregister(self, name: str) -> None:
        d = self.__dict__
        d["_parameters"].pop(name, None)
        d["_buffers"].pop(name, None)
        d["_non_persistent"].discard(name)
        d["_modules"].pop(name, None)
        d.pop(name, None)

    def register_parameter(self, name: Any, param: Tensor | None) -> None:
        """Register ``param`` under ``name`` (marking it as a parameter)."""
        name = str(name)
        if param is None:
            self._unregister(name)
            self.__dict__[name] = None
            return
        _check.tensor(param, "register_parameter", "param")
        if not param._is_param:
            param = nn_parameter(param, param._requires_grad)
        self._unregister(name)
        self.__dict__["_parameters"][name] = param
        self.__dict__[name] = param

    def register_buffer(self, name: Any, tensor: Tensor | None, persistent: bool = True) -> None:
        """Register ``tensor`` as a buffer; non-persistent buffers stay out of ``state_dict()``."""
        name = str(name)
        d = self.__dict__
        if tensor is not None and not isinstance(tensor, Tensor):
            raise _check.fail_type("register_buffer", "tensor", "a torch_tensor or NULL", tensor)
        d["_parameters"].pop(name, None)
        d["_modules"].pop(name, None)
        d["_buffers"][name] = tensor
        if persistent:
            d["_non_persistent"].discard(name)
        else:
            d["_non_persistent"].add(name)
        d[name] = tensor

    def add_module(self, name: Any, module: nn_Module) -> None:
        """Register ``module`` as a child named ``name`` (numbers become their text, as R)."""
        name = str(name)
        if isinstance(module, type) and issubclass(module, nn_Module):
            raise TypeError(f'Module "{name}" must be initialized')
        if not isinstance(module, nn_Module):
            kind = type(module).__name__
            if kind == "RObject":  # an R value (r_shim): name it as R's class() would
                kind = "function" if module.is_function else module.rtype
            raise TypeError(f"Expected <nn_module> but got object of type <{kind}>")
        self._unregister(name)
        self.__dict__["_modules"][name] = module
        self.__dict__[name] = module

    register_module = add_module

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self._parameters) | set(self._buffers) | set(self._modules))

    # -- collections -------------------------------------------------------------------------------------------
    @property
    def parameters(self) -> NamedTensors:
        """All parameters, name -> tensor: every child's first ("fc.weight"), then this module's own; shared
        tensors appear once (R torch's ``$parameters``)."""
        return self._collected("_parameters")

    @parameters.setter
    def parameters(self, value: Any) -> None:
        raise _read_only("parameters")

    @property
    def buffers(self) -> NamedTensors:
        """All buffers, name -> tensor, in the order of ``parameters``."""
        return self._collected("_buffers")

    @buffers.setter
    def buffers(self, value: Any) -> None:
        raise _read_only("buffers")

    def _collected(self, reg: str) -> NamedTensors:
        out = NamedTensors()
        self._collect(reg, "", out, set())
        return out

    def _collect(self, reg: str, prefix: str, out: dict, seen: set) -> None:
        for name, child in self.__dict__["_modules"].items():
            child._collect(reg, f"{prefix}{name}.", out, seen)
        for name, t in self.__dict__[reg].items():
            if t is not None and id(t) not in seen:
                seen.add(id(t))
                out[prefix + name] = t

    def named_parameters(self, recursive: bool = True) -> dict[str, Tensor]:
        """``parameters`` (recursive) or only this module's own."""
        return self.parameters if recursive else {k: v for k, v in self._parameters.items() if v is not None}

    def named_buffers(self, recursive: bool = True) -> dict[str, Tensor]:
        """``buffers`` (recursive) or only this module's own."""
        return self.buffers if recursive else {k: v for k, v in self._buffers.items() if v is not None}

    @property
    def children(self) -> dict[str, nn_Module]:
        """The direct submodules, name -> module."""
        return dict(self._modules)

    @children.setter
    def children(self, value: Any) -> None:
        raise RuntimeError("It's not possible to modify the children list.\n You can modify the modules in-place")

    def named_children(self) -> dict[str, nn_Module]:
        """The direct submodules, name -> module."""
        return dict(self._modules)

    @property
    def modules(self) -> list[nn_Module]:
        """This module and every descendant, depth first, each once."""
        out: list[nn_Module] = []
        seen: set[int] = set()

        def walk(m: nn_Module) -> None:
            if id(m) in seen:
                return
            seen.add(id(m))
            out.append(m)
            for c in m._modules.values():
                walk(c)

        walk(self)
        return out

    @modules.setter
    def modules(self, value: Any) -> None:
        raise RuntimeError("It's not possible to modify the modules list.\n You can modify the modules in-place")

    # -- training mode -------------------------------------------------------------------------------------------
    @property
    def training(self) -> bool:
        """Whether the module is in training mode (``train()`` / ``eval()`` set it)."""
        return self.__dict__["_training"]

    @training.setter
    def training(self, value: Any) -> None:
        if not isinstance(value, bool):
            raise ValueError("Field `training` must be a logical flag.")
        self.__dict__["_training"] = value

    def train(self, mode: bool = True) -> nn_Module:
        """Set training mode here and in every descendant; returns the module."""
        self.training = mode
        for m in self._modules.values():
            m.train(mode)
        return self

    def eval(self) -> nn_Module:
        """Evaluation mode (``train(FALSE)``)."""
        return self.train(False)

    # -- gradients, conversion, traversal --------------------------------------------------------------------------
    def zero_grad(self) -> None:
        """Zero every parameter's gradient in place (as R torch; gradients that do not exist stay NULL)."""
        for p in self.parameters.values():
            g = p._grad
            if g is not None:
                g.detach_()
                g._data[...] = 0
                g._version[0] += 1

    def apply(self, fn: Callable[[nn_Module], Any]) -> nn_Module:
        """Call ``fn`` on every descendant (children first), then on this module; returns the module."""
        for m in self._modules.values():
            m.apply(fn)
        fn(self)
        return self

    def _apply(self, fn: Callable[[Tensor], Tensor]) -> nn_Module:
        """Replace every parameter, gradient and buffer by ``fn`` of it (R torch's ``.apply``)."""
        for m in self._modules.values():
            m._apply(fn)
        params = self._parameters
        for name, p in list(params.items()):
            if p is None:
                continue
            with no_grad():
                new = fn(p)
            if new is not p:
                new = nn_parameter(new.detach() if new._data is p._data else new, p._requires_grad)
                if p._grad is not None:
                    with no_grad():
                        new._grad = fn(p._grad)
                params[name] = new
                self.__dict__[name] = new
        for name, b in list(self._buffers.items()):
            if b is not None:
                nb = fn(b)
                self._buffers[name] = nb
                self.__dict__[name] = nb
        return self

    def to(self, dtype: Any = None, device: Any = None, tensor: Tensor | None = None, non_blocking: bool = False,
           copy: bool = False, memory_format: Any = None) -> nn_Module:
        """Convert floating parameters and buffers to ``dtype`` (the device must be the CPU)."""
        if tensor is not None:
            dtype = tensor.dtype
        if dtype is not None:
            dt = as_dtype(dtype)
            if not dt.is_floating_point:
                raise ValueError(f"nn.Module.to only accepts floating point dtypes, but got desired dtype {dt}")
        if device is not None:
            if check_device(device, "nn_module$to(): modules") == "meta" or any(
                    p.device.type == "meta" for p in self.parameters):
                self._apply(lambda x: x.to(device=device))  # to or from the meta device (no data there)
        if dtype is None:
            return self
        return self._apply(lambda x: x.to(dtype=dtype) if x.dtype.is_floating_point else x)

    def cpu(self) -> nn_Module:
        """``self``: modules live on the CPU."""
        return self

    def cuda(self, device: Any = None) -> nn_Module:
        """Raises: CUDA is not available."""
        raise RuntimeError("cuda(): CUDA is not available (rtorch_py runs on the CPU only)")

    def clone(self, deep: bool = False) -> nn_Module:
        """A copy (R6's ``clone``). Shallow: new registries holding the same tensors and submodules. Deep:
        submodules, parameters and buffers copied too, tensors shared inside the module stay shared, copies
        are detached leaves keeping ``requires_grad`` (and no gradient), as R torch's ``clone_module``.

        Example:
            >>> a = nn_linear(2, 2); b = a.clone(deep=True)
            >>> b.weight is a.weight
            False
        """
        if not deep:
            out = copy.copy(self)
            d = out.__dict__
            for reg in ("_parameters", "_buffers", "_modules"):
                d[reg] = dict(d[reg])
            d["_non_persistent"] = set(d["_non_persistent"])
            return out
        memo: dict[int, Any] = {}
        for m in self.modules:
            for t in list(m._parameters.values()) + list(m._buffers.values()):
                if t is not None and id(t) not in memo:
                    c = Tensor._wrap(t._data.copy(), t._requires_grad)
                    c._is_param = t._is_param
                    memo[id(t)] = c
            for v in m.__dict__.values():
                # functions held as fields (an R activation function) are shared, as R6's deep clone does
                if callable(v) and not isinstance(v, (nn_Module, Tensor, type)):
                    memo[id(v)] = v
        out = copy.deepcopy(self, memo)
        fin = getattr(out, "_finalize_deep_clone", None)  # R torch's private$finalize_deep_clone hook
        if callable(fin):
            fin()
        return out

    # -- state dict ------------------------------------------------------------------------------------------------
    def state_dict(self, prefix: str = "", keepvars: bool = False) -> dict[str, Tensor]:
        """name -> tensor of every parameter and persistent buffer: own parameters, own buffers, then each
        child's (R torch's order). Values are detached unless ``keepvars`` (they keep ``requires_grad``)."""
        out: dict[str, Tensor] = {}
        self._state_into(prefix, keepvars, out)
        return out

    def _state_into(self, prefix: str, keepvars: bool, out: dict) -> None:
        for name, p in self._parameters.items():
            if p is not None:
                out[prefix + name] = p if keepvars else p.detach().requires_grad_(p._requires_grad)
        for name, b in self._buffers.items():
            if b is not None and name not in self._non_persistent:
                out[prefix + name] = b if keepvars else b.detach()
        for name, m in self._modules.items():
            m._state_into(f"{prefix}{name}.", keepvars, out)

    def _local_state(self, prefix: str, out: dict) -> None:
        for name, p in self._parameters.items():
            if p is not None:
                out[prefix + name] = p
        for name, b in self._buffers.items():
            if b is not None and name not in self._non_persistent:
                out[prefix + name] = b
        for name, m in self._modules.items():
            m._local_state(f"{prefix}{name}.", out)

    def load_state_dict(self, state_dict: dict[str, Tensor], strict: bool = True, **kwargs: Any) -> nn_Module:
        """Copy values from ``state_dict`` into the parameters and buffers (in place, without gradient).

        With ``strict`` (the default) every key of the module must be present and no other key may be;
        otherwise missing and unexpected keys are skipped. R torch's ``.refer_to_state_dict = TRUE`` makes the
        module use the given tensors themselves instead of copying them. A meta tensor of the module (made on
        the meta device, or restored by readRDS) is replaced by a copy of its value, as R torch allocates a
        tensor without storage when copying into it.

        Example:
            >>> a, b = nn_linear(2, 1), nn_linear(2, 1)
            >>> torch_equal(b.load_state_dict(a.state_dict()).weight, a.weight)
            True
        """
        refer = bool(kwargs.pop(".refer_to_state_dict", kwargs.pop("refer_to_state_dict", False)))
        if kwargs:
            raise TypeError(f"load_state_dict: unused argument(s) {', '.join(kwargs)}")
        if not isinstance(state_dict, dict):
            raise _check.fail_type("load_state_dict", "state_dict", "a named list (dict)", state_dict)
        local: dict[str, Tensor] = {}
        self._local_state("", local)
        if strict:
            # a checkpoint without batch norm's counter still loads (R torch / PyTorch keep the current count)
            missing = [k for k in local if k not in state_dict and not k.endswith("num_batches_tracked")]
            unexpected = [k for k in state_dict if k not in local]
            if missing or unexpected:
                parts = []
                if missing:
                    parts.append("Missing key(s) in state_dict: " + ", ".join(f'"{k}"' for k in missing) + ".")
                if unexpected:
                    parts.append("Unexpected key(s) in state_dict: " + ", ".join(f'"{k}"' for k in unexpected)
                                 + ".")
                first = f"Could not find {missing[0]} in the state_dict. " if missing else ""
                raise ValueError(f"load_state_dict: {first}Error(s) in loading state_dict for "
                                 f"<{self._classname}>:\n\t" + "\n\t".join(parts))
        for key, target in local.items():
            if key not in state_dict:
                continue
            src = state_dict[key]
            if not isinstance(src, Tensor):
                raise TypeError(f"load_state_dict: value for '{key}' must be a tensor, got {type(src).__name__}")
            if src.shape != target.shape:
                raise RuntimeError(
                    f"load_state_dict: size mismatch for {key}: copying a param with shape {list(src.shape)} "
                    f"from checkpoint, the shape in current model is {list(target.shape)}."
                )
            if refer and src.dtype == target.dtype:
                self._replace(key, src, target)
                continue
            if is_meta(target._data) and not is_meta(src._data):
                # a tensor without storage (a layer made on the meta device, a module restored by readRDS)
                # takes a copy of the value, in its own dtype: R torch's copy_ into a tensor without storage
                # allocates one
                self._replace(key, Tensor._wrap(cast_array(src._data, target._data.dtype).copy()), target)
                continue
            with no_grad():
                target.copy_(src)
        return self

    def _replace(self, key: str, src: Tensor, old: Tensor) -> None:
        """Make ``src`` the parameter or buffer ``key`` (``.refer_to_state_dict``): every registry that held
        the old tensor (shared ones included) gets the new one."""
        if old._is_param:
            src = nn_parameter(src.detach() if src._grad_fn is not None else src, old._requires_grad)
        for m in self.modules:
            for reg in ("_parameters", "_buffers"):
                r = m.__dict__[reg]
                for name, t in r.items():
                    if t is old:
                        r[name] = src
                        m.__dict__[name] = src

    # -- containers' protocol --------------------------------------------------------------------------------------
    def __getitem__(self, key: Any) -> Any:
        """``model[0]``: a child by 0-based position (Python's convention), or any member by name."""
        if isinstance(key, str):
            return getattr(self, key)
        children = list(self._modules.values())
        try:
            return children[key]
        except IndexError:
            raise IndexError(f"index {key} is out of range for <{self._classname}> with {len(children)} "
                             "children") from None
        except TypeError:
            raise TypeError(f"<{self._classname}>[]: expected an integer position or a name, got "
                            f"{type(key).__name__}") from None

    def __len__(self) -> int:
        return len(self._modules)

    def __bool__(self) -> bool:
        return True  # a module without children is still a module (__len__ would make it falsy)

    __hash__ = object.__hash__

    # -- printing ----------------------------------------------------------------------------------------------------
    def _parameter_count(self) -> int:
        return sum(p._data.size for p in self.parameters.values())

    def __repr__(self) -> str:
        lines = [f"An `nn_module` containing {_comma(self._parameter_count())} parameters."]
        if self._modules:
            lines += ["", _rule("Modules")]
            lines += [f"• {name}: <{m._classname}> #{_comma(m._parameter_count())} parameters"
                      for name, m in self._modules.items()]
        params = {k: v for k, v in self._parameters.items() if v is not None}
        if params:
            lines += ["", _rule("Parameters")]
            lines += [f"• {name}: {_tensor_str(t)}" for name, t in params.items()]
        bufs = {k: v for k, v in self._buffers.items() if v is not None}
        if bufs:
            lines += ["", _rule("Buffers")]
            lines += [f"• {name}: {_tensor_str(t)}" for name, t in bufs.items()]
        return "\n".join(lines)

    __str__ = __repr__


# -- generators from functions ------------------------------------------------------------------------------------

def nn_module(classname: str | None = None, inherit: type | None = None, initialize: Callable | None = None,
              forward: Callable | None = None, *, private: dict | None = None, active: dict | None = None,
              **methods: Any) -> type:
    """A module generator, R torch's ``nn_module()``: functions take ``self``; the result is a class whose
    instances are callable modules. ``inherit`` another generator to extend it; inside its methods
    ``self.super.initialize(...)`` / ``self.super.forward(x)`` call the parent's (R's ``super$``).

    ``private`` members are read and written as ``self.private.name`` (stored as ``self._name``); ``active``
    adds R6 active bindings (a function of ``self`` and an optional ``value``). Other keyword arguments become
    methods (functions) or class fields. The class is made by :func:`rtorch_py._r6.r6_class`.

    Example:
        >>> Net = nn_module("Net",
        ...     initialize=lambda self, n: setattr(self, "fc", nn_linear(n, 1)),
        ...     forward=lambda self, x: self.fc(x))
        >>> Net(3)(torch_randn(2, 3)).shape
        (2, 1)
    """
    base = nn_Module if inherit is None else inherit
    if not (isinstance(base, type) and issubclass(base, nn_Module)):
        raise TypeError(f"nn_module: `inherit` must be a module generator, got {type(base).__name__}")
    if classname is not None and not isinstance(classname, str):
        raise TypeError(f"nn_module: `classname` must be a string, got {type(classname).__name__}")
    members = dict(methods)
    if initialize is not None:
        members["initialize"] = initialize
    if forward is not None:
        members["forward"] = forward
    return r6_class(classname, base, nn_Module, members, private, active)


# -- containers --------------------------------------------------------------------------------------------------

class nn_sequential(nn_Module):  # noqa: N801
    """A chain of modules, called in order; children are named "0", "1", ...

    Example:
        >>> model = nn_sequential(nn_linear(3, 32), nn_relu(), nn_linear(32, 1))
        >>> model.parameters.names()
        ['0.weight', '0.bias', '2.weight', '2.bias']
    """

    def initialize(self, *modules: nn_Module) -> None:
        for i, m in enumerate(modules):
            self.add_module(i, m)

    def forward(self, input: Any) -> Any:
        for m in self._modules.values():
            input = m(input)
        return input

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, slice):
            return nn_sequential(*list(self._modules.values())[key])
        if isinstance(key, (list, tuple)):
            children = list(self._modules.values())
            return nn_sequential(*[children[i] for i in key])
        return super().__getitem__(key)

    def __iter__(self) -> Iterator[nn_Module]:
        return iter(list(self._modules.values()))


class nn_module_list(nn_Module):  # noqa: N801
    """A list of modules, registered as children "0", "1", ... (``insert`` takes R's 1-based position).

    Example:
        >>> layers = nn_module_list([nn_linear(2, 2) for _ in range(3)])
        >>> len(layers)
        3
    """

    def initialize(self, modules: Iterable[nn_Module] = ()) -> None:
        for i, m in enumerate(modules):
            self.add_module(i, m)

    def forward(self, *args: Any) -> Any:
        raise NotImplementedError("nn_module_list has no forward() implementation: call its modules")

    def insert(self, *args: Any, index: int | None = None, module: nn_Module | None = None) -> None:
        """Insert ``module`` at R's 1-based position ``index`` (R matches either by name, the other by
        position: ``insert(index = 1, m)``)."""
        rest = list(args)
        if index is None and rest:
            index = rest.pop(0)
        if module is None and rest:
            module = rest.pop(0)
        if index is None or module is None or rest:
            raise TypeError("nn_module_list$insert(index, module): expected an index and a module")
        mods = list(self._modules.values())
        mods.insert(int(index) - 1, module)
        for name in list(self._modules):
            self._unregister(name)
        for i, m in enumerate(mods):
            self.add_module(i, m)

    def append(self, module: nn_Module) -> nn_module_list:
        """Add ``module`` at the end; returns the list."""
        self.add_module(len(self._modules), module)
        return self

    def extend(self, modules: Iterable[nn_Module]) -> nn_module_list:
        """Add each of ``modules`` at the end; returns the list."""
        for m in modules:
            self.append(m)
        return self

    def __iter__(self) -> Iterator[nn_Module]:
        return iter(list(self._modules.values()))


class nn_module_dict(nn_Module):  # noqa: N801
    """Named submodules (``dict["l1"]`` or ``dict.l1``).

    Example:
        >>> d = nn_module_dict({"l1": nn_linear(2, 3), "l2": nn_linear(3, 1)})
        >>> d.parameters.names()[:2]
        ['l1.weight', 'l1.bias']
    """

    _classname = "nn_module"  # R torch builds it with nn_module() and no classname

    def initialize(self, dict: dict[str, nn_Module]) -> None:  # noqa: A002 - R's argument name
        if not hasattr(dict, "items") or any(not isinstance(k, str) or not k for k in dict):
            raise ValueError("All elements in `dict` must be named.")
        for name, m in dict.items():
            setattr(self, name, m)

    def forward(self, *args: Any) -> Any:
        raise NotImplementedError("`nn_module_dict()` has no `forward()` implementation.")

    def keys(self) -> list[str]:
        """The names of the modules, in insertion order."""
        return list(self._modules)

    def values(self) -> list[nn_Module]:
        """The modules, in insertion order."""
        return list(self._modules.values())

    def items(self) -> list[tuple[str, nn_Module]]:
        """(name, module) pairs, in insertion order."""
        return list(self._modules.items())

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._modules))

    def __contains__(self, key: str) -> bool:
        return key in self._modules
