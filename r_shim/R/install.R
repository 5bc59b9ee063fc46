#' Install libtorch (nothing to do here)
#'
#' R torch downloads libtorch and lantern; this shim computes with rtorch_py in Python, so there is nothing to
#' install: a message says so.
#' @param ... ignored (R torch's arguments: version, type, reinstall, ...).
#' @return `TRUE`, invisibly.
#' @export
install_torch <- function(...) {
  message("torch (rtorch_py shim): nothing to install, no libtorch is needed; torch_is_installed() is TRUE")
  invisible(TRUE)
}

#' Creates a slice
#'
#' A slice for indexing tensors: `x[slc(start, end, step)]` selects `start`, `start + step`, ...
#' up to `end` (1-based, `end` included; negative counts from the end).
#' @param start the first selected index.
#' @param end the last selected index.
#' @param step the step between indexes.
#' @return a slice object to use inside `[`.
#' @export
slc <- function(start, end, step = 1) .External(C_rt_callx, "r_slc", start, end, step)
