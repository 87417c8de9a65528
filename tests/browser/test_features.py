"""What a reader does on the site: search, switch tabs and themes, read on a phone.

(Copy buttons and the language switcher are checked on every page, in test_pages.py.)
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from tests.browser.conftest import (
    SCREENSHOTS,
    ask,
    content_pages,
    goto,
    language_of,
    open_search,
    page_facts,
    page_url,
    switch_palette,
)
from tests.pages import DEFAULT_LANGUAGE, LANGUAGES

_STOP = {"with", "from", "that", "this", "what", "when", "your", "into", "than", "them", "they", "does"}
_HAN = re.compile(r"[\u3400-\u9fff]")
WEIGHT_BUDGET = 1_000_000  # bytes a home page may transfer, everything included (compressed)


def _pages_of(lang: str) -> list[tuple[str, str]]:
    return [(base, url) for base, url in content_pages() if language_of(url) == lang]


def _html(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def heading_words(site: Path, lang: str) -> dict[str, str]:
    """For each page of a language, one word of its headings, as the search index splits them:
    for Chinese a word of two or more Han characters, otherwise an English word; the word found on
    the fewest pages is taken, so the page should rank near the top."""
    index_path = site / ("" if lang == DEFAULT_LANGUAGE else lang) / "search" / "search_index.json"
    index = json.loads(index_path.read_text(encoding="utf-8"))
    separator = re.compile(index["config"]["separator"])
    headings: dict[str, list[str]] = defaultdict(list)
    for doc in index["docs"]:
        headings[doc["location"].split("#")[0]].append(doc["title"])

    def usable(token: str) -> bool:
        if lang == "zh":
            return len(token) >= 2 and all(_HAN.match(ch) for ch in token)
        return len(token) >= 4 and token.isalpha() and token.isascii() and token not in _STOP

    words = {page: {t.lower() for title in titles for t in separator.split(re.sub(r"<[^>]+>", " ", title))
                    if usable(t.lower())} for page, titles in headings.items()}
    spread = Counter(word for found in words.values() for word in found)
    return {page: min(found, key=lambda w: (spread[w], -len(w), w)) for page, found in words.items() if found}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_search_finds_each_page_by_a_heading_word_in_the_readers_language(
        open_context, served, built_site, lang):
    """From a page of one language, a word of each page's headings finds that page; every hit is in
    the reader's language; a hit, clicked, opens its page (one, the first chapter's)."""
    words = heading_words(built_site, lang)
    root = "" if lang == DEFAULT_LANGUAGE else f"{lang}/"
    missing = [url for _, url in _pages_of(lang) if url.removeprefix(root) not in words]
    assert not missing, f"no heading word to search for on {missing}"
    page, recorder, placeholder = open_search(open_context, served, lang)
    problems, followed = [], False
    for location, word in sorted(words.items()):
        target = root + location
        hits = [link.partition("#")[0] for group in ask(page, served, placeholder, word) for link, _ in group]
        if target not in hits:
            meta = page.locator(".md-search-result__meta").inner_text()
            problems.append(f"{word!r} did not find /{target} ({meta}): {hits}")
            continue
        if foreign := [hit for hit in hits if language_of(hit) != lang]:
            problems.append(f"{word!r} from a {lang} page lists pages of another language: {foreign}")
        if followed or not location:  # each page is tested on its own: follow one hit, to a chapter
            continue
        followed = True
        page.locator("a.md-search-result__link").nth(hits.index(target)).click()
        page.wait_for_url(re.compile(re.escape(served.url + target) + r"(\?|#|$)"))
        recorder.settle(page)
        facts = page_facts(page)
        if facts["status"] != 200 or facts["lang"] != lang:
            problems.append(f"the hit for {word!r} opened {page.url}: {facts}")
    problems += recorder.problems()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_content_tabs_switch(open_context, served, built_site, lang):
    urls = [url for _, url in _pages_of(lang) if 'class="tabbed-set' in _html(built_site, url)]
    if not urls:
        pytest.skip(f'no {lang} page has content tabs (=== "Title") yet: nothing to switch')
    context, recorder = open_context(search=False)
    page = context.new_page()
    problems = []
    for url in urls:
        goto(page, recorder, served.url + url)
        for tabs in page.locator(".tabbed-set").all():
            labels = tabs.locator(":scope > .tabbed-labels > label")
            blocks = tabs.locator(":scope > .tabbed-content > .tabbed-block")
            for i in range(labels.count()):
                labels.nth(i).scroll_into_view_if_needed()
                labels.nth(i).click()
                visible = [blocks.nth(j).is_visible() for j in range(blocks.count())]
                if visible != [j == i for j in range(blocks.count())]:
                    problems.append(f"/{url}: after clicking tab {labels.nth(i).inner_text()!r}, "
                                    f"visible blocks: {visible}")
    problems += recorder.problems()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_theme_follows_the_system_and_the_toggle_switches_and_is_remembered(open_context, served, lang):
    home = served.url + page_url("index.md", lang)
    context, recorder = open_context(search=False, color_scheme="light")
    page = context.new_page()
    goto(page, recorder, home)
    assert page_facts(page)["scheme"] == "default"
    light = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert switch_palette(page) == "slate"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != light
    goto(page, recorder, home)
    assert page_facts(page)["scheme"] == "slate", "the reader's choice was not remembered"
    assert switch_palette(page) == "default"
    dark_context, dark_recorder = open_context(search=False, color_scheme="dark")
    dark_page = dark_context.new_page()
    goto(dark_page, dark_recorder, home)
    assert page_facts(dark_page)["scheme"] == "slate", "a dark system theme did not open the dark scheme"
    problems = recorder.problems() + dark_recorder.problems()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_home_page_on_a_phone_and_a_wide_screen_in_both_themes(open_context, served, lang):
    """Screenshots to look at (build/screenshots/), nothing wider than the screen, and the bytes a
    first visit transfers (build/screenshots/page-weight-<lang>.json)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    home = served.url + page_url("index.md", lang)
    problems = []
    weight = None
    for name, viewport, phone in (("phone", {"width": 390, "height": 844}, True),
                                  ("wide", {"width": 1280, "height": 800}, False)):
        for scheme in ("light", "dark"):
            context, recorder = open_context(viewport=viewport, color_scheme=scheme, is_mobile=phone,
                                             has_touch=phone, device_scale_factor=2 if phone else 1)
            page = context.new_page()
            transfers = {}
            if weight is None:
                cdp = context.new_cdp_session(page)
                cdp.send("Network.enable")
                cdp.on("Network.loadingFinished", lambda event, t=transfers: t.__setitem__(
                    event["requestId"], event["encodedDataLength"]))
            goto(page, recorder, home)
            if weight is None:
                weight = {"url": home, "requests": len(transfers), "bytes": sum(transfers.values())}
            wider = page.evaluate("document.documentElement.scrollWidth")
            if wider > viewport["width"]:
                problems.append(f"{name} {scheme}: {wider} px wide on a {viewport['width']} px screen")
            if page_facts(page)["scheme"] != ("slate" if scheme == "dark" else "default"):
                problems.append(f"{name} {scheme}: the page did not follow the system theme")
            page.screenshot(path=SCREENSHOTS / f"home-{lang}-{name}-{scheme}.png")
            problems += [f"{name} {scheme}: {p}" for p in recorder.problems()]
    record = SCREENSHOTS / f"page-weight-{lang}.json"
    record.write_text(json.dumps(weight, indent=2) + "\n", encoding="utf-8")
    print(f"{home}: {weight['bytes']} bytes in {weight['requests']} requests")
    if weight["bytes"] > WEIGHT_BUDGET:
        problems.append(f"the home page transfers {weight['bytes']} bytes, over {WEIGHT_BUDGET}")
    assert not problems, "\n".join(problems)
