# R torch's data API on rtorch_py.data: dataset(), iterable_dataset(), sampler(), tensor_dataset(),
# dataset_subset(), dataloader(), their iterators, enumerate() and the coro integration (loop, as_iterator).
# Python does the work; this file supplies R's syntax ($, [, [[, length), R's conditions classes
# (runtime_error, value_error, ...), coro's exhausted() and, for worker processes, R's own set-up (set.seed,
# .worker_info, worker_packages, worker_globals).

.rt_exhausted <- function() as.symbol(".__exhausted__.")

# A value coming back from rtorch_py.data: Python's `exhausted` is coro's, an error is signalled with
# R torch's condition class, a Python function (an iterator) is wrapped the same way.
.rt_data <- function(v) {
  if (inherits(v, "rt_exhausted")) return(.rt_exhausted())
  if (inherits(v, "rt_condition")) {
    cls <- .Call(C_rt_dollar, v, "cls")
    msg <- .Call(C_rt_dollar, v, "message")
    stop(structure(class = c(cls, "error", "condition"), list(message = msg, call = sys.call(-2))))
  }
  if (is.list(v) && identical(names(v), c(".rt_classed", ".rt_class")))
    return(structure(v$.rt_classed, class = v$.rt_class))
  if (inherits(v, "py_function")) {
    f <- v
    return(function(...) .rt_data(f(...)))
  }
  v
}

.rt_dcall <- function(obj, method, ...) .rt_data(.External(C_rt_callx, "r_data_call", obj, method, ...))

# `$` of data objects: fields as they are, methods called through .rt_dcall.
.rt_data_dollar <- function(x, name) {
  v <- .Call(C_rt_dollar, x, name)
  if (is.function(v)) {
    force(name)
    return(function(...) .rt_dcall(x, name, ...))
  }
  .rt_data(v)
}

# R's built-in generators (tensor_dataset, the samplers) are R functions made before Python starts; as
# `inherit` they stand for their Python class.
.rt_builtin_generator <- function(name, f) structure(f, rt_generator = name, class = c("dataset_generator", "function"))

.rt_inherit <- function(inherit) {
  name <- attr(inherit, "rt_generator")
  if (is.null(name)) inherit else .External(C_rt_callx, "r_data_generator", name)
}

#' Defines a dataset class (a generator: calling it makes a dataset)
#'
#' @param name the class name.
#' @param inherit a dataset generator to extend.
#' @param ... `initialize`, `.getitem(i)` (1-based), `.length()`, optional `.getbatch(indices)`, other
#'   methods and fields; methods use `self`, `super` and `private`.
#' @param private,active private members and active bindings.
#' @param parent_env unused (R torch's).
#' @export
dataset <- function(name = NULL, inherit = NULL, ..., private = NULL, active = NULL,
                    parent_env = parent.frame()) {
  .rt_make_class("dataset", name, .rt_inherit(inherit), list(...), private, active)
}

#' Defines an iterable dataset class (`.iter()` returns a function giving items, then `coro::exhausted()`)
#' @inheritParams dataset
#' @export
iterable_dataset <- function(name = NULL, inherit = NULL, ..., private = NULL, active = NULL,
                             parent_env = parent.frame()) {
  .rt_make_class("iterable_dataset", name, .rt_inherit(inherit), list(...), private, active)
}

#' Defines a sampler class (`.iter()` returns a function giving 1-based indices; `.length()`)
#' @inheritParams dataset
#' @export
sampler <- function(name = NULL, inherit = NULL, ..., private = NULL, active = NULL,
                    parent_env = parent.frame()) {
  .rt_make_class("sampler", name, .rt_inherit(inherit), list(...), private, active)
}

#' Dataset wrapping tensors (named or not): item i is the list of their i-th rows
#' @param ... tensors of the same size in their first dim.
#' @export
tensor_dataset <- .rt_builtin_generator("TensorDataset", function(...) .rt_dcall(NULL, "tensor_dataset", ...))

#' The items of a dataset at the given (1-based) indices
#' @param dataset a dataset.
#' @param indices indices into it.
#' @export
dataset_subset <- function(dataset, indices) .rt_dcall(NULL, "dataset_subset", dataset, indices)

#' Whether an object is a dataset
#' @param x an object.
#' @export
is_dataset <- function(x) inherits(x, c("dataset", "iterable_dataset"))

#' Whether an object is a dataloader
#' @param x an object.
#' @export
is_dataloader <- function(x) inherits(x, "dataloader")

SequentialSampler <- .rt_builtin_generator("SequentialSampler", function(...) .rt_dcall(NULL, "SequentialSampler", ...))
RandomSampler <- .rt_builtin_generator("RandomSampler", function(...) .rt_dcall(NULL, "RandomSampler", ...))
BatchSampler <- .rt_builtin_generator("BatchSampler", function(...) .rt_dcall(NULL, "BatchSampler", ...))

# What each worker process does first, in R (R torch's worker configuration): .worker_info in the global
# environment, R's seed, packages, globals. Python has seeded torch's generator already.
.rt_worker_setup <- function(packages, globals) {
  force(packages)
  force(globals)
  function(id, workers, seed) {
    assign(".worker_info", list(id = id, workers = workers, seed = seed), envir = .GlobalEnv)
    set.seed(seed)
    for (p in packages) library(p, character.only = TRUE)
    if (!is.null(globals)) list2env(globals, envir = .GlobalEnv)
    invisible(NULL)
  }
}

#' Data loader: batches of a dataset, in the main process or in worker processes
#'
#' @param dataset a dataset.
#' @param batch_size,shuffle,sampler,batch_sampler,drop_last what goes in each batch, in which order.
#' @param num_workers worker processes (0: load in the main process).
#' @param collate_fn merges a list of items into a batch.
#' @param pin_memory unused on CPU.
#' @param timeout milliseconds to wait for a worker's batch (-1: no limit).
#' @param worker_init_fn called in each worker with its id (1-based) after seeding.
#' @param worker_globals names of objects, or a named list, copied to each worker's global environment.
#' @param worker_packages packages attached in each worker.
#' @export
dataloader <- function(dataset, batch_size = 1, shuffle = FALSE, sampler = NULL, batch_sampler = NULL,
                       num_workers = 0, collate_fn = NULL, pin_memory = FALSE, drop_last = FALSE,
                       timeout = -1, worker_init_fn = NULL, worker_globals = NULL, worker_packages = NULL) {
  if (is.character(worker_globals)) {
    env <- parent.frame()
    found <- vapply(worker_globals, exists, logical(1), envir = env)
    if (!all(found)) {
      stop(structure(class = c("runtime_error", "error", "condition"), list(
        message = sprintf("Could not find an object with name '%s'.", worker_globals[!found][1]),
        call = sys.call())))
    }
    worker_globals <- mget(worker_globals, envir = env, inherits = TRUE)
  }
  if (is.function(collate_fn) && !inherits(collate_fn, "py_object")) collate_fn <- .rt_keep_class(collate_fn)
  setup <- seed <- NULL
  if (is.numeric(num_workers) && length(num_workers) == 1 && num_workers > 0) {
    setup <- .rt_worker_setup(worker_packages, worker_globals)
    seed <- function() sample.int(1e6, 1)
  }
  .rt_dcall(NULL, "dataloader", dataset, batch_size, shuffle, sampler, batch_sampler, num_workers, collate_fn,
            pin_memory, drop_last, timeout, worker_init_fn, NULL, NULL, worker_setup = setup, worker_seed = seed)
}

# An R collate_fn's classed list (class(out) <- c("my_batch", "list")) would lose its class on the way
# through Python (and worker processes): it travels as list(.rt_classed, .rt_class), .rt_data restores it.
.rt_keep_class <- function(f) {
  force(f)
  function(batch) {
    out <- f(batch)
    cls <- oldClass(out)
    if (is.list(out) && !is.null(cls)) list(.rt_classed = unclass(out), .rt_class = cls) else out
  }
}

#' An iterator over one epoch of a dataloader
#' @param dataloader a dataloader.
#' @export
dataloader_make_iter <- function(dataloader) .rt_dcall(NULL, "dataloader_make_iter", dataloader)

#' The next batch of a dataloader iterator, or `completed` when done
#' @param iter an iterator from [dataloader_make_iter()].
#' @param completed the value returned once the iterator is exhausted.
#' @export
dataloader_next <- function(iter, completed = NULL) {
  res <- .rt_dcall(iter, "next")
  if (inherits(res, "rt_exhausted") || identical(res, .rt_exhausted())) completed else res
}

#' Enumerate the batches of a dataloader (deprecated: use `coro::loop()`)
#' @param x a dataloader.
#' @param ... unused.
#' @export
enumerate <- function(x, ...) UseMethod("enumerate")

#' @export
enumerate.dataloader <- function(x, max_len = 1e6, ...) {
  warning(structure(class = c("deprecated", "warning", "condition"), list(
    message = "'enumerate' is deprecated: iterate with 'coro::loop(for (batch in dl) ...)' instead.",
    call = sys.call())))
  iter <- dataloader_make_iter(x)
  out <- list()
  while (length(out) < max_len) {
    b <- dataloader_next(iter, .rt_exhausted())
    if (identical(b, .rt_exhausted())) break
    out[[length(out) + 1L]] <- b
  }
  out
}

.rt_as_iterator_dataloader <- function(x) {
  iter <- dataloader_make_iter(x)
  f <- function() dataloader_next(iter, .rt_exhausted())
  attr(f, "close") <- function() .rt_dcall(iter, "close")
  f
}

.rt_as_iterator_sampler <- function(x) x$.iter()

.rt_register_coro <- function(...) {
  ns <- asNamespace("coro")
  if (exists("as_iterator", envir = ns, inherits = FALSE)) {
    registerS3method("as_iterator", "dataloader", .rt_as_iterator_dataloader, envir = ns)
    registerS3method("as_iterator", "utils_sampler", .rt_as_iterator_sampler, envir = ns)
  }
}

.rt_need_coro <- function() {
  if (!requireNamespace("coro", quietly = TRUE))
    stop("the coro package is needed to iterate with loop(): run `make setup` (it installs a minimal coro ",
         "when none is installed)", call. = FALSE)
}

#' Iterate with a `for` loop over a dataloader or another iterable (coro's loop)
#' @param loop a `for` loop expression.
#' @export
loop <- function(loop) {
  .rt_need_coro()
  eval.parent(substitute(coro::loop(x), list(x = substitute(loop))))
}

#' An iterator function over a dataloader or another iterable (coro's as_iterator)
#' @param x a dataloader, sampler, function or vector.
#' @export
as_iterator <- function(x) {
  .rt_need_coro()
  coro::as_iterator(x)
}

#' @export
`$.dataset` <- .rt_data_dollar
#' @export
`$<-.dataset` <- function(x, name, value) .Call(C_rt_setattr, x, name, value)
#' @export
`[.dataset` <- function(x, y) .rt_dcall(x, "r_subset", as.integer(y))
#' @export
`[[.dataset` <- function(x, y) .rt_dcall(x, "get_item", as.integer(y))
#' @export
length.dataset <- function(x) .rt_dcall(x, "__len__")
#' @export
print.dataset <- function(x, ...) {
  cat(.Call(C_rt_call1, "r_format", x))
  invisible(x)
}

#' @export
`$.iterable_dataset` <- .rt_data_dollar
#' @export
`$<-.iterable_dataset` <- `$<-.dataset`
#' @export
length.iterable_dataset <- function(x) {
  n <- .rt_dcall(x, "length")
  if (is.null(n)) NA_integer_ else n
}
#' @export
print.iterable_dataset <- print.dataset

#' @export
print.dataset_generator <- function(x, ...) {
  cat("<dataset_generator>\n")
  if (!is.null(attr(x, "rt_generator"))) return(invisible(x))
  cat(.Call(C_rt_call1, "r_format", x))
  invisible(x)
}

#' @export
`$.utils_sampler` <- .rt_data_dollar
#' @export
`$<-.utils_sampler` <- `$<-.dataset`
#' @export
length.utils_sampler <- function(x) .rt_dcall(x, "__len__")
#' @export
print.utils_sampler <- print.dataset

#' @export
`$.dataloader` <- function(x, name) {
  if (identical(name, ".iter")) return(function() dataloader_make_iter(x))
  if (identical(name, ".length")) return(function() length(x))
  .rt_data_dollar(x, name)
}
#' @export
`$<-.dataloader` <- `$<-.dataset`
#' @export
length.dataloader <- function(x) {
  n <- .rt_dcall(x, "length")
  if (is.null(n)) NA_integer_ else n
}
#' @export
print.dataloader <- print.dataset

#' @export
`$.dataloader_iter` <- function(x, name) {
  if (identical(name, ".next")) return(function() .rt_dcall(x, "next"))
  .rt_data_dollar(x, name)
}
#' @export
print.dataloader_iter <- print.dataset
