# Per-call costs of the R -> Python bridge, in whichever mode runs this script:
#   Rscript (R hosts Python):   eval "$(make -s r-env)" && Rscript bench/r_bridge.R
#   rtorch run (Python hosts R): .venv/bin/python -m rtorch_py run bench/r_bridge.R
# Prints one line per case: microseconds per call, the minimum and the median over rounds that interleave
# the cases (the minimum is the robust figure on a shared, noisy machine).
library(torch)
n <- as.integer(Sys.getenv("RTORCH_BENCH_N", "5000"))
rounds <- as.integer(Sys.getenv("RTORCH_BENCH_ROUNDS", "15"))
x <- torch_randn(100, 1)
xg <- torch_randn(100, 1, requires_grad = TRUE)
noop <- function() NULL
cases <- list(
  "plain R closure" = function(k) for (i in seq_len(k)) noop(),
  ".Call no-op into the bridge (stats)" = function(k) for (i in seq_len(k)) torch:::.rt_stats(),
  "x * 0.2 (100x1)" = function(k) for (i in seq_len(k)) y <- x * 0.2,
  "x * 0.2 (100x1, requires_grad)" = function(k) for (i in seq_len(k)) y <- xg * 0.2,
  "x$shape" = function(k) for (i in seq_len(k)) s <- x$shape,
  "x$mul(0.2)" = function(k) for (i in seq_len(k)) y <- x$mul(0.2),
  "torch_mul(x, 0.2)" = function(k) for (i in seq_len(k)) y <- torch_mul(x, 0.2),
  "x[, 1, NULL]" = function(k) for (i in seq_len(k)) y <- x[, 1, NULL],
  # a `$` method is one crossing into Python, as the function is (issue 9: at most 1.3x)
  "x$mean(dim = 1)" = function(k) for (i in seq_len(k)) y <- x$mean(dim = 1),
  "torch_mean(x, dim = 1)" = function(k) for (i in seq_len(k)) y <- torch_mean(x, dim = 1)
)
mode <- if (nzchar(Sys.getenv("RTORCH_HOST"))) Sys.getenv("RTORCH_HOST") else "Rscript"
for (f in cases) f(200L)  # warm up
us <- matrix(NA_real_, rounds, length(cases))
for (r in seq_len(rounds)) for (j in seq_along(cases)) {
  t0 <- proc.time()[["elapsed"]]
  cases[[j]](n)
  us[r, j] <- (proc.time()[["elapsed"]] - t0) / n * 1e6
}
for (j in seq_along(cases))
  cat(sprintf("%-38s min %6.2f us  median %6.2f us  (%s)\n", names(cases)[j], min(us[, j]),
              median(us[, j]), mode))
ratio <- min(us[, "x$mean(dim = 1)" == names(cases)]) / min(us[, "torch_mean(x, dim = 1)" == names(cases)])
cat(sprintf("x$mean(dim = 1) / torch_mean(x, dim = 1): %.2fx (min over rounds, same run)\n", ratio))
invisible(gc())
st <- torch:::.rt_stats()
cat(sprintf("live pointers after gc: %d of %d made\n", as.integer(st[["pointers_live"]]),
            as.integer(st[["pointers_made"]])))
