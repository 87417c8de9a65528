"""The built site in a real browser: headless Chromium (Debian's), driven by Playwright.

One build of the site (the `site` fixture of tests/conftest.py), served on 127.0.0.1 under the path of
`site_url` the way a project-pages host serves it (tests/browser/site_server.py), and one browser for
the whole session; each test gets a fresh browser context (no shared storage, palette or cache) that
records every request and every console message.

They need Debian's Chromium and a Chinese font (`apt-get install chromium fonts-wqy-microhei`; .ci/run
installs them). Where either is missing they are skipped, with one line in the summary saying how to
install them; under CI (CI=true) they are required, and a skipped browser test fails the run.
axe-core comes from tests/browser/vendor/ (no Node.js needed), checked against its recorded hash.
"""

from __future__ import annotations

import hashlib
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
AXE = HERE / "vendor" / "axe-core" / "axe.min.js"   # 4.14.1, see vendor/axe-core/README.md
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
SCREENSHOTS = ROOT / "build" / "screenshots"   # git-ignored; look at them after a run

INSTALL = ("install them (Debian, as root): apt-get update && apt-get install -y chromium "
           "fonts-wqy-microhei (or set CHROMIUM to a Chromium/Chrome binary)")
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


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _cjk_font_installed() -> bool:
    if shutil.which("fc-list") is None:
        return False
    fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False)
    return bool(fonts.stdout.strip())


def missing_requirements() -> list[str]:
    """What this machine lacks for the browser tests, in words."""
    missing = []
    if chromium_path() is None:
        missing.append(f"Chromium ({os.environ['CHROMIUM']} not found)" if os.environ.get("CHROMIUM")
                       else "Chromium")
    if not _cjk_font_installed():
        missing.append("a Chinese font (Chromium would draw Chinese as boxes)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("Playwright (pip install -r requirements.txt)")
    return missing


_MISSING: list[list[str]] = []  # what missing_requirements() found, once per session


def pytest_runtest_setup(item):
    """Skip every browser test, with one line in the summary for all of them (the skip is raised
    here, at one place), where Chromium or the Chinese font is missing; under CI, fail instead."""
    if not _MISSING:
        _MISSING.append(missing_requirements())
    if _MISSING[0]:
        message = f"browser tests need {' and '.join(_MISSING[0])}: {INSTALL}"
        if in_ci():
            pytest.fail(f"CI=true: {message}", pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="session", autouse=True)
def axe_is_the_recorded_release() -> None:
    if hashlib.sha256(AXE.read_bytes()).hexdigest() != AXE_SHA256:
        pytest.fail(f"{AXE.relative_to(ROOT)} is not the recorded axe-core 4.14.1 (SHA-256 differs); "
                    "see tests/browser/vendor/axe-core/README.md", pytrace=False)


_SKIPPED: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped and "tests/browser/" in report.nodeid.replace("\\", "/"):
        _SKIPPED.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    """Under CI the browser tests are required: a skipped one fails the run."""
    if in_ci() and _SKIPPED and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter):
    if in_ci() and _SKIPPED:
        terminalreporter.write_line(f"CI=true: {len(_SKIPPED)} browser tests were skipped, which fails "
                                    f"the run (first: {_SKIPPED[0]})", red=True)


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
    # never `playwright install`: the tests drive the system's Chromium
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


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
