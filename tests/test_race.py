"""benchmarks/race.py: the result file's shape and sanity on a --quick run, and its bad options.

Never asserts a timing value: only that times are positive and finite and results agree.
"""

from __future__ import annotations

import json
import math

import pytest
import torch

from benchmarks import figures_race, race, recipes
from tests.pages import ROOT

STAMP_KEYS = {"date", "cpu", "physical_cores", "logical_cpus", "torch_threads", "torch", "cuda", "gpu"}
ROW_KEYS = {"name", "device", "models", "seconds", "us_per_epoch", "us_per_model_epoch", "speedup",
            "setup_s", "total_s", "final_loss", "accuracy", "max_loss_gap", "epochs", "chunk_us"}
# written since the race reports spreads; the committed files of earlier runs lack them (the figures
# derive them from chunk_us, see test_spreads_of_a_committed_result)
SPREAD_KEYS = {"us_iqr", "speedup_ci", "end_to_end_s", "end_to_end_speedup", "end_to_end_speedup_ci",
               "break_even_epochs"}


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
    raced_or_skipped = set(rows) | {s["name"] for s in res["skipped"]}
    # every recipe, in a result of today's race; files committed before a recipe existed lack it
    if quick is None:
        assert raced_or_skipped <= set(recipes.RECIPES)
    else:
        assert raced_or_skipped == set(recipes.RECIPES)
    for row in rows.values():
        assert row.keys() >= ROW_KEYS, row["name"]
        assert row["epochs"] == res["epochs"]
        for key in ("seconds", "us_per_epoch", "us_per_model_epoch", "speedup", "total_s"):
            assert math.isfinite(row[key]) and row[key] > 0, (row["name"], key)
        assert row["setup_s"] >= 0
        assert row["max_loss_gap"] <= recipes.RACE_LOSS_TOLERANCE, row["name"]
        # the same rows right: a mean taken on another device may differ in the last float digit
        assert math.isclose(row["accuracy"], rows["seed"]["accuracy"], abs_tol=1e-6), row["name"]
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
    for header in ("recipe", "µs/epoch", "IQR", "speed-up (CI)", "one-time s", "end to end s",
                   "end-to-end speed-up", "arithmetic alone", "fastest per epoch", "final loss"):
        assert header in printed
    res = data["results"]
    for row in res["recipes"]:
        assert row.keys() >= SPREAD_KEYS, row["name"]
        low, high = row["us_iqr"]
        assert low <= row["us_per_model_epoch"] <= high, row["name"]
        low, high = row["speedup_ci"]
        assert low <= row["speedup"] * 1.0001 and row["speedup"] <= high * 1.0001, row["name"]
        # end to end: the seed's 20 000 epochs at this recipe's median, plus its one-time cost
        expected = row["us_per_model_epoch"] * race.SEED_EPOCHS / 1e6 + row["setup_s"] / row["models"]
        assert math.isclose(row["end_to_end_s"], expected, rel_tol=1e-4), row["name"]  # chunk_us: rounded
        assert "compile_cold_s" not in row  # no --cold-warm
    summary = res["summary"]
    single = {r["name"] for r in res["recipes"]} & set(recipes.SINGLE_MODEL)
    assert summary["seed_epochs"] == race.SEED_EPOCHS == 20_000
    assert {summary["fastest_per_epoch"], summary["fastest_end_to_end"]} <= single
    assert {"by_hand", "numpy"} <= {r["name"] for r in res["recipes"]}
    value, low, high = summary["numpy_vs_fastest"]
    assert low <= value <= high and summary["floor_vs_fastest"] > 0
    # the figures read today's file as they read the committed ones
    data["file"] = "results/race-test.json"
    for lang in figures_race.LANGS:
        assert figures_race.label("by_hand", lang) in figures_race.tables([data], lang)
        by_hand_line = figures_race.TEXT[lang]["sum_by_hand"].split("{")[0]
        assert by_hand_line in figures_race.headlines([data], lang)


def test_json_option_prints_only_json(capsys):
    race.main(["--device", "cpu", "--quick", "--epochs", "10", "--models", "2", "--json"])
    check_result(json.loads(capsys.readouterr().out), quick=True)


@pytest.mark.parametrize("path", sorted((ROOT / "results").glob("race-*.json")), ids=lambda p: p.name)
def test_committed_result_is_sane(path):
    check_result(json.loads(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("path", sorted((ROOT / "results").glob("race-*.json")), ids=lambda p: p.name)
def test_spreads_of_a_committed_result(path):
    """What the tables report beyond the medians, derived from the per-turn values of any result file."""
    res = json.loads(path.read_text(encoding="utf-8"))["results"]
    derived = race.spreads(res)
    rows = {row["name"]: row for row in res["recipes"]}
    for name, d in derived["recipes"].items():
        row = rows[name]
        assert math.isclose(d["us"], row["us_per_model_epoch"], rel_tol=1e-3), name
        assert d["iqr"][0] <= d["us"] <= d["iqr"][1], name
        speed = d["speed"]
        assert speed.low <= speed.value <= speed.high, name
        assert math.isclose(speed.value, row["speedup"], rel_tol=1e-3), name
        assert d["end_to_end_s"] >= d["us"] * race.SEED_EPOCHS / 1e6, name
        if d["break_even"] is not None:  # paid back once the savings add up to the one-time cost
            assert math.isclose(d["break_even"] * d["saving_us"] * 1e-6, d["one_time_s"], rel_tol=1e-9)
        for key in ("us_iqr", "speedup_ci"):  # files that carry the spreads agree with the derivation
            if key in row:
                expected = d["iqr"] if key == "us_iqr" else (speed.low, speed.high)
                assert all(math.isclose(a, b, rel_tol=1e-3) for a, b in zip(row[key], expected, strict=True))
    assert not derived["recipes"]["seed"]["speed"].measurable  # the baseline against itself: 1
    single = [n for n in rows if n in recipes.SINGLE_MODEL]
    assert derived["fastest_per_epoch"] == min(single, key=lambda n: derived["recipes"][n]["us"])
    assert derived["fastest_end_to_end"] == min(single, key=lambda n: derived["recipes"][n]["end_to_end_s"])
    numpy = derived["numpy_vs_fastest"]
    assert numpy.low <= numpy.value <= numpy.high
    assert derived["floor_vs_fastest"] > 1  # no recipe beats the arithmetic alone


def test_compile_times_come_from_fresh_processes(tmp_path):
    """--cold-warm's machinery: the recipe is built in two new processes sharing one cache folder.

    A recipe that does not compile keeps it quick here; the race runs it for the compiled steps.
    """
    args = race.parse_args(["--device", "cpu", "--models", "2"])
    cold, warm = race.cold_and_warm("by_hand", args)
    assert cold >= 0 and warm >= 0


BAD = [
    (["--quick", "--cold-warm"], "--cold-warm times compiles: it cannot go with --quick or --no-compile"),
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
