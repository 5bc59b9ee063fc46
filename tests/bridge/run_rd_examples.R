# Runs the \examples of every help page of the shim (r_shim/man/*.Rd) in this one R process, as R CMD check
# does (tools::Rd2ex, then source), each in its own environment, in a temporary directory, with R torch's
# global settings put back after each. Prints one line per page: "ok NAME", "missing NAME" (no \examples) or
# "error NAME: message"; then "done".
# usage: Rscript run_rd_examples.R MAN_DIR [NAME ...]
args <- commandArgs(trailingOnly = TRUE)
man <- normalizePath(args[1])
only <- args[-1]
suppressPackageStartupMessages(library(torch))
files <- sort(list.files(man, "[.]Rd$", full.names = TRUE))
if (length(only)) files <- files[sub("[.]Rd$", "", basename(files)) %in% only]
work <- tempfile("rd-examples")
dir.create(work)
old <- setwd(work)
ex <- file.path(work, "example.R")
for (f in files) {
  name <- sub("[.]Rd$", "", basename(f))
  unlink(ex)
  tools::Rd2ex(f, ex, commentDontrun = TRUE)
  if (!file.exists(ex) || !any(nzchar(trimws(grep("^[^#]", readLines(ex), value = TRUE))))) {
    cat("missing", name, "\n")
    next
  }
  torch_manual_seed(1)
  env <- new.env(parent = globalenv())
  msg <- tryCatch({
    utils::capture.output(suppressWarnings(suppressMessages(
      source(ex, local = env, echo = TRUE, max.deparse.length = Inf))))
    NULL
  }, error = function(e) conditionMessage(e))
  # what an example may change globally is put back for the next one
  torch_set_default_dtype(torch_float())
  autograd_set_grad_mode(TRUE)
  if (is.null(msg)) cat("ok", name, "\n") else cat("error ", name, ": ", gsub("\n", " ", msg), "\n", sep = "")
}
setwd(old)
cat("done\n")
