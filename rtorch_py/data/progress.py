"""An optional progress display for long epochs: ``for batch in progress(dl): ...``."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import Any, TextIO


def progress(loader: Iterable[Any], every: float = 0.5, file: TextIO | None = None,
             label: str = "batch") -> Iterator[Any]:
    """Yields ``loader``'s batches, writing ``batch k/n (rate/s)`` to ``file`` (stderr) at most every ``every``
    seconds and once at the end. Nothing is shown unless you wrap a loader in it.

    Example:
        >>> import io
        >>> out = io.StringIO()
        >>> n = sum(1 for _ in progress(dataloader(tensor_dataset(torch_zeros(10)), batch_size=4), file=out))
        >>> n, out.getvalue().strip().split("\\r")[-1].split(" (")[0]
        (3, 'batch 3/3')
    """
    out = sys.stderr if file is None else file
    try:
        total: int | None = len(loader)  # type: ignore[arg-type]
    except TypeError:
        total = None
    start = last = time.monotonic()
    k = 0

    def show() -> None:
        rate = k / max(time.monotonic() - start, 1e-9)
        out.write(f"\r{label} {k}/{total if total is not None else '?'} ({rate:.1f}/s)")
        out.flush()

    for batch in loader:
        k += 1
        yield batch
        now = time.monotonic()
        if now - last >= every:
            last = now
            show()
    show()
    out.write("\n")
