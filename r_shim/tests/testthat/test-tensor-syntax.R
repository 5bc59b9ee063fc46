test_that("$ gives fields without () and methods as functions", {
  x <- torch_tensor(c(1, 2, 3))
  expect_identical(x$shape, 3L)
  expect_equal(x$dtype, torch_float())
  expect_null(x$grad)
  expect_false(x$requires_grad)
  x$requires_grad <- TRUE
  expect_true(x$requires_grad)
  y <- x$mul(2)$sum()
  y$backward()
  expect_equal(as_array(x$grad), c(2, 2, 2))
  expect_equal(x$sum(dim = 1)$item(), 6)
})

test_that("a method taken with $ keeps its tensor and name, however it is called later", {
  make <- function() {
    x <- torch_tensor(c(1, 2, 3))
    list(mul = x$mul, add_ = x$add_, x = x)
  }
  m <- make()
  other <- torch_tensor(c(10, 20, 30))
  f <- other$mul  # a second tensor's method: its own receiver
  invisible(gc())
  expect_equal(as_array(m$mul(2)), c(2, 4, 6))
  expect_equal(as_array(f(2)), c(20, 40, 60))
  expect_equal(as_array(m$mul(other = 3)), c(3, 6, 9))
  out <- withVisible(m$add_(1))
  expect_false(out$visible)  # in-place methods return their receiver invisibly
  expect_identical(out$value, m$x)
  expect_equal(as_array(m$x), c(2, 3, 4))
  expect_error(m$mul(NA), "argument 'other' is NA")
  expect_error(m$mul(1, nonsense = 2), "nonsense")
})

test_that("operators work on tensors and numbers either side", {
  x <- torch_tensor(c(1, 2, 4))
  expect_equal(as_array(x * 2), c(2, 4, 8))
  expect_equal(as_array(2 * x), c(2, 4, 8))
  expect_equal(as_array(x - 1), c(0, 1, 3))
  expect_equal(as_array(1 - x), c(0, -1, -3))
  expect_equal(as_array(-x), c(-1, -2, -4))
  expect_equal(as_array(x / 2), c(0.5, 1, 2))
  expect_equal(as_array(x^2), c(1, 4, 16))
  expect_equal(as_array(x %% 3), c(1, 2, 1))
  expect_equal(as_array(torch_tensor(c(-7, 7)) %/% 2), c(-3, 3))
  expect_identical(as_array(x > 1), c(FALSE, TRUE, TRUE))
  expect_identical(as_array(x == 2), c(FALSE, TRUE, FALSE))
  expect_identical(as_array(!(x > 1)), c(TRUE, FALSE, FALSE))
  expect_identical(as_array((x > 1) & (x < 4)), c(FALSE, TRUE, FALSE))
  expect_identical(as_array((x < 2) | (x > 3)), c(TRUE, FALSE, TRUE))
  expect_equal(as_array(x * c(1, 0, 1)), c(1, 0, 4))
  expect_equal((x * c(1, 0, 1))$dtype, torch_float())
})

test_that("the Math group maps to torch functions", {
  x <- torch_tensor(c(1, 4))
  expect_equal(as_array(sqrt(x)), c(1, 2))
  expect_equal(as_array(exp(torch_tensor(0))), 1)
  expect_equal(as_array(abs(torch_tensor(-2))), 2)
  expect_equal(as_array(log(x)), log(c(1, 4)), tolerance = 1e-6)
  expect_equal(as_array(log(x, base = 2)), c(0, 2), tolerance = 1e-6)
})

test_that("`[` follows R torch's indexing rules", {
  x <- torch_tensor(1:10)
  expect_identical(as_array(x[1]), 1L)
  expect_identical(as_array(x[-1]), 10L)
  expect_identical(as_array(x[2:4]), 2:4)
  expect_identical(as_array(x[1:10:3]), c(1L, 4L, 7L, 10L))
  expect_identical(as_array(x[8:N]), 8:10)
  expect_identical(as_array(x[N]), 10L)
  expect_identical(as_array(x[c(1, 3)]), c(1L, 3L))
  expect_identical(as_array(x[x > 8]), 9:10)
  expect_identical(as_array(x[c(rep(TRUE, 9), FALSE)]), 1:9)
  expect_identical(as_array(torch_tensor(1:3)[-3:-2]), 1:2)
  expect_error(x[0], "Indexing starts at 1")
  m <- torch_tensor(matrix(1:12, 3))
  expect_identical(m[, 1]$shape, 3L)
  expect_identical(m[, 1, drop = FALSE]$shape, c(3L, 1L))
  expect_identical(m[, 1, NULL]$shape, c(3L, 1L))
  expect_identical(m[NULL, 1, ]$shape, c(1L, 4L))
  expect_identical(as_array(m[2, ]), matrix(1:12, 3)[2, ])
  expect_identical(as_array(m[c(1, 3), c(2, 4)]), matrix(1:12, 3)[c(1, 3), c(2, 4)])
  a <- torch_zeros(2, 3, 4)
  expect_identical(a[.., 1]$shape, c(2L, 3L))
  expect_identical(a[1, ..]$shape, c(3L, 4L))
  idx <- torch_tensor(c(2L, 3L))
  expect_identical(as_array(x[idx]), 2:3)
  i <- 2
  expect_identical(as_array(x[i]), 2L)
  N <- 1  # R torch's N is the last index even if the user has an N
  expect_identical(as_array(x[N]), 10L)
})

test_that("`[<-` assigns in place", {
  x <- torch_zeros(5)
  x[2] <- 1
  x[4:5] <- c(2, 3)
  expect_equal(as_array(x), c(0, 1, 0, 2, 3))
  h <- torch_tensor(c(-1, 2, -3))
  h[h < 0] <- 0
  expect_equal(as_array(h), c(0, 2, 0))
  m <- torch_zeros(2, 2)
  m[, 2] <- torch_tensor(c(5, 6))
  expect_equal(as_array(m), matrix(c(0, 0, 5, 6), 2))
})

test_that("print shows R torch's text", {
  expect_output(print(torch_tensor(c(1, 2))), "torch_tensor\n 1\n 2\n[ CPUFloatType{2} ]", fixed = TRUE)
  expect_output(print(torch_tensor(1:3)), "[ CPULongType{3} ]", fixed = TRUE)
  long <- capture.output(print(torch_zeros(40)))
  expect_true(any(grepl("the output was truncated", long, fixed = TRUE)))
  expect_output(print(torch_float()), "torch_Float")
})

test_that("%>% is exported", {
  expect_equal(torch_ones(2) %>% torch_sum() %>% as_array(), 2)
})

test_that("0-d shapes are integer(0); $ completes names", {
  expect_identical(torch_tensor(1)$sum()$shape, integer(0))
  expect_true(all(c("shape", "backward", "sum") %in% utils:::.DollarNames(torch_zeros(1), "")))
})
