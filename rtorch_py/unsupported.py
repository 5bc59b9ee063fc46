"""R torch's exported names that cannot work without libtorch on a CPU-only numpy core: CUDA/MPS device
management, quantized and sparse tensors, TorchScript (jit), installing libtorch, compiled contrib kernels,
user-defined ignite optimizers. Each exists (so R code
finds the function) and raises one clear error naming the function and why; the few yes/no queries
(``backends_*_is_available``) answer FALSE, and ``torch_is_installed()`` TRUE (nothing to install)."""

from __future__ import annotations

from typing import Any

__all__: list[str] = []

_REASONS = {
    "cuda": "rtorch_py runs on the CPU only (cuda_is_available() is FALSE)",
    "quant": "quantized tensors need libtorch's quantized kernels, which rtorch_py does not have",
    "sparse": "sparse tensors are not implemented (rtorch_py stores dense numpy arrays)",
    "jit": "TorchScript (jit) needs libtorch's compiler and runtime, which rtorch_py does not have",
    "install": "rtorch_py needs no libtorch installation (it computes with numpy)",
    "contrib": "it is a compiled libtorch extension kernel (R torch's csrc/contrib), which rtorch_py does not have",
    "ignite": "user-defined ignite optimizers run libtorch's C++ optimizer kernels; define one with optimizer() "
              "(the built-in optim_ignite_* work)",
}

_NAMES = {
    "cuda": ["cuda_amp_grad_scaler", "cuda_dump_memory_snapshot", "cuda_empty_cache", "cuda_get_device_capability",
             "cuda_get_rng_state", "cuda_memory_snapshot", "cuda_memory_stats", "cuda_memory_summary",
             "cuda_record_memory_history", "cuda_runtime_version", "cuda_set_rng_state", "cuda_synchronize",
             "cuda_current_device"],
    "quant": ["torch_dequantize", "torch_quantize_per_channel", "torch_quantize_per_tensor", "torch_qint8",
              "torch_qint32", "torch_quint8", "torch_per_channel_affine", "torch_per_channel_symmetric",
              "torch_per_tensor_affine", "torch_per_tensor_symmetric", "is_torch_qscheme"],
    "sparse": ["torch_sparse_coo_tensor"],
    "jit": ["jit_compile", "jit_load", "jit_ops", "jit_save", "jit_save_for_mobile", "jit_scalar", "jit_serialize",
            "jit_trace", "jit_trace_module", "jit_tuple", "jit_unserialize"],
    # install_torch() itself is R's (r_shim/R/install.R: a message that nothing needs installing)
    "install": ["install_torch_from_file", "get_install_libs_url", "torch_install_path"],
    "contrib": ["contrib_sort_vertices"],
    "ignite": ["optimizer_ignite", "OptimizerIgnite"],
}


def _unsupported(name: str, why: str) -> Any:
    def fn(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"{name}: not supported in rtorch_py: {why}")

    fn.__name__ = name
    fn.__doc__ = f"Not supported in rtorch_py: {why}. Raises an error naming ``{name}``."
    return fn


for _kind, _names in _NAMES.items():
    for _n in _names:
        globals()[_n] = _unsupported(_n, _REASONS[_kind])
        __all__.append(_n)


def _no(name: str, what: str) -> Any:
    def fn() -> bool:
        return False

    fn.__name__ = name
    fn.__doc__ = f"FALSE: {what} is not available to rtorch_py (CPU, numpy)."
    return fn


for _n, _what in (("backends_cudnn_is_available", "cuDNN"), ("backends_mps_is_available", "MPS"),
                  ("backends_mkldnn_is_available", "oneDNN (mkldnn)"), ("backends_mkl_is_available", "MKL"),
                  ("backends_openmp_is_available", "OpenMP in libtorch")):
    globals()[_n] = _no(_n, _what)
    __all__.append(_n)


def backends_cudnn_version() -> Any:
    """Raises: cuDNN is not available (rtorch_py runs on the CPU only)."""
    raise RuntimeError("backends_cudnn_version: not supported in rtorch_py: " + _REASONS["cuda"])


def torch_is_installed() -> bool:
    """TRUE: rtorch_py needs no libtorch installation.

    Example:
        >>> torch_is_installed()
        True
    """
    return True


__all__ += ["backends_cudnn_version", "torch_is_installed"]
