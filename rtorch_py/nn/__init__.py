"""nn: the module system, layers, initialisers, functionals (nnf_*) and losses, under R torch's names."""

__all__: list[str] = []
# Each submodule adds its public names; keep one line per submodule.

# -- nn: modules, layers, initialisers, functionals (not losses) --
from . import activation as _activation  # noqa: E402
from . import attention as _attention  # noqa: E402
from . import conv as _conv  # noqa: E402
from . import dropout as _dropout  # noqa: E402
from . import embedding as _embedding  # noqa: E402
from . import functional as _functional  # noqa: E402
from . import functional_conv as _functional_conv  # noqa: E402
from . import functional_extra as _functional_extra  # noqa: E402
from . import functional_pool3d as _functional_pool3d  # noqa: E402
from . import functional_vision as _functional_vision  # noqa: E402
from . import init as _init  # noqa: E402
from . import layers3d as _layers3d  # noqa: E402
from . import linear as _linear  # noqa: E402
from . import module as _module  # noqa: E402
from . import normalization as _normalization  # noqa: E402
from . import pooling as _pooling  # noqa: E402
from . import rnn as _rnn  # noqa: E402
from . import rnn_utils as _rnn_utils  # noqa: E402
from . import transformer as _transformer  # noqa: E402
from . import upsampling as _upsampling  # noqa: E402
from . import utils as _utils  # noqa: E402
from . import weight_norm as _weight_norm  # noqa: E402

for _m in (_module, _init, _functional, _functional_conv, _linear, _activation, _conv, _pooling, _dropout,
           _normalization, _embedding, _rnn, _utils, _attention, _transformer, _rnn_utils,
           _upsampling, _functional_vision, _functional_pool3d, _layers3d,
           _functional_extra, _weight_norm):
    globals().update({_n: getattr(_m, _n) for _n in _m.__all__})
    __all__ += _m.__all__
del _m
# -- end nn --

# -- losses --
from .functional_loss import *  # noqa: F403, E402
from .functional_loss import __all__ as _functional_loss_all  # noqa: E402
from .loss import *  # noqa: F403, E402
from .loss import __all__ as _loss_all  # noqa: E402

__all__ += _functional_loss_all + _loss_all
# -- end losses --
