"""The reader's path: the answer first, readable on a phone, chapter numbers that agree, results that
are results.

At 390 px (a phone), in both languages and both colour schemes: no copy button covers code, no table
is cut off (a table wider than the screen scrolls inside its own frame), notebook cells keep the
screen's width for code, and no image is wider than the screen (at 1280 px the same checks run in
tests/browser/test_pages.py's visit of each page). The home page gives the verdict in its
first screens with one tap to the full decision; the results page shows each machine's race and
overheads side by side on a wide screen. Screenshots of what a reader sees go to build/screenshots/.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from mkdocs.utils.yaml import yaml_load

from tests.browser.conftest import (
    SCREENSHOT_PAGES,
    content_pages,
    draw_all,
    goto,
    language_of,
    layout_problems,
    page_url,
    screenshot,
    switch_palette,
)
from tests.pages import LANGUAGES, ROOT

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 800}
SCREENS = {"phone": PHONE, "wide": WIDE}
CHAPTER = re.compile(r"^(\d+(?:\.\d+)?)\s")
LABEL = {
    "zh": re.compile(r"第 (\d+) 章(?: · (\d+\.\d+))?"),
    "en": re.compile(r"Chapter (\d+)(?: · (\d+\.\d+))?"),
}

def _context(open_context, screen: str, scheme: str):
    phone = screen == "phone"
    return open_context(
        search=False,
        viewport=SCREENS[screen],
        color_scheme=scheme,
        is_mobile=phone,
        has_touch=phone,
        device_scale_factor=2 if phone else 1,
    )


def _pages_of(lang: str) -> list[tuple[str, str]]:
    return [(base, url) for base, url in content_pages() if language_of(url) == lang]


def _soup(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_code_under_a_button_and_no_table_cut_off_on_a_phone(open_context, served, lang):
    """Every page at 390 px, in the light scheme and then (the toggle, no reload) the dark one: the
    copy buttons cover no code, tables fit or scroll in their frame, images and notebook cells fit
    (at 1280 px: tests/browser/test_pages.py, in its visit of each page). Screenshots of the first
    screen of some pages, in both schemes, to look at."""
    context, recorder = _context(open_context, "phone", "light")
    page = context.new_page()
    problems = []
    for base, url in _pages_of(lang):
        goto(page, recorder, served.url + url)
        for scheme in ("light", "dark"):
            if scheme == "dark" and switch_palette(page) != "slate":
                problems.append(f"/{url}: the theme toggle did not switch to the dark scheme")
            if base in SCREENSHOT_PAGES:
                screenshot(page, f"reader-{base.removesuffix('.md')}-{lang}-phone-{scheme}")
            problems += [f"/{url} ({scheme}): {p}" for p in layout_problems(page)]
        switch_palette(page)  # back to light: the choice is remembered for the next page
    problems += recorder.problems()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_verdict_comes_first_and_the_decision_is_one_tap_away(open_context, served, lang):
    """On a phone, the home page's verdict starts within its first screen and a half, holds the one
    box saying what is measured, and one tap on its link opens the full decision section."""
    context, recorder = _context(open_context, "phone", "light")
    page = context.new_page()
    goto(page, recorder, served.url + page_url("index.md", lang))
    verdict = page.locator("article .verdict")
    assert verdict.count() == 1, "the home page has no verdict block"
    top = page.evaluate("document.querySelector('#verdict').getBoundingClientRect().top")
    assert top < 1.5 * PHONE["height"], (
        f"the verdict starts {top:.0f} px down, past the first screen and a half"
    )
    assert page.locator("article .admonition").count() == 1, "say what is measured and what is not once"
    assert verdict.locator(".admonition").count() == 1
    link = verdict.locator("a[href*='#which-device']").first
    assert link.count() == 1, "the verdict links to the full decision section"
    screenshot(page, f"reader-verdict-{lang}-phone")
    link.scroll_into_view_if_needed()
    link.tap()
    page.wait_for_url(re.compile(r"#which-device$"))
    recorder.settle(page)
    heading = page.locator("#which-device")
    assert heading.is_visible()
    box = heading.bounding_box()
    assert box is not None and 0 <= box["y"] < PHONE["height"] / 2, f"the decision heading is at {box}"
    problems = recorder.problems()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_results_side_by_side_on_a_wide_screen_and_stacked_on_a_phone(open_context, served, lang):
    url = served.url + page_url("results.md", lang)
    facts = {}
    for screen in ("wide", "phone"):
        context, recorder = _context(open_context, screen, "light")
        page = context.new_page()
        goto(page, recorder, url)
        draw_all(page)
        facts[screen] = page.evaluate("""() => {
            const pair = document.querySelector('.results-pair');
            if (!pair) return null;
            const blocks = [...pair.children].map(c => c.getBoundingClientRect());
            const files = document.querySelector('#files ~ .md-typeset__scrollwrap table, #files ~ * table');
            const frame = files && files.closest('.md-typeset__scrollwrap, table');
            return {tops: blocks.map(b => Math.round(b.top)), lefts: blocks.map(b => Math.round(b.left)),
                    files: files && {table: files.scrollWidth, frame: frame.clientWidth}};
        }""")
        assert not recorder.problems(), recorder.problems()
    wide, phone = facts["wide"], facts["phone"]
    assert wide is not None, "the results page has no headline tables (.results-pair)"
    if len(wide["tops"]) > 1:
        assert len(set(wide["tops"][:2])) == 1 and wide["lefts"][0] < wide["lefts"][1], (
            f"race and overheads are not side by side at 1280 px: {wide}"
        )
        assert phone["tops"][0] < phone["tops"][1] and len(set(phone["lefts"])) == 1, (
            f"race and overheads are not stacked on a phone: {phone}"
        )
    assert wide["files"] and wide["files"]["table"] <= wide["files"]["frame"] + 1, (
        f"the file index does not fit 1280 px: {wide['files']}"
    )


def _nav_numbers(soup: BeautifulSoup) -> dict[str, str]:
    """{page path: number} from the primary menu's chapter titles."""
    numbers = {}
    for link in soup.select("nav.md-nav--primary a.md-nav__link[href]"):
        title = " ".join(link.get_text(" ", strip=True).split())
        found = CHAPTER.match(title)
        if found:
            numbers[link["href"]] = found[1]
    return numbers


@pytest.mark.parametrize("lang", LANGUAGES)
def test_chapter_numbers_agree_in_the_menu_the_headings_and_the_home_page(built_site, lang):
    home_url = page_url("index.md", lang)
    home = _soup(built_site, home_url)
    menu = {
        urlsplit(urljoin("/" + home_url, href)).path.strip("/"): number
        for href, number in _nav_numbers(home).items()
    }
    assert len(menu) >= 5, f"the menu numbers too few chapters: {menu}"
    problems = []
    for path, number in menu.items():
        heading = _soup(built_site, path).select_one("article h1 .chapter-number")
        found = LABEL[lang].fullmatch(heading.get_text(strip=True)) if heading else None
        shown = (found[2] or found[1]) if found else None
        if shown != number:
            problems.append(
                f"/{path}: the menu says {number}, the heading says {heading and heading.get_text()}"
            )
    listed = {}
    for link in home.select("#what-you-will-learn ~ ol a[href]"):
        target = urlsplit(urljoin("/" + home_url, link["href"])).path.strip("/")
        digits = re.search(r"\d+(?:\.\d+)?", link.get_text())
        if digits and target in menu:
            listed[target] = digits[0]
    for path, number in menu.items():
        if listed.get(path) != number:
            problems.append(f"the home page lists /{path} as {listed.get(path)}, the menu as {number}")
    assert not problems, "\n".join(problems)


def test_every_page_links_the_source_repository_without_asking_its_host(built_site):
    with open(ROOT / "mkdocs.yml", encoding="utf-8") as handle:
        source = yaml_load(handle)["extra"]["source_url"]
    assert source.startswith("https://")
    problems = []
    for _, url in content_pages():
        soup = _soup(built_site, url)
        links = [a["href"] for a in soup.select("header a[data-source-link]")]
        if links != [source]:
            problems.append(f"/{url}: header source links {links}")
        if soup.select("[data-md-component=source]"):
            problems.append(f"/{url}: Material's repository widget (it fetches from the host's API)")
    assert not problems, "\n".join(problems)
