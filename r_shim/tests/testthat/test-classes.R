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

test_that("three levels of inherit: super$ is the parent of the class defining the method", {
  A <- nn_module("A",
    initialize = function() self$log <- "A",
    forward = function(x) x + 1)
  B <- nn_module("B", inherit = A,
    initialize = function() {
      super$initialize()
      self$log <- c(self$log, "B")
    },
    forward = function(x) super$forward(x) * 2)
  C <- nn_module("C", inherit = B,
    initialize = function() {
      super$initialize()
      self$log <- c(self$log, "C")
    },
    forward = function(x) super$forward(x) - 1)
  m <- C()
  expect_identical(m$log, c("A", "B", "C"))
  expect_equal(as_array(m(torch_tensor(c(1, 2)))), c(3, 5))
  expect_identical(class(m), c("C", "B", "A", "nn_module"))  # as R torch: every inherited class
  rm(list = ls())  # the classes' R functions close over this frame: leave no cycle through Python
})

test_that("private members and active bindings (read, write, read-only)", {
  Thermo <- nn_module("Thermo",
    initialize = function() private$kelvin <- 300,
    forward = function(x) x * private$factor(),
    private = list(factor = function() private$kelvin / 100),
    active = list(
      celsius = function(value) {
        if (missing(value)) return(private$kelvin - 273.15)
        private$kelvin <- value + 273.15
      },
      kelvin = function() private$kelvin))
  t <- Thermo()
  expect_equal(t$celsius, 26.85)
  t$celsius <- 0
  expect_equal(t$kelvin, 273.15)
  expect_equal(as_array(t(torch_tensor(100))), 273.15, tolerance = 1e-6)
  expect_null(t$factor)
  expect_error(t$kelvin <- 1, "active binding 'kelvin' of <Thermo> is read-only")
  rm(list = ls())
})

test_that("optimizer and lr_scheduler classes chain super$ over three levels and print as R6", {
  calls <- character(0)
  mk <- function(name, inherit) optimizer(name, inherit = inherit, step = function(closure = NULL) {
    calls <<- c(calls, name)
    super$step(closure)
  })
  o1 <- optimizer("o1",
    initialize = function(params, lr) super$initialize(params, list(lr = lr)),
    step = function(closure = NULL) {
      calls <<- c(calls, "o1")
      with_no_grad(for (p in self$param_groups[[1]]$params) p$sub_(p$grad * self$param_groups[[1]]$lr))
      invisible(NULL)
    })
  o3 <- mk("o3", mk("o2", o1))
  w <- torch_tensor(1, requires_grad = TRUE)
  opt <- o3(list(w), lr = 0.5)
  w$grad <- torch_tensor(1)
  opt$step()
  expect_identical(calls, c("o3", "o2", "o1"))
  expect_equal(w$item(), 0.5)
  expect_identical(capture.output(print(opt))[1:2], c("<o3>", "  Inherits from: <o2>"))
  s1 <- lr_scheduler("s1", get_lr = function() list(0.1 * (self$last_epoch + 1)))
  s2 <- lr_scheduler("s2", inherit = s1, get_lr = function() lapply(super$get_lr(), function(v) v * 2))
  s3 <- lr_scheduler("s3", inherit = s2, get_lr = function() lapply(super$get_lr(), function(v) v + 1))
  s <- s3(opt)
  s$step()
  expect_equal(opt$param_groups[[1]]$lr, 1.4)
  rm(list = ls())
})

test_that("parameters have R torch's class, kept by $detach() and $clone()", {
  x <- nn_parameter(torch_tensor(1)$requires_grad_(TRUE))
  expect_identical(class(x), c("nn_parameter", "torch_tensor", "R7"))
  expect_identical(class(x$detach()), class(x))
  expect_identical(attributes(x$clone()), attributes(x))
  expect_identical(class(nn_linear(2, 2)$weight)[1], "nn_parameter")
  expect_identical(class(x * 2), c("torch_tensor", "R7"))
  expect_identical(class(torch_ones(1)$detach()), c("torch_tensor", "R7"))
})
