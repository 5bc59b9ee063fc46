# R-side syntax of devices, memory formats, generators, dim names and R torch's helpers (R/attributes.R).

test_that("devices print, compare and convert as R torch's; tensors elsewhere than cpu/meta are errors", {
  expect_identical(as.character(torch_device("cuda", 1)), "cuda:1")
  expect_identical(as.character(torch_device("cpu")), "cpu")
  expect_null(torch_device("cuda")$index)
  expect_output(print(torch_device("cuda:0")), "torch_device(type='cuda', index=0)", fixed = TRUE)
  expect_false(torch_device("cuda") == torch_device("cpu"))
  expect_error(torch_ones(2, device = "cuda"), "not supported in rtorch_py", fixed = TRUE)
  expect_error(torch_device("gpu"), "device type at start of device string: gpu", fixed = TRUE)
  expect_equal(torch_ones(2)$sum()$item(), 2)  # the session goes on
})

test_that("meta tensors: created in a device context, printed with META, no data", {
  f <- function() {
    local_device("meta")
    torch_randn(2, 3)
  }
  x <- f()
  expect_true(is_meta_device(x$device))
  expect_identical(x$device$type, "meta")
  expect_identical(torch_randn(1)$device$type, "cpu")  # restored when f returned
  expect_output(print(x), "[ METAFloatType{2,3} ]", fixed = TRUE)
  y <- with_device(device = "meta", torch_zeros(4, dtype = torch_long()))
  expect_identical(y$shape, 4L)
  expect_error(as_array(y), "meta tensors", fixed = TRUE)
  expect_error(y$cpu(), "Cannot copy out of meta tensor; no data!", fixed = TRUE)
})

test_that("memory formats compare with == and !=", {
  expect_true(torch_channels_last_format() == torch_channels_last_format())
  expect_true(torch_preserve_format() != torch_contiguous_format())
  expect_error(torch_preserve_format() == 1, "not a memory format")
})

test_that("generator seeds are integer64, as in R torch", {
  skip_if_not_installed("bit64")
  g <- torch_generator()
  g$set_current_seed(bit64::as.integer64("9007199254740993"))  # above 2^53: exact only as integer64
  expect_identical(as.character(g$current_seed()), "9007199254740993")
  expect_error(g$set_current_seed(1), "Seed must an integer or integer64.", fixed = TRUE)
  g$set_current_seed(7L)
  a <- torch_randn(3, generator = g)
  torch_manual_seed(7)
  expect_equal(as_array(a), as_array(torch_randn(3)))
})

test_that("options(torch.old_seed_behavior = TRUE) seeds as earlier R torch versions", {
  old <- options(torch.old_seed_behavior = TRUE)
  on.exit(options(old))
  torch_manual_seed(2019)
  expect_equal(torch_randn(1)$item(), -0.364226043224335, tolerance = 1e-7)
  options(torch.old_seed_behavior = FALSE)
  torch_manual_seed(1)
  expect_equal(torch_randn(1)$item(), 0.661352157592773, tolerance = 1e-7)
})

test_that("dim names print as character vectors; scalars and variable lists are objects", {
  expect_output(print(torch_dimname_list(letters[1:3])), '[1] "a" "b" "c"', fixed = TRUE)
  expect_identical(as.character(torch_dimname("x")), "x")
  expect_error(torch_dimname("1a"), "Invalid name", fixed = TRUE)
  expect_true(is_torch_scalar(torch_scalar(1L)))
  expect_identical(torch_scalar(2L)$to_r(), 2L)
  expect_true(torch_scalar(TRUE)$type == torch_bool())
  v <- torch_variable_list(list(torch_ones(1), torch_zeros(2)))$to_r()
  expect_length(v, 2)
  expect_equal(v[[2]]$shape, 2)
})

test_that("call_torch_function calls torch_ functions by name, warning unless quiet", {
  y <- torch_tanh(torch_tensor(c(0.5, -1)))
  expect_warning(g <- call_torch_function("torch_tanh_backward", 1, y), "use with caution")
  expect_equal(as_array(g), 1 - as_array(y)^2, tolerance = 1e-6)
  g2 <- call_torch_function("torch_tanh_backward", !!!list(output = y, grad_output = 1), quiet = TRUE)
  expect_equal(as_array(g2), as_array(g))
  expect_error(call_torch_function("nnf_relu", y, quiet = TRUE), "prefixed with 'torch_'")
  expect_error(call_torch_function("torch_nope", y, quiet = TRUE), "check your spelling")
})

test_that("test_stack round-trips R values through the bridge", {
  x <- list(torch_tensor(1), 1, c(1, 2, 3), list(1L, 1:10), structure(list(a = 2), class = "jit_tuple"))
  out <- torch:::test_stack(x)
  expect_identical(out[2:4], x[2:4])
  expect_identical(out[[5]], list(a = 2))
})

test_that("a failed allocation runs R's gc() (traceable, as R torch's allocator) and retries once", {
  env <- new.env()
  env$n <- 0
  suppressMessages(trace(gc, print = FALSE, function() env$n <- env$n + 1))
  on.exit(suppressMessages(untrace(gc)))
  expect_error(torch_randn(1e9, 1e9), "Unable to allocate")
  expect_equal(env$n, 1)  # the retry failed too: its error reached R, with no second gc()
  expect_equal(torch_ones(2)$sum()$item(), 2)
})

test_that("CPU autocast: local_autocast / with_autocast run products in the region's dtype", {
  x <- torch_randn(3, 3)
  f <- function() {
    local_autocast(device_type = "cpu", dtype = torch_float16())
    torch_mm(torch_mm(x, x), x)
  }
  expect_identical(f()$dtype$.type(), "Half")
  expect_true(torch_mm(x, x)$dtype == torch_float())
  w <- with_autocast(device_type = "cpu", dtype = torch_float16(), torch_mm(x, x))
  expect_identical(w$dtype$.type(), "Half")
  expect_error(with_autocast(device_type = "cuda", 1), "not supported in rtorch_py", fixed = TRUE)
  expect_true(torch_mm(x, x)$dtype == torch_float())
})
