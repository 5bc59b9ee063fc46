"""Both hosting modes as users run them: `rtorch run` / `python -m rtorch_py run` (Python hosts R) and
`Rscript` with `make -s r-env` (R hosts Python), in subprocesses."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rbridge_util import ROOT, require_r, run

SCRIPT = """
library(torch)
x <- torch_tensor(c(1, 2))
x * 2
invisible(x)
y <- x$sum()$item()
y
f <- function() warning("careful")
f()
cat("done\\n")
"""

EXPECTED_OUT = "torch_tensor\n 2\n 4\n[ CPUFloatType{2} ]\n[1] 3\ndone\n"
EXPECTED_WARN = "Warning message:\nIn f() : careful\n"


@pytest.fixture
def script(tmp_path):
    p = tmp_path / "s.R"
    p.write_text(SCRIPT)
    return p


def test_rtorch_run_behaves_like_rscript(script, r_env):
    py = run([sys.executable, "-m", "rtorch_py", "run", str(script)], env=r_env)
    rs = run(["Rscript", str(script)], env=r_env)
    for proc in (py, rs):
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout == EXPECTED_OUT
        assert EXPECTED_WARN in proc.stderr


def test_errors_print_r_message_and_exit_1(tmp_path, r_env):
    p = tmp_path / "e.R"
    p.write_text('library(torch)\ncat("before\\n")\ntorch_randn(2) + torch_randn(3)\ncat("after\\n")\n')
    for cmd in ([sys.executable, "-m", "rtorch_py", "run", str(p)], ["Rscript", str(p)]):
        proc = run(cmd, env=r_env)
        assert proc.returncode == 1
        assert proc.stdout == "before\n"
        assert "Error: add: The size of tensor a (2) must match" in proc.stderr or "must match" in proc.stderr
        assert "Execution halted" in proc.stderr


def test_run_expression(r_env):
    proc = run([sys.executable, "-m", "rtorch_py", "run", "-e", "library(torch); torch_ones(1)$item()"],
               env=r_env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "[1] 1\n"


@pytest.mark.parametrize("command", ["run", "knit"])
@pytest.mark.parametrize("value", ["abc", ""])
def test_rtorch_names_an_environment_r_warns_about(tmp_path, r_env, value, command):
    # R only warns about an invalid R_NSIZE, but the warning lands in the output rpy2 parses at start-up
    doc = tmp_path / "d.Rmd"
    doc.write_text("```{r}\n1\n```\n")
    args = ["-e", "cat(1)"] if command == "run" else [str(doc)]
    proc = run([sys.executable, "-m", "rtorch_py", command, *args], env={**r_env, "R_NSIZE": value})
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.startswith(f"rtorch {command}: R did not start: ")
    assert "R_NSIZE" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("host", ["rtorch", "Rscript"])
def test_ctrl_c_interrupts_an_r_loop(tmp_path, r_env, host):
    p = tmp_path / "loop.R"
    p.write_text('library(torch)\nx <- torch_randn(10)\ncat("start\\n")\nwhile (TRUE) y <- x * 2\n')
    cmd = [sys.executable, "-m", "rtorch_py", "run", str(p)] if host == "rtorch" else ["Rscript", str(p)]
    proc = subprocess.Popen(cmd, env=r_env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline() == "start\n"
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("Ctrl-C did not stop the R loop")
    assert proc.returncode in (1, 130)


def test_knit_writes_markdown_with_output_blocks(tmp_path, r_env):
    rmd = tmp_path / "doc.Rmd"
    rmd.write_text("# Title\n\n```{r}\nlibrary(torch)\ntorch_tensor(c(1, 2))\n```\n")
    proc = run([sys.executable, "-m", "rtorch_py", "knit", str(rmd)], env=r_env)
    assert proc.returncode == 0, proc.stderr
    md = (tmp_path / "doc.md").read_text()
    assert "```r\nlibrary(torch)\ntorch_tensor(c(1, 2))\n```" in md
    assert "## torch_tensor\n##  1\n##  2\n## [ CPUFloatType{2} ]" in md


def test_rscript_starts_the_configured_python(r_env, tmp_path):
    require_r()
    p = tmp_path / "v.R"
    p.write_text("library(torch)\nx <- torch_ones(2)\ncat(torch:::.rt_stats()[['state']], '\\n')\n")
    proc = run(["Rscript", str(p)], env=r_env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "1"


def test_rscript_runs_the_venv_python_not_a_system_libpython(r_env, tmp_path):
    """Rscript puts the system library directory first on LD_LIBRARY_PATH; the shim must still load this
    Python's libpython (same soname, other version), and report this Python."""
    p = tmp_path / "which.R"
    p.write_text('library(torch)\ninfo <- .External(torch:::C_rt_callx, "bridge_python_info")\n'
                 'cat(info$version, "\\n", sep = "")\n'
                 'm <- readLines(sprintf("/proc/%d/maps", Sys.getpid()))\n'
                 'cat(unique(sub(".* ", "", m[grepl("libpython", m)])), sep = "\\n")\n')
    proc = run(["Rscript", str(p)], env=r_env)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert lines[0] == sys.version
    import sysconfig

    assert lines[1:] == [str(Path(sysconfig.get_config_var("LIBDIR")) / sysconfig.get_config_var("INSTSONAME"))]


def test_reticulate_started_first_is_shared(r_env, tmp_path):
    """reticulate starts Python first; the shim attaches to it and tensors cross through reticulate."""
    if run(["Rscript", "-e", "quit(status = !requireNamespace('reticulate', quietly = TRUE))"],
           env=r_env).returncode != 0:
        pytest.skip("reticulate is not installed (optional)")
    p = tmp_path / "ret.R"
    p.write_text('library(reticulate)\npy_run_string("import sys")\nlibrary(torch)\n'
                 'x <- torch_tensor(c(1, 2))\nmain <- py_run_string("def f(t):\\n    return t + 1\\n", '
                 'convert = FALSE)\ny <- py_to_r(main$f(r_to_py(x)))\ncat(as_array(y), "\\n")\n'
                 'cat(py_eval("sys.version") == .External(torch:::C_rt_callx, '
                 '"bridge_python_info")$version, "\\n")\n')
    proc = run(["Rscript", str(p)], env=r_env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["2", "3", "TRUE"]


@pytest.mark.parametrize("host", ["rtorch", "Rscript"])
def test_ctrl_c_interrupts_python_work(tmp_path, r_env, host):
    """Ctrl-C while Python runs inside a bridge call: Python raises KeyboardInterrupt, R gets an interrupt."""
    p = tmp_path / "busy.R"
    p.write_text('library(torch)\ninvisible(torch_ones(1))\ncat("start\\n")\n'
                 '.External(torch:::C_rt_callx, "bridge_test_busy", 60)\ncat("not reached\\n")\n')
    cmd = [sys.executable, "-m", "rtorch_py", "run", str(p)] if host == "rtorch" else ["Rscript", str(p)]
    proc = subprocess.Popen(cmd, env=r_env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline() == "start\n"
    time.sleep(1.0)
    t0 = time.monotonic()
    proc.send_signal(signal.SIGINT)
    try:
        out, _ = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("Ctrl-C did not stop the Python work")
    assert time.monotonic() - t0 < 10
    assert "not reached" not in out
    assert proc.returncode in (1, 130)
