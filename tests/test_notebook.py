"""The Iris notebook pages: rendered and executed notebooks in both languages, with their plots, a
working .ipynb download, and the same model, data and training loop as snippets/iris_setup.py.

mkdocs-static-i18n can silently turn a notebook page into raw JSON (see CONTRIBUTING.md and the stack
notes), so these tests read the built site, not the sources.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

from tests.pages import DEFAULT_LANGUAGE, DOCS, LANGUAGES, SNIPPETS

NAME = "iris-notebook"
SOURCES = {lang: DOCS / f"{NAME}.{lang}.md" for lang in LANGUAGES}


def _page_dir(site: Path, lang: str) -> Path:
    return site / ("" if lang == DEFAULT_LANGUAGE else lang) / NAME


def _soup(site: Path, lang: str) -> BeautifulSoup:
    return BeautifulSoup((_page_dir(site, lang) / "index.html").read_text(encoding="utf-8"), "html.parser")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_page_is_a_rendered_executed_notebook(site, lang):
    soup = _soup(site, lang)
    article = soup.select_one("article")
    assert article is not None, "no article: not a rendered page"
    text = article.get_text()
    assert '"nbformat"' not in text and '"cell_type"' not in text, "the page shows raw notebook JSON"
    assert article.select_one(".jupyter-wrapper .jp-Notebook"), "no notebook markup on the page"
    code_cells = article.select(".jp-CodeCell .jp-InputArea")
    assert len(code_cells) == SOURCES[lang].read_text(encoding="utf-8").count("```python"), (
        "a code cell is missing")
    outputs = " ".join(o.get_text() for o in article.select(".jp-OutputArea-output"))
    assert "cpu: final loss" in outputs and "test accuracy" in outputs, "the notebook was not executed"
    assert "Traceback" not in outputs and "Error" not in outputs
    assert "description:" not in article.get_text(), "the page's front matter is shown as text"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_page_shows_its_plots(site, lang):
    images = _soup(site, lang).select(".jp-OutputArea-output img")
    pngs = [img for img in images if img.get("src", "").startswith("data:image/png;base64,")]
    assert len(pngs) >= 2, f"expected the data scatter plot and the loss curve, found {len(pngs)} images"


def test_headings_use_the_explicit_ids_in_both_languages(site):
    def headings(lang):
        soup = _soup(site, lang)
        return [(h.name, h.get("id"), h.get_text()) for h in soup.select("article h1, article h2")]

    reference = [(tag, hid) for tag, hid, _ in headings(DEFAULT_LANGUAGE)]
    assert reference[0] == ("h1", NAME)
    for lang in LANGUAGES:
        found = headings(lang)
        assert [(tag, hid) for tag, hid, _ in found] == reference
        assert not any("{" in text for _, _, text in found), "a heading shows its { #id }"
        toc = [a["href"] for a in _soup(site, lang).select(".md-sidebar--secondary a.md-nav__link")]
        assert toc == [f"#{hid}" for _, hid in reference[1:]], f"table of contents: {toc}"  # under h1
        title = _soup(site, lang).title.get_text()
        assert "{" not in title, title


@pytest.mark.parametrize("lang", LANGUAGES)
def test_ipynb_download(site, lang):
    page = _page_dir(site, lang)
    links = [a["href"] for a in _soup(site, lang).select("article a[href$='.ipynb']")]
    assert links == [f"{NAME}.ipynb"], links
    notebook = nbformat.read(page / links[0], as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.language == "python"
    source_code = re.findall(r"```python\n(.*?)```", SOURCES[lang].read_text(encoding="utf-8"), re.S)
    code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    assert code == [block.rstrip("\n") for block in source_code]
    assert notebook.cells[0].source.startswith("# "), "the notebook should open with its title"
    assert not [cell for cell in notebook.cells if cell.cell_type == "raw"], "front matter left in"
    markdown = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    assert "{ #" not in markdown and "pytest" not in markdown, "site-only markup left in the .ipynb"


def _section(text: str, name: str) -> str:
    found = re.search(rf"# --8<-- \[start:{name}\]\n(.*?)# --8<-- \[end:{name}\]", text, re.S)
    assert found, f"snippets/iris_setup.py has no section {name!r}"
    return found.group(1)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_notebook_code_is_the_shared_iris_code(lang):
    """The notebook runs on its own (Colab), so it carries a copy: the copy must not drift."""
    shared = (SNIPPETS / "iris_setup.py").read_text(encoding="utf-8")
    notebook = SOURCES[lang].read_text(encoding="utf-8")
    for name in ("model", "data", "train"):
        assert _section(shared, name).strip() in notebook, f"the notebook's {name} differs from iris_setup.py"
