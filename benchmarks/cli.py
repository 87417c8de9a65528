"""Command-line plumbing shared by the benchmark drivers: argparse types and the device option.

Every script in this repository parses its options the same way: argparse with `type=` (a function
raising argparse.ArgumentTypeError) and `choices=`; any other check calls parser.error(), so a bad
option always ends with argparse's usage line, one `error:` line and exit code 2.
"""

from __future__ import annotations

import argparse

import torch

from snippets.iris_setup import pick_device


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, got {text!r}")
    return int(text)


def positive_float(text: str) -> float:
    """An argparse type: a number above 0."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a number above 0, got {text!r}")
    return value


def device_option(parser: argparse.ArgumentParser, name: str) -> torch.device:
    """The device for --device NAME (auto, cpu, cuda, ...), or parser.error() if this machine lacks it."""
    try:
        return pick_device(name)
    except ValueError as err:
        parser.error(str(err))
