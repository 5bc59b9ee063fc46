# Runs the shim's tests against the installed package (R hosts Python):
#   eval "$(make -s r-env)" && cd r_shim/tests && Rscript testthat.R
# tests/bridge/test_r_shim.py runs the same files with Python hosting R (rpy2).
library(testthat)
library(torch)
test_check("torch", stop_on_failure = TRUE)
