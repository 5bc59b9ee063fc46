# reticulate shares the one Python: tensors cross both ways as the same objects. Only with R hosting
# (loading reticulate inside an rpy2-hosted R crashes, a known limitation of that combination).
test_that("reticulate's r_to_py / py_to_r hand tensors over as the same objects", {
  skip_if_not_installed("reticulate")
  skip_if(!bridge_stats()[["r_hosts_python"]], "Python hosts R (rpy2): reticulate must not load here")
  x <- torch_tensor(c(1, 2, 3))
  px <- reticulate::r_to_py(x)
  expect_s3_class(px, "python.builtin.object")
  main <- reticulate::py_run_string("def twice(t):\n    return t * 2\n", convert = FALSE)
  y <- reticulate::py_to_r(main$twice(px))
  expect_s3_class(y, "torch_tensor")
  expect_equal(as_array(y), c(2, 4, 6))
  back <- reticulate::py_to_r(px)
  back$requires_grad <- TRUE
  expect_true(x$requires_grad)  # the same Python object
  expect_equal(as_array(x * 2), c(2, 4, 6))  # the bridge still works with reticulate attached
})
