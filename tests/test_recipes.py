"""Every recipe of the gpu-payoff chapter reaches the seed loop's result (short runs).

Same model, seed, data and learning rate; "the same result" means every epoch's loss within
iris_recipes.LOSS_TOLERANCE of the seed loop's and the same test accuracy. CPU recipes all run here;
the CUDA ones, and the others on CUDA, run where a GPU is present and are skipped, with the reason
shown, where there is none.
"""

from __future__ import annotations

import sys

import pytest
import torch

from tests.pages import SNIPPETS

sys.path.insert(0, str(SNIPPETS))
import iris_recipes
from iris_setup import IrisMLP

EPOCHS = 300
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:torch")
NO_CUDA = pytest.mark.skipif(not torch.cuda.is_available(),
                             reason="needs CUDA: this machine has no NVIDIA GPU; checked when one is lent")
# Not the seed loop itself (it is the baseline: compared with itself it cannot fail), and not the
# compiled recipe on the CPU: the page's checked `python snippets/iris_recipes.py --device cpu` block
# makes that same comparison, and one compile per test run is enough (it takes tens of seconds).
CASES = [pytest.param(name, device, id=f"{name}-{device}",
                      marks=[NO_CUDA] if device == "cuda" else [])
         for device in ("cpu", "cuda") for name in iris_recipes.RECIPES
         if iris_recipes.RECIPES[name][1] in ("any", device) and name != "seed"
         and (name, device) != ("compiled", "cpu")]


pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def baseline():
    return {device: iris_recipes.train_recipe("seed", device, EPOCHS)
            for device in ("cpu", "cuda") if device == "cpu" or torch.cuda.is_available()}


@pytest.mark.parametrize(("name", "device"), CASES)
def test_recipe_reaches_the_seed_loops_result(name, device, baseline):
    threads = torch.get_num_threads()
    losses, accuracy = iris_recipes.train_recipe(name, device, EPOCHS)
    base_losses, base_accuracy = baseline[device]
    assert torch.get_num_threads() == threads, f"{name} left the thread count changed"
    assert len(losses) == EPOCHS
    gap = max(abs(a - b) for a, b in zip(losses, base_losses, strict=True))
    assert gap <= iris_recipes.LOSS_TOLERANCE, f"{name}: loss differs from the seed loop's by {gap:g}"
    assert accuracy == base_accuracy, f"{name}: test accuracy {accuracy} != {base_accuracy}"


@pytest.mark.parametrize("name", ["no_sync", "many_models", "numpy"])
def test_training_in_pieces_is_training_at_once(name):
    """The race calls train() chunk by chunk: 3 × 100 epochs must be 300 epochs."""
    x, y, _, _ = iris_recipes.load_iris_tensors()
    torch.manual_seed(0)
    train = iris_recipes.RECIPES[name][0](IrisMLP(), x, y, 0.01)
    pieces = train(100) + train(100) + train(100)
    whole, _ = iris_recipes.train_recipe(name, "cpu", 300)
    assert max(abs(a - b) for a, b in zip(pieces, whole, strict=True)) <= iris_recipes.LOSS_TOLERANCE


def test_multiply_adds_are_counted_from_the_shapes():
    # forward 4·10 + 10·3 per row, the same again for the weight gradients, 10·3 for the hidden gradient
    assert iris_recipes.macs_per_epoch(IrisMLP(), 120) == 120 * (2 * (4 * 10 + 10 * 3) + 10 * 3)
    assert iris_recipes.macs_per_epoch(IrisMLP(hidden=20), 1) == 2 * (80 + 60) + 60


def test_the_demo_reports_bad_options_in_one_line(capsys):
    with pytest.raises(SystemExit) as exit_info:
        iris_recipes.main(["--epochs", "0"])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.strip().splitlines() == ["error: --epochs must be at least 1, not 0"]
