# R-side syntax of R torch's attribute objects: devices (as.character, default-device contexts), memory
# formats (==), generators (seeds as bit64 integer64, as R torch returns them), dim names (printed as R's
# character vectors), R torch's seeding option, and call_torch_function. Values and checks are Python's.

#' @export
as.character.torch_device <- function(x, ...) .Call(C_rt_call1, "r_str", x)

#' Sets the default device of new tensors until the calling function exits
#' @param device "cpu" or "meta" (a tensor on the meta device has a shape and a dtype, no data).
#' @param ... unused.
#' @param .env the frame whose exit restores the previous default.
#' @export
local_device <- function(device, ..., .env = parent.frame()) {
  .rt_local_context(.Call(C_rt_call1, "local_device", device), .env)
}

#' Evaluates code with another default device for new tensors
#' @param code R code.
#' @param ... unused.
#' @param device "cpu" or "meta".
#' @export
with_device <- function(code, ..., device) .rt_with_context(C_rt_call2, "with_device", code, device)

#' @export
Ops.torch_memory_format <- function(e1, e2) {
  if (!(.Generic %in% c("==", "!=")))
    stop(gettextf("%s is not defined for memory formats", sQuote(.Generic)), call. = FALSE)
  if (!(inherits(e1, "torch_memory_format") && inherits(e2, "torch_memory_format")))
    stop("comparing a torch_memory_format with an object that is not a memory format", call. = FALSE)
  .Call(C_rt_call2, .Generic, e1, e2)
}

# R torch's generator seeds are 64-bit: R sees them as bit64's integer64 and passes integer or integer64.
#' @export
`$.torch_generator` <- function(x, name) {
  switch(name,
    current_seed = function() {
      seed <- .Call(C_rt_call1, "r_generator_seed", x)
      if (!requireNamespace("bit64", quietly = TRUE)) {
        warning("bit64 is required to correctly show the seed.")
        return(as.numeric(seed))
      }
      bit64::as.integer64(seed)
    },
    set_current_seed = function(seed) {
      if (!is.integer(seed) && !inherits(seed, "integer64")) stop("Seed must an integer or integer64.")
      invisible(.Call(C_rt_call2, "r_generator_set_seed", x, as.character(seed)))
    },
    .Call(C_rt_dollar, x, name))
}

#' Seeds the random generator
#'
#' With `options(torch.old_seed_behavior = TRUE)`, R torch's earlier seeding: after seeding, one number is
#' drawn (`torch_randint(1, 1e6, 1)`), so that streams match code written for those versions.
#' @param seed the seed.
#' @export
torch_manual_seed <- function(seed) {
  invisible(.Call(C_rt_call2, "torch_manual_seed", seed, isTRUE(getOption("torch.old_seed_behavior", FALSE))))
}

#' @export
print.torch_dimname <- function(x, ...) {
  print(as.character(x))
  invisible(x)
}

#' @export
print.torch_dimname_list <- function(x, ...) {
  print(as.character(x))
  invisible(x)
}

#' @export
as.character.torch_dimname <- function(x, ...) .Call(C_rt_dollar, x, "name")

#' @export
as.character.torch_dimname_list <- function(x, ...) as.character(unlist(.Call(C_rt_call1, "r_dimname_names", x)))

#' Calls a function of the torch namespace by name (R torch's escape hatch to unexported functions)
#'
#' @param name the function's name, starting with "torch_".
#' @param ... its arguments (`!!!` splices a list).
#' @param quiet FALSE: warn that unexported functions are not a stable interface.
#' @export
call_torch_function <- function(name, ..., quiet = FALSE) {
  args <- rlang::list2(...)
  if (!quiet) {
    warning("Because this function allows access to unexported functions, please use with caution, and ",
            "only if you are sure know what you are doing. Unexported functions will expect inputs that ",
            "are more C++-like than R-like. For example, they will expect all indexes to be 0-based instead ",
            "of 1-based. In addition unexported functions may be subject to removal from the API without ",
            "warning. Set quiet = TRUE to silence this warning.")
  }
  if (!grepl("^torch_", name)) stop("Only functions prefixed with 'torch_' are available from this function.")
  ns <- asNamespace("torch")
  if (!exists(name, envir = ns, inherits = FALSE) || !is.function(get(name, envir = ns))) {
    stop(sprintf(paste("A function of name %s was not found. Please check your spelling and that the desired",
                       "function exists."), name))
  }
  do.call(get(name, envir = ns), args)
}

# R torch's internal round trip of R values through libtorch's IValue stack (its test-stack.R): here the
# values cross the bridge to Python and back (a classed list such as a jit_tuple comes back a plain list).
test_stack <- function(x) .Call(C_rt_call1, "r_roundtrip", x)

#' Autocasting (CPU mixed precision) until the calling function exits
#' @param device_type "cpu".
#' @param dtype torch_bfloat16() (the default) or torch_float16().
#' @param enabled,cache_enabled as R torch.
#' @param ... unused.
#' @param .env the frame whose exit restores the previous state.
#' @export
local_autocast <- function(device_type, dtype = NULL, enabled = TRUE, cache_enabled = NULL, ..., .env = parent.frame()) {
  .rt_local_context(.External(C_rt_callx, "local_autocast", device_type, dtype, enabled, cache_enabled), .env)
}

#' Evaluates code with autocasting (CPU mixed precision)
#' @param code R code.
#' @param ... unused.
#' @param device_type "cpu".
#' @param dtype torch_bfloat16() (the default) or torch_float16().
#' @param enabled,cache_enabled as R torch.
#' @export
with_autocast <- function(code, ..., device_type, dtype = NULL, enabled = TRUE, cache_enabled = NULL) {
  ctx <- set_autocast(device_type, dtype = dtype, enabled = enabled, cache_enabled = cache_enabled)
  on.exit(unset_autocast(ctx))
  code
}

# R torch's dtype$.type(): libtorch's scalar type name ("Float", "BFloat16"), as as.character(dtype).
#' @export
`$.torch_dtype` <- function(x, name) {
  if (identical(name, ".type")) function() as.character(x) else .Call(C_rt_dollar, x, name)
}
