# Per-call costs of the R -> Python bridge, in whichever mode runs this script:
#   Rscript (R hosts Python):   eval "$(make -s r-env)" && Rscript bench/r_bridge.R
#   rtorch run (Python hosts R): .venv/bin/python -m rtorch_py run bench/r_bridge.R
# Prints one line per case: microseconds per call, the minimum and the median over rounds that interleave
# the cases. Times are CPU time of this process (user + system): on a shared machine, wall time also counts
# the time other processes hold the core, CPU time only this process's work. The wall-clock minimum is
# printed beside it.
library(torch)
n <- as.integer(Sys.getenv("RTORCH_BENCH_N", "20000"))  # CPU time ticks in ms: 20000 calls give 0.05 us steps
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
# the host is whichever program this process runs (`rtorch run`: Python embedding R through rpy2)
mode <- if (grepl("python", basename(Sys.readlink("/proc/self/exe")))) "rtorch run" else "Rscript"
for (f in cases) f(200L)  # warm up
us <- wall <- matrix(NA_real_, rounds, length(cases))
cpu <- function(t) t[["user.self"]] + t[["sys.self"]]
for (r in seq_len(rounds)) for (j in seq_along(cases)) {
  t0 <- proc.time()
  cases[[j]](n)
  t1 <- proc.time()
  us[r, j] <- (cpu(t1) - cpu(t0)) / n * 1e6
  wall[r, j] <- (t1[["elapsed"]] - t0[["elapsed"]]) / n * 1e6
}
for (j in seq_along(cases))
  cat(sprintf("%-38s min %6.2f us  median %6.2f us  (CPU; wall min %6.2f us; %s)\n", names(cases)[j],
              min(us[, j]), median(us[, j]), min(wall[, j]), mode))
ratio <- min(us[, "x$mean(dim = 1)" == names(cases)]) / min(us[, "torch_mean(x, dim = 1)" == names(cases)])
med <- median(us[, "x$mean(dim = 1)" == names(cases)]) / median(us[, "torch_mean(x, dim = 1)" == names(cases)])
# each round's own ratio (the two cases run back to back in a round, so a noisy minute hits both alike)
paired <- median(us[, "x$mean(dim = 1)" == names(cases)] / us[, "torch_mean(x, dim = 1)" == names(cases)])
cat(sprintf(paste("x$mean(dim = 1) / torch_mean(x, dim = 1): %.2fx (min over rounds), %.2fx (median),",
                  "%.2fx (median of rounds' ratios), CPU time, same run\n"), ratio, med, paired))
invisible(gc())
st <- torch:::.rt_stats()
cat(sprintf("live pointers after gc: %d of %d made\n", as.integer(st[["pointers_live"]]),
            as.integer(st[["pointers_made"]])))
