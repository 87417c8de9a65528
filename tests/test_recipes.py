"""Every recipe of the gpu-payoff chapter reaches the seed loop's result (short runs).

Same model, seed, data and learning rate; "the same result" means every epoch's loss within
recipes.LOSS_TOLERANCE of the seed loop's and the same test accuracy. CPU recipes all run here;
the CUDA ones, and the others on CUDA, run where a GPU is present and are skipped, with the reason
shown, where there is none.
"""

from __future__ import annotations

import pytest
import torch

from benchmarks import check_recipes, recipes
from snippets.iris_recipes import macs_per_epoch
from snippets.iris_setup import IrisMLP, load_iris_tensors

EPOCHS = 300
NO_CUDA = pytest.mark.skipif(not torch.cuda.is_available(),
                             reason="needs CUDA: this machine has no NVIDIA GPU; checked when one is lent")
# Not the seed loop itself (it is the baseline: compared with itself it cannot fail), and not the
# compiled recipe on the CPU: the page's checked `python -m benchmarks.check_recipes --device cpu` block
# makes that same comparison, and one compile per test run is enough (it takes tens of seconds).
CASES = [pytest.param(name, device, id=f"{name}-{device}",
                      marks=[NO_CUDA] if device == "cuda" else [])
         for device in ("cpu", "cuda") for name in recipes.RECIPES
         if recipes.RECIPES[name][1] in ("any", device) and name != "seed"
         and (name, device) != ("compiled", "cpu")]


pytestmark = [pytest.mark.usefixtures("one_torch_thread"),
              pytest.mark.filterwarnings("ignore::DeprecationWarning:torch")]


@pytest.fixture(scope="module")
def baseline():
    return {device: recipes.train_recipe("seed", device, EPOCHS)
            for device in ("cpu", "cuda") if device == "cpu" or torch.cuda.is_available()}


@pytest.mark.parametrize(("name", "device"), CASES)
def test_recipe_reaches_the_seed_loops_result(name, device, baseline):
    threads = torch.get_num_threads()
    losses, accuracy = recipes.train_recipe(name, device, EPOCHS)
    base_losses, base_accuracy = baseline[device]
    assert torch.get_num_threads() == threads, f"{name} left the thread count changed"
    assert len(losses) == EPOCHS
    gap = max(abs(a - b) for a, b in zip(losses, base_losses, strict=True))
    assert gap <= recipes.LOSS_TOLERANCE, f"{name}: loss differs from the seed loop's by {gap:g}"
    assert accuracy == base_accuracy, f"{name}: test accuracy {accuracy} != {base_accuracy}"


@pytest.mark.parametrize("name", ["no_sync", "many_models", "numpy"])
def test_training_in_pieces_is_training_at_once(name):
    """The race calls train() chunk by chunk: 3 × 100 epochs must be 300 epochs."""
    x, y, _, _ = load_iris_tensors()
    torch.manual_seed(0)
    train = recipes.RECIPES[name][0](IrisMLP(), x, y, 0.01)
    pieces = train(100) + train(100) + train(100)
    whole, _ = recipes.train_recipe(name, "cpu", 300)
    assert max(abs(a - b) for a, b in zip(pieces, whole, strict=True)) <= recipes.LOSS_TOLERANCE


def test_multiply_adds_are_counted_from_the_shapes():
    # forward 4·10 + 10·3 per row, the same again for the weight gradients, 10·3 for the hidden gradient
    assert macs_per_epoch(IrisMLP(), 120) == 120 * (2 * (4 * 10 + 10 * 3) + 10 * 3)
    assert macs_per_epoch(IrisMLP(hidden=20), 1) == 2 * (80 + 60) + 60


def test_bad_option_is_argparses_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        check_recipes.main(["--epochs", "0"])
    assert exit_info.value.code == 2
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err
    assert err.splitlines()[0].startswith("usage: python -m benchmarks.check_recipes")
    assert err.splitlines()[-1] == ("python -m benchmarks.check_recipes: error: argument --epochs: "
                                    "must be a whole number of at least 1, got '0'")
