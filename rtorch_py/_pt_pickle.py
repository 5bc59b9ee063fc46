"""PyTorch checkpoints (``torch.save``: the zip format and the legacy non-zip format) read without PyTorch and
without running anything from the file.

A checkpoint is a pickle whose tensors refer to storages kept beside it (zip entries ``<name>/data/<key>``, or
raw blocks after the pickles in the legacy format). :class:`_Unpickler` resolves only the globals a state dict
needs: ``torch._utils._rebuild_tensor_v2`` / ``_rebuild_parameter``, the ``torch.*Storage`` types and
``collections.OrderedDict``. Any other global (``os.system``, ``builtins.eval``, ...) is refused with an
``UnpicklingError`` naming it, before anything is called. Strides, offsets and sizes are checked against the
storage, so a corrupt file cannot read outside it.
"""

from __future__ import annotations

import collections
import io
import pickle
import struct
import zipfile
from typing import Any

import numpy as np

from ._core.tensor import Tensor

__all__ = ["load_pytorch"]

_STORAGES = {
    "FloatStorage": np.float32, "DoubleStorage": np.float64, "HalfStorage": np.float16,
    "LongStorage": np.int64, "IntStorage": np.int32, "ShortStorage": np.int16, "CharStorage": np.int8,
    "ByteStorage": np.uint8, "BoolStorage": np.bool_,
}
_UNSUPPORTED_STORAGES = {"BFloat16Storage": "bfloat16", "ComplexFloatStorage": "complex64",
                         "ComplexDoubleStorage": "complex128", "QInt8Storage": "qint8", "QUInt8Storage": "quint8",
                         "QInt32Storage": "qint32"}
_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C


class _StorageType:
    """A ``torch.<X>Storage`` class as the pickle names it: only its element type matters here."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.np = np.dtype(_STORAGES[name]) if name in _STORAGES else None


class _Storage:
    """One storage: a flat numpy array (filled later in the legacy format)."""

    def __init__(self, array: np.ndarray) -> None:
        self.array = array


def _rebuild_tensor_v2(storage: Any, storage_offset: Any, size: Any, stride: Any, requires_grad: Any = False,
                       backward_hooks: Any = None, metadata: Any = None) -> _PendingTensor:
    if not isinstance(storage, _Storage):
        raise pickle.UnpicklingError("load_state_dict: a tensor in the file does not refer to a storage")
    try:
        size = tuple(int(s) for s in size)
        stride = tuple(int(s) for s in stride)
        offset = int(storage_offset)
    except (TypeError, ValueError):
        raise pickle.UnpicklingError("load_state_dict: a tensor in the file has an invalid size or stride") from None
    n = storage.array.size
    if len(size) != len(stride) or offset < 0 or any(s < 0 for s in size) or any(s < 0 for s in stride):
        raise pickle.UnpicklingError(f"load_state_dict: invalid tensor geometry in the file (size {list(size)}, "
                                     f"stride {list(stride)}, offset {offset})")
    if 0 not in size and offset + sum((sz - 1) * st for sz, st in zip(size, stride)) >= n:
        raise pickle.UnpicklingError(f"load_state_dict: a tensor of size {list(size)} (stride {list(stride)}, "
                                     f"offset {offset}) lies outside its storage of {n} elements")
    return _PendingTensor(storage, offset, size, stride, bool(requires_grad))


class _PendingTensor:
    """A tensor whose values are read once the storages are filled (the legacy format stores them last)."""

    def __init__(self, storage: _Storage, offset: int, size: tuple, stride: tuple, requires_grad: bool) -> None:
        self.storage, self.offset, self.size, self.stride = storage, offset, size, stride
        self.requires_grad = requires_grad

    def build(self) -> Tensor:
        a = self.storage.array
        if 0 in self.size:
            arr = np.zeros(self.size, a.dtype)
        else:
            item = a.itemsize
            view = np.lib.stride_tricks.as_strided(a[self.offset:], self.size, tuple(s * item for s in self.stride))
            arr = np.array(view, order="C")
        return Tensor._wrap(arr, self.requires_grad)


def _rebuild_parameter(data: Any, requires_grad: Any, backward_hooks: Any = None, *rest: Any) -> Any:
    if not isinstance(data, _PendingTensor):
        raise pickle.UnpicklingError("load_state_dict: a parameter in the file does not hold a tensor")
    data.requires_grad = bool(requires_grad)
    return data


_ALLOWED = {
    ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
    ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
    ("collections", "OrderedDict"): collections.OrderedDict,
}


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: Any, storage: Any) -> None:
        super().__init__(file)
        self._storage = storage

    def find_class(self, module: str, name: str) -> Any:
        fn = _ALLOWED.get((module, name))
        if fn is not None:
            return fn
        if module == "torch" and name in _STORAGES:
            return _StorageType(name)
        if module == "torch" and name in _UNSUPPORTED_STORAGES:
            raise pickle.UnpicklingError(f"load_state_dict: the file holds {_UNSUPPORTED_STORAGES[name]} tensors, "
                                         "which rtorch_py does not support")
        raise pickle.UnpicklingError(f"load_state_dict: refusing to load global '{module}.{name}' from the file: "
                                     "only tensors, storages, OrderedDicts and plain containers are allowed")

    def persistent_load(self, pid: Any) -> Any:
        if not (isinstance(pid, tuple) and len(pid) >= 5 and pid[0] == "storage"):
            raise pickle.UnpicklingError(f"load_state_dict: unsupported persistent id {str(pid)[:80]} in the file")
        storage_type, key, _location, numel = pid[1:5]
        if not isinstance(storage_type, _StorageType):
            raise pickle.UnpicklingError("load_state_dict: a storage in the file has an unknown type")
        return self._storage(storage_type, str(key), int(numel))


def _finish(obj: Any) -> Any:
    if isinstance(obj, _PendingTensor):
        return obj.build()
    if isinstance(obj, dict):  # OrderedDict too: a plain dict keeps the order
        return {k: _finish(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_finish(v) for v in obj]
    if isinstance(obj, tuple):
        return tuple(_finish(v) for v in obj)
    return obj


def _load_zip(f: Any) -> Any:
    with zipfile.ZipFile(f) as z:
        names = z.namelist()
        pkl = [n for n in names if n.endswith("data.pkl") and n.count("/") == 1]
        if not pkl:
            raise ValueError("load_state_dict: the zip file has no data.pkl: not a torch.save() checkpoint")
        prefix = pkl[0][: -len("data.pkl")]
        byteorder = "little"
        if prefix + "byteorder" in names:
            byteorder = z.read(prefix + "byteorder").decode().strip()
        storages: dict[str, _Storage] = {}

        def storage(st: _StorageType, key: str, numel: int) -> _Storage:
            if key not in storages:
                entry = f"{prefix}data/{key}"
                if entry not in names:
                    raise pickle.UnpicklingError(f"load_state_dict: storage '{key}' is missing from the file")
                raw = z.read(entry)
                dt = st.np.newbyteorder("<" if byteorder == "little" else ">")
                if len(raw) % dt.itemsize:
                    raise pickle.UnpicklingError(f"load_state_dict: storage '{key}' has a partial element")
                storages[key] = _Storage(np.frombuffer(raw, dt).astype(st.np))
            return storages[key]

        return _finish(_Unpickler(io.BytesIO(z.read(pkl[0])), storage).load())


def _load_legacy(f: Any) -> Any:
    def plain() -> Any:
        return _Unpickler(f, lambda *a: (_ for _ in ()).throw(pickle.UnpicklingError("unexpected storage"))).load()

    try:
        magic = plain()
    except Exception:  # noqa: BLE001 - any failure here means "not a checkpoint"
        raise ValueError("load_state_dict: not a PyTorch checkpoint (torch.save() file)") from None
    if magic != _LEGACY_MAGIC:
        raise ValueError("load_state_dict: not a PyTorch checkpoint (torch.save() file)")
    protocol = plain()
    if protocol != 1001:
        raise ValueError(f"load_state_dict: unsupported legacy checkpoint protocol {protocol}")
    plain()  # sys info
    storages: dict[str, _Storage] = {}

    def storage(st: _StorageType, key: str, numel: int) -> _Storage:
        if key not in storages:
            if numel < 0:
                raise pickle.UnpicklingError("load_state_dict: a storage has a negative size")
            storages[key] = _Storage(np.zeros(numel, st.np))
        return storages[key]

    result = _Unpickler(f, storage).load()
    keys = plain()
    for key in keys:
        s = storages.get(str(key))
        if s is None:
            raise ValueError(f"load_state_dict: the file stores data for unknown storage '{key}'")
        head = f.read(8)
        if len(head) != 8:
            raise ValueError("load_state_dict: the file is truncated")
        n = struct.unpack("<q", head)[0]
        if n != s.array.size:
            raise ValueError(f"load_state_dict: storage '{key}' holds {n} elements, expected {s.array.size}")
        raw = f.read(n * s.array.itemsize)
        if len(raw) != n * s.array.itemsize:
            raise ValueError("load_state_dict: the file is truncated")
        s.array[:] = np.frombuffer(raw, s.array.dtype.newbyteorder("<"))
    return _finish(result)


def load_pytorch(f: io.BytesIO) -> Any:
    """The object of a ``torch.save()`` file (zip or legacy format); tensors become rtorch_py tensors."""
    if zipfile.is_zipfile(f):
        f.seek(0)
        return _load_zip(f)
    f.seek(0)
    return _load_legacy(f)
