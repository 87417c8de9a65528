"""Check that every recipe reaches the seed loop's result: same losses (within a tolerance), same accuracy.

    python -m benchmarks.check_recipes [--device auto|cpu|cuda] [--epochs N]

Trains each recipe that applies to the device for N epochs from the same seed and compares it with
the seed's loop, epoch by epoch. Exits with 1 if a recipe does not reach the same result.
"""

from __future__ import annotations

import argparse

import torch

from benchmarks.cli import device_option, positive_int
from benchmarks.recipes import LOSS_TOLERANCE, RECIPES, applies, train_recipe


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.check_recipes",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    parser.add_argument("--epochs", type=positive_int, default=300, metavar="N")
    args = parser.parse_args(argv)
    device = device_option(parser, args.device)
    if device.type not in ("cpu", "cuda"):
        device = torch.device("cpu")  # the recipes are written for the CPU and CUDA

    base_losses, base_accuracy = train_recipe("seed", device, args.epochs)
    print(f"{args.epochs} epochs on {device.type}; the same result = every epoch's loss within "
          f"{LOSS_TOLERANCE:g} of the seed loop's, and the same test accuracy")
    print(f"{'recipe':<16}{'final loss':>11}{'accuracy':>10}  same result")
    all_same = True
    for name in RECIPES:
        if not applies(name, device):
            continue
        losses, acc = train_recipe(name, device, args.epochs)
        gap = max(abs(a - b) for a, b in zip(losses, base_losses, strict=True))
        same = gap <= LOSS_TOLERANCE and acc == base_accuracy and len(losses) == args.epochs
        all_same &= same
        print(f"{name:<16}{losses[-1]:>11.4f}{acc:>10.3f}  {'yes' if same else 'NO'}")
    if not all_same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
