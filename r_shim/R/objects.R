# S3 methods of modules, optimizers, schedulers and other Python objects: `$` reads a field or returns a
# method as an R function, `$<-` assigns (a module registers parameters and submodules), print writes the
# object's R torch text. Modules are R functions (model(x) runs forward), as in R torch.

#' @export
`$.nn_module` <- function(x, name) .Call(C_rt_dollar, x, name)

#' @export
`$<-.nn_module` <- function(x, name, value) .Call(C_rt_setattr, x, name, value)

#' @export
`[[.nn_module` <- function(x, i) .Call(C_rt_call2, "r_module_child", x, i)

#' @export
`[[<-.nn_module` <- function(x, i, value) .Call(C_rt_setattr, x, as.character(i), value)

#' @export
length.nn_module <- function(x) .Call(C_rt_call1, "r_module_length", x)

#' @export
as.list.nn_module <- function(x, ...) .Call(C_rt_call1, "r_module_children", x)

#' @export
`[.nn_module` <- function(x, i) .Call(C_rt_call2, "r_module_slice", x, i)

#' @export
print.nn_module <- function(x, ...) {
  cat(.Call(C_rt_call1, "r_format", x))
  invisible(x)
}

#' @export
`$.nn_module_generator` <- `$.nn_module`

#' @export
print.nn_module_generator <- print.nn_module

#' @export
`$.torch_optimizer` <- `$.nn_module`

#' @export
`$<-.torch_optimizer` <- `$<-.nn_module`

#' @export
print.torch_optimizer <- print.nn_module

#' @export
`$.lr_scheduler` <- `$.nn_module`

#' @export
`$<-.lr_scheduler` <- `$<-.nn_module`

#' @export
print.lr_scheduler <- print.nn_module

# Completion of `x$` in R consoles and RStudio.
.rt_dollar_names <- function(x, pattern = "") {
  grep(pattern, .Call(C_rt_call1, "r_dollar_names", x), value = TRUE)
}

#' @export
.DollarNames.R7 <- .rt_dollar_names

#' @export
.DollarNames.nn_module <- .rt_dollar_names

#' @export
.DollarNames.torch_optimizer <- .rt_dollar_names

# attr(module, "module"): R torch's R6 object of a module (r_shim/src/bridge.c's module_env): `$` reads its own
# bindings (clone, .__enclos_env__), anything else from the module (its pointer is the attribute "rtorch_py").
#' @export
`$.nn_Module` <- function(x, name) {
  if (exists(name, envir = x, inherits = FALSE)) get(name, envir = x, inherits = FALSE)
  else .Call(C_rt_dollar, attr(x, "rtorch_py"), name)
}

#' @export
print.nn_Module <- function(x, ...) {
  cat(.Call(C_rt_call1, "r_format", attr(x, "rtorch_py")))
  invisible(x)
}

# The `clone` method of that object (its environment holds `self`, the object), a locked binding as R6's.
.rt_module_clone <- function(deep = FALSE, ...) {
  .Call(C_rt_dollar, attr(self, "rtorch_py"), "clone")(deep = deep, ...)
}
