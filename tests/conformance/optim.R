# Optimizers (sgd with momentum, adam, rmsprop, adagrad, lbfgs with an R closure) and lr schedulers (lr_step,
# lr_lambda with R closures, lr_one_cycle, ...): the trajectories equal the Python API's.
library(torch)
source(Sys.getenv("RTORCH_CONFORMANCE_EMIT", "tests/conformance/emit.R"))

torch_manual_seed(21)
w0 <- torch_randn(3, 2)
xs <- torch_randn(8, 3)
ys <- torch_randn(8, 2)
f <- function(w) ((xs$mm(w) - ys)^2)$mean()

# the parameter after each of `steps` steps
trajectory <- function(make_opt, steps = 5) {
  w <- w0$clone()$requires_grad_(TRUE)
  opt <- make_opt(list(w))
  traj <- list()
  for (i in 1:steps) {
    opt$zero_grad()
    loss <- f(w)
    loss$backward()
    opt$step()
    traj[[i]] <- w$detach()$clone()
  }
  traj
}

emit("sgd", trajectory(function(p) optim_sgd(p, lr = 0.1)))
emit("sgd_momentum", trajectory(function(p) optim_sgd(p, lr = 0.1, momentum = 0.9)))
emit("sgd_nesterov_wd", trajectory(function(p) optim_sgd(p, lr = 0.05, momentum = 0.8, nesterov = TRUE,
                                                         weight_decay = 0.01)))
emit("sgd_dampening", trajectory(function(p) optim_sgd(p, lr = 0.1, momentum = 0.5, dampening = 0.1)))
emit("adam", trajectory(function(p) optim_adam(p, lr = 0.05)))
emit("adam_amsgrad_wd", trajectory(function(p) optim_adam(p, lr = 0.05, betas = c(0.8, 0.9), amsgrad = TRUE,
                                                          weight_decay = 0.1)))
emit("adamw", trajectory(function(p) optim_adamw(p, lr = 0.05)))
emit("rmsprop", trajectory(function(p) optim_rmsprop(p, lr = 0.01)))
emit("rmsprop_centered", trajectory(function(p) optim_rmsprop(p, lr = 0.01, alpha = 0.9, momentum = 0.5,
                                                              centered = TRUE)))
emit("adagrad", trajectory(function(p) optim_adagrad(p, lr = 0.1, lr_decay = 0.01)))

# optim_lbfgs: step() takes an R closure and calls it several times
w <- w0$clone()$requires_grad_(TRUE)
opt <- optim_lbfgs(list(w), lr = 1, max_iter = 10)
calls <- 0
closure <- function() {
  calls <<- calls + 1
  opt$zero_grad()
  loss <- f(w)
  loss$backward()
  loss
}
emit("lbfgs_first_loss", opt$step(closure))
opt$step(closure)
emit("lbfgs_w", w)
emit("lbfgs_calls", calls)
w <- w0$clone()$requires_grad_(TRUE)
opt <- optim_lbfgs(list(w), lr = 0.5, max_iter = 8, history_size = 3, line_search_fn = "strong_wolfe")
for (i in 1:2) opt$step(closure)
emit("lbfgs_wolfe_w", w)

# step() returns the closure's loss, or NULL; zero_grad() is invisible, step() visible
w <- w0$clone()$requires_grad_(TRUE)
opt <- optim_sgd(list(w), lr = 0.1)
emit("sgd_closure_value", opt$step(function() {
  opt$zero_grad()
  l <- f(w)
  l$backward()
  l
}))
emit("step_without_closure", opt$step())
emit("visibility", c(withVisible(opt$step())$visible, withVisible(opt$zero_grad())$visible))
emit("w_after_closure_steps", w)

# parameter groups
w1 <- torch_ones(2, requires_grad = TRUE)
w2 <- torch_ones(2, requires_grad = TRUE)
opt <- optim_sgd(list(list(params = list(w1), lr = 0.5), list(params = list(w2))), lr = 0.01, momentum = 0.9)
emit("group_lrs", sapply(opt$param_groups, function(g) g$lr))
emit("group_momentum", sapply(opt$param_groups, function(g) g$momentum))
for (i in 1:3) {
  opt$zero_grad()
  ((w1 * 2)$sum() + (w2^2)$sum())$backward()
  opt$step()
}
emit("groups_trained", list(w1, w2))
w3 <- torch_zeros(1, requires_grad = TRUE)
opt$add_param_group(list(params = list(w3), lr = 0.2))
emit("added_group", list(length(opt$param_groups), opt$param_groups[[3]]$lr, opt$param_groups[[3]]$momentum))
emit("defaults", opt$defaults[c("lr", "momentum", "dampening", "weight_decay", "nesterov")])
emit_error("invalid_lr", optim_sgd(list(w1), lr = -1))
emit_error("invalid_betas", optim_adam(list(w1), betas = c(1.5, 0.9)))

# schedulers: the learning rate at each of n epochs
lr_trace <- function(opt, sched, n, momentum = FALSE) {
  force(sched)  # constructing a scheduler takes its first step
  out <- numeric(0)
  for (i in 1:n) {
    g <- opt$param_groups[[1]]
    out[i] <- if (momentum) g$momentum else g$lr
    opt$step()
    sched$step()
  }
  out
}
new_sgd <- function(...) optim_sgd(list(torch_zeros(1, requires_grad = TRUE)), lr = 0.1, ...)
opt <- new_sgd()
emit("lr_step", lr_trace(opt, lr_step(opt, step_size = 3, gamma = 0.5), 10))
opt <- new_sgd()
emit("lr_lambda", lr_trace(opt, lr_lambda(opt, lr_lambda = function(epoch) 0.95^epoch), 6))
slope <- 2
opt <- new_sgd()
emit("lr_lambda_closure", lr_trace(opt, lr_lambda(opt, function(e) 1 / (1 + slope * e)), 6))
opt <- new_sgd()
emit("lr_multiplicative", lr_trace(opt, lr_multiplicative(opt, lr_lambda = function(e) 0.9), 5))
opt <- new_sgd(momentum = 0.9)
emit("lr_one_cycle", lr_trace(opt, lr_one_cycle(opt, max_lr = 1, total_steps = 10), 10))
opt <- new_sgd(momentum = 0.9)
emit("lr_one_cycle_momentum", lr_trace(opt, lr_one_cycle(opt, max_lr = 1, total_steps = 10), 10, momentum = TRUE))
opt <- new_sgd(momentum = 0.9)
emit("lr_one_cycle_linear", lr_trace(opt, lr_one_cycle(opt, max_lr = 0.5, epochs = 2, steps_per_epoch = 5,
                                                       anneal_strategy = "linear", pct_start = 0.4), 10))
opt <- new_sgd()
emit("lr_cosine", lr_trace(opt, lr_cosine_annealing(opt, T_max = 4, eta_min = 0.01), 9))

# a scheduler driving Adam
w <- w0$clone()$requires_grad_(TRUE)
opt <- optim_adam(list(w), lr = 0.1)
sched <- lr_step(opt, step_size = 2, gamma = 0.1)
for (i in 1:6) {
  opt$zero_grad()
  f(w)$backward()
  opt$step()
  sched$step()
}
emit("adam_with_lr_step", w)
