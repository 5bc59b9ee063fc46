"""The bridge tests' fixtures (one embedded R per pytest process), shared with tests/bridge."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("_bridge_conftest", Path(__file__).parents[1] / "bridge" / "conftest.py")
_bridge = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_bridge)

r = _bridge.r
r_env = _bridge.r_env
