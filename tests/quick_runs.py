"""A benchmark's `--quick` run, shared by the tests of its result file and of its figures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

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
