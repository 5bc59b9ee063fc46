# How much of `x * 0.2` from an R loop is R's own garbage collector, in whichever mode runs this script:
#   eval "$(make -s r-env)" && Rscript bench/r_gc.R
#   .venv/bin/python -m rtorch_py run bench/r_gc.R
#   R_NSIZE=3000000 Rscript bench/r_gc.R          (R's initial heap, in cons cells: see README, "R")
# Rounds of 20000 calls (x 100x1, requires_grad); per round the wall time per call, the part of it R spent
# collecting (gc.time(): the collections themselves, not the finalizers they run), and how many collections of
# each level ran (gcinfo). Then the medians over rounds and the process's peak resident memory.
# Each result holds an external pointer with a C finalizer (the Python tensor's reference): a finalizer runs
# only after the collection that found the pointer unreachable, so the pointer, its weak reference and its
# class attribute survive that collection into R's older generation and are freed only by a level 1 or 2
# collection. They fill R's heap between those, and R collects more often and at higher levels.
library(torch)
rounds <- as.integer(Sys.getenv("RTORCH_BENCH_ROUNDS", "20"))
n <- 20000L
gc.time(TRUE)
x <- torch_randn(100, 1, requires_grad = TRUE)
for (i in seq_len(n)) y <- x * 0.2  # warm up
wall <- gcs <- numeric(rounds)
levels <- matrix(0L, rounds, 3, dimnames = list(NULL, paste("level", 0:2)))
for (r in seq_len(rounds)) {
  msgs <- character(0)
  con <- textConnection("msgs", "w", local = TRUE)
  sink(con, type = "message")
  gcinfo(TRUE)
  g0 <- gc.time()[[1]]
  t0 <- proc.time()[["elapsed"]]
  for (i in seq_len(n)) y <- x * 0.2
  t1 <- proc.time()[["elapsed"]]
  g1 <- gc.time()[[1]]
  gcinfo(FALSE)
  sink(type = "message")
  close(con)
  wall[r] <- (t1 - t0) / n * 1e6
  gcs[r] <- (g1 - g0) / n * 1e6
  lv <- as.integer(sub(".*level ([0-9]).*", "\\1", grep("level [0-9]", msgs, value = TRUE)))
  for (l in lv) levels[r, l + 1] <- levels[r, l + 1] + 1L
  cat(sprintf("round %2d: %5.2f us a call, R's collector %4.2f us; collections by level %s\n", r, wall[r], gcs[r],
              paste(levels[r, ], collapse = "/")))
}
mode <- if (grepl("python", basename(Sys.readlink("/proc/self/exe")))) "rtorch run" else "Rscript"
status <- readLines("/proc/self/status")
cat(sprintf(paste("median %.2f us a call (mean %.2f, min %.2f, max %.2f), R's collector %.2f us a call (median of rounds, mean %.2f);",
                  "collections by level %s; R_NSIZE %s; peak RSS %s MB (%s)\n"),
            median(wall), mean(wall), min(wall), max(wall), median(gcs), mean(gcs), paste(colSums(levels), collapse = "/"),
            Sys.getenv("R_NSIZE", "unset"),
            round(as.numeric(gsub("[^0-9]", "", status[grepl("^VmHWM", status)])) / 1024), mode))
