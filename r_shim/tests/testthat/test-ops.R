
test_that("Summary group and mean on a tensor reduce it to a 0-d tensor", {
  x <- torch_tensor(c(1, 5, 2))
  expect_equal(sum(x)$item(), 8)
  expect_equal(prod(x)$item(), 10)
  expect_equal(max(x)$item(), 5)
  expect_equal(min(x)$item(), 1)
  expect_equal(mean(x)$item(), 8 / 3, tolerance = 1e-6)
  expect_true(any(x > 4)$item())
  expect_false(all(x > 4)$item())
  # several tensors: each reduced, then combined (R torch's sum/prod/max/min methods); sum/prod take dim
  expect_equal(sum(x, x * 2)$item(), 24)
  expect_equal(max(x, torch_tensor(c(-1, 7)))$item(), 7)
  expect_equal(as_array(sum(torch_ones(2, 3), dim = 2)), c(3, 3))
  expect_error(sum(x, 1), "tensors only")
})

test_that("grad_fn prints libtorch's node name as R torch does", {
  a <- torch_tensor(3, requires_grad = TRUE)
  expect_output(print((a * 2)$grad_fn), "^MulBackward0$")
  expect_null(a$grad_fn)
})
