"""optim: optimizers (optim_*) and learning-rate schedulers (lr_*), under R torch's names."""

__all__: list[str] = []
# Each submodule adds its public names; keep one line per submodule.
