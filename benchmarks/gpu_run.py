"""Every GPU measurement of the guide in one command, for the few minutes a GPU is lent.

    python3 -m benchmarks.gpu_run --out DIR              # on a CUDA machine: about 7 minutes
    python3 -m benchmarks.gpu_run --dry-run --out DIR    # anywhere: the same steps, tiny, CUDA parts skipped

Runs from a plain checkout with the machine's own python3 (torch, numpy, scikit-learn, psutil,
py-cpuinfo; pytest for the code blocks), each part in its own process with its own time limit, in
order of value, so that a session cut short still brings back the most important files:

  1. stamp           the machine: GPU, compute capability, SMs, memory, driver, Python, torch, CUDA
  2. race-cuda       the race at 20 000 epochs on CUDA: every recipe, CUDA graph and compile
                     mode="reduce-overhead" included, and many models at once   (benchmarks.race)
  3. overheads       copies, .item(), launches, the batch × width grid on CPU and GPU (benchmarks.overheads)
  4. blocks-cuda     every CUDA-only code block of the pages, then the blocks that follow the device,
                     run and checked against the page                             (benchmarks.gpu_blocks)
  5. machine-report  tools/machine_report.py: the facts and the report in both languages
  6. race-cpu        the same race on this machine's CPU                          (benchmarks.race)
  7. crossover       the latency model's constants measured here, and its prediction
                                                                                  (tools/predict_crossover.py)

A part starts only if enough of the budget is left, and is stopped at its own limit. DIR receives
at most 8 files, named after the GPU (<tag>: "h200" for an NVIDIA H200): gpu-run-<tag>.json (the
stamp and every part's command, status, time and output), gpu-run-<tag>.log, race-cuda-<tag>.json,
race-cpu-<tag>.json, overheads-<tag>.json, blocks-cuda-<tag>.json, crossover-<tag>.json and
machine-report-<tag>.json. Every file is checked against its schema (benchmarks/gpu_records.py).
Bring the JSON files back into results/ and run `python -m benchmarks.make_figures`: the pages
show them (CONTRIBUTING.md, "Running the GPU measurements").

--dry-run does the same on the CPU with tiny sizes, skipping (not faking) what needs CUDA and the
race's compiles (tests/test_race.py runs those); its files
say "quick": true and are for checking the machinery, never for committing. Exit status: 0 when every
part that should run ran and wrote a valid file, 1 otherwise, 2 for bad options (no CUDA device
without --dry-run included).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.cli import positive_float
from benchmarks.gpu_records import problems

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BUDGET = 420.0  # seconds: "about 7 minutes", the whole session
EPOCHS = 20_000


@dataclass
class Part:
    name: str
    file: str | None  # the file it writes in DIR ({tag} filled in), None for the stamp
    benchmark: str | None  # the schema the file must satisfy
    box: float  # at most this many seconds (the full run)
    least: float  # not started with less than this left (the full run)
    dry_box: float  # the same, in a dry run
    needs_cuda: bool = False
    status: str = "pending"
    reason: str | None = None
    command: list[str] | None = None
    seconds: float | None = None
    returncode: int | None = None
    output: str = ""
    found: list[str] = field(default_factory=list)  # problems with the file it wrote

    def record(self, tag: str) -> dict:
        return {
            "name": self.name,
            "status": self.status,
            "reason": self.reason,
            "file": self.file.format(tag=tag) if self.file else None,
            "command": " ".join(self.command) if self.command else None,
            "seconds": self.seconds,
            "returncode": self.returncode,
            "problems": self.found,
            "output": self.output[-1500:],
        }


def parts() -> list[Part]:
    """The session's parts, most valuable first. Boxes: the 2026-11-30 session's times plus a margin."""
    return [
        Part("stamp", None, None, box=60, least=10, dry_box=60),
        Part("race-cuda", "race-cuda-{tag}.json", "race", box=210, least=120, dry_box=0, needs_cuda=True),
        Part("overheads", "overheads-{tag}.json", "overheads", box=120, least=60, dry_box=60),
        Part("blocks-cuda", "blocks-cuda-{tag}.json", "blocks", box=100, least=30, dry_box=60),
        Part("machine-report", "machine-report-{tag}.json", "machine-report", box=45, least=15, dry_box=45),
        Part("race-cpu", "race-cpu-{tag}.json", "race", box=150, least=100, dry_box=90),
        Part("crossover", "crossover-{tag}.json", "crossover", box=90, least=50, dry_box=90),
    ]


def tag_of(gpu_name: str | None) -> str:
    """'NVIDIA H200' -> 'h200', 'NVIDIA GeForce RTX 4090' -> 'geforce-rtx-4090'."""
    if not gpu_name:
        return "no-gpu"
    name = re.sub(r"^nvidia\s+", "", gpu_name.strip(), flags=re.I)
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "gpu"


def gpu_driver() -> str:
    """The NVIDIA driver's version: from nvidia-smi, else pynvml, else 'unknown'."""
    if shutil.which("nvidia-smi"):
        try:
            done = subprocess.run(
                ["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
                capture_output=True,
                text=True,
                timeout=20,
            )
            if done.returncode == 0 and done.stdout.strip():
                return done.stdout.strip().splitlines()[0].strip()
        except (OSError, subprocess.SubprocessError):
            pass
    try:
        import pynvml

        pynvml.nvmlInit()
        version = pynvml.nvmlSystemGetDriverVersion()
        return version.decode() if isinstance(version, bytes) else str(version)
    except Exception:  # not installed, or no driver: either way unknown
        return "unknown"


class Session:
    """Runs the parts in order, each in its own process, and keeps the record up to date on disk."""

    def __init__(self, out: Path, budget: float, dry_run: bool, tag: str | None):
        self.out, self.budget, self.dry_run, self.tag = out, budget, dry_run, tag
        self.python = sys.executable
        self.started = time.monotonic()
        self.parts = parts()
        self.stamp: dict = {}
        self.gpu: dict = {}
        self.log = None  # the log file, opened once the stamp has named the GPU
        self.early: list[str] = []  # what was logged before that
        self.argv = ["--dry-run"] * dry_run + ["--out", out.name]  # the command line, DIR by its name

    # ------------------------------------------------------------------ running one process
    def left(self) -> float:
        return self.budget - (time.monotonic() - self.started)

    def run(self, part: Part, command: list[str], limit: float) -> tuple[int | None, str, bool]:
        """Run a command from the repository's root; its output goes to the log and this terminal.
        Returns (exit status, output, timed out)."""
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0"}
        self.write_log(f"$ {' '.join(command)}   (limit {limit:.0f} s)\n")
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
            start_new_session=True,
        )
        chunks: list[str] = []

        def pump():
            for line in process.stdout:
                chunks.append(line)
                self.write_log(line)

        reader = threading.Thread(target=pump, daemon=True)
        reader.start()
        try:
            process.wait(timeout=max(limit, 1))
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            timed_out = True
        reader.join(timeout=10)
        return (None if timed_out else process.returncode), "".join(chunks), timed_out

    def write_log(self, text: str) -> None:
        sys.stdout.write(text)
        sys.stdout.flush()
        if self.log:
            self.log.write(text)
            self.log.flush()
        else:
            self.early.append(text)

    # ------------------------------------------------------------------ the parts
    def commands(self, part: Part, path: Path, limit: float) -> list[list[str]]:
        py, dry = self.python, self.dry_run
        if part.name == "stamp":
            return [
                [
                    py,
                    "-c",
                    "import json, torch; from benchmarks.stamp import machine_stamp; "
                    "print('STAMP ' + json.dumps(machine_stamp(torch.device('cuda') "
                    "if torch.cuda.is_available() else None)))",
                ]
            ]
        if part.name in ("race-cuda", "race-cpu"):
            device = part.name.removeprefix("race-")
            size = (  # a rehearsal skips the compiles (a minute on a CPU; tests/test_race.py runs them)
                ["--epochs", "40", "--chunk", "10", "--models", "4", "--quick", "--no-compile"]
                if dry
                else ["--epochs", str(EPOCHS)]
            )
            if not dry and limit < part.box:  # short of time: the compiles (a minute on a CPU) go first
                size.append("--no-compile")
                part.reason = f"--no-compile: {limit:.0f} s left of the {part.box:.0f} s it takes with them"
            return [[py, "-m", "benchmarks.race", "--device", device, *size, "--out", str(path)]]
        if part.name == "overheads":  # --profile gpu: the settings that fit a GPU session
            profile = ["--quick"] if dry else ["--profile", "gpu"]
            return [[py, "-m", "benchmarks.overheads", *profile, "--out", str(path)]]
        if part.name == "blocks-cuda":
            return [
                [
                    py,
                    "-m",
                    "benchmarks.gpu_blocks",
                    "--device",
                    "cuda",
                    "--out",
                    str(path),
                    "--budget",
                    str(max(limit - 15, 5)),
                    "--workers",
                    str(max(1, min(4, (os.cpu_count() or 2) // 2))),
                ]
            ]
        if part.name == "machine-report":  # the facts; the report's text is rendered from them below
            return [[py, "tools/machine_report.py", "--json"]]
        if part.name == "crossover":
            return [[py, "tools/predict_crossover.py", *(["--quick"] if dry else []), "--out", str(path)]]
        raise ValueError(part.name)

    def run_part(self, part: Part) -> None:
        box = part.dry_box if self.dry_run else part.box
        least = min(part.least, box) if not self.dry_run else min(10.0, box)
        if part.needs_cuda and self.dry_run:
            part.status, part.reason = "skipped", "needs CUDA: a dry run skips it"
            return
        left = self.left()
        if left < least:
            part.status, part.reason = (
                "skipped",
                f"out of time: {left:.0f} s left, it needs at least {least:.0f} s",
            )
            return
        limit = min(box, left)
        path = self.out / part.file.format(tag=self.tag) if part.file else None
        self.write_log(
            f"\n### {part.name} (at {time.monotonic() - self.started:.0f} s, limit {limit:.0f} s)\n"
        )
        started = time.monotonic()
        outputs = []
        part.command = []
        for command in self.commands(part, path, limit):
            part.command += (["&&"] if part.command else []) + self.canonical(command, path)
            code, output, timed_out = self.run(part, command, limit - (time.monotonic() - started))
            outputs.append(output)
            part.returncode = code
            if timed_out or code != 0:
                part.status = "timed out" if timed_out else "failed"
                part.reason = f"stopped at its limit of {limit:.0f} s" if timed_out else f"exit status {code}"
                break
        part.seconds = round(time.monotonic() - started, 1)
        part.output = "".join(outputs)
        if part.status in ("timed out", "failed"):
            return
        part.status = "done"
        if part.name == "stamp":
            self.take_stamp(part)
        elif part.name == "machine-report":
            self.write_machine_report(path, outputs)
        elif path is not None and path.is_file():
            self.record_command(part, path)
        if path is not None:
            self.validate(part, path)

    def take_stamp(self, part: Part) -> None:
        line = next(line for line in part.output.splitlines() if line.startswith("STAMP "))
        self.stamp = json.loads(line.removeprefix("STAMP "))
        self.stamp.pop("device", None)
        self.gpu = {
            "name": self.stamp.get("gpu"),
            "capability": self.stamp.get("gpu_capability"),
            "sms": self.stamp.get("gpu_sms"),
            "memory_bytes": self.stamp.get("gpu_memory_bytes"),
            "driver": gpu_driver() if self.stamp.get("gpu") else "unknown",
        }
        self.stamp["gpu_driver"] = self.gpu["driver"]
        if self.tag is None:
            self.tag = "dry-run" if self.dry_run else tag_of(self.stamp.get("gpu"))

    def write_machine_report(self, path: Path, outputs: list[str]) -> None:
        """The facts the tool read here, and its report of them in both languages: what
        `python tools/machine_report.py --lang en|zh` prints on this machine (it renders the same facts)."""
        from tools.machine_report import render

        facts = json.loads(outputs[0])
        text = {lang: render(facts, lang) + "\n" for lang in ("en", "zh")}
        record = {
            "benchmark": "machine-report",
            "command": "python tools/machine_report.py --json (the report: --facts, --lang en / zh)",
            "quick": self.dry_run,
            "stamp": self.stamp,
            "results": {"facts": facts, "text": text},
        }
        path.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    def canonical(self, command: list[str], path: Path | None) -> list[str]:
        """The command as a reader types it from the repository's root, the file where it belongs:
        `python -m benchmarks.race ... --out results/race-cuda-h200.json`."""
        shown = ["python" if arg == self.python else arg for arg in command]
        if path is not None:
            shown = [f"results/{path.name}" if arg == str(path) else arg for arg in shown]
        return shown

    def record_command(self, part: Part, path: Path) -> None:
        """The file's "command": how to make it again, from the repository's root."""
        data = json.loads(path.read_text(encoding="utf-8"))
        command = part.command[: part.command.index("&&")] if "&&" in part.command else part.command
        data["command"] = " ".join(command)
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    def validate(self, part: Part, path: Path) -> None:
        if not path.is_file():
            part.status, part.found = "failed", [f"{path.name} was not written"]
            return
        data = json.loads(path.read_text(encoding="utf-8"))
        found = problems(data, part.benchmark)
        if not found and not self.dry_run:
            found = expectations(part.name, data)
        part.found = found
        if found:
            part.status, part.reason = "invalid", f"{len(found)} problem(s) with {path.name}"

    # ------------------------------------------------------------------ the session
    def manifest(self) -> dict:
        tag = self.tag or "pending"
        return {
            "benchmark": "gpu-run",
            "command": " ".join(["python", "-m", "benchmarks.gpu_run", *self.argv]),
            "quick": self.dry_run,
            "stamp": self.stamp
            or {"date": "", "cpu": "", "python": "", "torch": "", "cuda": None, "gpu": None},
            "results": {
                "dry_run": self.dry_run,
                "budget_s": self.budget,
                "tag": tag,
                "total_s": round(time.monotonic() - self.started, 1),
                "python_executable": self.python,
                "gpu": self.gpu
                or {"name": None, "capability": None, "sms": None, "memory_bytes": None, "driver": "unknown"},
                "parts": [p.record(tag) for p in self.parts],
            },
        }

    def save_manifest(self) -> Path | None:
        if self.tag is None:
            return None
        path = self.out / f"gpu-run-{self.tag}.json"
        path.write_text(json.dumps(self.manifest(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        return path

    def go(self) -> int:
        self.out.mkdir(parents=True, exist_ok=True)
        try:
            for part in self.parts:
                self.run_part(part)
                if part.name == "stamp" and self.tag is None:  # the stamp failed: name the files anyway
                    self.tag = "dry-run" if self.dry_run else "unknown-gpu"
                if self.log is None and self.tag:
                    self.log = open(self.out / f"gpu-run-{self.tag}.log", "w", encoding="utf-8")  # noqa: SIM115
                    self.log.write("".join(self.early))
                self.save_manifest()
            self.write_log(
                "\n### summary\n"
                + "".join(
                    f"{p.name:<15} {p.status:<10} {'' if p.seconds is None else f'{p.seconds:6.1f} s':>9}"
                    f"  {p.reason or ''}\n"
                    for p in self.parts
                )
                + f"total {time.monotonic() - self.started:.0f} s of {self.budget:.0f}; files in {self.out}\n"
            )
            manifest = self.save_manifest()
            found = (
                problems(json.loads(manifest.read_text(encoding="utf-8")), "gpu-run")
                if manifest
                else ["no stamp, so no file could be named"]
            )
            if found:
                self.write_log("\n".join(["the session record is invalid:", *found]) + "\n")
                return 1
        finally:
            if self.log:
                self.log.close()
        ok = all(
            p.status == "done" or (p.status == "skipped" and p.needs_cuda and self.dry_run)
            for p in self.parts
        )
        return 0 if ok else 1


def expectations(name: str, data: dict) -> list[str]:
    """What a full run's file must hold beyond its schema: the GPU parts really measured the GPU."""
    r = data["results"]
    if name == "race-cuda":
        ran = {row["name"] for row in r["recipes"]}
        wanted = {"seed", "cuda_graph", "compiled_graphs", "many_models"}
        found = [f"race on CUDA lacks {sorted(wanted - ran)}"] if not wanted <= ran else []
        return found + ([f"race ran on {r['device']}, not cuda"] if r["device"] != "cuda" else [])
    if name == "overheads":
        return [
            f"overheads: {key} not measured on CUDA"
            for key, part in (
                ("underuse.cuda", r["underuse"]["cuda"]),
                ("transfer.copies.cuda", r["transfer"]["copies"]["cuda"]),
            )
            if isinstance(part, dict)
        ]
    if name == "blocks-cuda":
        return [] if r["device_available"] else ["blocks: no CUDA device was seen"]
    if name == "crossover":
        return [] if r["gpu"]["measured"] else ["crossover: the GPU constants were not measured"]
    return []


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.gpu_run",
        description=__doc__.splitlines()[0],
        epilog="\n\n".join(__doc__.split("\n\n")[1:]),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="folder for the files (created)"
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="on any machine: the same parts on the CPU, tiny sizes, CUDA parts skipped",
    )
    parser.add_argument(
        "--budget",
        type=positive_float,
        default=DEFAULT_BUDGET,
        metavar="SECONDS",
        help=f"time for the whole session (default {DEFAULT_BUDGET:.0f})",
    )
    parser.add_argument("--tag", type=_tag, help="name the files after this instead of the GPU (e.g. h200)")
    args = parser.parse_args(argv)
    if args.out.exists() and not args.out.is_dir():
        parser.error(f"--out names a file, not a folder: {str(args.out)!r}")
    if not args.dry_run:
        import torch

        if not torch.cuda.is_available():
            parser.error(
                f"no CUDA device: torch {torch.__version__} (CUDA {torch.version.cuda or 'none'}) "
                "sees no NVIDIA GPU here; --dry-run rehearses the session on the CPU"
            )
    session = Session(args.out, args.budget, args.dry_run, args.tag)
    session.argv = [args.out.name if arg == str(args.out) else arg for arg in argv]  # DIR by its name
    return session.go()


def _tag(text: str) -> str:
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", text):
        raise argparse.ArgumentTypeError(f"lower-case letters, digits and '-' only, got {text!r}")
    return text


if __name__ == "__main__":
    sys.exit(main())
