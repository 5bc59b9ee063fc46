test_that("R's gc releases Python objects", {
  before <- live_pointers()
  x <- torch_randn(100, 1)
  for (i in 1:10000) y <- x * 0.2
  rm(y)
  expect_lte(live_pointers(), before + 2)
  made <- bridge_stats()[["pointers_made"]]
  expect_gte(made, 10000)
})

test_that("R functions held by Python are released when Python drops them", {
  before <- live_robjects()
  for (i in 1:1000) py("bridge_test_call", function() 1)
  expect_lte(live_robjects(), before + 2)
})

test_that("tensors held only by R are freed on the Python side", {
  for (i in 1:50) y <- torch_zeros(1000, 1000)  # 4 MB each
  rm(y)
  expect_lte(live_pointers(), 20)
})
