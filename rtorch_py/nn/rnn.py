"""Recurrent layers ``nn_rnn``, ``nn_lstm``, ``nn_gru`` (num_layers, batch_first, bidirectional, dropout
between layers), written from primitives so autograd does backpropagation through time.

Parameters are ordered as libtorch and named as R torch (layers 1-based: ``weight_ih_l1``, ``weight_hh_l1``,
``bias_ih_l1``, ``bias_hh_l1``, then ``*_l1_reverse``, then layer 2 ...) and all drawn from
U(-1/sqrt(hidden), 1/sqrt(hidden)) in that order. Gates are libtorch's: LSTM (i, f, g, o), GRU (r, z, n)
with ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))``.

Each layer consumes its input step by step as a list of tensors (never slicing a stacked tensor per step:
that would make the backward pass quadratic in the sequence length); the stacked output is built once.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import _check
from .._core import nn_ops as NO  # noqa: N812
from .._core import ops as O  # noqa: N812
from .._core.tensor import Tensor
from .functional import nnf_dropout
from .init import nn_init_uniform_
from .module import layer_tensor, nn_Module, nn_parameter
from .rnn_utils import PackedSequence

__all__ = ["nn_rnn", "nn_lstm", "nn_gru"]


def _suffix(layer: int, d: int) -> str:
    # R torch names layers from 1 (libtorch's weight_ih_l0 is R torch's weight_ih_l1)
    return f"_l{layer + 1}" + ("_reverse" if d else "")


def _rows(state: Any, n: int) -> Any:
    """The first ``n`` batch rows of a state (a tensor, or LSTM's (h, c))."""
    if isinstance(state, tuple):
        return tuple(NO.narrow(s, 0, 0, n) for s in state)
    return NO.narrow(state, 0, 0, n)


def _merge(new: Any, old: Any, n: int) -> Any:
    """``new`` for the first ``n`` rows, ``old`` for the rest (sequences that have finished or not started)."""
    if isinstance(new, tuple):
        return tuple(_merge(a, b, n) for a, b in zip(new, old))
    return O.cat([new, NO.narrow(old, 0, n, old.shape[0] - n)], 0)


class _RNNBase(nn_Module):
    _gates = 1
    _mode = "RNN_TANH"

    @property
    def mode(self) -> str:
        """libtorch's mode name: "RNN_TANH", "RNN_RELU", "LSTM" or "GRU"."""
        if self._mode == "RNN_TANH" and getattr(self, "nonlinearity", "tanh") == "relu":
            return "RNN_RELU"
        return self._mode

    def _setup(self, fn: str, input_size: Any, hidden_size: Any, num_layers: Any, bias: bool, batch_first: bool,
               dropout: float, bidirectional: bool) -> None:
        self.input_size = _check.integer(input_size, fn, "input_size")
        self.hidden_size = _check.integer(hidden_size, fn, "hidden_size")
        self.num_layers = _check.integer(num_layers, fn, "num_layers")
        if self.hidden_size <= 0:
            raise ValueError(f"{fn}: hidden_size must be greater than zero, got {self.hidden_size}")
        if self.num_layers <= 0:
            raise ValueError(f"{fn}: num_layers must be greater than zero, got {self.num_layers}")
        dropout = _check.number(dropout, fn, "dropout")
        if not 0 <= dropout <= 1:
            raise ValueError(f"{fn}: dropout should be a number in range [0, 1] representing the probability of an "
                             f"element being zeroed, got {dropout}")
        self.bias = bool(bias)
        self.batch_first = bool(batch_first)
        self.dropout = dropout
        self.bidirectional = bool(bidirectional)
        dirs = 2 if self.bidirectional else 1
        g, h = self._gates * self.hidden_size, self.hidden_size
        for layer in range(self.num_layers):
            in_size = self.input_size if layer == 0 else h * dirs
            for d in range(dirs):
                sfx = _suffix(layer, d)
                setattr(self, "weight_ih" + sfx, nn_parameter(layer_tensor((g, in_size))))
                setattr(self, "weight_hh" + sfx, nn_parameter(layer_tensor((g, h))))
                if self.bias:
                    setattr(self, "bias_ih" + sfx, nn_parameter(layer_tensor((g,))))
                    setattr(self, "bias_hh" + sfx, nn_parameter(layer_tensor((g,))))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for w in self.named_parameters(recursive=False).values():
            nn_init_uniform_(w, -stdv, stdv)

    def _weights(self, layer: int, d: int) -> tuple:
        sfx = _suffix(layer, d)
        p = self._parameters
        return (p["weight_ih" + sfx], p["weight_hh" + sfx], p.get("bias_ih" + sfx), p.get("bias_hh" + sfx))

    def _cell(self, x: Tensor, state: Any, w: tuple) -> tuple[Tensor, Any]:
        raise NotImplementedError

    def _whole_layers(self) -> bool:
        """Whether ``_layers_whole`` (one node per layer and direction) serves this (unpacked) call."""
        return False

    def _layers_whole(self, x: Tensor, states: list) -> tuple[Tensor, list]:
        raise NotImplementedError

    def _check(self, input: Tensor, fn: str) -> None:
        _check.tensor(input, fn, "input")
        if input.ndim not in (2, 3):
            raise ValueError(f"{fn}: Expected input to be 2D or 3D, got {input.ndim}D tensor")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"{fn}: input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                               f"got {input.shape[-1]}")

    def _run(self, input: Any, hx: Any, fn: str) -> tuple[Any, list, bool]:
        if isinstance(input, PackedSequence):
            return self._run_packed(input, hx, fn)
        self._check(input, fn)
        batched = input.ndim == 3
        x = input
        if not batched:
            x = O.unsqueeze(x, 1)
        elif self.batch_first:
            x = O.transpose(x, 0, 1)
        steps, batch = x.shape[0], x.shape[1]
        dirs = 2 if self.bidirectional else 1
        states = self._initial_states(hx, batched, batch, dirs, x, fn)
        if steps and self._whole_layers():
            out, finals = self._layers_whole(x, states)
        else:
            inputs = [O.index(x, t) for t in range(steps)]  # x rarely requires grad: these views are free
            out, finals = self._layers(inputs, states, None)
        if not batched:
            out = O.squeeze(out, 1)
        elif self.batch_first:
            out = O.transpose(out, 0, 1)
        return out, finals, batched

    def _run_packed(self, input: PackedSequence, hx: Any, fn: str) -> tuple[PackedSequence, list, bool]:
        data = input.data
        if data.ndim != 2 or data.shape[-1] != self.input_size:
            raise RuntimeError(f"{fn}: packed input data must be (sum of lengths, {self.input_size}), got "
                               f"{list(data.shape)}")
        bs = input._bs.tolist()
        batch = bs[0] if bs else 0
        dirs = 2 if self.bidirectional else 1
        if hx is not None and input._sorted is not None:  # the user's states follow the original batch order
            perm = Tensor._wrap(input._sorted)
            hx = [O.index(h, (slice(None), perm)) for h in hx] if isinstance(hx, (list, tuple)) else \
                O.index(hx, (slice(None), perm))
        states = self._initial_states(hx, True, batch, dirs, data, fn)
        inputs = O.split(data, 0, bs)
        out, finals = self._layers(inputs, states, bs, stack=False)
        if input._unsorted is not None:
            back = Tensor._wrap(input._unsorted)
            finals = [tuple(O.index(s, back) for s in f) if isinstance(f, tuple) else O.index(f, back)
                      for f in finals]
        return PackedSequence(out, input._bs, input._sorted, input._unsorted), finals, True

    def _layers(self, inputs: list, states: list, bs: list | None, stack: bool = True) -> tuple[Tensor, list]:
        """Every layer and direction over the per-step inputs; ``bs``: active rows per step (packed input)."""
        steps = len(inputs)
        dirs = 2 if self.bidirectional else 1
        finals = []
        for layer in range(self.num_layers):
            outs = []
            for d in range(dirs):
                w = self._weights(layer, d)
                state = states[layer * dirs + d]
                ys: list = [None] * steps
                order = range(steps) if d == 0 else range(steps - 1, -1, -1)
                for t in order:
                    n = None if bs is None else bs[t]
                    if n is None or n == (state[0] if isinstance(state, tuple) else state).shape[0]:
                        y, state = self._cell(inputs[t], state, w)
                    else:
                        y, new = self._cell(inputs[t], _rows(state, n), w)
                        state = _merge(new, state, n)
                    ys[t] = y
                outs.append(ys)
                finals.append(state)
            inputs = outs[0] if dirs == 1 else [O.cat([a, b], 1) for a, b in zip(*outs)]
            if self.dropout and self.training and layer < self.num_layers - 1:
                # One mask per step, in step order: the same draws as libtorch's mask over (T, B, H * dirs).
                inputs = [nnf_dropout(v, self.dropout, True) for v in inputs]
        return (O.stack(inputs, 0) if stack else O.cat(inputs, 0)), finals

    def _initial_states(self, hx: Any, batched: bool, batch: int, dirs: int, x: Tensor, fn: str) -> list:
        n = self.num_layers * dirs
        shape = (n, batch, self.hidden_size)
        parts = self._split_hx(hx)
        out = []
        for k, h in enumerate(parts):
            if h is None:
                h = Tensor._wrap(np.zeros(shape, dtype=x._data.dtype))
            else:
                if not isinstance(h, Tensor):
                    raise TypeError(f"{fn}: hx must be a tensor (or, for nn_lstm, a list of two tensors)")
                if not batched:
                    if h.ndim != 2:
                        raise RuntimeError(f"{fn}: For unbatched 2-D input, hx should also be 2-D but got "
                                           f"{h.ndim}-D tensor")
                    h = O.unsqueeze(h, 1)
                if tuple(h.shape) != shape:
                    raise RuntimeError(f"{fn}: Expected hidden{'[' + str(k) + ']' if len(parts) > 1 else ''} size "
                                       f"({', '.join(map(str, shape))}), got [{', '.join(map(str, h.shape))}]")
            out.append([O.index(h, i) for i in range(n)])
        return [tuple(p[i] for p in out) if len(out) > 1 else out[0][i] for i in range(n)]

    def _split_hx(self, hx: Any) -> list:
        return [hx]

    def _finish(self, finals: list, batched: bool) -> Tensor:
        h = O.stack(finals, 0)
        return h if batched else O.squeeze(h, 1)


def _linear(x: Tensor, w: Tensor, b: Tensor | None) -> Tensor:
    return O.linear(x, w, b)


class nn_rnn(_RNNBase):  # noqa: N801
    """Elman RNN: h_t = tanh(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh) (or relu). ``forward(input, hx)`` returns
    ``list(output, h_n)``; input (L, N, H_in), or (N, L, H_in) with ``batch_first``.

    Example:
        >>> out = nn_rnn(4, 8)(torch_randn(5, 2, 4)); out[0].shape, out[1].shape
        ((5, 2, 8), (1, 2, 8))
    """

    def initialize(self, input_size: int, hidden_size: int, num_layers: int = 1, nonlinearity: str | None = None,
                   bias: bool = True, batch_first: bool = False, dropout: float = 0,
                   bidirectional: bool = False) -> None:
        nl = "tanh" if nonlinearity is None else nonlinearity
        if nl not in ("tanh", "relu"):
            raise ValueError(f"nn_rnn: Unknown nonlinearity '{nl}'. Select from 'tanh' or 'relu'.")
        self.nonlinearity = nl
        self._setup("nn_rnn", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional)

    def _cell(self, x: Tensor, h: Tensor, w: tuple) -> tuple[Tensor, Tensor]:
        w_ih, w_hh, b_ih, b_hh = w
        pre = O.add(_linear(x, w_ih, b_ih), _linear(h, w_hh, b_hh))
        h = O.tanh(pre) if self.nonlinearity == "tanh" else O.relu(pre)
        return h, h

    def forward(self, input: Tensor, hx: Tensor | None = None) -> list:
        out, finals, batched = self._run(input, hx, "nn_rnn")
        return [out, self._finish(finals, batched)]


class nn_lstm(_RNNBase):  # noqa: N801
    """Long short-term memory. ``forward(input, hx = list(h_0, c_0))`` returns ``list(output, list(h_n, c_n))``.

    Example:
        >>> out = nn_lstm(4, 8, num_layers=2)(torch_randn(5, 2, 4)); out[1][1].shape
        (2, 2, 8)
    """

    _gates = 4
    _mode = "LSTM"

    def initialize(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                   batch_first: bool = False, dropout: float = 0, bidirectional: bool = False) -> None:
        self._setup("nn_lstm", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional)

    def _split_hx(self, hx: Any) -> list:
        if hx is None:
            return [None, None]
        if not isinstance(hx, (list, tuple)) or len(hx) != 2:
            raise TypeError("nn_lstm: hx must be a list of two tensors (h_0, c_0)")
        return list(hx)

    def _cell(self, x: Tensor, state: tuple, w: tuple) -> tuple[Tensor, tuple]:
        h, c = state
        w_ih, w_hh, b_ih, b_hh = w
        hs = self.hidden_size
        gates = O.add(_linear(x, w_ih, b_ih), _linear(h, w_hh, b_hh))
        i = O.sigmoid(NO.narrow(gates, 1, 0, hs))
        f = O.sigmoid(NO.narrow(gates, 1, hs, hs))
        g = O.tanh(NO.narrow(gates, 1, 2 * hs, hs))
        o = O.sigmoid(NO.narrow(gates, 1, 3 * hs, hs))
        c = O.add(O.mul(f, c), O.mul(i, g))
        h = O.mul(o, O.tanh(c))
        return h, (h, c)

    def _whole_layers(self) -> bool:
        # Dropout between layers draws one mask per step (libtorch's order): the step-wise path keeps it.
        return not (self.dropout and self.training and self.num_layers > 1)

    def _layers_whole(self, x: Tensor, states: list) -> tuple[Tensor, list]:
        """Each layer and direction as one ``lstm_layer`` node: (T, 2, B, H) per direction; its hidden states
        are the layer's output and the last step's (the first step's, reversed) states the final ones."""
        dirs = 2 if self.bidirectional else 1
        last = x.shape[0] - 1
        finals = []
        for layer in range(self.num_layers):
            outs = []
            for d in range(dirs):
                h0, c0 = states[layer * dirs + d]
                y = NO.lstm_layer(x, h0, c0, *self._weights(layer, d), reverse=d == 1)
                outs.append(O.select(y, 1, 0))
                t = last if d == 0 else 0
                finals.append((O.index(y, (t, 0)), O.index(y, (t, 1))))
            x = outs[0] if dirs == 1 else O.cat(outs, 2)
        return x, finals

    def forward(self, input: Tensor, hx: Any = None) -> list:
        out, finals, batched = self._run(input, hx, "nn_lstm")
        return [out, [self._finish([s[0] for s in finals], batched), self._finish([s[1] for s in finals], batched)]]


class nn_gru(_RNNBase):  # noqa: N801
    """Gated recurrent unit. ``forward(input, hx)`` returns ``list(output, h_n)``.

    Example:
        >>> out = nn_gru(4, 8, bidirectional=True)(torch_randn(5, 2, 4)); out[0].shape
        (5, 2, 16)
    """

    _gates = 3
    _mode = "GRU"

    def initialize(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                   batch_first: bool = False, dropout: float = 0, bidirectional: bool = False) -> None:
        self._setup("nn_gru", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional)

    def _cell(self, x: Tensor, h: Tensor, w: tuple) -> tuple[Tensor, Tensor]:
        w_ih, w_hh, b_ih, b_hh = w
        hs = self.hidden_size
        gi = _linear(x, w_ih, b_ih)
        gh = _linear(h, w_hh, b_hh)

        def part(t: Tensor, k: int) -> Tensor:
            return NO.narrow(t, 1, k * hs, hs)

        r = O.sigmoid(O.add(part(gi, 0), part(gh, 0)))
        z = O.sigmoid(O.add(part(gi, 1), part(gh, 1)))
        n = O.tanh(O.add(part(gi, 2), O.mul(r, part(gh, 2))))
        h = O.add(O.mul(O.sub(h, n), z), n)
        return h, h

    def forward(self, input: Tensor, hx: Tensor | None = None) -> list:
        out, finals, batched = self._run(input, hx, "nn_gru")
        return [out, self._finish(finals, batched)]
