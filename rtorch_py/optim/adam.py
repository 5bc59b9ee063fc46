"""Adam and AdamW (PyTorch's single-tensor update, float32 rounding as libtorch's CPU kernels)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _check
from .._core.fma import fma32_rounded_twice
from .._core.tensor import Tensor
from ._kernels import addcdiv_, addcmul_, cdiv, fma, lerp_, lerp_weight, scalar, wide_scalar
from .optimizer import Optimizer, OptimizerState, _param_values, _zeros_like

__all__ = ["optim_adam", "optim_adamw"]

_F32 = np.dtype(np.float32)
_PLAIN = frozenset((float, int))  # hyperparameters whose scalars are kept between steps (not tensors, arrays)


class _FlatState:
    """A group's flat buffers for _Adam._group_flat (made by _flat_state)."""

    __slots__ = ("ids", "m", "v", "mv", "ab", "b2", "gr", "tmp", "tmp2", "wide", "wide_mv", "pieces", "ms", "vs",
                 "coef")

    def __init__(self, ids: list, m: np.ndarray, v: np.ndarray, mv: np.ndarray, ab: np.ndarray, b2: np.ndarray,
                 tmp2: np.ndarray, wide: np.ndarray, pieces: list, ms: list, vs: list) -> None:
        total = m.size
        self.ids = ids  # the parameters' ids, in order
        self.m, self.v, self.mv = m, v, mv  # exp_avg, exp_avg_sq: the halves of mv (adjacent: one fused mul-add)
        self.ab, self.b2 = ab, b2  # the fused multiply-add's factors: [g - m | g * (1 - b2)], [weight | g]
        self.gr = b2[total:]  # the gathered gradients
        self.tmp, self.tmp2 = ab[:total], tmp2  # scratch (tmp2's slices are ``pieces``: the increments)
        self.wide, self.wide_mv = (wide[:total], wide[total:]), wide  # float64 scratch: per half, whole
        self.pieces, self.ms, self.vs = pieces, ms, vs  # per parameter: its increment, exp_avg, exp_avg_sq views
        self.coef = None  # the lerp weight now in b2's first half


class _Adam(Optimizer):
    """The update shared by Adam and AdamW; ``_decoupled`` selects AdamW's weight decay."""

    _r_class = None  # an implementation detail, not an R class: printing skips it
    _decoupled = False
    _eps_what = "eps"  # how R torch's constructor checks name eps and weight_decay (they differ per class)
    _decay_what = "weight decay value"

    def _initialize(self, params: Any, lr: float, betas: Any, eps: float, weight_decay: float,
                    amsgrad: bool) -> None:
        """The constructor's checks and defaults, shared by optim_adam and optim_adamw."""
        self._nonneg(lr, "lr", "learning rate")
        self._nonneg(eps, "eps", self._eps_what)
        if not isinstance(betas, (list, tuple, np.ndarray)) or len(betas) != 2:
            raise _check.fail_type(type(self).__name__, "betas", "2 numbers", betas)
        for i, b in enumerate(betas, 1):  # R torch's message (1-based index); PyTorch requires b < 1, R b <= 1
            if not 0 <= self._number(b, "betas") <= 1:
                raise ValueError(f"Invalid beta parameter at index {i}")
        _check.flag(amsgrad, type(self).__name__, "amsgrad")
        self._nonneg(weight_decay, "weight_decay", self._decay_what)
        super().initialize(params, {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                                    "amsgrad": amsgrad})

    def step(self, closure: Any = None) -> Any:
        """One optimization step; returns ``closure()``'s loss, or None without a closure."""
        consts: dict = {}  # per (group, step, dtype): the scalars, made once per step, not per parameter
        return self._step_groups(closure, lambda group, param, g, p: self._loop(group, param, g, consts),
                                 self._group_flat)

    def _group_flat(self, group: dict, g: int) -> bool:
        """The multi-tensor update: a group of float32 parameters at the same step, without weight decay or
        amsgrad, is updated as ONE flat array (gradients gathered, the state living in flat buffers whose views
        are the per-parameter ``exp_avg`` / ``exp_avg_sq``, the parameters' increments computed flat and added
        to each parameter in place). Element by element it is the single-tensor update, so the results are
        identical; it only makes ~15 numpy calls per group instead of per parameter (exp_avg and exp_avg_sq
        adjacent in one buffer take their fused multiply-adds as one). Parameters without a
        gradient take no part. Returns False (the per-parameter loop runs) for anything else."""
        if group["amsgrad"] or group["weight_decay"] != 0:
            return False
        f32 = _F32
        state = self.state
        get = state._d.get if state.__class__ is OptimizerState else state.get
        params = []
        states = []
        grads = []
        st0 = step = None
        for q in _param_values(group["params"]):
            gq = q._grad
            if gq is None:
                continue
            d, gd = q._data, gq._data
            st = get(q)
            if step is None:
                st0, step = st, (0 if st is None else st["step"])
            # all at the same step: a parameter whose first gradient comes later starts at step 1 (own loop)
            # (dtypes by identity: numpy's float32 dtype is one object, and == on dtypes is a rich comparison)
            if d.dtype is not f32 and d.dtype != f32 or gd.dtype is not f32 and gd.dtype != f32 \
                    or gd.shape != d.shape or (st is None) is not (st0 is None) \
                    or st is not None and st["step"] != step:
                return False
            params.append(q)
            states.append(st)
            grads.append(gd)
        if len(params) < 2:
            return False
        fs = self._flat_state(g, params, states)
        m, v, gr, tmp, tmp2, wide, mv, ab, b2 = fs.m, fs.v, fs.gr, fs.tmp, fs.tmp2, fs.wide, fs.mv, fs.ab, fs.b2
        step += 1
        for st in states:
            st["step"] = step
        _decay, weight, beta2, one_minus_beta2, bias_correction2_sqrt, eps, neg_step_size = \
            self._constants(group, step, f32, g)
        np.concatenate(grads, axis=None, out=gr)
        coef, from_end = weight
        if from_end:  # (beta1 <= 0.5: the lerp starts from the gradient)
            lerp_(m, gr, weight, tmp, wide)
            np.multiply(v, beta2, out=v)
            addcmul_(v, gr, gr, one_minus_beta2, tmp, wide)
        else:
            # m.lerp_(g, w) = (g - m) * w + m and v.mul_(b2).addcmul_(g, g, 1 - b2) = (g * (1 - b2)) * g + v
            # as ONE fused multiply-add over [m | v] (adjacent in mv): the same elementwise operations as
            # lerp_ and addcmul_ (each product exact in float64, each sum rounded once to float32)
            n = gr.size
            if fs.coef is not coef:  # the multiplier's first half: the lerp weight (kept while it is;
                b2[:n] = coef  # a float32 value held in float64: exact in float32)
                fs.coef = coef
            np.subtract(gr, m, out=ab[:n])
            np.multiply(v, beta2, out=v)
            np.multiply(gr, one_minus_beta2, out=ab[n:])
            fma32_rounded_twice(ab, b2, mv, mv, fs.wide_mv)  # (gr is b2[n:]: the gradients were gathered there)
        np.sqrt(v, out=tmp)
        np.divide(tmp, bias_correction2_sqrt, out=tmp)
        np.add(tmp, eps, out=tmp)
        cdiv(m, tmp, neg_step_size, tmp2)  # param.addcdiv_(m, denom, value=-step_size): its term, flat
        for q, piece in zip(params, fs.pieces):
            d = q._data
            np.add(d, piece, out=d)
            q._version[0] += 1
        return True

    def _flat_state(self, g: int, params: list, states: list) -> _FlatState:
        """The group's flat buffers, (re)made when the parameters or their state tensors changed: the state's
        values are copied in and its tensors re-pointed to views of the flat buffers. ``states`` (the
        parameters' states, None where there is none yet) gets the states made here."""
        fs = self._scratch.get(("flat", g))
        if fs is not None and fs.ids == list(map(id, params)):
            for st, mv, vv in zip(states, fs.ms, fs.vs):
                if st is None or st["exp_avg"]._data is not mv or st["exp_avg_sq"]._data is not vv:
                    break
            else:
                return fs
        sizes = [q._data.size for q in params]
        total = sum(sizes)
        both = np.zeros(2 * total, np.float32)  # exp_avg and exp_avg_sq adjacent: one fused multiply-add for both
        m, v = both[:total], both[total:]
        ab = np.empty(2 * total, np.float32)  # the fused multiply-add's first factors (its scratch: ab[:total])
        b2 = np.empty(2 * total, np.float32)  # its second factors: [the lerp weight | the gathered gradients]
        wide = np.empty(2 * total)  # its float64 products (halves: _kernels.fma's scratch when not fused)
        offs = np.cumsum([0, *sizes])
        tmp2 = np.empty(total, np.float32)
        ms, vs, pieces = [], [], []
        for i, (q, st, a, b) in enumerate(zip(params, states, offs[:-1], offs[1:])):
            shape = q._data.shape
            mv, vv = m[a:b].reshape(shape), v[a:b].reshape(shape)
            if st is None:
                st = states[i] = self.state[q] = {"step": 0}
            else:
                mv[...] = st["exp_avg"]._data
                vv[...] = st["exp_avg_sq"]._data
            st["exp_avg"], st["exp_avg_sq"] = Tensor._wrap(mv), Tensor._wrap(vv)
            ms.append(mv)
            vs.append(vv)
            pieces.append(tmp2[a:b].reshape(shape))
        fs = _FlatState(list(map(id, params)), m, v, both, ab, b2, tmp2, wide, pieces, ms, vs)
        self._scratch[("flat", g)] = fs
        return fs

    def _constants(self, group: dict, step: int, dtype: np.dtype, g: int) -> tuple:
        """The step's scalars; those that do not depend on the step are kept per group and dtype while the
        group's hyperparameters stay the same (one entry each: schedulers change lr every step)."""
        beta1, beta2 = group["betas"]
        lr, weight_decay, eps = group["lr"], group["weight_decay"], group["eps"]
        hyper = (lr, beta1, beta2, weight_decay, eps)
        kept = self._scratch.get(("consts", g, dtype))
        if kept is None or not _PLAIN.issuperset(map(type, hyper)) or kept[0] != hyper:
            if weight_decay == 0:
                decay = None
            elif self._decoupled:
                decay = scalar(1 - lr * weight_decay, dtype)
            else:
                decay = wide_scalar(weight_decay, dtype)
            kept = self._scratch[("consts", g, dtype)] = (hyper, decay, lerp_weight(1 - beta1, dtype),
                                                          scalar(beta2, dtype), scalar(1 - beta2, dtype),
                                                          scalar(eps, dtype))
        _hyper, decay, weight, beta2_, one_minus_beta2, eps_ = kept
        return (decay, weight, beta2_, one_minus_beta2, scalar((1 - beta2**step) ** 0.5, dtype), eps_,
                scalar(-lr / (1 - beta1**step), dtype))

    def _loop(self, group: dict, param: Tensor, g: int, consts: dict) -> None:
        # PyTorch's _single_tensor_adam, operation by operation:
        #   m.lerp_(grad, 1 - b1); v.mul_(b2).addcmul_(grad, grad, value=1 - b2)
        #   denom = (v.sqrt() / sqrt(1 - b2^t)).add_(eps); param.addcdiv_(m, denom, value=-lr / (1 - b1^t))
        data = param._data
        st = self.state.get(param)
        if st is None:
            st = {"step": 0, "exp_avg": _zeros_like(param), "exp_avg_sq": _zeros_like(param)}
            if group["amsgrad"]:
                st["max_exp_avg_sq"] = _zeros_like(param)
            self.state[param] = st
        step = st["step"] = st["step"] + 1
        key = (g, step, data.dtype)
        c = consts.get(key)
        if c is None:
            c = consts[key] = self._constants(group, step, data.dtype, g)
        decay, weight, beta2, one_minus_beta2, bias_correction2_sqrt, eps, neg_step_size = c
        tmp, tmp2, wide = self._buffers(param, 2, True)
        grad = param._grad._data
        if decay is not None:
            if self._decoupled:
                np.multiply(data, decay, out=data)
            else:
                fma(data, decay, grad, tmp2, wide)  # grad.add(param, alpha=weight_decay)
                grad = tmp2
        m = st["exp_avg"]._data
        v = st["exp_avg_sq"]._data
        lerp_(m, grad, weight, tmp, wide)
        np.multiply(v, beta2, out=v)
        addcmul_(v, grad, grad, one_minus_beta2, tmp, wide)
        if group["amsgrad"]:
            vmax = st["max_exp_avg_sq"]._data
            np.maximum(vmax, v, out=vmax)
            np.sqrt(vmax, out=tmp)
        else:
            np.sqrt(v, out=tmp)
        np.divide(tmp, bias_correction2_sqrt, out=tmp)
        np.add(tmp, eps, out=tmp)
        addcdiv_(data, m, tmp, neg_step_size, tmp2)
        param._version[0] += 1


class optim_adam(_Adam):  # noqa: N801 - R torch's name
    r"""Adam (Kingma & Ba, 2014), R torch's ``optim_adam``.

    With gradient :math:`g_t` (plus ``weight_decay * param`` when set), step :math:`t`:
    :math:`m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t`, :math:`v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2`
    (``amsgrad``: :math:`\hat v_t = \max(\hat v_{t-1}, v_t)` is used instead of :math:`v_t`),
    :math:`\theta_t = \theta_{t-1} - \frac{lr}{1-\beta_1^t} \frac{m_t}{\sqrt{v_t}/\sqrt{1-\beta_2^t} + \epsilon}`.
    State per parameter: ``step``, ``exp_avg``, ``exp_avg_sq`` (``max_exp_avg_sq`` with amsgrad).

    Example:
        >>> x = torch_tensor([1.0, -2.0], requires_grad=True)
        >>> opt = optim_adam(x, lr=0.01)
        >>> (x * x).sum().backward()
        >>> opt.step()  # returns None (R's NULL)
        >>> x
        torch_tensor
         0.9900
        -1.9900
        [ CPUFloatType{2} ]
    """

    def initialize(self, params: Any, lr: float = 0.001, betas: tuple[float, float] = (0.9, 0.999),
                   eps: float = 1e-08, weight_decay: float = 0.0, amsgrad: bool = False) -> None:
        self._initialize(params, lr, betas, eps, weight_decay, amsgrad)


class optim_adamw(_Adam):  # noqa: N801 - R torch's name
    r"""AdamW (Loshchilov & Hutter, 2017): Adam with decoupled weight decay, R torch's ``optim_adamw``.

    Each step first shrinks the parameter, :math:`\theta \leftarrow \theta (1 - lr \cdot weight\_decay)`, then
    applies Adam's update to the plain gradient.

    Example:
        >>> x = torch_tensor([1.0], requires_grad=True)
        >>> opt = optim_adamw(x, lr=0.1, weight_decay=0.5)
        >>> (x * 0).sum().backward(); opt.step()
        >>> x
        torch_tensor
         0.9500
        [ CPUFloatType{1} ]
    """

    _decoupled = True
    _eps_what = "epsilon value"
    _decay_what = "weight_decay value"

    def initialize(self, params: Any, lr: float = 0.001, betas: tuple[float, float] = (0.9, 0.999),
                   eps: float = 1e-08, weight_decay: float = 0.01, amsgrad: bool = False) -> None:
        self._initialize(params, lr, betas, eps, weight_decay, amsgrad)
