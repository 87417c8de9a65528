"""A benchmark's `--quick` run, shared by the tests of its result file and of its figures; and the GPU
session's dry run (`python -m benchmarks.gpu_run --dry-run`), shared by its tests and by the tests of
the files it writes with the same commands (the overheads' --quick run); and a benchmark's bad options."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.pages import ROOT


def quick_result(folder: Path, module: str, name: str, timeout: float = 600) -> dict:
    """`python -m benchmarks.<module> --quick --out FOLDER/<name>-test.json`, run from the repository root
    as a reader runs it; the result as make_figures.load_results reads it (with its "file")."""
    out = folder / f"{name}-test.json"
    env = dict(os.environ, PYTHONHASHSEED="0", MPLBACKEND="Agg")
    result = subprocess.run([sys.executable, "-m", f"benchmarks.{module}", "--quick", "--out", str(out)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stderr[-3000:]
    data = json.loads(out.read_text(encoding="utf-8"))
    data["file"] = f"results/{name}-test.json"
    return data


def gpu_dry_run(folder: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    """One dry run of the whole GPU session into FOLDER (the same parts, tiny sizes, CUDA parts skipped)."""
    return subprocess.run([sys.executable, "-m", "benchmarks.gpu_run", "--dry-run", "--out", str(folder)],
                          cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def result_of_dry_run(folder: Path, done: subprocess.CompletedProcess, part: str, name: str) -> dict:
    """A file the dry run wrote (<part>-dry-run.json) as quick_result gives it."""
    path = folder / f"{part}-dry-run.json"
    assert path.is_file(), f"the dry run wrote no {path.name}:\n{done.stdout[-3000:]}{done.stderr[-2000:]}"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["file"] = f"results/{name}-test.json"
    return data


def rejected_options(main, args: list[str], capsys) -> list[str]:
    """`main(args)`, what `python -m benchmarks.<name> ARGS` runs, with bad options: it must stop with
    argparse's exit status 2 and print nothing on stdout. Returns the lines it printed on stderr."""
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    out, err = capsys.readouterr()
    assert exit_info.value.code == 2 and out == "", (exit_info.value.code, out)
    return err.strip().splitlines()
