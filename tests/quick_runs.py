"""The long commands whose files several tests read, run once per session in the background: the GPU
session's dry run (`python -m benchmarks.gpu_run --dry-run`, whose overheads file is also what the
overheads tests read) and the anatomy's and threading lab's `--quick` runs; and a benchmark's bad
options.

Once the tests are collected (tests/conftest.py), `BackgroundRuns` runs the ones some collected test
needs, one after another in a thread of their own, so that they use the CPU the tests of this process
leave idle; they start when the session's site build is done (the browser tests wait for that build,
and they are the longest part of a session). The tests that read them run after the others
(tests/conftest.py orders them) and wait for their run's end (its fixture, in tests/conftest.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.pages import ROOT


@dataclass(frozen=True)
class Run:
    """A command run from the repository's root as a reader runs it; `out` is where it writes."""

    fixture: str        # the session fixture that gives its result (tests/conftest.py)
    arguments: tuple    # after `python`; "{out}" stands for the output path
    out: str            # a file name, or "" for a folder of its own

    def command(self, out: Path) -> list[str]:
        return [sys.executable, *(str(out) if arg == "{out}" else arg for arg in self.arguments)]


RUNS = [
    Run("dry_run", ("-m", "benchmarks.gpu_run", "--dry-run", "--out", "{out}"), ""),
    Run("anatomy_quick_run", ("-m", "benchmarks.anatomy", "--quick", "--out", "{out}"), "anatomy-test.json"),
    Run("threading_quick_run", ("-m", "benchmarks.threading_lab", "--quick", "--out", "{out}"),
        "threading-test.json"),
]


class BackgroundRuns:
    """The given runs, one after another in a thread, after `after()` has returned (if given);
    wait(fixture) gives (output path, completed process) of one, once it has ended."""

    def __init__(self, runs: list[Run], folder, after=None, timeout: float = 600):
        self._runs, self._folder, self._after, self._timeout = runs, folder, after, timeout
        self._done: dict[str, tuple[Path, subprocess.CompletedProcess]] = {}
        self._process: subprocess.Popen | None = None
        self._stopped = False
        self._changed = threading.Condition()
        threading.Thread(target=self._run_all, name="background-runs", daemon=True).start()

    def _run_all(self) -> None:
        if self._after is not None:
            self._after()
        env = dict(os.environ, PYTHONHASHSEED="0", MPLBACKEND="Agg")
        for run in self._runs:
            folder = self._folder(run.fixture)
            out = folder / run.out if run.out else folder
            with self._changed:
                if self._stopped:
                    return
                self._process = subprocess.Popen(run.command(out), cwd=ROOT, env=env, text=True,
                                                 stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                                 stderr=subprocess.PIPE)
            try:
                stdout, stderr = self._process.communicate(timeout=self._timeout)
            except subprocess.TimeoutExpired:
                self._process.kill()
                stdout, stderr = self._process.communicate()
                stderr += f"\n(killed after {self._timeout:.0f} s)"
            done = subprocess.CompletedProcess(run.command(out), self._process.returncode, stdout, stderr)
            with self._changed:
                self._done[run.fixture] = (out, done)
                self._changed.notify_all()

    def has(self, fixture: str) -> bool:
        return any(run.fixture == fixture for run in self._runs)

    def wait(self, fixture: str) -> tuple[Path, subprocess.CompletedProcess]:
        with self._changed:
            self._changed.wait_for(lambda: fixture in self._done or self._stopped)
            if fixture not in self._done:
                pytest.fail(f"the background run {fixture} was stopped")
            return self._done[fixture]

    def stop(self) -> None:
        with self._changed:
            self._stopped = True
            if self._process is not None and self._process.poll() is None:
                self._process.kill()
            self._changed.notify_all()


_SESSION_RUNS = pytest.StashKey[BackgroundRuns]()


def start_background_runs(config: pytest.Config, fixtures: list[str], after=None) -> None:
    """Start the runs of these fixtures, in this order, once `after()` has returned (once per session)."""
    runs = [next(run for run in RUNS if run.fixture == name) for name in fixtures]
    if runs and _SESSION_RUNS not in config.stash:
        config.stash[_SESSION_RUNS] = BackgroundRuns(runs, config._tmp_path_factory.mktemp, after)


def background_run(config: pytest.Config, fixture: str) -> tuple[Path, subprocess.CompletedProcess]:
    """(output path, completed process) of a run: the session's, or one run now if the session did not
    start it (a fixture asked for by name at run time)."""
    runs = config.stash.get(_SESSION_RUNS, None)
    if runs is None or not runs.has(fixture):
        runs = BackgroundRuns([run for run in RUNS if run.fixture == fixture],
                              config._tmp_path_factory.mktemp)
    return runs.wait(fixture)


def stop_background_runs(config: pytest.Config) -> None:
    if _SESSION_RUNS in config.stash:
        config.stash[_SESSION_RUNS].stop()


def quick_file(run: tuple[Path, subprocess.CompletedProcess], name: str) -> dict:
    """A `--quick` run's file as make_figures.load_results reads it (with its "file")."""
    out, done = run
    assert done.returncode == 0, done.stderr[-3000:]
    data = json.loads(out.read_text(encoding="utf-8"))
    data["file"] = f"results/{name}-test.json"
    return data


def result_of_dry_run(folder: Path, done: subprocess.CompletedProcess, part: str, name: str) -> dict:
    """A file the dry run wrote (<part>-dry-run.json) as quick_file gives it."""
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
