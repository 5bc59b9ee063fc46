"""Reverse-mode autograd: grad mode, graph nodes and the engine.

A recorded op creates one :class:`Node`. Its ``next`` edges point at the inputs' nodes, or at the input tensor
itself when that input is a leaf requiring grad (its gradient accumulates into ``.grad``). Derivative rules
live in one table (``derivatives.py``); they are written with tensor ops, so the same rule serves first-order
gradients (run with grad mode off) and higher-order ones (``create_graph=True``). Undoing broadcasting and
casting back to the input's dtype happen here, once, not in each rule.
"""

from __future__ import annotations

import functools
import itertools
import operator
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["Node", "is_grad_enabled", "set_grad_enabled", "no_grad", "enable_grad", "backward", "grad"]


class _GradModeState(threading.local):
    """Grad mode is per thread, as in PyTorch: a thread evaluating under no_grad does not stop another from
    recording. (``enabled`` reads the class default until a thread sets its own.)"""

    enabled = True


_GradMode = _GradModeState()


class _AnomalyMode:
    """libtorch's anomaly detection flag: it changes the hint of backward's errors."""

    enabled = False


def is_grad_enabled() -> bool:
    """Whether ops are recorded for autograd now."""
    return _GradMode.enabled


def set_grad_enabled(mode: bool) -> None:
    """Turn recording of ops for autograd on or off."""
    _GradMode.enabled = bool(mode)


class _GradModeContext:
    """Context manager and decorator that sets grad mode and restores it on exit."""

    _mode = True

    def __enter__(self) -> None:
        self._prev = _GradMode.enabled
        _GradMode.enabled = self._mode

    def __exit__(self, *exc: object) -> None:
        _GradMode.enabled = self._prev

    def __call__(self, fn: Callable) -> Callable:
        mode = self._mode

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            prev = _GradMode.enabled
            _GradMode.enabled = mode
            try:
                return fn(*args, **kwargs)
            finally:
                _GradMode.enabled = prev

        return wrapper


class no_grad(_GradModeContext):  # noqa: N801 - torch's name
    """Disable gradient recording: ``with no_grad(): ...`` or ``@no_grad()``."""

    _mode = False


class enable_grad(_GradModeContext):  # noqa: N801 - torch's name
    """Enable gradient recording inside a no-grad region."""

    _mode = True


_seq = itertools.count()


class Node:
    """One recorded op: its backward rule, its edges to the inputs and what the rule needs.

    ``grad_fn`` objects are nodes; they print with libtorch's names (``MulBackward0``).
    """

    __slots__ = ("_name", "rule", "next", "meta", "saved", "versions", "seq", "pre_hooks", "has_out",
                 "__weakref__")

    def __init__(self, name: str, rule: Callable, next_: tuple, meta: tuple, saved: tuple,
                 versions: tuple, has_out: bool = False) -> None:
        self._name = name
        self.rule = rule  # rule(grad, *saved) -> one gradient (or None) per input
        self.next = next_  # per input: Node, leaf Tensor, or None (no gradient wanted)
        self.meta = meta  # per input: (shape, numpy dtype), to undo broadcasting and promotion
        self.saved = saved
        self.versions = versions  # ((version counter, version at save time, description), ...)
        self.seq = next(_seq)
        self.pre_hooks: list | None = None  # hooks on the output's gradient (register_hook, retain_grad)
        self.has_out = has_out  # whether saved holds a SavedOutput (unpacked per backward)

    def __repr__(self) -> str:
        return f"<{self._name}>"

    def r_format(self) -> str:
        """What R torch prints for ``x$grad_fn``: the bare node name."""
        return f"{self._name}\n"

    @property
    def name(self) -> _NodeName:
        """libtorch's name of the op (``MulBackward0``): a string, also callable as ``grad_fn.name()``."""
        return _NodeName(self._name)

    name.fget.r_method = True  # type: ignore[attr-defined] - R calls it: x$grad_fn$name()

    @name.setter
    def name(self, value: str) -> None:
        self._name = value

    def name_(self) -> str:
        """The name as a plain string."""
        return self._name

    @property
    def next_functions(self) -> tuple:
        """The nodes feeding this one (leaves appear as AccumulateGrad), as in torch (an output of a node with
        several outputs shows that node's)."""
        if self.rule is output_slot:
            return self.saved[0].next_functions
        return tuple(None if e is None else e if isinstance(e, Node) else _AccumulateGrad(e)
                     for e in self.next)


def output_slot(g: Any, node: Node, i: int, n: int) -> tuple:
    """The rule of output ``i`` of a node with ``n`` outputs (``ops.split``): its grad_fn, which the engine
    does not call: it puts the gradient into the node's slot ``i``; the node's rule then gets the list of its
    outputs' gradients (None where one got none) and fills its inputs' gradients at once (libtorch's
    multi-output nodes; a node per output gave each output a full-size gradient of the input to sum)."""
    raise RuntimeError(f"output_slot: the engine hands output {i} of {n} to {node!r}; it is not called")


class _NodeName(str):
    """A node's name: compares and prints as a string; calling it returns it, as torch's ``grad_fn.name()``."""

    __slots__ = ()

    def __call__(self) -> str:
        return str(self)


class _AccumulateGrad:
    __slots__ = ("variable",)

    def __init__(self, variable: Tensor) -> None:
        self.variable = variable

    def __repr__(self) -> str:
        return "<AccumulateGrad>"

    @property
    def name(self) -> _NodeName:
        return _NodeName("torch::autograd::AccumulateGrad")


class SavedOutput:
    """A node's own output saved for backward without a reference cycle (output -> node -> output).

    The rule gets it back as a tensor whose grad_fn is the node, so higher-order gradients flow through it.
    """

    __slots__ = ("data",)

    def __init__(self, data: np.ndarray) -> None:
        self.data = data


def _version_error(data: np.ndarray, expected: int, found: int) -> RuntimeError:
    from .dtype import from_numpy_dtype  # noqa: PLC0415

    desc = f"CPU{from_numpy_dtype(data.dtype).name}Type [{', '.join(map(str, data.shape))}]"
    return RuntimeError(
        "one of the variables needed for gradient computation has been modified by an inplace operation: "
        f"[{desc}], which is output 0 of its node; is at version {found}; expected version {expected} "
        "instead. Hint: " + ("the backtrace further above can help to find the operation that changed it."
                             if _AnomalyMode.enabled else
                             "enable anomaly detection to find the operation that failed to compute its "
                             "gradient, with torch.autograd.set_detect_anomaly(True).")
    )


def _collect(roots: Sequence[Node]) -> list[Node]:
    """All nodes reachable from the roots, newest first: a valid topological order (an op's inputs always
    come from older nodes) and the order libtorch's engine visits them in on one thread."""
    seen: set = set()  # nodes hash by identity
    order = []
    stack = list(roots)
    last = None
    descending = True  # whether the walk met the nodes newest first already (a chain of layers): no sort
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        order.append(node)
        if last is not None and node.seq > last:
            descending = False
        last = node.seq
        for e in node.next:
            if e.__class__ is Node and e not in seen:
                stack.append(e)
    if not descending:
        order.sort(key=_SEQ, reverse=True)  # sequence numbers are unique: no ties to order
    return order


_SEQ = operator.attrgetter("seq")


_FREED = ("<freed>",)  # a distinct object: an empty saved tuple is the shared ()


_LATE: tuple = ()


def _late() -> tuple:
    """(Tensor, ops.sum_to), imported on first use: both modules import this one."""
    global _LATE
    if not _LATE:
        from .ops import sum_to  # noqa: PLC0415
        from .tensor import Tensor  # noqa: PLC0415

        _LATE = (Tensor, sum_to)
    return _LATE


def run_backward(roots: Sequence, grads: Sequence, retain_graph: bool, create_graph: bool,
                 inputs: Sequence | None = None, allow_unused: bool = False) -> list | None:
    """The engine. roots: tensors; grads: their gradients (tensors). With ``inputs`` given (autograd_grad),
    returns the gradients of those tensors instead of accumulating into leaves' ``.grad``."""
    Tensor, sum_to = _late()

    buffers: dict[int, Tensor] = {}  # id(node or leaf) -> summed incoming gradient
    leaves: dict[int, Tensor] = {}
    root_nodes = []
    for t in (*roots, *(inputs or ())):
        if t._base is not None:
            t._sync_view()
    for t, g in zip(roots, grads):
        key = t._grad_fn if t._grad_fn is not None else t
        if t._grad_fn is not None:
            root_nodes.append(t._grad_fn)
        else:
            leaves[id(t)] = t
        _add_to(buffers, id(key), g)

    # Tensors asked for by autograd_grad: capture the gradient flowing into their node / leaf.
    wanted: dict[int, int] = {}
    if inputs is not None:
        for i, t in enumerate(inputs):
            wanted[id(t._grad_fn if t._grad_fn is not None else t)] = i
    captured: list = [None] * (len(inputs) if inputs is not None else 0)

    prev_mode = _GradMode.enabled
    _GradMode.enabled = create_graph
    slot = output_slot  # (a local: read once per node below)
    try:
        order = _collect(root_nodes)
        needed = _needed(order, wanted) if inputs is not None else None
        for node in order:
            key = id(node)
            g = buffers.pop(key, None)
            if g is None:
                continue
            if needed is not None and key not in needed and key not in wanted:
                continue  # autograd_grad runs only the nodes between its outputs and its inputs, as libtorch
            if node.pre_hooks:
                g = _run_hooks(node.pre_hooks, g)
            if wanted and key in wanted:
                captured[wanted[key]] = g
                if key not in needed:
                    continue
            saved = node.saved
            if node.rule is slot:  # an output of a multi-output node: its gradient waits in the node's slot
                slots = buffers.get(id(saved[0]))
                if slots is None:
                    buffers[id(saved[0])] = slots = [None] * saved[2]
                slots[saved[1]] = g
                continue
            if saved is _FREED:
                raise RuntimeError(
                    "Trying to backward through the graph a second time (or directly access saved tensors "
                    "after they have already been freed). Saved intermediate values of the graph are freed "
                    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
                    "backward through the graph a second time or if you need to access saved tensors after "
                    "calling backward."
                )
            versions = node.versions
            for counter, version, desc in versions:
                if counter[0] != version:
                    raise _version_error(desc, version, counter[0])
            if node.has_out:  # (a loop: a comprehension is a function call of its own)
                unpacked = []
                for s in saved:
                    unpacked.append(Tensor._from_saved(s, node) if s.__class__ is SavedOutput else s)
                saved = unpacked
            in_grads = node.rule(g, *saved)
            if versions and not retain_graph:  # libtorch only refuses nodes that saved tensors
                node.saved = _FREED
            if in_grads.__class__ is not tuple:
                in_grads = (in_grads,)
            for edge, gi, meta in zip(node.next, in_grads, node.meta):
                if edge is None or gi is None:
                    continue
                if gi.__class__ is not Tensor:
                    gi = Tensor._wrap(np.asarray(gi))
                d = gi._data
                if d.shape != meta[0]:
                    gi = sum_to(gi, meta[0])
                    d = gi._data
                dt = d.dtype
                if dt is not meta[1] and dt != meta[1]:  # (identity first: dtype == is a rich comparison)
                    gi = gi._to_np_dtype(meta[1])
                k = id(edge)
                if edge.__class__ is not Node:
                    leaves[k] = edge
                prev = buffers.get(k)
                buffers[k] = gi if prev is None else prev + gi  # (_add_to, inlined: the engine's inner loop)
    finally:
        _GradMode.enabled = prev_mode

    # Leaves last, each with its summed gradient (libtorch's AccumulateGrad: hooks, then .grad += g).
    for key, leaf in leaves.items():
        g = buffers.pop(key, None)
        if g is None:
            continue
        if inputs is not None and key not in wanted:
            continue  # autograd_grad stops at its inputs: libtorch never runs these leaves' hooks
        if leaf._hooks:
            g = _run_hooks(leaf._hooks, g)
        if key in wanted:
            captured[wanted[key]] = g
        elif inputs is None:
            leaf._accumulate_grad(g, create_graph)
    if inputs is not None:
        for i, c in enumerate(captured):
            if c is None and not allow_unused:
                raise RuntimeError(
                    f"One of the differentiated Tensors (input {i + 1}) appears to not have been used in the "
                    "graph. Set allow_unused=TRUE if this is the desired behavior."
                )
        return captured
    return None


def _needed(order: list, wanted: dict) -> set:
    """Ids of the nodes that lead to a wanted node or leaf (``order`` is newest first, so a node's inputs
    come after it: walk oldest first)."""
    reach = set(wanted)
    needed: set = set()
    for node in reversed(order):
        for e in node.next:
            if e is not None and id(e) in reach:
                needed.add(id(node))
                reach.add(id(node))
                break
    return needed


def _run_hooks(hooks: list, g: Tensor) -> Tensor:
    """Call the gradient hooks in order; a hook that returns a tensor replaces the gradient for the next,
    and must keep its type and size (libtorch's check_variable_result)."""
    Tensor = _late()[0]  # noqa: N806
    for i, hook in enumerate(list(hooks)):
        r = hook(g)
        # a hook that returns something else (R's print() returns its argument: a string) leaves the
        # gradient as it is, as in R torch (whose own tests register `function(grad) print("hello")`)
        if isinstance(r, Tensor):
            _check_hook_result(hook, i, g, r)
            g = r
    return g


def _check_hook_result(hook: Any, i: int, g: Tensor, r: Any) -> None:
    from .printing import TYPE_NAMES  # noqa: PLC0415

    name = getattr(hook, "__name__", None) or str(i)  # R closures: the hook's position, as libtorch's C++ hooks
    if r._data.dtype != g._data.dtype:
        was, got = (f"CPU{TYPE_NAMES.get(d, str(d))}Type" for d in (g._data.dtype, r._data.dtype))
        raise RuntimeError(f"hook '{name}' has changed the type of value (was {was} got {got})")
    if r._data.shape != g._data.shape:
        raise RuntimeError(f"hook '{name}' has changed the size of value")


def _add_to(buffers: dict, key: int, g: Tensor) -> None:
    prev = buffers.get(key)
    buffers[key] = g if prev is None else prev + g


def _expandable(shape: tuple, to: tuple) -> bool:
    if len(shape) > len(to):
        return False
    return all(a == b or a == 1 for a, b in zip(shape[::-1], to[::-1]))


def _check_roots(tensors: Sequence, grad_tensors: Sequence | None) -> list:
    Tensor = _late()[0]  # noqa: N806

    if grad_tensors is None:
        if len(tensors) == 1:  # loss.backward(): a scalar's seed gradient, no loop (every training step)
            t = tensors[0]
            d = t._data
            if t._requires_grad and d.shape == () and t.__class__ is Tensor:
                return [Tensor._wrap(np.array(1, dtype=d.dtype))]
        grad_tensors = [None] * len(tensors)
    out = []
    for t, g in zip(tensors, grad_tensors):
        if not t._requires_grad:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
        if g is None:
            if t._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            d = t._data  # (a scalar loss: np.array, a quarter of np.ones's cost)
            g = Tensor._wrap(np.array(1, dtype=d.dtype) if d.shape == () else np.ones(d.shape, dtype=d.dtype))
        elif not isinstance(g, Tensor):
            g = Tensor._wrap(np.asarray(g, dtype=t._data.dtype))
        if g._data.shape != t._data.shape and _expandable(t._data.shape, g._data.shape):
            g = _late()[1](g, t._data.shape)  # libtorch's engine sums a gradient the output expands to
        if g._data.shape != t._data.shape:
            raise RuntimeError(
                f"Mismatch in shape: grad_output[0] has a shape of {list(g._data.shape)} and output[0] has a "
                f"shape of {list(t._data.shape)}."
            )
        out.append(g)
    return out


def backward(tensors: Sequence, grad_tensors: Sequence | None = None, retain_graph: bool | None = None,
             create_graph: bool = False) -> None:
    """Accumulate d(tensors)/d(leaves) into the leaves' ``.grad``."""
    grads = _check_roots(tensors, grad_tensors)
    run_backward(tensors, grads, create_graph if retain_graph is None else retain_graph, create_graph)


def grad(outputs: Sequence, inputs: Sequence, grad_outputs: Sequence | None = None,
         retain_graph: bool | None = None, create_graph: bool = False, allow_unused: bool = False) -> list:
    """Gradients of outputs with respect to inputs, returned rather than accumulated."""
    grads = _check_roots(outputs, grad_outputs)
    for i, t in enumerate(inputs):
        if not t._requires_grad:
            raise RuntimeError(f"One of the differentiated Tensors (input {i + 1}) does not require grad")
    return run_backward(outputs, grads, create_graph if retain_graph is None else retain_graph,
                        create_graph, inputs=inputs, allow_unused=allow_unused)
