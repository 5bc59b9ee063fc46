# R-visible behaviour of issue 13's additions: classed value errors, device and dtype objects, named size
# arguments, 1-based returned indices through the R wrappers, and the functions R torch's namespace names.

test_that("a Python ValueError is R torch's value_error condition", {
  e <- tryCatch(torch_movedim(torch_ones(2, 2), 0, 1), error = function(e) e)
  expect_s3_class(e, "value_error")
  expect_match(conditionMessage(e), "Dimension is 1-based, but found 0.", fixed = TRUE)
  expect_error(torch_ones(2)$min(dim = 1, other = 2), class = "value_error")
  expect_equal(torch_ones(2)$sum()$item(), 2)  # the session goes on
})

test_that("devices are objects that compare by type; dtypes refuse non-dtypes", {
  x <- torch_ones(2)
  expect_s3_class(x$device, "torch_device")
  expect_identical(x$device$type, "cpu")
  expect_true(x$device == torch_zeros(1)$device)
  expect_false(x$device != torch_zeros(1)$device)
  expect_error(NULL == torch_float64(), "not a dtype")
  expect_false(x$is_cuda)
  expect_identical(x$stride(), c(1))
})

test_that("sizes may be named, as in R torch", {
  expect_equal(torch_ones(size = c(2, 3))$shape, c(2, 3))
  expect_equal(torch_randn(size = c(4))$shape, 4)
  expect_equal(torch_arange(1, 6)$reshape(shape = c(2, 3))$shape, c(2, 3))
  expect_equal(torch_arange(1, 6)$view(size = c(3, 2))$shape, c(3, 2))
})

test_that("indices come back 1-based through the R wrappers", {
  x <- torch_tensor(c(3, 1, 2, 1))
  expect_equal(as_array(torch_kthvalue(x, 1)[[2]]), 2)
  expect_equal(as_array(torch_cummin(x, 1)[[2]]), c(1, 2, 2, 4))
  expect_equal(as_array(torch_mode(torch_tensor(c(2, 1, 2)))[[2]]), 3)
  expect_equal(as_array(torch_unique_consecutive(torch_tensor(c(5L, 5L, 7L)), TRUE)[[2]]), c(1, 1, 2))
  expect_equal(as_array(torch_bincount(torch_tensor(c(1L, 3L, 3L)))), c(1, 0, 2))
  expect_error(torch_bincount(torch_tensor(c(0L, 1L))), "Indexing starts at 1 but found a 0.")
})

test_that("in-place index methods write into the tensor", {
  x <- torch_zeros(3)
  x$index_add_(1, torch_tensor(c(1L, 1L)), torch_tensor(c(1, 2)))
  expect_equal(as_array(x), c(3, 0, 0))
  m <- torch_zeros(2, 2)
  m$fill_diagonal_(5)
  expect_equal(as_array(m), diag(5, 2))
  expect_equal(torch_tensor(c(1, 2))$new_empty(c(2, 2))$shape, c(2, 2))
})

test_that("functions without a CPU numpy implementation say why", {
  expect_error(torch_quantize_per_tensor(torch_ones(2), 1, 0, torch_quint8()), "not supported in rtorch_py")
  expect_error(jit_trace(function(x) x, torch_ones(1)), "TorchScript")
  expect_false(backends_mps_is_available())
})

test_that("bfloat16 tensors round their values and print as libtorch", {
  x <- torch_tensor(c(1.00390625, 1.01171875, 3.14159265), dtype = torch_bfloat16())
  expect_true(x$dtype == torch_bfloat16())
  expect_equal(as.numeric(x$to(dtype = torch_float())), c(1, 1.015625, 3.140625))
  expect_match(paste(capture.output(print(x)), collapse = "\n"), "CPUBFloat16Type\\{3\\}")
  net <- nn_linear(2, 2)
  net$to(dtype = torch_bfloat16())
  expect_true(net$weight$dtype == torch_bfloat16())
})

test_that("an empty tensor says which R index is out of bounds", {
  x <- torch_tensor(integer())
  expect_error(x[1], "index 1 is out of bounds for dimension 1 with size 0", fixed = TRUE)
  expect_equal(torch_tensor(NULL)$shape, 0)
})

test_that("in-place methods return the same R object", {
  x <- torch_tensor(c(-1, 2))
  y <- x$abs_()$mul_(2)
  expect_identical(rlang::obj_address(x), rlang::obj_address(y))
  expect_equal(as_array(x), c(2, 4))
  z <- x$abs()
  expect_false(identical(rlang::obj_address(x), rlang::obj_address(z)))
})

test_that("expect_equal compares tensors by values, dtype, shape, requires_grad and grad_fn", {
  testthat::local_edition(3)
  expect_equal(torch_tensor(c(1, 2)), torch_tensor(c(1, 2)))
  expect_failure(expect_equal(torch_tensor(1), torch_tensor(2)))
  expect_failure(expect_equal(torch_tensor(1), torch_tensor(1L)))
  expect_failure(expect_equal(torch_tensor(1)$reshape(c(1, 1)), torch_tensor(1)))
  x <- torch_tensor(1)$requires_grad_(TRUE)
  expect_failure(expect_equal(x, x$clone()))
})

test_that("R matrices index as the tensors they convert to; two long tensors cannot be assigned through", {
  x <- torch_tensor(matrix(1:16, 4, 4))
  y <- rbind(c(1, 1), c(1, 2))
  expect_equal(x[y]$shape, c(2, 2, 4))
  expect_equal(as_array(x[y]), as_array(x[torch_tensor(y, dtype = torch_long())]))
  expect_equal(as_array(x[as.array(x > 12)]), as_array(x[x > 12]))
  expect_error(x[torch_tensor(c(1L, 3L)), torch_tensor(c(1L, 2L))] <- 2, "Only one tensor is allowed")
})

test_that("slc() slices with R's inclusive ends", {
  x <- torch_tensor(1:10)
  expect_equal(as_array(x[slc(start = 1, end = 5, step = 2)]), c(1L, 3L, 5L))
  expect_equal(as_array(x[slc(9, Inf)]), c(9L, 10L))
  expect_output(print(slc(1, 3, 5)), "<slice>")
})
