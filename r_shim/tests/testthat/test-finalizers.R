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

test_that("a module's R function is reused only while R holds it, never once R has let it go", {
  # the bridge keeps one R function per module while it lives; a collection that found it unreachable leaves
  # its pointer's finalizer pending: the function must not be handed out again then
  Net <- nn_module(initialize = function() self$fc <- nn_linear(2, 2), forward = function(x) self$fc(x))
  m <- Net()
  x <- torch_randn(1, 2)
  for (i in 1:2000) y <- m(x)  # the reproduction without explicit gc(): tests/robustness/memory_loops.R
  expect_equal(y$shape, c(1, 2))
  before <- live_pointers()
  for (i in 1:3000) l <- nn_linear(1, 1)  # each made, wrapped once, dropped
  rm(l)
  gc()
  expect_lte(live_pointers(), before + 5)
})
