test_that("nn_module defined in R: self, fields, %>%, parameters, nn_sequential", {
  Net <- nn_module(
    "Net",
    initialize = function(d_in, d_out) {
      self$fc1 <- nn_linear(d_in, 8)
      self$fc2 <- nn_linear(8, d_out)
      self$scale <- 2
    },
    forward = function(x) {
      x %>% self$fc1() %>% nnf_relu() %>% self$fc2() %>% `*`(self$scale)
    }
  )
  model <- Net(3, 1)
  expect_identical(class(model), c("Net", "nn_module"))
  expect_identical(model(torch_randn(4, 3))$shape, c(4L, 1L))
  expect_identical(names(model$parameters), c("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"))
  expect_identical(model$scale, 2)
  expect_s3_class(model[[1]], "nn_linear")
  expect_identical(nn_sequential(Net(3, 2), nn_relu())(torch_randn(2, 3))$shape, c(2L, 2L))
})

test_that("inheritance and super$", {
  Base <- nn_module("Base",
    initialize = function(n) self$fc <- nn_linear(n, n),
    forward = function(x) self$fc(x))
  Child <- nn_module("Child", inherit = Base,
    initialize = function(n) {
      super$initialize(n)
      self$out <- nn_linear(n, 1)
    },
    forward = function(x) self$out(super$forward(x)))
  m <- Child(3)
  expect_identical(m(torch_randn(5, 3))$shape, c(5L, 1L))
  expect_length(m$parameters, 4)
})

test_that("an R error in forward is an R error with its message", {
  Bad <- nn_module("Bad", forward = function(x) stop("forward failed: ", x$shape[1]))
  expect_error(Bad()(torch_zeros(7)), "forward failed: 7")
})

test_that("autograd_function written in R", {
  sq <- autograd_function(
    forward = function(ctx, x) {
      ctx$save_for_backward(x)
      x * x
    },
    backward = function(ctx, grad_output) list(x = 2 * ctx$saved_variables[[1]] * grad_output))
  x <- torch_tensor(3, requires_grad = TRUE)
  sq(x)$backward()
  expect_equal(x$grad$item(), 6)
})

test_that("optimizer defined in R steps with R code", {
  optim_plain <- optimizer("optim_plain",
    initialize = function(params, lr) super$initialize(params, list(lr = lr)),
    step = function(closure = NULL) {
      with_no_grad({
        for (group in self$param_groups)
          for (p in group$params) if (!is.null(p$grad)) p$sub_(p$grad * group$lr)
      })
      invisible(NULL)
    })
  w <- torch_tensor(c(1, 2), requires_grad = TRUE)
  opt <- optim_plain(list(w), lr = 0.5)
  (w * w)$sum()$backward()
  opt$step()
  expect_equal(as_array(w), c(0, 0))
})

test_that("closures for optimizer$step and the training loop of the seed", {
  torch_manual_seed(1)
  x <- torch_randn(20, 3)
  y <- x[, 1, NULL] * 0.2 - x[, 2, NULL] * 1.3
  model <- nn_sequential(nn_linear(3, 8), nn_relu(), nn_linear(8, 1))
  opt <- optim_adam(model$parameters, lr = 0.05)
  losses <- numeric(0)
  for (t in 1:30) {
    loss <- nnf_mse_loss(model(x), y, reduction = "sum")
    losses[t] <- loss$item()
    opt$zero_grad()
    loss$backward()
    opt$step()
  }
  expect_lt(losses[30], losses[1])
  calls <- 0
  closure <- function() {
    calls <<- calls + 1
    opt$zero_grad()
    l <- nnf_mse_loss(model(x), y)
    l$backward()
    l
  }
  out <- opt$step(closure)
  expect_equal(calls, 1)
  expect_s3_class(out, "torch_tensor")
})
