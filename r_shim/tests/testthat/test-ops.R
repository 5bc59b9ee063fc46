
test_that("Summary group and mean on a tensor reduce it to a 0-d tensor", {
  x <- torch_tensor(c(1, 5, 2))
  expect_equal(sum(x)$item(), 8)
  expect_equal(prod(x)$item(), 10)
  expect_equal(max(x)$item(), 5)
  expect_equal(min(x)$item(), 1)
  expect_equal(mean(x)$item(), 8 / 3, tolerance = 1e-6)
  expect_true(any(x > 4)$item())
  expect_false(all(x > 4)$item())
  expect_error(sum(x, x), "exactly one tensor")
})

test_that("grad_fn prints libtorch's node name as R torch does", {
  a <- torch_tensor(3, requires_grad = TRUE)
  expect_output(print((a * 2)$grad_fn), "^MulBackward0$")
  expect_null(a$grad_fn)
})
