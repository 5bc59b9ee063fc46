# coro's iterator protocol, as R torch uses it: an iterator is a function returning its next value or
# exhausted(); loop(for (x in it) body) runs body once per value; as_iterator() is the generic that makes
# iterators (torch registers methods for dataloaders and samplers).

#' The value an iterator returns when it has nothing left
#' @export
exhausted <- function() as.symbol(".__exhausted__.")

#' Whether x is exhausted()
#' @param x a value.
#' @export
is_exhausted <- function(x) identical(x, exhausted())

#' An iterator function over x (a function is returned as is; vectors and lists element by element)
#' @param x an iterable.
#' @export
as_iterator <- function(x) UseMethod("as_iterator")

#' @export
as_iterator.default <- function(x) {
  if (is.function(x)) return(x)
  n <- length(x)
  i <- 0L
  function() {
    if (i >= n) return(exhausted())
    i <<- i + 1L
    x[[i]]
  }
}

#' Run a for loop over an iterator
#'
#' `loop(for (x in iterable) body)`: `break` and `next` work; the loop variable is set in the calling
#' environment as with `for`.
#' @param loop a `for` loop.
#' @export
loop <- function(loop) {
  expr <- substitute(loop)
  if (!is.call(expr) || !identical(expr[[1]], as.name("for")))
    stop("`loop()` must be called with a `for` loop", call. = FALSE)
  env <- parent.frame()
  var <- expr[[2]]
  it <- as_iterator(eval(expr[[3]], env))
  close <- attr(it, "close")
  if (is.function(close)) on.exit(close(), add = TRUE)
  tmp <- as.name(".__coro_value__.")
  on.exit(suppressWarnings(rm(list = as.character(tmp), envir = env)), add = TRUE)
  code <- bquote(repeat {
    .(tmp) <- .(it)()
    if (.(is_exhausted)(.(tmp))) break
    .(var) <- .(tmp)
    .(expr[[4]])
  })
  eval(code, env)
  invisible(NULL)
}

#' Collect the values of an iterator into a list
#' @param x an iterable.
#' @param n the most values to take (NULL: all).
#' @export
collect <- function(x, n = NULL) {
  it <- as_iterator(x)
  close <- attr(it, "close")
  if (is.function(close)) on.exit(close(), add = TRUE)
  out <- list()
  while (is.null(n) || length(out) < n) {
    v <- it()
    if (is_exhausted(v)) break
    out[length(out) + 1L] <- list(v)
  }
  out
}

#' A generator factory: calling it gives an iterator over the values its function yields
#'
#' Unlike coro's generators this one runs the function to its end at the first call and then hands out
#' the yielded values, so it suits finite generators only.
#' @param fn a function calling `yield(value)`.
#' @export
generator <- function(fn) {
  force(fn)
  function(...) {
    args <- list(...)
    values <- NULL
    i <- 0L
    function() {
      if (is.null(values)) values <<- .run_yields(fn, args)
      if (i >= length(values)) return(exhausted())
      i <<- i + 1L
      values[[i]]
    }
  }
}

.run_yields <- function(fn, args) {
  acc <- list()
  env <- new.env(parent = environment(fn))
  env$yield <- function(x) {
    acc[length(acc) + 1L] <<- list(x)
    invisible(NULL)
  }
  environment(fn) <- env
  do.call(fn, args)
  acc
}

#' Yield a value from a generator (only inside generator())
#' @param x the value.
#' @export
yield <- function(x) stop("yield() can only be used inside a generator()", call. = FALSE)
