# `[` and `[<-` (R torch's non-standard evaluation): missing = whole dim, N = last, `..`, NULL / newaxis,
# a negative scalar counts from the end, ranges a:b and a:b:c, vectors, logical masks, drop = FALSE,
# long tensors as 1-based indices; assignment of scalars, vectors, tensors, through masks.
library(torch)
source(Sys.getenv("RTORCH_CONFORMANCE_EMIT", "tests/conformance/emit.R"))

x <- torch_tensor(array(1:60, dim = c(3, 4, 5)))
v <- torch_tensor(c(10, 20, 30, 40, 50, 60))
m <- torch_tensor(matrix(c(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), 3))

emit("scalar_all", x[2, 3, 4])
emit("scalar_item", x[2, 3, 4]$item())
emit("missing", list(x[1, , ], x[, 2, ], x[, , 5], x[2, 3, ]))
emit("N", list(v[N], x[N, N, N], x[, 2:N, N], v[3:N]))
emit("ellipsis", list(x[.., 1], x[1, ..], x[1, .., 2], x[.., 2:3]))
emit("newaxis", list(x[, 1, NULL]$shape, x[NULL, 1, 1, ]$shape, v[newaxis, ]$shape, v[, newaxis]$shape,
                     x[1, newaxis, , 1]))
emit("negative", list(v[-1], v[-2], x[-1, -1, -1], x[, -2, ], v[-3:-2], torch_tensor(1:3)[-3:-2],
                      v[-4:N]))
emit("ranges", list(v[2:4], v[1:6:2], v[2:6:3], x[1:2, 2:3, 1:5:2], m[2:3, ]))
emit("vectors", list(v[c(1, 3, 6)], v[c(6, 1, 1)], x[c(1, 3), 2, c(5, 1)], x[c(1, 3), , c(5, 1)],
                     m[c(3, 1), c(TRUE, FALSE, TRUE, TRUE)], m[c(TRUE, FALSE, TRUE), c(TRUE, FALSE, TRUE, TRUE)],
                     m[torch_tensor(c(3L, 1L)), torch_tensor(c(TRUE, FALSE, TRUE, TRUE))],
                     x[torch_tensor(c(TRUE, FALSE, TRUE)), c(4, 1), 2:3]))
emit("masks", list(v[v > 25], m[m %% 2 == 0], x[x > 55], v[c(TRUE, FALSE, TRUE, FALSE, FALSE, TRUE)],
                   m[m[, 1] > 1, ], m[, m[1, ] > 3]))
emit("drop_false", list(x[1, , , drop = FALSE]$shape, x[2, 3, 4, drop = FALSE]$shape, m[2, , drop = FALSE],
                        v[3, drop = FALSE]))
emit("long_index", list(v[torch_tensor(c(1L, 6L, 2L))], m[torch_tensor(c(3L, 1L)), ],
                        x[torch_tensor(2L), torch_tensor(c(4L, 1L)), 1], v[torch_argmax(v)]))
i <- 2
j <- c(1, 3)
emit("variables", list(v[i], m[i, j], v[i:(i + 2)], x[i, , j + 1]))
emit("chained", list(x[2, , ][, 3], m[, 2][2], x[1, , ]$sum(), m$t()[4, ]))

# `[<-`
y <- v$clone()
y[1] <- 0
y[N] <- -1
y[3:4] <- c(7, 8)
emit("assign_vector", y)
y <- m$clone()
y[2, ] <- 0
y[, 3] <- torch_tensor(c(-1, -2, -3))
y[1, c(1, 4)] <- 100
emit("assign_matrix", y)
y <- m$clone()
y[c(TRUE, FALSE, TRUE), c(2, 4)] <- 0
y[torch_tensor(c(2L, 3L)), torch_tensor(c(FALSE, FALSE, TRUE, TRUE))] <- -1
emit("assign_outer", y)
y <- m$clone()
y[y > 6] <- 0
emit("assign_mask", y)
y <- m$clone()
y[y > 6] <- y[y > 6] * 10
emit("assign_mask_values", y)
y <- x$clone()
y[.., 1] <- torch_zeros(3, 4)
y[2, 3, ] <- 1:5
y[-1, -1, -1] <- -5
emit("assign_3d", y)
y <- v$clone()
y[torch_tensor(c(2L, 5L))] <- torch_tensor(c(-2, -5))
emit("assign_long_index", y)
grad_h <- torch_tensor(c(-1, 2, -3, 4))
h <- torch_tensor(c(-0.5, 1, -2, 3))
grad_h[h < 0] <- 0
emit("assign_seed_mask", grad_h)

# errors
emit_error("err_zero", v[0])
emit_error("err_out_of_range", v[7])
emit_error("err_too_many", m[1, 1, 1])
emit_error("err_long_zero", v[torch_tensor(0L)])
