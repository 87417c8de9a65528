"""Fixtures shared by the tests: the site is built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from tests.site_build import Build, build_site


@pytest.fixture(scope="session")
def build(tmp_path_factory) -> Build:
    """`mkdocs build --strict` of the whole site into a temporary folder."""
    return build_site(tmp_path_factory.mktemp("site") / "site")


@pytest.fixture(scope="session")
def site(build) -> Path:
    """The built site's folder; fails the test if the build failed."""
    assert build.returncode == 0, f"mkdocs build --strict failed:\n{build.log[-5000:]}"
    return build.site


@pytest.fixture(scope="module")
def one_torch_thread():
    """Results do not depend on the thread count, and tiny tensors on a busy machine run far faster
    on one thread (several threads wait for each other); put the setting back afterwards."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
