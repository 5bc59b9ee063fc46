# R values in and out: R torch's dtype rules, column-major matrices, as_array, $item(), $shape.
# Run from the project root (`Rscript tests/conformance/conversions.R`); tests/bridge/test_conformance.py
# compares every emitted value with the same computation written with the Python API.
library(torch)
source(Sys.getenv("RTORCH_CONFORMANCE_EMIT", "tests/conformance/emit.R"))

# R vectors in: double -> float32, integer -> int64, logical -> bool; a length-1 vector has shape {1}
emit("double", torch_tensor(c(1.5, -2.25, 0.1, 1e-3, 3e38)))
emit("integer", torch_tensor(c(1L, -7L, 2147483647L)))
emit("logical", torch_tensor(c(TRUE, FALSE, TRUE)))
emit("length1", torch_tensor(2))
emit("length1_integer", torch_tensor(2L))
emit("dtype_double", torch_tensor(c(0.1, 2), dtype = torch_float64()))
emit("dtype_long_from_double", torch_tensor(c(1.7, -1.7, 3), dtype = torch_long()))
emit("dtype_float_from_integer", torch_tensor(1:3, dtype = torch_float()))
emit("dtype_int32", torch_tensor(c(4L, 5L), dtype = torch_int()))
emit("dtype_bool_from_double", torch_tensor(c(0, 2.5), dtype = torch_bool()))
emit("requires_grad", torch_tensor(c(1, 2), requires_grad = TRUE))

# column-major matrices and arrays: t[i, j] == m[i, j]
m <- matrix(c(1, 2, 3, 4, 5, 6), nrow = 2)
a <- array(1:24, dim = c(2, 3, 4))
emit("matrix", torch_tensor(m))
emit("matrix_entries", sapply(1:3, function(j) sapply(1:2, function(i) torch_tensor(m)[i, j]$item())))
emit("array3", torch_tensor(a))
emit("array3_entry", torch_tensor(a)[2, 3, 4]$item())
emit("logical_matrix", torch_tensor(matrix(c(TRUE, FALSE, FALSE, TRUE, TRUE, FALSE), 3)))
emit("byrow_matrix", torch_tensor(matrix(1:6, 2, byrow = TRUE)))

# as_array back: 0/1-d -> vector, 2-d -> matrix, n-d -> array; long -> integer, float -> double, bool -> logical
emit("as_array_0d", as_array(torch_scalar_tensor(2.5)))
emit("as_array_1d", as_array(torch_tensor(c(1.5, 2))))
emit("as_array_2d", as_array(torch_tensor(m)))
emit("as_array_3d", as_array(torch_tensor(a)))
emit("as_array_long", as_array(torch_tensor(1:3)))
emit("as_array_int32", as_array(torch_tensor(1:3, dtype = torch_int())))
emit("as_array_bool", as_array(torch_tensor(c(TRUE, FALSE))))
emit("as_array_float", as_array(torch_tensor(0.1)))
emit("as_array_double", as_array(torch_tensor(0.1, dtype = torch_double())))
emit("as_array_big_long", as_array(torch_tensor(3e9, dtype = torch_long())))
emit("identical_matrix", identical(as_array(torch_tensor(m)), m))
emit("identical_array", identical(as_array(torch_tensor(a)), a))
emit("as_numeric", as.numeric(torch_tensor(m)))
emit("as_integer", as.integer(torch_tensor(c(1L, 5L))))
emit("as_logical", as.logical(torch_tensor(c(TRUE, FALSE))))
emit("as_matrix", as.matrix(torch_tensor(m)))
emit("as_vector", as.vector(torch_tensor(a)))
emit("length", length(torch_zeros(2, 3, 4)))
emit("dim", dim(torch_zeros(2, 3, 4)))

# $item(): a double, an integer or a logical
emit("item_float", torch_tensor(2.5)$item())
emit("item_float_tenth", torch_tensor(0.1)$item())
emit("item_double", torch_tensor(0.1, dtype = torch_double())$item())
emit("item_long", torch_tensor(7L)$item())
emit("item_int32", torch_tensor(3L, dtype = torch_int())$item())
emit("item_bool", torch_tensor(TRUE)$item())
emit("item_sum_long", torch_tensor(1:4)$sum()$item())
emit("item_mean", torch_tensor(c(1, 2, 4))$mean()$item())
emit("item_any", (torch_tensor(1:3) > 2)$any()$item())

# $shape and friends: integer vectors
emit("shape", torch_zeros(3, 1, 2)$shape)
emit("shape_0d", torch_scalar_tensor(1)$shape)
emit("shape_vector_arg", torch_zeros(c(2, 4))$shape)
emit("size", torch_zeros(2, 5)$size())
emit("size_dim", torch_zeros(2, 5)$size(2))
emit("size_negative_dim", torch_zeros(2, 5)$size(-1))
emit("ndim", torch_zeros(2, 5)$ndim)
emit("dim_method", torch_zeros(2, 5)$dim())
emit("numel", torch_zeros(2, 5)$numel())
emit("dtype_names", sapply(list(torch_float(), torch_double(), torch_long(), torch_int(), torch_bool(),
                                torch_float32(), torch_float64(), torch_int64(), torch_float16()), as.character))
emit("dtype_of_ops", sapply(list(torch_tensor(1:2) / 2L, torch_tensor(1:2) * 2L, torch_tensor(1:2) * 1.5,
                                 torch_tensor(c(TRUE, FALSE)) + 1L, torch_tensor(1:2)$float(),
                                 torch_tensor(1)$to(dtype = torch_double())),
                            function(t) as.character(t$dtype)))

# lists of tensors come back as R lists; named lists as named lists
emit("split", torch_split(torch_arange(1, 5), 2))
emit("unbind", torch_unbind(torch_tensor(m), 2))
emit("state_dict_names", names(nn_linear(2, 1)$state_dict()))
emit("creation", list(torch_zeros(2, 3, dtype = torch_long()), torch_ones_like(torch_tensor(1:3)),
                      torch_full(c(2, 2), 7), torch_eye(3), torch_linspace(0, 1, 5),
                      torch_empty(2, 0)$shape, torch_zeros_like(torch_tensor(m))))
