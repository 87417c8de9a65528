"""The machine report: architecture names, wording in both languages, and bad input, all on a CPU.

GPU facts are recorded device properties of real cards (tests/data/gpu_properties.json, each with
its source), fed to the renderer in place of torch.cuda.get_device_properties().
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.pages import ROOT

sys.path.insert(0, str(ROOT / "snippets" / "hardware"))
import machine_report as mr
from recorded_gpus import RECORDED

SCRIPT = ROOT / "snippets" / "hardware" / "machine_report.py"
CARDS = json.loads((ROOT / "tests" / "data" / "gpu_properties.json").read_text())["gpus"]


def _machine(gpus, **cpu):
    """A whole recorded machine: a 2-CPU box with the given GPUs."""
    base = {"model": "Test CPU", "arch": "x86_64", "physical_cores": 2, "logical_cpus": 2,
            "usable_cpus": 2, "features": ["AVX2", "FMA"], "torch_capability": "AVX2",
            "torch_threads": 2}
    return {"date": "2026-01-01", "cpu": dict(base, **cpu), "memory_bytes": 16 * 2**30,
            "python": "3.11.7", "torch": "2.13.0", "cuda": "12.8" if gpus else None,
            "cuda_arch_list": [], "gpus": gpus, "mps_built": False, "mps_available": False}


@pytest.mark.parametrize(("version", "name"), [
    ((3, 5), "Kepler"), ((5, 2), "Maxwell"), ((6, 0), "Pascal"), ((6, 1), "Pascal"),
    ((7, 0), "Volta"), ((7, 2), "Volta"), ((7, 5), "Turing"), ((8, 0), "Ampere"),
    ((8, 6), "Ampere"), ((8, 7), "Ampere"), ((8, 9), "Ada Lovelace"), ((9, 0), "Hopper"),
    ((10, 0), "Blackwell"), ((10, 3), "Blackwell"), ((12, 0), "Blackwell"), ((12, 1), "Blackwell"),
    ((42, 0), None),
])
def test_compute_capability_names_the_architecture(version, name):
    assert mr.architecture(*version) == name


@pytest.mark.parametrize("card", CARDS, ids=lambda card: card["name"])
def test_recorded_cards_map_to_their_architecture_and_tier(card):
    assert mr.architecture(card["major"], card["minor"]) == card["expect_arch"]
    assert mr.guess_tier(card["name"]) == card["expect_tier"]


@pytest.mark.parametrize("name", ["NVIDIA RTX A6000", "NVIDIA RTX 6000 Ada Generation",
                                  "Quadro RTX 8000"])
def test_workstation_cards(name):
    assert mr.guess_tier(name) == "workstation"


def test_recorded_cards_in_the_page_are_the_cited_ones():
    cited = {card["name"]: card for card in CARDS}
    for card in RECORDED:
        assert {key: cited[card["name"]][key] for key in card} == card


def test_english_wording():
    text = mr.render_gpus(RECORDED, lang="en")
    assert "compute capability 6.1: Pascal, consumer tier" in text
    assert "no tensor cores" in text
    assert "compute capability 8.9: Ada Lovelace" in text
    assert "compute capability 9.0: Hopper, datacenter tier" in text
    assert "streaming multiprocessors (SMs): 132" in text
    assert "memory (VRAM): 79.2 GiB" in text
    assert "tensor cores run fast: FP16, BF16, TF32, FP8" in text
    assert "about 5.3 billion parameters" in text


def test_chinese_wording():
    text = mr.render_gpus(RECORDED, lang="zh")
    assert "计算能力 6.1：Pascal，消费级" in text
    assert "没有张量核心" in text
    assert "计算能力 9.0：Hopper，数据中心级" in text
    assert "流式多处理器（SM）：132 个" in text
    assert "显存：79.2 GiB" in text
    assert "FP16、BF16、TF32、FP8" in text
    assert "最多约 53 亿个参数" in text
    assert "核心" not in text.replace("张量核心", "")  # a GPU has no 核心 in this glossary


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_outputs_are_current(lang):
    shown = ROOT / "snippets" / "hardware" / "output" / f"recorded-gpus.{lang}.txt"
    assert shown.read_text(encoding="utf-8") == mr.render_gpus(RECORDED, lang) + "\n", (
        f"regenerate {shown.name} from render_gpus(RECORDED, {lang!r})")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_cpu_only_machine(lang):
    text = mr.render(_machine([]), lang)
    assert ("torch.cuda.is_available() is False" in text) if lang == "en" else ("为 False" in text)
    assert ("CPU only" in text) if lang == "en" else ("仅 CPU" in text)


def test_several_gpus_and_one_selected():
    facts = _machine([CARDS[1], CARDS[3]])
    text = mr.render(facts, "en")
    assert "GPU 0: NVIDIA A100-SXM4-40GB" in text and "GPU 1: NVIDIA H100 80GB HBM3" in text
    one = mr.render(mr.select_gpu(facts, 1), "en")
    assert "GPU 1: NVIDIA H100 80GB HBM3" in one and "A100" not in one


def test_cpu_reading_smt_limits_and_oversubscription():
    facts = _machine([], physical_cores=4, logical_cpus=8, usable_cpus=2, torch_threads=4,
                     features=["AVX2", "AVX-512F", "AMX-BF16"])
    text = mr.render(facts, "en")
    assert "SMT (Hyper-Threading) is on: 8 logical CPUs on 4 cores" in text
    assert "may use 2 of the 8 logical CPUs" in text
    assert "torch.set_num_threads(2)" in text
    assert "AMX" in text and "AVX-512" in text


def test_kernels_line_when_the_build_lacks_the_architecture():
    facts = dict(_machine([CARDS[0]]), cuda_arch_list=["sm_80", "sm_90"])
    assert "sm_61: no" in mr.render(facts, "en")


def _run(*args, facts=None, tmp_path=None):
    command = [sys.executable, str(SCRIPT), *args]
    if facts is not None:
        path = tmp_path / "facts.json"
        path.write_text(json.dumps(facts))
        command += ["--facts", str(path)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(("args", "gpus", "message"), [
    (["--gpu", "0"], [], "PyTorch sees no CUDA GPU"),
    (["--gpu", "2"], [CARDS[3]], "no such GPU; this machine has 1 (index 0 to 0)"),
    (["--gpu", "-1"], [CARDS[3]], "a GPU index is 0 or more"),
    (["--lang", "fr"], [], "invalid choice"),
])
def test_bad_input_is_one_line_and_exit_code_2(tmp_path, args, gpus, message):
    result = _run(*args, facts=_machine(gpus), tmp_path=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")
    assert message in result.stderr and "Traceback" not in result.stderr


def test_unreadable_facts_file(tmp_path):
    result = _run("--facts", str(tmp_path / "missing.json"))
    assert result.returncode == 2 and result.stderr.startswith("error: cannot read facts")
    assert result.stderr.count("\n") == 1


def test_recorded_facts_render_from_the_command_line(tmp_path):
    result = _run("--lang", "zh", "--gpu", "0", facts=_machine([CARDS[3]]), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "GPU 0：NVIDIA H100 80GB HBM3" in result.stdout


def test_this_machine_gathers_and_round_trips_through_json(tmp_path):
    facts = mr.gather()
    assert facts["cpu"]["logical_cpus"] >= facts["cpu"]["usable_cpus"] >= 1
    assert json.loads(json.dumps(facts)) == facts
    for lang in ("zh", "en"):
        assert mr.render(facts, lang).count("\n") > 8
