"""MkDocs hooks for this site (listed under `hooks:` in mkdocs.yml).

Per-language search: mkdocs-static-i18n builds every language into one site and the search
plugin writes one merged index, so an English query would also list Chinese pages. After the
last language is built, the merged index is split into one index per language, and each
non-default language's pages point Material's search at their own index.

Search queries: every page names tooling/theme's search worker, which rewrites a query as the index
is written (Chinese apart from Latin letters, no stop words) and then runs Material's own worker.
In the index, the top of each page weighs half (Material ranks it far above an equally matching
section).

Language switcher and hosting: mkdocs-static-i18n makes each home page's switcher links absolute
(`/<site_url path>/en/`); they are made relative, like every other page's, so the site works under
any path (`mkdocs serve`, a local copy, the published project path). Material fetches `sitemap.xml`
next to every `<link rel="alternate" hreflang>` of a page and under each language's search base;
i18n's per-page alternates would make that a 404 on every page, so the per-page alternates are
left to `sitemap.xml` (where i18n lists them) and each language gets its own `sitemap.xml`.

Search terms: the Chinese terms of docs/glossary.zh.md are added to jieba's dictionary before any
page is indexed, so the index keeps each term whole (显存, 核函数, 锁页内存); the glossary is their one
source. tooling/jieba_user_dict.txt (mkdocs.yml) adds the few words that are not glossary terms.

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
_QUERY_WORKER = "search-query.js"
_PAGE_TOP_WEIGHT = 0.5
_HAN_RUN = re.compile(r"[\u3400-\u9fff]+")
_PHRASE = re.compile("[的与和及到]")  # a glossary entry holding one of these is a phrase, not a word


def _languages(config) -> tuple[str, list[str]]:
    i18n = config.plugins["i18n"].config
    default = next(lang.locale for lang in i18n.languages if lang.default)
    others = [lang.locale for lang in i18n.languages if not lang.default and lang.build]
    return default, others


def glossary_terms(markdown: str) -> list[str]:
    """The words of the glossary's term column (the first cell of each table row) that jieba should
    keep whole: runs of two or more Chinese characters ("捕获 / 重放" gives both, "线程（算子内并行）"
    gives 线程), leaving out phrases (数据传输与同步) and compounds of other terms (核函数启动开销 is
    核函数 + 启动 + 开销: split, a search for 启动开销 still finds it)."""
    words: list[str] = []
    for line in markdown.splitlines():
        if not line.startswith("|"):
            continue
        term = re.sub(r"（[^）]*）|\([^)]*\)", "", line.strip("|").split("|", 1)[0])
        words += [run for run in _HAN_RUN.findall(term) if len(run) >= 2 and not _PHRASE.search(run)]
    words = [w for w in dict.fromkeys(words) if w != "术语"]
    return [w for w in words if not any(other != w and other in w for other in words)]


def on_config(config):
    try:
        import jieba
    except ImportError:  # Material then indexes Chinese without segmenting it
        return config
    glossary = Path(config.docs_dir) / "glossary.zh.md"
    for word in glossary_terms(glossary.read_text(encoding="utf-8")):
        jieba.add_word(word)
    return config


def _site_path(config) -> str:
    """The path of site_url, '/' or '/name/'."""
    path = urlsplit(config.site_url or "/").path.strip("/")
    return f"/{path}/" if path else "/"


def _search_settings(output: str, locale: str, default: str) -> str:
    """Point Material at the search worker that rewrites queries (tooling/theme/assets/javascripts/
    workers/search-query.js, which then runs Material's worker, named after '?'); a non-default
    language's page searches its language's index, under <base>/<locale>/."""

    def edit(match: re.Match) -> str:
        settings = json.loads(match.group(2))
        folder, _, material = settings["search"].rpartition("/")
        if material != _QUERY_WORKER and not material.startswith(f"{_QUERY_WORKER}?"):
            settings["search"] = f"{folder}/{_QUERY_WORKER}?{material}"
        if locale != default:
            settings["base"] = f"{settings['base'].rstrip('/')}/{locale}/"
        return match.group(1) + json.dumps(settings, ensure_ascii=False) + match.group(3)

    return _CONFIG_SCRIPT.sub(edit, output, count=1)


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
    return _search_settings(output, getattr(page.file, "locale", default), default)


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
    _ERROR_PAGES[locale] = _search_settings(output, locale, default)
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
        _weigh_page_top(doc)
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


def _weigh_page_top(doc: dict) -> None:
    """Material ranks the top of a page (the text before its first heading) 2 to 2.5 times higher
    than a section that matches the query as well; halve that, or a page that merely mentions the
    words ranks above the section that answers (tests/browser/test_search.py)."""
    if "#" not in doc["location"]:
        doc["boost"] = doc.get("boost", 1) * _PAGE_TOP_WEIGHT


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
