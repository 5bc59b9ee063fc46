"""The core is self-contained: nothing in rtorch_py/_core imports the API layer (it is 0-based and Pythonic;
the public Tensor surface is assembled in rtorch_py/tensor_methods.py)."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "rtorch_py" / "_core"


def test_core_imports_only_the_core() -> None:
    bad = []
    for path in sorted(CORE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level >= 2:  # `from ..x import` leaves the core
                bad.append(f"{path.name}:{node.lineno} from {'.' * node.level}{node.module or ''}")
            if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("rtorch_py") \
                    and not (node.module or "").startswith("rtorch_py._core"):
                bad.append(f"{path.name}:{node.lineno} from {node.module}")
            if isinstance(node, ast.Import) and any(a.name.startswith("rtorch_py") and
                                                    not a.name.startswith("rtorch_py._core") for a in node.names):
                bad.append(f"{path.name}:{node.lineno} import")
    assert not bad, bad
    assert len(list(CORE.glob("*.py"))) >= 8
