"""Saving and loading: ``torch_save`` / ``torch_load`` in R torch's serialization version 3, ``torch_serialize``,
and ``load_state_dict`` for PyTorch checkpoints.

The file format is R torch's: a safetensors file (written and read with the ``safetensors`` package) whose
``__metadata__`` holds ``"__r__"``, a JSON text ``{"type", "version": 3, "requires_grad", "special_dtype"}``.
``type`` is
- ``"tensor"``: one tensor, named ``"...unnamed..."``;
- ``"list"``: the tensors of a (nested) list, each named by its address, plus ``"__robj__"``, a byte tensor
  holding R's ``serialize()`` of the list with every tensor replaced by its address (a character value of
  class ``torch_tensor_address``); the same tensor twice is stored once, so it comes back shared;
- ``"module"`` / ``"state_dict"``: the object's ``state_dict()`` tensors under their keys, plus ``"__robj__"``.
  R torch stores the R6 object there; this package stores an R list describing the object (its class, by
  name, and its attributes, tensors by name), read back without running ``initialize``. Loading one needs its
  class (an ``nn_module`` or ``dataset`` generator) to exist in the loading session. Modules are of type
  "module"; datasets (whose ``state_dict()`` is their tensor fields, as R torch's) and other objects with a
  ``state_dict()`` method of type "state_dict", as R torch writes them.

``requires_grad`` lists the tensors that require grad, so it survives the round trip. Files of type tensor and
list load in R torch and R torch's load here; a plain safetensors file (no ``"__r__"``) loads as a named list
of tensors with a warning, as R torch does.

``load_state_dict(path)`` reads ``torch.save(model.state_dict(), path)`` files (zip and legacy formats)
through a restricted unpickler (:mod:`._pt_pickle`) that never runs code from the file.
"""

from __future__ import annotations

import importlib
import io
import json
import os
import struct
import uuid
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from ._core.dtype import as_dtype
from ._core.dtype import dtype as _dtype
from ._core.meta import meta_array
from ._core.tensor import Tensor
from ._rds import RClassed, r_serialize, r_unserialize

__all__ = ["torch_save", "torch_load", "torch_serialize", "load_state_dict"]

VERSION = 3
R_KEY = "__r__"
R_OBJ = "__robj__"
UNNAMED = "...unnamed..."
_SESSION = uuid.uuid4().hex  # identifies classes of this process in files it writes (see _find_class)
_ST_DTYPES = {"F32": np.float32, "F64": np.float64, "F16": np.float16, "I64": np.int64, "I32": np.int32,
              "I16": np.int16, "I8": np.int8, "U8": np.uint8, "BOOL": np.bool_, "C64": np.complex64}
_ADDRESS = "torch_tensor_address"
_OBJECT, _OBJREF = "rtorch_object", "rtorch_object_ref"
_RSERIALIZED = "rtorch_rserialized"


def xptr_address(x: Any) -> str:
    """The address of a tensor (R torch's ``xptr_address``): equal for the same tensor object."""
    return f"0x{id(x):x}"


# -- the file ------------------------------------------------------------------------------------------------

def _write(kind: str, tensors: dict[str, Tensor], robj: bytes | None) -> bytes:
    """The bytes of a version-3 file: ``tensors`` by name (plus ``__robj__``) and the ``__r__`` metadata."""
    from safetensors.numpy import save  # noqa: PLC0415 - a dependency only serialization needs

    arrays: dict[str, np.ndarray] = {}
    requires_grad: dict[str, bool] = {}
    for name, t in tensors.items():
        if not isinstance(t, Tensor):
            raise TypeError(f"torch_save: the value for '{name}' must be a tensor, got {type(t).__name__}")
        arrays[name] = np.asarray(t._data, order="C")  # (ascontiguousarray makes 0-d arrays 1-d)
        if t.requires_grad:
            requires_grad[name] = True
    if robj is not None:
        arrays[R_OBJ] = np.frombuffer(robj, np.uint8)
    # jsonlite writes an empty R list as [] (R torch's files), a named one as an object
    meta = {"type": kind, "version": VERSION, "requires_grad": requires_grad or [], "special_dtype": []}
    return save(arrays, metadata={R_KEY: json.dumps(meta, separators=(",", ":"))})


def _header(data: bytes) -> dict:
    if len(data) < 8:
        raise ValueError("torch_load: the file is too short to be a torch_save() (safetensors) file")
    n = struct.unpack("<Q", data[:8])[0]
    if n > len(data) - 8:
        raise ValueError("torch_load: not a torch_save() (safetensors) file: its header is truncated")
    try:
        header = json.loads(bytes(data[8:8 + n]))
    except ValueError:
        raise ValueError("torch_load: not a torch_save() (safetensors) file: its header is not JSON") from None
    if not isinstance(header, dict):
        raise ValueError("torch_load: not a torch_save() (safetensors) file")
    return header


def _read(data: bytes, device: Any) -> tuple[dict | None, dict[str, Tensor]]:
    """(the ``__r__`` metadata or None, tensors by name in file order) of a version-3 file."""
    from safetensors.numpy import load  # noqa: PLC0415

    _check_load_device(device)
    if data[:2] in (b"\x1f\x8b", b"X\n", b"BZ", b"\xfd7"):
        raise ValueError("torch_load: this is an RDS file (R torch's legacy serialization, version 2 or older), "
                         "which is not supported: save it again with R torch >= 0.11 (serialization version 3)")
    header = _header(data)
    meta_text = (header.get("__metadata__") or {}).get(R_KEY)
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if not isinstance(info, dict):
            raise ValueError(f"torch_load: not a torch_save() (safetensors) file: entry '{name}' is malformed")
        if info.get("dtype") not in _ST_DTYPES:
            raise ValueError(f"torch_load: tensor '{name}' has dtype {info.get('dtype')}, which rtorch_py does "
                             f"not support (supported: {', '.join(_ST_DTYPES)})")
    try:
        arrays = load(bytes(data))
    except Exception as e:  # noqa: BLE001 - safetensors' own error type: say which function failed
        raise ValueError(f"torch_load: not a valid safetensors file: {e}") from None
    try:
        meta = json.loads(meta_text) if meta_text else None
    except ValueError:
        meta = "not JSON"
    if meta is not None and not isinstance(meta, dict):
        raise ValueError("torch_load: the file's '__r__' metadata is not a JSON object")
    special = (meta or {}).get("special_dtype") or {}
    if special:
        raise ValueError(f"torch_load: tensors {', '.join(special)} have a special dtype "
                         f"({', '.join(str(v.get('dtype')) for v in special.values())}); complex tensors are not "
                         "supported by rtorch_py")
    grad = (meta or {}).get("requires_grad") or {}
    tensors: dict[str, Tensor] = {}
    for name in header:
        if name == "__metadata__":
            continue
        arr = np.array(arrays[name], copy=True, order="C")
        tensors[name] = Tensor._wrap(arr, bool(grad.get(name, False)))
    return meta, tensors


def _check_load_device(device: Any) -> None:
    if device is None:
        raise ValueError("torch_load: Unexpected device NULL")
    from .creation import check_device  # noqa: PLC0415

    if check_device(device, "torch_load: tensors") != "cpu":  # any other device is an error naming it
        raise RuntimeError(f"torch_load: not supported in rtorch_py: loading onto device '{device}' (use 'cpu')")


def _source_bytes(path: Any) -> bytes:
    if isinstance(path, (bytes, bytearray, memoryview)):
        return bytes(path)
    if isinstance(path, np.ndarray):  # a raw vector from R, as integers
        return path.astype(np.uint8).tobytes()
    if isinstance(path, (str, os.PathLike)):
        with open(path, "rb") as f:
            return f.read()
    if hasattr(path, "read"):
        return path.read()
    raise TypeError(f"torch_load: `path` must be a file path, a binary file object or bytes (a raw vector), "
                    f"got {type(path).__name__}")


def _deliver(data: bytes, path: Any) -> None:
    if isinstance(path, (str, os.PathLike)):
        with open(path, "wb") as f:
            f.write(data)
    elif hasattr(path, "write"):
        path.write(data)
    else:
        raise TypeError(f"torch_save: `path` must be a file path or a binary file object, got {type(path).__name__}")


# -- objects as R lists --------------------------------------------------------------------------------------

class _Encoder:
    """Python values -> the R list stored in ``__robj__``; tensors become addresses, collected in ``tensors``."""

    def __init__(self, names: dict[int, str] | None = None, r_serialize_fn: Callable | None = None) -> None:
        self.tensors: dict[str, Tensor] = {}
        self.names: dict[int, str] = dict(names or {})
        self.objects: dict[int, int] = {}
        self.keep: list[Any] = []  # objects whose ids are in self.objects stay alive meanwhile
        self.r_serialize = r_serialize_fn

    def tensor(self, t: Tensor) -> RClassed:
        name = self.names.get(id(t))
        if name is None:
            name = self.names[id(t)] = xptr_address(t)
        self.tensors[name] = t
        return RClassed([name], [_ADDRESS])

    def value(self, v: Any, where: str) -> Any:
        if v is None or isinstance(v, (bool, int, float, str, bytes)):
            return v
        if v.__class__ is Tensor or isinstance(v, Tensor):
            return self.tensor(v)
        if isinstance(v, np.generic):
            return v.item()
        if isinstance(v, _dtype):
            return RClassed(v.name, ["torch_dtype"])
        if isinstance(v, np.ndarray):
            return RClassed({"dtype": v.dtype.str, "shape": list(v.shape), "data": v.tobytes()},
                            ["py_ndarray"])
        if isinstance(v, tuple):
            return RClassed([self.value(e, f"{where}[{i}]") for i, e in enumerate(v)], ["py_tuple"])
        if isinstance(v, list):
            return [self.value(e, f"{where}[{i}]") for i, e in enumerate(v)]
        if isinstance(v, (set, frozenset)):
            return RClassed([self.value(e, where) for e in v], ["py_set"])
        if isinstance(v, dict):
            if all(isinstance(k, str) for k in v) or all(isinstance(k, int) for k in v):
                return {k: self.value(e, f"{where}${k}") for k, e in v.items()}
            return RClassed({"keys": [self.value(k, where) for k in v],
                             "values": [self.value(e, f"{where}${k}") for k, e in v.items()]}, ["py_dict"])
        if type(v).__name__ == "RObject" and type(v).__module__.endswith("_rnative"):
            if self.r_serialize is None:
                raise TypeError(f"torch_save: {where} is an R value: only torch_save() called from R can save it")
            return RClassed(np.asarray(self.r_serialize(v)).astype(np.uint8).tobytes(), [_RSERIALIZED])
        if _is_stateful(v):
            return self.object(v, where)
        raise TypeError(f"torch_save: cannot save {where}, a value of type {type(v).__name__}")

    def object(self, obj: Any, where: str) -> RClassed:
        from .nn.module import nn_Module  # noqa: PLC0415

        if id(obj) in self.objects:
            return RClassed(self.objects[id(obj)], [_OBJREF])
        n = self.objects[id(obj)] = len(self.objects) + 1
        self.keep.append(obj)
        cls = type(obj)
        spec: dict[str, Any] = {
            "id": n, "class": f"{cls.__module__}:{cls.__qualname__}",
            "classname": getattr(cls, "_classname", None) or cls.__name__, "token": f"{_SESSION}:{id(cls)}",
            "bases": [f"{b.__module__}:{b.__qualname__}" for b in cls.__mro__[1:] if b is not object],
            "importable": _import(f"{cls.__module__}:{cls.__qualname__}") is cls,
        }
        d = dict(obj.__dict__)
        if isinstance(obj, nn_Module):
            params, buffers, modules = d.pop("_parameters"), d.pop("_buffers"), d.pop("_modules")
            spec["parameters"] = {k: self.value(v, f"{where}${k}") for k, v in params.items()}
            spec["buffers"] = {k: self.value(v, f"{where}${k}") for k, v in buffers.items()}
            spec["non_persistent"] = sorted(d.pop("_non_persistent"))
            spec["modules"] = {k: self.object(m, f"{where}${k}") for k, m in modules.items()}
            spec["training"] = bool(d.pop("_training"))
            for k in (*params, *buffers, *modules):
                d.pop(k, None)
        spec["attrs"] = {k: self.value(v, f"{where}${k}") for k, v in d.items()}
        return RClassed(spec, [_OBJECT])


def _is_stateful(v: Any) -> bool:
    from .nn.module import nn_Module  # noqa: PLC0415

    return isinstance(v, nn_Module) or (callable(getattr(v, "state_dict", None)) and hasattr(v, "__dict__")
                                        and not isinstance(v, type))


class _Decoder:
    def __init__(self, tensors: dict[str, Tensor], r_unserialize_fn: Callable | None = None) -> None:
        self.tensors = tensors
        self.objects: dict[int, Any] = {}
        self.r_unserialize = r_unserialize_fn

    def value(self, v: Any) -> Any:
        if isinstance(v, RClassed):
            kind = v.classes[0]
            if kind == _ADDRESS:
                name = _scalar(v.value)
                if name not in self.tensors:
                    raise ValueError(f"torch_load: the file refers to tensor '{name}', which it does not hold")
                return self.tensors[name]
            if kind == _OBJECT:
                return self.object(v.value)
            if kind == _OBJREF:
                return self.objects[int(_scalar(v.value))]
            if kind == "py_tuple":
                return tuple(self.value(e) for e in _as_list(v.value))
            if kind == "py_set":
                return {self.value(e) for e in _as_list(v.value)}
            if kind == "py_dict":
                keys, values = _as_list(v.value["keys"]), _as_list(v.value["values"])
                return {self.value(k): self.value(e) for k, e in zip(keys, values)}
            if kind == "torch_dtype":
                return as_dtype(_scalar(v.value))
            if kind == "py_ndarray":
                spec = v.value
                shape = [int(s) for s in np.atleast_1d(spec["shape"])] if spec["shape"] is not None else []
                return np.frombuffer(spec["data"], np.dtype(spec["dtype"])).reshape(shape).copy()
            if kind == _RSERIALIZED:
                if self.r_unserialize is None:
                    raise ValueError("torch_load: the file holds R values (functions, environments) that only "
                                     "torch_load() called from R can read")
                return self.r_unserialize(np.frombuffer(v.value, np.uint8).astype(np.int32))
            return RClassed(self.value(v.value), v.classes)
        if isinstance(v, dict):
            return {k: self.value(e) for k, e in v.items()}
        if isinstance(v, list):
            return [self.value(e) for e in v]
        return v

    def object(self, spec: dict) -> Any:
        from .nn.module import nn_Module  # noqa: PLC0415

        cls = _find_class(spec["class"], spec.get("classname"), spec.get("token"), _as_list(spec.get("bases")),
                          bool(spec.get("importable", True)))
        obj = cls.__new__(cls)
        self.objects[int(spec["id"])] = obj
        d = obj.__dict__
        if isinstance(obj, nn_Module):
            for k, v in (spec.get("parameters") or {}).items():
                t = self.value(v)
                if t is not None:
                    t._is_param = True
                d["_parameters"][k] = t
                d[k] = t
            for k, v in (spec.get("buffers") or {}).items():
                d["_buffers"][k] = d[k] = self.value(v)
            d["_non_persistent"] = set(_as_list(spec.get("non_persistent")))
            for k, v in (spec.get("modules") or {}).items():
                d["_modules"][k] = d[k] = self.value(v)
            d["_training"] = bool(spec.get("training", True))
        for k, v in (spec.get("attrs") or {}).items():
            d[k] = self.value(v)
        return obj


def _scalar(v: Any) -> Any:
    """The one element of a classed R vector (which keeps its vector form)."""
    if isinstance(v, np.ndarray):
        return v.ravel()[0].item()
    if isinstance(v, list):
        return v[0]
    return v


def _as_list(v: Any) -> list:
    if v is None:
        return []
    if isinstance(v, (list, tuple)):
        return list(v)
    if isinstance(v, np.ndarray):
        return v.tolist()
    return [v]


def _subclasses(base: type) -> list[type]:
    out, stack = [], [base]
    while stack:
        c = stack.pop()
        for s in c.__subclasses__():
            out.append(s)
            stack.append(s)
    return out


def _import(qualified: str) -> type | None:
    module, _, qualname = qualified.partition(":")
    if not module or "<locals>" in qualname:
        return None
    try:
        obj: Any = importlib.import_module(module)
        for part in qualname.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError):
        return None
    return obj if isinstance(obj, type) else None


def _find_class(qualified: str, classname: str | None, token: str | None, bases: list[str],
                importable: bool) -> type:
    """The class of a saved object: the very class when saved by this process; else the class of that module
    and name (rtorch_py's layers); else, among the subclasses of its nearest importable base class (classes
    made at run time, such as R's nn_module() generators), the latest defined one of that name."""
    from .nn.module import nn_Module  # noqa: PLC0415

    root = _import(bases[-1]) if bases else None
    if token and token.startswith(_SESSION + ":") and root is not None:
        want = int(token.split(":")[1])
        for c in _subclasses(root):
            if id(c) == want:
                return c
    cls = _import(qualified) if importable else None  # a run-time class may share a layer's name
    if cls is not None:
        return cls
    qualname = qualified.partition(":")[2]
    for base in bases:
        b = _import(base)
        if b is None:
            continue
        found = [c for c in _subclasses(b) if c.__qualname__ == qualname and
                 (getattr(c, "_classname", None) or c.__name__) == classname]
        if found:
            return found[-1]
        break
    from .data.dataset import Dataset  # noqa: PLC0415

    label = classname or qualname
    families = {nn_Module: ("a module", "nn_module"), Dataset: ("a dataset", "dataset")}
    what, generator = next((families[c] for c in map(_import, bases) if c in families), ("an object", None))
    how = f" (e.g. {label} <- {generator}(\"{label}\", ...))" if generator else ""
    raise ValueError(f"torch_load: the file holds {what} of class '{label}', which is not defined in this "
                     f"session: define its generator{how} before loading")


# -- what saveRDS() keeps of a module ---------------------------------------------------------------------------
# R torch's saveRDS(model) keeps the module's R6 object with its tensors' pointers emptied: readRDS gives a
# module whose tensors are gone until load_state_dict() gives it new ones. Here a module is one Python object
# behind one pointer, so the bridge asks for this description when R serializes the pointer (r_shim/src/
# bridge.c: an ALTREP holder's serialized state) and rebuilds the module from it at `$load_state_dict`.

_SKELETON = "rtorch_tensor_skeleton"


class _SkeletonEncoder(_Encoder):
    """An ``_Encoder`` that keeps each tensor's shape, dtype and flags, not its values."""

    def __init__(self) -> None:
        super().__init__()
        self.specs: dict[str, Any] = {}

    def tensor(self, t: Tensor) -> RClassed:
        name = self.names.get(id(t))
        if name is None:
            name = self.names[id(t)] = xptr_address(t)
            self.keep.append(t)  # ids stay unique while describing
            self.specs[name] = {"shape": [int(n) for n in t.shape], "dtype": self.value(t.dtype, name),
                                "requires_grad": bool(t._requires_grad), "param": bool(t._is_param)}
        return RClassed([name], [_SKELETON])


class _SkeletonDecoder(_Decoder):
    """A ``_Decoder`` giving each described tensor as a meta tensor (shape and dtype, no data); a tensor
    shared in the module comes back shared."""

    def __init__(self, specs: dict[str, Any]) -> None:
        super().__init__({})
        self.specs = specs
        self.made: dict[str, Tensor] = {}

    def value(self, v: Any) -> Any:
        if isinstance(v, RClassed) and v.classes[0] == _SKELETON:
            name = _scalar(v.value)
            if name not in self.made:
                spec = self.specs[name]
                shape = tuple(int(n) for n in _as_list(spec["shape"]))
                t = Tensor._wrap(meta_array(shape, self.value(spec["dtype"]).np))
                t._is_param = bool(spec["param"])
                if spec["requires_grad"]:
                    t.requires_grad_(True)
                self.made[name] = t
            return self.made[name]
        return super().value(v)


def module_skeleton(module: Any) -> bytes | None:
    """What ``saveRDS()`` keeps of a module: its structure (class, fields, submodules) and each tensor's
    shape, dtype and ``requires_grad``, no values (as R torch, whose saveRDS keeps no tensor data; use
    ``torch_save()`` for that). None when a field holds an R value (an R function), which only R could
    describe.

    Example:
        >>> m = module_from_skeleton(module_skeleton(nn_linear(3, 2)))
        >>> type(m).__name__, m.weight.shape, m.weight.device.type
        ('nn_linear', (2, 3), 'meta')
    """
    enc = _SkeletonEncoder()
    try:
        spec = enc.object(module, "module")
    except TypeError:
        return None
    return r_serialize({"module": spec, "tensors": enc.specs})


def module_from_skeleton(data: bytes) -> Any:
    """The module ``module_skeleton()`` described, its tensors meta tensors until ``load_state_dict()``
    gives it values (its class must exist in this session, as for ``torch_load``)."""
    desc = r_unserialize(bytes(data))
    return _SkeletonDecoder(desc.get("tensors") or {}).value(desc["module"])


# -- public API ------------------------------------------------------------------------------------------------

def _object_parts(obj: Any, r_serialize_fn: Callable | None = None) -> tuple[str, dict[str, Tensor], bytes | None]:
    from .nn.module import nn_Module  # noqa: PLC0415

    if isinstance(obj, Tensor):
        return "tensor", {UNNAMED: obj}, None
    if isinstance(obj, (list, tuple, dict)):
        enc = _Encoder(r_serialize_fn=r_serialize_fn)
        robj = r_serialize(enc.value(list(obj) if isinstance(obj, tuple) else obj, "obj"))
        return "list", enc.tensors, robj
    from .optim.lr_scheduler import LRScheduler  # noqa: PLC0415
    from .optim.optimizer import Optimizer  # noqa: PLC0415

    if isinstance(obj, (Optimizer, LRScheduler)):
        raise TypeError(f"torch_save: cannot save an optimizer or scheduler ({type(obj).__name__}) itself: save its "
                        "state_dict() and load it with load_state_dict() into a new one")
    if _is_stateful(obj):
        state = obj.state_dict()
        if not isinstance(state, dict):
            raise TypeError(f"torch_save: state_dict() of a {type(obj).__name__} must return a dict")
        names: dict[int, str] = {}
        for k, t in state.items():
            if isinstance(t, Tensor):
                names.setdefault(id(t), k)
        if isinstance(obj, nn_Module):  # state_dict() detaches: name the module's own tensors
            for k, t in obj.state_dict(keepvars=True).items():
                names.setdefault(id(t), k)
        enc = _Encoder(names, r_serialize_fn)
        robj = r_serialize(enc.object(obj, "obj"))
        tensors = {k: t for k, t in state.items() if isinstance(t, Tensor)}
        tensors.update(enc.tensors)
        return ("module" if isinstance(obj, nn_Module) else "state_dict"), tensors, robj
    raise TypeError(f"torch_save: cannot save an object of type {type(obj).__name__}: expected a tensor, a list or "
                    "dict, a module or an object with a state_dict() method")


def torch_serialize(obj: Any) -> bytes:
    """``obj`` saved as :func:`torch_save` writes it, as bytes (R torch's raw vector); :func:`torch_load` reads it.

    Example:
        >>> torch_load(torch_serialize(torch_tensor([1.0, 2.0])))
        torch_tensor
         1
         2
        [ CPUFloatType{2} ]
    """
    return _write(*_object_parts(obj))


def torch_save(obj: Any, path: Any) -> None:
    """Save a tensor, a (nested) list / dict of tensors and plain values, a module, a state dict or any
    object with a ``state_dict()`` method to ``path`` (a file name or a binary file object) in R torch's
    serialization version 3 (a safetensors file).

    Example:
        >>> import tempfile, os
        >>> path = os.path.join(tempfile.mkdtemp(), "model.pt")
        >>> model = nn_linear(2, 1)
        >>> torch_save(model, path)
        >>> torch_equal(torch_load(path).weight, model.weight)
        True
    """
    _deliver(torch_serialize(obj), path)


def torch_load(path: Any, device: Any = "cpu") -> Any:
    """Load what :func:`torch_save` (or R torch's ``torch_save``) wrote: ``path`` is a file name, a binary file
    object or bytes. Tensors keep their ``requires_grad``; a module comes back as a module of its class (which
    must be defined in this session), with its parameters and buffers. A safetensors file without R torch's
    metadata loads as a dict of tensors, with a warning.

    Example:
        >>> x = torch_randn(2, 2, requires_grad=True)
        >>> torch_load(torch_serialize(x)).requires_grad
        True
    """
    value, _ = _load(path, device)
    return value


def _load(path: Any, device: Any, r_unserialize_fn: Callable | None = None, r_lists: bool = False) -> tuple:
    data = _source_bytes(path)
    meta, tensors = _read(data, device)
    if meta is None or "type" not in meta:
        warnings.warn("File not saved with `torch_save()`, returning as is: use safetensors to read it without "
                      "this warning", stacklevel=3)
        return tensors, None
    kind = meta["type"]
    if kind == "tensor":
        if not tensors:
            raise ValueError("torch_load: the file holds no tensor")
        return next(iter(tensors.values())), None
    if R_OBJ not in tensors:
        raise ValueError(f"torch_load: the file (type '{kind}') lacks its '{R_OBJ}' entry")
    robj = tensors.pop(R_OBJ)._data.astype(np.uint8).tobytes()
    if kind == "list" and r_lists:
        return None, (tensors, robj)
    if kind not in ("list", "module", "state_dict"):
        raise ValueError(f"torch_load: unsupported object type '{kind}' in the file")
    try:
        tree = r_unserialize(robj)
    except ValueError as e:
        if kind == "list":
            raise ValueError(f"torch_load: {e}") from None
        raise ValueError(f"torch_load: this file holds an R torch {kind} (an R6 object saved by R torch), which "
                         "rtorch_py cannot rebuild; save its state_dict() with R torch and load that into a module "
                         "made here") from None
    if kind != "list" and not (isinstance(tree, RClassed) and tree.classes[0] == _OBJECT):
        raise ValueError(f"torch_load: this file holds an R torch {kind} that rtorch_py cannot rebuild")
    return _Decoder(tensors, r_unserialize_fn).value(tree), None


def load_state_dict(path: Any, legacy_stream: bool = False) -> dict[str, Tensor]:
    """Read a PyTorch checkpoint written by ``torch.save(model.state_dict(), path)`` (zip or legacy format):
    a dict of tensors with their stored dtypes and shapes. The file is read by a restricted unpickler that
    only rebuilds tensors, storages, OrderedDicts and plain containers: any other global in the file is
    refused (nothing from the file ever runs). ``legacy_stream`` is accepted for R torch's signature.

    Example:
        >>> load_state_dict("no-such-file.pt")
        Traceback (most recent call last):
        FileNotFoundError: load_state_dict: no such file 'no-such-file.pt'
    """
    from ._pt_pickle import load_pytorch  # noqa: PLC0415

    if isinstance(path, (str, os.PathLike)):
        if not os.path.exists(path):
            raise FileNotFoundError(f"load_state_dict: no such file '{os.fspath(path)}'")
        with open(path, "rb") as f:
            data = f.read()
    else:
        data = _source_bytes(path)
    return load_pytorch(io.BytesIO(data))


# -- R's side (called by r_shim/R/save.R through the bridge) ---------------------------------------------------

def r_save(obj: Any, path: Any = None, r_serialize_fn: Callable | None = None) -> Any:
    """torch_save() of a tensor, module or object from R: writes ``path`` (a file name), or returns the bytes
    as a uint8 array (R writes them to its connection)."""
    data = _write(*_object_parts(obj, r_serialize_fn))
    return _r_deliver(data, path)


def r_save_list(tensors: Any, robj: Any, path: Any = None) -> Any:
    """torch_save() of an R list: R has replaced its tensors by their addresses (``tensors``: address ->
    tensor) and serialized it (``robj``, the bytes of R's serialize() as integers)."""
    if isinstance(tensors, list) and not tensors:
        tensors = {}
    data = _write("list", dict(tensors), np.asarray(robj).astype(np.uint8).tobytes())
    return _r_deliver(data, path)


def _r_deliver(data: bytes, path: Any) -> Any:
    if path is None:
        return np.frombuffer(data, np.uint8)
    _deliver(data, path)
    return None


def r_load(source: Any, device: Any = "cpu", r_unserialize_fn: Callable | None = None) -> dict[str, Any]:
    """torch_load() from R: ``{"type": "list", "tensors", "robj"}`` for a list (R unserializes it and puts the
    tensors back), else ``{"type": ..., "value"}``."""
    value, parts = _load(source, device, r_unserialize_fn, r_lists=True)
    if parts is not None:
        return {"type": "list", "tensors": parts[0], "robj": np.frombuffer(parts[1], np.uint8)}
    return {"type": "value", "value": value}
