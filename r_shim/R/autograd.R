# Functions whose R arguments are code, run by Python inside a context (no-grad, a seed): R passes a
# closure that evaluates the code and keeps its value on the R side, so R values come back untouched.

#' Evaluates code without recording gradients
#' @param code R code.
#' @export
with_no_grad <- function(code) {
  result <- NULL
  .Call(C_rt_call1, "with_no_grad", function() { result <<- code; NULL })
  result
}

#' Evaluates code with gradient recording on
#' @param code R code.
#' @export
with_enable_grad <- function(code) {
  result <- NULL
  .Call(C_rt_call1, "with_enable_grad", function() { result <<- code; NULL })
  result
}

#' Evaluates code with the random generator seeded, then restores its state
#' @param code R code.
#' @param ... unused.
#' @param seed the seed.
#' @export
with_torch_manual_seed <- function(code, ..., seed) {
  result <- NULL
  .Call(C_rt_call2, "with_torch_manual_seed", function() { result <<- code; NULL }, seed)
  result
}

#' Disables gradient recording until the calling function exits
#' @param .env the frame whose exit restores it.
#' @export
local_no_grad <- function(.env = parent.frame()) {
  cm <- .Call(C_rt_call0, "local_no_grad")
  .Call(C_rt_call1, "context_enter", cm)
  do.call(base::on.exit, list(bquote(.Call(.(C_rt_call1), "context_exit", .(cm))), TRUE, FALSE), envir = .env)
  invisible()
}

#' Enables gradient recording until the calling function exits
#' @param .env the frame whose exit restores it.
#' @export
local_enable_grad <- function(.env = parent.frame()) {
  cm <- .Call(C_rt_call0, "local_enable_grad")
  .Call(C_rt_call1, "context_enter", cm)
  do.call(base::on.exit, list(bquote(.Call(.(C_rt_call1), "context_exit", .(cm))), TRUE, FALSE), envir = .env)
  invisible()
}

#' Seeds the generator until the calling function exits, then restores its state
#' @param seed the seed.
#' @param .env the frame whose exit restores it.
#' @export
local_torch_manual_seed <- function(seed, .env = parent.frame()) {
  cm <- .Call(C_rt_call1, "local_torch_manual_seed", seed)
  .Call(C_rt_call1, "context_enter", cm)
  do.call(base::on.exit, list(bquote(.Call(.(C_rt_call1), "context_exit", .(cm))), TRUE, FALSE), envir = .env)
  invisible()
}
