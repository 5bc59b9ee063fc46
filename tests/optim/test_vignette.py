"""The seed document's program (vignettes/using-torch-optimizers.py) against the same program on PyTorch 2.13
(tests/fixtures/optim_vignette.json): after torch_manual_seed(s) the data, the initial weights and the first
losses are PyTorch's. Float32 rounding noise (the matrix products and sums reduce in another order than MKL's)
grows with the steps at this learning rate, so the comparison covers the first 50 epochs."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from optim_helpers import fixture

VIGNETTE = Path(__file__).resolve().parents[2] / "vignettes" / "using-torch-optimizers.py"


@pytest.fixture(scope="module")
def vignette():  # noqa: ANN201
    spec = importlib.util.spec_from_file_location("using_torch_optimizers", VIGNETTE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("seed", ["1", "42"])
def test_first_losses_equal_pytorch(vignette, seed: str) -> None:  # noqa: ANN001
    expected = np.array(fixture("optim_vignette.json")["seeds"][seed], np.float32)
    losses = np.array(vignette.final_version(int(seed), epochs=50, report=False), np.float32)
    np.testing.assert_allclose(losses, expected[:50], rtol=2e-6)


def test_prints_the_documents_lines(vignette, capsys) -> None:  # noqa: ANN001
    losses = vignette.final_version(42, epochs=30)
    lines = capsys.readouterr().out.split("\n")
    assert lines[-1] == ""
    assert lines[:-1] == [f"Epoch:  {t}    Loss:  {vignette.r_num(losses[t - 1], 7)} " for t in (10, 20, 30)]
    assert lines[0].startswith("Epoch:  10    Loss:  90.7869")  # PyTorch: 90.7869186


def test_whole_document_runs(vignette, capsys) -> None:  # noqa: ANN001
    vignette.main(["--seed", "1"])
    out = capsys.readouterr().out
    assert out.count("<optim_adam>\n  Inherits from: <torch_Optimizer>\n") == 1
    assert "\nNULL\n$weight\n" in out  # optimizer$step() prints NULL, then the updated parameters
    assert out.count("Epoch: ") == 20
    first_weight = out.split("$weight\ntorch_tensor\n")[1].split("\n")[0]
    after_step = out.split("NULL\n$weight\ntorch_tensor\n")[1].split("\n")[0]
    before, after = (np.array(s.split(), float) for s in (first_weight, after_step))
    np.testing.assert_allclose(np.abs(after - before), 0.01, atol=1e-4)  # one Adam step moves each by lr
