"""benchmarks/race.py: the result file's shape and sanity on a --quick run, and its bad options.

Never asserts a timing value: only that times are positive and finite and results agree.
"""

from __future__ import annotations

import json
import math

import pytest
import torch

from benchmarks import race, recipes
from tests.pages import ROOT

STAMP_KEYS = {"date", "cpu", "physical_cores", "logical_cpus", "torch_threads", "torch", "cuda", "gpu"}
ROW_KEYS = {"name", "device", "models", "seconds", "us_per_epoch", "us_per_model_epoch", "speedup",
            "setup_s", "total_s", "final_loss", "accuracy", "max_loss_gap", "epochs", "chunk_us"}


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def check_result(data, quick=None):
    assert {"benchmark", "command", "quick", "stamp", "results"} <= data.keys()
    assert data["benchmark"] == "race"
    assert data["command"].startswith("python -m benchmarks.race")
    assert quick is None or data["quick"] is quick
    assert data["stamp"].keys() >= STAMP_KEYS
    res = data["results"]
    rows = {row["name"]: row for row in res["recipes"]}
    assert next(iter(rows)) == "seed"
    assert set(rows) | {s["name"] for s in res["skipped"]} == set(recipes.RECIPES)
    for row in rows.values():
        assert row.keys() >= ROW_KEYS, row["name"]
        assert row["epochs"] == res["epochs"]
        for key in ("seconds", "us_per_epoch", "us_per_model_epoch", "speedup", "total_s"):
            assert math.isfinite(row[key]) and row[key] > 0, (row["name"], key)
        assert row["setup_s"] >= 0
        assert row["max_loss_gap"] <= recipes.LOSS_TOLERANCE, row["name"]
        assert row["accuracy"] == rows["seed"]["accuracy"], row["name"]
    bound = res["arithmetic"]
    # 4 -> 10 -> 3: forward and weight gradients 4·10 + 10·3 multiply-adds per row each, plus 10·3
    assert bound["macs_per_epoch"] == res["samples"] * (2 * (4 * 10 + 10 * 3) + 10 * 3)
    assert math.isfinite(bound["us_per_epoch"]) and bound["us_per_epoch"] > 0


def test_quick_race_writes_a_sane_result(tmp_path, capsys):
    out = tmp_path / "race-test.json"
    threads = torch.get_num_threads()
    race.main(["--device", "cpu", "--quick", "--epochs", "60", "--chunk", "20", "--models", "4",
                    "--out", str(out)])
    assert torch.get_num_threads() == threads
    printed = capsys.readouterr().out
    data = json.loads(out.read_text(encoding="utf-8"))
    check_result(data, quick=True)
    assert data["results"]["epochs"] == 60 and data["results"]["chunk"] == 20
    assert all(len(row["chunk_us"]) == 3 for row in data["results"]["recipes"])
    assert {s["name"] for s in data["results"]["skipped"]} >= {"compiled", "cuda_graph", "compiled_graphs"}
    for header in ("recipe", "seconds", "µs/epoch", "speed-up", "one-time s", "total s", "final loss",
                   "accuracy", "arithmetic alone"):
        assert header in printed


def test_json_option_prints_only_json(capsys):
    race.main(["--device", "cpu", "--quick", "--epochs", "10", "--models", "2", "--json"])
    check_result(json.loads(capsys.readouterr().out), quick=True)


@pytest.mark.parametrize("path", sorted((ROOT / "results").glob("race-*.json")), ids=lambda p: p.name)
def test_committed_result_is_sane(path):
    check_result(json.loads(path.read_text(encoding="utf-8")))


BAD = [
    (["--epochs", "0"], "argument --epochs: must be a whole number of at least 1, got '0'"),
    (["--device", "tpu"], "argument --device: invalid choice: 'tpu'"),
    (["--chunk", "-5"], "argument --chunk: must be a whole number of at least 1, got '-5'"),
    (["--models", "0"], "argument --models: must be a whole number of at least 1, got '0'"),
    (["--epochs", "many"], "argument --epochs: must be a whole number of at least 1, got 'many'"),
    (["--lr", "0"], "argument --lr: must be a number above 0, got '0'"),
    (["--bogus"], "unrecognized arguments: --bogus"),
]


def _argparse_error(capsys) -> str:
    """argparse's own report: the usage, then one `<prog>: error: ...` line; nothing on stdout."""
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.strip().splitlines()
    assert lines[0].startswith("usage: python -m benchmarks.race"), err
    assert lines[-1].startswith("python -m benchmarks.race: error: "), err
    assert "Traceback" not in err
    return lines[-1]


@pytest.mark.parametrize(("argv", "message"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_option_is_argparses_error_and_exit_code_2(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        race.main(argv)
    assert exit_info.value.code == 2
    assert message in _argparse_error(capsys)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA: --device cuda is valid here")
def test_cuda_without_cuda_is_a_bad_option(capsys):
    with pytest.raises(SystemExit) as exit_info:
        race.main(["--device", "cuda"])
    assert exit_info.value.code == 2
    assert "error: device 'cuda' is not available" in _argparse_error(capsys)
