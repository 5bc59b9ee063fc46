# torch_save() / torch_load() in R torch's serialization version 3 (a safetensors file; the format lives in
# rtorch_py/serialization.py). R's part: file names and connections, and lists, whose R side is R's own
# serialize() of the list with each tensor replaced by its address (class "torch_tensor_address"), as R torch
# writes it, so lists of any R values round-trip and R torch reads the files.

#' Saves an object to a file or connection
#'
#' @param obj a tensor, a (nested) list of tensors and R values, an `nn_module`, or an object with a
#'   `state_dict()` method.
#' @param path a file name or a binary connection.
#' @param ... not used.
#' @param compress not used (R torch's argument).
#' @export
torch_save <- function(obj, path, ..., compress = TRUE) {
  UseMethod("torch_save")
}

.rt_save_dest <- function(path) {
  if (inherits(path, "connection")) return(NULL)
  if (is.character(path) && length(path) == 1L) return(path.expand(path))
  stop("torch_save: `path` must be a connection or a file name, got <", class(path)[1L], ">", call. = FALSE)
}

.rt_save_finish <- function(bytes, path) {
  if (inherits(path, "connection")) writeBin(as.raw(bytes), path)
  invisible()
}

.rt_rserialize <- function(x) as.integer(serialize(x, NULL))
.rt_runserialize <- function(x) unserialize(as.raw(x))

.rt_save_object <- function(obj, path, ..., compress = TRUE) {
  bytes <- .External(C_rt_callx, "rt_save", obj, .rt_save_dest(path), r_serialize_fn = .rt_rserialize)
  .rt_save_finish(bytes, path)
  invisible(obj)
}

#' @export
torch_save.torch_tensor <- .rt_save_object

#' @export
torch_save.nn_module <- .rt_save_object

#' @export
torch_save.list <- function(obj, path, ..., compress = TRUE) {
  tensors <- new.env(parent = emptyenv())
  swap <- function(l) lapply(l, function(x) {
    if (inherits(x, "torch_tensor")) {
      addr <- xptr_address(x)
      tensors[[addr]] <- x
      structure(addr, class = "torch_tensor_address")
    } else if (is.list(x)) swap(x) else x
  })
  robj <- .rt_rserialize(swap(obj))
  bytes <- .External(C_rt_callx, "rt_save_list", as.list(tensors), robj, .rt_save_dest(path))
  .rt_save_finish(bytes, path)
  invisible(obj)
}

#' @export
torch_save.default <- function(obj, path, ..., compress = TRUE) {
  if (inherits(obj, "py_object") && is.function(tryCatch(obj$state_dict, error = function(e) NULL)))
    return(.rt_save_object(obj, path))
  stop("torch_save: cannot save an object of class <", paste(class(obj), collapse = "/"), ">: expected a ",
       "tensor, a list, an nn_module or an object with a state_dict() method", call. = FALSE)
}

#' Loads an object saved with torch_save()
#'
#' @param path a file name, a binary connection or a raw vector (as `torch_serialize()` returns).
#' @param device where to load tensors: the CPU.
#' @export
torch_load <- function(path, device = "cpu") {
  if (is.null(device)) stop("Unexpected device NULL", call. = FALSE)
  out <- .External(C_rt_callx, "rt_load", .rt_load_source(path), device, r_unserialize_fn = .rt_runserialize)
  if (identical(out$type, "list")) {
    tensors <- out$tensors
    swap <- function(l) lapply(l, function(x) {
      if (inherits(x, "torch_tensor_address")) tensors[[unclass(x)]]
      else if (is.list(x)) swap(x) else x
    })
    return(swap(.rt_runserialize(out$robj)))
  }
  out$value
}

.rt_load_source <- function(path) {
  if (is.raw(path)) return(as.integer(path))
  if (inherits(path, "connection")) {
    chunks <- list()
    repeat {
      b <- readBin(path, "raw", 1048576L)
      if (!length(b)) break
      chunks[[length(chunks) + 1L]] <- b
    }
    return(as.integer(unlist(chunks)))
  }
  if (is.character(path) && length(path) == 1L) {
    if (!file.exists(path)) stop("torch_load: no such file '", path, "'", call. = FALSE)
    return(normalizePath(path))
  }
  stop("torch_load: `path` must be a file name, a connection or a raw vector, got <", class(path)[1L], ">",
       call. = FALSE)
}

#' Serializes a torch object to a raw vector (torch_save() to memory)
#'
#' @param obj what to save.
#' @param ... passed to torch_save().
#' @export
torch_serialize <- function(obj, ...) {
  con <- rawConnection(raw(), open = "wb")
  on.exit(close(con), add = TRUE)
  torch_save(obj = obj, path = con, ...)
  rawConnectionValue(con)
}

#' Loads a state dict saved by PyTorch
#'
#' Reads `torch.save(model$state_dict(), path)` files (zip and legacy formats) without running any code from
#' the file: only tensors, storages, OrderedDicts and plain containers are accepted.
#'
#' @param path the file.
#' @param ...,legacy_stream not used (R torch's arguments).
#' @return a named list of tensors.
#' @export
load_state_dict <- function(path, ..., legacy_stream = FALSE) {
  .Call(C_rt_call1, "load_state_dict", normalizePath(path, mustWork = TRUE))
}

# The address of a tensor: equal for two R handles of the same tensor.
xptr_address <- function(x) .Call(C_rt_call1, "xptr_address", x)

# Whether `con` (a file name, raw vector or connection) starts like an RDS file (R torch's legacy format);
# a connection is left where it was.
is_rds <- function(con) {
  head <- if (is.raw(con)) {
    con[seq_len(min(6L, length(con)))]
  } else if (inherits(con, "connection")) {
    pos <- seek(con)
    on.exit(seek(con, where = pos), add = TRUE)
    readBin(con, "raw", 6L)
  } else {
    readBin(con, "raw", 6L)
  }
  magic <- list(as.raw(c(0x1f, 0x8b)), charToRaw("BZh"), as.raw(c(0xfd, 0x37, 0x7a, 0x58, 0x5a)),
                charToRaw("X\n"), charToRaw("A\n"), charToRaw("B\n"))
  any(vapply(magic, function(m) length(head) >= length(m) && identical(head[seq_along(m)], m), logical(1)))
}
