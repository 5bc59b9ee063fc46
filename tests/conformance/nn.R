# nn_module defined in R (initialize, forward, self, super, inheritance, nn_sequential, %>%), trained a few
# Adam steps: the same parameters as the same model written with the Python API; losses with 1-based class
# targets (cross entropy, nll, ignore_index).
library(torch)
source(Sys.getenv("RTORCH_CONFORMANCE_EMIT", "tests/conformance/emit.R"))

Block <- nn_module(
  "Block",
  initialize = function(d_in, d_out) {
    self$fc <- nn_linear(d_in, d_out)
    self$scale <- nn_parameter(torch_ones(d_out))
    self$calls <- 0
  },
  forward = function(x) {
    self$calls <- self$calls + 1
    self$fc(x) * self$scale
  },
  describe = function() paste(class(self)[1], "with", length(self$parameters), "parameters")
)
ResBlock <- nn_module(
  "ResBlock",
  inherit = Block,
  initialize = function(d) {
    super$initialize(d, d)
    self$shift <- nn_buffer(torch_zeros(d) + 0.5)
  },
  forward = function(x) x + torch_tanh(super$forward(x)) - self$shift
)
Net <- nn_module(
  "Net",
  initialize = function(d_in, hidden, n_classes) {
    self$body <- nn_sequential(Block(d_in, hidden), nn_relu(), ResBlock(hidden))
    self$head <- nn_linear(hidden, n_classes)
  },
  forward = function(x) x %>% self$body() %>% self$head()
)

torch_manual_seed(11)
model <- Net(4, 8, 3)
x <- torch_randn(16, 4)
y <- torch_randint(1, 4, size = 16, dtype = torch_long())
emit("init_params", model$parameters)
emit("class", class(model))
emit("child_class", class(model$body[[3]]))
emit("n_children", c(length(model), length(model$body)))
emit("param_names", names(model$parameters))
emit("buffer_names", names(model$buffers))
emit("state_dict_names", names(model$state_dict()))
emit("describe", model$body[[3]]$describe())
emit("forward", model(x))
emit("pipe", x %>% model$body() %>% torch_sum(dim = 2))

opt <- optim_adam(model$parameters, lr = 0.01)
losses <- numeric(0)
for (i in 1:5) {
  opt$zero_grad()
  loss <- nnf_cross_entropy(model(x), y)
  loss$backward()
  opt$step()
  losses[i] <- loss$item()
}
emit("losses", losses)
emit("trained_params", model$parameters)
emit("grads", lapply(model$parameters, function(p) p$grad))
emit("calls", c(model$body[[1]]$calls, model$body[[3]]$calls))
model$eval()
emit("training_flags", c(model$training, model$body$training, model$body[[1]]$training))
model$train()
emit("training_again", model$body[[3]]$training)
model$zero_grad()
emit("grad_after_zero_grad", model$head$bias$grad)

# a model built from layers in nn_sequential, trained with the seed's loop
torch_manual_seed(5)
seq_model <- nn_sequential(nn_linear(3, 6), nn_tanh(), nn_linear(6, 1))
xs <- torch_randn(20, 3)
ys <- xs$sum(dim = 2, keepdim = TRUE)
opt <- optim_adam(seq_model$parameters, lr = 0.05)
for (i in 1:4) {
  opt$zero_grad()
  loss <- nnf_mse_loss(seq_model(xs), ys)
  loss$backward()
  opt$step()
}
emit("seq_params", seq_model$parameters)

# losses with 1-based class targets
torch_manual_seed(2)
logits <- torch_randn(5, 4, requires_grad = TRUE)
target <- torch_tensor(c(1L, 4L, 2L, 2L, 3L))
emit("ce", nnf_cross_entropy(logits, target))
emit("ce_none", nnf_cross_entropy(logits, target, reduction = "none"))
emit("ce_weight", nnf_cross_entropy(logits, target, weight = torch_tensor(c(1, 2, 0.5, 1))))
emit("ce_ignore", nnf_cross_entropy(logits, target, ignore_index = 2))
emit("ce_smoothing", nnf_cross_entropy(logits, target, label_smoothing = 0.1))
emit("nll", nnf_nll_loss(nnf_log_softmax(logits, dim = 2), target))
emit("nll_ignore_sum", nnf_nll_loss(nnf_log_softmax(logits, 2), target, ignore_index = 4, reduction = "sum"))
emit("ce_module_ignore", nn_cross_entropy_loss(ignore_index = 1)(logits, target))
emit("nll_module", nn_nll_loss(reduction = "none")(torch_log_softmax(logits, 2), target))
emit("multi_margin", nnf_multi_margin_loss(logits, target))
images <- torch_randn(2, 3, 2, 2)
pixels <- torch_randint(1, 4, c(2, 2, 2), dtype = torch_long())
emit("ce_spatial", nnf_cross_entropy(images, pixels))
loss <- nnf_cross_entropy(logits, target, ignore_index = 4)
loss$backward()
emit("ce_grad", logits$grad)
emit_error("ce_target0", nnf_cross_entropy(logits, torch_tensor(c(0L, 1L, 1L, 1L, 1L))))
emit_error("ce_target_high", nnf_cross_entropy(logits, torch_tensor(c(5L, 1L, 1L, 1L, 1L))))
emit_error("nll_target0", nnf_nll_loss(logits, torch_tensor(c(1L, 0L, 1L, 1L, 1L))))
