"""The threading lab: `--quick` runs and writes a well-formed, stamped result; its figures build,
with and without a result file; and the parallel-region probe tells relu from log_softmax.

Only shapes and facts are checked, never a timing: times depend on the machine and its load.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import figures_threading, threading_lab
from tests.quick_runs import quick_file, rejected_options

LINUX = Path("/proc/self/task").is_dir()


@pytest.fixture(scope="module")
def quick(threading_quick_run) -> dict:
    return quick_file(threading_quick_run, "threading")


def test_result_is_stamped_and_complete(quick):
    assert quick["benchmark"] == "threading" and quick["quick"] is True
    assert quick["command"].startswith("python -m benchmarks.threading_lab --quick")
    stamp = quick["stamp"]
    assert {"date", "cpu", "logical_cpus", "usable_cpus", "torch", "cpu_generation", "hypervisor",
            "cpu_quota"} <= set(stamp)
    results = quick["results"]
    counts = results["thread_counts"]
    assert counts[0] == 1 and results["usable_cpus"] in counts and counts[-1] == 2 * results["usable_cpus"]
    for condition in ("idle", "loaded"):
        for workload in ("iris_epoch", "matmul"):
            points = results["sweep"][condition][workload]
            assert [p["threads"] for p in points] == counts
            for p in points:
                assert p["q1_s"] <= p["median_s"] <= p["q3_s"]
                assert len(p["samples_s"]) == results["settings"]["rounds"]
    many = str(max(2, results["usable_cpus"]))
    for op in results["tiny_ops"]:
        assert set(op["idle"]) == set(op["loaded"]) == {"1", many}


@pytest.mark.skipif(not LINUX, reason="the probe counts threads in /proc/self/task (Linux only)")
def test_which_tiny_ops_open_a_parallel_region(quick):
    """relu on 120x10 runs inline; on a million elements it is above the grain size and goes parallel."""
    found = {op["op"]: op["opens_parallel_region"] for op in quick["results"]["tiny_ops"]}
    assert found == {"relu": False, "log_softmax_backward": True, "relu (1000x1000)": True}


def test_figures_from_the_quick_result(quick, tmp_path):
    figures_threading.make([quick], tmp_path, tmp_path)
    en = (tmp_path / "threading.en.md").read_text(encoding="utf-8")
    zh = (tmp_path / "threading.zh.md").read_text(encoding="utf-8")
    assert "`--quick`" in en and "`--quick`" in zh
    assert "assets/plots/threading-test.svg" in en and "log_softmax_backward" in zh
    assert (tmp_path / "threading-test.en.svg").is_file() and (tmp_path / "threading-test.zh.svg").is_file()


def test_figures_without_a_result_file(tmp_path):
    (tmp_path / "threading-old.en.svg").write_text("stale")
    figures_threading.make([], tmp_path, tmp_path)
    assert "python -m benchmarks.threading_lab" in (tmp_path / "threading.en.md").read_text(encoding="utf-8")
    assert "python -m benchmarks.threading_lab" in (tmp_path / "threading.zh.md").read_text(encoding="utf-8")
    assert not list(tmp_path.glob("*.svg"))


@pytest.mark.parametrize("args, message", [
    (["--out", "x.txt"], "error: argument --out: must name a .json file, got 'x.txt'"),
    (["--rounds", "3"], "error: unrecognized arguments: --rounds 3"),
])
def test_bad_options_are_argparses_error(args, message, capsys):
    lines = rejected_options(threading_lab.main, args, capsys)
    assert lines[0].startswith("usage: python -m benchmarks.threading_lab"), lines
    assert lines[-1] == f"python -m benchmarks.threading_lab: {message}"


@pytest.mark.parametrize(("usable", "counts"), [
    (1, [1, 2]), (2, [1, 2, 4]), (6, [1, 2, 3, 4, 5, 6, 12]),
    (64, [1, 2, 3, 4, 5, 6, 7, 8, 16, 32, 64, 128]),
])
def test_thread_counts(usable, counts):
    assert threading_lab.thread_counts(usable) == counts
