"""Build the site the way CI and the README do, and read what it produced.

A test session builds the whole site once: tests/conftest.py starts `mkdocs build --strict` in the
background as soon as the tests are collected (when any collected test needs the site), and the
`build` fixture waits for it. `small_site` makes a tiny site with the real configuration, for tests
that need a build of a deliberately broken page without rebuilding every chapter.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.pages import ROOT


@dataclass
class Build:
    returncode: int
    log: str
    seconds: float
    site: Path


def _command(site_dir: Path, config: Path) -> tuple[list[str], dict[str, str]]:
    # The notebook's kernel trains the tiny Iris model while the tests load both cores: on two
    # threads, each parallel region waits for a thread the machine has descheduled (the threading
    # chapter's "loaded" case), which made the kernels most of the build's time. One thread.
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", MPLBACKEND="Agg", OMP_NUM_THREADS="1")
    return [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site_dir)], env


class BackgroundBuild:
    """`mkdocs build --strict` running in a child process; wait() gives its Build."""

    def __init__(self, site_dir: Path, config: Path = ROOT / "mkdocs.yml"):
        command, env = _command(site_dir, config)
        self.site_dir = site_dir
        self._log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115 (closed in wait)
        self._started = time.perf_counter()
        self._process = subprocess.Popen(command, cwd=config.parent, env=env, stdin=subprocess.DEVNULL,
                                         stdout=self._log, stderr=subprocess.STDOUT, text=True)
        self._result: Build | None = None
        self._lock = threading.Lock()

    def wait(self, timeout: float = 900) -> Build:
        with self._lock:
            return self._wait(timeout)

    def _wait(self, timeout: float) -> Build:
        if self._result is None:
            try:
                self._process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._log.seek(0)
            self._result = Build(self._process.returncode, self._log.read(),
                                 time.perf_counter() - self._started, self.site_dir)
            self._log.close()
        return self._result

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()


def build_site(site_dir: Path, config: Path = ROOT / "mkdocs.yml") -> Build:
    return BackgroundBuild(site_dir, config).wait()


_SESSION_BUILD = pytest.StashKey[BackgroundBuild]()


def session_build(config: pytest.Config) -> BackgroundBuild:
    """The test session's one build of the whole site, started on first use."""
    if _SESSION_BUILD not in config.stash:
        factory = getattr(config, "_tmp_path_factory", None)
        folder = factory.mktemp("site") if factory else Path(tempfile.mkdtemp(prefix="site-"))
        config.stash[_SESSION_BUILD] = BackgroundBuild(folder / "site")
    return config.stash[_SESSION_BUILD]


def stop_session_build(config: pytest.Config) -> None:
    if _SESSION_BUILD in config.stash:
        config.stash[_SESSION_BUILD].stop()


def small_site(folder: Path, pages: dict[str, str]) -> Path:
    """A site in `folder` with the real mkdocs.yml (theme, hooks, i18n, search, Markdown extensions,
    validation, strict), but only the given pages (name -> Markdown) and no notebook plugin: a build
    of it takes seconds. Returns its config file. The glossary pages come too: the hooks read the
    Chinese one (its terms go into jieba's dictionary)."""
    pages = {**{f"glossary.{lang}.md": (ROOT / "docs" / f"glossary.{lang}.md").read_text(encoding="utf-8")
                for lang in ("zh", "en")}, **pages}
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    text, navs = re.subn(r"(?m)^nav:\n(?:(?:[ \t]+.*)?\n)*", "nav:\n"
                         + "".join(f"  - {name}\n" for name in _nav_names(pages)) + "\n", text)
    text, notebooks = re.subn(r"(?m)^  - mkdocs-jupyter:\n(?:(?:    .*)?\n)*", "", text)
    assert navs == 1 and notebooks == 1, "mkdocs.yml changed shape: update tests/site_build.small_site"
    (folder / "mkdocs.yml").write_text(text, encoding="utf-8")
    for name in ("tooling", "snippets", "tools", "benchmarks", "results"):  # what the configuration
        if (ROOT / name).is_dir():                                          # and the pages refer to
            (folder / name).symlink_to(ROOT / name, target_is_directory=True)
    docs = folder / "docs"
    docs.mkdir()
    (docs / "stylesheets").symlink_to(ROOT / "docs" / "stylesheets", target_is_directory=True)
    for name, markdown in pages.items():
        (docs / name).write_text(markdown, encoding="utf-8")
    return folder / "mkdocs.yml"


def _nav_names(pages: dict[str, str]) -> list[str]:
    """docs/a.zh.md and docs/a.en.md are one nav entry, a.md."""
    return list(dict.fromkeys(re.sub(r"\.[a-z]{2}\.md$", ".md", name) for name in pages))
