#' Whether a tensor is undefined
#'
#' R torch represents a missing tensor (a parameter's gradient before backward() or after
#' `zero_grad(set_to_none = TRUE)`) by an undefined tensor; here it is `NULL`.
#'
#' @param x a tensor or `NULL`.
#' @export
is_undefined_tensor <- function(x) {
  if (is.null(x)) return(TRUE)
  if (!inherits(x, "torch_tensor"))
    stop("is_undefined_tensor: `x` must be a tensor, got <", class(x)[1L], ">", call. = FALSE)
  FALSE
}
