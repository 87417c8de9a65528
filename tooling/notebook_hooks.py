"""MkDocs hooks for the notebook pages (mkdocs-jupyter); listed under `hooks:` in mkdocs.yml.

The Iris notebook is a jupytext Markdown notebook per language (docs/iris-notebook.<lang>.md), which
mkdocs-jupyter executes and renders. These hooks:
* let the kernel draw plots: a build with MPLBACKEND=Agg (the tests set it) would give the kernel a
  backend that shows nothing, so the variable is dropped and ipykernel picks its inline backend;
* start kernels over IPC (sockets in a folder of their own per build), so ipykernel does not log a
  "running over TCP" WARNING into the build log,
  and give them KERNEL_STARTUP_TIMEOUT seconds to start (nbclient's default, 60 s, failed a busy build);
* give notebook headings the explicit ids written in the source (`## 数据 { #data }`), identical in
  both languages, as the Markdown pages have (nbconvert would slug the text and show the braces);
* remove what nbconvert's template loads from other hosts (an empty MathJax <script src="">, a
  mermaid import from a CDN): the notebook uses neither;
* give each plot the alt text its page states in a `<!--figure-alt: ...-->` comment (in the Markdown
  cell before the code cell that draws it, in order): nbconvert writes "No description has been
  provided for this image" for every image, and a plot drawn without a stated alt text is reported as
  a warning, which fails the strict build;
* keep only the notebook CSS the page uses: nbconvert inlines all of JupyterLab's stylesheet (about
  570 kB, 3 000 rules for dialogs, menus, file browsers...) into every notebook page, and parsing and
  matching it was most of the page's load time on a phone; rules whose selectors name a class that the
  page does not contain are dropped;
* write the notebook as `<name>.ipynb` next to the page, for the download link on the page.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import re
import shutil
import tempfile
from html import escape
from pathlib import Path

log = logging.getLogger("mkdocs.hooks.notebook")

KERNEL_STARTUP_TIMEOUT = 300  # seconds
_NB_WRAPPER = 'class="jupyter-wrapper"'
_NB_HEADING = re.compile(
    r'<h([1-6]) id="[^"]*">(.*?)\s*\{\s*#([\w-]+)\s*\}(<a class="anchor-link" href=")#[^"]*(">.*?</a>)</h\1>')
_HEADING_ID = re.compile(r"\s*\{\s*#([\w-]+)\s*\}\s*$")
_NB_MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
_NB_MERMAID = re.compile(r'<script type="module">(?:(?!</script>).)*?mermaid.*?</script>', re.S)
# jupytext keeps front matter other than `jupyter:` (the page's description) as a raw cell, which
# nbconvert writes out as bare text at the top of the notebook.
_NB_FRONT_MATTER = re.compile(r'(<div class="jp-Notebook"[^>]*>)\s*---\n.*?\n---\n?', re.S)
_NB_TEST_MARKER = re.compile(r"^<!--\s*pytest[-.:\w()\"' =,]*-->\n?", re.M)
_FIGURE_ALT = re.compile(r"^<!--\s*figure-alt:\s*(.*?)\s*-->\n?", re.M | re.S)
_NO_ALT = 'alt="No description has been provided for this image"'


def on_config(config):
    if os.environ.get("MPLBACKEND", "").lower() == "agg":
        os.environ.pop("MPLBACKEND")
    if os.name == "posix":  # IPC needs Unix sockets
        # Each build's kernels get their own folder for their sockets, by absolute path: with the
        # default ("kernel-ipc" in the working directory), kernels of two builds in one checkout
        # could pick the same socket names.
        folder = Path(tempfile.mkdtemp(prefix="mkdocs-kernels-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        (folder / "jupyter_nbconvert_config.json").write_text(
            json.dumps({"KernelManager": {"transport": "ipc", "ip": str(folder / "kernel")},
                        # nbclient gives a kernel 60 s to start; a busy 2-core CI machine took longer
                        "NotebookClient": {"startup_timeout": KERNEL_STARTUP_TIMEOUT}}), encoding="utf-8")
        paths = [path for path in os.environ.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep)
                 if path and not Path(path).name.startswith("mkdocs-kernels-")]  # an earlier build's
        os.environ["JUPYTER_CONFIG_PATH"] = os.pathsep.join([str(folder), *paths])
    return config


def _strip_heading_ids(items) -> None:
    for item in items:
        found = _HEADING_ID.search(item.title)
        if found:
            item.title, item.id = item.title[: found.start()], found.group(1)
        _strip_heading_ids(item.children)


def on_page_content(html: str, page, config, files) -> str:
    if _NB_WRAPPER not in html:
        return html
    html = _NB_HEADING.sub(r'<h\1 id="\3">\2\4#\3\5</h\1>', html)
    html = _NB_MERMAID.sub("", _NB_MATHJAX.sub("", html))
    html = _NB_FRONT_MATTER.sub(r"\1", html, count=1)
    _strip_heading_ids(page.toc.items)
    # mkdocs-jupyter's table of contents reads that raw front-matter cell as a heading: drop it.
    page.toc.items[:] = [item for item in page.toc.items if f'id="{item.id}"' in html]
    if page.title:
        page.title = _HEADING_ID.sub("", page.title)
    html = _figure_alt_texts(html, page)
    _write_ipynb(page)
    return html


_STYLE = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.S)
_CLASS_ATTR = re.compile(r'\bclass="([^"]*)"')
_SELECTOR_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_NOT = re.compile(r":not\((?:[^()]|\([^()]*\))*\)")
# The stylesheet is scoped by prefixing every selector with `.jupyter-wrapper`, which turns `:root` and
# `body` rules (80 kB of icon variables) into selectors that can never match.
_NEVER = re.compile(r"\S\s+(?::root|html|body)(?![\w-])")


def on_post_page(output: str, page, config) -> str:
    """Notebook pages: drop the inlined notebook CSS rules that nothing on the page can match."""
    if _NB_WRAPPER not in output:
        return output
    start = output.find("<article")  # the notebook's styles come first in the page's content
    used = {name for attr in _CLASS_ATTR.findall(output) for name in attr.split()}
    head, body = output[:start], output[start:]
    return head + _STYLE.sub(lambda m: m[1] + _prune_css(m[2], used) + m[3], body)


def _top_level_split(selector: str) -> list[str]:
    """'a, :is(b, c)' -> ['a', ' :is(b, c)']: commas outside parentheses."""
    parts, depth, current = [], 0, []
    for char in selector:
        depth += (char == "(") - (char == ")")
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    return [*parts, "".join(current)]


def _prune_css(css: str, used: set[str]) -> str:
    """The rules of `css` that can match: every class a selector requires is in `used` (classes under
    :not() are not required), and no `:root`/`body` sits inside another element. At-rules other than
    @media/@supports (fonts, keyframes) are kept."""
    import tinycss2

    kept = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "qualified-rule":
            selectors = [sel for sel in _top_level_split(tinycss2.serialize(rule.prelude))
                         if set(_SELECTOR_CLASS.findall(_NOT.sub("", sel))) <= used
                         and not _NEVER.search(sel)]
            if selectors:
                kept.append(",".join(sel.strip() for sel in selectors)
                            + "{" + tinycss2.serialize(rule.content) + "}")
        elif rule.type == "at-rule":
            keyword = rule.lower_at_keyword
            if keyword in ("media", "supports") and rule.content is not None:
                inner = _prune_css(tinycss2.serialize(rule.content), used)
                if inner:
                    kept.append(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}{{{inner}}}")
            elif keyword != "charset":
                kept.append(tinycss2.serialize([rule]))
    return "".join(kept)


def _figure_alt_texts(html: str, page) -> str:
    """Each drawn image gets, in order, the alt text of the page's next `<!--figure-alt: ...-->`."""
    source = Path(page.file.abs_src_path).read_text(encoding="utf-8")
    texts = [" ".join(text.split()) for text in _FIGURE_ALT.findall(source)]
    if html.count(_NO_ALT) != len(texts):
        log.warning(f"{page.file.src_uri}: {html.count(_NO_ALT)} plots, {len(texts)} <!--figure-alt: ...--> "
                    "comments: write one alt text (what the plot shows) before each code cell that draws one")
    for text in texts:
        html = html.replace(_NO_ALT, f'alt="{escape(text, quote=True)}"', 1)
    return html


def _write_ipynb(page) -> None:
    """The page's notebook as .ipynb next to its index.html, without the site-only markup."""
    import jupytext

    notebook = jupytext.read(page.file.abs_src_path)
    notebook.metadata.pop("jupytext", None)
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            lines = _FIGURE_ALT.sub("", _NB_TEST_MARKER.sub("", cell.source)).split("\n")
            cell.source = "\n".join(_HEADING_ID.sub("", line) if line.startswith("#") else line
                                    for line in lines).strip()
    notebook.cells = [cell for cell in notebook.cells  # no empty cells, no front-matter raw cell
                      if cell.source and not (cell.cell_type == "raw" and cell.source.startswith("---"))]
    name = re.sub(r"(\.[a-z]{2})?\.md$", ".ipynb", Path(page.file.abs_src_path).name)
    target = Path(page.file.abs_dest_path).parent / name
    target.parent.mkdir(parents=True, exist_ok=True)
    jupytext.write(notebook, target, fmt="ipynb")
