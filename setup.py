"""The wheel carries the R shim's sources as package data (rtorch_py/r_shim), for ``rtorch install-r``.

Everything else is in pyproject.toml; this file only adds that copy (r_shim/ lives at the repository root,
where ``R CMD INSTALL r_shim`` and ``make setup`` use it).
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
# build outputs of a checkout and R's per-Python configuration never ship
IGNORE = shutil.ignore_patterns("*.o", "*.so", "Makevars", "__pycache__", "*.pyc", ".Rhistory")


class BuildPyWithShim(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install finds <checkout>/r_shim itself
        dest = Path(self.build_lib) / "rtorch_py" / "r_shim"
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(ROOT / "r_shim", dest, ignore=IGNORE)


setup(cmdclass={"build_py": BuildPyWithShim})
