"""nn: the module system, layers, initialisers, functionals (nnf_*) and losses, under R torch's names."""

__all__: list[str] = []
# Each submodule adds its public names; keep one line per submodule.
