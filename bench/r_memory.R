# Memory over a long training loop driven from R (the seed's SMALL network): R's gc must release the Python
# objects, so the process's resident memory stays flat. Prints one JSON line.
#   eval "$(make -s r-env)" && Rscript bench/r_memory.R        (R hosts Python)
#   .venv/bin/python -m rtorch_py run bench/r_memory.R         (Python hosts R)
library(torch)
iters <- as.integer(Sys.getenv("RTORCH_MEMORY_ITERS", "100000"))
rss_mb <- function() {
  s <- readLines("/proc/self/status")
  as.numeric(sub("[^0-9]*([0-9]+).*", "\\1", s[grepl("^VmRSS", s)])) / 1024
}
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
warm <- min(1000L, iters)
for (i in seq_len(warm)) step()
start <- rss_mb()
t0 <- proc.time()[["elapsed"]]
peak <- start
for (i in seq_len(iters - warm)) {
  step()
  if (i %% 5000 == 0) {
    peak <- max(peak, rss_mb())
    if (nzchar(Sys.getenv("RTORCH_MEMORY_TRACE"))) cat(i, rss_mb(), "\n", file = stderr())
  }
}
elapsed <- proc.time()[["elapsed"]] - t0
end <- rss_mb()
st <- torch:::.rt_stats()
cat(sprintf(paste0('{"iterations": %d, "rss_start_mb": %.1f, "rss_end_mb": %.1f, "rss_peak_mb": %.1f, ',
                   '"growth_mb": %.1f, "us_per_iteration": %.1f, "live_pointers": %d}\n'),
            iters, start, end, peak, end - start, elapsed / max(iters - warm, 1) * 1e6,
            as.integer(st[["pointers_live"]])))
