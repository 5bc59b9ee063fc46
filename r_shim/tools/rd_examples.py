# ruff: noqa: E501 - a table of R code
"""The R examples of the help pages whose Python docstring has none that translates to R.

generate_wrappers.py takes each page's example from, in order: :data:`EXAMPLES` (R code written for the page),
the docstring's doctest translated to R, then :func:`family_example` (a call made from the R formals, for the
families of functions whose required arguments are tensors, dims or sizes, e.g. every elementwise function).
Every example runs in the test suite (tests/bridge/test_rd_examples.py), so a generated one is kept only when it
runs; a page the rules cannot serve gets an entry here.
"""

from __future__ import annotations

# Arguments the family rule knows how to fill, by R formal name: the value (an R expression) and the setup
# lines it needs. Tensors are small, positive and below one, so that every elementwise function's domain holds.
_MAT = "torch_rand(3, 3)"
ARG_VALUES: dict[str, str] = {
    "self": "x", "input": "x", "A": "x", "x": "x", "a": "x", "x1": "x", "input1": "x", "tensor": "x",
    "tensor1": "x", "mat": "x", "anchor": "x", "logits": "x", "real": "x", "abs": "x", "grad_output": "x",
    "other": "y", "x2": "y", "input2": "y", "b": "y", "B": "y", "mat2": "y", "tensor2": "y", "end": "y",
    "exponent": "y", "positive": "y", "angle": "y", "target": "y",
    "negative": "torch_rand(3, 3)", "dim": "1L", "dim0": "1L", "dim1": "2L", "k": "1L", "chunks": "2L",
    "split_size": "1L", "tensors": "list(x, y)", "matrices": "list(x, y)", "size": "c(2L, 3L)",
    "window_length": "8L", "n": "3L", "dims": "1L", "output_size": "2L", "kernel_size": "2L",
    "num_features": "3L", "in_features": "3L", "out_features": "2L", "fill_value": "2", "value": "0.5",
    "threshold": "0.5",
}
_SETUP = {"x": f"x <- {_MAT}", "y": f"y <- {_MAT}"}


def family_example(name: str, formals: list[str], is_class: bool = False) -> str | None:
    """A call of ``name`` with its required arguments filled from :data:`ARG_VALUES` (None when one is
    unknown). A module generator is instantiated and called on a (2, 3) input."""
    required = [f for f in formals if "=" not in f and f != "..."]
    if any(a not in ARG_VALUES for a in required):
        return None
    values = [ARG_VALUES[a] for a in required]
    setup = [line for v, line in _SETUP.items() if any(v == val or f"({v}," in val or f" {v})" in val
                                                      for val in values)]
    call = f"{name}({', '.join(f'{a} = {v}' if a not in ('self', 'input') else v for a, v in zip(required, values))})"
    if is_class:
        if required:
            return None
        return "\n".join([f"m <- {call}", "m(torch_randn(2, 3))"])
    return "\n".join([*setup, call])


# Examples written for the page (R code, run as is).
EXAMPLES: dict[str, str] = {
# -- not available here: the example shows what the call says -------------------------------------------------
**{n: f'tryCatch({n}({a}), error = conditionMessage)' for n, a in [
    ("backends_cudnn_version", ""), ("cuda_amp_grad_scaler", ""), ("cuda_current_device", ""),
    ("cuda_dump_memory_snapshot", '"snapshot.pickle"'), ("cuda_empty_cache", ""),
    ("cuda_get_device_capability", ""), ("cuda_get_rng_state", ""), ("cuda_memory_snapshot", ""),
    ("cuda_memory_stats", ""), ("cuda_memory_summary", ""), ("cuda_record_memory_history", '"all"'),
    ("cuda_runtime_version", ""), ("cuda_set_rng_state", "torch_get_rng_state()"), ("cuda_synchronize", ""),
    ("get_install_libs_url", ""), ("install_torch_from_file", ""), ("torch_install_path", ""),
    ("is_torch_qscheme", "torch_per_tensor_affine"), ("jit_compile", '"def f(x):\n    return x + 1"'),
    ("jit_load", '"model.pt"'), ("jit_ops", ""), ("jit_save", 'nn_linear(2, 1), "model.pt"'),
    ("jit_save_for_mobile", 'nn_linear(2, 1), "model.ptl"'), ("jit_scalar", "1"),
    ("jit_serialize", "nn_linear(2, 1)"), ("jit_trace", "function(x) x + 1, torch_ones(2)"),
    ("jit_trace_module", "nn_linear(2, 1), forward = list(torch_ones(1, 2))"), ("jit_tuple", "list(1, 2)"),
    ("jit_unserialize", "raw(1)"), ("local_autocast", 'device_type = "cuda"'),
    ("set_autocast", 'device_type = "cuda"'), ("unset_autocast", 'device_type = "cuda"'),
    ("with_autocast", 'torch_ones(2), device_type = "cuda"'), ("torch_dequantize", "torch_ones(2)"),
    ("torch_per_channel_affine", ""), ("torch_per_channel_symmetric", ""), ("torch_per_tensor_affine", ""),
    ("torch_per_tensor_symmetric", ""), ("torch_qint32", ""), ("torch_qint8", ""), ("torch_quint8", ""),
    ("torch_quantize_per_channel", "torch_ones(2, 2), torch_ones(2), torch_zeros(2), 1, torch_quint8"),
    ("torch_quantize_per_tensor", "torch_ones(2), 0.1, 0, torch_quint8"),
    ("torch_sparse_coo_tensor", "torch_tensor(rbind(c(1L, 2L), c(1L, 2L))), torch_ones(2)"),
    ("torch_cfloat32", ""), ("torch_chalf", ""),
]},
# -- losses (modules: made, then called on input and target) -----------------------------------------------------
**{n: f"loss <- {n}()\nx <- torch_randn(3, 4, requires_grad = TRUE)\n{body}\nl$backward()\nl" for n, body in [
    ("nn_mse_loss", "l <- loss(x, torch_randn(3, 4))"), ("nn_l1_loss", "l <- loss(x, torch_randn(3, 4))"),
    ("nn_huber_loss", "l <- loss(x, torch_randn(3, 4))"), ("nn_smooth_l1_loss", "l <- loss(x, torch_randn(3, 4))"),
    ("nn_bce_loss", "l <- loss(torch_sigmoid(x), torch_rand(3, 4))"),
    ("nn_bce_with_logits_loss", "l <- loss(x, torch_rand(3, 4))"),
    ("nn_cross_entropy_loss", "l <- loss(x, torch_tensor(c(1L, 4L, 2L)))"),
    ("nn_nll_loss", "l <- loss(nnf_log_softmax(x, dim = 2), torch_tensor(c(1L, 4L, 2L)))"),
    ("nn_multi_margin_loss", "l <- loss(x, torch_tensor(c(1L, 4L, 2L)))"),
    ("nn_multilabel_margin_loss", "l <- loss(x, torch_tensor(rbind(c(1L, 2L, -1L, 0L), c(4L, -1L, 0L, 0L), c(3L, 1L, 2L, 4L))))"),
    ("nn_multilabel_soft_margin_loss", "l <- loss(x, torch_tensor(rbind(c(1, 0, 1, 0), c(0, 0, 0, 1), c(1, 1, 1, 1))))"),
    ("nn_soft_margin_loss", "l <- loss(x, torch_tensor(rbind(c(1, -1, 1, -1), c(-1, -1, 1, 1), c(1, 1, 1, 1))))"),
    ("nn_hinge_embedding_loss", "l <- loss(x, torch_tensor(rbind(c(1, -1, 1, -1), c(-1, -1, 1, 1), c(1, 1, 1, 1))))"),
    ("nn_kl_div_loss", "l <- loss(nnf_log_softmax(x, dim = 2), nnf_softmax(torch_randn(3, 4), dim = 2))"),
    ("nn_poisson_nll_loss", "l <- loss(x, torch_tensor(rbind(c(0, 1, 3, 5), c(1, 1, 2, 0), c(4, 0, 1, 2))))"),
    ("nn_cosine_embedding_loss", "l <- loss(x, torch_randn(3, 4), torch_tensor(c(1, -1, 1)))"),
    ("nn_margin_ranking_loss", "l <- loss(x[, 1], torch_randn(3), torch_tensor(c(1, -1, 1)))"),
    ("nn_triplet_margin_loss", "l <- loss(x, torch_randn(3, 4), torch_randn(3, 4))"),
    ("nn_triplet_margin_with_distance_loss", "l <- loss(x, torch_randn(3, 4), torch_randn(3, 4))"),
    ("nn_aum_loss", "l <- loss(x[, 1], torch_tensor(c(1L, 2L, 1L)))"),
]},
"nn_ctc_loss": """loss <- nn_ctc_loss()
log_probs <- nnf_log_softmax(torch_randn(10, 2, 5), dim = 3)
targets <- torch_tensor(rbind(c(1L, 2L, 3L), c(2L, 4L, 1L)))
loss(log_probs, targets, torch_tensor(c(10L, 10L)), torch_tensor(c(3L, 2L)))""",
"nn_loss": """# the base of loss modules: a loss made with it keeps `reduction`
my_loss <- nn_module("my_loss", inherit = nn_loss,
  forward = function(input, target) {
    l <- (input - target)$abs()
    if (self$reduction == "mean") l$mean() else l$sum()
  })
my_loss(reduction = "sum")(torch_ones(3), torch_zeros(3))""",
"nn_weighted_loss": """# the base of losses that take class weights
my_loss <- nn_module("my_loss", inherit = nn_weighted_loss,
  forward = function(input, target) nnf_nll_loss(input, target, weight = self$weight))
my_loss(weight = torch_tensor(c(1, 2)))(torch_log(torch_tensor(rbind(c(0.2, 0.8)))), torch_tensor(2L))""",
"nn_adaptive_log_softmax_with_loss": """asm <- nn_adaptive_log_softmax_with_loss(16, 100, cutoffs = c(10, 50))
res <- asm(torch_randn(8, 16), torch_randint(1, 101, size = 8, dtype = torch_long()))
res$loss$backward()
res$output$shape""",
"nnf_multi_margin_loss": "nnf_multi_margin_loss(torch_randn(3, 4), torch_tensor(c(1L, 4L, 2L)))",
"nnf_multilabel_margin_loss": "nnf_multilabel_margin_loss(torch_tensor(rbind(c(0.1, 0.2, 0.4, 0.8))), torch_tensor(rbind(c(4L, 1L, -1L, 2L))))",
"torch_multi_margin_loss": "torch_multi_margin_loss(torch_randn(3, 4), torch_tensor(c(1L, 4L, 2L)))",
"torch_nll_loss": "torch_nll_loss(nnf_log_softmax(torch_randn(3, 4), dim = 2), torch_tensor(c(1L, 4L, 2L)))",
"nnf_ctc_loss": """log_probs <- nnf_log_softmax(torch_randn(10, 2, 5), dim = 3)
nnf_ctc_loss(log_probs, torch_tensor(rbind(c(1L, 2L, 3L), c(2L, 4L, 1L))), torch_tensor(c(10L, 10L)),
             torch_tensor(c(3L, 2L)))""",
# -- modules that need arguments ---------------------------------------------------------------------------------
**{c.split("(")[0]: f"m <- {c}\nm({x})" for c, x in [
    ("nn_adaptive_avg_pool1d(2)", "torch_randn(1, 3, 8)"), ("nn_adaptive_avg_pool3d(2)", "torch_randn(1, 3, 4, 4, 4)"),
    ("nn_adaptive_max_pool1d(2)", "torch_randn(1, 3, 8)"), ("nn_adaptive_max_pool2d(2)", "torch_randn(1, 3, 4, 4)"),
    ("nn_adaptive_max_pool3d(2)", "torch_randn(1, 3, 4, 4, 4)"), ("nn_avg_pool1d(2)", "torch_randn(1, 3, 8)"),
    ("nn_avg_pool3d(2)", "torch_randn(1, 3, 4, 4, 4)"), ("nn_batch_norm2d(3)", "torch_randn(2, 3, 4, 4)"),
    ("nn_batch_norm3d(3)", "torch_randn(2, 3, 2, 2, 2)"), ("nn_conv_transpose1d(3, 2, 3)", "torch_randn(1, 3, 8)"),
    ("nn_fold(output_size = c(4, 5), kernel_size = 2)", "torch_randn(1, 12, 12)"),
    ("nn_fractional_max_pool2d(2, output_size = 3)", "torch_randn(1, 3, 8, 8)"),
    ("nn_fractional_max_pool3d(2, output_size = 3)", "torch_randn(1, 3, 8, 8, 8)"),
    ("nn_local_response_norm(2)", "torch_randn(1, 4, 3, 3)"), ("nn_log_softmax(dim = 2)", "torch_randn(2, 3)"),
    ("nn_softmax(dim = 2)", "torch_randn(2, 3)"), ("nn_softmin(dim = 2)", "torch_randn(2, 3)"),
    ("nn_lp_pool1d(2, 2)", "torch_randn(1, 3, 8)"), ("nn_lp_pool2d(2, 2)", "torch_randn(1, 3, 4, 4)"),
    ("nn_max_pool1d(2)", "torch_randn(1, 3, 8)"), ("nn_max_pool3d(2)", "torch_randn(1, 3, 4, 4, 4)"),
    ("nn_pixel_shuffle(2)", "torch_randn(1, 8, 3, 3)"), ("nn_pixel_unshuffle(2)", "torch_randn(1, 2, 4, 4)"),
    ("nn_threshold(0.1, 20)", "torch_randn(2, 3)"), ("nn_unfold(kernel_size = 2)", "torch_randn(1, 3, 4, 4)"),
    ("nn_glu()", "torch_randn(2, 4)"), ("nn_softmax2d()", "torch_randn(1, 3, 2, 2)"),
]},
"nn_embedding_bag": """m <- nn_embedding_bag(10, 3, mode = "sum")
m(torch_tensor(c(1L, 2L, 4L, 5L, 4L, 3L, 2L, 9L)), torch_tensor(c(0L, 4L)))""",
"nn_gru": "m <- nn_gru(4, 8)\nout <- m(torch_randn(5, 2, 4))\nout[[1]]$shape",
"nn_lstm": "m <- nn_lstm(4, 8)\nout <- m(torch_randn(5, 2, 4))\nout[[1]]$shape",
"nn_rnn": "m <- nn_rnn(4, 8)\nout <- m(torch_randn(5, 2, 4))\nout[[1]]$shape",
"nn_multihead_attention": """m <- nn_multihead_attention(embed_dim = 8, num_heads = 2)
q <- torch_randn(5, 1, 8)
out <- m(q, q, q)
out[[1]]$shape""",
"nn_max_unpool1d": """pool <- nn_max_pool1d(2, return_indices = TRUE)
r <- pool(torch_randn(1, 1, 8))
nn_max_unpool1d(2)(r[[1]], r[[2]])""",
"nn_max_unpool2d": """pool <- nn_max_pool2d(2, return_indices = TRUE)
r <- pool(torch_randn(1, 1, 4, 4))
nn_max_unpool2d(2)(r[[1]], r[[2]])""",
"nn_max_unpool3d": """pool <- nn_max_pool3d(2, return_indices = TRUE)
r <- pool(torch_randn(1, 1, 4, 4, 4))
nn_max_unpool3d(2)(r[[1]], r[[2]])$shape""",
"nn_module_dict": """d <- nn_module_dict(list(l1 = nn_linear(2, 3), l2 = nn_linear(3, 1)))
d$l2(d$l1(torch_randn(4, 2)))""",
"nn_module_list": """layers <- nn_module_list(list(nn_linear(2, 3), nn_relu(), nn_linear(3, 1)))
x <- torch_randn(4, 2)
for (i in seq_along(layers)) x <- layers[[i]](x)
x""",
"nn_Module": """# the base class of every module; nn_module() makes generators of its subclasses
net <- nn_module("net", initialize = function() self$fc <- nn_linear(2, 1), forward = function(x) self$fc(x))()
inherits(net, "nn_module")""",
"nn_module_print_width": "nn_module_print_width()",
"nn_prune_head": "nn_prune_head(nn_sequential(nn_linear(2, 3), nn_relu(), nn_linear(3, 1)), 1)",
"nn_init_constant_": "nn_init_constant_(torch_empty(2, 3), 0.5)",
"nn_init_sparse_": "nn_init_sparse_(torch_empty(4, 3), sparsity = 0.5)",
"nn_init_dirac_": "nn_init_dirac_(torch_empty(2, 2, 3))",
# -- optimizers and schedulers -----------------------------------------------------------------------------------
**{n: f"""model <- nn_linear(2, 1)
opt <- {n}(model$parameters{a})
x <- torch_randn(8, 2)
y <- x$sum(dim = 2, keepdim = TRUE)
for (i in 1:5) {{
  opt$zero_grad()
  loss <- nnf_mse_loss(model(x), y)
  loss$backward()
  opt$step()
}}
loss$item()""" for n, a in [
    ("optim_adadelta", ""), ("optim_adagrad", ", lr = 0.1"), ("optim_adam", ", lr = 0.1"), ("optim_adamw", ", lr = 0.1"),
    ("optim_asgd", ""), ("optim_ignite_adagrad", ", lr = 0.1"), ("optim_ignite_adam", ", lr = 0.1"),
    ("optim_ignite_adamw", ", lr = 0.1"), ("optim_ignite_rmsprop", ""), ("optim_ignite_sgd", ", lr = 0.1"),
    ("optim_rmsprop", ""), ("optim_rprop", ""), ("optim_sgd", ", lr = 0.1, momentum = 0.9"),
]},
"optim_lbfgs": """model <- nn_linear(2, 1)
opt <- optim_lbfgs(model$parameters)
x <- torch_randn(8, 2)
y <- x$sum(dim = 2, keepdim = TRUE)
closure <- function() {
  opt$zero_grad()
  loss <- nnf_mse_loss(model(x), y)
  loss$backward()
  loss
}
opt$step(closure)
closure()$item()""",
"optim_required": """# the default of an argument an optimizer requires (its absence is an error)
is_optim_required(optim_required())""",
**{n: f"""opt <- optim_sgd(nn_linear(2, 1)$parameters, lr = 0.1)
sched <- {n}(opt, {a})
for (epoch in 1:3) {{
  opt$step()
  sched$step()
}}
opt$param_groups[[1]]$lr""" for n, a in [
    ("lr_cosine_annealing", "T_max = 10"), ("lr_lambda", "lr_lambda = function(epoch) 0.95^epoch"),
    ("lr_multiplicative", "lr_lambda = function(epoch) 0.9"), ("lr_one_cycle", "max_lr = 1, total_steps = 10"),
    ("lr_step", "step_size = 2"),
]},
"lr_reduce_on_plateau": """opt <- optim_sgd(nn_linear(2, 1)$parameters, lr = 0.1)
sched <- lr_reduce_on_plateau(opt, patience = 1)
for (val_loss in c(1, 1, 1, 1)) sched$step(val_loss)
opt$param_groups[[1]]$lr""",
# -- autograd, modes, seeds --------------------------------------------------------------------------------------
"autograd_function": """square <- autograd_function(
  forward = function(ctx, x) {
    ctx$save_for_backward(x = x)
    x^2
  },
  backward = function(ctx, grad_output) list(x = 2 * ctx$saved_variables$x * grad_output)
)
x <- torch_tensor(3, requires_grad = TRUE)
square(x)$backward()
x$grad""",
"autograd_grad": """x <- torch_tensor(c(1, 2), requires_grad = TRUE)
autograd_grad((x * x)$sum(), x)""",
"autograd_set_grad_mode": """autograd_set_grad_mode(FALSE)
(torch_ones(2, requires_grad = TRUE) * 2)$requires_grad
autograd_set_grad_mode(TRUE)""",
"with_no_grad": """x <- torch_ones(2, requires_grad = TRUE)
with_no_grad(x$mul_(2))
x""",
"with_enable_grad": """x <- torch_ones(2, requires_grad = TRUE)
with_no_grad(with_enable_grad(y <- x * 2))
y$requires_grad""",
"with_detect_anomaly": """x <- torch_ones(2, requires_grad = TRUE)
with_detect_anomaly((x * 2)$sum()$backward())
x$grad""",
"with_torch_manual_seed": "with_torch_manual_seed(torch_randn(2), seed = 1)",
"local_torch_manual_seed": """f <- function() {
  local_torch_manual_seed(1)
  torch_randn(2)
}
torch_equal(f(), f())""",
"torch_manual_seed": "torch_manual_seed(1)\ntorch_randn(2)",
"torch_set_rng_state": """state <- torch_get_rng_state()
a <- torch_randn(2)
torch_set_rng_state(state)
torch_equal(a, torch_randn(2))""",
"torch_set_default_dtype": """torch_set_default_dtype(torch_float64())
torch_randn(2)$dtype
torch_set_default_dtype(torch_float32())""",
"torch_set_num_threads": "torch_set_num_threads(2)\ntorch_get_num_threads()",
"torch_set_num_interop_threads": "torch_get_num_interop_threads()\ntry(torch_set_num_interop_threads(2), silent = TRUE)",
# -- data --------------------------------------------------------------------------------------------------------
"dataloader": """dl <- dataloader(tensor_dataset(torch_randn(10, 2), torch_randn(10)), batch_size = 4, shuffle = TRUE)
length(dl)
coro::loop(for (batch in dl) print(batch[[1]]$shape))""",
"dataloader_make_iter": """it <- dataloader_make_iter(dataloader(tensor_dataset(torch_arange(1, 5)), batch_size = 2))
dataloader_next(it)""",
"dataloader_next": """it <- dataloader_make_iter(dataloader(tensor_dataset(torch_arange(1, 3)), batch_size = 2))
dataloader_next(it)
dataloader_next(it)
dataloader_next(it, completed = "done")""",
"dataset_subset": """ds <- tensor_dataset(torch_arange(1, 10))
sub <- dataset_subset(ds, indices = c(2, 4, 6))
length(sub)
sub[2]""",
"tensor_dataset": """ds <- tensor_dataset(x = torch_randn(5, 2), y = torch_arange(1, 5))
length(ds)
ds[2]""",
"enumerate": """dl <- dataloader(tensor_dataset(torch_randn(4, 2)), batch_size = 2)
for (batch in suppressWarnings(enumerate(dl))) print(batch[[1]]$shape)""",
"loop": """dl <- dataloader(tensor_dataset(torch_randn(4, 2)), batch_size = 2)
loop(for (batch in dl) print(batch[[1]]$shape))""",
"distr_poisson": """d <- distr_poisson(torch_tensor(2))
d$sample()
d$log_prob(torch_tensor(0))$exp()""",
"is_permutation": "is_permutation(c(1, 2, 3), c(3, 1, 2))",
"is_rds": """f <- tempfile()
saveRDS(1, f)
is_rds(f)""",
"slc": """x <- torch_arange(1, 10)
x[slc(2, 8, 3)]""",
"torch_save": """f <- tempfile()
torch_save(list(w = torch_randn(2), note = "hi"), f)
torch_load(f)""",
"load_state_dict": """# reads files written by PyTorch's torch.save(model.state_dict(), path)
tryCatch(load_state_dict("no-such-file.pt"), error = conditionMessage)""",
"reexports": "torch_ones(2) %>% torch_sum()",
"$.torch_tensor": """x <- torch_tensor(c(1, 2, 3))
x$sum()
x$shape""",
"nn_utils_clip_grad_norm_": """m <- nn_linear(2, 1)
(m(torch_randn(4, 2))^2)$sum()$backward()
nn_utils_clip_grad_norm_(m$parameters, max_norm = 0.5)""",
"nn_utils_clip_grad_value_": """m <- nn_linear(2, 1)
(m(torch_randn(4, 2))^2)$sum()$backward()
nn_utils_clip_grad_value_(m$parameters, clip_value = 0.1)
m$weight$grad""",
"nn_utils_rnn_pack_sequence": """p <- nn_utils_rnn_pack_sequence(list(torch_tensor(c(1, 2, 3)), torch_tensor(c(4, 5))))
p$batch_sizes""",
"nn_utils_rnn_pack_padded_sequence": """x <- torch_tensor(rbind(c(1, 2, 3), c(4, 5, 0)))
p <- nn_utils_rnn_pack_padded_sequence(x, lengths = c(3, 2), batch_first = TRUE)
p$batch_sizes""",
"nn_utils_rnn_pad_packed_sequence": """p <- nn_utils_rnn_pack_sequence(list(torch_tensor(c(1, 2, 3)), torch_tensor(c(4, 5))))
nn_utils_rnn_pad_packed_sequence(p, batch_first = TRUE)""",
# -- functional forms and tensor functions whose arguments the family rule cannot fill ----------------------------
"nnf_adaptive_max_pool2d": "nnf_adaptive_max_pool2d(torch_randn(1, 3, 4, 4), 2)",
"nnf_avg_pool2d": "nnf_avg_pool2d(torch_randn(1, 3, 4, 4), 2)",
"nnf_glu": "nnf_glu(torch_randn(2, 4))",
"nnf_instance_norm": "nnf_instance_norm(torch_randn(2, 3, 4))",
"nnf_upsample": "nnf_upsample(torch_randn(1, 1, 2, 2), scale_factor = 2)",
"nnf_affine_grid": "nnf_affine_grid(torch_tensor(array(c(1, 0, 0, 1, 0, 0), c(1, 2, 3))), c(1, 1, 2, 2))",
"nnf_grid_sample": """grid <- nnf_affine_grid(torch_tensor(array(c(1, 0, 0, 1, 0, 0), c(1, 2, 3))), c(1, 1, 3, 3), align_corners = TRUE)
nnf_grid_sample(torch_randn(1, 1, 3, 3), grid, align_corners = TRUE)""",
"nnf_bilinear": "nnf_bilinear(torch_randn(4, 2), torch_randn(4, 3), torch_randn(5, 2, 3))",
"nnf_conv_transpose1d": "nnf_conv_transpose1d(torch_randn(1, 3, 8), torch_randn(3, 2, 3))",
"nnf_embedding_bag": """w <- torch_randn(10, 3)
nnf_embedding_bag(torch_tensor(c(1L, 2L, 4L, 5L)), w, offsets = torch_tensor(c(0L, 2L)))""",
"nnf_group_norm": "nnf_group_norm(torch_randn(2, 4, 3), num_groups = 2)",
"nnf_layer_norm": "nnf_layer_norm(torch_randn(2, 3), normalized_shape = 3)",
"nnf_lp_pool1d": "nnf_lp_pool1d(torch_randn(1, 3, 8), norm_type = 2, kernel_size = 2)",
"nnf_max_unpool1d": """r <- nnf_max_pool1d(torch_randn(1, 1, 8), 2, return_indices = TRUE)
nnf_max_unpool1d(r[[1]], r[[2]], 2)""",
"nnf_max_unpool2d": """r <- nnf_max_pool2d(torch_randn(1, 1, 4, 4), 2, return_indices = TRUE)
nnf_max_unpool2d(r[[1]], r[[2]], 2)""",
"nnf_max_unpool3d": """r <- nnf_max_pool3d(torch_randn(1, 1, 4, 4, 4), 2, return_indices = TRUE)
nnf_max_unpool3d(r[[1]], r[[2]], 2)$shape""",
"nnf_multi_head_attention_forward": """e <- 4
q <- torch_randn(3, 1, e)
out <- nnf_multi_head_attention_forward(q, q, q, e, 2, torch_randn(3 * e, e), torch_zeros(3 * e), NULL, NULL,
                                        FALSE, 0, torch_randn(e, e), torch_zeros(e))
out[[1]]$shape""",
"nnf_prelu": "nnf_prelu(torch_randn(2, 3), torch_tensor(0.25))",
"torch__adaptive_avg_pool2d_backward": """x <- torch_randn(1, 2, 4, 4)
torch__adaptive_avg_pool2d_backward(torch_ones(1, 2, 2, 2), x)$shape""",
"torch_adaptive_avg_pool2d": "torch_adaptive_avg_pool2d(torch_randn(1, 3, 4, 4), 2)",
"torch_max_pool2d": "torch_max_pool2d(torch_randn(1, 3, 4, 4), 2)",
"torch_max_pool2d_with_indices": "torch_max_pool2d_with_indices(torch_randn(1, 1, 4, 4), 2)",
"torch_max_unpool2d": """r <- torch_max_pool2d_with_indices(torch_randn(1, 1, 4, 4), 2)
torch_max_unpool2d(r[[1]], r[[2]], c(4, 4))""",
"torch_bincount": "torch_bincount(torch_tensor(c(1L, 2L, 2L, 5L)))",
"torch_bmm": "torch_bmm(torch_randn(2, 3, 4), torch_randn(2, 4, 5))$shape",
"torch_addbmm": "torch_addbmm(torch_zeros(3, 5), torch_randn(2, 3, 4), torch_randn(2, 4, 5))",
"torch_addmm": "torch_addmm(torch_zeros(2, 2), torch_randn(2, 3), torch_randn(3, 2))",
"torch_addmv": "torch_addmv(torch_zeros(2), torch_randn(2, 3), torch_randn(3))",
"torch_addr": "torch_addr(torch_zeros(2, 3), torch_tensor(c(1, 2)), torch_tensor(c(1, 2, 3)))",
"torch_addr_out": """out <- torch_empty(2, 3)
torch_addr_out(out, torch_zeros(2, 3), torch_tensor(c(1, 2)), torch_tensor(c(1, 2, 3)))""",
"torch_cartesian_prod": "torch_cartesian_prod(list(torch_tensor(c(1, 2)), torch_tensor(c(3, 4))))",
"torch_meshgrid": "torch_meshgrid(list(torch_tensor(c(1, 2)), torch_tensor(c(3, 4, 5))))",
"torch_cholesky": "torch_cholesky(torch_tensor(rbind(c(4, 2), c(2, 3))))",
"linalg_cholesky": "linalg_cholesky(torch_tensor(rbind(c(4, 2), c(2, 3))))",
"torch__cholesky_solve_helper": """L <- linalg_cholesky(torch_tensor(rbind(c(4, 2), c(2, 3))))
torch__cholesky_solve_helper(torch_tensor(rbind(1, 1)), L, FALSE)""",
"torch_clamp": "torch_clamp(torch_tensor(c(-2, 0.5, 3)), min = -1, max = 1)",
"torch_clip": "torch_clip(torch_tensor(c(-2, 0.5, 3)), min = -1, max = 1)",
"torch_combinations": "torch_combinations(torch_tensor(c(1, 2, 3)))",
"torch_dot": "torch_dot(torch_tensor(c(1, 2)), torch_tensor(c(3, 4)))",
"torch_mv": "torch_mv(torch_randn(2, 3), torch_randn(3))",
"torch_outer": "torch_outer(torch_tensor(c(1, 2)), torch_tensor(c(1, 2, 3)))",
"torch_ger": "torch_ger(torch_tensor(c(1, 2)), torch_tensor(c(1, 2, 3)))",
"torch_imag": "torch_imag(torch_complex(torch_tensor(c(1, 2)), torch_tensor(c(3, 4))))",
"torch_complex": "torch_complex(torch_tensor(c(1, 2)), torch_tensor(c(3, 4)))",
"torch_view_as_real": "torch_view_as_real(torch_complex(torch_tensor(c(1, 2)), torch_tensor(c(3, 4))))",
"torch_view_as_complex": "torch_view_as_complex(torch_tensor(rbind(c(1, 3), c(2, 4))))",
"torch_normal": "torch_normal(mean = 0, std = 1, size = c(2, 3))",
"torch_one_hot": "torch_one_hot(torch_tensor(c(1L, 3L, 2L)))",
"torch_orgqr": """h <- torch_geqrf(torch_randn(3, 3))
torch_orgqr(h[[1]], h[[2]])""",
"torch_ormqr": """h <- torch_geqrf(torch_randn(3, 3))
torch_ormqr(h[[1]], h[[2]], torch_eye(3))""",
"linalg_householder_product": """h <- torch_geqrf(torch_randn(3, 3))
linalg_householder_product(h[[1]], h[[2]])""",
"linalg_solve_triangular": """A <- torch_tensor(rbind(c(2, 1), c(0, 4)))
linalg_solve_triangular(A, torch_tensor(rbind(3, 4)), upper = TRUE)""",
"torch_permute": "torch_permute(torch_randn(2, 3, 4), c(3, 1, 2))$shape",
"torch_repeat_interleave": "torch_repeat_interleave(torch_tensor(c(1, 2)), torch_tensor(c(2L, 3L)))",
"torch_threshold_": "torch_threshold_(torch_tensor(c(-1, 0.5, 2)), 1, 0)",
"torch_vander": "torch_vander(torch_tensor(c(1, 2, 3)))",
**{f"torch_upsample_{k}": f"torch_upsample_{k}(torch_arange(1, {n})$view(c(1, 1, {s})), output_size = {o})"
   for k, n, s, o in [("nearest1d", 2, "2", "4"), ("nearest2d", 4, "2, 2", "c(4, 4)"),
                      ("nearest3d", 8, "2, 2, 2", "c(4, 4, 4)"), ("trilinear3d", 8, "2, 2, 2", "c(4, 4, 4)")]},
**{f"torch_upsample_{k}_out": f"""out <- torch_empty(1)
torch_upsample_{k}_out(out, torch_arange(1, {n})$view(c(1, 1, {s})), output_size = {o})
out$shape""" for k, n, s, o in [("nearest1d", 2, "2", "4"), ("nearest2d", 4, "2, 2", "c(4, 4)"),
                                 ("nearest3d", 8, "2, 2, 2", "c(4, 4, 4)"), ("trilinear3d", 8, "2, 2, 2", "c(4, 4, 4)")]},
**{f"torch_upsample_{k}_backward": f"torch_upsample_{k}_backward(torch_ones(1, 1, {o}), c({o}), c(1, 1, {s}))"
   for k, s, o in [("nearest1d", "2", "4"), ("nearest2d", "2, 2", "4, 4"), ("nearest3d", "2, 2, 2", "4, 4, 4"),
                   ("trilinear3d", "2, 2, 2", "4, 4, 4")]},
**{f"torch_upsample_{k}_backward_out": f"""g <- torch_empty(1)
torch_upsample_{k}_backward_out(g, torch_ones(1, 1, {o}), c({o}), c(1, 1, {s}))
g$shape""" for k, s, o in [("nearest1d", "2", "4"), ("nearest2d", "2, 2", "4, 4"), ("nearest3d", "2, 2, 2", "4, 4, 4"),
                            ("trilinear3d", "2, 2, 2", "4, 4, 4")]},
"torch_zeros_out": """out <- torch_empty(1)
torch_zeros_out(out, c(2, 3))""",
"torch_as_strided": "torch_as_strided(torch_arange(1, 6), size = c(2, 2), stride = c(1, 2))",
"torch_bucketize": "torch_bucketize(torch_tensor(c(0.5, 2.5, 4)), boundaries = torch_tensor(c(1, 2, 3)))",
"torch_searchsorted": "torch_searchsorted(torch_tensor(c(1, 3, 5, 7)), torch_tensor(c(3, 6)))",
"torch_channel_shuffle": "torch_channel_shuffle(torch_arange(1, 4)$view(c(1, 4, 1, 1)), 2)$view(-1)",
"torch_conv1d": "torch_conv1d(torch_randn(1, 2, 8), torch_randn(3, 2, 3))$shape",
"torch_conv2d": "torch_conv2d(torch_randn(1, 2, 5, 5), torch_randn(3, 2, 3, 3))$shape",
"torch_conv_transpose1d": "torch_conv_transpose1d(torch_randn(1, 2, 8), torch_randn(2, 3, 3))$shape",
"torch_conv_transpose2d": "torch_conv_transpose2d(torch_randn(1, 2, 5, 5), torch_randn(2, 3, 3, 3))$shape",
"torch_cumulative_trapezoid": "torch_cumulative_trapezoid(torch_tensor(c(1, 2, 3, 4)))",
"torch_einsum": "torch_einsum(\"ij,jk->ik\", list(torch_randn(2, 3), torch_randn(3, 4)))$shape",
"torch_from_numpy": """# from Python (rtorch_py): torch_from_numpy(a) shares a's memory; from R it takes an R array
torch_from_numpy(array(1:6, c(2, 3)))""",
"torch_gather": "torch_gather(torch_tensor(rbind(c(1, 2), c(3, 4))), 2, torch_tensor(rbind(c(1L, 1L), c(2L, 1L))))",
"torch_iinfo": "torch_iinfo(torch_int32())$max",
"torch_index": "torch_index(torch_tensor(rbind(c(1, 2), c(3, 4))), list(torch_tensor(c(2L, 1L))))",
"torch_index_add": "torch_index_add(torch_zeros(3, 2), 1, torch_tensor(c(1L, 3L)), torch_ones(2, 2))",
"torch_index_copy": "torch_index_copy(torch_zeros(3, 2), 1, torch_tensor(c(1L, 3L)), torch_ones(2, 2))",
"torch_index_fill": "torch_index_fill(torch_zeros(3, 2), 1, torch_tensor(c(1L, 3L)), 5)",
"torch_index_put": "torch_index_put(torch_zeros(3), list(torch_tensor(c(1L, 3L))), torch_tensor(c(5, 6)))",
"torch_index_put_": """x <- torch_zeros(3)
torch_index_put_(x, list(torch_tensor(c(1L, 3L))), torch_tensor(c(5, 6)))
x""",
"torch_index_reduce": "torch_index_reduce(torch_ones(3), 1, torch_tensor(c(1L, 1L)), torch_tensor(c(2, 3)), \"prod\")",
"torch_index_select": "torch_index_select(torch_tensor(rbind(c(1, 2), c(3, 4))), 1, torch_tensor(c(2L, 1L)))",
"torch_istft": """x <- torch_randn(64)
s <- torch_stft(x, 16, window = torch_hann_window(16), return_complex = TRUE)
y <- torch_istft(s, 16, window = torch_hann_window(16), length = 64)
torch_allclose(x, y, atol = 1e-5)""",
"torch_lerp": "torch_lerp(torch_zeros(3), torch_ones(3), 0.25)",
"torch_logspace": "torch_logspace(0, 2, steps = 3)",
"torch_range": "torch_range(1, 2, step = 0.5)",
"torch_lu_solve": """lu <- torch_lu(torch_tensor(rbind(c(2, 1), c(1, 3))))
torch_lu_solve(torch_tensor(rbind(3, 4)), lu[[1]], lu[[2]])""",
"torch_lu_unpack": """lu <- torch_lu(torch_tensor(rbind(c(2, 1), c(1, 3))))
torch_lu_unpack(lu[[1]], lu[[2]])""",
"torch_masked_fill": "torch_masked_fill(torch_tensor(c(1, 2, 3)), torch_tensor(c(TRUE, FALSE, TRUE)), 0)",
"torch_masked_select": "torch_masked_select(torch_tensor(c(1, 2, 3)), torch_tensor(c(TRUE, FALSE, TRUE)))",
"torch_moveaxis": "torch_moveaxis(torch_randn(2, 3, 4), 1, 3)$shape",
"torch_movedim": "torch_movedim(torch_randn(2, 3, 4), 1, 3)$shape",
"torch_multinomial": "torch_multinomial(torch_tensor(c(0.1, 0.6, 0.3)), 5, replacement = TRUE)",
"torch_mvlgamma": "torch_mvlgamma(torch_tensor(c(2.5, 3)), p = 2)",
"torch_nanquantile": "torch_nanquantile(torch_tensor(c(1, NaN, 3, 4)), 0.5)",
"torch_narrow": "torch_narrow(torch_arange(1, 6), 1, 2, 3)",
"torch_narrow_copy": "torch_narrow_copy(torch_arange(1, 6), 1, 2, 3)",
"torch_put": "torch_put(torch_zeros(2, 2), torch_tensor(c(1L, 4L)), torch_tensor(c(5, 6)))",
"torch_randint_like": "torch_randint_like(torch_empty(2, 3), low = 1, high = 10)",
"torch_renorm": "torch_renorm(torch_ones(2, 3), p = 2, dim = 1, maxnorm = 1)",
"torch_roll": "torch_roll(torch_arange(1, 5), shifts = 2)",
"torch_scatter": "torch_scatter(torch_zeros(3), 1, torch_tensor(c(3L, 1L)), torch_tensor(c(5, 6)))",
"torch_scatter_add": "torch_scatter_add(torch_zeros(3), 1, torch_tensor(c(3L, 3L)), torch_tensor(c(5, 6)))",
"torch_scatter_reduce": "torch_scatter_reduce(torch_ones(3), 1, torch_tensor(c(3L, 3L)), torch_tensor(c(5, 6)), \"amax\")",
"torch_select": "torch_select(torch_tensor(rbind(c(1, 2), c(3, 4))), 1, 2)",
"torch_take": "torch_take(torch_tensor(rbind(c(1, 2), c(3, 4))), torch_tensor(c(1L, 4L)))",
"torch_take_along_dim": "torch_take_along_dim(torch_tensor(rbind(c(3, 1), c(2, 4))), torch_tensor(rbind(2L, 1L)), dim = 2)",
"torch_tril_indices": "torch_tril_indices(3, 3)",
"torch_triu_indices": "torch_triu_indices(3, 3)",
"torch_where": "torch_where(torch_tensor(c(TRUE, FALSE, TRUE)), torch_tensor(c(1, 2, 3)), torch_zeros(3))",
# -- where the family rule's call would say little ----------------------------------------------------------------
"torch_ones": "torch_ones(2, 3)",
"torch_zeros": "torch_zeros(2, 3)",
"torch_empty": "torch_empty(2, 3)$shape",
"torch_can_cast": "torch_can_cast(torch_float32(), torch_int32())\ntorch_can_cast(torch_int32(), torch_float32())",
"torch_cholesky_solve": """A <- torch_tensor(rbind(c(4, 2), c(2, 3)))
torch_cholesky_solve(torch_tensor(rbind(1, 1)), linalg_cholesky(A))""",
"torch_acosh": "torch_acosh(torch_tensor(c(1, 1.5, 2)))",
"torch_arccosh": "torch_arccosh(torch_tensor(c(1, 1.5, 2)))",
"nn_sequential": """model <- nn_sequential(nn_linear(3, 4), nn_relu(), nn_linear(4, 1))
model(torch_randn(2, 3))""",
"nn_module": """net <- nn_module("net",
  initialize = function(n) {
    self$fc <- nn_linear(n, 1)
  },
  forward = function(x) torch_sigmoid(self$fc(x))
)
model <- net(3)
model(torch_randn(2, 3))""",
"lr_scheduler": """halve <- lr_scheduler("halve",
  initialize = function(optimizer, last_epoch = -1) super$initialize(optimizer, last_epoch),
  get_lr = function() sapply(self$optimizer$param_groups, function(g) g$lr / 2)
)
opt <- optim_sgd(nn_linear(2, 1)$parameters, lr = 1)
sched <- halve(opt)
sched$step()
opt$param_groups[[1]]$lr""",
"is_torch_dtype": "is_torch_dtype(torch_float())\nis_torch_dtype(1)",
"is_nn_module": "is_nn_module(nn_linear(2, 1))\nis_nn_module(torch_ones(1))",
"is_dataloader": "is_dataloader(dataloader(tensor_dataset(torch_ones(2))))",
"is_optimizer": "is_optimizer(optim_sgd(nn_linear(2, 1)$parameters, lr = 0.1))",
"is_nn_parameter": "is_nn_parameter(nn_linear(2, 1)$weight)\nis_nn_parameter(torch_ones(1))",
"is_nn_buffer": "is_nn_buffer(nn_buffer(torch_ones(1)))",
"is_packed_sequence": "is_packed_sequence(nn_utils_rnn_pack_sequence(list(torch_ones(2), torch_ones(1))))",
"is_torch_layout": "is_torch_layout(torch_strided())",
"is_torch_memory_format": "is_torch_memory_format(torch_contiguous_format())",
# -- distributions' constraints --------------------------------------------------------------------------------
**{n: f"{n}$check(torch_tensor({v}))" for n, v in [
    ("constraint_boolean", "c(0, 1, 0.5)"), ("constraint_nonnegative", "c(-1, 0, 2)"),
    ("constraint_nonnegative_integer", "c(-1, 0, 2, 2.5)"), ("constraint_positive", "c(-1, 0, 2)"),
    ("constraint_positive_integer", "c(0, 1, 2.5)"), ("constraint_real", "c(1, NaN, Inf)"),
    ("constraint_real_vector", "rbind(c(1, 2), c(NaN, 0))"), ("constraint_simplex", "rbind(c(0.5, 0.5), c(0.9, 0.2))"),
    ("constraint_unit_interval", "c(-0.5, 0, 0.5, 1)"), ("constraint_lower_triangular", "rbind(c(1, 0), c(2, 3))"),
    ("constraint_lower_cholesky", "rbind(c(1, 0), c(2, 3))"), ("constraint_positive_definite", "rbind(c(2, 1), c(1, 2))"),
]},
"constraint_dependent": "constraint_dependent$is_discrete",
"constraint_greater_than": "constraint_greater_than(0)$check(torch_tensor(c(-1, 0, 2)))",
"constraint_greater_than_eq": "constraint_greater_than_eq(0)$check(torch_tensor(c(-1, 0, 2)))",
"constraint_less_than": "constraint_less_than(1)$check(torch_tensor(c(0.5, 1.5)))",
"constraint_interval": "constraint_interval(0, 1)$check(torch_tensor(c(-1, 0, 0.5, 1)))",
"constraint_half_open_interval": "constraint_half_open_interval(0, 1)$check(torch_tensor(c(0, 0.5, 1)))",
"constraint_integer_interval": "constraint_integer_interval(0, 3)$check(torch_tensor(c(-1, 1, 2.5, 3)))",
# -- devices, internals and interop (added with the last exports) ---------------------------------------------
"clone_module": "m <- nn_linear(2, 1)\nm2 <- clone_module(m, deep = TRUE)\nm2$weight$requires_grad_(FALSE)$zero_()\nm$weight",
"contrib_sort_vertices": "tryCatch(contrib_sort_vertices(torch_rand(1, 1, 4, 2), torch_ones(1, 1, 4), torch_tensor(4L)), error = conditionMessage)",
"optimizer_ignite": 'tryCatch(optimizer_ignite("my_ignite"), error = conditionMessage)',
"OptimizerIgnite": "tryCatch(OptimizerIgnite(), error = conditionMessage)",
"is_cpu_device": 'is_cpu_device(torch_device("cpu"))',
"is_cuda_device": 'is_cuda_device(torch_device("cpu"))',
"torch_device": 'd <- torch_device("cpu")\nd$type\ntorch_device("cuda", 1)$index',
"local_device": 'f <- function() {\n  local_device("meta")\n  torch_ones(2, 2)$device\n}\nf()',
"with_device": 'with_device(torch_zeros(2, 3), device = "meta")$shape',
"torch__batch_norm_impl_index": "x <- torch_randn(4, 3)\ntorch__batch_norm_impl_index(x, NULL, NULL, NULL, NULL, TRUE, 0.1, 1e-5, FALSE)[[1]]",
"torch__cdist_backward": "x1 <- torch_randn(3, 2)\nx2 <- torch_randn(4, 2)\nd <- torch_cdist(x1, x2)\ntorch__cdist_backward(torch_ones_like(d), x1, x2, 2, d)",
"torch_conv_tbc": "torch_conv_tbc(torch_randn(5, 2, 3), torch_randn(3, 3, 4), torch_zeros(4), 1)$shape",
"torch_dimname": 'torch_dimname("batch")',
"torch_scalar": "torch_scalar(2.5)",
"torch_tanh_backward": "y <- torch_tanh(torch_tensor(c(-1, 0, 1)))\ntorch_tanh_backward(torch_ones(3), y)",
"torch_tensor_from_buffer": 'x <- c(1.5, 2.5, 3.5)\ntorch_tensor_from_buffer(x, shape = 3, dtype = "float64")',
"yield": "if (requireNamespace(\"coro\", quietly = TRUE)) {\n  gen <- coro::generator(function() for (i in 1:3) yield(i))\n  g <- gen()\n  g()\n}",
}
