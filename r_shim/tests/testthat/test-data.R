# The data API from R: dataset(), dataloader(), samplers, collation, coro::loop, worker processes.
# Blocks end with rm(list = ls()): a class defined in R keeps its defining environment alive from Python (a
# cycle through both languages that neither collector sees), and with it every object left in that environment.

ids_dataset <- dataset("ids",
  initialize = function(n) self$n <- n,
  .getitem = function(i) list(i = i, half = i / 2, even = i %% 2 == 0, name = paste0("item", i),
                              v = c(i, i), m = matrix(i, 1, 2), t = torch_tensor(c(i, -i))),
  .length = function() self$n
)

test_that("shuffled batches follow R torch's order: torch_randperm(n) + 1 drawn when the iterator is made", {
  # values of PyTorch 2.13's randperm(10) + 1 after manual_seed(1) (tests/fixtures/data_order.json)
  dl <- dataloader(ids_dataset(10), batch_size = 4, shuffle = TRUE)
  torch_manual_seed(1)
  got <- c()
  coro::loop(for (b in dl) got <- c(got, as_array(b$i)))
  expect_identical(got, c(6L, 7L, 2L, 3L, 1L, 9L, 10L, 4L, 8L, 5L))
  it <- dataloader_make_iter(dl)  # the second epoch draws again
  expect_identical(as_array(dataloader_next(it)$i), c(3L, 4L, 2L, 9L))
  torch_manual_seed(1)
  s <- torch:::RandomSampler(ids_dataset(10), replacement = TRUE, num_samples = 7)
  it <- s$.iter()
  expect_identical(vapply(1:7, function(k) it(), 1L), c(6L, 10L, 5L, 9L, 4L, 4L, 2L))
  expect_identical(it(), coro::exhausted())
  rm(list = ls())
})

test_that("collation: tensors stack, integers -> long, doubles -> float, logicals -> bool, strings stay", {
  b <- dataloader_next(dataloader_make_iter(dataloader(ids_dataset(5), batch_size = 3)))
  expect_named(b, c("i", "half", "even", "name", "v", "m", "t"))
  expect_true(b$i$dtype == torch_long())
  expect_equal(as_array(b$i), 1:3)
  expect_true(b$half$dtype == torch_float())
  expect_equal(as_array(b$half), c(0.5, 1, 1.5))
  expect_true(b$even$dtype == torch_bool())
  expect_identical(as_array(b$even), c(FALSE, TRUE, FALSE))
  expect_identical(b$name, c("item1", "item2", "item3"))
  expect_identical(b$v$shape, c(3L, 2L))
  expect_identical(b$m$shape, c(3L, 1L, 2L))
  expect_identical(b$t$shape, c(3L, 2L))
  expect_equal(as_array(b$t[3, ]), c(3, -3))
  rm(list = ls())
})

test_that("datasets: [, [[, length, classes, subsets, .getbatch", {
  d <- ids_dataset(4)
  expect_identical(class(d), c("ids", "dataset", "R6"))
  expect_identical(length(d), 4L)
  expect_identical(d[2]$name, "item2")
  td <- tensor_dataset(x = torch_randn(6, 2), y = torch_arange(1, 6))
  expect_identical(td[c(2, 4)]$x$shape, c(2L, 2L))
  expect_identical(td[[3]]$x$shape, 2L)
  sub <- dataset_subset(td, c(2, 4, 6))
  expect_identical(class(sub), c("tensor_dataset_subset", "dataset_subset", "dataset", "R6"))
  expect_equal(as_array(sub[2]$y), 4)
  gb <- dataset(.getbatch = function(idx) list(idx = idx, is_int = is.integer(idx)), .length = function() 5)
  out <- coro::collect(dataloader(gb(), batch_size = 2))
  expect_length(out, 3)
  expect_equal(as_array(out[[3]]$idx), 5)
  rm(list = ls())
})

test_that("coro: loop with next and break, collect, generators", {
  seen <- c()
  coro::loop(for (b in dataloader(ids_dataset(9), batch_size = 2)) {
    if (as_array(b$i)[1] == 3L) next
    if (as_array(b$i)[1] == 7L) break
    seen <- c(seen, as_array(b$i))
  })
  expect_identical(seen, c(1L, 2L, 5L, 6L))
  expect_false(exists(".__coro_value__."))
  gen <- coro::generator(function(n) for (i in seq_len(n)) yield(i * 10))
  expect_identical(coro::collect(gen(3)), list(10, 20, 30))
  expect_identical(coro::collect(1:3, 2), list(1L, 2L))
  expect_true(coro::is_exhausted(coro::exhausted()))
  rm(list = ls())
})

test_that("an R collate_fn's classed list keeps its class, with and without workers", {
  collate <- function(batch) structure(list(i = torch_stack(lapply(batch, function(b) b$t)), n = length(batch)),
                                       class = c("my_batch", "list"))
  for (nw in c(0, 1)) {
    b <- dataloader_next(dataloader_make_iter(dataloader(ids_dataset(4), batch_size = 2, num_workers = nw,
                                                         collate_fn = collate)))
    expect_identical(class(b), c("my_batch", "list"))
    expect_named(b, c("i", "n"))
    expect_identical(b$i$shape, c(2L, 2L))
  }
  rm(list = ls())
})

test_that("built-in generators can be inherited: dataset(inherit = tensor_dataset)", {
  scaled <- dataset("scaled", inherit = tensor_dataset,
    initialize = function(x, k) {
      super$initialize(x)
      self$k <- k
    },
    .getitem = function(i) lapply(super$.getitem(i), function(t) t * self$k))
  d <- scaled(torch_arange(1, 4), 10)
  expect_identical(class(d), c("scaled", "tensor_dataset", "dataset", "R6"))
  expect_equal(as_array(d[[2]][[1]]), 20)
  b <- dataloader_next(dataloader_make_iter(dataloader(d, batch_size = 3)))  # .getbatch uses the new .getitem
  expect_equal(as_array(b[[1]]), c(10, 20, 30))
  expect_output(print(tensor_dataset), "dataset_generator")
  rm(list = ls())
})

test_that("iterable datasets", {
  ids <- iterable_dataset("ids",
    initialize = function(n) self$n <- n,
    .iter = function() {
      i <- 0
      function() {
        i <<- i + 1
        if (i <= self$n) i else coro::exhausted()
      }
    })
  data <- coro::collect(dataloader(ids(33), batch_size = 32))
  expect_length(data, 2)
  expect_identical(data[[2]]$shape, 1L)
  expect_true(is.na(length(dataloader(ids(3), batch_size = 2))))
  rm(list = ls())
})

test_that("bad input: R torch's condition classes and clear messages", {
  d <- ids_dataset(5)
  expect_error(dataloader(d, batch_size = 0), "batch_size should be a positive integer value", class = "value_error")
  expect_error(dataloader(d, shuffle = TRUE, sampler = torch:::SequentialSampler(d)), "mutually exclusive with shuffle",
               class = "value_error")
  expect_error(dataloader(ids_dataset(0)), "has length 0", class = "value_error")
  bad <- dataset("bad", .getitem = function(i) if (i == 3) stop("row ", i, " is broken") else i,
                 .length = function() 4)
  it <- dataloader_make_iter(dataloader(bad(), batch_size = 2))
  expect_equal(as_array(dataloader_next(it)), c(1, 2))
  # an R error in R code reaches R's handlers as it is (as under R torch); Python errors name index and dataset
  expect_error(dataloader_next(it), "row 3 is broken")
  expect_error(dataloader(d, worker_globals = "no_such_object_here", num_workers = 1),
               "Could not find an object with name 'no_such_object_here'", class = "runtime_error")
  rm(list = ls())
})

test_that("workers: batches in order, .worker_info, worker_init_fn, R's seed, errors", {
  skip_on_os("windows")
  wds <- dataset(.getitem = function(i) list(i = i, id = .worker_info$id, init = init_value, u = runif(1)),
                 .length = function() 12)
  init_value <- 0
  dl <- dataloader(wds(), batch_size = 2, num_workers = 2,
                   worker_init_fn = function(id) init_value <<- id * 100)
  set.seed(3)
  b1 <- coro::collect(dl)
  expect_equal(unlist(lapply(b1, function(b) as_array(b$i))), 1:12)
  expect_equal(vapply(b1, function(b) as_array(b$id)[1], 1), rep(c(1, 2), 3))
  expect_equal(vapply(b1, function(b) as_array(b$init)[1], 1), rep(c(100, 200), 3))
  expect_identical(init_value, 0)  # set in the workers only
  set.seed(3)
  b2 <- coro::collect(dl)
  expect_equal(as_array(b1[[2]]$u), as_array(b2[[2]]$u))  # worker seeds come from R's set.seed
  failing <- dataset(.getitem = function(i) stop("the error id is 5567"), .length = function() 4)
  it <- dataloader_make_iter(dataloader(failing(), batch_size = 2, num_workers = 2))
  expect_error(dataloader_next(it), "5567", class = "runtime_error")
  rm(list = ls())
})

test_that("workers end when a loop breaks early", {
  skip_on_os("windows")
  pid_ds <- dataset(.getitem = function(i) Sys.getpid(), .length = function() 40)
  pids <- c()
  coro::loop(for (b in dataloader(pid_ds(), batch_size = 2, num_workers = 2)) {
    pids <- unique(c(pids, as_array(b)))
    if (length(pids) == 2) break
  })
  expect_length(pids, 2)
  expect_false(any(pids == Sys.getpid()))
  alive <- vapply(pids, function(p) file.exists(file.path("/proc", p)) &&
    !grepl("^Z", sub(".*\\) ", "", readLines(file.path("/proc", p, "stat"), warn = FALSE))), TRUE)
  expect_false(any(alive))
  rm(list = ls())
})

rm(ids_dataset)
