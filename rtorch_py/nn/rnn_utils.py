"""Packed sequences, as R torch's ``nn_utils_rnn_*``: a ``PackedSequence`` holds the time steps of a batch of
variable-length sequences (sorted longest first) one after the other: ``data`` (sum of lengths, *),
``batch_sizes`` (how many sequences are still running at each step), ``sorted_indices`` /
``unsorted_indices`` (the sort permutation and its inverse; 1-based when read from R). Packing and padding are
index gathers (one ``index`` op), so gradients flow through them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._core import ops as O  # noqa: N812
from .._core.tensor import Tensor
from .._r import one_based

__all__ = [
    "PackedSequence", "nn_utils_rnn_pack_padded_sequence", "nn_utils_rnn_pack_sequence",
    "nn_utils_rnn_pad_packed_sequence", "nn_utils_rnn_pad_sequence", "is_packed_sequence",
]


def _wrap_idx(a: np.ndarray | None) -> Tensor | None:
    return None if a is None else Tensor._wrap(np.asarray(a, dtype=np.int64))


class PackedSequence:
    """A packed batch of sequences (see the module docstring); built by ``nn_utils_rnn_pack_*``.

    Example:
        >>> p = nn_utils_rnn_pack_sequence([torch_tensor([1, 2, 3]), torch_tensor([4, 5])])
        >>> p.batch_sizes._data.tolist(), p.data._data.tolist()
        ([2, 2, 1], [1, 4, 2, 5, 3])
    """

    def __init__(self, data: Tensor, batch_sizes: np.ndarray, sorted_indices: np.ndarray | None,
                 unsorted_indices: np.ndarray | None) -> None:
        self.data = data
        self._bs = np.asarray(batch_sizes, dtype=np.int64)
        self._sorted = None if sorted_indices is None else np.asarray(sorted_indices, dtype=np.int64)
        self._unsorted = None if unsorted_indices is None else np.asarray(unsorted_indices, dtype=np.int64)

    @property
    def batch_sizes(self) -> Tensor:
        """Sequences running at each time step (int64)."""
        return _wrap_idx(self._bs)

    @property
    def sorted_indices(self) -> Tensor | None:
        """The batch positions sorted by decreasing length (1-based)."""
        return None if self._sorted is None else one_based(_wrap_idx(self._sorted), "Indices1")

    @property
    def unsorted_indices(self) -> Tensor | None:
        """The inverse permutation of ``sorted_indices`` (1-based)."""
        return None if self._unsorted is None else one_based(_wrap_idx(self._unsorted), "Indices1")

    def _positions(self) -> tuple[np.ndarray, np.ndarray]:
        """(time step, sorted batch row) of every row of ``data``."""
        bs = self._bs
        steps = np.repeat(np.arange(len(bs)), bs)
        rows = np.arange(bs.sum()) - np.repeat(np.cumsum(bs) - bs, bs)
        return steps, rows

    def __repr__(self) -> str:
        return f"PackedSequence(data: {list(self.data.shape)}, batch_sizes: {self._bs.tolist()})"


def is_packed_sequence(x: Any) -> bool:
    """Whether ``x`` is a PackedSequence."""
    return isinstance(x, PackedSequence)


def _lengths(lengths: Any, fn: str) -> np.ndarray:
    if isinstance(lengths, Tensor):
        arr = lengths._data
    else:
        arr = np.asarray(lengths)
    arr = np.asarray(arr).reshape(-1)
    if arr.dtype.kind == "f":
        if not np.all(arr == np.floor(arr)):
            raise ValueError(f"{fn}: `lengths` must be whole numbers, got {arr.tolist()}")
    return arr.astype(np.int64)


def nn_utils_rnn_pack_padded_sequence(input: Tensor, lengths: Any, batch_first: bool = False,
                                      enforce_sorted: bool = True) -> PackedSequence:
    """Pack a padded batch (T, B, *) (or (B, T, *) with ``batch_first``) of sequences of ``lengths``.

    With ``enforce_sorted = FALSE`` the sequences are sorted by decreasing length first (the permutation is
    kept in the result); otherwise they must already be.

    Example:
        >>> x = torch_tensor([[1, 2, 0], [3, 4, 5]])
        >>> p = nn_utils_rnn_pack_padded_sequence(x, c(2, 3), batch_first=True, enforce_sorted=False)
        >>> p.data._data.tolist()
        [3, 1, 4, 2, 5]
    """
    fn = "nn_utils_rnn_pack_padded_sequence"
    if not isinstance(input, Tensor):
        raise TypeError(f"{fn}: `input` must be a tensor, got {type(input).__name__}")
    lens = _lengths(lengths, fn)
    if input.ndim < 2:
        raise RuntimeError(f"{fn}: `input` must have at least 2 dimensions, got shape {list(input.shape)}")
    x = O.transpose(input, 0, 1) if batch_first else input
    T, B = x.shape[0], x.shape[1]
    if lens.size != B:
        raise RuntimeError(f"{fn}: Expected `len(lengths)` to be equal to batch_size, but got {lens.size} "
                           f"(batch_size={B})")
    if lens.size and (lens.min() <= 0):
        raise RuntimeError(f"{fn}: Length of all samples has to be greater than 0, but found an element in "
                           f"'lengths' that is <= 0 (lengths {lens.tolist()})")
    if lens.size and lens.max() > T:
        raise RuntimeError(f"{fn}: lengths {lens.tolist()} exceed the sequence length {T} of `input`")
    if enforce_sorted:
        if np.any(np.diff(lens) > 0):
            raise RuntimeError(f"{fn}: `lengths` array must be sorted in decreasing order when `enforce_sorted` is "
                               f"True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or "
                               f"pack_sequence to sidestep this requirement if you do not need ONNX exportability. "
                               f"(lengths {lens.tolist()})")
        sorted_idx = unsorted_idx = None
        order = np.arange(B)
    else:
        order = np.argsort(-lens, kind="stable")
        sorted_idx = order
        unsorted_idx = np.empty_like(order)
        unsorted_idx[order] = np.arange(B)
    slens = lens[order]
    bs = (slens[None, :] > np.arange(int(slens[0]) if B else 0)[:, None]).sum(1)
    steps = np.repeat(np.arange(len(bs)), bs)
    rows = np.arange(bs.sum()) - np.repeat(np.cumsum(bs) - bs, bs)
    data = O.index(x, (Tensor._wrap(steps), Tensor._wrap(order[rows])))
    return PackedSequence(data, bs, sorted_idx, unsorted_idx)


def nn_utils_rnn_pad_sequence(sequences: Sequence[Tensor], batch_first: bool = False, padding_value: float = 0,
                              padding_side: str = "right") -> Tensor:
    """Stack sequences of different lengths (L_i, *) into one (T, B, *) tensor (or (B, T, *)), padded with
    ``padding_value``.

    Example:
        >>> nn_utils_rnn_pad_sequence([torch_ones(3, 2), torch_ones(1, 2)]).shape
        (3, 2, 2)
    """
    fn = "nn_utils_rnn_pad_sequence"
    seqs = list(sequences)
    if not seqs or not all(isinstance(s, Tensor) for s in seqs):
        raise TypeError(f"{fn}: `sequences` must be a non-empty list of tensors")
    if padding_side not in ("right", "left"):
        raise ValueError(f"{fn}: padding_side must be 'left' or 'right', got {padding_side!r}")
    trail = seqs[0].shape[1:]
    for s in seqs:
        if s.ndim == 0 or s.shape[1:] != trail:
            raise RuntimeError(f"{fn}: every sequence must be (L, {', '.join(map(str, trail))}), got "
                               f"{list(s.shape)}")
    T = max(s.shape[0] for s in seqs)
    parts = []
    for s in seqs:
        n = T - s.shape[0]
        if n:
            pad = O.fill(Tensor._wrap(np.empty((n,) + trail, dtype=s._data.dtype)), padding_value)
            s = O.cat([s, pad] if padding_side == "right" else [pad, s], 0)
        parts.append(s)
    return O.stack(parts, 0 if batch_first else 1)


def nn_utils_rnn_pack_sequence(sequences: Sequence[Tensor], enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of sequences (L_i, *) (pad_sequence then pack_padded_sequence).

    Example:
        >>> nn_utils_rnn_pack_sequence([torch_ones(2), torch_ones(1)]).batch_sizes._data.tolist()
        [2, 1]
    """
    seqs = list(sequences)
    lens = [s.shape[0] if isinstance(s, Tensor) and s.ndim else 0 for s in seqs]
    return nn_utils_rnn_pack_padded_sequence(nn_utils_rnn_pad_sequence(seqs), lens, enforce_sorted=enforce_sorted)


def nn_utils_rnn_pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False, padding_value: float = 0,
                                     total_length: int | None = None) -> list:
    """Undo packing: ``list(padded, lengths)`` with padded (T, B, *) (or (B, T, *)) in the original batch order.

    Example:
        >>> p = nn_utils_rnn_pack_sequence([torch_tensor([1, 2]), torch_tensor([3])])
        >>> out = nn_utils_rnn_pad_packed_sequence(p, batch_first=True); out[0]._data.tolist()
        [[1, 2], [3, 0]]
    """
    fn = "nn_utils_rnn_pad_packed_sequence"
    if not isinstance(sequence, PackedSequence):
        raise TypeError(f"{fn}: `sequence` must be a PackedSequence, got {type(sequence).__name__}")
    bs = sequence._bs
    B = int(bs[0]) if bs.size else 0
    T = len(bs)
    if total_length is not None:
        total = int(total_length)
        if total < T:
            raise ValueError(f"{fn}: Expected total_length to be at least the length of the longest sequence {T}, "
                             f"but got total_length={total}")
        T = total
    steps, rows = sequence._positions()
    data = sequence.data
    trail = data.shape[1:]
    flat = steps * B + rows
    # scatter the packed rows into a (T * B, *) block of padding (index_put keeps the gradient to `data`)
    base = O.fill(Tensor._wrap(np.empty((T * B,) + trail, dtype=data._data.dtype)), padding_value)
    padded = O.reshape(O.index_put(base, (Tensor._wrap(flat),), data), (T, B) + trail)
    lengths = (bs[None, :] > np.arange(B)[:, None]).sum(1)
    if sequence._unsorted is not None:
        padded = O.index(padded, (slice(None), Tensor._wrap(sequence._unsorted)))
        lengths = lengths[sequence._unsorted]
    if batch_first:
        padded = O.transpose(padded, 0, 1)
    return [padded, Tensor._wrap(lengths.astype(np.int64))]
