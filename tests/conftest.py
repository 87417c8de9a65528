"""Fixtures shared by the tests, and the order they run in.

The site is built once per test session, in the background: the build starts as soon as the tests
are collected (if any collected test needs it), and the tests that read the built site run after the
others. The doc blocks run in the background too (tests/docblocks.py); their tests come last.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch

from tests.quick_runs import RUNS, background_run, start_background_runs, stop_background_runs
from tests.site_build import Build, session_build, stop_session_build

SITE_FIXTURES = {"build", "site"}
BROWSER = Path(__file__).resolve().parent / "browser"


def _needs_site(item: pytest.Item) -> bool:
    names = set(getattr(item, "fixturenames", ()))
    # tests/browser's `built_site` is the session's build unless BROWSER_TESTS_SITE names another
    return bool(names & SITE_FIXTURES) or ("built_site" in names and not os.environ.get("BROWSER_TESTS_SITE"))


BACKGROUND_FIXTURES = {run.fixture for run in RUNS}


def _needs_background_run(item: pytest.Item) -> bool:
    return bool(BACKGROUND_FIXTURES & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(session, config, items):
    """First the tests that need neither the site nor a background run (tests/quick_runs.py), then
    the modules whose tests read a background run, then those whose tests read the built site (so
    the build and the runs overlap with the first), then the doc blocks (which have been running in
    the background all along; these tests only collect their results), then the browser tests
    (which run in a process of their own once the site is built: tests/browser/conftest.py). Each
    module keeps its own order."""
    site_modules = {item.path for item in items if _needs_site(item)}
    run_modules = {item.path for item in items if _needs_background_run(item)}

    def group(item: pytest.Item) -> int:
        if item.path.is_relative_to(BROWSER):
            return 4
        if item.path.suffix == ".md":
            return 3
        return 2 if item.path in site_modules else 1 if item.path in run_modules else 0

    items.sort(key=group)


def pytest_collection_finish(session):
    if session.config.option.collectonly:
        return
    build = session_build(session.config) if any(_needs_site(item) for item in session.items) else None
    # the runs in the order the tests read them, once the site is built
    needed = [name for item in session.items for name in getattr(item, "fixturenames", ())
              if name in BACKGROUND_FIXTURES]
    start_background_runs(session.config, list(dict.fromkeys(needed)), build and build.wait)


def pytest_unconfigure(config):
    stop_session_build(config)
    stop_background_runs(config)


@pytest.fixture(scope="session")
def build(request) -> Build:
    """`mkdocs build --strict` of the whole site into a temporary folder (once per session)."""
    return session_build(request.config).wait()


@pytest.fixture(scope="session")
def site(build) -> Path:
    """The built site's folder; fails the test if the build failed."""
    assert build.returncode == 0, f"mkdocs build --strict failed:\n{build.log[-5000:]}"
    return build.site


@pytest.fixture(scope="session")
def dry_run(request):
    """(folder, completed process) of the session's dry run of the GPU session (tests/quick_runs.py)."""
    return background_run(request.config, "dry_run")


@pytest.fixture(scope="session")
def anatomy_quick_run(request):
    """(file, completed process) of `python -m benchmarks.anatomy --quick` (tests/quick_runs.py)."""
    return background_run(request.config, "anatomy_quick_run")


@pytest.fixture(scope="session")
def threading_quick_run(request):
    """(file, completed process) of `python -m benchmarks.threading_lab --quick` (tests/quick_runs.py)."""
    return background_run(request.config, "threading_quick_run")


@pytest.fixture(scope="module")
def one_torch_thread():
    """Results do not depend on the thread count, and tiny tensors on a busy machine run far faster
    on one thread (several threads wait for each other); put the setting back afterwards."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
