# A matrix of public entry points x hostile values: each must give a value or a clear error (in R's
# words, naming what is wrong), and leave the session usable. Values that are valid for an argument just
# give a value.

hostile <- list(
  NA_lgl = NA, NA_int = NA_integer_, NA_chr = NA_character_, NULL_ = NULL, chr = "a", neg = -1, zero = 0,
  nan = NaN, inf = Inf, huge = 1e300, frac = 2.5, empty_list = list(), list2 = list(1, "a"),
  fun = function() 1, env = new.env(), factor = factor("a"),
  bytes = local({ s <- "\xff"; Encoding(s) <- "bytes"; s }), lgl = TRUE, long_vec = 1:1000,
  empty_num = numeric(0), matrix = matrix(1:4, 2), tensor_bad = torch_zeros(7, 5), dtype = torch_float()
)

mx <- torch_randn(3, 4)
mp <- torch_ones(2, requires_grad = TRUE)
targets <- list(
  "torch_sum(x, dim = v)" = function(v) torch_sum(mx, dim = v),
  "x$mean(dim = v)" = function(v) mx$mean(dim = v),
  "torch_zeros(v)" = function(v) torch_zeros(v),
  "torch_randn(2, v)" = function(v) torch_randn(2, v),
  "torch_tensor(v)" = function(v) torch_tensor(v),
  "torch_tensor(1, dtype = v)" = function(v) torch_tensor(1, dtype = v),
  "x[v]" = function(v) mx[v],
  "x[1, v]" = function(v) mx[1, v],
  "y[1, 1] <- v" = function(v) { y <- torch_zeros(2, 2); y[1, 1] <- v; y },
  "x + v" = function(v) mx + v,
  "x * v" = function(v) mx * v,
  "x$view(v)" = function(v) mx$view(v),
  "torch_reshape(x, v)" = function(v) torch_reshape(mx, v),
  "x$unsqueeze(v)" = function(v) mx$unsqueeze(v),
  "torch_softmax(x, dim = v)" = function(v) torch_softmax(mx, dim = v),
  "torch_cat(v)" = function(v) torch_cat(v),
  "torch_matmul(x, v)" = function(v) torch_matmul(mx, v),
  "x$to(dtype = v)" = function(v) mx$to(dtype = v),
  "nnf_relu(v)" = function(v) nnf_relu(v),
  "nn_linear(v, 2)" = function(v) nn_linear(v, 2),
  "nn_linear(2, 2, bias = v)" = function(v) nn_linear(2, 2, bias = v),
  "optim_sgd(list(p), lr = v)" = function(v) optim_sgd(list(mp), lr = v),
  "optim_adam(list(p), lr = v)" = function(v) optim_adam(list(mp), lr = v),
  "optim_adam(v)" = function(v) optim_adam(v),
  "torch_manual_seed(v)" = function(v) torch_manual_seed(v),
  "x$register_hook(v)" = function(v) { z <- torch_ones(1, requires_grad = TRUE); z$register_hook(v) },
  "nn_mse_loss()(x, v)" = function(v) nn_mse_loss()(mx, v),
  "torch_arange(1, v)" = function(v) torch_arange(1, v),
  "x$permute(v)" = function(v) mx$permute(v),
  "torch_clamp(x, min = v)" = function(v) torch_clamp(mx, min = v)
)

for (tn in names(targets)) for (vn in names(hostile)) local({
  fn <- targets[[tn]]
  val <- hostile[[vn]]
  case(sprintf("matrix: %s with %s", tn, vn), fn(val))
})
