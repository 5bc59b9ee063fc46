# S3 methods of torch_tensor and of the other Python objects R sees. Each is one call into Python:
# R only supplies the syntax (operators, `$`, `[`), the Python side (rtorch_py/bridge/rsemantics.py,
# indexing.py) the meaning.

# -- `$`: fields without (), methods as functions ----------------------------------------------------------------

# .External2 hands the bridge this frame, which binds x and name: a method's closure is made in it with one
# shared body, `function(...) .External(C_rt_callm, x, name, ...)`, so `$` allocates one closure and no call.
#' @export
`$.R7` <- function(x, name) .External2(C_rt_tdollar, x, name)

# Tensors' own `$` (the same function), exported: S3 dispatch finds it on the search path at once instead of
# failing there for "torch_tensor" before the registered "R7" method (a third of a `x$mean(dim = 1)` call).
#' @export
`$.torch_tensor` <- function(x, name) .External2(C_rt_tdollar, x, name)

#' @export
`$<-.R7` <- function(x, name, value) .Call(C_rt_setattr, x, name, value)

#' @export
`$.py_object` <- `$.R7`

#' @export
`$<-.py_object` <- `$<-.R7`

#' @export
print.R7 <- function(x, ...) {
  cat(.Call(C_rt_call1, "r_format", x))
  invisible(x)
}

#' @export
print.py_object <- print.R7

# R torch's as.character(torch_float()) is libtorch's name, "Float" (print() writes "torch_Float").
#' @export
as.character.torch_dtype <- function(x, ...) .Call(C_rt_dollar, x, "name")

# -- tensors -----------------------------------------------------------------------------------------------------

#' @export
print.torch_tensor <- function(x, n = 30, ...) {
  cat(.Call(C_rt_call3, "r_format", x, n, getOption("torch.print_grad")))
  invisible(x)
}

#' @export
Ops.torch_tensor <- function(e1, e2) {
  if (missing(e2)) .Call(C_rt_call1, .Generic, e1) else .Call(C_rt_call2, .Generic, e1, e2)
}

# The hot binary operators also have their own methods: R's group dispatch looks for `*.torch_tensor` before
# `Ops.torch_tensor`, so finding it skips a failed look-up along the search path and the `.Generic` read
# (about 0.5 us of the 8 us of `x * 0.2`). Same Python entry as the group method.
`+.torch_tensor` <- function(e1, e2) {
  if (missing(e2)) .Call(C_rt_call1, "+", e1) else .Call(C_rt_call2, "+", e1, e2)
}
`-.torch_tensor` <- function(e1, e2) {
  if (missing(e2)) .Call(C_rt_call1, "-", e1) else .Call(C_rt_call2, "-", e1, e2)
}
`*.torch_tensor` <- function(e1, e2) .Call(C_rt_call2, "*", e1, e2)
`/.torch_tensor` <- function(e1, e2) .Call(C_rt_call2, "/", e1, e2)
`^.torch_tensor` <- function(e1, e2) .Call(C_rt_call2, "^", e1, e2)

#' @export
Math.torch_tensor <- function(x, ...) .External(C_rt_callx, .Generic, x, ...)

#' @export
Summary.torch_tensor <- function(..., na.rm = FALSE) .External(C_rt_callx, paste0("summary_", .Generic), ...)

#' @export
mean.torch_tensor <- function(x, ...) .External(C_rt_callx, "torch_mean", x, ...)

#' @export
`[.torch_tensor` <- function(x, ..., drop = TRUE) {
  .Call(C_rt_subset, x, substitute(list(...)), parent.frame(), drop)
}

#' @export
`[<-.torch_tensor` <- function(x, ..., value) {
  .Call(C_rt_subassign, x, substitute(list(...)), parent.frame(), value)
}

#' @export
length.torch_tensor <- function(x) .Call(C_rt_call1, "r_length", x)

#' @export
dim.torch_tensor <- function(x) .Call(C_rt_call1, "r_dim", x)

# rev.default would index x[length(x):1] (the number of elements, along the first dim): flip that dim instead.
#' @export
rev.torch_tensor <- function(x) .Call(C_rt_call1, "r_rev", x)

#' Converts a tensor to an R vector, matrix or array
#'
#' 0/1-d tensors give vectors, 2-d matrices, more an array; long -> integer, float -> double,
#' bool -> logical.
#' @param x a tensor.
#' @export
as_array <- function(x) .Call(C_rt_call1, "r_as_array", x)

#' @export
as.array.torch_tensor <- function(x, ...) as_array(x)

# bit64's integer64 (R torch imports bit64): the exact int64 values, as doubles holding their bit patterns
as.integer64.torch_tensor <- function(x, keep.names = FALSE, ...) {
  v <- .Call(C_rt_call1, "r_as_integer64", x)
  class(v) <- if (is.null(dim(v))) "integer64" else c("integer64", "array")
  v
}

#' @export
as.matrix.torch_tensor <- function(x, ...) as.matrix(as_array(x))

#' @export
as.vector.torch_tensor <- function(x, mode = "any") as.vector(as_array(x), mode = mode)

#' @export
as.double.torch_tensor <- function(x, ...) as.double(as_array(x))

#' @export
as.integer.torch_tensor <- function(x, ...) as.integer(as_array(x))

#' @export
as.logical.torch_tensor <- function(x, ...) as.logical(as_array(x))

#' @export
as.complex.torch_tensor <- function(x, ...) as.complex(as_array(x))


#' Whether an object is a tensor
#' @param x an object.
#' @export
is_torch_tensor <- function(x) inherits(x, "torch_tensor")

#' Creates a tensor from R data
#'
#' doubles -> float (the default type), integers -> long, logicals -> bool; R matrices keep
#' `t[i, j] == m[i, j]`.
#' @param data an R vector, matrix, array, list or tensor.
#' @param dtype,device,requires_grad,pin_memory as R torch.
#' @export
torch_tensor <- function(data, dtype = NULL, device = NULL, requires_grad = FALSE, pin_memory = FALSE) {
  .External(C_rt_callx, "r_torch_tensor", data, dtype, device, requires_grad, pin_memory)
}

#' @export
Ops.torch_dtype <- function(e1, e2) {
  if (.Generic %in% c("==", "!=") && !(inherits(e1, "torch_dtype") && inherits(e2, "torch_dtype")))
    stop("comparing a torch_dtype with an object that is not a dtype", call. = FALSE)
  switch(.Generic,
         "==" = identical(e1, e2),
         "!=" = !identical(e1, e2),
         stop(gettextf("%s is not defined for dtypes", sQuote(.Generic)), call. = FALSE))
}

# x[["requires_grad"]] <- FALSE: a field by name (as `$<-`); numbers index as `[<-`.
#' @export
`[[<-.torch_tensor` <- function(x, i, value) {
  if (is.character(i)) .Call(C_rt_setattr, x, i, value) else `[<-.torch_tensor`(x, i, value = value)
}

# Devices compare by type and index (every rtorch_py tensor is on the CPU).
#' @export
Ops.torch_device <- function(e1, e2) {
  same <- function() {
    if (!(inherits(e1, "torch_device") && inherits(e2, "torch_device")))
      stop("comparing a torch_device with an object that is not a device", call. = FALSE)
    identical(.Call(C_rt_dollar, e1, "type"), .Call(C_rt_dollar, e2, "type")) &&
      identical(.Call(C_rt_dollar, e1, "index"), .Call(C_rt_dollar, e2, "index"))
  }
  switch(.Generic,
         "==" = same(),
         "!=" = !same(),
         stop(gettextf("%s is not defined for devices", sQuote(.Generic)), call. = FALSE))
}

#' A tensor over the memory of an R vector, without a copy (writes through the tensor change the vector)
#' @param buffer a raw, double, integer or logical vector.
#' @param shape the tensor's shape.
#' @param dtype its dtype (a torch_dtype or a name: "float", "float64", ...).
#' @export
torch_tensor_from_buffer <- function(buffer, shape, dtype = "float") {
  if (inherits(buffer, "py_object")) return(.External(C_rt_callx, "torch_tensor_from_buffer", buffer, shape, dtype))
  .External(C_rt_callx, "torch_tensor_from_buffer", .Call(C_rt_buffer, buffer), shape, dtype)
}

#' The first or last `n` entries along the first dimension
#' @param x a tensor.
#' @param n how many (negative: all but the last or first `-n`).
#' @param ... unused.
#' @export
head.torch_tensor <- function(x, n = 6L, ...) .Call(C_rt_call2, "r_head", x, n)

#' @rdname head.torch_tensor
#' @export
tail.torch_tensor <- function(x, n = 6L, ...) .Call(C_rt_call2, "r_tail", x, n)
