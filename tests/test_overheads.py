"""The overheads benchmark: `--quick` runs, writes a well-formed result file, and its figures build.

Only shapes and sanity are checked, never a timing: the times depend on the machine and its load.
"""

from __future__ import annotations

import copy
import json
import math
import statistics

import pytest
import torch

from benchmarks import overheads
from benchmarks.overheads import SETTINGS, crossover, measure_numpy
from benchmarks.timing import make_epoch, per_call_samples, time_per_call
from snippets.iris_setup import IrisMLP, load_iris_tensors, synchronize, train_full_batch
from snippets.overhead_launch import count_ops, metadata_only
from tests.pages import ROOT
from tests.quick_runs import rejected_options, result_of_dry_run

STAMP_KEYS = {"date", "cpu", "physical_cores", "logical_cpus", "usable_cpus", "torch_threads", "torch",
              "cuda", "gpu", "os"}


@pytest.fixture(scope="module")
def quick(dry_run) -> dict:
    """The GPU session's dry run runs `python -m benchmarks.overheads --quick --out ...`: its file."""
    return result_of_dry_run(*dry_run, "overheads", "overheads")


def _times(value):
    """Every number under a key ending in _s (medians, and per-round values in lists), anywhere."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key.endswith("_s") and isinstance(item, (int, float)):
                yield key, item
            elif key.endswith("_rounds_s"):
                yield from ((key, v) for v in item)
            else:
                yield from _times(item)
    elif isinstance(value, list):
        for item in value:
            yield from _times(item)


def _medians_and_rounds(value, path=""):
    """(path, median, rounds) for every timing stored as name_s beside name_rounds_s."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key.endswith("_rounds_s"):
                yield f"{path}.{key}", value[key.removesuffix("_rounds_s") + "_s"], item
            else:
                yield from _medians_and_rounds(item, f"{path}.{key}")
    elif isinstance(value, list):
        for number, item in enumerate(value):
            yield from _medians_and_rounds(item, f"{path}[{number}]")


def test_result_file_shape(quick):
    assert quick["benchmark"] == "overheads"
    assert quick["quick"] is True
    assert quick["command"].startswith("python -m benchmarks.overheads --quick")
    assert set(quick["stamp"]) >= STAMP_KEYS
    assert set(quick["results"]) == {"profile", "settings", "transfer", "launch", "underuse", "numpy"}
    assert quick["results"]["profile"] == "quick" and quick["results"]["settings"] == SETTINGS["quick"]


def test_every_time_is_a_positive_number(quick):
    times = list(_times(quick["results"]))
    times += [("underuse grid", s) for row in quick["results"]["underuse"]["cpu"] for s in row]
    times += [("underuse rounds", s) for row in quick["results"]["underuse"]["cpu_rounds"]
              for cell in row for s in cell]
    assert len(times) > 10
    bad = [(key, value) for key, value in times if not (math.isfinite(value) and value > 0)]
    assert not bad, bad


def test_every_time_keeps_its_rounds_and_median(quick):
    """Each median is stored with the per-round values it is the median of (for IQR and intervals)."""
    found = list(_medians_and_rounds(quick["results"]))
    assert len(found) > 8
    for where, value, rounds in found:
        assert len(rounds) >= 2 and value == statistics.median(rounds), where
    s = quick["results"]["settings"]
    launch, numpy_part = quick["results"]["launch"]["cpu"], quick["results"]["numpy"]
    assert len(launch["epoch_rounds_s"]) == len(numpy_part["numpy_rounds_s"]) == s["repeats"]
    item = quick["results"]["transfer"]["item"]["cpu"]
    assert len(item["epoch_with_item_rounds_s"]) == s["item_rounds"]
    assert len(item["epoch_without_item_rounds_s"]) == s["item_rounds"]
    u = quick["results"]["underuse"]
    assert [[statistics.median(c) for c in row] for row in u["cpu_rounds"]] == u["cpu"]


def test_the_timer_reports_the_median_of_its_rounds():
    """The page's timer: one value per round, time_per_call their median (never a timing assertion)."""
    cpu = torch.device("cpu")
    synchronize(cpu)  # a no-op on the CPU
    x, y, _, _ = load_iris_tensors()
    epoch = make_epoch(IrisMLP(), x, y)
    rounds = per_call_samples(epoch, cpu, repeats=3, min_time=0.001)
    assert len(rounds) == 3 and all(s > 0 for s in rounds)
    assert time_per_call(epoch, cpu, repeats=3, min_time=0.001) > 0


def test_gpu_profile_is_what_ran_on_the_h200():
    """--profile gpu repeats the settings of the committed H200 run, so a new GPU run is comparable."""
    committed = json.loads((ROOT / "results" / "overheads-h200.json").read_text(encoding="utf-8"))
    assert SETTINGS["gpu"] == committed["results"]["settings"]


def test_gpu_parts_are_measured_exactly_where_cuda_exists(quick):
    r = quick["results"]
    has_cuda = torch.cuda.is_available()
    parts = [r["transfer"]["copies"]["cuda"], r["underuse"]["cuda"]]
    for part in parts:
        assert ("not_measured" in part) != has_cuda if isinstance(part, dict) else has_cuda
    assert ("cuda" in r["launch"]) == has_cuda and ("cuda" in r["transfer"]["item"]) == has_cuda
    assert quick["stamp"]["gpu"] is None or has_cuda


def test_launch_counts(quick):
    cpu = quick["results"]["launch"]["cpu"]
    assert cpu["aten_ops"] >= cpu["top_level_ops"] > 10
    assert sum(cpu["top_level_by_name"].values()) == cpu["top_level_ops"]
    assert sum(r["count"] for r in cpu["top_level"]) == cpu["top_level_ops"]
    assert {"aten::mm", "aten::add_", "aten::item"} <= set(cpu["top_level_by_name"])
    assert cpu["computing_ops"] == sum(r["count"] for r in cpu["top_level"] if not r["metadata_only"])
    assert quick["results"]["launch"]["flops_per_epoch"] > 0


def test_op_groups_of_one_cpu_epoch():
    """Who issues each top-level op of one epoch, and which ones only make a view (PyTorch 2.13, CPU)."""
    x, y, _, _ = load_iris_tensors()
    rows = count_ops(make_epoch(IrisMLP(), x, y), torch.device("cpu"))["top_level"]
    by = {(r["op"], r["issued_by"]): r for r in rows}
    python = {op for op, who in by if who == "Python"}
    assert python == {"aten::linear", "aten::relu", "aten::cross_entropy_loss", "aten::ones_like",
                      "aten::add_", "aten::item"}
    assert sum(r["count"] for r in rows if r["issued_by"] == "Python") == 10
    assert sum(r["count"] for r in rows if r["issued_by"] == "autograd engine") == 21
    meta = {r["op"] for r in rows if r["metadata_only"]}
    assert meta == {"aten::t", "aten::view", "aten::detach"}
    assert all(who == "autograd engine" for op, who in by if op in meta)
    assert sum(r["count"] for r in rows if r["metadata_only"]) == 13


@pytest.mark.parametrize("name, expected", [
    ("aten::t", True), ("aten::view", True), ("aten::detach", True), ("aten::transpose", True),
    ("aten::add_", False), ("aten::mm", False), ("aten::item", False), ("aten::linear", False),
    ("aten::_foreach_add_", False), ("aten::ones_like", False),
])
def test_metadata_only_reads_the_schema(name, expected):
    assert metadata_only(name) is expected


def test_underuse_grid_shape(quick):
    u = quick["results"]["underuse"]
    assert len(u["cpu"]) == len(u["batch_sizes"])
    assert all(len(row) == len(u["hidden_widths"]) for row in u["cpu"])


def test_numpy_and_pytorch_agree_in_the_benchmark(quick):
    n = quick["results"]["numpy"]
    assert n["max_loss_difference"] < 1e-5
    assert abs(n["final_loss_torch"] - n["final_loss_numpy"]) < 1e-5


def test_numpy_training_matches_pytorch():
    n = measure_numpy(epochs=30, repeats=1, min_time=0.001)
    assert n["epochs"] == 30 and n["max_loss_difference"] < 1e-5
    assert n["final_loss_numpy"] < 1.2  # it does learn (the first loss is about 1.1)


def test_counting_the_timed_epoch_is_counting_the_seed_loop():
    """The lesson counts train_full_batch(epochs=1); the benchmark counts make_epoch: the same ops."""
    x, y, _, _ = load_iris_tensors()
    cpu = torch.device("cpu")
    model = IrisMLP()
    lesson = count_ops(lambda: train_full_batch(model, x, y, epochs=1), cpu)
    assert count_ops(make_epoch(IrisMLP(), x, y), cpu) == lesson


def test_timed_epoch_is_the_seed_loop():
    """make_epoch (what is timed) computes exactly what iris_setup.train_full_batch does."""
    x, y, _, _ = load_iris_tensors()
    torch.manual_seed(0)
    seed_losses = train_full_batch(IrisMLP(), x, y, epochs=5)
    torch.manual_seed(0)
    epoch = make_epoch(IrisMLP(), x, y)
    assert [epoch() for _ in range(5)] == seed_losses


def test_crossover():
    batches = [10, 100, 1000]
    cpu = [[1, 1], [2, 2], [30, 3]]
    gpu = [[5, 5], [1, 5], [2, 5]]
    assert crossover(batches, cpu, gpu) == [100, None]


@pytest.mark.parametrize("args, message", [
    (["--bogus"], "error: unrecognized arguments: --bogus"),
    (["--out", "results.txt"], "error: argument --out: must name a .json file, got 'results.txt'"),
    (["--profile", "huge"],
     "error: argument --profile: invalid choice: 'huge' (choose from 'quick', 'gpu', 'full')"),
    (["--quick", "--profile", "gpu"], "error: --quick contradicts --profile gpu"),
])
def test_bad_options_are_argparses_error(args, message, capsys):
    lines = rejected_options(overheads.main, args, capsys)
    assert lines[0].startswith("usage: python -m benchmarks.overheads"), lines
    assert lines[-1] == f"python -m benchmarks.overheads: {message}"


def test_figures_from_a_cpu_result(quick, tmp_path):
    from benchmarks import figures_overheads

    figures_overheads.make([quick], tmp_path, tmp_path)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert "overheads-underuse-test.zh.svg" in names and "overheads-underuse-test.en.svg" in names
    for lang in ("zh", "en"):
        for part in ("transfer", "launch", "underuse", "numpy"):
            text = (tmp_path / f"overheads-{part}.{lang}.md").read_text(encoding="utf-8")
            assert "results/overheads-test.json" in text and quick["stamp"]["date"] in text
            assert ("四分位距" if lang == "zh" else "interquartile range") in text
        for part in ("where", "findings", "verdict"):
            assert (tmp_path / f"overheads-{part}.{lang}.md").read_text(encoding="utf-8").strip()
        no_gpu = "没有 GPU 部分" if lang == "zh" else "it has no GPU part"
        if not torch.cuda.is_available():
            assert no_gpu in (tmp_path / f"overheads-transfer.{lang}.md").read_text(encoding="utf-8")
        findings = (tmp_path / f"overheads-findings.{lang}.md").read_text(encoding="utf-8")
        assert ("95 % 置信区间" if lang == "zh" else "95 % CI") in findings


def test_generated_chinese_uses_the_glossary(quick, tmp_path):
    from benchmarks import figures_overheads
    from tests.test_glossary import avoided, prose

    figures_overheads.make([quick], tmp_path, tmp_path)
    variants = avoided()
    for path in tmp_path.glob("*.zh.md"):
        text = prose(path.read_text(encoding="utf-8"))
        assert not [v for v in variants if v in text], path.name


def test_figures_without_results(tmp_path):
    from benchmarks import figures_overheads

    figures_overheads.make([], tmp_path, tmp_path)
    text = (tmp_path / "overheads-launch.en.md").read_text(encoding="utf-8")
    assert "python -m benchmarks.overheads" in text
    assert not list(tmp_path.glob("*.svg"))


def test_figures_gpu_code_paths(quick, tmp_path):
    """The GPU branches of the figures, fed a result whose 'cuda' parts are copies of the CPU ones.

    This data is built here only to run the code; it is never written to results/ or shown.
    """
    from benchmarks import figures_overheads

    fake = copy.deepcopy(quick)
    r = fake["results"]
    r["underuse"]["cuda"] = r["underuse"]["cpu"]
    r["underuse"]["cuda_rounds"] = r["underuse"]["cpu_rounds"]
    r["underuse"]["crossover_batch"] = crossover(r["underuse"]["batch_sizes"], r["underuse"]["cpu"],
                                                 r["underuse"]["cpu"])
    r["launch"]["cuda"] = dict(r["launch"]["cpu"], gpu_activities=1)
    r["transfer"]["item"]["cuda"] = r["transfer"]["item"]["cpu"]
    r["transfer"]["copies"]["cuda"] = [
        {"bytes": size, "memory": memory, "non_blocking": nb, "h2d_s": 1.0, "h2d_rounds_s": [1.0, 1.0],
         "h2d_gb_per_s": size / 1e9, "h2d_returns_s": 1.0, "d2h_s": 1.0, "d2h_rounds_s": [1.0, 1.0],
         "d2h_gb_per_s": size / 1e9, "d2h_returns_s": 1.0}
        for size in (8, 1024) for memory in ("pageable", "pinned") for nb in (False, True)]
    figures_overheads.make([fake], tmp_path, tmp_path)
    assert (tmp_path / "overheads-transfer-test.en.svg").is_file()
    text = (tmp_path / "overheads-transfer.en.md").read_text(encoding="utf-8")
    assert "assets/plots/overheads-transfer-test.svg" in text and "no GPU part" not in text
    for lang in ("zh", "en"):
        verdict = (tmp_path / f"overheads-verdict.{lang}.md").read_text(encoding="utf-8")
        assert ("批大小" if lang == "zh" else "batch") in verdict
        findings = (tmp_path / f"overheads-findings.{lang}.md").read_text(encoding="utf-8")
        assert fake["stamp"]["date"] in findings


def test_figures_of_a_file_with_medians_only(tmp_path):
    """results/overheads-h200.json was written before the rounds were kept: its figures say so."""
    from benchmarks import figures_overheads

    data = json.loads((ROOT / "results" / "overheads-h200.json").read_text(encoding="utf-8"))
    data["file"] = "results/overheads-h200.json"
    figures_overheads.make([data], tmp_path, tmp_path)
    text = (tmp_path / "overheads-launch.en.md").read_text(encoding="utf-8")
    assert "holds only the median" in text
    assert "| cuda | 64 | – | – | 13 | 24 |" in text
    findings = (tmp_path / "overheads-findings.en.md").read_text(encoding="utf-8")
    assert "measured on an NVIDIA H200 (torch 2.11, 2026-11-30)" in findings.replace("Measured", "measured")
