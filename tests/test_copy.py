"""What a reader copies from the built site is what the tests run, and what it needs is downloadable.

Read from the BUILT HTML of both languages (the one session build, fixture `site`), not from the
Markdown:

* every Python block on a page is, character for character, the code the doc tests run: the
  Markdown fence with its `--8<--` lines expanded (tests/docblocks.py), in the same order (for a
  block with code annotations, the code its copy button copies, `data-copy`); every code block's
  HTML says its language (`pygments_lang_class`);
* a block that imports a file of this repository (`from iris_setup import ...`) says so above it
  (`<!--needs: snippets/iris_setup.py-->`), and the page shows the note with a download link to each
  file it needs, and to the program itself where the page shows a whole file; every such link
  downloads exactly the repository's file;
* a block that needs files runs as a reader runs it: its code from the HTML saved as a file in an
  empty folder beside the files downloaded from the site, in a fresh interpreter, printing what the
  page shows; and a downloaded program (train_iris.py with iris_setup.py) runs there too.

`python -m tests.test_copy SITE_DIR` prints the counts for a built site: blocks, run standalone,
continuations (notebook cells), device-only, needing files.
"""

from __future__ import annotations

import ast
import functools
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup, Tag

from tests.docblocks import expand, read_page
from tests.fresh_python import run_script
from tests.pages import DEFAULT_LANGUAGE, DOCS, ROOT, fences, needs_of, page_files, split_language
from tooling.download_hooks import DOWNLOADS, PUBLISHED

PAGES = [p for p in page_files() if p.suffix == ".md"]
# Blocks whose missing `needs` another change is fixing: page -> reason. Remove an entry when it passes.
PENDING = {
    "hardware.md": "issue 11 moves machine_report.py to tools/ and declares what recorded_gpus needs",
}


@dataclass
class Block:
    """One Python block as the Markdown page writes it and as the built page shows it."""

    page: Path
    lineno: int
    code: str                # expanded: what the doc tests run and the page shows
    marks: list[str]
    needs: list[str]
    continuation: bool       # a notebook cell (or <!--pytest-codeblocks:cont-->) continuing the one above
    program: str | None      # the published file the block shows whole, if it does
    html: str | None = None  # the code in the built HTML
    note: list[str] = field(default_factory=list)  # repository paths linked by the note above it
    expected: str | None = None  # the expected output shown after it, if any

    @property
    def device_only(self) -> bool:
        return any(m.startswith(("pytest.mark.needs_cuda", "pytest.mark.needs_mps")) for m in self.marks)

    @property
    def skipped(self) -> bool:
        return any(m.startswith("pytest.mark.skip") for m in self.marks)

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.lineno}"


def page_url(page: Path) -> str:
    """docs/a.en.md -> 'en/a/'; docs/index.zh.md -> ''."""
    base, lang = split_language(page)
    stem = base.rsplit(".", 1)[0]
    stem = "" if stem == "index" else stem.removesuffix("/index") + "/"
    return stem if lang == DEFAULT_LANGUAGE else f"{lang}/{stem}"


def markdown_blocks(page: Path) -> list[Block]:
    """The ```python fences of a page, in order, with what the doc tests know about each."""
    parsed = read_page(page)
    continued = set(parsed.continued)
    collected = {b.lineno: b for b in parsed.blocks}
    blocks = []
    for fence in fences(page):
        if fence.info != "python":
            continue
        body = [line for line in fence.body.splitlines() if line.strip()]
        whole = (len(body) == 1 and body[0].startswith('--8<-- "') and ":" not in body[0]
                 and body[0].split('"')[1].startswith(tuple(f"{f}/" for f in PUBLISHED)))
        block = collected.get(fence.lineno)
        blocks.append(Block(page, fence.lineno, expand(fence.body), block.marks if block else [],
                            needs_of(page, fence.lineno), fence.lineno in continued,
                            body[0].split('"')[1] if whole else None))
    return blocks


def _code_elements(soup: BeautifulSoup) -> list[Tag]:
    """Every code block of the article in order: Material's `div.highlight`, notebook cells' inputs."""
    article = soup.select_one("article")
    return article.select("div.highlight, div.highlight-ipynb") if article else []


def _language(element: Tag) -> str | None:
    for name in element.get("class", []):
        if name.startswith(("language-", "hl-")):
            return name.split("-", 1)[1]
    return None


def _note_links(element: Tag, url: str) -> list[str]:
    """Repository paths linked by the downloads note right above a code block."""
    note = element.find_previous_sibling()
    if note is None or note.name != "p" or "downloads" not in note.get("class", []):
        return []
    paths = []
    for link in note.select("a[href]"):
        path = urlsplit(urljoin(f"http://site/{url}", link["href"])).path.lstrip("/")
        paths.append(path.removeprefix(f"{DOWNLOADS}/") if path.startswith(f"{DOWNLOADS}/") else f"?{path}")
    return paths


def _expected_output(element: Tag) -> str | None:
    following = element.find_next_sibling()
    if following is not None and following.name == "ol" and element.has_attr("data-copy"):
        following = following.find_next_sibling()  # the list Material shows as the block's annotations
    if following is not None and "language-text" in following.get("class", []):
        return following.select_one("pre code").get_text()
    return None


@functools.cache
def site_blocks(site: Path, page: Path) -> tuple[list[Block], list[str]]:
    """The page's Python blocks with their HTML counterparts, and the problems matching them."""
    url = page_url(page)
    soup = BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")
    elements = _code_elements(soup)
    problems = [f"{page.relative_to(ROOT)}: a code block in the HTML does not say its language"
                for element in elements if _language(element) is None]
    shown = [e for e in elements if _language(e) == "python"]
    blocks = markdown_blocks(page)
    if len(shown) != len(blocks):
        problems.append(f"{page.relative_to(ROOT)}: {len(blocks)} ```python blocks in the Markdown, "
                        f"{len(shown)} Python blocks in the HTML")
        return blocks, problems
    for block, element in zip(blocks, shown, strict=True):
        # what the copy button copies: Material takes the block's data-copy where it has one (an
        # annotated block, tooling/annotate_hooks.py), else the code it shows
        block.html = element.get("data-copy") or element.select_one("pre").get_text()
        block.note = _note_links(element, url)
        block.expected = _expected_output(element)
    return blocks, problems


def _same_code(html: str, code: str) -> bool:
    return html.strip("\n") == code.strip("\n")


def local_modules() -> dict[str, str]:
    """Module name -> repository path of every file a page may publish (snippets/, tools/)."""
    found = {}
    for folder in PUBLISHED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            found.setdefault(path.stem, str(path.relative_to(ROOT)))
    return found


def imported_local(code: str) -> set[str]:
    """The repository modules a piece of code imports (anywhere in it, `__main__` block included)."""
    names = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names & set(local_modules())


def undeclared_imports(block: Block) -> list[str]:
    """Repository files the block (or a file it needs) imports without naming them in `needs`."""
    modules = local_modules()
    missing, todo, seen = [], [block.code], set()
    while todo:
        for name in sorted(imported_local(todo.pop())):
            path = modules[name]
            if path not in block.needs and path not in missing:
                missing.append(path)
            if path not in seen:
                seen.add(path)
                todo.append((ROOT / path).read_text(encoding="utf-8"))
    return missing


def _id(page: Path) -> str:
    return str(page.relative_to(DOCS))


@pytest.mark.parametrize("page", PAGES, ids=_id)
def test_html_code_is_what_the_doc_tests_run(site, page):
    blocks, problems = site_blocks(site, page)
    by_line = {block.lineno: number for number, block in enumerate(blocks)}
    for collected in read_page(page).blocks:
        if collected.language != "python" or problems:
            continue
        # The harness runs a block and the continuations after it as one test.
        number = by_line[collected.lineno]
        run = [blocks[number]]
        for following in blocks[number + 1:]:
            if not following.continuation:
                break
            run.append(following)
        tested = expand(collected.code).strip("\n")
        if tested != "\n".join(b.code.strip("\n") for b in run):
            problems.append(f"{blocks[number].where}: the doc test does not run this block "
                            "and its continuations")
        for block in run:
            if not _same_code(block.html, block.code):
                problems.append(f"{block.where}: the built page shows other code than the doc test runs")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("page", PAGES, ids=_id)
def test_blocks_say_what_they_need_and_link_it(site, page):
    blocks, problems = site_blocks(site, page)
    pending = []
    for block in blocks:
        for path in block.needs:
            if not path.startswith(tuple(f"{f}/" for f in PUBLISHED)) or not (ROOT / path).is_file():
                problems.append(f"{block.where}: needs {path}, which is not a file under snippets/ or tools/")
        missing = undeclared_imports(block)
        if missing and not block.continuation:
            (pending if split_language(page)[0] in PENDING else problems).append(
                f"{block.where}: imports {', '.join(missing)} but does not say so "
                f"(<!--needs: {' '.join(missing)}--> above it)")
        wanted = ([block.program] if block.program else []) + block.needs
        if block.html is not None and block.note != wanted:
            problems.append(f"{block.where}: the note above the block links {block.note}, not {wanted}")
    assert not problems, "\n".join(problems)
    if pending:
        pytest.xfail(f"{PENDING[split_language(page)[0]]}:\n" + "\n".join(pending))


def _downloaded(site: Path, path: str) -> bytes:
    """A file as the built site serves it at downloads/<repository path>."""
    served = site / DOWNLOADS / path
    assert served.is_file(), f"{DOWNLOADS}/{path} is missing from the built site"
    return served.read_bytes()


def test_every_published_file_is_downloadable_unchanged(site):
    """snippets/ and tools/ under downloads/, once for both languages, byte for byte."""
    published = [p for folder in PUBLISHED if (ROOT / folder).is_dir()
                 for p in sorted((ROOT / folder).rglob("*")) if p.is_file() and "__pycache__" not in p.parts]
    assert published
    for path in published:
        assert _downloaded(site, str(path.relative_to(ROOT))) == path.read_bytes(), path
    for lang_dir in [p for p in site.iterdir() if p.is_dir() and (p / "search").is_dir()]:
        assert not (lang_dir / DOWNLOADS).exists(), f"{lang_dir.name}/ has its own copy of the downloads"


def _run_in_empty_folder(folder: Path, files: dict[str, bytes], script: str, *args: str,
                         timeout: int = 300) -> subprocess.CompletedProcess:
    """Save the files in an empty folder and run `python script` there, in a fresh interpreter that
    sees nothing of this repository (no PYTHONPATH, not started from it)."""
    folder.mkdir(parents=True)
    for name, content in files.items():
        (folder / name).write_bytes(content)
    return run_script(script, *args, cwd=folder, timeout=timeout)


def test_blocks_that_need_files_run_beside_the_downloaded_files(site, tmp_path):
    """Each distinct block that needs files, copied from the HTML, runs next to the downloads alone."""
    runs = {}
    for page in PAGES:
        for block in site_blocks(site, page)[0]:
            if block.needs and not (block.skipped or block.device_only or block.continuation):
                runs.setdefault((block.html, tuple(block.needs)), block)
    assert runs, "no page block declares the files it needs"
    for number, ((code, needs), block) in enumerate(runs.items()):
        files = {Path(path).name: _downloaded(site, path) for path in needs}
        files["block.py"] = code.encode("utf-8")
        result = _run_in_empty_folder(tmp_path / str(number), files, "block.py")
        assert result.returncode == 0, f"{block.where}, run as a reader would:\n{result.stderr[-3000:]}"
        if block.expected is not None:
            assert result.stdout.strip("\n") == block.expected.strip("\n"), block.where


def test_a_downloaded_program_runs_in_an_empty_folder(site, tmp_path):
    """train_iris.py and the iris_setup.py it needs, fetched through the links of the built page."""
    page = DOCS / "gpu-training.en.md"
    program = next(b for b in site_blocks(site, page)[0] if b.program == "snippets/train_iris.py")
    assert program.note == ["snippets/train_iris.py", "snippets/iris_setup.py"]
    files = {Path(path).name: _downloaded(site, path) for path in program.note}
    result = _run_in_empty_folder(tmp_path / "reader", files, "train_iris.py",
                                  "--device", "cpu", "--epochs", "300")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "test accuracy:" in result.stdout and "Traceback" not in result.stderr


def kind(block: Block) -> str:
    """How a reader runs a block: the first that applies."""
    if block.continuation:
        return "continuations"
    if block.device_only:
        return "device-only"
    return "needing files" if block.needs else "run standalone"


def counts(site: Path) -> dict[str, int]:
    """Python blocks on the built pages of every language, by how a reader can run them."""
    total = dict.fromkeys(["blocks", "run standalone", "continuations", "device-only", "needing files"], 0)
    for page in PAGES:
        for block in site_blocks(site, page)[0]:
            total["blocks"] += 1
            total[kind(block)] += 1
    return total


def test_counts(site):
    found = counts(site)
    print("\ncopyable Python blocks on the built site, both languages: "
          + ", ".join(f"{name} {number}" for name, number in found.items()))
    assert found["needing files"] > 0 and found["run standalone"] > 0 and found["continuations"] > 0


if __name__ == "__main__":  # python -m tests.test_copy SITE_DIR
    for name, number in counts(Path(sys.argv[1])).items():
        print(f"{name}: {number}")


# ---------------------------------------------------------------- the hook itself, without a build
def _render(markdown: str, url: str = "en/page/", locale: str = "en") -> str:
    from types import SimpleNamespace

    from tooling.download_hooks import on_page_markdown

    page = SimpleNamespace(file=SimpleNamespace(src_uri="page.en.md", locale=locale), url=url)
    config = SimpleNamespace(config_file_path=str(ROOT / "mkdocs.yml"), theme={"language": "zh"})
    return on_page_markdown(markdown, page, config, None)


def test_the_note_names_each_file_with_a_link_in_the_pages_language():
    page = ('Text.\n\n<!--needs: snippets/iris_setup.py-->\n<!--pytest.mark.skip(reason="slow")-->\n\n'
            '```python\n--8<-- "snippets/train_iris.py"\n```\n')
    rendered = _render(page)
    assert rendered.startswith(
        'Text.\n\nDownload this program: <a href="../../downloads/snippets/train_iris.py" download>'
        '<code>train_iris.py</code></a>; it needs <a href="../../downloads/snippets/iris_setup.py" '
        'download><code>iris_setup.py</code></a> in the same folder\n{: .downloads }\n\n'
        '<!--needs: snippets/iris_setup.py-->'), rendered
    zh = _render(page.replace('--8<-- "snippets/train_iris.py"', "from iris_setup import IrisMLP"),
                 url="page/", locale="zh")
    assert '运行前，把 <a href="../downloads/snippets/iris_setup.py" download>' in zh
    assert _render("```python\nprint(1)\n```\n") == "```python\nprint(1)\n```\n"  # nothing to add


def test_needs_of_reads_the_comment_above_the_markers(tmp_path):
    from tests.pages import needs_of

    page = tmp_path / "p.md"
    page.write_text("<!--needs: snippets/a.py tools/b.py-->\n<!--pytest.mark.needs_cuda-->\n\n"
                    "```python\nx\n```\n\nProse.\n\n```python\ny\n```\n", encoding="utf-8")
    assert needs_of(page, 4) == ["snippets/a.py", "tools/b.py"]
    assert needs_of(page, 10) == []
    # the harness still attaches the markers below a needs line, and reads the same needs
    assert [(b.marks, b.needs) for b in read_page(page).blocks] == [
        (["pytest.mark.needs_cuda"], ["snippets/a.py", "tools/b.py"]), ([], [])]


@pytest.mark.parametrize(("markdown", "message"), [
    ("<!--needs: snippets/no_such.py-->\n```python\nx\n```\n", "does not exist"),
    ("<!--needs: docs/index.zh.md-->\n```python\nx\n```\n", "outside snippets, tools"),
    ("<!--needs: snippets/iris_setup.py-->\n```text\nls\n```\n",
     "belongs above a ```python or ```bash block"),
    ("<!--needs: snippets/iris_setup.py-->\n\nProse.\n\n```python\nx\n```\n", "stands above no code block"),
])
def test_a_wrong_needs_line_fails_the_build(markdown, message):
    from mkdocs.exceptions import PluginError

    with pytest.raises(PluginError, match=message):
        _render(markdown)
