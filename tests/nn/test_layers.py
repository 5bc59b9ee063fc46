"""Every layer, activation and functional against PyTorch 2.13 (committed fixtures): initial weights bit for
bit, forward values, gradients of inputs and parameters, and buffers after the forward pass."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from nn_cases import load, run_case  # noqa: E402

LAYERS = load("nn_layers.json")["cases"]
ACTIVATIONS = load("nn_activations.json")["cases"]
FUNCTIONAL = load("nn_functional.json")["cases"]


@pytest.mark.parametrize("case", LAYERS, ids=[c["name"] for c in LAYERS])
def test_layer(case: dict) -> None:
    run_case(case)


@pytest.mark.parametrize("case", ACTIVATIONS, ids=[c["name"] for c in ACTIVATIONS])
def test_activation(case: dict) -> None:
    run_case(case)


@pytest.mark.parametrize("case", FUNCTIONAL, ids=[c["name"] for c in FUNCTIONAL])
def test_functional(case: dict) -> None:
    run_case(case)
