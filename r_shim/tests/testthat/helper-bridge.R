# Helpers for the bridge tests; they run with either host (Rscript or rpy2).
py <- function(name, ...) .External(torch:::C_rt_callx, name, ...)
bridge_stats <- function() torch:::.rt_stats()
live_pointers <- function() {
  for (i in 1:3) invisible(gc(full = TRUE))
  bridge_stats()[["pointers_live"]]
}
live_robjects <- function() {
  for (i in 1:3) invisible(gc(full = TRUE))
  bridge_stats()[["robjects_live"]]
}
