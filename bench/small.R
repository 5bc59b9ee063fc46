# The SMALL workload (the seed's network and Adam step) written in R, run through the shim. Prints one JSON
# line. Default: time per training step and per `x * 0.2`. RTORCH_BENCH_MODE=memory: the process's resident
# memory over RTORCH_MEMORY_ITERS (100,000) steps, which stays flat only if R's gc releases the Python objects.
#   eval "$(make -s r-env)" && Rscript bench/small.R          (R hosts Python)
#   .venv/bin/python -m rtorch_py run bench/small.R           (Python hosts R)
library(torch)
torch_manual_seed(1)
x <- torch_randn(100, 3)
y <- x[, 1, NULL] * 0.2 - x[, 2, NULL] * 1.3 - x[, 3, NULL] * 0.5 + torch_randn(100, 1)
model <- nn_sequential(nn_linear(3, 32), nn_relu(), nn_linear(32, 1))
optimizer <- optim_adam(model$parameters, lr = 0.08)
step <- function() {
  loss <- nnf_mse_loss(model(x), y, reduction = "sum")
  optimizer$zero_grad()
  loss$backward()
  optimizer$step()
  loss
}

rss_mb <- function() {
  s <- readLines("/proc/self/status")
  as.numeric(sub("[^0-9]*([0-9]+).*", "\\1", s[grepl("^VmRSS", s)])) / 1024
}

bench_memory <- function() {
  iters <- as.integer(Sys.getenv("RTORCH_MEMORY_ITERS", "100000"))
  warm <- min(1000L, iters)
  for (i in seq_len(warm)) step()
  start <- rss_mb()
  peak <- start
  t0 <- proc.time()[["elapsed"]]
  for (i in seq_len(iters - warm)) {
    step()
    if (i %% 5000 == 0) peak <- max(peak, rss_mb())
  }
  elapsed <- proc.time()[["elapsed"]] - t0
  end <- rss_mb()
  st <- torch:::.rt_stats()
  cat(sprintf(paste0('{"iterations": %d, "rss_start_mb": %.1f, "rss_end_mb": %.1f, "rss_peak_mb": %.1f, ',
                     '"growth_mb": %.1f, "us_per_iteration": %.1f, "live_pointers": %d}\n'),
              iters, start, end, peak, end - start, elapsed / max(iters - warm, 1) * 1e6,
              as.integer(st[["pointers_live"]])))
}

bench_time <- function() {
  iters <- as.integer(Sys.getenv("RTORCH_BENCH_ITERS", "200"))
  for (i in 1:50) step()
  samples <- numeric(0)
  for (r in 1:7) {
    t0 <- proc.time()[["elapsed"]]
    for (i in seq_len(iters)) step()
    samples <- c(samples, (proc.time()[["elapsed"]] - t0) / iters * 1e6)
  }
  xo <- torch_randn(100, 1, requires_grad = TRUE)
  op <- numeric(0)
  for (r in 1:7) {
    t0 <- proc.time()[["elapsed"]]
    for (i in 1:20000) z <- xo * 0.2
    op <- c(op, (proc.time()[["elapsed"]] - t0) / 20000 * 1e6)
  }
  cat(sprintf('{"small_median_us": %f, "op_median_us": %f}\n', median(samples), median(op)))
}

if (Sys.getenv("RTORCH_BENCH_MODE") == "memory") bench_memory() else bench_time()
