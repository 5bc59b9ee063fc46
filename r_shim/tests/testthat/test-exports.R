# R torch 0.17's exports (the export() lines of its NAMESPACE, in r-torch-exports.txt): every one is exported
# here; those rtorch_py cannot run (CUDA, quantization, sparse, jit, contrib kernels, custom ignite
# optimizers) raise an error naming the function and the reason instead of "could not find function".

test_that("every R torch export exists in the shim", {
  want <- readLines(test_path("r-torch-exports.txt"))
  expect_identical(length(want), 753L)
  expect_identical(setdiff(want, getNamespaceExports("torch")), character(0))
})

test_that("unsupported exports give a clear error naming the function", {
  for (name in c("contrib_sort_vertices", "optimizer_ignite", "OptimizerIgnite", "torch_quint8",
                 "torch_quantize_per_tensor", "torch_sparse_coo_tensor", "jit_load", "cuda_empty_cache")) {
    f <- getExportedValue("torch", name)
    expect_error(f(), paste0("^", name, ": not supported in rtorch_py: "), info = name)
  }
  expect_error(with_autocast(1, device_type = "cuda"), "not supported in rtorch_py")
  expect_error(with_device(1, device = "cuda"), "not supported in rtorch_py")
  expect_identical(with_device(1 + 1, device = "cpu"), 2)
  expect_null(local_device("cpu"))
})
