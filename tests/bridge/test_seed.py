"""Conformance with the seed document (tests/bridge/seed_using_torch_optimizers.md, a copy of the acceptance
document): its R code, unmodified, prints what the seed shows up to randomness; seeded, it computes exactly
what the same program written with the Python API computes."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

SEED = Path(__file__).with_name("seed_using_torch_optimizers.md")
NUMBER = re.compile(r"-?\d+(\.\d+)?(e[+-]?\d+)?")


def seed_blocks() -> tuple[list[str], list[str]]:
    """The seed's R code blocks and its output blocks (without the ``## `` prefix)."""
    text = SEED.read_text()
    code = re.findall(r"```r\n(.*?)```", text, re.S)
    outs = [re.sub(r"^## ?", "", b, flags=re.M) for b in re.findall(r"```\n(## .*?)```", text, re.S)]
    return code, outs


def shape_of(text: str) -> list[str]:
    """Output text with numbers masked and spacing collapsed: what must match despite randomness. A scale
    line (``0.01 *``, printed when random values happen to be small) is randomness too."""
    lines = [" ".join(NUMBER.sub("N", line).split()) for line in text.strip("\n").splitlines()]
    return [line for line in lines if line != "N *"]


def test_seed_code_prints_what_the_seed_shows(tmp_path, r_env):
    from rbridge_util import run

    code, expected = seed_blocks()
    rmd = tmp_path / "seed.Rmd"
    rmd.write_text("\n\n".join("```{r}\n" + c + "```" for c in code) + "\n")
    import sys

    proc = run([sys.executable, "-m", "rtorch_py", "knit", str(rmd)], env=r_env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    md = (tmp_path / "seed.md").read_text()
    got = [re.sub(r"^## ?", "", b, flags=re.M) for b in re.findall(r"```\n(## .*?)```", md, re.S)]
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert shape_of(g) == shape_of(e)


R_PROGRAM = """
torch_manual_seed(42)
x <- torch_randn(c(3, 2, 3))
y <- torch_zeros(c(3, 2, 3))
l1 <- nnf_mse_loss(x, y)
loss <- nn_mse_loss()
l2 <- loss(x, y)
data <- torch_randn(1, 3)
model <- nn_linear(3, 1)
optimizer <- optim_adam(model$parameters, lr = 0.01)
out <- model(data)
out$backward()
optimizer$step()
w1 <- model$parameters$weight$detach()$clone()
x <- torch_randn(100, 3)
y <- x[, 1, NULL] * 0.2 - x[, 2, NULL] * 1.3 - x[, 3, NULL] * 0.5 + torch_randn(100, 1)
model <- nn_sequential(nn_linear(3, 32), nn_relu(), nn_linear(32, 1))
optimizer <- optim_adam(model$parameters, lr = 0.08)
losses <- numeric(0)
for (t in 1:20) {
  y_pred <- model(x)
  loss <- nnf_mse_loss(y_pred, y, reduction = "sum")
  losses[t] <- loss$item()
  optimizer$zero_grad()
  loss$backward()
  optimizer$step()
}
final <- model$parameters[["2.weight"]]$detach()$clone()
"""


def python_program() -> dict:
    import rtorch_py as rt
    from rtorch_py.nn import nn_linear, nn_mse_loss, nn_relu, nn_sequential, nnf_mse_loss
    from rtorch_py.optim import optim_adam

    rt.torch_manual_seed(42)
    x = rt.torch_randn([3, 2, 3])
    y = rt.torch_zeros([3, 2, 3])
    l1 = nnf_mse_loss(x, y)
    l2 = nn_mse_loss()(x, y)
    data = rt.torch_randn(1, 3)
    model = nn_linear(3, 1)
    optimizer = optim_adam(model.parameters, lr=0.01)
    model(data).backward()
    optimizer.step()
    w1 = model.parameters["weight"].detach().clone()
    x = rt.torch_randn(100, 3)
    y = x[:, 0:1] * 0.2 - x[:, 1:2] * 1.3 - x[:, 2:3] * 0.5 + rt.torch_randn(100, 1)
    model = nn_sequential(nn_linear(3, 32), nn_relu(), nn_linear(32, 1))
    optimizer = optim_adam(model.parameters, lr=0.08)
    losses = []
    for _ in range(20):
        loss = nnf_mse_loss(model(x), y, reduction="sum")
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return {"l1": l1, "l2": l2, "w1": w1, "losses": losses,
            "final": model.parameters["2.weight"].detach().clone()}


def test_seeded_program_equals_the_python_api(clean_r):
    py = python_program()
    clean_r.eval("library(torch); NULL")
    assert clean_r.run_code(R_PROGRAM) == 0
    for name in ("l1", "l2", "w1", "final"):
        np.testing.assert_array_equal(clean_r.get(name).numpy(), py[name].numpy(), err_msg=name)
    assert list(clean_r.get("losses")) == pytest.approx(py["losses"], rel=0, abs=0)


def test_vignette_knits_to_the_seeds_outputs(tmp_path, r_env):
    """vignettes/using-torch-optimizers.Rmd (our words, the seed's code) knits to the seed's output blocks."""
    import shutil
    import sys

    from rbridge_util import run

    rmd = tmp_path / "vignette.Rmd"
    shutil.copy(Path(__file__).resolve().parents[2] / "vignettes" / "using-torch-optimizers.Rmd", rmd)
    proc = run([sys.executable, "-m", "rtorch_py", "knit", str(rmd)], env=r_env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    md = (tmp_path / "vignette.md").read_text()
    got = [re.sub(r"^## ?", "", b, flags=re.M) for b in re.findall(r"```\n(## .*?)```", md, re.S)]
    _, expected = seed_blocks()
    assert [shape_of(g) for g in got] == [shape_of(e) for e in expected]
