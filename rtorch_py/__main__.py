"""``python -m rtorch_py run script.R``: the ``rtorch`` command (see :mod:`rtorch_py.cli`)."""

import sys

from .cli import main

sys.exit(main())
