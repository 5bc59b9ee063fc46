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

test_that("errors carry the calling R function, as R torch's do", {
  x <- torch_randn(3, 4)
  y <- torch_randn(5, 2)
  e <- tryCatch(torch_mm(x, y), error = function(e) e)
  expect_identical(conditionCall(e), quote(torch_mm(x, y)))
  expect_identical(conditionMessage(e), "mat1 and mat2 shapes cannot be multiplied (3x4 and 5x2)")
  f <- function() torch_ones(2)$sum(dim = 0)
  expect_error(f(), "torch_sum\\(\\): Indexing starts at 1 but found a 0.")
})

test_that("Python warnings are R warnings every time (no once-per-location filter)", {
  n <- 0L
  for (i in 1:3) withCallingHandlers(py("bridge_test_warn", "same place"),
                                     warning = function(w) { n <<- n + 1L; invokeRestart("muffleWarning") })
  expect_identical(n, 3L)
  expect_identical(tryCatch(py("bridge_test_warn", "w"), warning = function(w) conditionMessage(w)), "w")
  expect_silent(suppressWarnings(py("bridge_test_warn", "w")))
})

test_that("slc(), torch_is_installed(), install_torch(), print(opt$step())", {
  x <- torch_arange(1, 10)
  expect_equal(as_array(x[slc(start = 1, end = 5, step = 2)]), c(1, 3, 5))
  expect_equal(as_array(x[slc(2, -1, 4)]), c(2, 6, 10))
  expect_equal(as_array(x[slc(8, Inf)]), c(8, 9, 10))
  expect_true(torch_is_installed())
  expect_message(expect_true(install_torch()), "nothing to install")
  p <- torch_ones(1, requires_grad = TRUE)
  opt <- optim_sgd(list(p), lr = 0.1)
  (p * 2)$sum()$backward()
  expect_output(print(opt$step()), "^NULL$")  # R torch's step() returns the closure's loss, NULL without one
  expect_equal(p$item(), 0.8, tolerance = 1e-6)
})

test_that("Python warnings raised before a Python error reach R before the error", {
  x <- torch_randn(2, requires_grad = TRUE)
  y <- torch_randn(1)
  b <- (x^y)$sum()
  y$add_(1)
  expect_warning(expect_error(with_detect_anomaly(b$backward()), "one of the variables needed"),
                 "should be enabled only for debugging")
})
