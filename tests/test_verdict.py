"""The home page's verdict and the results page's headline (benchmarks/figures_verdict.py).

The wording must follow the evidence by itself: with CPU results only, the GPU side is a prediction and
the crossover is pending; once a result measured on CUDA is committed, both say "measured" and give its
numbers. The GPU results below are synthetic test data, built here and never written under results/.
"""

from __future__ import annotations

import copy

import pytest

from benchmarks import figures_verdict as verdict_module
from benchmarks.figures_verdict import headline, make, verdict
from benchmarks.make_figures import load_results
from tests.test_glossary import avoided, prose

# One CPU epoch's top-level ops as an older overheads file lists them (results/overheads-h200.json):
# 31 in all, 13 of them metadata-only (t, view, detach)
TOP_LEVEL_BY_NAME = {
    "aten::_log_softmax_backward_data": 1, "aten::add_": 4, "aten::cross_entropy_loss": 1, "aten::detach": 4,
    "aten::item": 1, "aten::linear": 2, "aten::mm": 3, "aten::nll_loss_backward": 1, "aten::ones_like": 1,
    "aten::relu": 1, "aten::sum": 2, "aten::t": 7, "aten::threshold_backward": 1, "aten::view": 2,
}

PENDING = {"zh": ["待测", "（预测"], "en": ["not measured yet", "(predicted"]}
MEASURED = {
    "zh": ["GPU（实测）", "交叉点（实测）", "全部为实测"],
    "en": ["GPU (measured)", "Crossover (measured)", "All measured"],
}


def _stamp(cpu: str, gpu: str | None = None) -> dict:
    return {
        "date": "2000-01-01",
        "cpu": cpu,
        "physical_cores": 8,
        "logical_cpus": 16,
        "usable_cpus": 16,
        "torch_threads": 8,
        "python": "3.12.0",
        "torch": "0.0.0-test",
        "cuda": "0.0" if gpu else None,
        "gpu": gpu,
        "device": "cuda" if gpu else "cpu",
    }


def _recipe(name: str, us: float, base_us: float, models: int = 1, setup_s: float = 0.0) -> dict:
    turns = [us * models * f for f in (0.9, 0.95, 1.0, 1.05, 1.1)]
    return {
        "name": name,
        "models": models,
        "us_per_epoch": us * models,
        "us_per_model_epoch": us,
        "chunk_us": turns,
        "speedup": base_us / us,
        "setup_s": setup_s,
        "seconds": us * 0.02,
        "total_s": us * 0.02 + setup_s,
    }


def synthetic_race(device: str, seed_us: float, stamp: dict, name: str, graph: float = 0.25) -> dict:
    """A race result shaped like snippets' race output; TEST DATA, never committed."""
    recipes = [_recipe("seed", seed_us, seed_us), _recipe("no_sync", seed_us * 0.8, seed_us)]
    if device == "cuda":
        recipes.append(_recipe("cuda_graph", seed_us * graph, seed_us, setup_s=0.5))
    recipes.append(_recipe("many_models", seed_us / 50, seed_us, models=64))
    return {
        "benchmark": "race",
        "file": f"results/race-{name}.json",
        "quick": False,
        "command": "test",
        "stamp": stamp,
        "results": {
            "device": device,
            "epochs": 20000,
            "chunk": 1000,
            "recipes": recipes,
            "skipped": [],
            "arithmetic": {"macs_per_epoch": 20400},
        },
    }


def synthetic_gpu_overheads(stamp: dict, name: str) -> dict:
    """An overheads result measured on CUDA, with its crossover; TEST DATA, never committed."""
    per_device = {"cpu": (240e-6, 8e-6), "cuda": (610e-6, 20e-6)}
    return {
        "benchmark": "overheads",
        "file": f"results/overheads-{name}.json",
        "quick": False,
        "command": "test",
        "stamp": stamp,
        "results": {
            "transfer": {
                "item": {
                    d: {
                        "item_idle_s": 1e-7 if d == "cpu" else 9e-6,
                        "epochs": 20000,
                        "epoch_with_item_s": e,
                        "epoch_without_item_s": e * 0.9,
                    }
                    for d, (e, _) in per_device.items()
                }
            },
            "launch": {
                d: {"aten_ops": 84, "top_level_ops": 31, "epoch_s": e, "epoch_s_per_top_level_op": op,
                    "top_level_by_name": TOP_LEVEL_BY_NAME}
                for d, (e, op) in per_device.items()
            },
            "underuse": {
                "batch_sizes": [120, 1200, 12000],
                "hidden_widths": [10, 1000],
                "cpu": [[2e-4, 5e-4], [4e-4, 4e-3], [1e-3, 1e-1]],
                "cuda": [[6e-4, 6e-4], [6e-4, 7e-4], [7e-4, 9e-4]],
                "crossover_batch": [12000, 1200],
            },
            "numpy": {"epochs": 2000, "torch_eager_s": 236e-6, "numpy_s": 41e-6},
        },
    }


def gpu_machine(gpu_seed_us: float = 610.0, graph: float = 0.25) -> list[dict]:
    """One GPU machine: its CPU race, its CUDA race (the CUDA graph at `graph` times the seed loop's
    time) and its overheads with the crossover."""
    stamp = _stamp("Test Host CPU", gpu="Test GPU X")
    cpu_stamp = dict(stamp, device="cpu")  # the same machine, its CPU side
    return [
        synthetic_race("cpu", 150.0, cpu_stamp, "cpu-testhost"),
        synthetic_race("cuda", gpu_seed_us, stamp, "cuda-testgpu", graph),
        synthetic_gpu_overheads(stamp, "cuda-testgpu"),
    ]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_without_a_gpu_result_the_gpu_side_is_predicted_and_pending(lang):
    results = [
        r
        for r in load_results()
        if r["results"].get("device", "cpu") == "cpu"
        and not isinstance(r["results"].get("underuse", {}).get("cuda"), list)
    ]
    if not any(r["benchmark"] == "race" for r in results):
        pytest.skip("no CPU race result committed")
    text = verdict(copy.deepcopy(results), lang)
    assert all(word in text for word in PENDING[lang]), text
    assert not any(word in text for word in MEASURED[lang]), text
    assert text.count("!!! ") == 1, "the home page says what is measured and what is not once, in one box"
    assert verdict_module.DECISION in text, "the verdict links to the full decision section"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_gpu_result_switches_the_wording_to_measured(lang):
    text = verdict(gpu_machine(), lang)
    assert all(word in text for word in MEASURED[lang]), text
    assert not any(word in text for word in PENDING[lang]), text
    assert "610 µs" in text and "150 µs" in text, "the GPU and same-host CPU medians are quoted"
    assert "1200" in text and "12 000" in text, "the measured crossover per hidden width is quoted"
    assert text.count("!!! ") == 1
    assert "Iris" in text.splitlines()[0]
    table = headline(gpu_machine(), lang)
    assert not any(word in table for word in PENDING[lang]), table
    assert "610 µs" in table and "Test GPU X" in table


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_gpu_faster_than_the_cpu_turns_the_answer_round(lang):
    text = verdict(gpu_machine(gpu_seed_us=100.0), lang)
    first = text.splitlines()[0]
    assert "Test GPU X" in first and "GPU" in first, first
    assert ("GPU 的速度是 CPU 的 1.5 倍" if lang == "zh" else "the GPU runs at 1.5× the CPU's speed") in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_gpu_recipe_faster_than_the_cpu_loop_is_said_in_the_answer(lang):
    """The seed loop is faster on the CPU, but the CUDA graph beats it (as on the H200): the answer says
    both, and how much faster the recipe is than the CPU's loop."""
    text = verdict(gpu_machine(graph=0.1), lang)
    first = text.splitlines()[0]
    assert ("CUDA 图" if lang == "zh" else "CUDA graph") in first, first
    assert ("速度是 CPU 基线的 2.5 倍" if lang == "zh" else "2.5× the CPU baseline's speed") in text
    plain = verdict(gpu_machine(graph=0.5), lang).splitlines()[0]
    assert "CUDA" not in plain, "no GPU recipe beats the CPU: the answer is the CPU alone"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_gpu_race_without_a_measured_crossover_keeps_the_crossover_pending(lang):
    results = [r for r in gpu_machine() if r["benchmark"] == "race"]
    text = verdict(results, lang)
    assert MEASURED[lang][0] in text and MEASURED[lang][1] not in text
    assert PENDING[lang][0] in text and MEASURED[lang][2] not in text


def test_no_result_at_all_gives_a_sentence_not_a_crash(tmp_path):
    make([], tmp_path, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "headline.en.md",
        "headline.zh.md",
        "verdict.en.md",
        "verdict.zh.md",
    ]
    assert "。" in (tmp_path / "verdict.zh.md").read_text(encoding="utf-8")


def test_chinese_text_for_every_case_uses_the_glossary_terms():
    variants = avoided()
    cases = [load_results(), gpu_machine(), gpu_machine(gpu_seed_us=100.0)]
    texts = [f(copy.deepcopy(c), "zh") for c in cases for f in (verdict, headline)]
    found = sorted({v for text in texts for v in variants if v in prose(text)})
    assert not found, f"variants the glossary avoids: {found}"


def test_machine_headings_have_the_same_id_in_both_languages():
    for results in (load_results(), gpu_machine()):
        ids = [
            [
                line.rsplit("{", 1)[1]
                for line in headline(copy.deepcopy(results), lang).splitlines()
                if line.startswith("### ")
            ]
            for lang in ("zh", "en")
        ]
        assert ids[0] == ids[1] and all("#machine-" in i for i in ids[0])
