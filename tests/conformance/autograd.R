# Autograd from R: backward, gradient accumulation, retain_graph, autograd_grad (create_graph, allow_unused),
# autograd_backward, autograd_function written in R, with_no_grad / local_no_grad, retain_grad,
# register_hook with an R function, requires_grad fields.
library(torch)
source(Sys.getenv("RTORCH_CONFORMANCE_EMIT", "tests/conformance/emit.R"))

torch_manual_seed(4)
x <- torch_randn(3, 2, requires_grad = TRUE)
w <- torch_randn(2, requires_grad = TRUE)

# backward and accumulation
y <- (x * w)$sum()
y$backward()
emit("grad_x", x$grad)
emit("grad_w", w$grad)
z <- (x^2 * w)$mean()
z$backward(retain_graph = TRUE)
emit("grad_x_accumulated", x$grad)
z$backward()
emit("grad_x_twice", x$grad)
x$grad$zero_()
emit("grad_zeroed", x$grad)
(x$sum() * 3)$backward()
emit("grad_after_zero", x$grad)
emit("fields", list(x$requires_grad, x$is_leaf, y$is_leaf, y$requires_grad, x$grad$requires_grad))
emit_error("backward_again", y$backward())
emit_error("backward_nonscalar", (x * 2)$backward())
v <- x * 2
v$backward(gradient = torch_ones(3, 2) * 0.5)
emit("grad_with_gradient", x$grad)

# autograd_grad and autograd_backward
a <- torch_tensor(c(1.5, -2, 3), requires_grad = TRUE)
b <- torch_tensor(c(0.5, 4, -1), requires_grad = TRUE)
out <- (a^3 * b)$sum()
g <- autograd_grad(out, list(a, b), create_graph = TRUE)
emit("autograd_grad", g)
emit("second_order", autograd_grad(g[[1]]$sum(), a))
emit("allow_unused", autograd_grad((a * 2)$sum(), list(a, b), allow_unused = TRUE))
emit("grad_outputs", autograd_grad(a * b, a, grad_outputs = torch_tensor(c(1, 0, -1))))
emit("a_grad_untouched", a$grad)
autograd_backward(list((a * b)$sum(), (a^2)$sum()))
emit("autograd_backward", list(a$grad, b$grad))
autograd_backward((a * b), grad_tensors = torch_tensor(c(2, 2, 2)))
emit("autograd_backward_weighted", a$grad)
emit_error("grad_unused", autograd_grad((a * 2)$sum(), list(a, b)))

# autograd_function written in R
my_exp <- autograd_function(
  forward = function(ctx, i) {
    result <- i$exp()
    ctx$save_for_backward(result = result)
    result
  },
  backward = function(ctx, grad_output) {
    list(i = grad_output * ctx$saved_variables$result)
  }
)
scaled_mul <- autograd_function(
  forward = function(ctx, p, q, k) {
    ctx$save_for_backward(p, q)
    ctx$k <- k
    p * q * k
  },
  backward = function(ctx, grad) {
    s <- ctx$saved_variables
    list(p = grad * s[[2]] * ctx$k, q = grad * s[[1]] * ctx$k)
  }
)
p <- torch_tensor(c(0.1, 0.2, -0.3), requires_grad = TRUE)
q <- torch_tensor(c(2, -1, 0.5), requires_grad = TRUE)
e <- my_exp(p)
emit("custom_forward", e)
e$sum()$backward()
emit("custom_grad", p$grad)
r <- scaled_mul(p, q, 3)
(r^2)$sum()$backward()
emit("custom_two_inputs", list(r, p$grad, q$grad))

# no-grad contexts
nx <- with_no_grad(x * 2)
emit("with_no_grad", list(nx$requires_grad, nx$grad_fn))
with_no_grad({
  x$sub_(x$grad * 0.1)
})
emit("sgd_by_hand", list(x, x$requires_grad, x$is_leaf))
f_local <- function() {
  local_no_grad()
  (x * 2)$requires_grad
}
emit("local_no_grad", c(f_local(), (x * 2)$requires_grad))
emit("with_enable_grad", with_no_grad(with_enable_grad((x * 2)$requires_grad)))
d <- x$detach()
emit("detach", list(d$requires_grad, d$is_leaf))
emit_error("inplace_on_leaf", x$add_(1))

# retain_grad and hooks with R functions
h <- x$mm(w$unsqueeze(2))
emit("retain_grad_invisible", withVisible(h$retain_grad())$visible)
seen <- list()
hook <- h$register_hook(function(grad) {
  seen[[length(seen) + 1]] <<- grad$clone()
  grad * 2
})
emit("hook_handle", list(class(hook), printed(hook)))
x$grad$zero_()
w$grad <- NULL
(h^2)$sum()$backward()
emit("retained", h$grad)
emit("hook_saw", seen)
emit("grad_through_hook", list(x$grad, w$grad))
leaf <- torch_tensor(c(1, 2), requires_grad = TRUE)
leaf_hook <- leaf$register_hook(function(g) g + 100)
(leaf * 3)$sum()$backward()
emit("leaf_hook", leaf$grad)
leaf_hook$remove()
(leaf * 3)$sum()$backward()
emit("leaf_hook_removed", leaf$grad)
