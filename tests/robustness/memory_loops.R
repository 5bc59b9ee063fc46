# Memory loops (issue 10, item 6 and the failure paths): each loop's resident set must stay flat (growth under
# RTORCH_LOOP_LIMIT_MB, default 10) between a warm-up and the end. Prints "LOOP<TAB>name<TAB>growth MB<TAB>ok".
library(torch)
rss_mb <- function() {
  invisible(gc()); invisible(gc())
  as.numeric(strsplit(readLines("/proc/self/statm"), " ")[[1]][2]) * 4096 / 2^20
}
limit <- as.numeric(Sys.getenv("RTORCH_LOOP_LIMIT_MB", "10"))
scale <- as.numeric(Sys.getenv("RTORCH_LOOP_SCALE", "1"))
failed <- 0L
loop <- function(name, n, body, warmup = max(1000, n %/% 5)) {
  n <- max(1L, as.integer(n * scale))
  # R's collector runs every 500 iterations, so the resident set measures what survives collections
  # (otherwise it grows with the garbage R lets pile up between its own collections)
  for (i in seq_len(warmup)) { body(i); if (i %% 500 == 0) invisible(gc()) }
  r0 <- rss_mb()
  for (i in seq_len(n)) { body(i); if (i %% 500 == 0) invisible(gc()) }
  growth <- rss_mb() - r0
  ok <- growth < limit
  if (!ok) failed <<- failed + 1L
  cat(sprintf("LOOP\t%s\t%d iterations\t%+.1f MB\t%s\n", name, n, growth, if (ok) "ok" else "FAIL"))
}

Net <- nn_module(initialize = function() { self$act <- function(x) nnf_relu(x); self$fc <- nn_linear(4, 4) },
                 forward = function(x) self$act(self$fc(x)))
loop("module storing an R closure (self$act <- function(x) ...)", 10000, function(i) Net())

# a submodule reached by self$fc in forward: one R function while R holds it (never one R already let go,
# whose pointer a pending finalizer is about to clear: "no longer valid" after ~3000 calls, before the fix)
Outer <- nn_module(initialize = function() self$fc <- nn_linear(2, 2), forward = function(x) self$fc(x))
outer <- Outer()
x2 <- torch_randn(1, 2)
for (i in 1:20000) y2 <- outer(x2)  # R's own collections only (explicit gc() runs the finalizers at once)
loop("forward through a submodule (its R function reused)", 20000, function(i) outer(x2))

hooked <- function() {
  x <- torch_randn(100, requires_grad = TRUE)
  x$register_hook(function(g) g * 2)
  (x * 2)$sum()$backward()
  invisible(x$grad)
}
loop("hook closure capturing its tensor", 10000, function(i) hooked())

loop("create and free tensors", 10000, function(i) { y <- torch_randn(10, 10) %>% torch_matmul(torch_randn(10, 10)); NULL })
f_ret <- function() with_no_grad({ return(1) })
loop("return() out of with_no_grad", 10000, function(i) f_ret())
loop("warning caught outside with_no_grad", 5000, function(i) tryCatch(with_no_grad(warning("w")), warning = function(w) 1))
loop("Python error caught in R", 5000, function(i) tryCatch(torch_zeros("a"), error = function(e) 1))
loop("NA argument refused", 5000, function(i) tryCatch(torch_sum(torch_ones(2), dim = NA), error = function(e) 1))
loop("R error inside a module forward", 3000, local({
  m <- nn_module(forward = function(x) stop("no"))()
  function(i) tryCatch(m(torch_ones(2)), error = function(e) 1)
}))
if (failed > 0L) stop(failed, " memory loop(s) grew", call. = FALSE)
