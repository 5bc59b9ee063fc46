"""rtorch_py.data: R torch's datasets, samplers, collation and dataloaders (batch order against PyTorch's
randperm/randint for the same seed: tests/fixtures/data_order.json from tools/make_data_fixtures.py)."""

from __future__ import annotations

import gc
import json
import os
import time
from pathlib import Path

import numpy as np
import pytest

from rtorch_py import Tensor, torch_arange, torch_float, torch_long, torch_manual_seed, torch_randn, torch_zeros
from rtorch_py.data import (
    BatchSampler,
    Dataset,
    RandomSampler,
    SequentialSampler,
    dataloader,
    dataloader_make_iter,
    dataloader_next,
    dataset,
    dataset_subset,
    default_collate,
    default_convert,
    exhausted,
    get_worker_info,
    is_dataloader,
    is_dataset,
    iterable_dataset,
    sampler,
    tensor_dataset,
)

ORDER = json.loads((Path(__file__).parent.parent / "fixtures" / "data_order.json").read_text())["cases"]


def _ids(n: int) -> Dataset:
    """A dataset whose item i (1-based) is the long tensor [i]: batches show the order drawn."""
    return tensor_dataset(torch_arange(1, n, dtype=torch_long()))


def _epoch(dl) -> list[int]:
    return [int(v) for b in dl for v in b[0]._data.tolist()]


# -- batch order -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", [c for c in ORDER if not c["replacement"]],
                         ids=lambda c: f"seed{c['seed']}-n{c['n']}")
def test_shuffle_order_is_randperm_plus_one(case: dict) -> None:
    torch_manual_seed(case["seed"])
    dl = dataloader(_ids(case["n"]), batch_size=64, shuffle=True)
    for expected in case["epochs"]:  # each iterator draws a new permutation when it is made
        got = _epoch(dl)
        assert sorted(got) == list(range(1, case["n"] + 1))
        if case["n"] == 60000:
            got = got[:50] + got[-50:]
        assert got == expected


@pytest.mark.parametrize("case", [c for c in ORDER if c["replacement"]], ids=lambda c: f"seed{c['seed']}-n{c['n']}")
def test_random_sampler_with_replacement_is_randint(case: dict) -> None:
    torch_manual_seed(case["seed"])
    ds = _ids(case["n"])
    s = RandomSampler(ds, replacement=True, num_samples=case["num_samples"])
    assert len(s) == case["num_samples"]
    for expected in case["epochs"]:
        assert list(s) == expected
    torch_manual_seed(case["seed"])  # through a dataloader too
    dl = dataloader(ds, batch_size=3, sampler=RandomSampler(ds, replacement=True, num_samples=case["num_samples"]))
    assert _epoch(dl) == case["epochs"][0]


def test_order_is_drawn_when_the_iterator_is_made() -> None:
    case = next(c for c in ORDER if c["seed"] == 42 and c["n"] == 10 and not c["replacement"])
    dl = dataloader(_ids(10), batch_size=4, shuffle=True)
    torch_manual_seed(42)
    it = dataloader_make_iter(dl)
    torch_randn(5)  # draws after the iterator was made don't change its order
    got = []
    while (b := dataloader_next(it)) is not None:
        got += b[0]._data.tolist()
    assert got == case["epochs"][0]


def test_sequential_and_batch_samplers() -> None:
    ds = _ids(10)
    assert list(SequentialSampler(ds)) == list(range(1, 11))
    bs = BatchSampler(SequentialSampler(ds), 4, False)
    assert [list(b) for b in bs] == [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10]] and len(bs) == 3
    bs = BatchSampler(SequentialSampler(ds), 4, True)
    assert [list(b) for b in bs] == [[1, 2, 3, 4], [5, 6, 7, 8]] and len(bs) == 2
    assert len(RandomSampler(ds, num_samples=3)) == 3
    assert sorted(RandomSampler(ds)) == list(range(1, 11))


def test_custom_sampler_drives_the_dataloader() -> None:
    def it(self):
        left = list(range(len(self.data_source), 0, -1))
        return lambda: left.pop(0) if left else exhausted

    Rev = sampler("reverse", **{".iter": it, ".length": lambda self: len(self.data_source)})
    ds = _ids(5)
    dl = dataloader(ds, batch_size=2, sampler=Rev(ds))
    assert _epoch(dl) == [5, 4, 3, 2, 1] and len(dl) == 3
    assert type(Rev(ds)).__r_class__ == ("reverse", "utils_sampler", "R6")


# -- collation ----------------------------------------------------------------------------------------------------

def test_collate_every_type() -> None:
    items = [{"t": torch_zeros(2, 3) + i, "f": float(i) / 2, "i": i, "b": i % 2 == 0, "s": f"s{i}",
              "m": np.full((1, 3), i, dtype=np.float64), "v": np.arange(3, dtype=np.int32) + i,
              "l": np.array([True, False]), "nested": [i, {"k": "x"}]} for i in range(1, 5)]
    b = default_collate(items)
    assert b["t"].shape == (4, 2, 3) and b["t"].dtype == torch_float()
    np.testing.assert_array_equal(b["t"]._data[:, 0, 0], [1, 2, 3, 4])
    assert b["f"].dtype == torch_float() and b["f"]._data.tolist() == [0.5, 1.0, 1.5, 2.0]
    assert b["i"].dtype == torch_long() and b["i"]._data.tolist() == [1, 2, 3, 4]
    assert str(b["b"].dtype) == "torch_Bool" and b["b"]._data.tolist() == [False, True, False, True]
    assert b["s"] == ["s1", "s2", "s3", "s4"]
    assert b["m"].shape == (4, 1, 3) and b["m"].dtype == torch_float()
    assert b["v"].shape == (4, 3) and b["v"].dtype == torch_long() and b["v"]._data[3].tolist() == [4, 5, 6]
    assert str(b["l"].dtype) == "torch_Bool" and b["l"].shape == (4, 2)
    assert b["nested"][0]._data.tolist() == [1, 2, 3, 4] and b["nested"][1]["k"] == ["x"] * 4
    assert list(b) == ["t", "f", "i", "b", "s", "m", "v", "l", "nested"]  # names kept in order


def test_collate_errors() -> None:
    with pytest.raises(ValueError, match="mixing item types: item 1 is 'integer' but item 2 is 'character'"):
        default_collate([1, "a"])
    with pytest.raises(ValueError, match="different names"):
        default_collate([{"x": 1}, {"y": 1}])
    with pytest.raises(RuntimeError, match="stack expects each tensor to be equal size"):
        default_collate([torch_zeros(2), torch_zeros(3)])
    with pytest.raises(ValueError, match="Can't convert data of class: 'character'"):
        default_convert("a")


def test_getbatch_skips_collation() -> None:
    seen = []

    def getbatch(self, idx):
        seen.append(idx)
        return [np.zeros((len(idx), 2)), torch_zeros(len(idx))]

    D = dataset(**{".getbatch": getbatch, ".length": lambda self: 10})
    out = list(dataloader(D(), batch_size=4))
    assert [o[0].shape for o in out] == [(4, 2), (4, 2), (2, 2)] and out[0][0].dtype == torch_float()
    assert seen[0].dtype == np.int32 and seen[2].tolist() == [9, 10]  # R's integer vector of 1-based indices


# -- datasets -------------------------------------------------------------------------------------------------------

def test_dataset_generator_private_active_inherit() -> None:
    Base = dataset("base", initialize=lambda self, n: setattr(self, "n", n),
                   **{".getitem": lambda self, i: self.private.scale * i, ".length": lambda self: self.twice // 2},
                   private={"scale": 10}, active={"twice": lambda self: 2 * self.n})

    def init(self, n):
        self.super.initialize(n + 1)

    Child = dataset("child", Base, initialize=init)
    d = Child(3)
    assert len(d) == 4 and d.get_item(2) == 20 and d[0] == 10 and is_dataset(d)
    assert type(d).__r_class__ == ("child", "base", "dataset", "R6")
    assert dataset()().__class__.__r_class__ == ("dataset", "R6")


def test_python_subclass_is_zero_based() -> None:
    class Squares(Dataset):
        def __getitem__(self, i):
            return i * i

        def __len__(self):
            return 4

    assert [int(v) for b in dataloader(Squares(), batch_size=3) for v in b._data] == [0, 1, 4, 9]


def test_tensor_dataset_and_subset() -> None:
    x, y = torch_randn(6, 2), torch_randn(6)
    named = tensor_dataset(x=x, y=y)
    assert list(named.get_item(3)) == ["x", "y"] and named.get_item(3)["x"].shape == (2,)
    np.testing.assert_array_equal(named.r_subset(np.array([2, 5]))["x"]._data, x._data[[1, 4]])
    sub = dataset_subset(named, [2, 4, 6])
    assert len(sub) == 3 and type(sub).__r_class__ == ("tensor_dataset_subset", "dataset_subset", "dataset", "R6")
    np.testing.assert_array_equal(sub.get_item(2)["y"]._data, y._data[3])
    batches = list(dataloader(sub, batch_size=2))
    np.testing.assert_array_equal(batches[0]["x"]._data, x._data[[1, 3]])
    with pytest.raises(IndexError, match="index 7 out of range for tensor of size \\[6, 2\\] at dimension 1"):
        named.get_item(7)


def test_iterable_datasets() -> None:
    def it(self):
        left = list(range(1, self.n + 1))
        return lambda: left.pop(0) if left else exhausted

    Ids = iterable_dataset("ids", initialize=lambda self, n: setattr(self, "n", n), **{".iter": it})
    assert [b.shape for b in dataloader(Ids(33), batch_size=32)] == [(32,), (1,)]
    assert [b.shape for b in dataloader(Ids(33), batch_size=32, drop_last=True)] == [(32,)]
    assert dataloader(Ids(33), batch_size=32).length() is None
    Sized = iterable_dataset("sized", Ids, **{".length": lambda self: self.n})
    assert len(dataloader(Sized(33), batch_size=32)) == 2 and len(dataloader(Sized(33), 32, drop_last=True)) == 1
    with pytest.raises(ValueError, match="iterable dataset"):
        dataloader(Ids(3), shuffle=True)


# -- bad input -------------------------------------------------------------------------------------------------------

def test_bad_input_errors() -> None:
    ds = _ids(5)
    with pytest.raises(ValueError, match="batch_size should be a positive integer value, but got batch_size=0"):
        dataloader(ds, batch_size=0)
    with pytest.raises(ValueError, match="sampler option is mutually exclusive with shuffle"):
        dataloader(ds, shuffle=True, sampler=SequentialSampler(ds))
    with pytest.raises(ValueError, match="has length 0"):
        dataloader(dataset("empty", **{".getitem": lambda self, i: i, ".length": lambda self: 0})())
    with pytest.raises(ValueError, match="num_workers option should be non-negative"):
        dataloader(ds, num_workers=-1)
    with pytest.raises(TypeError, match="`dataset` must be a dataset"):
        dataloader([1, 2, 3])

    def bad(self, i):
        if i == 3:
            raise KeyError("no such row")
        return i

    Bad = dataset("bad_rows", **{".getitem": bad, ".length": lambda self: 4})
    it = dataloader_make_iter(dataloader(Bad(), batch_size=2))
    assert dataloader_next(it)._data.tolist() == [1, 2]
    with pytest.raises(RuntimeError, match=r"error in \.getitem\(3\) of dataset <bad_rows>: 'no such row'"):
        dataloader_next(it)
    assert is_dataloader(dataloader(ds)) and not is_dataloader(ds)


# -- worker processes -------------------------------------------------------------------------------------------

def _worker_ds():
    def getitem(self, i):
        info = get_worker_info()
        return {"i": i, "worker": info.id if info else 0, "r": torch_randn(1), "init": INIT.get("x", -1)}

    return dataset("wds", **{".getitem": getitem, ".length": lambda self: 20})()


INIT: dict = {}


def _init(wid: int) -> None:
    INIT["x"] = wid * 10


def test_workers_deliver_in_order_with_init_fn_and_seeds() -> None:
    dl = dataloader(_worker_ds(), batch_size=3, num_workers=2, worker_init_fn=_init)
    torch_manual_seed(7)
    b1 = list(dl)
    assert np.concatenate([b["i"]._data for b in b1]).tolist() == list(range(1, 21))  # in order
    assert [int(b["worker"]._data[0]) for b in b1] == [1, 2] * 3 + [1]  # batch k from worker (k - 1) %% 2 + 1
    assert [int(b["init"]._data[0]) for b in b1] == [10, 20] * 3 + [10]  # worker_init_fn ran in each worker
    assert "x" not in INIT  # ... in the workers, not here
    torch_manual_seed(7)
    b2 = list(dl)
    for a, b in zip(b1, b2):  # seeds are drawn from the main generator: same seed, same worker streams
        np.testing.assert_array_equal(a["r"]._data, b["r"]._data)
    single = list(dataloader(_worker_ds(), batch_size=3))
    assert [s["i"]._data.tolist() for s in single] == [b["i"]._data.tolist() for b in b1]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (exited, not reaped) counts as gone only once reaped
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == 0
    except ChildProcessError:
        return False


def test_early_break_leaves_no_workers() -> None:
    dl = dataloader(_worker_ds(), batch_size=2, num_workers=3)
    it = iter(dl)
    next(it)
    pids = list(it._pool.pids)
    assert len(pids) == 3 and all(_alive(p) for p in pids)
    del it  # `break` out of a for loop drops the iterator
    assert not any(_alive(p) for p in pids)
    it = iter(dl)
    for _ in it:
        pids = list(it._pool.pids)
        break
    it.close()  # what R's coro::loop does on exit
    assert pids and not any(_alive(p) for p in pids)
    gc.collect()


def test_worker_errors_are_raised_with_the_workers_message() -> None:
    def getitem(self, i):
        if i == 5:
            raise ValueError("the error id is 5567")
        return i

    D = dataset("failing", **{".getitem": getitem, ".length": lambda self: 20})
    it = dataloader_make_iter(dataloader(D(), batch_size=2, num_workers=2))
    assert dataloader_next(it)._data.tolist() == [1, 2]
    assert dataloader_next(it)._data.tolist() == [3, 4]
    pids = list(it._pool.pids)
    with pytest.raises(RuntimeError, match=r"in dataloader worker 1: error in \.getitem\(5\) of dataset <failing>: "
                                           r"the error id is 5567"):
        dataloader_next(it)
    assert not any(_alive(p) for p in pids)  # the pool is closed before the error is raised
    assert dataloader_next(it) is None  # and the iterator is over


def test_worker_timeout() -> None:
    def slow(self, i):
        time.sleep(5)
        return i

    D = dataset("slow", **{".getitem": slow, ".length": lambda self: 4})
    it = dataloader_make_iter(dataloader(D(), batch_size=2, num_workers=1, timeout=100))
    t0 = time.monotonic()
    with pytest.raises(RuntimeError, match="dataloader worker timed out"):
        dataloader_next(it)
    assert time.monotonic() - t0 < 3


def test_worker_batches_keep_requires_grad_and_aliasing() -> None:
    def getitem(self, i):
        return torch_zeros(2, requires_grad=True) + i

    D = dataset("g", **{".getitem": getitem, ".length": lambda self: 4})

    def collate(batch):
        from rtorch_py import torch_stack

        t = torch_stack(batch)
        return {"a": t, "b": t}

    b = next(iter(dataloader(D(), batch_size=2, num_workers=1, collate_fn=collate)))
    assert isinstance(b["a"], Tensor) and b["a"] is b["b"] and b["a"].requires_grad


def test_worker_packages_and_globals_in_python() -> None:
    def getitem(self, i):
        import sys

        main = sys.modules["__main__"]
        return {"has_pkg": "tabnanny" in sys.modules, "g": getattr(main, "RTORCH_TEST_GLOBAL", -1)}

    import sys

    assert "tabnanny" not in sys.modules  # imported by the workers only
    D = dataset("pg", **{".getitem": getitem, ".length": lambda self: 2})
    b = next(iter(dataloader(D(), batch_size=2, num_workers=1, worker_packages=["tabnanny"],
                             worker_globals={"RTORCH_TEST_GLOBAL": 7})))
    assert b["has_pkg"]._data.tolist() == [True, True] and b["g"]._data.tolist() == [7, 7]


def test_progress_reports_batches() -> None:
    import io

    from rtorch_py.data import progress

    out = io.StringIO()
    got = list(progress(dataloader(_ids(10), batch_size=4), every=0.0, file=out))
    assert len(got) == 3 and out.getvalue().rstrip().endswith(")") and "batch 3/3" in out.getvalue()
