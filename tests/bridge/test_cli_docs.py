"""The `rtorch` command's cases (script arguments, -e, --version, knit figures, what it says when rpy2 or the
shim is missing) and the R help pages (every export has one; usage agrees with the code, R CMD check's codoc)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from rbridge_util import RLIB, run

import rtorch_py
from rtorch_py import cli


def test_version_single_sourced(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as e:
        cli.main(["--version"])
    assert e.value.code == 0
    assert capsys.readouterr().out.strip() == f"rtorch_py {rtorch_py.__version__}"
    text = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text()
    assert 'dynamic = ["version"]' in text and 'attr = "rtorch_py.__version__"' in text


def test_license_is_an_spdx_expression() -> None:
    import tomllib

    root = Path(__file__).resolve().parents[2]
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    # PEP 639: a string (the table form is deprecated by setuptools >= 77) and the files that hold the text
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    assert (root / "LICENSE").read_text().startswith("MIT License")
    news = (root / "NEWS.md").read_text()
    assert news.startswith(f"# rtorch_py {rtorch_py.__version__}\n")


def test_run_passes_script_arguments(tmp_path: Path, r_env: dict[str, str]) -> None:
    script = tmp_path / "args.R"
    script.write_text('cat(commandArgs(trailingOnly = TRUE), sep = "|"); cat("\\n")\n')
    proc = run([sys.executable, "-m", "rtorch_py", "run", str(script), "a", "b c"], env=r_env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "a|b c"
    expr = "library(torch); cat(commandArgs(TRUE), torch_ones(2)$sum()$item())"
    proc = run([sys.executable, "-m", "rtorch_py", "run", "-e", expr, "x"], env=r_env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "x 2"


def test_knit_writes_figures_beside_the_output(tmp_path: Path, r_env: dict[str, str]) -> None:
    doc = tmp_path / "src" / "doc.Rmd"
    doc.parent.mkdir()
    doc.write_text("# t\n\n```{r plot}\nlibrary(torch)\nplot(as_array(torch_arange(1, 5)))\n```\n")
    out = tmp_path / "out" / "doc.md"
    out.parent.mkdir()
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    proc = subprocess.run([sys.executable, "-m", "rtorch_py", "knit", str(doc), "-o", str(out)], env=r_env,
                          cwd=cwd, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert list(cwd.iterdir()) == []  # nothing written into the working directory
    figs = list((out.parent / "doc-figure").glob("*.png"))
    assert len(figs) == 1
    assert f"](doc-figure/{figs[0].name})" in out.read_text()  # the link is relative to the output document


def test_run_says_what_is_missing(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda n, *a: None if n == "rpy2" else real(n, *a))
    assert cli.main(["run", "-e", "1"]) == 1
    assert "pip install 'rtorch_py[r]'" in capsys.readouterr().err
    monkeypatch.setattr(importlib.util, "find_spec", real)
    import rtorch_py.install as inst

    monkeypatch.setattr(inst, "find_shim", lambda: None)
    assert cli.main(["run", "-e", "1"]) == 1
    assert "run `rtorch install-r`" in capsys.readouterr().err


def test_every_export_has_a_help_page_and_usage_matches(r_env: dict[str, str]) -> None:
    code = f"""
lib <- "{RLIB}"
ex <- getNamespaceExports("torch")
db <- tools::Rd_db("torch", lib.loc = lib)
aliases <- unlist(lapply(db, tools:::.Rd_get_metadata, "alias"))
cat("NO_RD:", sort(setdiff(ex, aliases)), "\\n")
cd <- tools::codoc("torch", lib.loc = lib)
cat("CODOC:", names(cd), "\\n")
cat("HELP:", length(utils::help("nn_linear", package = "torch", lib.loc = lib)),
    length(utils::help("torch_randn", package = "torch", lib.loc = lib)),
    length(utils::help("optim_adam", package = "torch", lib.loc = lib)), "\\n")
"""
    proc = run(["Rscript", "-e", code], env=r_env)
    assert proc.returncode == 0, proc.stderr
    lines = {ln.split(":")[0]: ln.split(":", 1)[1].split() for ln in proc.stdout.splitlines() if ":" in ln}
    assert lines["NO_RD"] == [], f"exports without a help page: {lines['NO_RD']}"
    assert lines["CODOC"] == [], f"usage and code disagree for: {lines['CODOC']}"
    assert lines["HELP"] == ["1", "1", "1"]


def test_help_page_content() -> None:
    man = Path(__file__).resolve().parents[2] / "r_shim" / "man"
    rd = (man / "torch_sum.Rd").read_text()
    assert "\\usage{\ntorch_sum(self, dim = NULL, keepdim = FALSE, dtype = NULL)\n}" in rd
    assert "\\item{dim}{one dimension or a vector of dimensions, 1-based.}" in rd
    assert "\\value{\nA tensor.\n}" in rd
    assert "\\title{Adam (Kingma & Ba, 2014), R torch's \\code{optim_adam}}" in (man / "optim_adam.Rd").read_text()
