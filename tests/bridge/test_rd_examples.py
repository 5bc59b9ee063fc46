"""Every help page of the shim (r_shim/man/*.Rd) has an \\examples section, and each runs through the shim, as
R CMD check runs them (tools::Rd2ex, then source), batched in one Rscript process (run_rd_examples.R)."""

from __future__ import annotations

import re
from pathlib import Path

from rbridge_util import ROOT, run

MAN = ROOT / "r_shim" / "man"
RUNNER = Path(__file__).with_name("run_rd_examples.R")


def _run(man: Path, r_env: dict[str, str]) -> dict[str, str]:
    proc = run(["Rscript", str(RUNNER), str(man)], env=r_env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    assert lines and lines[-1] == "done", proc.stdout[-2000:] + proc.stderr[-2000:]
    out = {}
    for line in lines[:-1]:
        m = re.match(r"^(ok|missing) (\S+) $|^error (\S+): (.*)$", line)
        assert m, line
        out[m.group(2) or m.group(3)] = "ok" if m.group(1) == "ok" else m.group(1) or f"error: {m.group(4)}"
    return out


def test_every_help_page_has_an_example_that_runs(r_env: dict[str, str]) -> None:
    pages = sorted(p.stem for p in MAN.glob("*.Rd"))
    assert len(pages) > 800
    results = _run(MAN, r_env)
    assert sorted(results) == pages
    bad = {name: r for name, r in results.items() if r != "ok"}
    assert not bad, f"{len(bad)} help pages without a working example: {bad}"


def test_the_runner_reports_failing_and_missing_examples(tmp_path: Path, r_env: dict[str, str]) -> None:
    page = "\\name{{{0}}}\\alias{{{0}}}\\title{{t}}\\description{{d}}{1}\n"
    (tmp_path / "good.Rd").write_text(page.format("good", "\\examples{torch_ones(2)$sum()}"))
    (tmp_path / "bad.Rd").write_text(page.format("bad", "\\examples{torch_ones(2) + torch_ones(3)}"))
    (tmp_path / "none.Rd").write_text(page.format("none", ""))
    results = _run(tmp_path, r_env)
    assert results["good"] == "ok" and results["none"] == "missing"
    assert results["bad"].startswith("error: ") and "must match" in results["bad"]


def test_help_pages_pass_check_rd(r_env: dict[str, str]) -> None:
    # R CMD check's Rd checks (an unbalanced quote inside \code{} swallows the rest of a page, for one)
    code = ('for (f in list.files(commandArgs(TRUE)[1], "[.]Rd$", full.names = TRUE)) '
            '{ r <- tools::checkRd(f); if (length(r)) cat(basename(f), ":", r, "\\n") }')
    proc = run(["Rscript", "-e", code, str(MAN)], env=r_env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout == ""
