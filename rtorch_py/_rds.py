"""R's serialization format (``serialize()`` / ``unserialize()``, XDR binary, versions 2 and 3) for the plain
values that R torch's files hold: ``NULL``, logical / integer / double / character / raw vectors, lists,
their ``names``, ``class`` and ``dim`` attributes.

R torch's ``torch_save()`` stores the R side of a list (tensors replaced by their addresses) as R's
``serialize()`` output inside the safetensors file. Reading and writing it here lets the Python API load
lists saved from R and save lists that R loads, without R. Anything else R can serialize (functions,
environments) is refused with an error naming its type: only R can read those.

Python values: ``None`` <-> ``NULL``; a length-1 vector without attributes <-> a Python scalar (``NA`` is
``None``); longer vectors -> numpy arrays (character vectors: lists of ``str``; a Python list is always written as an R
list); ``dim`` gives the array its
shape (R's column-major order); raw <-> ``bytes``; an unnamed list <-> ``list``, a named list <-> ``dict``
(unnamed elements of a partly named list have their 1-based position as key; written back, keys are
names: an integer key becomes its text); a vector with a ``class``
attribute <-> :class:`RClassed`.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["RClassed", "r_serialize", "r_unserialize"]

_NILSXP, _SYMSXP, _LISTSXP, _CHARSXP, _LGLSXP, _INTSXP, _REALSXP = 0, 1, 2, 9, 10, 13, 14
_STRSXP, _VECSXP, _RAWSXP = 16, 19, 24
_REFSXP, _NILVALUE_SXP, _GLOBALENV_SXP, _EMPTYENV_SXP, _BASEENV_SXP = 255, 254, 253, 242, 241
_ALTREP_SXP, _ATTRLISTSXP = 238, 239
_IS_OBJECT, _HAS_ATTR, _HAS_TAG = 1 << 8, 1 << 9, 1 << 10
_UTF8 = 1 << 3
_NA_INT = -(2**31)
# R's NA_real_ is a NaN with low word 1954
_NA_REAL = struct.unpack(">d", bytes.fromhex("7ff00000000007a2"))[0]
_TYPE_NAMES = {3: "closure", 4: "environment", 5: "promise", 6: "language", 7: "special", 8: "builtin",
               15: "complex", 17: "dots", 20: "expression", 21: "bytecode", 22: "externalptr",
               23: "weakref", 25: "S4", 253: "environment", 242: "environment", 241: "environment"}


@dataclass
class RClassed:
    """An R value with a ``class`` attribute: ``value`` as this module converts it, ``classes`` its class."""

    value: Any
    classes: list[str]


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.buf = memoryview(data)
        self.pos = 0
        self.refs: list[Any] = []

    def take(self, n: int) -> memoryview:
        if n < 0 or self.pos + n > len(self.buf):
            raise ValueError("r_unserialize: the R serialization stream is truncated")
        out = self.buf[self.pos:self.pos + n]
        self.pos += n
        return out

    def int(self) -> int:
        return struct.unpack(">i", self.take(4))[0]

    def length(self) -> int:
        n = self.int()
        if n == -1:
            hi, lo = self.int(), self.int()
            n = (hi << 32) + lo
        return n

    def item(self) -> Any:
        flags = self.int()
        t = flags & 0xFF
        has_attr, has_tag = flags & _HAS_ATTR, flags & _HAS_TAG
        if t == _NILVALUE_SXP:
            return None
        if t == _REFSXP:
            i = flags >> 8 or self.int()
            return self.refs[i - 1]
        if t == _SYMSXP:
            name = self.item()  # a CHARSXP
            sym = _Symbol(name)
            self.refs.append(sym)
            return sym
        if t == _CHARSXP:
            n = self.int()
            return None if n == -1 else bytes(self.take(n)).decode("utf-8", errors="replace")
        if t == _LISTSXP:  # a pairlist: attributes of vectors, here a dict
            out: dict[str, Any] = {}
            while t == _LISTSXP:
                if has_attr:
                    self.item()
                tag = self.item() if has_tag else None
                out[tag.name if isinstance(tag, _Symbol) else str(len(out) + 1)] = self.item()
                flags = self.int()
                t, has_attr, has_tag = flags & 0xFF, flags & _HAS_ATTR, flags & _HAS_TAG
            if t != _NILVALUE_SXP:
                raise ValueError("r_unserialize: unsupported pairlist in the R serialization stream")
            return out
        if t == _ALTREP_SXP:
            return self._altrep()
        if t in (_LGLSXP, _INTSXP):
            n = self.length()
            data = np.frombuffer(self.take(4 * n), ">i4").astype(np.int32)
            value: Any = data
        elif t == _REALSXP:
            n = self.length()
            value = np.frombuffer(self.take(8 * n), ">f8").astype(np.float64)
        elif t == _STRSXP:
            n = self.length()
            value = [self.item() for _ in range(n)]
        elif t == _VECSXP:
            n = self.length()
            value = [self.item() for _ in range(n)]
        elif t == _RAWSXP:
            value = bytes(self.take(self.length()))
        else:
            raise ValueError(f"r_unserialize: the R object holds a value of type "
                             f"'{_TYPE_NAMES.get(t, t)}', which only R can read")
        attrs = self.item() if has_attr else {}
        return _convert(t, value, attrs)

    def _altrep(self) -> Any:
        info = self.item()
        state = self.item()
        attrs = self.item()
        cls = info.get("1").name if isinstance(info, dict) and isinstance(info.get("1"), _Symbol) else None
        if cls in ("compact_intseq", "compact_realseq"):
            n, start, step = (float(v) for v in np.atleast_1d(state))
            seq = start + step * np.arange(int(n))
            t = _INTSXP if cls == "compact_intseq" else _REALSXP
            return _convert(t, seq.astype(np.int32 if t == _INTSXP else np.float64), attrs or {})
        if cls and cls.startswith("wrap_") and isinstance(state, list):
            return state[0]
        raise ValueError(f"r_unserialize: unsupported compact R vector '{cls}' in the R serialization stream")


@dataclass
class _Symbol:
    name: str


def _convert(t: int, value: Any, attrs: dict) -> Any:
    attrs = attrs if isinstance(attrs, dict) else {}
    dim = attrs.get("dim")
    names = attrs.get("names")
    classes = attrs.get("class")
    if t == _LGLSXP:
        na = value == _NA_INT
        value = [None if m else bool(v) for v, m in zip(value, na)] if na.any() else value.astype(bool)
    elif t == _INTSXP:
        if (value == _NA_INT).any():
            value = [None if v == _NA_INT else int(v) for v in value]
    if t == _VECSXP:
        if names is not None:
            names = [names] if isinstance(names, str) else names
            value = {(nm if nm else i): v for i, (nm, v) in enumerate(zip(names, value), 1)}
    elif dim is not None and isinstance(value, np.ndarray):
        value = value.reshape(tuple(int(d) for d in np.atleast_1d(dim)), order="F")
    elif t in (_LGLSXP, _INTSXP, _REALSXP, _STRSXP) and len(value) == 1 and not attrs:
        v = value[0]
        value = v.item() if isinstance(v, np.generic) else v
    if classes is not None:
        return RClassed(value, [classes] if isinstance(classes, str) else list(classes))
    return value


def r_unserialize(data: bytes) -> Any:
    """The value of R's ``serialize(x, NULL)`` output (XDR format, versions 2 and 3).

    Example:
        >>> r_unserialize(r_serialize({"a": 1.5, "b": "x"}))
        {'a': 1.5, 'b': 'x'}
    """
    r = _Reader(bytes(data))
    if bytes(r.take(2)) != b"X\n":
        raise ValueError("r_unserialize: not R's XDR serialization format (R's serialize(x, NULL) output)")
    version = r.int()
    r.int()
    r.int()
    if version == 3:
        r.take(r.int())  # the native encoding
    elif version != 2:
        raise ValueError(f"r_unserialize: unsupported R serialization version {version}")
    return r.item()


# -- writing -------------------------------------------------------------------------------------------------

class _Strings(list):
    """A character vector to write (a plain Python list is an R list)."""


class _Writer:
    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.syms: dict[str, int] = {}

    def int(self, v: int) -> None:
        self.parts.append(struct.pack(">i", v))

    def length(self, n: int) -> None:
        if n < 2**31 - 1:
            self.int(n)
        else:
            self.int(-1)
            self.int(n >> 32)
            self.int(n & 0xFFFFFFFF)

    def charsxp(self, s: str | None) -> None:
        if s is None:
            self.int(_CHARSXP)
            self.int(-1)
            return
        b = s.encode("utf-8")
        ascii_ = all(c < 128 for c in b)
        self.int(_CHARSXP | ((1 << 6) if ascii_ else _UTF8) << 12)
        self.int(len(b))
        self.parts.append(b)

    def symbol(self, name: str) -> None:
        i = self.syms.get(name)
        if i is not None:
            self.int(_REFSXP | (i << 8))
            return
        self.int(_SYMSXP)
        self.charsxp(name)
        self.syms[name] = len(self.syms) + 1

    def attributes(self, attrs: list[tuple[str, Any]]) -> None:
        for tag, value in attrs:
            self.int(_LISTSXP | _HAS_TAG)
            self.symbol(tag)
            self.item(value)
        self.int(_NILVALUE_SXP)

    def vector(self, t: int, n: int, attrs: list[tuple[str, Any]], body: Any) -> None:
        is_obj = _IS_OBJECT if any(tag == "class" for tag, _ in attrs) else 0
        self.int(t | is_obj | (_HAS_ATTR if attrs else 0))
        self.length(n)
        body()
        if attrs:
            self.attributes(attrs)

    def item(self, x: Any, attrs: list[tuple[str, Any]] | None = None) -> None:
        attrs = list(attrs or [])
        if isinstance(x, RClassed):
            v = x.value
            if isinstance(v, list) and v and all(isinstance(e, str) for e in v):
                v = _Strings(v)  # a classed character vector, e.g. torch_tensor_address
            self.item(v, [*attrs, ("class", _Strings(x.classes))])
            return
        if x is None and not attrs:
            self.int(_NILVALUE_SXP)
            return
        if isinstance(x, (bool, np.bool_)):
            x = np.array([x])
        elif isinstance(x, (int, np.integer)):
            x = np.array([x], np.int32) if -(2**31) < x < 2**31 else np.array([x], np.float64)
        elif isinstance(x, (float, np.floating)):
            x = np.array([x], np.float64)
        elif isinstance(x, str):
            x = _Strings([x])
        if isinstance(x, (bytes, bytearray)):
            self.vector(_RAWSXP, len(x), attrs, lambda: self.parts.append(bytes(x)))
        elif isinstance(x, np.ndarray):
            if x.ndim > 1:
                attrs.append(("dim", np.array(x.shape, np.int32)))
            flat = x.ravel(order="F")
            kind = flat.dtype.kind
            if kind == "b":
                self.vector(_LGLSXP, flat.size, attrs, lambda: self.parts.append(flat.astype(">i4").tobytes()))
            elif kind in "iu" and (flat.size == 0 or (flat.min() > _NA_INT and flat.max() < 2**31)):
                self.vector(_INTSXP, flat.size, attrs, lambda: self.parts.append(flat.astype(">i4").tobytes()))
            elif kind in "iuf":
                self.vector(_REALSXP, flat.size, attrs, lambda: self.parts.append(flat.astype(">f8").tobytes()))
            elif kind in "UO":
                self.item(_Strings(str(v) for v in flat), attrs)
            else:
                raise TypeError(f"r_serialize: cannot write a numpy array of dtype {x.dtype} as an R value")
        elif isinstance(x, _Strings):
            self.vector(_STRSXP, len(x), attrs, lambda: [self.charsxp(v) for v in x])
        elif isinstance(x, (list, tuple)):
            self.vector(_VECSXP, len(x), attrs, lambda: [self.item(v) for v in x])
        elif isinstance(x, dict):
            values = list(x.values())
            self.vector(_VECSXP, len(values), [("names", _Strings(str(k) for k in x)), *attrs],
                        lambda: [self.item(v) for v in values])
        elif x is None:  # NULL with attributes cannot exist in R: an empty list carries them
            self.vector(_VECSXP, 0, attrs, lambda: None)
        else:
            raise TypeError(f"r_serialize: cannot write a value of type {type(x).__name__} as an R value")


def r_serialize(x: Any) -> bytes:
    """``x`` in R's ``serialize(x, NULL)`` format (XDR, version 3), readable by R's ``unserialize()``.

    Example:
        >>> r_serialize(None)[:2]
        b'X\\n'
    """
    w = _Writer()
    w.parts.append(b"X\n")
    w.int(3)
    w.int((4 << 16) | (2 << 8) | 2)  # written by R 4.2.2's format
    w.int((3 << 16) | (5 << 8))  # readable from R 3.5.0
    w.int(5)
    w.parts.append(b"UTF-8")
    w.item(x)
    return b"".join(w.parts)
