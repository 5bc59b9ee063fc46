# Classes defined in R, as R torch's R6-style constructors: nn_module(), optimizer(), lr_scheduler().
# Their functions use `self`, `super` and `private` without declaring them; rtorch_py's one R6 object model
# (rtorch_py/_r6.py) wants methods taking `self`. The Python side wraps each R function so that a call runs
# .rt_call_method(f, self, ...), which binds those names around a copy of f: `super` and `private` are the
# object's R6 bindings (super: the parent of the class defining the running method).

.rt_call_method <- function(f, self, ...) {
  env <- new.env(parent = environment(f))
  env$self <- self
  makeActiveBinding("super", function() .Call(C_rt_dollar, self, "super"), env)
  makeActiveBinding("private", function() .Call(C_rt_dollar, self, "private"), env)
  environment(f) <- env
  f(...)
}

# A generated wrapper (function(...) .External(C_rt_callx, "nn_linear", ...)) stands for the Python class it
# calls: inherit = nn_linear passes that class's name.
.rt_class_ref <- function(x) {
  if (is.character(attr(x, "rt_class"))) return(attr(x, "rt_class"))  # a hand-written wrapper of a class
  if (is.function(x) && !inherits(x, "nn_module_generator")) {
    b <- body(x)
    if (is.call(b) && identical(b[[1]], as.name("{")) && length(b) == 2) b <- b[[2]]
    if (is.call(b) && identical(b[[1]], as.name("invisible"))) b <- b[[2]]
    if (is.call(b) && identical(b[[1]], as.name(".External")) && length(b) >= 3 && is.character(b[[3]]))
      return(b[[3]])
  }
  x
}

.rt_make_class <- function(maker, classname, inherit, members, private, active) {
  inherit <- .rt_class_ref(inherit)
  .External(C_rt_callx, "r_class_maker", maker, classname, inherit, members, private, active,
            .rt_call_method)
}

#' Defines a module class (a generator: calling it makes a module)
#'
#' @param classname the class name.
#' @param inherit a module generator to extend (its methods are `super$...`).
#' @param ... methods (`initialize`, `forward`, others) and fields; methods use `self`, `super`, `private`.
#' @param private,active private members (`private$name`) and active bindings (functions of an optional
#'   `value`: called without it to read, with it to assign).
#' @param parent_env unused (R torch's).
#' @export
nn_module <- function(classname = NULL, inherit = NULL, ..., private = NULL, active = NULL,
                      parent_env = parent.frame()) {
  .rt_make_class("nn_module", classname, inherit, list(...), private, active)
}

#' Defines an optimizer class
#' @inheritParams nn_module
#' @param name the class name.
#' @export
optimizer <- function(name = NULL, inherit = NULL, ..., private = NULL, active = NULL,
                      parent_env = parent.frame()) {
  .rt_make_class("optimizer", name, inherit, list(...), private, active)
}

#' Defines a learning-rate scheduler class
#' @inheritParams nn_module
#' @export
lr_scheduler <- function(classname = NULL, inherit = NULL, ..., parent_env = parent.frame()) {
  .rt_make_class("lr_scheduler", classname, inherit, list(...), NULL, NULL)
}

# nn_sequential(nn_linear) passes a class, not a module: a generated wrapper stands for the Python class it
# calls (as .rt_class_ref), so that nn_Module$add_module can say that the module must be initialized.
#' A sequential container of modules
#' @param ... modules, called in order.
#' @export
nn_sequential <- structure(function(...) {
  mods <- lapply(list(...), function(m) {
    ref <- .rt_class_ref(m)
    if (is.character(ref)) .External(C_rt_callx, "r_exported_value", ref) else m
  })
  do.call(function(...) .External(C_rt_callx, "nn_sequential", ...), unname(mods))
}, rt_class = "nn_sequential")
