# Errors: a Python exception is an R error whose message is Python's, tryCatch() sees it, and the session goes
# on; an R error inside an R callback (forward, closures, hooks) comes back with R's message; Python warnings
# are R warnings.
library(torch)
source(Sys.getenv("RTORCH_CONFORMANCE_EMIT", "tests/conformance/emit.R"))

x <- torch_ones(2, 3)
emit_error("broadcast", x + torch_ones(4))
emit_error("mm_shapes", x$mm(torch_ones(2, 2)))
emit_error("matmul_shapes", torch_matmul(x, torch_ones(4)))
emit_error("view", x$view(c(4, 2)))
emit_error("cat_shapes", torch_cat(list(x, torch_ones(2, 2)), dim = 1))
emit_error("requires_grad_long", torch_tensor(1:3, requires_grad = TRUE))
emit_error("backward_no_grad", x$sum()$backward())
emit_error("linear_shapes", nn_linear(4, 2)(x))
emit_error("invalid_lr", optim_adam(list(torch_ones(1, requires_grad = TRUE)), lr = -0.5))
emit_error("invalid_momentum", optim_sgd(list(torch_ones(1, requires_grad = TRUE)), lr = 0.1, momentum = -1))
emit_error("reshape", torch_reshape(x, c(5, -1)))
emit_error("unknown_reduction", nnf_mse_loss(x, x, reduction = "average"))
emit_error("parameters_read_only", {
  m <- nn_linear(1, 1)
  m$parameters <- list()
})
emit_error("factor", torch_tensor(factor(c("a", "b"))))
emit_error("index_zero", x[0, 1])
emit_error("dim_zero", x$sum(dim = 0))

# the session goes on: the same objects still work after the errors
emit("after_errors", (x * 2)$sum())
caught <- tryCatch(torch_ones(2) + torch_ones(3), error = function(e) "caught")
emit("trycatch", caught)
emit("try", inherits(try(torch_ones(2) + torch_ones(3), silent = TRUE), "try-error"))
emit("condition_is_error", inherits(tryCatch(torch_ones(2) + torch_ones(3), error = function(e) e), "error"))
res <- withCallingHandlers(
  tryCatch(x$mm(x), error = function(e) conditionMessage(e)),
  warning = function(w) invokeRestart("muffleWarning")
)
emit("message_via_condition", res)

# R errors inside R code that Python calls
Broken <- nn_module("Broken", initialize = function() self$fc <- nn_linear(2, 1),
                    forward = function(x) stop("forward failed: ", paste(x$shape, collapse = "x")))
emit_error("r_error_in_forward", Broken()(torch_ones(3, 2)))
emit_error("r_error_in_sequential", nn_sequential(nn_linear(2, 2), Broken())(torch_ones(1, 2)))
w <- torch_ones(1, requires_grad = TRUE)
opt <- optim_lbfgs(list(w))
emit_error("r_error_in_closure", opt$step(function() stop("closure failed")))
opt2 <- optim_sgd(list(w), lr = 1)
emit_error("r_error_in_lr_lambda", lr_lambda(opt2, function(e) if (e > 0) stop("lambda failed at ", e) else 1)$step())
h <- torch_ones(2, requires_grad = TRUE)
hook <- h$register_hook(function(g) stop("hook failed"))
emit_error("r_error_in_hook", (h * 2)$sum()$backward())
bad_fn <- autograd_function(forward = function(ctx, a) a * 2, backward = function(ctx, g) stop("custom backward failed"))
emit_error("r_error_in_backward", bad_fn(h)$sum()$backward())
emit_error("python_error_in_r_callback",
           Broken()$apply(function(m) if (inherits(m, "Broken")) m$fc$weight$mm(torch_ones(5, 5))))
emit("still_fine", torch_ones(2)$sum()$item())

# Python warnings are R warnings with the same text
warned <- NULL
value <- withCallingHandlers(
  nnf_mse_loss(torch_ones(3, 1), torch_ones(3)),
  warning = function(w) {
    warned <<- conditionMessage(w)
    invokeRestart("muffleWarning")
  }
)
emit("warning_message", warned)
emit("warning_value", value)
