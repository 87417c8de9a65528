"""Build the site the way CI and the README do, and read what it produced."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tests.pages import ROOT


@dataclass
class Build:
    returncode: int
    log: str
    seconds: float
    site: Path


def build_site(site_dir: Path, config: Path = ROOT / "mkdocs.yml") -> Build:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", MPLBACKEND="Agg")
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site_dir)],
        cwd=config.parent, env=env, capture_output=True, text=True, timeout=900)
    return Build(result.returncode, result.stdout + result.stderr,
                 time.perf_counter() - started, site_dir)
