"""snippets/train_iris.py: the seed's Iris experiment as a command-line program.

A short run must reach the seed's accuracy; the same command must give the same loss and accuracy;
bad input must give argparse's usage and one clear `error:` line on stderr, exit code 2 and no
traceback. No test ever looks at a time.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import torch

from tests.fresh_python import run_script
from tests.pages import SNIPPETS

SCRIPT = SNIPPETS / "train_iris.py"
EPOCHS = "2000"  # enough for the seed's setup to pass 0.9 test accuracy; 20 000 is the full run


def _run(*args: str) -> subprocess.CompletedProcess:
    # One intra-op thread (reader_environment): on a shared 2-core machine, two threads contending
    # for tiny ops are slower.
    return run_script(SCRIPT, *args, cwd=SNIPPETS.parent)


@pytest.fixture(scope="module")
def json_run() -> dict:
    result = _run("--device", "cpu", "--epochs", EPOCHS, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_short_run_reaches_the_seeds_accuracy(json_run):
    assert json_run["device"] == "cpu"
    assert json_run["epochs"] == int(EPOCHS)
    assert json_run["test_accuracy"] >= 0.9
    assert 0 < json_run["final_loss"] < 0.5
    assert {"wall_seconds", "seconds_per_epoch", "torch"} <= set(json_run)  # present, never compared


def test_same_command_same_loss_and_accuracy(json_run):
    """The text output of a second run shows the same (seeded) loss and accuracy."""
    result = _run("--device", "cpu", "--epochs", EPOCHS)
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(":", 1) for line in result.stdout.splitlines())
    assert [name.strip() for name in lines] == [
        "device", "epochs", "final loss", "test accuracy", "wall time", "time per epoch"]
    assert lines["device"].split()[0] == "cpu"
    assert lines["final loss"].strip() == f"{json_run['final_loss']:.4f}"
    assert lines["test accuracy"].strip() == f"{json_run['test_accuracy']:.3f}"


_BAD = [
    (["--device", "tpu"], "argument --device: invalid choice: 'tpu' (choose from 'auto', 'cpu', 'cuda', "
                          "'mps')"),
    (["--epochs", "-1"], "argument --epochs: must be a whole number of at least 1, got '-1'"),
    (["--epochs", "0"], "argument --epochs: must be a whole number of at least 1, got '0'"),
    (["--epochs", "2.5"], "argument --epochs: must be a whole number of at least 1, got '2.5'"),
    (["--epochs"], "argument --epochs: expected one argument"),
    (["--bogus"], "unrecognized arguments: --bogus"),
]
if not torch.cuda.is_available():
    _BAD.append((["--device", "cuda"], "device 'cuda' is not available on this machine"))
if not torch.backends.mps.is_available():
    _BAD.append((["--device", "mps"], "device 'mps' is not available on this machine"))


@pytest.fixture
def train_iris(monkeypatch):
    """The program as a module, found the way `python train_iris.py` finds iris_setup: beside it."""
    import importlib

    monkeypatch.syspath_prepend(str(SNIPPETS))
    monkeypatch.setattr(sys, "argv", ["train_iris.py"])  # argparse names the program after argv[0]
    return importlib.import_module("train_iris")


@pytest.mark.parametrize(("args", "message"), _BAD, ids=[" ".join(a) for a, _ in _BAD])
def test_bad_input_is_argparses_error_and_exit_code_2(train_iris, capsys, args, message):
    with pytest.raises(SystemExit) as exit_info:
        train_iris.parse_args(args)
    assert exit_info.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.strip().splitlines()
    assert lines[0].startswith("usage: "), err
    assert lines[-1].startswith(f"train_iris.py: error: {message}"), err


def test_bad_input_as_a_program_has_no_traceback():
    result = _run("--device", "tpu")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "usage: train_iris.py [-h] [--device {auto,cpu,cuda,mps}] [--epochs N] [--json]\n"
        "train_iris.py: error: argument --device: invalid choice: 'tpu' "
        "(choose from 'auto', 'cpu', 'cuda', 'mps')\n")
