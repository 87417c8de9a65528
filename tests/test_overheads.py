"""The overheads benchmark: `--quick` runs, writes a well-formed result file, and its figures build.

Only shapes and sanity are checked, never a timing: the times depend on the machine and its load.
"""

from __future__ import annotations

import copy
import json
import math
import os
import subprocess
import sys

import pytest
import torch

from benchmarks.overheads import crossover, measure_numpy
from benchmarks.timing import make_epoch
from snippets.iris_setup import IrisMLP, load_iris_tensors, train_full_batch
from snippets.overhead_launch import count_ops
from tests.pages import ROOT

STAMP_KEYS = {"date", "cpu", "physical_cores", "logical_cpus", "usable_cpus", "torch_threads", "torch",
              "cuda", "gpu", "os"}


def _run(*args, timeout=120):
    env = dict(os.environ, PYTHONHASHSEED="0", MPLBACKEND="Agg")
    return subprocess.run([sys.executable, "-m", "benchmarks.overheads", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def quick(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("overheads") / "overheads-test.json"
    result = _run("--quick", "--out", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    data = json.loads(out.read_text(encoding="utf-8"))
    data["file"] = "results/overheads-test.json"  # what make_figures.load_results adds
    return data


def _times(value):
    """Every number under a key ending in _s, anywhere in the result."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key.endswith("_s") and isinstance(item, (int, float)):
                yield key, item
            else:
                yield from _times(item)
    elif isinstance(value, list):
        for item in value:
            yield from _times(item)


def test_result_file_shape(quick):
    assert quick["benchmark"] == "overheads"
    assert quick["quick"] is True
    assert quick["command"].startswith("python -m benchmarks.overheads --quick")
    assert set(quick["stamp"]) >= STAMP_KEYS
    assert set(quick["results"]) == {"settings", "transfer", "launch", "underuse", "numpy"}


def test_every_time_is_a_positive_number(quick):
    times = list(_times(quick["results"]))
    times += [("underuse grid", s) for row in quick["results"]["underuse"]["cpu"] for s in row]
    assert len(times) > 10
    bad = [(key, value) for key, value in times if not (math.isfinite(value) and value > 0)]
    assert not bad, bad


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
    assert {"aten::mm", "aten::add_", "aten::item"} <= set(cpu["top_level_by_name"])
    assert quick["results"]["launch"]["flops_per_epoch"] > 0


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
    (["--out", "results.txt"], "error: --out must name a .json file, not 'results.txt'"),
])
def test_bad_options_are_argparses_error(args, message):
    result = _run(*args)
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("usage: python -m benchmarks.overheads"), result.stderr
    assert lines[-1] == f"python -m benchmarks.overheads: {message}"
    assert "Traceback" not in result.stderr


def test_figures_from_a_cpu_result(quick, tmp_path):
    from benchmarks import figures_overheads

    figures_overheads.make([quick], tmp_path, tmp_path)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert "overheads-underuse-test.zh.svg" in names and "overheads-underuse-test.en.svg" in names
    for lang in ("zh", "en"):
        for part in ("transfer", "launch", "underuse", "numpy"):
            text = (tmp_path / f"overheads-{part}.{lang}.md").read_text(encoding="utf-8")
            assert "results/overheads-test.json" in text and quick["stamp"]["date"] in text
        pending = "GPU 数据待测" if lang == "zh" else "GPU figures pending"
        if not torch.cuda.is_available():
            assert pending in (tmp_path / f"overheads-transfer.{lang}.md").read_text(encoding="utf-8")


def test_figures_gpu_code_paths(quick, tmp_path):
    """The GPU branches of the figures, fed a result whose 'cuda' parts are copies of the CPU ones.

    This data is built here only to run the code; it is never written to results/ or shown.
    """
    from benchmarks import figures_overheads

    fake = copy.deepcopy(quick)
    r = fake["results"]
    r["underuse"]["cuda"] = r["underuse"]["cpu"]
    r["underuse"]["crossover_batch"] = crossover(r["underuse"]["batch_sizes"], r["underuse"]["cpu"],
                                                 r["underuse"]["cpu"])
    r["launch"]["cuda"] = dict(r["launch"]["cpu"], gpu_activities=1)
    r["transfer"]["item"]["cuda"] = r["transfer"]["item"]["cpu"]
    r["transfer"]["copies"]["cuda"] = [
        {"bytes": size, "memory": memory, "non_blocking": nb, "h2d_s": 1.0, "h2d_gb_per_s": size / 1e9,
         "h2d_returns_s": 1.0, "d2h_s": 1.0, "d2h_gb_per_s": size / 1e9, "d2h_returns_s": 1.0}
        for size in (8, 1024) for memory in ("pageable", "pinned") for nb in (False, True)]
    figures_overheads.make([fake], tmp_path, tmp_path)
    assert (tmp_path / "overheads-transfer-test.en.svg").is_file()
    text = (tmp_path / "overheads-transfer.en.md").read_text(encoding="utf-8")
    assert "assets/plots/overheads-transfer-test.svg" in text and "pending" not in text
