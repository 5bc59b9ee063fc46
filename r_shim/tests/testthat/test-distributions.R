# Distributions, constraints and the autograd additions as R sees them (values are tested in Python).

test_that("distributions are R6-style objects with R torch's classes, fields and methods", {
  d <- distr_normal(torch_zeros(2), torch_ones(2))
  expect_s3_class(d, "torch_Normal")
  expect_s3_class(d, "torch_Distribution")
  expect_equal(d$batch_shape, 2)
  expect_null(d$event_shape)
  expect_equal(d$sample(c(3, 4))$shape, c(3, 4, 2))
  expect_equal(as.numeric(d$log_prob(torch_zeros(2))), rep(-0.9189385, 2), tolerance = 1e-6)
  expect_equal(class(d$expand(c(5, 2))), class(d))
  expect_equal(distr_normal(0, 1)$sample()$shape, 1)
  expect_error(distr_bernoulli(0.3)$rsample(), "rsample is not implemented for torch_Bernoulli")
  expect_error(distr_bernoulli(), "Either `probs` or `logits` must be specified")
})

test_that("categorical draws and scores 1-based categories", {
  torch_manual_seed(1)
  s <- distr_categorical(torch_tensor(c(0, 0, 1)))$sample(4)
  expect_equal(as.numeric(s), rep(3, 4))
  d <- distr_categorical(probs = torch_tensor(c(0.1, 0.2, 0.7)))
  expect_equal(as.numeric(d$log_prob(torch_tensor(c(1, 3)))), log(c(0.1, 0.7)), tolerance = 1e-6)
})

test_that("constraint objects and classes are values", {
  expect_equal(as.logical(constraint_positive$check(torch_tensor(c(-1, 2)))), c(FALSE, TRUE))
  lt <- constraint_less_than$new(1)
  expect_equal(as.logical(lt$check(torch_tensor(c(0.5, 1.5)))), c(TRUE, FALSE))
  expect_equal(as.numeric(lt$upper_bound), 1)
})

test_that("autograd additions", {
  x <- torch_tensor(1, requires_grad = TRUE)
  x[["requires_grad"]] <- FALSE
  expect_false(x$requires_grad)
  y <- torch_ones(2, requires_grad = TRUE)$mean()
  expect_equal(y$grad_fn$name(), "MeanBackward0")
  expect_true(is_undefined_tensor(torch_ones(1, requires_grad = TRUE)$grad))
  f <- autograd_function(
    forward = function(ctx, a) list(a * 2, a * 3),
    backward = function(ctx, g1, g2) list(a = g1 * 2 + g2 * 3)
  )
  a <- torch_tensor(1, requires_grad = TRUE)
  r <- f(a)
  r[[2]]$backward()
  expect_equal(as.numeric(a$grad), 3)
  # r's node holds `backward`, whose environment holds r: a cycle across R and Python that neither collector
  # sees whole; dropping the R side's references ends it (the finalizer tests count live pointers after us)
  rm(f, r, a)
  expect_warning(expect_error(with_detect_anomaly({
    p <- torch_randn(2, requires_grad = TRUE); q <- torch_randn(1); b <- (p^q)$sum(); q$add_(1); b$backward()
  }), "backtrace further above"), "should be enabled only for debugging")
})

test_that("testthat's 3rd edition compares tensors by value, shape and autograd state", {
  local_edition(3)
  expect_equal(torch_tensor(c(1, 2)), torch_tensor(c(1, 2)))
  expect_failure(expect_equal(torch_tensor(1), torch_tensor(2)))
  expect_failure(expect_equal(torch_tensor(1)$reshape(c(1, 1)), torch_tensor(1)))
  expect_failure(expect_equal(torch_tensor(1, requires_grad = TRUE), torch_tensor(1)))
})
