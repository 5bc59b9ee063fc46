test_that("Python exceptions become R conditions of R torch's classes", {
  expect_error(nn_rnn(1, 10, nonlinearity = "garbage"), class = "value_error")
  expect_error(torch_randn(2, 3)$view(c(4, 4)), class = "runtime_error")
  e <- tryCatch(nn_rnn(1, 10, nonlinearity = "garbage"), error = function(e) e)
  expect_s3_class(e, c("value_error", "error", "condition"))
  expect_match(conditionMessage(e), "Unknown nonlinearity 'garbage'")
  expect_equal(as.numeric(torch_ones(2)$sum()), 2)  # the session goes on
})

test_that("module API from R: inherit a built-in generator, class vectors, [, [[, as.list, length", {
  my_seq <- nn_module(inherit = nn_sequential, classname = "mynet")
  m <- my_seq(nn_linear(3, 4), nn_relu(), nn_linear(4, 1))
  expect_equal(class(m), c("mynet", "nn_sequential", "nn_module"))
  expect_equal(as.numeric(m(torch_ones(2, 3))$shape), c(2, 1))
  hello <- nn_module(classname = "hello", inherit = nn_linear)
  expect_equal(class(hello), c("hello", "nn_linear", "nn_module", "nn_module_generator"))
  s <- nn_sequential(nn_relu(), nn_tanh(), nn_relu6(), nn_linear(2, 3))
  sub <- s[2:3]
  expect_s3_class(sub, "nn_sequential")
  expect_s3_class(sub[[1]], "nn_tanh")
  expect_length(as.list(s), 4)
  expect_length(nn_prune_head(s, 2), 2)
  l <- nn_module_list(list(nn_relu(), nn_tanh()))
  l$insert(index = 1, nn_dropout())
  expect_s3_class(l[[1]], "nn_dropout")
})

test_that("attention, packed sequences and weight norm from R", {
  attn <- nn_multihead_attention(8, 2, batch_first = TRUE)
  x <- torch_randn(3, 5, 8)
  out <- attn(x, x, x, avg_weights = FALSE)
  expect_equal(dim(out[[2]]), c(3, 2, 5, 5))
  p <- nn_utils_rnn_pack_padded_sequence(torch_randn(3, 4, 2), c(2, 4, 3), batch_first = TRUE,
                                         enforce_sorted = FALSE)
  expect_equal(as.integer(p$sorted_indices), c(2L, 3L, 1L))
  o <- nn_gru(2, 3)(p)
  expect_equal(as.integer(nn_utils_rnn_pad_packed_sequence(o[[1]])[[2]]), c(2L, 4L, 3L))
  lin <- nn_linear(4, 3)
  wn <- nn_utils_weight_norm$new("weight", 2)
  wn$apply(lin)
  expect_equal(dim(lin$weight_g), c(1, 4))
  expect_equal(capture.output(lin$weight$grad_fn), "WeightNormInterfaceBackward0")
})

test_that("generators, messages, sizes and $data() as R torch", {
  expect_error(nn_sequential(identity), "but got object of type <function>")
  expect_error(nn_sequential(nn_relu(), nn_linear), 'Module "1" must be initialized')
  expect_equal(class(optim_sgd), c("optim_sgd", "torch_optimizer_generator"))
  o <- optim_sgd(list(torch_tensor(1, requires_grad = TRUE)), lr = 0.5)
  expect_message(lr_lambda(o, function(epoch) 1, verbose = TRUE), "Adjusting learning rate of group 1 to 0.5000")
  expect_identical(torch_tensor(2)$sum()$size(), integer(0))
  p <- torch_ones(2, requires_grad = TRUE)
  d <- p$data()
  expect_false(d$requires_grad)
})

test_that("R torch's internals its tests call: .strong_wolfe, torch_linalg_norm, cpp_tensor_is_undefined", {
  f <- function(x, t, d) {
    nx <- x + t * d
    list(nx$square()$item(), 2 * nx)
  }
  r <- torch:::.strong_wolfe(f, torch_tensor(3), 1, torch_tensor(-1), 9, torch_tensor(6), torch_tensor(-6))
  expect_equal(r[[1]], 4)
  expect_equal(as.numeric(r[[2]]), 4)
  expect_equal(r[[3]], 1)
  expect_equal(r[[4]], 1L)
  expect_equal(torch:::torch_linalg_norm(torch_tensor(c(3, -4)), ord = Inf)$item(), 4)
  expect_false(torch:::cpp_tensor_is_undefined(torch_ones(1)))
})

test_that("layers made inside with_device(device = 'meta') are meta; .refer_to_state_dict makes them real", {
  torch_manual_seed(1)
  ref <- torch_randn(3)
  torch_manual_seed(1)
  with_device(device = "meta", {
    model <- nn_sequential(nn_linear(4, 3), nn_batch_norm1d(3))
  })
  expect_equal(as_array(torch_randn(3)), as_array(ref))  # making the meta model drew nothing
  expect_true(all(sapply(model$parameters, function(p) p$device$type) == "meta"))
  expect_true(all(sapply(model$buffers, function(p) p$device$type) == "meta"))
  expect_equal(torch_randn(2)$device$type, "cpu")  # the default device is back
  model[[2]]$bias$requires_grad_(FALSE)
  real <- nn_sequential(nn_linear(4, 3), nn_batch_norm1d(3))
  model$load_state_dict(real$state_dict(), .refer_to_state_dict = TRUE)
  expect_equal(model[[1]]$weight$device$type, "cpu")
  expect_true(model[[1]]$weight$requires_grad)
  expect_false(model[[2]]$bias$requires_grad)
  x <- torch_randn(5, 4)
  expect_equal(as_array(model(x)), as_array(real(x)))
})

test_that("a module is one R function while R holds it; attr(m, 'module') is its R6-like object", {
  # R torch's test-nn.R "deep cloning": modules are R objects, so y$x and y$y of one submodule are identical
  m <- nn_module(initialize = function() {
    self$x <- nn_linear(1, 1)
    self$y <- self$x
  })()
  x <- m$x
  expect_equal(rlang::obj_address(x), rlang::obj_address(m$y))
  expect_equal(rlang::obj_address(m$modules[[2]]), rlang::obj_address(x))
  l <- nn_linear(2, 2)
  s <- nn_sequential(l)
  expect_equal(rlang::obj_address(s[[1]]), rlang::obj_address(l))
  c1 <- m$clone(deep = TRUE)
  expect_false(rlang::obj_address(c1$x) == rlang::obj_address(x))
  expect_equal(rlang::obj_address(c1$x), rlang::obj_address(c1$y))
  # setting an attribute copies the function: the module's own stays as it was
  x2 <- x
  attr(x2, "note") <- "mine"
  expect_null(attr(m$x, "note"))
  expect_equal(attr(x2, "note"), "mine")
  # R6's object of the module
  r6 <- attr(l, "module")
  expect_s3_class(r6, c("nn_linear", "nn_Module", "R6"), exact = TRUE)
  expect_true(bindingIsLocked("clone", r6))
  expect_identical(attr(s[[1]], "module"), r6)
  expect_identical(r6$.__enclos_env__$self, r6)
  expect_equal(r6$weight$shape, c(2, 2))
  expect_equal(r6$in_features, 2)
  cl <- r6$clone(deep = TRUE)
  expect_s3_class(cl, "nn_linear")
  expect_equal(as_array(cl$weight), as_array(l$weight))
  expect_false(rlang::obj_address(cl) == rlang::obj_address(l))
  expect_true(isTRUE(all.equal(r6$clone, attr(cl, "module")$clone)))  # R torch's "repeated clone works" (2e)
  expect_output(print(r6), "An `nn_module` containing 6 parameters")
})
