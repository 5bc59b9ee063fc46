# Functions whose R arguments are code, run by Python inside a context (no-grad, a seed): R passes a
# closure that evaluates the code and keeps its value on the R side, so R values come back untouched and
# with their visibility (`with_no_grad(z <- x * 2)` prints nothing, as in R torch).

.rt_with_context <- function(entry, fname, code, ...) {
  result <- NULL
  .Call(entry, fname, function() { result <<- withVisible(code); NULL }, ...)
  if (result$visible) result$value else invisible(result$value)
}

# Enters a Python context manager now and exits it when the frame .env returns.
.rt_local_context <- function(cm, .env) {
  .Call(C_rt_call1, "context_enter", cm)
  do.call(base::on.exit, list(bquote(.Call(.(C_rt_call1), "context_exit", .(cm))), TRUE, FALSE), envir = .env)
  invisible()
}

#' Evaluates code without recording gradients
#' @param code R code.
#' @export
with_no_grad <- function(code) .rt_with_context(C_rt_call1, "with_no_grad", code)

#' Evaluates code with gradient recording on
#' @param code R code.
#' @export
with_enable_grad <- function(code) .rt_with_context(C_rt_call1, "with_enable_grad", code)

#' Evaluates code with anomaly detection on (backward errors hint at the failing operation)
#' @param code R code.
#' @export
with_detect_anomaly <- function(code) .rt_with_context(C_rt_call1, "with_detect_anomaly", code)

#' Evaluates code with the random generator seeded, then restores its state
#' @param code R code.
#' @param ... unused.
#' @param seed the seed.
#' @export
with_torch_manual_seed <- function(code, ..., seed) {
  .rt_with_context(C_rt_call2, "with_torch_manual_seed", code, seed)
}

#' Disables gradient recording until the calling function exits
#' @param .env the frame whose exit restores it.
#' @export
local_no_grad <- function(.env = parent.frame()) {
  .rt_local_context(.Call(C_rt_call0, "local_no_grad"), .env)
}

#' Enables gradient recording until the calling function exits
#' @param .env the frame whose exit restores it.
#' @export
local_enable_grad <- function(.env = parent.frame()) {
  .rt_local_context(.Call(C_rt_call0, "local_enable_grad"), .env)
}

#' Seeds the generator until the calling function exits, then restores its state
#' @param seed the seed.
#' @param .env the frame whose exit restores it.
#' @export
local_torch_manual_seed <- function(seed, .env = parent.frame()) {
  .rt_local_context(.Call(C_rt_call1, "local_torch_manual_seed", seed), .env)
}
