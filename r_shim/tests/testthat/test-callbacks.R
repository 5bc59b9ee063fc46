test_that("Python calls R functions with positional and named arguments", {
  f <- function(a, b = 10) a * 2 + b
  expect_identical(py("bridge_test_call", f, 1), 12)
  expect_identical(py("bridge_test_call", f, 1, b = 0), 2)
  g <- function(t) t * 2
  out <- py("bridge_test_call", g, torch_ones(2))
  expect_s3_class(out, "torch_tensor")
  expect_equal(as_array(out), c(2, 2))
})

test_that("an R error inside a callback reaches Python, then R, with R's message", {
  expect_error(py("bridge_test_call", function() stop("from the callback")), "from the callback")
  # nested: R -> Python -> R -> Python -> error
  expect_error(py("bridge_test_call", function() py("bridge_test_raise", "deep")), "deep")
})

test_that("with_no_grad evaluates its code inside Python's no-grad context", {
  x <- torch_ones(2, requires_grad = TRUE)
  y <- with_no_grad({ x * 2 })
  expect_false(y$requires_grad)
  expect_true((x * 2)$requires_grad)
  v <- with_no_grad(list(a = 1:3))
  expect_identical(v, list(a = 1:3))
  f <- function() {
    local_no_grad()
    (x * 2)$requires_grad
  }
  expect_false(f())
  expect_true((x * 2)$requires_grad)
})

test_that("with_torch_manual_seed reproduces draws", {
  a <- with_torch_manual_seed(torch_randn(3), seed = 7)
  b <- with_torch_manual_seed(torch_randn(3), seed = 7)
  expect_equal(as_array(a), as_array(b))
})

test_that("with_* keep the visibility of their code, as R torch (an assignment prints nothing)", {
  x <- torch_randn(2, requires_grad = TRUE)
  expect_invisible(with_no_grad(z <- x * 2))
  expect_false(z$requires_grad)
  expect_visible(with_no_grad(x * 2))
  expect_invisible(with_enable_grad(z <- x * 2))
  expect_invisible(with_torch_manual_seed(z <- torch_randn(1), seed = 1))
})
