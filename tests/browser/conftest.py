"""The built site in a real browser: headless Chromium (Debian's), driven by Playwright.

One build of the site (the `site` fixture of tests/conftest.py), served on 127.0.0.1 under the path of
`site_url` the way a project-pages host serves it (tests/browser/site_server.py), and one browser for
the whole session; each test gets a fresh browser context (no shared storage, palette or cache) that
records every request and every console message.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.site_server import SiteServer
from tests.pages import DEFAULT_LANGUAGE, LANGUAGES, ROOT, page_variants

HERE = Path(__file__).resolve().parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "build" / "screenshots"   # git-ignored; look at them after a run

INSTALL = ("Install it (Debian, as root; .ci/run does this):\n"
           "    apt-get update && apt-get install -y chromium fonts-wqy-microhei\n"
           "or point CHROMIUM at a Chromium/Chrome binary.")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
UI = {  # the theme's own words in each language, as the reader sees them
    "zh": {"search": "搜索", "copy": "复制", "copied": "已复制", "to_dark": "切换到深色模式"},
    "en": {"search": "Search", "copy": "Copy to clipboard", "copied": "Copied to clipboard",
           "to_dark": "Switch to dark mode"},
}
NOT_FOUND = {lang: ("" if lang == DEFAULT_LANGUAGE else f"{lang}/") + "404.html" for lang in LANGUAGES}


def page_url(base: str, lang: str) -> str:
    """docs/a/b.zh.md -> 'a/b/' under the site's root; English (and other languages) under 'en/'."""
    stem = base.rsplit(".", 1)[0]
    stem = "" if stem == "index" else stem.removesuffix("/index") + "/"
    return stem if lang == DEFAULT_LANGUAGE else f"{lang}/{stem}"


def language_of(url: str) -> str:
    first = url.split("/", 1)[0]
    return first if first in LANGUAGES and first != DEFAULT_LANGUAGE else DEFAULT_LANGUAGE


def content_pages() -> list[tuple[str, str]]:
    """(base, url) for every page of every language, found in docs/ when the tests are collected."""
    return [(base, page_url(base, lang)) for base in sorted(page_variants()) for lang in LANGUAGES]


def chromium_path() -> str | None:
    """$CHROMIUM if set (and nothing else), else Debian's chromium or another Chromium on PATH."""
    if os.environ.get("CHROMIUM"):
        return shutil.which(os.environ["CHROMIUM"])
    return next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)


@pytest.fixture(scope="session")
def built_site(request) -> Path:
    """The session's strict build; BROWSER_TESTS_SITE=<folder> reuses an earlier `mkdocs build` instead."""
    prebuilt = os.environ.get("BROWSER_TESTS_SITE")
    return Path(prebuilt) if prebuilt else request.getfixturevalue("site")


@pytest.fixture(scope="session")
def served(built_site) -> Iterator[SiteServer]:
    with SiteServer(built_site) as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        pytest.fail(f"The browser tests need headless Chromium; none was found.\n{INSTALL}", pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("The browser tests drive Chromium with Playwright: pip install -r requirements.txt "
                    "(never `playwright install`: the tests use the system's Chromium).", pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(f"axe-core is missing ({AXE.relative_to(ROOT)}). Install it: cd tests/browser && npm ci",
                    pytrace=False)
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def cjk_font() -> None:
    fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False)
    if not fonts.stdout.strip():
        pytest.fail(f"No Chinese font: Chromium would draw Chinese as boxes.\n{INSTALL}", pytrace=False)


@dataclass
class Recorder:
    """What a browser context did: requests, failed responses, console errors, page errors."""

    origin: str
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    pending: set = field(default_factory=set)  # requests not finished yet

    def settle(self, page, quiet_ms: int = 250, timeout_ms: int = 20_000) -> None:
        """Wait for the page's load event, then until no request (a worker's too) has been in flight
        for quiet_ms: Playwright's 'networkidle' waits 500 ms, this is quicker for a static site."""
        page.wait_for_load_state("load")
        quiet = waited = 0
        while quiet < quiet_ms:
            page.wait_for_timeout(50)  # events are delivered while Playwright waits
            quiet = 0 if self.pending else quiet + 50
            waited += 50
            if waited > timeout_ms:
                raise TimeoutError(f"requests still in flight after {timeout_ms} ms: {self.pending}")

    def foreign(self) -> list[str]:
        return [url for url in self.requests
                if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).hostname != "127.0.0.1"]

    def problems(self, allow_status: dict[str, int] | None = None) -> list[str]:
        """Everything a reader should never meet, except the given URLs' expected statuses."""
        allowed = {f"{status} {url}" for url, status in (allow_status or {}).items()}
        found = [f"request to another host: {url}" for url in self.foreign()]
        found += [f"HTTP {line}" for line in self.failed if line not in allowed]
        expected_404 = [url for url, status in (allow_status or {}).items() if status == 404]
        found += [f"console: {line}" for line in self.console
                  if not (expected_404 and "404" in line and any(url in line for url in expected_404))]
        return found


@pytest.fixture
def open_context(browser, served):
    """A factory of fresh browser contexts (Playwright options as keywords) and their recorders."""
    contexts = []

    def make(**options):
        options.setdefault("viewport", {"width": 1280, "height": 800})
        context = browser.new_context(**options)
        recorder = Recorder(served.origin)
        def started(request):
            recorder.requests.append(request.url)
            recorder.pending.add(request)

        context.on("request", started)
        context.on("requestfinished", lambda request: recorder.pending.discard(request))
        context.on("requestfailed", lambda request: recorder.pending.discard(request))
        context.on("response", lambda response: response.status >= 400
                   and recorder.failed.append(f"{response.status} {response.url}"))

        def watch(page):
            page.on("console", lambda message: message.type == "error"
                    and recorder.console.append(f"{message.text} ({message.location.get('url', '')})"))
            page.on("pageerror", lambda error: recorder.console.append(f"uncaught: {error}"))

        context.on("page", watch)
        contexts.append(context)
        return context, recorder

    yield make
    for context in contexts:
        context.close()


def goto(page, recorder: Recorder, url: str):
    """Open a page and wait until it is quiet (Material's scripts done, search index loaded)."""
    response = page.goto(url, wait_until="load")
    assert response is not None, f"no response for {url}"
    recorder.settle(page)
    return response
