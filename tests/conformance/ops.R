# R's operators on tensors and numbers either side (^, %%, %/%, comparisons, !, &, |), the Math group
# (exp, sqrt, abs, log, round, ...) and the Summary group, as R torch defines them.
library(torch)
source(Sys.getenv("RTORCH_CONFORMANCE_EMIT", "tests/conformance/emit.R"))

a <- torch_tensor(c(-7.5, -2, 0.5, 3, 7))
b <- torch_tensor(c(2, 3, -2, 2.5, -4))
n <- torch_tensor(c(-7L, -3L, 5L, 9L))
m <- torch_tensor(c(2L, 2L, -3L, 4L))
p <- torch_tensor(c(TRUE, FALSE, TRUE, FALSE))
q <- torch_tensor(c(TRUE, TRUE, FALSE, FALSE))

# arithmetic: tensor with tensor, tensor with number, number with tensor
emit("add", list(a + b, a + 2, 2 + a, +a))
emit("sub", list(a - b, a - 1.5, 1.5 - a, -a))
emit("mul", list(a * b, a * 0.2, 3 * a))
emit("div", list(a / b, a / 4, 1 / a))
emit("pow", list(a^2, abs(a)^b, 2^a, a^0.5, b^-1L))
emit("fmod", list(a %% b, a %% 2, 10 %% b, n %% m, n %% 3L))
emit("intdiv", list(a %/% b, a %/% 2, 10 %/% b, n %/% m, n %/% 2L))
emit("long_ops", list(n + m, n * 2L, n - 1L, n / m, n * 0.5, n + TRUE, -n))
emit("int_power", list(n^2L, m^2))
emit("bool_arith", list(p + q, p * 2, p + 1L))
emit("vector_operand", list(a + c(1, 2, 3, 4, 5), c(5, 4, 3, 2, 1) * a, n + 1:4))
emit("matrix_broadcast", torch_ones(2, 3) * matrix(c(1, 2, 3, 4, 5, 6), 2))
emit("broadcast", torch_ones(2, 1) + torch_tensor(c(1, 2, 3)))

# comparisons give bool tensors, either side
emit("compare", list(a == b, a != 2, a < b, a <= 0.5, a > -2, a >= b, 3 > a, 0.5 == a, n >= m, n < 0L))
# logical operators on bool tensors
emit("logical", list(!p, p & q, p | q, p & TRUE, FALSE | q, (a > 0) & (b > 0), !(a > 0)))

# Math group
pos <- torch_tensor(c(0.25, 1, 2.5, 9))
emit("math", list(exp(a), sqrt(pos), abs(a), abs(n), log(pos), log(pos, 2), log(pos, base = 10), log2(pos),
                  log10(pos), log1p(pos), expm1(a), sign(a), floor(a), ceiling(a), trunc(a)))
emit("trig", list(sin(a), cos(a), tan(b), asin(pos / 10), acos(pos / 10), atan(a), sinh(b), cosh(b), tanh(a)))
emit("round", list(round(torch_tensor(c(0.5, 1.5, 2.5, -0.5, 2.567, -1.234))),
                   round(torch_tensor(c(2.567, -1.234, 0.125)), 2), round(torch_tensor(c(1234.5, 55)), -1)))
emit("cumulative", list(cumsum(a), cumprod(b)))

# Summary group and mean
emit("summary", list(sum(a), prod(b), max(a), min(n), all(p), any(p), mean(a), sum(n), max(p)))
emit("summary_several", list(sum(a, b), prod(a, b), max(a, n), min(b, a, n), sum(torch_ones(2, 3), dim = 2),
                           prod(b$view(c(1, 5)), dim = 2, keepdim = TRUE)))
emit_error("summary_number", sum(a, 1))

# methods with numbers and tensors
emit("methods", list(a$add(1), a$add(b, alpha = 2), a$sub(b), a$mul(b), a$div(b), a$div(b, rounding_mode = "floor"),
                     a$div(b, rounding_mode = "trunc"), a$pow(2), a$clamp(min = -1, max = 1), a$remainder(b),
                     a$fmod(-2), a$abs()$sqrt(), a$exp()$log(), a$neg(), a$reciprocal(), a$sign()))
emit("functions", list(torch_add(a, b), torch_sub(a, 1), torch_mul(2, a), torch_div(a, 2), torch_pow(a, 2),
                       torch_clamp(a, -1, 1), torch_where(a > 0, a, b), torch_maximum(a, b), torch_minimum(a, b),
                       torch_remainder(a, 3), torch_fmod(a, 3), torch_div(a, b, rounding_mode = "floor"), torch_eq(a, b),
                       torch_allclose(a, a + 1e-9), torch_equal(n, n), torch_logical_xor(p, q),
                       torch_matmul(torch_ones(2, 3), torch_tensor(c(1, 2, 3))), torch_mm(torch_ones(2, 3), torch_ones(3, 2)),
                       torch_einsum("ij,j->i", list(torch_ones(2, 3), torch_tensor(c(1, 2, 3))))))
# in-place methods change the tensor
z <- torch_tensor(c(1, 2, 3))
z$add_(10)
z$mul_(torch_tensor(c(1, 0.5, 2)))
z$clamp_(max = 12)
emit("inplace", z)
emit("division_by_zero", list(a / 0, n %/% torch_tensor(c(1L, 1L, 1L, 1L)), torch_tensor(0) / 0))
