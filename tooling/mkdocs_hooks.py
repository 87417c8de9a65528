"""MkDocs hooks for this site (listed under `hooks:` in mkdocs.yml).

Per-language search: mkdocs-static-i18n builds every language into one site and the search
plugin writes one merged index, so an English query would also list Chinese pages. After the
last language is built, the merged index is split into one index per language, and each
non-default language's pages point Material's search at their own index.

Language switcher and hosting: mkdocs-static-i18n makes each home page's switcher links absolute
(`/<site_url path>/en/`); they are made relative, like every other page's, so the site works under
any path (`mkdocs serve`, a local copy, the published project path). Material fetches `sitemap.xml`
next to every `<link rel="alternate" hreflang>` of a page and under each language's search base;
i18n's per-page alternates would make that a 404 on every page, so the per-page alternates are
left to `sitemap.xml` (where i18n lists them) and each language gets its own `sitemap.xml`.

404 page: rendered once per language (`404.html` at the root, `en/404.html`); a host that serves
only the root `404.html` for every missing path (GitHub Pages) shows the default language's page,
which sends readers of a missing English path on to `en/404.html`.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from mkdocs.plugins import event_priority

_CONFIG_SCRIPT = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)
_HREFLANG_LINK = re.compile(r'[ \t]*<link rel="alternate" href="[^"]*" hreflang="[^"]*">\n?')
_SITEMAP_URL = re.compile(r"\s*<url>.*?</url>", re.S)
_SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
_SEARCH_LABEL = re.compile(r'<input type="text" class="md-search__input" name="query" aria-label="([^"]*)"')
_ERROR_PAGES: dict[str, str] = {}  # locale -> rendered 404.html, written after the last language


def _languages(config) -> tuple[str, list[str]]:
    i18n = config.plugins["i18n"].config
    default = next(lang.locale for lang in i18n.languages if lang.default)
    others = [lang.locale for lang in i18n.languages if not lang.default and lang.build]
    return default, others


def _site_path(config) -> str:
    """The path of site_url, '/' or '/name/'."""
    path = urlsplit(config.site_url or "/").path.strip("/")
    return f"/{path}/" if path else "/"


def _rebase_search(output: str, locale: str, default: str) -> str:
    """A non-default language's page searches its language's index, under <base>/<locale>/."""
    if locale == default:
        return output

    def rebase(match: re.Match) -> str:
        settings = json.loads(match.group(2))
        settings["base"] = f"{settings['base'].rstrip('/')}/{locale}/"
        return match.group(1) + json.dumps(settings, ensure_ascii=False) + match.group(3)

    return _CONFIG_SCRIPT.sub(rebase, output, count=1)


_CJK = "\u2e80-\u2fff\u3000-\u303f\u3040-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_LINE_BREAK = re.compile(f"(?<=[{_CJK}])\n[ \t]*(?=[{_CJK}])")
_PRE = re.compile(r"(<pre\b.*?</pre>)", re.S)


def _join_cjk_lines(html: str) -> str:
    """A line break inside a Chinese paragraph of the Markdown source became a visible space between
    two characters (Chromium keeps it; seen in the browser tests' screenshots): drop it, outside
    code blocks."""
    parts = _PRE.split(html)
    return "".join(part if i % 2 else _CJK_LINE_BREAK.sub("", part) for i, part in enumerate(parts))


@event_priority(-200)  # after mkdocs-static-i18n has set this page's language links
def on_page_context(context, page, config, nav):
    """Make absolute language links (i18n's, on home pages) relative to the site's root; join the
    lines of Chinese paragraphs."""
    if page.content:
        page.content = _join_cjk_lines(page.content)
    prefix = _site_path(config)
    _set_alternates(config, [
        dict(alt, link=alt["link"][len(prefix):] or "./") if alt.get("link", "").startswith(prefix) else alt
        for alt in _alternates(config)
    ])
    return context


def _alternates(config) -> list[dict]:
    # mkdocs-static-i18n sets the page's links as an attribute of `extra` (which Jinja reads first),
    # its initial ones as a key.
    return getattr(config.extra, "alternate", None) or config.extra.get("alternate") or []


def _set_alternates(config, alternates: list[dict]) -> None:
    config.extra.alternate = alternates
    config.extra["alternate"] = alternates


def _name_search_dialog(output: str) -> str:
    """Material's search dialog has no accessible name (axe: aria-dialog-name): give it the search
    box's own label, which is already in the page's language."""
    label = _SEARCH_LABEL.search(output)
    if not label:
        return output
    return output.replace(_SEARCH_DIALOG, _SEARCH_DIALOG[:-1] + f' aria-label="{label.group(1)}">', 1)


@event_priority(-200)  # after mkdocs-static-i18n's own on_post_page
def on_post_page(output: str, page, config) -> str:
    default, _ = _languages(config)
    output = _name_search_dialog(_HREFLANG_LINK.sub("", output))
    return _rebase_search(output, getattr(page.file, "locale", default), default)


def on_template_context(context, template_name: str, config):
    """The 404 page is served at any path: its language links go to each language's home page."""
    if template_name == "404.html":
        homes = getattr(config.plugins["i18n"], "extra_alternate", None)
        if homes:
            _set_alternates(config, copy.deepcopy(homes))
    return context


@event_priority(-200)
def on_post_template(output: str, template_name: str, config) -> str:
    if template_name != "404.html":
        return output
    default, _ = _languages(config)
    locale = config.plugins["i18n"].current_language
    output = _name_search_dialog(_HREFLANG_LINK.sub("", output))
    _ERROR_PAGES[locale] = _rebase_search(output, locale, default)
    return output


@event_priority(-200)  # after mkdocs-static-i18n has built every language
def on_post_build(config) -> None:
    if config.plugins["i18n"].building:
        return  # an inner, per-language build: the index is not complete yet
    _, others = _languages(config)
    site = Path(config.site_dir)
    merged_path = site / "search" / "search_index.json"
    merged = json.loads(merged_path.read_text(encoding="utf-8"))
    per_language: dict[str, list] = {locale: [] for locale in others}
    default_docs = []
    for doc in merged["docs"]:
        prefix = doc["location"].split("/", 1)[0]
        if prefix in per_language:
            doc = dict(doc, location=doc["location"][len(prefix) + 1 :])
            per_language[prefix].append(doc)
        else:
            default_docs.append(doc)
    for locale, docs in per_language.items():
        path = site / locale / "search" / "search_index.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(dict(merged, docs=docs), ensure_ascii=False), encoding="utf-8")
    merged_path.write_text(
        json.dumps(dict(merged, docs=default_docs), ensure_ascii=False), encoding="utf-8"
    )
    _write_error_pages(site, *_languages(config))
    _write_language_sitemaps(site, others, config)


def _write_error_pages(site: Path, default: str, others: list[str]) -> None:
    for locale, html in _ERROR_PAGES.items():
        if locale == default or locale in others:
            path = site / ("" if locale == default else locale) / "404.html"
            path.write_text(html, encoding="utf-8")
    _ERROR_PAGES.clear()


def _write_language_sitemaps(site: Path, others: list[str], config) -> None:
    """<locale>/sitemap.xml: that language's pages (Material fetches it from the search base)."""
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    head, _, _ = sitemap.partition("<url>")
    tail = sitemap[sitemap.rfind("</url>") + len("</url>"):] if "</url>" in sitemap else "\n</urlset>\n"
    for locale in others:
        root = urljoin(config.site_url or "/", f"{locale}/")
        urls = [u for u in _SITEMAP_URL.findall(sitemap)
                if re.search(r"<loc>(.*?)</loc>", u).group(1).startswith(root)]
        (site / locale / "sitemap.xml").write_text(
            head.rstrip() + "".join(urls) + tail, encoding="utf-8")


# --- Notebook pages (mkdocs-jupyter) -------------------------------------------------------------
# The Iris notebook is a jupytext Markdown notebook per language (docs/iris-notebook.<lang>.md), which
# mkdocs-jupyter executes and renders. These hooks:
# * let the kernel draw plots: a build with MPLBACKEND=Agg (the tests set it) would give the kernel a
#   backend that shows nothing, so the variable is dropped and ipykernel picks its inline backend;
# * start kernels over IPC, so ipykernel does not log a "running over TCP" WARNING into the build log;
# * give notebook headings the explicit ids written in the source (`## 数据 { #data }`), identical in
#   both languages, as the Markdown pages have (nbconvert would slug the text and show the braces);
# * remove what nbconvert's template loads from other hosts (an empty MathJax <script src="">, a
#   mermaid import from a CDN): the notebook uses neither;
# * write the notebook as `<name>.ipynb` next to the page, for the download link on the page.

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


def on_config(config):
    import os
    import tempfile

    if os.environ.get("MPLBACKEND", "").lower() == "agg":
        os.environ.pop("MPLBACKEND")
    if os.name == "posix":  # IPC needs Unix sockets
        folder = Path(tempfile.gettempdir()) / "mkdocs-notebook-kernels"
        folder.mkdir(exist_ok=True)
        (folder / "jupyter_nbconvert_config.json").write_text(
            json.dumps({"KernelManager": {"transport": "ipc"}}), encoding="utf-8")
        paths = os.environ.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep)
        if str(folder) not in paths:
            os.environ["JUPYTER_CONFIG_PATH"] = os.pathsep.join([str(folder), *filter(None, paths)])
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
    _write_ipynb(page)
    return html


def _write_ipynb(page) -> None:
    """The page's notebook as .ipynb next to its index.html, without the site-only markup."""
    import jupytext

    notebook = jupytext.read(page.file.abs_src_path)
    notebook.metadata.pop("jupytext", None)
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            lines = _NB_TEST_MARKER.sub("", cell.source).split("\n")
            cell.source = "\n".join(_HEADING_ID.sub("", line) if line.startswith("#") else line
                                    for line in lines).strip()
    notebook.cells = [cell for cell in notebook.cells  # no empty cells, no front-matter raw cell
                      if cell.source and not (cell.cell_type == "raw" and cell.source.startswith("---"))]
    name = re.sub(r"(\.[a-z]{2})?\.md$", ".ipynb", Path(page.file.abs_src_path).name)
    target = Path(page.file.abs_dest_path).parent / name
    target.parent.mkdir(parents=True, exist_ok=True)
    jupytext.write(notebook, target, fmt="ipynb")
