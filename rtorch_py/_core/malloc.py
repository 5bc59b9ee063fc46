"""glibc malloc settings for large numpy temporaries.

numpy allocates every result afresh. glibc serves blocks above its mmap threshold with fresh mmap()s, and
returns freed heap tops to the system past its trim threshold, so each large temporary (a 10000x512
activation is 20 MB) costs thousands of page faults when it is first written. Raising both thresholds keeps
such blocks in the heap for reuse: the BIG benchmark's training step runs about 15% faster. PyTorch avoids
the cost with its own allocator; numpy has none.

Applied once at import (Linux/glibc only); ``RTORCH_MALLOPT=0`` in the environment leaves malloc alone.
The cost: up to the trim threshold (512 MB) of freed memory can stay mapped to the process.
"""

from __future__ import annotations

import ctypes
import os
import sys

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 << 20  # glibc's largest allowed value on 64-bit systems
TRIM_THRESHOLD = 512 << 20


def tune_malloc() -> bool:
    """Raise glibc's mmap and trim thresholds; returns whether both settings took effect."""
    if os.environ.get("RTORCH_MALLOPT", "1") == "0" or not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):  # not glibc (musl, ...): nothing to tune
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))
