"""A broken page fails the strict build, naming what is broken: checked on a two-page site with the
real configuration (tests/site_build.small_site), in seconds, instead of a broken copy of every chapter.
Needing no build of the whole site, these run early in a session (tests/conftest.py), not after it."""

from __future__ import annotations

from pathlib import Path

from tests.site_build import Build, build_site, small_site


def _small_build(tmp_path: Path, extra_en: str = "") -> Build:
    """A two-page site with the real configuration (tests/site_build.small_site), its English page
    ending with `extra_en`: seconds, where a broken copy of the whole site took half a minute."""
    pages = {"index.zh.md": "# 首页 { #home }\n\n[另一页](other.md)\n",
             "index.en.md": "# Home { #home }\n\n[Another page](other.md)\n",
             "other.zh.md": "# 另一页 { #other }\n",
             "other.en.md": "# Another page { #other }\n" + extra_en}
    folder = tmp_path / ("broken" if extra_en else "good")
    folder.mkdir()
    return build_site(folder / "site", small_site(folder, pages))


def test_small_site_builds_cleanly(tmp_path):
    """The control for the two tests below: without the broken part the same small site builds."""
    result = _small_build(tmp_path)
    assert result.returncode == 0, result.log[-3000:]


def test_broken_internal_link_fails_the_build_naming_the_page(tmp_path):
    result = _small_build(tmp_path, "\n[gone](no-such-page.md)\n")
    assert result.returncode != 0
    assert "other.en.md" in result.log and "no-such-page.md" in result.log


def test_missing_snippet_fails_the_build_naming_the_file(tmp_path):
    result = _small_build(tmp_path, '\n```python\n--8<-- "snippets/no_such.py"\n```\n')
    assert result.returncode != 0
    assert "snippets/no_such.py" in result.log
