test_that("R numbers become tensors with R torch's dtypes", {
  expect_equal(torch_tensor(c(1.5, 2))$dtype, torch_float())
  expect_equal(torch_tensor(1:3)$dtype, torch_long())
  expect_equal(torch_tensor(c(TRUE, FALSE))$dtype, torch_bool())
  expect_equal(torch_tensor(1)$shape, 1L)
  expect_equal(torch_tensor(c(1, 2), dtype = torch_float64())$dtype, torch_double())
})

test_that("matrices and arrays keep t[i, j] == m[i, j]", {
  m <- matrix(c(1, 2, 3, 4, 5, 6), nrow = 2)
  t <- torch_tensor(m)
  expect_equal(t$shape, c(2L, 3L))
  for (i in 1:2) for (j in 1:3) expect_equal(t[i, j]$item(), m[i, j])
  a <- array(1:24, dim = c(2, 3, 4))
  ta <- torch_tensor(a)
  expect_equal(ta$shape, c(2L, 3L, 4L))
  expect_equal(ta[2, 3, 4]$item(), a[2, 3, 4])
  expect_equal(as_array(ta), a)
  expect_equal(as_array(t), m)
})

test_that("values come back with R's types", {
  expect_type(torch_tensor(2.5)$item(), "double")
  expect_type(torch_tensor(2L)$item(), "integer")
  expect_type(torch_tensor(TRUE)$item(), "logical")
  expect_identical(torch_randn(3, 2)$shape, c(3L, 2L))
  expect_identical(as_array(torch_tensor(1:3)), 1:3)
  # NA in logical/integer data is refused (no silent TRUE or -2147483648); a double NA is NaN
  expect_error(torch_tensor(c(TRUE, NA, FALSE)), "argument 'data' is NA or contains NA")
  expect_error(torch_tensor(c(1L, NA)), "argument 'data' is NA or contains NA")
  expect_true(is.nan(as_array(torch_tensor(c(1, NA)))[2]))
  expect_identical(as_array(torch_tensor(c(1.5, 2.5), dtype = torch_float64())), c(1.5, 2.5))
  expect_identical(as.numeric(torch_tensor(c(1, 2))), c(1, 2))
  expect_identical(as.integer(torch_tensor(c(1L, 2L))), c(1L, 2L))
  expect_identical(as.logical(torch_tensor(c(TRUE, FALSE))), c(TRUE, FALSE))
  expect_identical(as.matrix(torch_tensor(matrix(1:4, 2))), matrix(1:4, 2))
  big <- torch_tensor(3e9, dtype = torch_long())
  # int64 values beyond R's integers come back as doubles, with R torch's warning
  expect_warning(expect_identical(as_array(big), 3e9), "do not fit R's 32-bit integers")
  expect_identical(length(torch_zeros(2, 3)), 6L)
  expect_identical(dim(torch_zeros(2, 3)), c(2L, 3L))
})

test_that("Python sees R values as documented", {
  expect_identical(py("bridge_test_types", 1.5), "float")
  expect_identical(py("bridge_test_types", 2L), "int")
  expect_identical(py("bridge_test_types", TRUE), "bool")
  expect_identical(py("bridge_test_types", NULL), "NoneType")
  expect_identical(py("bridge_test_types", "a"), "str")
  expect_identical(py("bridge_test_types", c(1, 2)), list("ndarray", "float64", 2L, TRUE))
  expect_identical(py("bridge_test_types", matrix(1:6, 2)), list("ndarray", "int32", c(2L, 3L), TRUE))
  expect_identical(py("bridge_test_types", c(TRUE, FALSE)), list("ndarray", "bool", 2L, TRUE))
  expect_identical(py("bridge_test_types", list(1, "a")), c("list", "float", "str"))
  expect_identical(py("bridge_test_types", list(a = 1, b = 2L)), list(a = "float", b = "int"))
  expect_identical(py("bridge_test_types", torch_zeros(1)), "Tensor")
  expect_identical(py("bridge_test_types", function(x) x), "RObject")
})

test_that("values round-trip through Python", {
  expect_identical(py("identity", NULL), NULL)
  expect_identical(py("identity", 1.5), 1.5)
  expect_identical(py("identity", 7L), 7L)
  expect_identical(py("identity", NA), NA)
  expect_identical(py("identity", c(1L, NA)), c(1L, NA))
  expect_identical(py("identity", c("a", NA)), c("a", NA))
  expect_identical(py("identity", c(1.5, 2.5)), c(1.5, 2.5))
  expect_identical(py("identity", matrix(c(1, 2, 3, 4), 2)), matrix(c(1, 2, 3, 4), 2))
  expect_identical(py("identity", c("a", "b")), c("a", "b"))
  expect_identical(py("identity", "é"), "é")
  expect_identical(py("identity", list(a = 1, b = list(c = "x"))), list(a = 1, b = list(c = "x")))
  expect_identical(py("identity", list(torch_zeros(1), 2))[[2]], 2)
  e <- new.env()
  expect_identical(py("identity", e), e)
  f <- function(x) x + 1
  expect_identical(py("identity", f), f)
  x <- torch_randn(2)
  y <- py("identity", x)
  expect_s3_class(y, "torch_tensor")
  y$requires_grad <- TRUE
  expect_true(x$requires_grad)  # the same Python object
})

test_that("factors are refused with a clear error", {
  expect_error(torch_tensor(factor(c("a", "b"))), "factors are not supported")
})

test_that("classes are R torch's", {
  expect_identical(class(torch_zeros(1)), c("torch_tensor", "R7"))
  expect_identical(class(torch_float()), c("torch_dtype", "R7"))
  expect_true(is_torch_tensor(torch_zeros(1)))
  expect_false(is_torch_tensor(1))
})

test_that("dtypes compare with == as R torch's", {
  expect_true(torch_tensor(1)$dtype == torch_float32())
  expect_true(torch_tensor(1L)$dtype != torch_float())
  expect_identical(torch_ones(1)$dtype, torch_float())
})

test_that("raw vectors are Byte tensors and come back raw", {
  x <- charToRaw("hello world")
  ten <- torch_tensor(x)
  expect_identical(ten$dtype$.type(), "Byte")
  expect_identical(ten$shape, 11L)
  expect_identical(as.array(ten), x)
  expect_identical(as.integer(ten), as.integer(x))
  expect_identical(as_array(torch_tensor(matrix(as.raw(1:6), 2))), matrix(as.raw(1:6), 2))
})

test_that("bit64 integer64 values cross exactly, both ways", {
  big <- bit64::as.integer64("9007199254740993")  # 2^53 + 1: not a double
  x <- torch_tensor(c(big, -big))
  expect_identical(x$dtype$.type(), "Long")
  expect_identical(as.character(as.integer64(x)), c("9007199254740993", "-9007199254740993"))
  expect_identical(x$sum()$item(), 0L)
  o <- as.integer64(torch_tensor(array(1:8, c(2, 2, 2))))
  expect_s3_class(o, "integer64")
  expect_identical(dim(o), c(2L, 2L, 2L))
  expect_identical(as.integer(o[2, 1, 2]), 6L)
  expect_error(torch_tensor(bit64::as.integer64(c(1, NA))), "NA")
})

test_that("torch_tensor_from_buffer shares the R vector's memory; buffer_from_torch_tensor gives bytes", {
  x <- c(1.5, 2.5, 3.5)
  y <- torch_tensor_from_buffer(x, shape = 3, dtype = "float64")
  expect_identical(as.numeric(y), x)
  y$add_(1)
  expect_identical(x, c(2.5, 3.5, 4.5))  # written through, as R torch documents
  b <- buffer_from_torch_tensor(torch_tensor(c(1L, 256L), dtype = torch_int16()))
  expect_identical(b, as.raw(c(1, 0, 0, 1)))  # little-endian int16 values, row-major
  z <- torch_tensor_from_buffer(b, shape = 2, dtype = torch_int16())
  expect_identical(as.integer(z), c(1L, 256L))
  expect_error(torch_tensor_from_buffer(b, shape = 4, dtype = "int16"), "needs 8 bytes, the buffer has 4")
  expect_error(torch_tensor_from_buffer(list(1), shape = 1), "must be a raw, double")
})

test_that("head and tail take entries along the first dim", {
  x <- torch_tensor(1:10)
  expect_identical(as_array(head(x)), 1:6)
  expect_identical(as_array(tail(x)), 5:10)
  expect_identical(as_array(head(x, -8)), 1:2)
  expect_identical(as_array(tail(x, -8)), 9:10)
  m <- torch_stack(list(x, x), dim = 2)
  expect_identical(as_array(head(m, n = 3)), cbind(1:3, 1:3))
  expect_identical(as_array(tail(m, n = 4)), cbind(7:10, 7:10))
})

test_that("a Python namedtuple result is a named list; other tuple results are unnamed lists, as R torch's", {
  torch_manual_seed(1)
  m <- nn_adaptive_log_softmax_with_loss(4, 6, c(2, 4))
  r <- m(torch_randn(3, 4), torch_tensor(c(1L, 3L, 6L)))
  expect_named(r, c("output", "loss"))
  expect_equal(r$output$shape, 3L)
  expect_equal(r$loss$item(), -r$output$mean()$item(), tolerance = 1e-6)
  a <- torch_tensor(rbind(c(2, 1), c(1, 3)))
  for (v in list(linalg_slogdet(a), linalg_eigh(a), torch_sort(a), torch_max(a, dim = 1), linalg_qr(a))) {
    expect_length(v, 2)
    expect_null(names(v))
  }
  expect_null(names(linalg_svd(a)))
  expect_equal(linalg_slogdet(a)[[2]]$item(), log(5), tolerance = 1e-6)
})
