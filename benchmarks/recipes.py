"""Which recipes the race and the same-result check run, and where each applies.

The recipes themselves are lessons in snippets/iris_recipes.py (recipes 2 to 6), snippets/iris_setup.py
(recipe 1, the seed's loop) and snippets/overhead_numpy.py (the NumPy reference). Every entry has the
recipe shape `recipe(model, x, y, lr, **options)` -> `train(epochs)` -> list of per-epoch losses.
To add a recipe: write it in snippets/iris_recipes.py (importing installed packages only), add it to
RECIPES below, and the race, `python -m benchmarks.check_recipes` and tests/test_recipes.py pick it up.
"""

from __future__ import annotations

import functools

import numpy as np
import torch

from snippets import iris_recipes as r
from snippets.iris_setup import IrisMLP, accuracy, load_iris_tensors, train_full_batch
from snippets.overhead_numpy import numpy_epoch, numpy_params

LOSS_TOLERANCE = 1e-4  # largest |loss - seed loop's loss| allowed at any epoch


def seed_loop(model, x, y, lr=0.01):
    """Recipe 1, the baseline: the seed's loop as it is, `loss.item()` every epoch."""
    return lambda epochs: train_full_batch(model, x, y, epochs, lr)


def numpy_reference(model, x, y, lr=0.01):
    """Reference: the same training in plain NumPy (float32, CPU); writes the weights back at the end."""
    params = numpy_params(model)
    xs, onehot = x.cpu().numpy(), np.eye(3, dtype=np.float32)[y.cpu().numpy()]

    def train(epochs):
        losses = [numpy_epoch(params, xs, onehot, lr) for _ in range(epochs)]
        with torch.no_grad():
            for name, p in model.named_parameters():
                p.copy_(torch.from_numpy(params[name]))
        return losses
    return train


# name: (recipe, where it applies: "any" device, "cpu" only or "cuda" only)
RECIPES = {
    "seed": (seed_loop, "any"),
    "no_sync": (r.no_sync, "any"),
    "fewer_launches": (r.fewer_launches, "any"),
    "one_thread": (r.one_thread, "cpu"),
    "compiled": (r.compiled_step, "any"),
    "cuda_graph": (r.cuda_graph, "cuda"),
    "compiled_graphs": (functools.partial(r.compiled_step, mode="reduce-overhead"), "cuda"),  # 5b
    "many_models": (r.many_models, "any"),
    "numpy": (numpy_reference, "any"),  # runs on the CPU whatever the device
}
COMPILES = {"compiled", "compiled_graphs"}  # a one-time compile of tens of seconds


def applies(name: str, device) -> bool:
    return RECIPES[name][1] in ("any", torch.device(device).type)


def train_recipe(name: str, device, epochs: int, lr: float = 0.01, seed: int = 0, **options):
    """Train a fresh, seeded model with one recipe. Returns (losses, test accuracy)."""
    x, y, x_test, y_test = (t.to(device) for t in load_iris_tensors())
    torch.manual_seed(seed)
    model = IrisMLP().to(device)
    losses = RECIPES[name][0](model, x, y, lr, **options)(epochs)
    return losses, accuracy(model, x_test, y_test)
