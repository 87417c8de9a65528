"""The anatomy of one CPU epoch: its epochs compute the same thing, `--quick` writes a well-formed
result, and the stacked bars and tables build from it in both languages.

Only shapes and equalities are checked, never a timing: the times depend on the machine and its load.
"""

from __future__ import annotations

from collections import Counter

import pytest
import torch

from benchmarks import anatomy, figures_anatomy
from benchmarks.anatomy import (
    EPOCHS,
    PHASES,
    SETTINGS,
    by_hand_calls,
    by_hand_epoch,
    functional_epoch,
    phased_epoch,
)
from benchmarks.timing import make_epoch
from snippets.iris_setup import IrisMLP, load_iris_tensors
from snippets.overhead_launch import count_ops, metadata_only
from tests.quick_runs import quick_file, rejected_options

CPU = torch.device("cpu")


@pytest.fixture(scope="module")
def quick(anatomy_quick_run) -> dict:
    return quick_file(anatomy_quick_run, "anatomy")


def _losses(make, epochs=30):
    torch.manual_seed(0)
    x, y, _, _ = load_iris_tensors()
    epoch = make(IrisMLP(), x, y)
    return [epoch() for _ in range(epochs)]


def test_the_epochs_compute_the_same_losses():
    """seed, functional, by hand and the profiled seed epoch: the same losses, bit for bit."""
    seed = _losses(make_epoch)
    assert _losses(functional_epoch) == seed
    assert _losses(by_hand_epoch) == seed
    assert _losses(phased_epoch) == seed
    assert seed[-1] < seed[0]  # it learns


def _computing_leaves(make):
    """The ATen ops that do the work: computing ops that call no other ATen op."""
    x, y, _, _ = load_iris_tensors()
    torch.manual_seed(0)
    epoch = make(IrisMLP(), x, y)
    epoch()
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
        epoch()
    return Counter(e.name for e in prof.events() if e.name.startswith("aten::")
                   and not any(c.name.startswith("aten::") for c in e.cpu_children)
                   and not metadata_only(e.name))


def test_the_epochs_run_the_same_computing_ops():
    """What is removed is the code around the work: every epoch does the same work, op for op."""
    seed = _computing_leaves(make_epoch)
    assert _computing_leaves(functional_epoch) == seed
    assert _computing_leaves(by_hand_epoch) == seed


def test_functional_runs_the_seeds_aten_ops_and_by_hand_fewer():
    x, y, _, _ = load_iris_tensors()
    seed = count_ops(make_epoch(IrisMLP(), x, y), CPU)
    functional = count_ops(functional_epoch(IrisMLP(), x, y), CPU)
    by_hand = count_ops(by_hand_epoch(IrisMLP(), x, y), CPU)
    assert functional["top_level_by_name"] == seed["top_level_by_name"]
    assert functional["aten_ops"] == seed["aten_ops"]
    assert by_hand["aten_ops"] < seed["aten_ops"]
    assert all(r["issued_by"] == "Python" for r in by_hand["top_level"])  # no autograd engine


def test_by_hand_calls_are_the_calls_of_the_epoch():
    """The calls timed alone are as many as the epoch by hand makes, and do what they say."""
    x, y, _, _ = load_iris_tensors()
    torch.manual_seed(0)
    calls = by_hand_calls(IrisMLP(), x, y)
    assert len(calls) == count_ops(by_hand_epoch(IrisMLP(), x, y), CPU)["top_level_ops"]
    results = dict((name, fn()) for name, fn in calls)
    assert results["linear (fc1)"].shape == (len(y), 10) and results["mm (w1 gradient)"].shape == (10, 4)
    assert isinstance(results["item"], float)


def test_result_file_shape(quick):
    assert quick["benchmark"] == "anatomy" and quick["quick"] is True
    assert quick["command"].startswith("python -m benchmarks.anatomy --quick")
    r = quick["results"]
    assert r["settings"] == SETTINGS["quick"]
    assert r["counts"]["flops"] == 40_800
    threads = [v["threads"] for v in r["variants"]]
    assert threads[0] == 1 and threads == sorted(set(threads))
    k = r["settings"]["scale"]
    for variant in r["variants"]:
        assert set(variant["epochs"]) == {*EPOCHS, f"by_hand_x{k}"}
        for epoch in variant["epochs"].values():
            assert len(epoch["epoch_rounds_s"]) == r["settings"]["turns"]
            assert all(s > 0 for s in epoch["epoch_rounds_s"])
        assert len(variant["ops_alone"]) == r["counts"]["by_hand"]["top_level_ops"]
        assert set(variant["trivial_calls"]) == {"torch_add_", "torch_t", "numpy_add"}
        assert variant["matmul_flops_per_s"] > 0
        phases = variant["profile"]["phases"]
        assert [p["phase"] for p in phases] == list(PHASES)
        assert sum(p["aten_ops"] for p in phases) == r["counts"]["seed"]["aten_ops"]
        assert all(p["range_s"] >= p["in_top_level_ops_s"] >= 0 for p in phases)


def test_slices_add_up_by_construction(quick):
    """Per turn, the four slices add up to the seed epoch exactly; the figures show their medians."""
    for variant in quick["results"]["variants"]:
        parts = figures_anatomy.slices(variant)
        seed = variant["epochs"]["seed"]["epoch_rounds_s"]
        for turn, total in enumerate(seed):
            assert sum(parts[name][turn] for name in figures_anatomy.SLICES) == pytest.approx(total)


def test_figures(quick, tmp_path):
    from tests.test_glossary import avoided, prose

    figures_anatomy.make([quick], tmp_path, tmp_path)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["anatomy-test.en.svg", "anatomy-test.zh.svg", "anatomy.en.md", "anatomy.zh.md"]
    variants = avoided()
    for lang in ("zh", "en"):
        text = (tmp_path / f"anatomy.{lang}.md").read_text(encoding="utf-8")
        assert "results/anatomy-test.json" in text and "assets/plots/anatomy-test.svg" in text
        assert text.count("??? info") == 2 * len(quick["results"]["variants"])
        for name in figures_anatomy.SLICES:
            assert figures_anatomy.T[lang][name] in text
        if lang == "zh":
            assert not [v for v in variants if v in prose(text)]


def test_figures_without_a_result(tmp_path):
    figures_anatomy.make([], tmp_path, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["anatomy.en.md", "anatomy.zh.md"]
    assert "python -m benchmarks.anatomy" in (tmp_path / "anatomy.en.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("args, message", [
    (["--bogus"], "error: unrecognized arguments: --bogus"),
    (["--out", "anatomy.txt"], "error: argument --out: must name a .json file, got 'anatomy.txt'"),
])
def test_bad_options_are_argparses_error(args, message, capsys):
    lines = rejected_options(anatomy.main, args, capsys)
    assert lines[0].startswith("usage: python -m benchmarks.anatomy"), lines
    assert lines[-1] == f"python -m benchmarks.anatomy: {message}"
