"""Autocast state (R torch's ``with_autocast(device_type = "cpu")``): while enabled, the matrix-product and
convolution primitives (ops.matmul / addmm / linear, nn_ops.conv2d / conv_transpose2d: libtorch's CPU
"lower precision" list reaches them all) first cast their floating inputs other than float64 to ``dtype``
(a numpy dtype), as libtorch's autocast does. Per thread, as libtorch's."""

from __future__ import annotations

import threading
from typing import Any


class _State(threading.local):
    enabled = False
    dtype: Any = None


state = _State()
