"""Which recipes the race and the same-result check run, and where each applies.

The recipes themselves are lessons in snippets/iris_recipes.py (recipes 2 to 7), snippets/iris_setup.py
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

LOSS_TOLERANCE = 1e-5  # largest |loss - seed loop's loss| allowed at any epoch, the final one included
# The race trains 20 000 epochs, not check_recipes' 300: rounding in another order drifts further (gradients
# by hand reached 1.35e-5 by epoch 20 000 on an Emerald Rapids CPU). Still 1e-4 of a loss near 0.04.
RACE_LOSS_TOLERANCE = 1e-4
EPOCHS_PER_CALL = 10  # recipe 7c: epochs per compiled call


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
    "by_hand": (r.by_hand, "any"),
    "by_hand_compiled": (r.by_hand_compiled, "any"),
    # 7c amortises the compiled call's own overhead over several epochs; on CUDA the CUDA-graph recipes
    # remove that overhead, and the race there has a time limit, so it races on the CPU only
    "by_hand_compiled_10": (functools.partial(r.by_hand_compiled, epochs_per_call=EPOCHS_PER_CALL), "cpu"),
    "numpy": (numpy_reference, "any"),  # runs on the CPU whatever the device
}
COMPILES = {"compiled", "compiled_graphs", "by_hand_compiled", "by_hand_compiled_10"}  # tens of seconds
COLD_WARM = ("compiled", "by_hand_compiled")  # the two compiled steps whose compile race.py --cold-warm times
SINGLE_MODEL = ("seed", "no_sync", "fewer_launches", "one_thread", "compiled", "cuda_graph",
                "compiled_graphs", "by_hand", "by_hand_compiled", "by_hand_compiled_10")  # PyTorch, one model


def applies(name: str, device) -> bool:
    return RECIPES[name][1] in ("any", torch.device(device).type)


def train_recipe(name: str, device, epochs: int, lr: float = 0.01, seed: int = 0, **options):
    """Train a fresh, seeded model with one recipe. Returns (losses, test accuracy)."""
    x, y, x_test, y_test = (t.to(device) for t in load_iris_tensors())
    torch.manual_seed(seed)
    model = IrisMLP().to(device)
    losses = RECIPES[name][0](model, x, y, lr, **options)(epochs)
    return losses, accuracy(model, x_test, y_test)
