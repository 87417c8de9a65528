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
from snippets.iris_setup import IrisMLP, accuracy, load_iris_tensors

EPOCHS = 300
NO_CUDA = pytest.mark.skipif(not torch.cuda.is_available(),
                             reason="needs CUDA: this machine has no NVIDIA GPU; checked when one is lent")
# Not the seed loop itself (it is the baseline: compared with itself it cannot fail), and not the
# compiled recipes on the CPU: the page's checked `python -m benchmarks.check_recipes --device cpu` block
# makes that same comparison, and one compile of each per test run is enough (each takes tens of seconds).
CASES = [pytest.param(name, device, id=f"{name}-{device}",
                      marks=[NO_CUDA] if device == "cuda" else [])
         for device in ("cpu", "cuda") for name in recipes.RECIPES
         if recipes.RECIPES[name][1] in ("any", device) and name != "seed"
         and not (device == "cpu" and name in recipes.COMPILES)]


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
    assert abs(losses[-1] - base_losses[-1]) <= 1e-5, f"{name}: final loss {losses[-1]} != {base_losses[-1]}"
    assert accuracy == base_accuracy, f"{name}: test accuracy {accuracy} != {base_accuracy}"


# by_hand_compiled_10: 95 and 105 epochs are not whole calls of 10; the rest runs uncompiled
@pytest.mark.parametrize("name", ["no_sync", "many_models", "numpy", "by_hand", "by_hand_compiled_10"])
def test_training_in_pieces_is_training_at_once(name, baseline):
    """The race calls train() chunk by chunk: 95 + 100 + 105 epochs must be the seed loop's 300."""
    x, y, x_test, y_test = load_iris_tensors()
    torch.manual_seed(0)
    model = IrisMLP()
    train = recipes.RECIPES[name][0](model, x, y, 0.01)
    pieces = train(95) + train(100) + train(105)
    base_losses, base_accuracy = baseline["cpu"]
    assert max(abs(a - b) for a, b in zip(pieces, base_losses, strict=True)) <= recipes.LOSS_TOLERANCE
    assert accuracy(model, x_test, y_test) == base_accuracy


def test_by_hand_uses_no_autograd():
    """Recipe 7a records no graph and leaves no gradients: it computes them itself."""
    x, y, _, _ = load_iris_tensors()
    model = IrisMLP()
    before = [p.detach().clone() for p in model.parameters()]
    recipes.RECIPES["by_hand"][0](model, x, y, 0.01)(5)
    assert all(p.grad is None for p in model.parameters())
    assert all(not torch.equal(p, b) for p, b in zip(model.parameters(), before, strict=True))  # trained


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
