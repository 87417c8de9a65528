"""The seed's Iris experiment: move the data and the model to a device, train full-batch with SGD.

    python train_iris.py                      # auto: CUDA, else MPS, else CPU; 20 000 epochs
    python train_iris.py --device cpu --epochs 2000
    python train_iris.py --json               # one JSON object, for scripts

Needs iris_setup.py in the same folder.
"""

import argparse
import json
import time

import torch

from iris_setup import IrisMLP, accuracy, load_iris_tensors, pick_device, synchronize, train_full_batch

EPOCHS = 20_000  # the seed's setting


def positive_int(text):
    """An argparse type: a whole number of at least 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, got {text!r}")
    return int(text)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Train the Iris MLP full-batch on one device.")
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda", "mps"])
    parser.add_argument("--epochs", type=positive_int, default=EPOCHS, metavar="N",
                        help=f"full-batch epochs (default {EPOCHS})")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    try:
        args.device = pick_device(args.device)
    except ValueError as err:  # a device this machine does not have
        parser.error(str(err))
    return args


def run(device, epochs, seed=0):
    torch.manual_seed(seed)  # the same weights on every run
    x_train, y_train, x_test, y_test = load_iris_tensors()
    model = IrisMLP().to(device)  # the module's parameters move in place
    x_train, y_train = x_train.to(device), y_train.to(device)  # tensors: copies on the device
    x_test, y_test = x_test.to(device), y_test.to(device)
    synchronize(device)
    started = time.perf_counter()
    losses = train_full_batch(model, x_train, y_train, epochs)  # creates the optimizer
    synchronize(device)
    seconds = time.perf_counter() - started
    return {
        "device": str(device),
        "epochs": epochs,
        "final_loss": losses[-1],
        "test_accuracy": accuracy(model, x_test, y_test),
        "wall_seconds": seconds,
        "seconds_per_epoch": seconds / epochs,
        "torch": torch.__version__,
    }


def main(argv=None):
    args = parse_args(argv)
    result = run(args.device, args.epochs)
    if args.json:
        print(json.dumps(result))
        return
    print(f"device:         {result['device']} (torch {result['torch']})")
    print(f"epochs:         {result['epochs']}")
    print(f"final loss:     {result['final_loss']:.4f}")
    print(f"test accuracy:  {result['test_accuracy']:.3f}")
    print(f"wall time:      {result['wall_seconds']:.2f} s")
    print(f"time per epoch: {result['seconds_per_epoch'] * 1e6:.0f} µs")


if __name__ == "__main__":
    main()
