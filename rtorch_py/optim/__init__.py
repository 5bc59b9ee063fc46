"""optim: optimizers (optim_*) and learning-rate schedulers (lr_*), under R torch's names."""

from .adam import *  # noqa: F403
from .adam import __all__ as _adam
from .adaptive import *  # noqa: F403
from .adaptive import __all__ as _adaptive
from .ignite import *  # noqa: F403
from .ignite import __all__ as _ignite
from .lbfgs import *  # noqa: F403
from .lbfgs import __all__ as _lbfgs
from .lr_scheduler import *  # noqa: F403
from .lr_scheduler import __all__ as _lr_scheduler
from .optimizer import *  # noqa: F403
from .optimizer import __all__ as _optimizer
from .sgd import *  # noqa: F403
from .sgd import __all__ as _sgd

__all__: list[str] = []
# Each submodule adds its public names; keep one line per submodule.
__all__ += _optimizer
__all__ += _sgd
__all__ += _adam
__all__ += _adaptive
__all__ += _lbfgs
__all__ += _ignite
__all__ += _lr_scheduler
