# The bad-input corpus (issue 10): every case gives the right value or a clear error, nothing crashes or
# hangs, and the session stays usable after each case (a later op works, grad mode is on, no bridge call is
# left open). Runs in either hosting mode:
#   eval "$(make -s r-env)" && Rscript tests/robustness/run_corpus.R        (R hosts Python)
#   .venv/bin/python -m rtorch_py run tests/robustness/run_corpus.R          (Python hosts R)
# Writes one line per case, "RESULT<TAB>name<TAB>outcome<TAB>detail", then a summary; exits 1 on a failure.
# tests/robustness/test_corpus.py runs it in both modes under `make test`.
library(torch)

here <- local({
  args <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", args[grep("^--file=", args)])
  if (length(f)) dirname(normalizePath(f)) else Sys.getenv("RTORCH_CORPUS_DIR", "tests/robustness")
})

# Python's words that must never reach an R user.
pythonisms <- c("NoneType", "not supported between instances", "has no attribute", "object is not",
                "Traceback", "ndarray", "numpy", "unhashable", "positional argument", "unexpected keyword",
                "object of type", "invalid literal for int", "could not convert", "unsupported operand",
                "must be real number", "builtin", "__", "RObject", "cannot be interpreted as an integer",
                "zero-size array", "expected str", "PyObject", "rtorch_py")

.cases <- list()
# case(name, expr, error = regex) expects an error matching regex (and clear);
# case(name, expr, value = v) expects identical(value, v) (or all.equal for doubles);
# case(name, expr, check = function(v) TRUE/FALSE) checks the value;
# case(name, expr) accepts a value or a clear error (robustness matrix).
case <- function(name, expr, error = NULL, value = NULL, check = NULL, has_value = !missing(value)) {
  .cases[[length(.cases) + 1]] <<- list(name = name, fn = eval(call("function", NULL, substitute(expr)),
                                                                    parent.frame()),
                                        error = error, value = value, has_value = has_value, check = check)
  invisible()
}

for (f in sort(list.files(here, pattern = "^cases-.*\\.R$", full.names = TRUE))) sys.source(f, envir = globalenv())

clear_error <- function(msg) {
  nzchar(msg) && nchar(msg) < 3000 && !any(vapply(pythonisms, grepl, logical(1), x = msg, fixed = TRUE))
}

usable <- function() {
  st <- torch:::.rt_stats()
  ok <- isTRUE(torch_ones(2)$sum()$item() == 2) && isTRUE(autograd_is_enabled()) && st[["in_python"]] == 0
  if (!ok) stop("session not usable: in_python=", st[["in_python"]], " grad=", autograd_is_enabled())
  TRUE
}

outcomes <- character()
failed <- 0L
only <- Sys.getenv("RTORCH_CORPUS_ONLY")
for (cs in .cases) {
  if (nzchar(only) && !grepl(only, cs$name, fixed = TRUE)) next
  cat("START\t", cs$name, "\n", sep = "")
  res <- tryCatch(
    list(ok = TRUE, value = withCallingHandlers(cs$fn(), warning = function(w) invokeRestart("muffleWarning"),
                                                message = function(m) invokeRestart("muffleMessage"))),
    error = function(e) list(ok = FALSE, msg = conditionMessage(e)))
  detail <- ""
  if (!res$ok) {
    msg <- gsub("[\t\n]", " ", res$msg)
    detail <- msg
    outcome <- if (!clear_error(res$msg)) "FAIL unclear error"
      else if (!is.null(cs$error) && !grepl(cs$error, res$msg)) "FAIL other error"
      else if (cs$has_value || !is.null(cs$check)) "FAIL error instead of value"
      else "clear error"
  } else {
    v <- res$value
    good <- if (!is.null(cs$check)) isTRUE(cs$check(v))
      else if (cs$has_value) isTRUE(all.equal(v, cs$value)) || identical(v, cs$value)
      else TRUE
    outcome <- if (!is.null(cs$error)) "FAIL no error" else if (good) "right value" else "FAIL wrong value"
    if (!good) detail <- paste(utils::capture.output(str(v)), collapse = " ")
  }
  after <- tryCatch(usable(), error = function(e) conditionMessage(e))
  if (!isTRUE(after)) outcome <- paste("FAIL session unusable:", after)
  if (startsWith(outcome, "FAIL")) failed <- failed + 1L
  outcomes[cs$name] <- outcome
  cat("RESULT\t", cs$name, "\t", outcome, "\t", substr(detail, 1, 300), "\n", sep = "")
}
tab <- table(sub(":.*", "", outcomes))
cat("SUMMARY\t", length(outcomes), " cases\t", paste(names(tab), tab, sep = "=", collapse = "\t"), "\n", sep = "")
if (failed > 0L) stop(failed, " corpus case(s) failed", call. = FALSE)
