# R's non-local exits out of every kind of R callback that Python runs (issue 10, item 1): return(), break,
# next, conditions caught outside (warning, message, custom, error), restarts. Each must behave as in R,
# leave grad mode and the bridge as they were, and work many times in a row.

xx <- torch_ones(2, requires_grad = TRUE)

# R code blocks run by Python: with_no_grad, with_enable_grad, with_torch_manual_seed
blocks <- list(
  with_no_grad = function(code) with_no_grad(code),
  with_enable_grad = function(code) with_enable_grad(code),
  with_torch_manual_seed = function(code) with_torch_manual_seed(code, seed = 1)
)
for (b in names(blocks)) local({
  blk <- blocks[[b]]
  case(paste(b, "return() returns from the enclosing function"), {
    f <- function() { blk({ return(42) }); 0 }
    f()
  }, value = 42)
  case(paste(b, "return() of a tensor"), {
    f <- function() blk({ return(xx * 2) })
    as_array(f())
  }, value = c(2, 2))
  case(paste(b, "next skips an iteration"), {
    out <- integer()
    for (i in 1:4) blk({ if (i %% 2 == 0) next; out <- c(out, i) })
    out
  }, value = c(1L, 3L))
  case(paste(b, "break leaves the loop"), {
    n <- 0
    for (i in 1:10) blk({ if (i == 3) break; n <- n + 1 })
    n
  }, value = 2)
  case(paste(b, "repeat/break"), {
    n <- 0
    repeat blk({ n <- n + 1; if (n >= 5) break })
    n
  }, value = 5)
  case(paste(b, "warning caught by tryCatch outside"), {
    tryCatch(blk({ warning("w"); 1 }), warning = function(w) conditionMessage(w))
  }, value = "w")
  case(paste(b, "message caught by tryCatch outside"), {
    tryCatch(blk({ message("m"); 1 }), message = function(m) "caught")
  }, value = "caught")
  case(paste(b, "error caught by tryCatch outside keeps its class"), {
    cond <- structure(class = c("my_error", "error", "condition"), list(message = "mine", call = NULL))
    tryCatch(blk(stop(cond)), my_error = function(e) conditionMessage(e))
  }, value = "mine")
  case(paste(b, "custom condition caught"), {
    cond <- structure(class = c("my_signal", "condition"), list(message = "sig", call = NULL))
    tryCatch(blk({ signalCondition(cond); 2 }), my_signal = function(c) "got it")
  }, value = "got it")
  case(paste(b, "withCallingHandlers + muffleWarning resumes"), {
    withCallingHandlers(blk({ warning("w"); 7 }), warning = function(w) invokeRestart("muffleWarning"))
  }, value = 7)
  case(paste(b, "withRestarts/invokeRestart out of the block"), {
    withRestarts(blk({ invokeRestart("myR", 9); 1 }), myR = function(v) v * 2)
  }, value = 18)
  case(paste(b, "uncaught error is an R error"), {
    blk(stop("inner failure"))
  }, error = "inner failure")
  case(paste(b, "500 returns in a row (no Python recursion left behind)"), {
    f <- function() blk({ return(1) })
    s <- 0
    for (i in 1:500) s <- s + f()
    s
  }, value = 500)
  case(paste(b, "nested blocks with return"), {
    f <- function() blk(blk(blk({ return("deep") })))
    f()
  }, value = "deep")
  case(paste(b, "tryCatch finally runs"), {
    fin <- FALSE
    f <- function() tryCatch(blk({ return(1) }), finally = fin <<- TRUE)
    f()
    fin
  }, value = TRUE)
  case(paste(b, "on.exit inside block runs"), {
    flag <- FALSE
    f <- function() blk({ g <- function() { on.exit(flag <<- TRUE); return(3) }; g() })
    c(f(), flag)
  }, value = c(3, 1))
})

case("with_no_grad return restores grad mode", {
  f <- function() with_no_grad({ return(1) })
  f()
  autograd_is_enabled()
}, value = TRUE)
case("with_no_grad warning caught restores grad mode", {
  tryCatch(with_no_grad({ warning("w") }), warning = function(w) NULL)
  autograd_is_enabled()
}, value = TRUE)
case("with_enable_grad inside with_no_grad, return", {
  f <- function() with_no_grad({ with_enable_grad({ return(autograd_is_enabled()) }) })
  c(f(), autograd_is_enabled())
}, value = c(TRUE, TRUE))
case("with_torch_manual_seed restores the stream after return", {
  torch_manual_seed(5); a <- as_array(torch_randn(1))
  torch_manual_seed(5)
  f <- function() with_torch_manual_seed({ return(torch_randn(1)) }, seed = 1)
  f()
  b <- as_array(torch_randn(1))
  a == b
}, value = TRUE)

# R modules: forward, initialize
Warner <- nn_module(forward = function(x) { warning("careful"); x * 2 })
case("module forward warning caught outside", {
  tryCatch(Warner()(xx), warning = function(w) conditionMessage(w))
}, value = "careful")
case("module forward warning muffled keeps the value", {
  as_array(withCallingHandlers(Warner()(xx), warning = function(w) invokeRestart("muffleWarning")))
}, value = c(2, 2))
case("module forward error keeps its class", {
  Bad <- nn_module(forward = function(x) stop(structure(class = c("fwd_error", "error", "condition"),
                                                         list(message = "fwd", call = NULL))))
  tryCatch(Bad()(xx), fwd_error = function(e) "typed")
}, value = "typed")
case("module initialize error", {
  Bad <- nn_module(initialize = function() stop("init failed"))
  Bad()
}, error = "init failed")
case("module forward message caught", {
  M <- nn_module(forward = function(x) { message("hi"); x })
  tryCatch(M()(xx), message = function(m) "msg")
}, value = "msg")
case("module forward next in a loop", {
  M <- nn_module(forward = function(x) x)
  m <- M(); k <- 0
  for (i in 1:3) { tryCatch(m(xx), error = function(e) NULL); if (i == 2) next; k <- k + 1 }
  k
}, value = 2)
case("module forward restart", {
  M <- nn_module(forward = function(x) { invokeRestart("skip", 5) })
  withRestarts(M()(xx), skip = function(v) v)
}, value = 5)
case("module forward calls itself: C stack error, not a crash", {
  Rec <- nn_module(forward = function(x) self$forward(x))
  Rec()(xx)
}, error = "stack|recursion|nested too deeply|infinite")
case("R recursion without torch: C stack error", {
  g <- function(n) g(n + 1)
  tryCatch(g(1), error = function(e) "stack error")
}, value = "stack error")
case("deep recursion through a bridge callback", {
  h <- function(n) with_no_grad(h(n + 1))
  h(1)
}, error = "stack|recursion|nested too deeply|infinite")

# gradient hooks (run by the autograd engine, in Python)
case("hook warning caught outside backward", {
  x <- torch_ones(2, requires_grad = TRUE)
  x$register_hook(function(g) { warning("hookwarn"); g })
  tryCatch((x * 2)$sum()$backward(), warning = function(w) conditionMessage(w))
}, value = "hookwarn")
case("hook error is an R error", {
  x <- torch_ones(2, requires_grad = TRUE)
  x$register_hook(function(g) stop("hook failed"))
  (x * 2)$sum()$backward()
}, error = "hook failed")
case("hook restart", {
  x <- torch_ones(2, requires_grad = TRUE)
  x$register_hook(function(g) invokeRestart("out", "r"))
  withRestarts((x * 2)$sum()$backward(), out = function(v) v)
}, value = "r")
case("hook return() from enclosing function", {
  f <- function() {
    x <- torch_ones(2, requires_grad = TRUE)
    x$register_hook(function(g) g * 3)
    (x * 2)$sum()$backward()
    return(as_array(x$grad))
  }
  f()
}, value = c(6, 6))
case("backward after a hook's caught warning works again", {
  x <- torch_ones(2, requires_grad = TRUE)
  x$register_hook(function(g) { warning("w"); g })
  tryCatch((x * 2)$sum()$backward(), warning = function(w) NULL)
  y <- torch_ones(2, requires_grad = TRUE)
  (y * 3)$sum()$backward()
  as_array(y$grad)
}, value = c(3, 3))

# autograd_function
Sq <- autograd_function(
  forward = function(ctx, x) { ctx$save_for_backward(x); x^2 },
  backward = function(ctx, g) { warning("bw"); list(x = 2 * ctx$saved_variables[[1]] * g) })
case("autograd_function backward warning caught", {
  x <- torch_tensor(3, requires_grad = TRUE)
  tryCatch(Sq(x)$backward(), warning = function(w) conditionMessage(w))
}, value = "bw")
case("autograd_function forward error", {
  F <- autograd_function(forward = function(ctx, x) stop("fw failed"), backward = function(ctx, g) list(g))
  F(torch_ones(1, requires_grad = TRUE))
}, error = "fw failed")
case("autograd_function forward return() outer", {
  f <- function() {
    F <- autograd_function(forward = function(ctx, x) x * 2, backward = function(ctx, g) list(x = g))
    return(as_array(F(torch_ones(1, requires_grad = TRUE))))
  }
  f()
}, value = 2)

# optimizers: LBFGS closure, lr_lambda, R-defined optimizers
case("LBFGS closure warning caught", {
  p <- torch_ones(2, requires_grad = TRUE)
  opt <- optim_lbfgs(list(p))
  tryCatch(opt$step(function() { opt$zero_grad(); l <- (p^2)$sum(); l$backward(); warning("lb"); l }),
           warning = function(w) conditionMessage(w))
}, value = "lb")
case("LBFGS closure error", {
  p <- torch_ones(2, requires_grad = TRUE)
  opt <- optim_lbfgs(list(p))
  opt$step(function() stop("closure failed"))
}, error = "closure failed")
case("LBFGS closure restart", {
  p <- torch_ones(2, requires_grad = TRUE)
  opt <- optim_lbfgs(list(p))
  withRestarts(opt$step(function() invokeRestart("stop_now", "stopped")), stop_now = function(v) v)
}, value = "stopped")
case("LBFGS works after an aborted closure", {
  p <- torch_ones(2, requires_grad = TRUE)
  opt <- optim_lbfgs(list(p))
  try(opt$step(function() stop("x")), silent = TRUE)
  l <- opt$step(function() { opt$zero_grad(); l <- (p^2)$sum(); l$backward(); l })
  is.numeric(as_array(l))
}, value = TRUE)
case("lr_lambda warning caught", {
  p <- torch_ones(2, requires_grad = TRUE)
  opt <- optim_sgd(list(p), lr = 0.1)
  tryCatch(lr_lambda(opt, function(e) { warning("lam"); 1 }), warning = function(w) conditionMessage(w))
}, value = "lam")
case("lr_lambda error", {
  p <- torch_ones(2, requires_grad = TRUE)
  opt <- optim_sgd(list(p), lr = 0.1)
  lr_lambda(opt, function(e) stop("lambda failed"))
}, error = "lambda failed")
case("R-defined optimizer step warning caught", {
  Opt <- optimizer("Opt", initialize = function(params) super$initialize(params, list(lr = 1)),
                   step = function() { warning("stepw"); invisible(NULL) })
  p <- torch_ones(2, requires_grad = TRUE)
  tryCatch(Opt(list(p))$step(), warning = function(w) conditionMessage(w))
}, value = "stepw")

# local_* contexts
case("local_no_grad restored after return", {
  f <- function() { local_no_grad(); return(autograd_is_enabled()) }
  c(f(), autograd_is_enabled())
}, value = c(FALSE, TRUE))
case("local_no_grad restored after error", {
  f <- function() { local_no_grad(); stop("x") }
  try(f(), silent = TRUE)
  autograd_is_enabled()
}, value = TRUE)
