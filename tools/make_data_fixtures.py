"""Writes tests/fixtures/data_order.json: the batch order R torch's dataloader gives under torch_manual_seed(s),
computed with PyTorch 2.13 (development only; the tests read the JSON).

R torch's RandomSampler draws ``torch_randperm(n) + 1`` when a dataloader iterator is made (and
``torch_randint(1, n + 1, num_samples)`` with replacement), from libtorch's CPU generator: the values PyTorch's
randperm/randint give for the same seed. Each case records two epochs (two iterators made in a row).
"""

from __future__ import annotations

import json

import torch
from _fixture_util import FIXTURES


def main() -> None:
    cases = []
    for seed in (1, 42, 2026):
        for n in (5, 10, 100, 1000, 60000):
            torch.manual_seed(seed)
            epochs = [(torch.randperm(n) + 1).tolist() for _ in range(2)]
            if n == 60000:  # keep the file small: the first and last 50 of each epoch
                epochs = [e[:50] + e[-50:] for e in epochs]
            cases.append({"seed": seed, "n": n, "replacement": False, "epochs": epochs})
        for n, k in ((10, 7), (100, 250)):
            torch.manual_seed(seed)
            epochs = [torch.randint(1, n + 1, (k,)).tolist() for _ in range(2)]
            cases.append({"seed": seed, "n": n, "replacement": True, "num_samples": k, "epochs": epochs})
    out = FIXTURES / "data_order.json"
    out.write_text(json.dumps({"torch": torch.__version__, "cases": cases}, separators=(",", ":")) + "\n")
    print(f"wrote {out} ({len(cases)} cases)")


if __name__ == "__main__":
    main()
