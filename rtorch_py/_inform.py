"""R's ``message()`` for rtorch_py: :func:`inform` writes a line to stderr in Python; when R calls rtorch_py
(the shim), the bridge installs a hook that makes it an R message instead (``suppressMessages`` and testthat's
``expect_message`` see it), as R torch's ``inform()`` / ``message()``."""

from __future__ import annotations

import sys
from collections.abc import Callable

__all__ = ["inform"]

HOOKS: list[Callable[[str], bool]] = []
"""Set by the bridge: a function taking the text, returning True when it took the message."""


def inform(text: str) -> None:
    """Show ``text`` as R's ``message(text)`` would.

    Example:
        >>> inform("Adjusting learning rate of group 1 to 0.1000")
    """
    for hook in HOOKS:
        if hook(text):
            return
    print(text, file=sys.stderr)
