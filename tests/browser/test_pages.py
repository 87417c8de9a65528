"""Every page of every language, opened in headless Chromium as a reader opens it.

Pages are found in docs/ when the tests are collected (a new chapter is tested without touching this
file), plus each language's 404 page; a last test checks that the built site has no page left out.
One visit per page checks everything a page must do, to keep the run short.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import (
    NOT_FOUND,
    SCREENSHOT_PAGES,
    UI,
    content_pages,
    goto,
    language_of,
    layout_problems,
    page_facts,
    page_url,
    screenshot,
    switch_palette,
)
from tests.pages import DEFAULT_LANGUAGE, LANGUAGES

PAGES = content_pages() + [("404", url) for url in NOT_FOUND.values()]
# The axe rules the dark scheme can change. It changes colours, not elements: they run on the pages of
# the default language, whose elements (blocks, tables, admonitions, tabs, code) are the other's.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
_HAN = re.compile(r"[\u3400-\u9fff]")


def in_language(text: str, lang: str) -> bool:
    """Chinese text has Han characters; text in another language has none."""
    return bool(_HAN.search(text)) if lang == "zh" else not _HAN.search(text)


def serious_violations(page, axe_source: str, only: list[str] | None = None) -> list[str]:
    """axe-core's serious and critical findings for the page as it is drawn now (only some rules if
    `only` names them)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
    return page.evaluate("""async (only) => {
        const options = {resultTypes: ['violations']};
        if (only) options.runOnly = {type: 'rule', values: only};
        const result = await axe.run(document, options);
        return result.violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => `${v.impact} ${v.id}: ${v.help} (${v.helpUrl}) at `
                + v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' [' + (n.failureSummary || '')
                    .split('\\n').slice(1, 2).join('').trim() + ']').join('; '));
    }""", only)


def check_language(facts: dict, lang: str) -> list[str]:
    problems = []
    if facts["lang"] != lang:
        problems.append(f"<html lang={facts['lang']!r}>, expected {lang!r}")
    if facts["search"] != UI[lang]["search"]:
        problems.append(f"search box says {facts['search']!r}: the interface is not in {lang}")
    if facts["toggle"] != [UI[lang]["to_dark"]]:
        problems.append(f"theme toggle says {facts['toggle']!r}, expected {UI[lang]['to_dark']!r}")
    for what in ("title", "description"):
        if not facts[what] or not in_language(facts[what], lang):
            problems.append(f"{what} {facts[what]!r} is not in {lang}")
    return problems


def check_copy_buttons(page, lang: str) -> list[str]:
    """Once every block has been in view (layout_problems reports one left without buttons: Material
    adds them when a block first comes into view), the first copy button puts exactly the block's
    text on the clipboard and says so in the reader's language; a block folded away in <details>
    gets its button when opened."""
    from playwright.sync_api import TimeoutError as WaitedTooLong

    if not page.locator("div.highlight pre:has(> code)").count():
        return []
    problems = []
    page.evaluate("navigator.clipboard.writeText('nothing copied yet')")
    first = page.locator("div.highlight pre:has(> code):visible").first  # not one folded away in <details>
    first.scroll_into_view_if_needed()
    first.hover()
    button = first.locator("button[data-md-type=copy]")
    if button.get_attribute("title") != UI[lang]["copy"]:
        problems.append(f"copy button titled {button.get_attribute('title')!r}, not {UI[lang]['copy']!r}")
    button.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    shown = first.locator("code").inner_text().rstrip()
    if copied != shown:
        problems.append(f"copy put {copied[:80]!r} on the clipboard; the block shows {shown[:80]!r}")
    notice = page.locator(".md-dialog").inner_text()
    if UI[lang]["copied"] not in notice:
        problems.append(f"after copying, the notice says {notice!r}")
    folded = page.locator("details:not([open]):has(div.highlight pre > code)")
    if folded.count():  # opened, its block comes into view and gets its buttons
        index = page.evaluate("""() => [...document.querySelectorAll('details')]
            .findIndex(d => !d.open && d.querySelector('div.highlight pre > code'))""")
        opened = page.locator("details").nth(index)
        opened.locator("summary").click()
        try:
            opened.locator("button[data-md-type=copy]").first.wait_for(timeout=5_000)
        except WaitedTooLong:
            problems.append("a code block in an opened <details> got no copy button")
    return problems


@pytest.mark.parametrize(("base", "url"), PAGES, ids=[url or "/" for _, url in PAGES])
def test_page_works_for_a_reader_in_its_language(open_context, served, axe_source, base, url):
    """HTTP 200; <html lang>, interface, title and description in the page's language; nothing fetched
    from another host and no console error; no serious or critical axe finding in the light scheme
    or (colour rules, default language) the dark one; at 1280 px in both schemes, no copy button
    over code, no table cut off, nothing wider than the screen (tests/browser/test_reader.py checks
    a phone); working copy buttons; and the language switcher leads to the same page in each other
    language (a 404 page's switcher to the home pages; followed from the home pages, the others'
    addresses are checked: each page they lead to has its own test)."""
    lang = language_of(url)
    context, recorder = open_context(search=False, color_scheme="light",
                                     permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    response = goto(page, recorder, served.url + url)
    problems = [] if response.status == 200 else [f"HTTP {response.status}"]
    problems += check_language(page_facts(page), lang)
    for scheme in ("light", "dark"):
        if scheme == "dark" and switch_palette(page) != "slate":
            problems.append("the theme toggle did not switch to the dark scheme")
        if base in SCREENSHOT_PAGES:
            screenshot(page, f"reader-{base.removesuffix('.md')}-{lang}-wide-{scheme}")
        # first: draws what is off screen and mounts every code block, as the reader gets them on
        # scrolling there, for axe too
        problems += [f"{scheme}: {p}" for p in layout_problems(page)]
        if scheme == "light" or lang == DEFAULT_LANGUAGE:
            rules = COLOUR_RULES if scheme == "dark" else None
            problems += [f"{scheme}: {v}" for v in serious_violations(page, axe_source, rules)]
    problems += [f"copy: {p}" for p in check_copy_buttons(page, lang)]  # after axe: its notice fades
    for other in LANGUAGES:
        if other == lang:
            continue
        if page.url != served.url + url:
            goto(page, recorder, served.url + url)
        expected = served.url + page_url("index.md" if base == "404" else base, other)
        page.locator(".md-header__option .md-select").hover()  # the language list opens on hover
        link = page.locator(f"a.md-select__link[hreflang={other}]")
        if not link.is_visible():
            problems.append(f"switcher: no visible {other} link on hover")
            continue
        if base != "index.md":  # the page it leads to is tested on its own: its address is enough
            target = link.evaluate("a => a.href")
            if target != expected:
                problems.append(f"switcher: the {other} link leads to {target}, expected {expected}")
            continue
        link.click()  # the home pages: follow it, as a reader does
        page.wait_for_url(lambda address: address != served.url + url)
        recorder.settle(page)
        facts = page_facts(page)
        if page.url != expected or facts["status"] != 200 or facts["lang"] != other:
            problems.append(f"switcher: the {other} link opened {page.url} (HTTP {facts['status']}, "
                            f"lang {facts['lang']!r}), expected {expected}")
    problems += recorder.problems()
    assert not problems, f"{served.url}{url}:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_missing_page_shows_the_404_page_in_the_readers_language(open_context, served, lang):
    """The host answers every missing path with the root 404.html and status 404; under en/ that
    page sends the reader on to the English one. Its link leads to the home page."""
    missing = ("" if lang == DEFAULT_LANGUAGE else f"{lang}/") + "no-such-chapter/"
    context, recorder = open_context(search=False)
    page = context.new_page()
    response = goto(page, recorder, served.url + missing)
    assert response.status == 404
    if lang != DEFAULT_LANGUAGE:
        page.wait_for_url(served.url + NOT_FOUND[lang])
        recorder.settle(page)
    facts = page_facts(page)
    assert not check_language(facts, lang), check_language(facts, lang)
    assert "404" in page.locator("article h1").inner_text()
    page.locator("article a").first.click()
    page.wait_for_url(served.url + page_url("index.md", lang))
    recorder.settle(page)
    assert page_facts(page)["status"] == 200
    problems = recorder.problems({served.url + missing: 404})
    assert not problems, "\n".join(problems)


def test_every_built_page_is_visited(built_site):
    """A page in the built site that the tests above do not open would go untested."""
    visited = {url for _, url in PAGES}
    built = {path.relative_to(built_site).as_posix().removesuffix("index.html")
             for path in built_site.rglob("*.html")}
    assert built <= visited, f"built but not tested: {sorted(built - visited)}"
