# The R side of the bridge to rtorch_py (the C side is src/bridge.c, the Python side rtorch_py/bridge/).
#
# Calls into Python: .Call(C_rt_call<n>, "name", args...) for positional arguments (the hot path) and
# .External(C_rt_callx, "name", ...) when names matter (they become Python keyword arguments). "name" is
# looked up in rtorch_py/bridge/_hooks.py's table: rtorch_py's R-named functions plus the bridge's own
# R semantics (operators, printing, indexing). Python starts on the first such call, not at load time.

# An argument with this value is not passed to Python, so that Python's default applies (generated
# wrappers use it for defaults that R cannot write).
.rt_absent <- structure(list(), class = "rt_absent")

# A Python error reaches R as R torch's condition class (runtime_error, value_error, ...; src/bridge.c's
# fail() calls this), naming the R function that called into Python (the frame above this one).
.rt_raise <- function(cls, msg) {
  stop(structure(class = c(cls, "error", "condition"), list(message = msg, call = sys.call(-1))))
}

.onLoad <- function(libname, pkgname) {
  # Nothing here touches Python: R CMD INSTALL's load test has none.
  if (!nzchar(Sys.getenv("RETICULATE_PYTHON")) && !.Call(C_rt_started)) {
    # one interpreter per process: if reticulate starts Python, let it start ours
    py <- Sys.getenv("RTORCH_PYTHON", .Call(C_rt_default_python))
    if (file.exists(py)) Sys.setenv(RETICULATE_PYTHON = py)
  }
  configured <- Sys.getenv("RTORCH_PYTHON")
  built <- .Call(C_rt_default_python)
  if (nzchar(configured) && file.exists(configured) && file.exists(built) &&
      normalizePath(configured) != normalizePath(built))
    packageStartupMessage("torch: RTORCH_PYTHON (", configured, ") is not the Python the shim was built for (",
                          built, "): reinstall the shim with that Python (make setup)")
  .rt_bind_constraints(asNamespace(pkgname))
  setHook(packageEvent("waldo", "onLoad"), .rt_register_waldo)
  if ("waldo" %in% loadedNamespaces()) .rt_register_waldo()
  setHook(packageEvent("reticulate", "onLoad"), function(...) .rt_reticulate_loaded())
  if ("reticulate" %in% loadedNamespaces()) .rt_reticulate_loaded()
  # coro's as_iterator() learns dataloaders and samplers whenever coro loads (R/data.R)
  setHook(packageEvent("coro", "onLoad"), function(...) .rt_register_coro())
  if ("coro" %in% loadedNamespaces()) .rt_register_coro()
  invisible()
}

.rt_register_waldo <- function(...) {
  registerS3method("compare_proxy", "torch_tensor", .rt_compare_proxy, envir = asNamespace("waldo"))
}

# What waldo compares for a tensor: values, dtype, shape, requires_grad and the grad_fn's name.
.rt_compare_proxy <- function(x, path = "x") {
  gf <- x$grad_fn
  list(object = list(values = as_array(x$detach()), dtype = as.character(x$dtype), shape = x$shape,
                     requires_grad = x$requires_grad, grad_fn = if (is.null(gf)) NULL else gf$name),
       path = paste0("as_array(", path, ")"))
}

#' Statistics of the bridge: live external pointers to Python objects, R objects held by Python.
#' @keywords internal
.rt_stats <- function() .Call(C_rt_stats)

# Rscript's top-level loop (each expression a top-level call: visible values printed, deferred warnings
# printed after each, an error printed by R itself). Returns 0, 1 (error) or 130 (interrupted).
.rt_run_exprs <- function(exprs, envir = globalenv()) {
  .Call(C_rt_run_exprs, as.list(exprs), envir)
}

.rt_run_file <- function(path, envir = globalenv()) {
  exprs <- tryCatch(parse(path, keep.source = FALSE), error = function(e) {
    cat("Error: ", conditionMessage(e), "\n", sep = "", file = stderr())
    NULL
  })
  if (is.null(exprs)) return(1L)
  .rt_run_exprs(exprs, envir)
}

# What R's REPL does with a visible value.
.rt_autoprint <- function(x) {
  if (isS4(x)) methods::show(x) else print(x)
  invisible()
}

# Figures go beside the output document (<stem>-figure/), linked relative to it: knitr writes them relative
# to the working directory of the knit() call, so knit from the output's directory (chunks still run in the
# input's directory, knitr's default root.dir).
.rt_knit <- function(input, output, quiet = TRUE) {
  input <- normalizePath(input, mustWork = TRUE)
  out_dir <- normalizePath(dirname(output), mustWork = TRUE)
  old_wd <- setwd(out_dir)
  old_opts <- knitr::opts_chunk$get()
  on.exit({ knitr::opts_chunk$restore(old_opts); setwd(old_wd) }, add = TRUE)
  knitr::opts_chunk$set(fig.path = paste0(tools::file_path_sans_ext(basename(output)), "-figure/"))
  invisible(file.path(out_dir, knitr::knit(input, output = basename(output), quiet = quiet,
                                           envir = globalenv())))
}

# Python hosts: run R code for rtorch_py.bridge.RSession.eval() with Ctrl-C forwarded; the value goes to
# Python through the bridge (tensors as the same objects).
.rt_host_eval <- function(code, envir = globalenv()) {
  .Call(C_rt_sigint, TRUE)
  on.exit(.Call(C_rt_sigint, FALSE))
  tryCatch({
    value <- eval(parse(text = code, keep.source = FALSE), envir)
    list(TRUE, .Call(C_rt_call1, "handoff_put", value))
  }, error = function(e) list(FALSE, conditionMessage(e)))
}

.rt_host_get <- function(name, envir = globalenv()) {
  .Call(C_rt_call1, "handoff_put", get(name, envir = envir))
}

.rt_host_assign <- function(name, key, envir = globalenv()) {
  assign(name, .Call(C_rt_call1, "handoff_take", key), envir = envir)
  invisible()
}

# -- reticulate: one interpreter, tensors both ways ------------------------------------------------------------

.rt_reticulate_loaded <- function() {
  # reticulate 1.28 expects the main thread to hold the GIL once it attaches to a running interpreter
  if (.Call(C_rt_started)) .Call(C_rt_hold_gil)
  ns <- asNamespace("reticulate")
  registerS3method("r_to_py", "torch_tensor", .rt_r_to_py, envir = ns)
  registerS3method("py_to_r", "rtorch_py._core.tensor.Tensor", .rt_py_to_r, envir = ns)
  invisible()
}

.rt_r_to_py <- function(x, convert = FALSE) {
  key <- .Call(C_rt_call1, "handoff_put", x)
  bridge <- reticulate::import("rtorch_py.bridge.rsemantics", convert = FALSE)
  bridge$handoff_take(key)
}

.rt_py_to_r <- function(x) {
  bridge <- reticulate::import("rtorch_py.bridge.rsemantics", convert = FALSE)
  key <- reticulate::py_to_r(bridge$handoff_put(x))
  .Call(C_rt_call1, "handoff_take", key)
}
