"""The R side of the data API (rtorch_py.data): calls from R's data wrappers (r_shim/R/data.R), with Python
errors handed back as classed R conditions (R torch signals ``runtime_error``, ``value_error`` ...)."""

from __future__ import annotations

from typing import Any

__all__ = ["r_data_call", "r_data_generator", "RCondition"]

_CLASSES = ((NotImplementedError, "not_implemented_error"), (IndexError, "index_error"),
            (TypeError, "type_error"), (ValueError, "value_error"), (RuntimeError, "runtime_error"))


class RCondition:
    """An error for R to signal with R torch's condition class (``stop(structure(class = c(cls, "error",
    "condition"), ...))`` in r_shim/R/data.R)."""

    __slots__ = ("cls", "message")
    __r_class__ = ("rt_condition",)

    def __init__(self, cls: str, message: str) -> None:
        self.cls, self.message = cls, message


def _condition(e: BaseException) -> RCondition:
    for klass, name in _CLASSES:
        if isinstance(e, klass):
            return RCondition(name, str(e))
    return RCondition("runtime_error", str(e) or type(e).__name__)


def r_data_call(obj: Any, method: str, *args: Any, **kwargs: Any) -> Any:
    """``obj.method(*args)`` (``obj`` NULL: the function ``method`` of rtorch_py.data); an exception comes back
    as an :class:`RCondition` (KeyboardInterrupt still interrupts)."""
    from .. import data  # noqa: PLC0415

    fn = getattr(data, method) if obj is None else getattr(obj, method)
    try:
        return fn(*args, **kwargs)
    except Exception as e:  # noqa: BLE001 - R signals it, classed
        return _condition(e)


_GENERATORS = ("TensorDataset", "SequentialSampler", "RandomSampler", "BatchSampler")


def r_data_generator(name: str) -> type:
    """The Python class behind one of R's built-in generators (``tensor_dataset``, the samplers), for
    ``dataset(inherit = tensor_dataset, ...)``: in R they are functions, made before Python starts."""
    import importlib  # noqa: PLC0415 - the modules: rtorch_py.data's attributes of these names are functions

    if name not in _GENERATORS:
        raise ValueError(f"no built-in data generator named {name!r}")
    for mod in ("rtorch_py.data.dataset", "rtorch_py.data.sampler"):
        found = getattr(importlib.import_module(mod), name, None)
        if found is not None:
            return found
    raise AssertionError(name)  # pragma: no cover - _GENERATORS names existing classes
