# Small internal helpers R torch's namespace has (its own tests call them through the namespace).

set_names <- function(x, nm = x, ...) {
  names(x) <- nm
  x
}

#' Whether two vectors hold the same elements (a helper of R torch's namespace)
#'
#' @param x,y vectors.
#' @return `TRUE` when `y` is a reordering of `x`.
is_permutation <- function(x, y) {
  length(x) == length(y) && setequal(x, y)
}

# R6-style generators R torch exposes with `$new(...)` (nn_utils_weight_norm$new("weight", 2)): a function
# (calling it constructs too) whose `$new` is itself.
.rt_r6_generator <- function(f) structure(f, class = c("rt_r6_generator", "function"))

#' @export
`$.rt_r6_generator` <- function(x, name) if (identical(name, "new")) x else NULL

#' Weight normalization (R torch's R6 generator: `nn_utils_weight_norm$new(name, dim)`)
#' @param name the parameter's name. @param dim the dim kept (1-based; NULL: norm over the whole tensor).
#' @export
nn_utils_weight_norm <- .rt_r6_generator(function(name = "weight", dim = 1) {
  .External(C_rt_callx, "nn_utils_weight_norm", name, dim)
})

#' coro's `yield()`, for generators written with coro (re-exported as R torch does)
#' @param x the value to yield.
#' @export
yield <- function(x) {
  .rt_need_coro()
  coro::yield(x)
}

# R torch's internal name (its tests call it): whether a tensor is undefined (no storage).
cpp_tensor_is_undefined <- function(x) is_undefined_tensor(x)

# R torch's internal names its tests call: the generated torch_linalg_norm (linalg_norm's implementation) and
# L-BFGS's line search (obj_func(x, t, d) returns list(loss, gradient); the result is list(loss, gradient, t,
# number of evaluations)).
torch_linalg_norm <- function(self, ord = NULL, dim = NULL, keepdim = FALSE, dtype = NULL) {
  linalg_norm(self, ord, dim, keepdim, dtype)
}
.strong_wolfe <- function(obj_func, x, t, d, f, g, gtd, c1 = 1e-4, c2 = 0.9, tolerance_change = 1e-9,
                          max_ls = 25) {
  .External(C_rt_callx, "r_strong_wolfe", obj_func, x, t, d, f, g, gtd, c1, c2, tolerance_change, max_ls)
}
