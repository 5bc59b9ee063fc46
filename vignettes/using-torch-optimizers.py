"""The seed document "Using torch optimizers" (vignettes/using-torch-optimizers.Rmd) with rtorch_py's Python API.

Each R code block is written in Python and prints what R prints at the top level: tensors, named lists of
tensors (``$weight`` ...), the optimizer's R6 form, ``NULL`` for ``optimizer$step()``, and the training loop's
``cat()`` lines. R's ``model$parameters`` is ``model.parameters``, ``optimizer$param_groups[[1]]$params`` is
``optimizer.param_groups[0]["params"]`` (Python lists are 0-based), ``x[, 1, NULL]`` is ``x[:, 0, None]``.

Run: ``python vignettes/using-torch-optimizers.py [--seed S]`` (``make demo``). Without ``--seed`` the random
numbers differ on each run, as in the document; with it, the final program's losses are PyTorch's for
``torch.manual_seed(S)`` (tests/optim/test_vignette.py checks them).
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any

from rtorch_py import (
    nn_linear,
    nn_mse_loss,
    nn_relu,
    nn_sequential,
    nnf_mse_loss,
    optim_adam,
    torch_manual_seed,
    torch_randn,
    torch_zeros,
)
from rtorch_py._r6 import r_num


def r_text(x: Any) -> str:
    """What R prints for a value at the top level: NULL, a tensor, a named list (``$name`` then the value,
    a blank line after each element), or the object's own printed form."""
    if x is None:
        return "NULL"
    if isinstance(x, Mapping):
        return "\n".join(f"${name}\n{r_text(v)}\n" for name, v in x.items())
    return repr(x)


def show(x: Any) -> None:
    print(r_text(x))


def cat(*args: Any) -> None:
    """R's ``cat``: arguments separated by one space, numbers with 7 significant digits, no newline added."""
    print(" ".join(r_num(a, 7) if isinstance(a, float) else str(a) for a in args), end="")


def losses_and_optimizers() -> None:
    """The document's first part: loss functions, then one Adam step on a one-layer network."""
    # Losses and loss functions
    x = torch_randn([3, 2, 3])
    y = torch_zeros([3, 2, 3])
    show(nnf_mse_loss(x, y))

    loss = nn_mse_loss()
    show(loss(x, y))

    # Optimizers
    data = torch_randn(1, 3)
    model = nn_linear(3, 1)
    show(model.parameters)

    optimizer = optim_adam(model.parameters, lr=0.01)
    show(optimizer)

    show(optimizer.param_groups[0]["params"])

    out = model(data)
    out.backward()

    show(optimizer.param_groups[0]["params"])
    show(model.parameters)

    show(optimizer.step())
    show(optimizer.param_groups[0]["params"])
    show(model.parameters)


def final_version(seed: int | None = None, epochs: int = 200, report: bool = True) -> list[float]:
    """The document's final program: a 3-32-1 ReLU network fitted with Adam (lr = 0.08) to 100 noisy linear
    observations, printing the loss every 10 epochs. Returns every epoch's loss."""
    if seed is not None:
        torch_manual_seed(seed)

    ### generate training data -----------------------------------------------------
    # input dimensionality (number of input features)
    d_in = 3
    # output dimensionality (number of predicted features)
    d_out = 1
    # number of observations in training set
    n = 100

    # create random data
    x = torch_randn(n, d_in)
    y = x[:, 0, None] * 0.2 - x[:, 1, None] * 1.3 - x[:, 2, None] * 0.5 + torch_randn(n, 1)

    ### define the network ---------------------------------------------------------
    # dimensionality of hidden layer
    d_hidden = 32

    model = nn_sequential(
        nn_linear(d_in, d_hidden),
        nn_relu(),
        nn_linear(d_hidden, d_out),
    )

    ### network parameters ---------------------------------------------------------
    # for adam, need to choose a much higher learning rate in this problem
    learning_rate = 0.08

    optimizer = optim_adam(model.parameters, lr=learning_rate)

    ### training loop --------------------------------------------------------------
    losses = []
    for t in range(1, epochs + 1):
        ### -------- Forward pass --------
        y_pred = model(x)

        ### -------- compute loss --------
        loss = nnf_mse_loss(y_pred, y, reduction="sum")
        losses.append(loss.item())
        if report and t % 10 == 0:
            cat("Epoch: ", t, "   Loss: ", loss.item(), "\n")

        ### -------- Backpropagation --------
        # Still need to zero out the gradients before the backward pass, only this time,
        # on the optimizer object
        optimizer.zero_grad()

        # gradients are still computed on the loss tensor (no change here)
        loss.backward()

        ### -------- Update weights --------
        # use the optimizer to update model parameters
        optimizer.step()
    return losses


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=None, help="torch_manual_seed() before each part")
    args = parser.parse_args(argv)
    if args.seed is not None:
        torch_manual_seed(args.seed)
    losses_and_optimizers()
    final_version(args.seed)


if __name__ == "__main__":
    main()
