# torch_save() / torch_load() from R (run with both hosts: Rscript, and rpy2 through tests/bridge).

fixtures_dir <- normalizePath(file.path(getwd(), "..", "..", "..", "tests", "fixtures", "serialization"))
fixture <- function(name) file.path(fixtures_dir, name)

same_tensor <- function(a, b) {
  expect_equal(a$dtype == b$dtype, TRUE)
  expect_equal(a$shape, b$shape)
  expect_equal(as_array(a), as_array(b))
}

test_that("tensors of every dtype round-trip through files, connections and raw vectors", {
  for (dt in list(torch_float(), torch_float64(), torch_float16(), torch_long(), torch_int(), torch_int16(),
                  torch_int8(), torch_uint8(), torch_bool())) {
    x <- torch_tensor(matrix(c(1, 0, 3, 4, 0, 6), 2), dtype = dt)
    f <- tempfile(fileext = ".pt")
    torch_save(x, f)
    same_tensor(torch_load(f), x)
    same_tensor(torch_load(torch_serialize(x)), x)
    con <- file(f, "rb")
    same_tensor(torch_load(con), x)
    close(con)
  }
  x <- torch_randn(3, requires_grad = TRUE)
  y <- torch_load(torch_serialize(x))
  expect_true(y$requires_grad)
  expect_true(y$is_leaf)
  s <- torch_scalar_tensor(2.5)
  expect_equal(torch_load(torch_serialize(s))$dim(), 0)
})

test_that("lists keep R values, names, nesting and shared tensors", {
  z <- torch_randn(2)
  fn <- function(a) a + 1
  l <- list(torch_tensor(1:3), a = z, b = list(x = z, y = "text", f = fn, m = matrix(1:4, 2)), c = NULL, 5)
  l2 <- torch_load(torch_serialize(l))
  expect_equal(names(l2), names(l))
  same_tensor(l2[[1]], l[[1]])
  expect_equal(xptr_address(l2$a), xptr_address(l2$b$x))
  expect_equal(l2$b$y, "text")
  expect_equal(l2$b$f(1), 2)
  expect_equal(l2$b$m, matrix(1:4, 2))
  expect_null(l2$c)
  expect_equal(l2[[5]], 5)
})

test_that("modules defined in R round-trip with their fields, requires_grad and mode", {
  Net <- nn_module(
    "SaveNetR",
    initialize = function(n) {
      self$fc <- nn_linear(n, 3)
      self$bn <- nn_batch_norm1d(3)
      self$scale <- 2
      self$tag <- "net"
      self$act <- function(v) v * 2
    },
    forward = function(x) self$bn(self$fc(x)) * self$scale
  )
  net <- Net(4)
  net$fc$bias$requires_grad_(FALSE)
  x <- torch_randn(5, 4)
  net(x)
  net$eval()
  f <- tempfile(fileext = ".pt")
  torch_save(net, f)
  net2 <- torch_load(f)
  expect_s3_class(net2, "SaveNetR")
  expect_false(net2$training)
  expect_false(net2$fc$bias$requires_grad)
  expect_true(net2$fc$weight$requires_grad)
  expect_equal(net2$scale, 2)
  expect_equal(net2$tag, "net")
  expect_equal(net2$act(3), 6)
  same_tensor(net2(x), net(x))
  same_tensor(net2$bn$running_mean, net$bn$running_mean)
  expect_equal(names(net2$state_dict()), names(net$state_dict()))
})

test_that("state dicts round-trip through a file into a fresh module", {
  m <- nn_sequential(nn_linear(3, 4), nn_relu(), nn_linear(4, 1))
  f <- tempfile(fileext = ".pt")
  torch_save(m$state_dict(), f)
  sd <- torch_load(f)
  expect_equal(names(sd), names(m$state_dict()))
  m2 <- nn_sequential(nn_linear(3, 4), nn_relu(), nn_linear(4, 1))
  m2$load_state_dict(sd)
  x <- torch_randn(2, 3)
  same_tensor(m2(x), m(x))
  sd$extra <- torch_ones(1)
  expect_error(m2$load_state_dict(sd), 'Unexpected key\\(s\\) in state_dict: "extra"')
  m2$load_state_dict(sd, strict = FALSE)
})

test_that("optimizer state through a file resumes the same trajectory", {
  torch_manual_seed(2)
  x <- torch_randn(8, 3)
  y <- torch_randn(8, 1)
  train <- function(m, opt, n) for (i in seq_len(n)) {
    opt$zero_grad()
    l <- nnf_mse_loss(m(x), y)
    l$backward()
    opt$step()
  }
  ref <- nn_linear(3, 1)
  m <- torch_load(torch_serialize(ref))
  opt_ref <- optim_adam(ref$parameters, lr = 0.1)
  train(ref, opt_ref, 6)
  opt <- optim_adam(m$parameters, lr = 0.1)
  train(m, opt, 2)
  f <- tempfile(fileext = ".pt")
  torch_save(opt$state_dict(), f)
  m2 <- torch_load(torch_serialize(m))
  opt2 <- optim_adam(m2$parameters, lr = 0.1)
  opt2$load_state_dict(torch_load(f))
  train(m2, opt2, 4)
  same_tensor(m2$weight, ref$weight)
  same_tensor(m2$bias, ref$bias)
})

test_that("load_state_dict reads PyTorch checkpoints and refuses other globals", {
  sd <- load_state_dict(fixture("state_dict_zip.pt"))
  expect_equal(names(sd)[1:3], c("0.weight", "0.bias", "1.weight"))
  expect_equal(sd[["1.num_batches_tracked"]]$dtype == torch_long(), TRUE)
  expect_equal(as_array(sd$i16), c(-7L, 300L))
  legacy <- load_state_dict(fixture("state_dict_legacy.pt"))
  same_tensor(legacy$view_t, sd$view_t)
  wd <- setwd(tempdir())
  on.exit(setwd(wd), add = TRUE)
  unlink("rtorch_malicious_pickle_ran")
  expect_error(load_state_dict(fixture("malicious.pt")), "refusing to load global 'posix.system'")
  expect_false(file.exists("rtorch_malicious_pickle_ran"))
})

test_that("torch_load reads a plain safetensors file with a warning, and checks its arguments", {
  expect_warning(sd <- torch_load(fixture("plain.safetensors")), "File not saved with")
  expect_equal(sort(names(sd)), c("a", "b"))
  expect_error(torch_load(torch_serialize(torch_ones(1)), device = NULL), "Unexpected device NULL")
  expect_error(torch_save(torch_ones(1), 3), "`path` must be a connection or a file name")
  expect_error(torch_save(environment(), tempfile()), "cannot save an object of class <environment>")
  opt <- optim_sgd(list(torch_ones(1, requires_grad = TRUE)), lr = 0.1)
  expect_error(torch_save(opt, tempfile()), "save its state_dict\\(\\)")
  expect_error(torch_serialize(nn_linear(1, 1), path = tempfile()), "matched")
})

test_that("saveRDS()/readRDS() of a tensor or module points to torch_save()", {
  f <- tempfile(fileext = ".rds")
  saveRDS(torch_ones(2), f)
  y <- readRDS(f)
  expect_error(y + 1, "use torch_save\\(\\) and torch_load\\(\\) instead")
  saveRDS(nn_linear(2, 1), f)
  m <- readRDS(f)
  expect_error(m(torch_ones(1, 2)), "use torch_save\\(\\) and torch_load\\(\\) instead")
  expect_error(m$weight, "use torch_save\\(\\) and torch_load\\(\\) instead")
})

test_that("a module restored by readRDS() gets its tensors back with $load_state_dict(), as in R torch", {
  # R torch's test-nn.R "can load state dict of a corrupt module": saveRDS keeps the module's structure, no
  # tensor values; computing is an error until load_state_dict() gives the module new tensors
  f <- tempfile(fileext = ".rds")
  Net <- nn_module("SavedNet",
    initialize = function() {
      self$fc <- nn_linear(3, 2)
      self$again <- self$fc  # shared: restored shared
      self$bn <- nn_batch_norm1d(2)
      self$k <- 3
    },
    forward = function(x) self$bn(self$fc(x)) * self$k
  )
  model <- Net()
  model$fc$bias$requires_grad_(FALSE)
  sd <- model$state_dict()
  saveRDS(model, f)
  back <- readRDS(f)
  expect_error(back$parameters, "gets its tensors back with \\$load_state_dict\\(\\)")
  expect_error(back(torch_ones(1, 3)), "no longer valid")
  expect_error(back$load_state_dict(list(fc.weight = torch_ones(2, 3))), "Missing key")  # strict, as before
  back$load_state_dict(sd)
  model$eval(); back$eval()
  x <- torch_randn(4, 3)
  expect_equal(as_array(back(x)), as_array(model(x)))
  expect_equal(back$k, 3)
  expect_true(back$fc$weight$requires_grad)  # requires_grad as saved
  expect_false(back$fc$bias$requires_grad)
  expect_equal(back$fc$weight$dtype, torch_float())
  expect_equal(rlang::obj_address(back$fc), rlang::obj_address(back$again))
  with_no_grad(back$fc$weight$zero_())  # values are copies, not the state dict's tensors
  expect_false(as.logical((sd$fc.weight == 0)$all()))
  # a module loaded so saves and restores again
  saveRDS(back, f)
  again <- readRDS(f)
  again$load_state_dict(back$state_dict())
  again$eval()
  expect_equal(as_array(again(x)), as_array(back(x)))
  # a description needs serialization version 3 (version 2 keeps no ALTREP state) and no R values in fields
  saveRDS(model, f, version = 2)
  old <- readRDS(f)
  expect_error(old$load_state_dict(sd), "use torch_save\\(\\) and torch_load\\(\\) instead$")
  WithFn <- nn_module("SavedWithFn", initialize = function() {
    self$fc <- nn_linear(1, 1)
    self$act <- function(x) x
  })
  saveRDS(WithFn(), f)
  expect_error(readRDS(f)$load_state_dict(list()), "use torch_save\\(\\) and torch_load\\(\\) instead$")
})

test_that("optimizers written in R keep per-parameter state with state$get()/state$set()", {
  optim_count <- optimizer(
    "optim_count",
    initialize = function(params, lr = 0.1) super$initialize(params, list(lr = lr)),
    step = function(closure = NULL) {
      private$step_helper(closure, function(group, param, g, p) {
        st <- self$state$get(param)
        if (is.null(st)) st <- list(n = 0)
        st$n <- st$n + 1
        self$state$set(param, st)
        param$sub_(param$grad * group$lr)
      })
    }
  )
  x <- torch_tensor(1, requires_grad = TRUE)
  o <- optim_count(x)
  for (i in 1:3) {
    o$zero_grad()
    (x * x)$backward()
    o$step()
  }
  expect_equal(o$state$get(x)$n, 3)
  expect_length(o$state$map, 1)
  sd <- torch_load(torch_serialize(o$state_dict()))
  expect_equal(sd$state[[1]]$n, 3)
  o2 <- optim_count(x)
  o2$load_state_dict(sd)
  expect_equal(o2$state$get(x)$n, 3)
})

test_that("is_undefined_tensor: a gradient dropped by zero_grad(set_to_none = TRUE) is undefined", {
  x <- torch_tensor(1, requires_grad = TRUE)
  expect_true(is_undefined_tensor(x$grad))
  (2 * x)$backward()
  expect_false(is_undefined_tensor(x$grad))
  opt <- optim_sgd(x, lr = 0.1)
  opt$zero_grad(set_to_none = TRUE)
  expect_true(is_undefined_tensor(x$grad))
  expect_error(is_undefined_tensor(1), "must be a tensor")
})

test_that("datasets round-trip with their tensor fields (R torch's state_dict of a dataset), as R torch's", {
  dt <- dataset(
    initialize = function() {
      self$x <- torch_randn(10, 10)
      self$y <- torch_randn(10, 10, requires_grad = TRUE)
      self$note <- "kept"
    },
    .getitem = function(i) list(self$x[i, ], self$y[i, ]),
    .length = function() 10
  )
  d <- dt()
  expect_equal(names(d$state_dict()), c("x", "y"))
  tmp <- tempfile()
  torch_save(d, tmp)
  d2 <- torch_load(tmp)
  expect_equal(class(d2), class(d))
  expect_true(torch_equal(d$x, d2$x))
  expect_true(torch_equal(d[1][[1]], d2[1][[1]]))
  expect_true(d2$y$requires_grad)
  expect_equal(d2$note, "kept")
  expect_equal(length(d2), 10)
  d3 <- torch_load(torch_serialize(d))  # through a raw vector
  expect_true(torch_equal(d$y, d3$y))
  d3$load_state_dict(list(x = torch_zeros(10, 10)))
  expect_equal(d3$x$sum()$item(), 0)
})

test_that("a dataset's R function fields, private fields and active bindings survive torch_save()", {
  dt <- dataset("fds",
    initialize = function() {
      self$x <- torch_ones(3)
      self$f <- function(v) v * 2
      private$secret <- 42
    },
    .getitem = function(i) self$f(self$x[i]),
    .length = function() 3,
    private = list(secret = 0),
    active = list(n = function() private$secret)
  )
  d <- torch_load(torch_serialize(dt()))
  expect_equal(d$f(21), 42)
  expect_equal(d$n, 42)
  expect_equal(d[2]$item(), 2)
})
