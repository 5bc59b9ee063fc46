"""rtorch_py: R torch's API on a numpy tensor core with reverse-mode autograd.

Names and argument conventions are R torch's (1-based ``dim``, inclusive ``torch_arange``); R's ``$`` is
Python's ``.``; Python's own ``[]`` subscripts are 0-based, as in numpy and PyTorch.

.. include:: ../docs/conventions.md

Example:
    >>> from rtorch_py import *
    >>> torch_manual_seed(1)
    >>> x = torch_randn(3, 2, requires_grad=True)
    >>> (x * x).sum().backward()
"""

from . import tensor_methods as _tensor_methods  # noqa: F401 - attaches the R-named methods
from ._core.malloc import tune_malloc as _tune_malloc
from ._core.tensor import Tensor as Tensor  # re-exported
from ._core.tensor import print_options as print_options  # re-exported
from .autocast import *  # noqa: F403
from .autograd_api import *  # noqa: F403
from .complex import *  # noqa: F403
from .creation import *  # noqa: F403
from .dtype_info import *  # noqa: F403
from .dtypes import *  # noqa: F403
from .fft import *  # noqa: F403
from .functions import *  # noqa: F403
from .functions_index import *  # noqa: F403
from .functions_nn import *  # noqa: F403
from .functions_shape import *  # noqa: F403
from .functions_stats import *  # noqa: F403
from .internals import *  # noqa: F403
from .interop import *  # noqa: F403
from .linalg import *  # noqa: F403
from .special import *  # noqa: F403
from .unsupported import *  # noqa: F403

__version__ = "0.1.0"  # the one version number: pyproject.toml reads it, `rtorch --version` prints it
_tune_malloc()  # large temporaries reuse heap memory instead of fresh mmaps (see _core/malloc.py)
from .data import *  # noqa: F403, E402
from .distributions import *  # noqa: F403, E402
from .nn import *  # noqa: F403, E402
from .optim import *  # noqa: F403, E402
from .serialization import load_state_dict, torch_load, torch_save, torch_serialize  # noqa: E402, F401
