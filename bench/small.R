# The SMALL workload written in R, run through the shim (Rscript or `rtorch run`): prints one JSON line.
library(torch)
iters <- as.integer(Sys.getenv("RTORCH_BENCH_ITERS", "200"))
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
}
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
