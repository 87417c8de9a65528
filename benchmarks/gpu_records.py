"""The files a GPU session writes, what each must hold, and the first session's records converted.

    python -m benchmarks.gpu_records check results/race-cuda-h200.json ...   # validate files
    python -m benchmarks.gpu_records convert-2026-11-30                      # rewrite two records

Every file is one JSON object: benchmark, command, quick, stamp (benchmarks/stamp.py) and results.
SCHEMAS says, per benchmark, which keys the figure generators read and of which type; `problems()`
lists what a file lacks (nothing: valid). A GPU session (`python -m benchmarks.gpu_run --out DIR`)
writes, for a GPU named <tag> (e.g. h200):

    gpu-run-<tag>.json         the session: machine stamp (GPU, driver, versions), every part's
                               command, status, time and output; gpu-run-<tag>.log its log
    race-cuda-<tag>.json       the race on CUDA          (benchmarks/race.py)
    race-cpu-<tag>.json        the race on the host CPU  (benchmarks/race.py)
    overheads-<tag>.json       copies, .item(), launches, the batch × width grid (benchmarks/overheads.py)
    blocks-cuda-<tag>.json     every CUDA-only code block of the pages, run and checked
                               (benchmarks/gpu_blocks.py)
    crossover-<tag>.json       the latency model's constants and prediction (tools/predict_crossover.py)
    machine-report-<tag>.json  tools/machine_report.py: the facts (--json) and the report in en and zh

The first session (2026-11-30, results/gpu/session-2026-11-30/) ran shell scripts, not gpu_run; its
CUDA-block outcome and machine report were plain text. `convert-2026-11-30` parses them into
results/blocks-cuda-h200.json and results/machine-report-h200.json (no hand editing).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "results"
SESSION_2026_11_30 = RESULTS / "gpu" / "session-2026-11-30"
NUM = (int, float)
OPTIONAL_STR = (str, type(None))
NOT_MEASURED = {"not_measured": str}

STAMP = {"date": str, "cpu": str, "python": str, "torch": str, "cuda": OPTIONAL_STR, "gpu": OPTIONAL_STR}
COMMON = {"benchmark": str, "command": str, "quick": bool, "stamp": STAMP, "results": dict}

SCHEMAS = {
    "race": {
        "device": str,
        "epochs": int,
        "chunk": int,
        "models": int,
        "samples": int,
        "recipes": [
            {
                "name": str,
                "device": str,
                "models": int,
                "us_per_epoch": NUM,
                "us_per_model_epoch": NUM,
                "seconds": NUM,
                "setup_s": NUM,
                "total_s": NUM,
                "final_loss": NUM,
                "accuracy": NUM,
                "speedup": NUM,
                "chunk_us": [NUM],
            }
        ],
        "skipped": [{"name": str, "reason": str}],
        "arithmetic": {"macs_per_epoch": int, "macs_per_s": NUM, "us_per_epoch": NUM, "matmul_size": int},
    },
    "overheads": {
        "settings": dict,
        "transfer": {"copies": {"cuda": ([dict], NOT_MEASURED)}, "item": {"cpu": dict}},
        "launch": {"cpu": {"epoch_s": NUM, "trivial_op_s": NUM, "aten_ops": int}, "flops_per_epoch": NUM},
        "underuse": {
            "batch_sizes": [int],
            "hidden_widths": [int],
            "cpu": [[NUM]],
            "cuda": ([[NUM]], NOT_MEASURED),
        },
        "numpy": dict,
    },
    "crossover": {
        "cpu": {"t_op": NUM, "t_python": NUM, "matmul": list, "memory": list, "rowwise": NUM},
        "gpu": {
            "name": str,
            "measured": bool,
            "t_launch": NUM,
            "t_kernel_min": NUM,
            "t_sync": NUM,
            "flops_per_s": NUM,
            "bytes_per_s": NUM,
        },
        "iris": dict,
        "grid": {"batch_sizes": [int], "hidden_widths": [int], "cpu_s": [[NUM]], "gpu_s": [[NUM]]},
        "crossover": [{"hidden": int}],
        "checks": [dict],
        "label": str,
    },
    "blocks": {
        "device": str,
        "device_available": bool,
        "blocks": [
            {
                "places": [str],
                "kind": str,
                "language": str,
                "checks": str,
                "sources": dict,
                "program_sha256": OPTIONAL_STR,
                "outcome": str,
                "reason": OPTIONAL_STR,
                "problems": [str],
            }
        ],
        "summary": dict,
    },
    "machine-report": {"facts": {"cpu": dict, "gpus": list, "torch": str}, "text": {"en": str, "zh": str}},
    "gpu-run": {
        "dry_run": bool,
        "budget_s": NUM,
        "total_s": NUM,
        "tag": str,
        "gpu": {
            "name": OPTIONAL_STR,
            "capability": OPTIONAL_STR,
            "sms": (int, type(None)),
            "memory_bytes": (int, type(None)),
            "driver": str,
        },
        "parts": [
            {
                "name": str,
                "status": str,
                "seconds": (int, float, type(None)),
                "file": OPTIONAL_STR,
                "command": OPTIONAL_STR,
                "returncode": (int, type(None)),
                "problems": [str],
            }
        ],
    },
}
OUTCOMES = {"passed", "failed", "skipped", "not run"}


def _check(value, schema, where: str) -> list[str]:
    """What `value` lacks against `schema`: a type, a tuple of alternatives, a dict of required keys,
    or a one-item list (every element matches the item)."""
    if isinstance(schema, tuple) and any(isinstance(s, dict | list) for s in schema):
        found = [_check(value, s, where) for s in schema]
        return [] if any(not f for f in found) else min(found, key=len)
    if isinstance(schema, dict):
        if not isinstance(value, dict):
            return [f"{where}: expected an object, found {type(value).__name__}"]
        return [
            p
            for key, sub in schema.items()
            for p in (
                [f"{where}.{key}: missing"] if key not in value else _check(value[key], sub, f"{where}.{key}")
            )
        ]
    if isinstance(schema, list):
        if not isinstance(value, list):
            return [f"{where}: expected a list, found {type(value).__name__}"]
        return [p for i, item in enumerate(value) for p in _check(item, schema[0], f"{where}[{i}]")]
    if schema in (int, float) or schema == NUM:
        ok = isinstance(value, schema) and not isinstance(value, bool)
    else:
        ok = isinstance(value, schema)
    return [] if ok else [f"{where}: expected {_name(schema)}, found {type(value).__name__}"]


def _name(schema) -> str:
    if isinstance(schema, tuple):
        return " or ".join(_name(s) for s in schema)
    return getattr(schema, "__name__", str(schema))


def problems(data: dict, benchmark: str | None = None) -> list[str]:
    """Everything a result file lacks (an empty list: it is valid)."""
    found = _check(data, COMMON, "file")
    if found:
        return found
    kind = benchmark or data["benchmark"]
    if data["benchmark"] != kind:
        return [f"file.benchmark: expected {kind!r}, found {data['benchmark']!r}"]
    if kind not in SCHEMAS:
        return [f"file.benchmark: unknown benchmark {kind!r}"]
    found = _check(data["results"], SCHEMAS[kind], "results")
    if kind == "blocks" and not found:
        found += [
            f"results.blocks[{i}].outcome: {b['outcome']!r} is not one of {sorted(OUTCOMES)}"
            for i, b in enumerate(data["results"]["blocks"])
            if b["outcome"] not in OUTCOMES
        ]
    return found


def check_file(path: Path, benchmark: str | None = None) -> list[str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        return [f"{path}: cannot read it as JSON: {err}"]
    return [f"{path.name}: {p}" for p in problems(data, benchmark)]


# ---------------------------------------------------------------------------------------------------
# The session of 2026-11-30: its plain-text records, parsed

SESSION_COMMIT = "9ba5d49"  # the guide's code that ran there (results/gpu/README.md)
SESSION_NOTE = (
    "converted by `python -m benchmarks.gpu_records convert-2026-11-30` from the plain-text "
    "record of the session of 2026-11-30 (results/gpu/session-2026-11-30/), which ran the "
    "guide's code of commit 9ba5d49 on the lent H200 with the machine's own Python and torch"
)


def parse_blocks_log(text: str) -> tuple[str, list[dict]]:
    """cuda-blocks-h200.txt -> (its first line, one case per '=== name' section: the name, the
    output, passed (no exception, no FAIL line) and what the case checked)."""
    header, *sections = re.split(r"(?m)^=== ", text)
    cases = []
    for section in sections:
        name, _, body = section.partition("\n")
        failed = bool(re.search(r"(?m)^(EXCEPTION |FAIL)", body))
        verdict = re.search(r"(?m)^(PASS|FAIL)\b.*$", body)
        checks = "exit status"
        if verdict and "RuntimeError" in verdict[0]:
            checks = "raises RuntimeError (message compared with the page)"
        elif verdict:
            checks = "expected output (compared with the page)"
        cases.append(
            {"name": name.strip(), "output": body.rstrip("\n"), "passed": not failed, "checks": checks}
        )
    return header.strip(), cases


def _case_source(name: str) -> str | None:
    """The repository file a case ran, from its name ('hidden_syncs.py (compare ...)' or
    'same_device mistake on cuda'), as the file was called at the session's commit."""
    for token in re.findall(r"[\w/]+(?:\.py)?", name):
        stem = token if token.endswith(".py") else token + ".py"
        for folder in ("", "snippets/", "snippets/training/"):
            if _git_show(folder + stem) is not None:
                return folder + stem
    return None


def _git_show(path: str, commit: str = SESSION_COMMIT) -> bytes | None:
    done = subprocess.run(["git", "show", f"{commit}:{path}"], cwd=ROOT, capture_output=True, timeout=30)
    return done.stdout if done.returncode == 0 else None


def convert_2026_11_30(out: Path = RESULTS) -> list[Path]:
    """Write results/blocks-cuda-h200.json and results/machine-report-h200.json from the session's text."""
    if _git_show("README.md") is None:
        raise RuntimeError(
            f"commit {SESSION_COMMIT} is not in this clone's history: cannot read the files the session ran"
        )
    stamp = dict(json.loads((RESULTS / "race-cuda-h200.json").read_text(encoding="utf-8"))["stamp"])
    stamp.pop("device", None)
    header, cases = parse_blocks_log(
        (SESSION_2026_11_30 / "cuda-blocks-h200.txt").read_text(encoding="utf-8")
    )
    blocks = []
    for case in cases:
        source = _case_source(case["name"])
        device_only = source is not None and _device_only_at_session(source)
        blocks.append(
            {
                "places": [],
                "kind": "device-only" if device_only else "follows-device",
                "language": "python",
                "code": case["name"],
                "checks": case["checks"],
                "sources": {source: hashlib.sha256(_git_show(source)).hexdigest()} if source else {},
                "program_sha256": None,
                "outcome": "passed" if case["passed"] else "failed",
                "reason": None,
                "seconds": None,
                "stdout": case["output"][-2000:],
                "stderr": "",
                "problems": [],
            }
        )
    summary: dict[str, dict[str, int]] = {}
    for block in blocks:
        counts = summary.setdefault(block["kind"], {})
        counts[block["outcome"]] = counts.get(block["outcome"], 0) + 1
    written = [out / "blocks-cuda-h200.json", out / "machine-report-h200.json"]
    blocks_record = {
        "benchmark": "blocks",
        "command": "python .gpu/cuda_blocks.py (results/gpu/session-2026-11-30/)",
        "quick": False,
        "stamp": stamp,
        "results": {
            "device": "cuda",
            "device_available": True,
            "budget_s": 60,
            "commit": SESSION_COMMIT,
            "header": header,
            "blocks": blocks,
            "summary": summary,
        },
        "note": SESSION_NOTE,
    }
    text = (SESSION_2026_11_30 / "machine-report-h200.txt").read_text(encoding="utf-8")
    start_zh = text.index("机器报告（")
    report_record = {
        "benchmark": "machine-report",
        "command": "python tools/machine_report.py --json; --lang en; --lang zh "
        "(results/gpu/session-2026-11-30/run1.sh)",
        "quick": False,
        "stamp": stamp,
        "results": {
            "facts": json.loads((SESSION_2026_11_30 / "machine-facts-h200.json").read_text(encoding="utf-8")),
            "text": {"en": text[:start_zh], "zh": text[start_zh:]},
        },
        "note": SESSION_NOTE,
    }
    for path, record in zip(written, (blocks_record, report_record), strict=True):
        path.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return written


def _device_only_at_session(source: str) -> bool:
    """Whether the pages of the session's commit embedded `source` in a needs_cuda block (or ran it
    with --device cuda in one)."""
    listing = subprocess.run(
        ["git", "ls-tree", "--name-only", SESSION_COMMIT, "docs/"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    ).stdout.split()
    for page in listing:
        text = (_git_show(page) or b"").decode("utf-8")
        for found in re.finditer(
            r"<!--pytest\.mark\.needs_cuda-->\s*(?:<!--.*?-->\s*)*```\w+\n(.*?)```", text, re.S
        ):
            if source in found[1] or Path(source).name in found[1]:
                return True
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.gpu_records", description=__doc__.splitlines()[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate result files against their benchmark's schema")
    check.add_argument("files", nargs="+", type=Path)
    commands.add_parser("convert-2026-11-30", help="parse the first session's text records into JSON")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.command == "convert-2026-11-30":
        for path in convert_2026_11_30():
            print(f"wrote {path.relative_to(ROOT)}")
        return 0
    found = [p for path in args.files for p in check_file(path)]
    print("\n".join(found) if found else f"{len(args.files)} file(s) valid")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
