"""The built site: strict build, both languages, offline-safe, searchable in both languages."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from bs4 import BeautifulSoup

from tests.pages import DEFAULT_LANGUAGE, LANGUAGES, page_variants

UI_STRINGS = {"zh": "搜索", "en": "Search"}  # Material's search placeholder in each language


def _html_pages(site: Path):
    return sorted(site.rglob("*.html"))


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _page_url(base: str, lang: str) -> str:
    """docs/a/b.zh.md -> 'a/b/' at the default language's root, 'en/a/b/' for another."""
    stem = base.rsplit(".", 1)[0]
    stem = "" if stem == "index" else stem.removesuffix("/index") + "/"
    return stem if lang == DEFAULT_LANGUAGE else f"{lang}/{stem}"


def test_strict_build_has_no_warnings(build):
    assert build.returncode == 0, build.log[-5000:]
    warnings = [line for line in build.log.splitlines() if "WARNING" in line or "ERROR" in line]
    assert not warnings, "\n".join(warnings)
    print(f"mkdocs build --strict took {build.seconds:.1f} s")


@pytest.mark.parametrize("base", sorted(page_variants()))
def test_page_built_in_every_language_with_its_html_lang(site, base):
    for lang in LANGUAGES:
        page = site / _page_url(base, lang) / "index.html"
        assert page.is_file(), f"{base} was not built for {lang}: {page} is missing"
        soup = _soup(page)
        assert soup.html["lang"] == lang
        search_box = soup.find("input", attrs={"name": "query"})
        assert search_box is not None and search_box["placeholder"] == UI_STRINGS[lang]


@pytest.mark.parametrize("base", sorted(page_variants()))
def test_language_switcher_lands_on_the_same_page(site, base):
    for lang in LANGUAGES:
        url = _page_url(base, lang)
        soup = _soup(site / url / "index.html")
        links = {a["hreflang"]: a["href"] for a in soup.select("a.md-select__link[hreflang]")}
        assert set(links) == set(LANGUAGES), f"{url}: switcher offers {sorted(links)}"
        for other, href in links.items():
            target = urlparse(urljoin(f"http://localhost/{url}", href)).path.lstrip("/")
            assert target == _page_url(base, other), f"{url}: the {other} link goes to /{target}"


@pytest.mark.parametrize("base", sorted(page_variants()))
def test_heading_anchors_identical_across_languages(site, base):
    def ids(lang):
        soup = _soup(site / _page_url(base, lang) / "index.html")
        return [h.get("id") for h in soup.select("article h1, article h2, article h3, article h4")]

    reference = ids(DEFAULT_LANGUAGE)
    assert all(reference), f"{base}: a heading has no id"
    for lang in LANGUAGES:
        assert ids(lang) == reference


_FETCHING = {"script": "src", "link": "href", "img": "src", "iframe": "src", "source": "src",
             "audio": "src", "video": "src", "embed": "src", "object": "data", "track": "src"}
_CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])\s*((?:https?:)?//[^'")\s]+)""")
_JS_IMPORT = re.compile(r"""(?:import\s*\(?|from)\s*['"]((?:https?:)?//[^'"]+)['"]""")


def _is_external(url: str) -> bool:
    return url.startswith(("http://", "https://", "//"))


def test_no_resource_is_fetched_from_another_host(site):
    offenders = []
    for page in _html_pages(site):
        soup = _soup(page)
        where = page.relative_to(site)
        for tag, attribute in _FETCHING.items():
            for element in soup.find_all(tag):
                url = element.get(attribute) or ""
                if tag == "link" and not set(element.get("rel") or []) & {
                        "stylesheet", "preload", "modulepreload", "icon", "preconnect",
                        "dns-prefetch", "manifest", "prefetch"}:
                    continue
                if _is_external(url):
                    offenders.append(f"{where}: <{tag} {attribute}={url}>")
        for script in soup.find_all("script", src=False):
            offenders += [f"{where}: inline script imports {u}" for u in _JS_IMPORT.findall(script.text)]
        for style in soup.find_all("style"):
            offenders += [f"{where}: inline style loads {u}" for u in _CSS_URL.findall(style.text)]
    for css in site.rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        offenders += [f"{css.relative_to(site)}: loads {u}" for u in _CSS_URL.findall(text)]
    assert not offenders, "\n".join(offenders)


def _search_tokens(index_path: Path) -> dict[str, set[str]]:
    """Split the index the way the browser does (lunr with the configured separator)."""
    index = json.loads(index_path.read_text(encoding="utf-8"))
    separator = re.compile(index["config"]["separator"])
    tokens = {}
    for doc in index["docs"]:
        text = re.sub(r"<[^>]+>", " ", doc["title"] + " " + doc["text"]).lower()
        tokens[doc["location"]] = {t for t in separator.split(text) if t}
    return tokens


def _search_index(site: Path, lang: str) -> Path:
    return site / ("" if lang == DEFAULT_LANGUAGE else lang) / "search" / "search_index.json"


@pytest.mark.parametrize(("lang", "word", "page"), [
    ("zh", "魔术方法", "python-call/"),
    ("zh", "钩子", "python-call/"),
    ("en", "hooks", "python-call/"),
])
def test_search_finds_words_in_the_readers_language(site, lang, word, page):
    tokens = _search_tokens(_search_index(site, lang))
    hits = sorted(location for location, words in tokens.items() if word in words)
    assert any(hit.startswith(page) for hit in hits), f"{word!r} not found in {lang} index: {hits}"


def test_each_language_searches_only_its_own_pages(site):
    for lang in LANGUAGES:
        index = json.loads(_search_index(site, lang).read_text(encoding="utf-8"))
        others = [lang2 for lang2 in LANGUAGES if lang2 != lang and lang2 != DEFAULT_LANGUAGE]
        assert index["docs"], f"the {lang} search index is empty"
        for doc in index["docs"]:
            assert not any(doc["location"].startswith(f"{o}/") for o in others), doc["location"]
        if lang != DEFAULT_LANGUAGE:
            config = _soup(site / lang / "index.html").find("script", id="__config")
            assert json.loads(config.text)["base"].endswith(f"{lang}/")


def test_every_image_keeps_its_space_before_it_loads(site):
    """Images load lazily (tooling/reader_hooks.py); each has its size, so nothing below it moves
    when it arrives (a jump to a heading below a plot landed half a screen off without)."""
    unsized = [f"{page.relative_to(site)}: {img.get('src', '')[:60]}"
               for page in _html_pages(site) for img in _soup(page).select("article img")
               if not (img.get("width") and img.get("height"))]
    assert not unsized, "\n".join(unsized)
