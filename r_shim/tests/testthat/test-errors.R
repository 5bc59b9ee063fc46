test_that("a Python exception is an R error with the same message; the session goes on", {
  expect_error(py("bridge_test_raise", "bad value here"), "bad value here", fixed = TRUE)
  expect_error(torch_randn(2) + torch_randn(3), "must match the size")
  e <- tryCatch(py("bridge_test_raise", "xyz", "RuntimeError"), error = function(e) e)
  expect_identical(conditionMessage(e), "xyz")
  expect_equal((torch_ones(2) * 2)$sum()$item(), 4)
})

test_that("errors leak neither Python objects nor R objects", {
  x <- torch_randn(10)
  before <- live_pointers()
  robj <- live_robjects()
  for (i in 1:2000) try(x + torch_randn(3), silent = TRUE)
  for (i in 1:200) try(py("bridge_test_call", function() stop("inner")), silent = TRUE)
  expect_lte(live_pointers(), before + 2)
  expect_lte(live_robjects(), robj + 2)
})

test_that("unknown functions say so", {
  expect_error(py("no_such_function_here"), "not available in rtorch_py")
})

test_that("Python warnings are R warnings", {
  expect_warning(v <- py("bridge_test_warn", "careful now", 3), "careful now")
  expect_identical(v, 3)
})

test_that("a saved and restored pointer gives a clean error", {
  f <- tempfile(fileext = ".rds")
  saveRDS(torch_zeros(1), f)
  x <- readRDS(f)
  expect_error(x$shape, "no longer valid")
})
