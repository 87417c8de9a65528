"""tools/predict_crossover.py and benchmarks/figures_crossover.py: the latency model of the crossover page.

The tool runs as a reader runs it (alone in an empty folder, --quick); its JSON has the documented
fields; bad options get argparse's one-line message and exit code 2. The model's op counts match what
PyTorch runs, and the model reproduces the committed measurements within the goal the page states,
computed from the committed result files (never from a timing taken here). The figure generator copes
with result files that are not there. No test asserts a timing.
"""

from __future__ import annotations

import copy
import json
import math
import re
import shutil

import pytest
import torch

from benchmarks import figures_crossover as figures
from benchmarks.make_figures import load_results
from tests.fresh_python import run_script
from tests.pages import DOCS, ROOT
from tools import predict_crossover as model

TOOL = ROOT / "tools" / "predict_crossover.py"
RESULT_KEYS = {"cpu", "gpu", "iris", "grid", "crossover", "smallest_flops", "checks", "label", "reasoning",
               "load_average"}
CPU_KEYS = {"t_python", "t_op", "matmul", "memory", "rowwise", "threads", "alone", "calibration", "fit"}
GPU_KEYS = {"name", "measured", "set", "t_launch", "t_kernel_min", "t_sync", "flops_per_s", "bytes_per_s",
            "h2d_latency", "d2h_latency", "h2d_bytes_per_s", "d2h_bytes_per_s", "sources"}
STAMP_KEYS = {"date", "cpu", "physical_cores", "logical_cpus", "torch_threads", "torch", "cuda", "gpu"}


def run_tool(folder, *args):
    """Run the tool as a reader who downloaded it: alone in a folder, with the venv's Python."""
    shutil.copy(TOOL, folder / TOOL.name)
    return run_script(TOOL.name, *args, cwd=folder)


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    """One --quick --json run (seconds), also written with --out."""
    folder = tmp_path_factory.mktemp("reader")
    done = run_tool(folder, "--quick", "--json", "--out", "result.json")
    assert done.returncode == 0, done.stderr[-3000:]
    printed = json.loads(done.stdout)
    assert json.loads((folder / "result.json").read_text(encoding="utf-8")) == printed
    return printed


def positive(value):
    return isinstance(value, (int, float)) and math.isfinite(value) and value > 0


def test_quick_run_has_the_documented_fields(quick):
    assert quick["benchmark"] == "crossover" and quick["quick"] is True
    assert quick["command"] == "python predict_crossover.py --quick --json --out result.json"
    assert quick["stamp"].keys() >= STAMP_KEYS
    r = quick["results"]
    assert r.keys() >= RESULT_KEYS
    assert r["cpu"].keys() >= CPU_KEYS
    assert positive(r["cpu"]["t_op"]) and r["cpu"]["t_python"] >= 0 and positive(r["cpu"]["rowwise"])
    for table in (r["cpu"]["matmul"], r["cpu"]["memory"]):
        assert len(table) >= 2 and all(positive(size) and positive(rate) for size, rate in table)
        assert [size for size, _ in table] == sorted(size for size, _ in table)
    assert r["gpu"].keys() >= GPU_KEYS
    if torch.cuda.is_available():
        assert r["gpu"]["measured"] is True and r["gpu"]["set"] == "measure"
    else:
        assert r["gpu"]["measured"] is False and r["gpu"]["set"] == "h200"
        assert r["label"] == "predicted, not measured"
    iris = r["iris"]
    assert (iris["batch"], iris["hidden"], iris["epochs"]) == (120, 10, 20_000)
    assert (iris["step_cpu"]["n"], iris["step_gpu"]["n"], iris["step_gpu"]["k"]) == (19, 16, 15)
    assert iris["step_cpu"]["flops"] == 40_800
    assert all(positive(iris[k]) for k in ("cpu_s", "gpu_s", "gpu_host_s", "gpu_device_s", "gpu_sync_s"))
    grid = r["grid"]
    assert grid["batch_sizes"] == model.BATCH_SIZES and grid["hidden_widths"] == model.HIDDEN_WIDTHS
    for side in ("cpu_s", "gpu_s"):
        assert [len(row) for row in grid[side]] == [len(model.HIDDEN_WIDTHS)] * len(model.BATCH_SIZES)
        assert all(positive(v) for row in grid[side] for v in row)
    assert [p["hidden"] for p in r["crossover"]] == model.HIDDEN_WIDTHS
    for p in r["crossover"]:
        assert p["batch"] is None or (positive(p["batch"]) and positive(p["flops"]))
    assert {(c["device"], c["batch"], c["hidden"]) for c in r["checks"]} >= {("cpu", 120, 10)}
    assert all(positive(c["measured_s"]) and positive(c["predicted_s"]) for c in r["checks"])
    assert "t_launch" in r["reasoning"] and "t_sync" in r["reasoning"]


def test_report_in_both_languages(quick):
    """The text report renders from the JSON; every GPU number is labelled a prediction."""
    for lang in ("zh", "en"):
        result = copy.deepcopy(quick)
        text = model.report(result, lang)
        label = model.TEXT[lang]["predicted" if not result["results"]["gpu"]["measured"]
                                 else "predicted_measured"]
        assert text.count(label) >= 3, lang
        assert "t_python" in text and "t_launch" in text


def test_bad_input_exits_2_without_a_traceback(tmp_path):
    done = run_tool(tmp_path, "--lang", "fr")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "argument --lang: invalid choice: 'fr'" in done.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize("args, message", [
    (["--gpu-constants", "tpu"], "invalid choice: 'tpu'"),
    (["--out", "no/such/folder/x.json"], "folder 'no/such/folder' does not exist"),
    (["--quick=yes"], "ignored explicit argument 'yes'"),
])
def test_bad_input_gets_argparses_message(capsys, args, message):
    with pytest.raises(SystemExit) as stop:
        model.parse_args(args)
    assert stop.value.code == 2
    assert message in capsys.readouterr().err.strip().splitlines()[-1]


def test_the_programs_own_words_follow_lang(capsys):
    """Under --lang zh the help and the tool's own errors are Chinese; argparse's words stay English."""
    with pytest.raises(SystemExit) as stop:
        model.parse_args(["--lang", "zh", "--out", "no/such/folder/x.json"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: ") and "error: argument --out: 文件夹 'no/such/folder' 不存在" in err
    with pytest.raises(SystemExit):
        model.parse_args(["--lang", "zh", "--help"])
    assert "报告的语言" in capsys.readouterr().out


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a CUDA device to measure")
def test_measuring_a_gpu_needs_one(capsys):
    with pytest.raises(SystemExit) as stop:
        model.parse_args(["--gpu-constants", "measure"])
    assert stop.value.code == 2
    assert "needs a CUDA device" in capsys.readouterr().err


def test_recording_matches_what_pytorch_runs():
    """The meta-device recording is the real CPU step's op list (loss.item() added), and step_for
    gives the recording at any size."""
    torch.manual_seed(0)
    x, y = torch.randn(120, 4), torch.randint(0, 3, (120,))
    step = model.make_step(model.MLP(10), x, y)
    step().item()
    real = model.OpRecorder()
    with real:
        step().item()
    recorded = model.record_step(120, 10)
    assert [op.name for op in real.ops] == [op.name for op in recorded.ops]
    work = [(op.flops, op.bytes) for op in real.ops[:-1]]
    assert work == [(op.flops, op.bytes) for op in recorded.ops[:-1]]
    assert (recorded.n, recorded.k) == (19, 18)
    cuda = model.record_step(120, 10, "cuda")
    assert (cuda.n, cuda.k, cuda.syncs) == (16, 15, 1)
    assert "aten::_foreach_add_.List" in [op.name for op in cuda.ops]
    for device in ("cpu", "cuda"):
        for batch, hidden in [(120, 10), (1, 1), (1_200, 100), (120_000, 1_000)]:
            assert model.step_for(batch, hidden, device) == model.record_step(batch, hidden, device)


def test_formula():
    """The model's terms, on a made-up step with round constants (not measurements)."""
    step = model.Step([model.Op("aten::mm", 2e6, 1e3, True), model.Op("aten::relu", 0, 8e6, True),
                       model.Op("aten::_log_softmax", 0, 1e3, True),
                       model.Op("aten::_local_scalar_dense", 0, 4, False)])
    assert (step.n, step.k) == (4, 3)
    cpu = {"t_python": 100e-6, "t_op": 2e-6, "matmul": [[1e3, 1e9], [1e9, 1e11]],
           "memory": [[1e3, 1e10], [1e6, 1e10], [1e8, 1e9]], "rowwise": 1e9}
    assert model.rate(cpu["memory"], 10) == pytest.approx(1e10)
    assert model.rate(cpu["memory"], 1e12) == pytest.approx(1e9)
    assert model.rate(cpu["memory"], 1e7) == pytest.approx(1 / (0.5 / 1e10 + 0.5 / 1e9))
    work = [model.cpu_op_seconds(op, cpu) for op in step.ops]
    assert work[1] == pytest.approx(8e6 / model.rate(cpu["memory"], 8e6))
    assert work[2] == pytest.approx(1e3 / 1e9)  # row-wise rate, not the memory table's
    assert model.cpu_step_seconds(step, cpu) == pytest.approx(100e-6 + 4 * 2e-6 + sum(work))
    gpu = {"t_launch": 5e-6, "t_kernel_min": 3e-6, "t_sync": 10e-6, "flops_per_s": 1e12, "bytes_per_s": 1e12}
    terms = model.gpu_terms(step, cpu, gpu)
    assert terms == pytest.approx({"host": 100e-6 + 4 * 2e-6 + 3 * 5e-6, "device": 8e-6 + 3e-6 + 3e-6,
                                   "sync": 10e-6})
    assert model.gpu_step_seconds(step, cpu, gpu) == pytest.approx(terms["host"] + terms["sync"])
    busy = {**gpu, "bytes_per_s": 1e9}  # now the device side is the slower one
    assert model.gpu_step_seconds(step, cpu, busy) == pytest.approx(
        model.gpu_terms(step, cpu, busy)["device"] + 10e-6)


def test_one_disturbed_size_does_not_bend_the_curve():
    table = [[1, 30.0], [2, 6.5e4], [3, 0.07], [4, 64.0], [5, 58.0]]
    assert [rate for _, rate in model._smooth(table)] == [30.0, 30.0, 64.0, 58.0, 58.0]


def test_published_constants_cite_their_sources():
    for name, constants in model.GPU_CONSTANTS.items():
        for key in ("t_launch", "t_kernel_min", "t_sync", "flops_per_s", "bytes_per_s", "h2d_latency",
                    "d2h_latency", "h2d_bytes_per_s", "d2h_bytes_per_s"):
            assert positive(constants[key]), (name, key)
            source = constants["sources"][key]
            assert "https://" in source or source.startswith("as "), (name, key)


def test_page_quotes_the_published_constants():
    """The page's demo types the H200-class figures in; they must be the tool's."""
    for lang in ("zh", "en"):
        text = (DOCS / f"crossover.{lang}.md").read_text(encoding="utf-8")
        literal = re.search(r"^h200 = (\{.*?\})$", text, re.M | re.S)
        assert literal, lang
        for key, value in eval(literal[1]).items():  # a dict of numbers written on the page
            assert value == model.GPU_CONSTANTS["h200"][key], (lang, key)


# ---------------------------------------------------------------- the committed measurements
@pytest.fixture(scope="module")
def analysed():
    found = figures.machines(load_results())
    return {name: (sets, figures.analyse(sets)) for name, sets in found.items()}


def test_model_reproduces_the_committed_measurements(analysed):
    """Computed from the committed files: the error the page states, within the goal it states. The
    leave-one-out fits (CPU: four constants; GPU: the host's cost per step) must reach the goal on every
    machine, and no point may be off by a factor of two or more (a fit that extrapolates past its data,
    as the break between the memory throughputs once did on the H200 host, shows up here). Constants
    the tool measured must reach the goal too, unless an older version of the tool measured them or
    the CPU differs: then the page shows the error and says why."""
    assert analysed, "no committed grid (results/overheads-*.json) to validate against"
    for name, (_sets, a) in analysed.items():
        assert len(a["cpu_points"]) >= 12, name
        assert a["loo"]["median"] <= figures.GOAL, (name, a["loo"])
        assert a["loo"]["worst"] < 1.0, (name, a["loo"])
        if "measured" in a and not a["other_cpu"] and not a["legacy"]:
            assert a["measured_err"]["median"] <= figures.GOAL, (name, a["measured_err"])
        if a["gpu_points"]:
            assert len(a["gpu_points"]) >= 12, name
            assert a["gpu_loo"]["median"] <= figures.GOAL, (name, a["gpu_loo"])
            assert a["gpu_loo"]["worst"] < 1.0, (name, a["gpu_loo"])
        if "gpu_err" in a and not a["legacy"]:
            assert a["gpu_err"]["median"] <= figures.GOAL, (name, a["gpu_err"])


def test_the_h200_validation_is_on_the_page(analysed):
    """The committed H200 session: its CPU and CUDA grids, both races and the constants an older tool
    measured there are all validated, and the page's table says which rows miss the goal."""
    sets, a = analysed["h200"]
    assert set(sets["race"]) == {"cpu", "cuda"} and a["legacy"] and a["gpu_measured"]
    assert [p["source"] for p in a["gpu_points"]].count("race") == 1
    text = (ROOT / "results" / "tables" / "crossover-validation.en.md").read_text(encoding="utf-8")
    h200 = text[text.index("GPU: NVIDIA H200"):]
    rows = [line.split(" | ") for line in h200.splitlines() if line.startswith("| GPU |") and "older" in line]
    verdict = "met" if a["gpu_err"]["median"] <= figures.GOAL else "missed"
    assert rows and rows[0][-1].rstrip(" |") == verdict
    prediction = (ROOT / "results" / "tables" / "crossover-prediction.en.md").read_text(encoding="utf-8")
    assert "| 1 000 | 120 – 1 200 |" in prediction  # the measured crossover at hidden 1 000


def test_fitted_constants_go_through_the_tools_model(analysed):
    """The fit is linear in four unknowns; the tool's cpu_step_seconds must give the same numbers."""
    for _sets, a in analysed.values():
        fit = a["fitted"]
        unknowns = [fit["fit"]["t_fixed"], 1 / fit["fit"]["r_small"], 1 / fit["fit"]["r_big"],
                    1 / fit["rowwise"]]
        for point, predicted in zip(a["cpu_points"], a["fitted_pred"], strict=True):
            step = model.step_for(point["batch"], point["hidden"])
            columns = model._columns(step, fit["fit"]["break_bytes"])
            assert predicted == pytest.approx(sum(c * u for c, u in zip(columns, unknowns, strict=True)))


def _one_machine():
    results = load_results()
    return [r for r in results if r["file"].endswith("-cpu-2core.json")]


def _write(results, tmp_path):
    plots, tables = tmp_path / "plots", tmp_path / "tables"
    plots.mkdir(exist_ok=True)
    tables.mkdir(exist_ok=True)
    figures.make(copy.deepcopy(results), plots, tables)
    return plots, tables


def test_generator_copes_with_missing_files(tmp_path):
    plots, tables = _write([], tmp_path)
    assert not list(plots.iterdir())
    for lang in ("zh", "en"):
        assert (tables / f"crossover-validation.{lang}.md").read_text(encoding="utf-8").strip() == \
            figures.TEXT[lang]["none"]
        constants = (tables / f"crossover-constants.{lang}.md").read_text(encoding="utf-8")
        assert "https://www.nvidia.com/en-us/data-center/h200/" in constants
    only_grid = [r for r in _one_machine() if r["benchmark"] == "overheads"]
    assert only_grid, "the committed grid is missing"
    plots, tables = _write(only_grid, tmp_path)
    names = sorted(p.name for p in plots.iterdir())
    assert names == ["crossover-cpu-2core.en.svg", "crossover-cpu-2core.zh.svg"]
    text = (tables / "crossover-validation.en.md").read_text(encoding="utf-8")
    assert "python tools/predict_crossover.py --out results/crossover-cpu-2core.json" in text
    assert "race" not in text.split("![")[1]  # no race point without the race file


def test_generator_uses_measured_constants_when_committed(tmp_path):
    """A crossover result for the machine adds the 'measured constants' row (here built from the fit,
    standing in for a tool run) and is flagged when it comes from another CPU."""
    results = _one_machine()
    sets = figures.machines(results)["cpu-2core"]
    cpu = {**figures.analyse(sets)["fitted"], "alone": {"memory": [[1e3, 2e10], [1e9, 5e9]], "rowwise": 1e9},
           "calibration": [[8, 4, 2e-4]]}
    stand_in = {"benchmark": "crossover", "command": "python tools/predict_crossover.py", "quick": True,
                "file": "results/crossover-cpu-2core.json", "stamp": dict(sets["overheads"]["stamp"]),
                "results": {"cpu": cpu, "gpu": {**model.GPU_CONSTANTS["h200"], "measured": False}}}
    _, tables = _write([*results, stand_in], tmp_path)
    text = (tables / "crossover-validation.en.md").read_text(encoding="utf-8")
    assert "constants the tool measured: `results/crossover-cpu-2core.json`" in text
    assert "provisional `--quick`" in text
    assert "different CPU" not in text
    stand_in["stamp"]["cpu"] = "Another CPU"
    _, tables = _write([*results, stand_in], tmp_path)
    text = (tables / "crossover-validation.en.md").read_text(encoding="utf-8")
    assert "different CPU (Another CPU)" in text


def test_gpu_results_are_validated_the_same_way(tmp_path):
    """A GPU machine's grid, race and measured constants (made up here: the GPU grid is what the model
    predicts) give a GPU row in the validation table and measured GPU constants in the constants table."""
    cpu_machine = _one_machine()
    sets = figures.machines(cpu_machine)["cpu-2core"]
    fitted = figures.analyse(sets)["fitted"]
    gpu = {**model.GPU_CONSTANTS["h200"], "name": "NVIDIA H200", "measured": True, "sources": {},
           "kernels_counted": 17, "set": "measure"}
    gpu.pop("name_zh")
    cpu = {**fitted, "alone": {"memory": [[1e3, 2e10], [1e9, 5e9]], "rowwise": 1e9},
           "calibration": [[8, 4, 2e-4]]}
    stamp = {**sets["overheads"]["stamp"], "gpu": "NVIDIA H200", "cuda": "13.0"}
    overheads = copy.deepcopy(sets["overheads"])
    grid = overheads["results"]["underuse"]
    grid["cuda"] = [[model.gpu_step_seconds(model.step_for(b, h, "cuda"), cpu, gpu)
                     for h in grid["hidden_widths"]] for b in grid["batch_sizes"]]
    race = copy.deepcopy(sets["race"]["cpu"])
    race["results"]["device"] = "cuda"
    machine = "nvidia-h200"
    results = [{**overheads, "stamp": stamp, "file": f"results/overheads-{machine}.json"},
               {**race, "stamp": stamp, "file": f"results/race-{machine}.json"},
               {"benchmark": "crossover", "command": "python tools/predict_crossover.py", "quick": False,
                "file": f"results/crossover-{machine}.json", "stamp": stamp,
                "results": {"cpu": cpu, "gpu": gpu}}]
    plots, tables = _write(results, tmp_path)
    names = sorted(p.name for p in plots.iterdir())
    assert names == [f"crossover-{machine}.{lang}.svg" for lang in ("en", "zh")]
    validation = (tables / "crossover-validation.en.md").read_text(encoding="utf-8")
    summary = validation.split("![")[0]  # the summary table, before the plot and the points
    gpu_rows = [line for line in summary.splitlines() if line.startswith("| GPU |")]
    assert len(gpu_rows) == 2 and "host's cost per step fitted" in gpu_rows[0]
    measured_row = gpu_rows[1].split(" | ")
    assert "constants the tool measured" in measured_row[1]
    assert measured_row[2:4] == ["13", "0 %"]  # the grid is the model's; the race is measured
    assert "this machine has no GPU measurement" not in validation
    constants = (tables / "crossover-constants.en.md").read_text(encoding="utf-8")
    assert "GPU constants measured on NVIDIA H200" in constants
    assert "The host's cost fitted to the GPU grid" in constants
    prediction = (tables / "crossover-prediction.zh.md").read_text(encoding="utf-8")
    assert "实测：交叉点所在区间" in prediction and "级" not in prediction.split(f"**{machine}**")[1]
