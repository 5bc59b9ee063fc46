# Small internal helpers R torch's namespace has (its own tests call them through the namespace).

set_names <- function(x, nm = x, ...) {
  names(x) <- nm
  x
}

is_permutation <- function(x, y) {
  length(x) == length(y) && setequal(x, y)
}
