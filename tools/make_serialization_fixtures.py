"""Writes tests/fixtures/serialization/: PyTorch 2.13 checkpoints that tests/test_serialization.py loads with
``load_state_dict`` (development only: imports torch).

- ``state_dict_zip.pt``: ``torch.save(state_dict, path)`` (the zip format) of a small model's state dict plus
  tensors of every supported dtype, a non-contiguous view (offset and strides into a larger storage), two
  views of one storage, a 0-d tensor and an empty one;
- ``state_dict_legacy.pt``: the same with ``_use_new_zipfile_serialization=False`` (the legacy format);
- ``parameters.pt``: a dict of ``nn.Parameter`` objects (``_rebuild_parameter``), one not requiring grad;
- ``expected.json``: every tensor's dtype, shape and values;
- ``r_list.rds``, ``r_closure.rds``: R's own ``serialize()`` output (written by Rscript) of the R side of a
  list as R torch stores it in ``__robj__``, and of a function (which only R can read);
- ``malicious.pt``: a zip checkpoint whose pickle would run ``os.system("touch rtorch_malicious_pickle_ran")``
  (load_state_dict must refuse it and create nothing);
- ``plain.safetensors``: a safetensors file without R torch's metadata.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import zipfile

import numpy as np
import safetensors.numpy
import torch
from _fixture_util import FIXTURES

OUT = FIXTURES / "serialization"


def state() -> dict[str, torch.Tensor]:
    torch.manual_seed(7)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.Linear(4, 2))
    model(torch.randn(5, 3))  # running stats and num_batches_tracked (int64) move
    sd = dict(model.state_dict())
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
    sd["view_t"] = base[1:, 2:5].t()  # offset 8, strides (1, 6)
    sd["view_row"] = base[2]  # shares base's storage with view_t
    sd["f64"] = torch.randn(2, 3, dtype=torch.float64)
    sd["f16"] = torch.tensor([0.5, -1.25, 3.0], dtype=torch.float16)
    sd["i32"] = torch.tensor([[1, -2], [3, 2**31 - 1]], dtype=torch.int32)
    sd["i16"] = torch.tensor([-7, 300], dtype=torch.int16)
    sd["i8"] = torch.tensor([-128, 127], dtype=torch.int8)
    sd["u8"] = torch.tensor([0, 255], dtype=torch.uint8)
    sd["b"] = torch.tensor([True, False, True])
    sd["scalar"] = torch.tensor(2.5)
    sd["empty"] = torch.zeros(0, 3)
    return sd


class Malicious:
    def __reduce__(self):
        return (os.system, ("touch rtorch_malicious_pickle_ran",))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    sd = state()
    torch.save(sd, OUT / "state_dict_zip.pt")
    torch.save(sd, OUT / "state_dict_legacy.pt", _use_new_zipfile_serialization=False)
    params = {"w": torch.nn.Parameter(torch.ones(2, 2)),
              "frozen": torch.nn.Parameter(torch.full((3,), 2.0), requires_grad=False)}
    torch.save(params, OUT / "parameters.pt")
    expected = {k: {"dtype": str(v.dtype).replace("torch.", ""), "shape": list(v.shape),
                    "values": v.detach().reshape(-1).tolist()} for k, v in sd.items()}
    (OUT / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")
    r_code = (
        'l <- list(a = structure("k1", class = "torch_tensor_address"), b = list(y = 4), c = "s");'
        f'writeBin(serialize(l, NULL), "{OUT / "r_list.rds"}");'
        f'writeBin(serialize(function(x) x + 1, NULL), "{OUT / "r_closure.rds"}")'
    )
    subprocess.run(["Rscript", "-e", r_code], check=True)
    with zipfile.ZipFile(OUT / "malicious.pt", "w") as z:
        z.writestr("archive/data.pkl", pickle.dumps({"weight": Malicious()}, protocol=2))
        z.writestr("archive/version", "3\n")
    safetensors.numpy.save_file({"a": np.arange(3, dtype=np.float32), "b": np.eye(2)}, OUT / "plain.safetensors")


if __name__ == "__main__":
    main()
