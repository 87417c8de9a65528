"""The GPU session: one command (benchmarks/gpu_run.py), its records, and pages that fill themselves.

No GPU is needed: the dry run does every step on the CPU with tiny sizes and skips what needs CUDA;
the code blocks' runner is checked on a made-up page; and a SYNTHETIC GPU result (test data, built in
a temporary folder, never under results/) goes through every figure generator to show that committing
GPU files is all it takes for the pages to show them. No test asserts a timing.
"""

from __future__ import annotations

import copy
import hashlib
import importlib
import json
import os
import re
import subprocess
import sys

import pytest
import torch

from benchmarks import figures_gpu, gpu_blocks, gpu_records, gpu_run
from benchmarks.make_figures import load_results
from tests import docblocks
from tests.pages import DOCS, ROOT

SYNTHETIC = "Synthetic Test GPU (test data, not a measurement)"
PENDING = {
    "en": re.compile(r"(?i)pending|not measured yet|not yet verified|not yet measured|no GPU measurement"),
    "zh": re.compile(r"待测|尚未测量|尚未验证|还没有.{0,20}GPU"),
}


# ---------------------------------------------------------------------------------------------------
# The command


# `dry_run`: one dry run of the whole session (tests/conftest.py), shared with tests/test_overheads.py


def test_dry_run_writes_valid_files(dry_run):
    out, done = dry_run
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    names = sorted(p.name for p in out.iterdir())
    assert len(names) <= 8
    assert names == sorted(
        [
            "gpu-run-dry-run.json",
            "gpu-run-dry-run.log",
            "overheads-dry-run.json",
            "blocks-cuda-dry-run.json",
            "machine-report-dry-run.json",
            "race-cpu-dry-run.json",
            "crossover-dry-run.json",
        ]
    )
    for path in out.glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert gpu_records.problems(data) == [], path.name
        assert data["quick"] is True, path.name  # a rehearsal is never data
        assert str(out) not in data["command"], path.name  # the command as a reader types it
    session = json.loads((out / "gpu-run-dry-run.json").read_text(encoding="utf-8"))["results"]
    status = {p["name"]: p["status"] for p in session["parts"]}
    assert status == {
        "stamp": "done",
        "race-cuda": "skipped",
        "overheads": "done",
        "blocks-cuda": "done",
        "machine-report": "done",
        "race-cpu": "done",
        "crossover": "done",
    }
    assert session["gpu"]["driver"] == "unknown" or torch.cuda.is_available()
    race = json.loads((out / "race-cpu-dry-run.json").read_text(encoding="utf-8"))
    assert race["command"].startswith("python -m benchmarks.race --device cpu")
    assert race["command"].endswith("--out results/race-cpu-dry-run.json")


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA: the dry run runs the blocks")
def test_dry_run_skips_the_cuda_blocks_instead_of_faking_them(dry_run):
    out, _ = dry_run
    record = json.loads((out / "blocks-cuda-dry-run.json").read_text(encoding="utf-8"))["results"]
    device_only = [b for b in record["blocks"] if b["kind"] == "device-only"]
    assert len(device_only) >= 5
    assert all(b["outcome"] == "skipped" and "no CUDA device" in b["reason"] for b in record["blocks"])
    places = {place for b in device_only for place in b["places"]}
    assert any(place.startswith("docs/gpu-training.zh.md:") for place in places)
    sources = {source for b in device_only for source in b["sources"]}
    assert {
        "snippets/training/cuda.py",
        "snippets/training/hidden_syncs.py",
        "snippets/training/optimizer_too_early.py",
        "snippets/training/same_device.py",
        "benchmarks/check_recipes.py",
    } <= sources


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a CUDA device")
def test_without_cuda_it_stops_with_one_line(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.gpu_run", "--out", str(tmp_path / "x")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert "Traceback" not in done.stderr and lines[0].startswith("usage: python -m benchmarks.gpu_run")
    assert lines[-1].startswith("python -m benchmarks.gpu_run: error: no CUDA device") and len(lines) <= 3
    assert not (tmp_path / "x").exists()


def test_help_names_every_file(capsys):
    with pytest.raises(SystemExit) as stop:
        gpu_run.main(["--help"])
    assert stop.value.code == 0
    text = capsys.readouterr().out
    for name in (
        "gpu-run-<tag>.json",
        "race-cuda-<tag>.json",
        "race-cpu-<tag>.json",
        "overheads-<tag>.json",
        "blocks-cuda-<tag>.json",
        "crossover-<tag>.json",
        "machine-report-<tag>.json",
        "--dry-run",
    ):
        assert name in text


@pytest.mark.parametrize(
    "args, message",
    [
        (["--out", "x", "--budget", "0"], "must be a number above 0"),
        (["--out", "x", "--tag", "H200!"], "lower-case letters"),
        (["--dry-run"], "the following arguments are required: --out"),
    ],
)
def test_bad_options_get_argparses_message(capsys, args, message):
    with pytest.raises(SystemExit) as stop:
        gpu_run.main(args)
    assert stop.value.code == 2
    assert message in capsys.readouterr().err.strip().splitlines()[-1]


def test_parts_are_time_boxed_and_skipped_when_time_is_short(tmp_path):
    session = gpu_run.Session(tmp_path, budget=30, dry_run=True, tag="t")
    part = gpu_run.Part("sleeper", None, None, box=1, least=0, dry_box=1)
    code, _, timed_out = session.run(part, [sys.executable, "-c", "import time; time.sleep(60)"], limit=1)
    assert timed_out and code is None
    short = gpu_run.Session(tmp_path, budget=1, dry_run=False, tag="t")
    short.parts = [gpu_run.Part("race-cuda", "race-cuda-{tag}.json", "race", box=200, least=100, dry_box=0)]
    short.run_part(short.parts[0])
    assert short.parts[0].status == "skipped" and "out of time" in short.parts[0].reason
    race_cpu = next(p for p in gpu_run.parts() if p.name == "race-cpu")
    full = short.commands(race_cpu, tmp_path / "r.json", limit=race_cpu.box)[0]
    hurried = short.commands(race_cpu, tmp_path / "r.json", limit=race_cpu.least)[0]
    assert "--no-compile" not in full and hurried[-3:] == ["--no-compile", "--out", str(tmp_path / "r.json")]
    assert race_cpu.reason.startswith("--no-compile")


def test_the_gpu_name_names_the_files():
    assert gpu_run.tag_of("NVIDIA H200") == "h200"
    assert gpu_run.tag_of("NVIDIA GeForce RTX 4090") == "geforce-rtx-4090"
    assert gpu_run.tag_of("NVIDIA A100-SXM4-80GB") == "a100-sxm4-80gb"


# ---------------------------------------------------------------------------------------------------
# Reading and running the blocks without MkDocs


def test_plain_expansion_matches_pymdownx():
    """Every page, and every block on it, expands to exactly what pymdownx.snippets gives."""
    for page in sorted(DOCS.glob("*.md")):
        text = page.read_text(encoding="utf-8")
        assert gpu_blocks.expand_plain(text) == docblocks.expand(text), page.name
        for block in docblocks.read_page(page).blocks:
            assert gpu_blocks.expand_plain(block.code) == docblocks.expand(block.code), block.where


def test_plain_expansion_edge_cases(tmp_path):
    (tmp_path / "a.py").write_text(
        "x = 1\n# --8<-- [start:s]\ny = 2\n\n# --8<-- [end:s]\nz = 3", encoding="utf-8"
    )
    (tmp_path / "b.md").write_text('head\n    --8<-- "a.py:s"\n', encoding="utf-8")
    page = 'top\n  --8<-- "a.py"\n--8<-- "b.md"\nend'
    assert (
        gpu_blocks.expand_plain(page, tmp_path)
        == "top\n  x = 1\n  y = 2\n  \n  z = 3\nhead\n    y = 2\n    \n\nend"
    )
    for bad in (
        '--8<-- "missing.py"',
        '--8<-- "a.py:nosuch"',
        '--8<-- "a.py:1:3"',
        ';--8<-- "a.py"',
        "--8<--",
    ):
        with pytest.raises(gpu_blocks.ExpandError):
            gpu_blocks.expand_plain(bad, tmp_path)


HIDE = """
import sys


class Hidden:
    \"\"\"Hides packages a GPU machine's own Python does not have.\"\"\"

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"mkdocs", "pymdownx", "markdown", "pytest_codeblocks", "jieba"}:
            raise ModuleNotFoundError(f"No module named {name!r} (hidden by the test)")
        return None


sys.meta_path.insert(0, Hidden())
"""


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA: the blocks would run")
def test_the_blocks_are_found_without_mkdocs_or_pytest_codeblocks(tmp_path):
    """As on the GPU machine: no MkDocs, pymdownx or pytest-codeblocks; the same blocks, the same files."""
    (tmp_path / "sitecustomize.py").write_text(HIDE, encoding="utf-8")
    out = tmp_path / "blocks.json"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.gpu_blocks", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    hidden = json.loads(out.read_text(encoding="utf-8"))["results"]["blocks"]
    entries = gpu_blocks.select("cuda", gpu_blocks.load_docblocks())
    assert [(b["places"], b["kind"], b["program_sha256"]) for b in hidden] == [
        (e["places"], e["kind"], e["program"].key) for e in entries
    ]


def test_needs_grammar_is_the_sites():
    from tooling.download_hooks import NEEDS

    assert gpu_blocks.needs_grammar().pattern == NEEDS.pattern


def test_blocks_are_run_and_checked_like_the_tests_do(tmp_path, monkeypatch):
    """On a made-up page whose blocks are marked needs_cuda but run anywhere (the marker is only read
    here, never by pytest): output, raises and failures are recorded as the page says."""
    page = tmp_path / "made-up.md"
    page.write_text(
        "\n".join(
            [
                "<!--pytest.mark.needs_cuda-->",
                "",
                "```python",
                'print("cuda", 1 + 1)',
                "```",
                "",
                "<!--pytest-codeblocks:expected-output-->",
                "",
                "```text",
                "cuda 2",
                "```",
                "",
                "<!--pytest.mark.needs_cuda-->",
                '<!--pytest.mark.raises(RuntimeError, match="same device")-->',
                "",
                "```python",
                'raise RuntimeError("cuda: not on the same device")',
                "```",
                "",
                "<!--pytest.mark.needs_cuda-->",
                "",
                "```python",
                'print("cuda", 3)',
                "```",
                "",
                "<!--pytest-codeblocks:expected-output-->",
                "",
                "```text",
                "cuda 4",
                "```",
                "",
                "<!--pytest.mark.needs_cuda-->",
                '<!--pytest.mark.skip(reason="too slow")-->',
                "",
                "```python",
                'print("cuda")',
                "```",
                "",
                "```python",
                'print("no device here")',
                "```",
                "",
            ]
        ),
        encoding="utf-8",
    )
    monkeypatch.setattr(gpu_blocks, "device_available", lambda device: True)
    result = gpu_blocks.run_blocks("cuda", budget=120, workers=2, pages=[page])
    outcomes = [(b["places"][0], b["outcome"], b["checks"]) for b in result["blocks"]]
    assert outcomes == [
        ("made-up.md:3", "passed", "expected output"),
        ("made-up.md:16", "passed", "raises RuntimeError matching 'same device'"),
        ("made-up.md:22", "failed", "expected output"),
        ("made-up.md:35", "skipped", "exit status"),
    ]
    assert "Expected output differs" in result["blocks"][2]["problems"][0]
    assert result["summary"] == {"device-only": {"passed": 2, "failed": 1, "skipped": 1}}
    monkeypatch.setattr(gpu_blocks, "device_available", lambda device: False)
    skipped = gpu_blocks.run_blocks("cuda", budget=120, workers=2, pages=[page])
    assert {b["outcome"] for b in skipped["blocks"]} == {"skipped"}


# ---------------------------------------------------------------------------------------------------
# Records


def test_committed_records_are_valid():
    checked = 0
    for path in sorted((ROOT / "results").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("benchmark") in gpu_records.SCHEMAS:
            assert gpu_records.problems(data) == [], path.name
            checked += 1
    assert checked >= 8


def test_schema_problems_name_the_key():
    race = json.loads((ROOT / "results" / "race-cuda-h200.json").read_text(encoding="utf-8"))
    broken = copy.deepcopy(race)
    del broken["results"]["recipes"][1]["us_per_epoch"]
    broken["stamp"]["torch"] = 2.11
    assert gpu_records.problems(broken) == ["file.stamp.torch: expected str, found float"]
    broken["stamp"]["torch"] = "2.11"
    assert gpu_records.problems(broken) == ["results.recipes[1].us_per_epoch: missing"]
    assert gpu_records.problems(race, "overheads") == ["file.benchmark: expected 'overheads', found 'race'"]


def test_the_first_sessions_records_are_its_text_parsed(tmp_path):
    """results/blocks-cuda-h200.json and machine-report-h200.json are exactly what parsing the session's
    text records gives (no hand editing)."""
    if subprocess.run(
        ["git", "cat-file", "-e", f"{gpu_records.SESSION_COMMIT}^{{commit}}"], cwd=ROOT
    ).returncode:
        pytest.skip(f"commit {gpu_records.SESSION_COMMIT} is not in this clone (shallow?)")
    for path in gpu_records.convert_2026_11_30(tmp_path):
        assert path.read_text(encoding="utf-8") == (ROOT / "results" / path.name).read_text(encoding="utf-8")
    blocks = json.loads((tmp_path / "blocks-cuda-h200.json").read_text(encoding="utf-8"))["results"]
    assert [b["outcome"] for b in blocks["blocks"]] == ["passed"] * 9
    assert blocks["summary"] == {"device-only": {"passed": 5}, "follows-device": {"passed": 4}}


def test_the_cuda_tab_stamp_comes_from_the_record():
    text = (ROOT / "results" / "tables" / "verified-cuda-gpu-training.en.md").read_text(encoding="utf-8")
    assert text.startswith("Last verified: NVIDIA H200, torch 2.11.0+cu130, 2026-11-30")
    for lang in ("zh", "en"):
        page = (DOCS / f"gpu-training.{lang}.md").read_text(encoding="utf-8")
        assert f'--8<-- "results/tables/verified-cuda-gpu-training.{lang}.md"' in page
        assert f'--8<-- "results/tables/verified-mps-gpu-training.{lang}.md"' in page


# ---------------------------------------------------------------------------------------------------
# Pages that fill themselves


def synthetic_results() -> list[dict]:
    """A GPU session's files for a machine called "synthetic", made from the committed H200 files' shapes
    with new numbers and a GPU name that says what they are. TEST DATA: only ever in a temporary folder."""
    committed = {r["file"]: r for r in load_results()}
    found = []
    for name in (
        "race-cuda-h200",
        "race-cpu-h200",
        "overheads-h200",
        "crossover-h200",
        "machine-report-h200",
    ):
        data = copy.deepcopy(committed[f"results/{name}.json"])
        data.pop("file")
        data["stamp"].update(gpu=SYNTHETIC, date="2099-01-01")
        data["note"] = "SYNTHETIC TEST DATA made by tests/test_gpu_run.py; never commit it"
        data["file"] = f"results/{name.replace('h200', 'synthetic')}.json"
        found.append(data)
    race, _, overheads, crossover, report = found
    for row in race["results"]["recipes"]:  # new numbers: half the H200's times
        row["us_per_epoch"] /= 2
        row["us_per_model_epoch"] /= 2
    grid = overheads["results"]["underuse"]
    grid["cuda"] = [[seconds / 2 for seconds in row] for row in grid["cuda"]]
    crossover["results"]["gpu"]["name"] = SYNTHETIC
    report["results"]["facts"]["gpus"][0]["name"] = SYNTHETIC
    docs = gpu_blocks.load_docblocks()
    blocks = [
        {
            "places": e["places"],
            "kind": e["kind"],
            "language": e["language"],
            "code": "",
            "checks": "",
            "sources": {s: gpu_blocks.sha256_of(ROOT / s) for s in gpu_blocks.sources_of(e["block"], docs)},
            "program_sha256": e["program"].key,
            "outcome": "passed",
            "reason": None,
            "problems": [],
        }
        for e in gpu_blocks.select("cuda", docs)
        if e["kind"] == "device-only"
    ]
    found.append(
        {
            "benchmark": "blocks",
            "command": "made up by tests/test_gpu_run.py",
            "quick": False,
            "stamp": dict(race["stamp"]),
            "file": "results/blocks-cuda-synthetic.json",
            "results": {
                "device": "cuda",
                "device_available": True,
                "blocks": blocks,
                "summary": {"device-only": {"passed": len(blocks)}},
            },
        }
    )
    for data in found:
        assert gpu_records.problems(data) == [], data["file"]
    return found


def test_synthetic_gpu_results_fill_the_pages(tmp_path):
    plots, tables = tmp_path / "plots", tmp_path / "tables"
    plots.mkdir()
    tables.mkdir()
    results = synthetic_results()
    for module in sorted((ROOT / "benchmarks").glob("figures_*.py")):
        importlib.import_module(f"benchmarks.{module.stem}").make(copy.deepcopy(results), plots, tables)
    covering = {
        "race",
        "overheads-transfer",
        "overheads-launch",
        "overheads-underuse",
        "overheads-findings",
        "overheads-verdict",
        "overheads-where",
        "crossover-validation",
        "crossover-constants",
        "crossover-prediction",
        "verified-cuda-gpu-training",
        "verified-cuda-gpu-payoff",
        "machine-report-gpu",
    }
    for lang in ("zh", "en"):
        for name in covering:
            text = (tables / f"{name}.{lang}.md").read_text(encoding="utf-8")
            assert SYNTHETIC in text or "synthetic" in text, (name, lang)
            assert not PENDING[lang].search(text), (name, lang, PENDING[lang].search(text)[0])
    shown = {}
    for page in sorted(DOCS.glob("*.md")):
        text = re.sub(
            r'(?m)^[ \t]*--8<-- "results/tables/([^"]+)"$',
            lambda m: (tables / m[1]).read_text(encoding="utf-8") if (tables / m[1]).exists() else m[0],
            page.read_text(encoding="utf-8"),
        )
        shown[page.name] = SYNTHETIC in text
    for page in ("gpu-payoff", "cpu-wins", "crossover", "gpu-training", "hardware"):
        for lang in ("zh", "en"):
            assert shown[f"{page}.{lang}.md"], f"{page}.{lang}.md would not show the GPU result"
    assert sorted(p.name for p in plots.glob("crossover-*.svg")) == [
        "crossover-synthetic.en.svg",
        "crossover-synthetic.zh.svg",
    ]


def test_verified_stamp_says_when_code_changed_or_failed():
    """A block that ran an earlier version of its code, or failed, is not stamped as verified."""
    docs = gpu_blocks.load_docblocks()
    entries = figures_gpu.page_blocks("cuda", docs)["gpu-training"]
    stamp = {"date": "2099-01-01", "gpu": "Some GPU", "torch": "9.9", "cpu": "x"}
    old = hashlib.sha256(b"an earlier version").hexdigest()
    ran = [
        {
            "places": [],
            "kind": "device-only",
            "sources": {figures_gpu.main_source(e, docs): old},
            "program_sha256": None,
            "outcome": "passed",
        }
        for e in entries
    ]
    ran[0]["outcome"] = "failed"
    record = {"file": "results/blocks-cuda-x.json", "stamp": stamp, "results": {"blocks": ran}}
    line = figures_gpu.verified_line("cuda", entries, [record], docs, "en")
    assert line.startswith(f"This page's {len(entries)} CUDA-only blocks: 1 failed on Some GPU")
    assert "has changed since" in line and "Last verified" not in line
    assert figures_gpu.verified_line("cuda", entries, [], docs, "zh").startswith("尚未验证")
