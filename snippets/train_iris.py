"""The seed's Iris experiment: move the data and the model to a device, train full-batch with SGD.

    python train_iris.py                      # auto: CUDA, else MPS, else CPU; 20 000 epochs
    python train_iris.py --device cpu --epochs 2000
    python train_iris.py --json               # one JSON object, for scripts

Needs iris_setup.py next to it.
"""

import argparse
import json
import time

import torch

from iris_setup import IrisMLP, accuracy, fail, load_iris_tensors, pick_device, train_full_batch

EPOCHS = 20_000  # the seed's setting


class Parser(argparse.ArgumentParser):
    def error(self, message):  # one line and exit status 2, instead of usage text
        fail(message)


def parse_args(argv=None):
    parser = Parser(description="Train the Iris MLP full-batch on one device.")
    parser.add_argument("--device", default="auto", help="auto (default), cpu, cuda or mps")
    parser.add_argument("--epochs", default=str(EPOCHS), help=f"full-batch epochs (default {EPOCHS})")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if not args.epochs.isdigit() or int(args.epochs) < 1:
        fail(f"--epochs must be a whole number of at least 1, got {args.epochs!r}")
    args.epochs = int(args.epochs)
    try:
        args.device = pick_device(args.device)
    except ValueError as err:
        fail(str(err))
    return args


def synchronize(device):
    """Wait for the device to finish its queued work, so that a clock reading is true."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elif device.type == "mps":
        torch.mps.synchronize()


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
