"""Files cross languages and processes: Python writes, R reads (both hosts); R writes, Python reads; a module
saved by one R process loads in another (the other host) where its generator is defined again."""

from __future__ import annotations

import sys

import numpy as np
import pytest
import safetensors.numpy as st
from rbridge_util import run

from rtorch_py import nn_linear, torch_load, torch_save, torch_tensor

GENERATOR = """
library(torch)
HostNet <- nn_module("HostNet",
  initialize = function() {
    self$fc <- nn_linear(3, 2)
    self$k <- 3
  },
  forward = function(x) self$fc(x) * self$k
)
HostData <- dataset("HostData",
  initialize = function(n) {
    self$x <- torch_randn(n, 2)
    self$n <- n
  },
  .getitem = function(i) list(x = self$x[i, ], i = i),
  .length = function() self$n
)
dir <- Sys.getenv("RTORCH_TEST_DIR")
"""

WRITER = GENERATOR + """
torch_manual_seed(1)
net <- HostNet()
x <- torch_randn(4, 3)
torch_save(net, file.path(dir, "net.pt"))
torch_save(HostData(3), file.path(dir, "data.pt"))
torch_save(list(x = x, y = net(x)$detach(), note = "hi", n = 1:3, flag = TRUE), file.path(dir, "io.pt"))
py <- torch_load(file.path(dir, "py_list.pt"))
cat(py$name, paste(as_array(py$t), collapse = ","), py$t$requires_grad, "\\n")
pm <- torch_load(file.path(dir, "py_model.pt"))
cat(class(pm)[1], as_array(pm(torch_ones(1, 2))), "\\n")
"""

READER = GENERATOR + """
net <- torch_load(file.path(dir, "net.pt"))
io <- torch_load(file.path(dir, "io.pt"))
cat(class(net)[1], isTRUE(all.equal(as_array(net(io$x)), as_array(io$y))), net$k, "\\n")
ds <- torch_load(file.path(dir, "data.pt"))
cat(class(ds)[1], length(ds), paste(sprintf("%.5f", as_array(ds[2]$x)), collapse = ","), "\\n")
"""

HOSTS = {"rtorch": [sys.executable, "-m", "rtorch_py", "run"], "Rscript": ["Rscript"]}


@pytest.mark.parametrize("writer,reader", [("rtorch", "Rscript"), ("Rscript", "rtorch")])
def test_files_cross_languages_processes_and_hosts(tmp_path, r_env, writer, reader):
    env = {**r_env, "RTORCH_TEST_DIR": str(tmp_path)}
    t = torch_tensor([1.0, 2.0, 3.0], requires_grad=True)
    torch_save({"name": "from-python", "t": t}, tmp_path / "py_list.pt")
    lin = nn_linear(2, 1)
    lin.weight._data[...] = [[0.5, -2.0]]
    lin.bias._data[...] = [0.25]
    torch_save(lin, tmp_path / "py_model.pt")
    (tmp_path / "w.R").write_text(WRITER)
    (tmp_path / "r.R").write_text(READER)

    proc = run([*HOSTS[writer], str(tmp_path / "w.R")], env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["from-python 1,2,3 TRUE ", "nn_linear -1.25 "]

    io = torch_load(tmp_path / "io.pt")  # R's list, read by Python
    assert list(io) == ["x", "y", "note", "n", "flag"] and io["note"] == "hi" and io["flag"] is True
    assert io["n"].tolist() == [1, 2, 3]
    state = st.load((tmp_path / "net.pt").read_bytes())  # R's module file is a safetensors file
    expected = (io["x"]._data @ state["fc.weight"].T + state["fc.bias"]) * 3
    np.testing.assert_allclose(io["y"]._data, expected, rtol=1e-6)

    proc = run([*HOSTS[reader], str(tmp_path / "r.R")], env=env)  # a new process, the other host
    assert proc.returncode == 0, proc.stderr
    data = st.load((tmp_path / "data.pt").read_bytes())  # the dataset's tensor fields (its state_dict)
    row = ",".join(f"{v:.5f}" for v in data["x"][1].astype(np.float64))  # R's sprintf() of the same doubles
    assert proc.stdout.splitlines() == ["HostNet TRUE 3 ", f"HostData 3 {row} "]


def test_module_without_its_generator_is_a_clear_error(tmp_path, r_env):
    env = {**r_env, "RTORCH_TEST_DIR": str(tmp_path)}
    (tmp_path / "w.R").write_text(GENERATOR + 'torch_save(HostNet(), file.path(dir, "net.pt"))\n')
    assert run(["Rscript", str(tmp_path / "w.R")], env=env).returncode == 0
    (tmp_path / "r.R").write_text('library(torch)\ntorch_load(file.path(Sys.getenv("RTORCH_TEST_DIR"), "net.pt"))\n')
    proc = run(["Rscript", str(tmp_path / "r.R")], env=env)
    assert proc.returncode == 1
    assert "class 'HostNet', which is not defined in this session" in proc.stderr
