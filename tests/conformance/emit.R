# Machine-readable results of the conformance scripts: emit(name, value) writes one line
#   @@<TAB>name<TAB>JSON
# that tests/bridge/test_conformance.py reads and compares with the same computation written with the Python API.
# Plain R only (jsonlite may be absent). Doubles are written with 17 significant digits (exact); tensors as
# their dtype, shape and values in row-major order (through as_array, so float32 values are exact too).

.json_str <- function(s) {
  na <- is.na(s)
  s <- gsub("\\", "\\\\", s, fixed = TRUE)
  s <- gsub("\"", "\\\"", s, fixed = TRUE)
  s <- gsub("\n", "\\n", s, fixed = TRUE)
  s <- gsub("\r", "\\r", s, fixed = TRUE)
  s <- gsub("\t", "\\t", s, fixed = TRUE)
  ifelse(na, "null", paste0("\"", s, "\""))
}

.json_num <- function(v) {
  out <- sprintf("%.17g", v)
  out[is.nan(v)] <- "\"NaN\""
  out[is.infinite(v) & v > 0] <- "\"Inf\""
  out[is.infinite(v) & v < 0] <- "\"-Inf\""
  out[is.na(v) & !is.nan(v)] <- "null"
  out
}

.json_array <- function(items) paste0("[", paste(items, collapse = ","), "]")

.json_atoms <- function(v) {
  switch(typeof(v),
    double = .json_num(v),
    integer = ifelse(is.na(v), "null", as.character(v)),
    logical = ifelse(is.na(v), "null", ifelse(v, "true", "false")),
    character = .json_str(v),
    complex = paste0("[", .json_num(Re(v)), ",", .json_num(Im(v)), "]"),
    stop("emit: cannot encode a ", typeof(v)))
}

.json_obj <- function(...) {
  kv <- list(...)
  paste0("{", paste(paste0(.json_str(names(kv)), ":", unlist(kv)), collapse = ","), "}")
}

# A tensor's values in row-major order (as Python's .numpy().ravel() lists them).
.row_major <- function(x) {
  a <- as_array(x)
  if (length(dim(a)) >= 2) a <- aperm(a)
  if (is.complex(a)) { a <- as.vector(a); return(as.vector(rbind(Re(a), Im(a)))) }  # complex: (re, im) pairs
  as.vector(a)
}

encode <- function(v) {
  if (is.null(v)) return(.json_obj(r = .json_str("NULL")))
  if (inherits(v, "torch_tensor")) {
    return(.json_obj(r = .json_str("tensor"), dtype = .json_str(as.character(v$dtype)),
                     shape = .json_array(.json_atoms(as.integer(v$shape))),
                     requires_grad = .json_atoms(v$requires_grad),
                     values = .json_array(.json_atoms(.row_major(v$detach())))))
  }
  if (is.atomic(v) && !is.object(v)) {
    return(.json_obj(r = .json_str(typeof(v)),
                     dim = if (is.null(dim(v))) "null" else .json_array(dim(v)),
                     names = if (is.null(names(v))) "null" else .json_array(.json_str(names(v))),
                     values = .json_array(.json_atoms(unname(as.vector(v))))))
  }
  if (is.list(v) && !is.object(v)) {
    return(.json_obj(r = .json_str("list"),
                     names = if (is.null(names(v))) "null" else .json_array(.json_str(names(v))),
                     values = .json_array(vapply(v, encode, ""))))
  }
  .json_obj(r = .json_str("object"), class = .json_array(.json_str(class(v))))
}

emit <- function(name, value) {
  cat("@@\t", name, "\t", encode(value), "\n", sep = "")
  invisible()
}

# The error message of `expr` (NULL when it succeeds), emitted as {"r": "error", ...}.
emit_error <- function(name, expr) {
  msg <- tryCatch({ force(expr); NULL }, error = function(e) conditionMessage(e))
  cat("@@\t", name, "\t", if (is.null(msg)) .json_obj(r = .json_str("no error"))
      else .json_obj(r = .json_str("error"), message = .json_str(msg)), "\n", sep = "")
  invisible()
}

# The text print() writes, byte for byte (through a file: capture.output() would add a missing last newline).
printed <- function(x, ...) {
  f <- tempfile()
  on.exit(unlink(f))
  con <- file(f, "w")
  sink(con)
  tryCatch(print(x, ...), finally = {
    sink()
    close(con)
  })
  n <- file.size(f)
  if (n == 0) "" else readChar(f, n, useBytes = TRUE)
}
