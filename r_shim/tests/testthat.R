# Runs the shim's tests against the installed package (R hosts Python):
#   eval "$(make -s r-env)" && cd r_shim/tests && Rscript testthat.R
# tests/bridge/test_r_shim.py runs the same files with Python hosting R (rpy2).
Sys.setenv(RTORCH_TEST_HOOKS = "1")  # the bridge's test entry points (rtorch_py/bridge/testing.py)
library(testthat)
library(torch)
test_check("torch", stop_on_failure = TRUE)
