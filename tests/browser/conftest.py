"""The built site in a real browser: headless Chromium (Debian's), driven by Playwright.

One build of the site (the `site` fixture of tests/conftest.py), served on 127.0.0.1 under the path of
`site_url` the way a project-pages host serves it (tests/browser/site_server.py), and one browser for
the whole session; each test gets a fresh browser context (no shared storage, palette or cache) that
records every request and every console message.

They need Debian's Chromium and a Chinese font (`apt-get install chromium fonts-wqy-microhei`; .ci/run
installs them). Where either is missing they are skipped, with one line in the summary saying how to
install them; under CI (CI=true) they are required, and a skipped browser test fails the run.
axe-core comes from tests/browser/vendor/ (no Node.js needed), checked against its recorded hash.

When a session runs other tests too, the browser tests run in a pytest process of their own, started
as soon as the session's site build is done, so they overlap with the rest; their results are
reported here, under their own names, as if they had run in this process (BROWSER_TESTS_INLINE=1
runs them in this process instead).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.site_server import EMPTY_SEARCH_INDEX, SiteServer
from tests.pages import DEFAULT_LANGUAGE, LANGUAGES, ROOT, page_variants
from tests.site_build import session_build

HERE = Path(__file__).resolve().parent
AXE = HERE / "vendor" / "axe-core" / "axe.min.js"   # 4.14.1, see vendor/axe-core/README.md
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
SCREENSHOTS = ROOT / "build" / "screenshots"   # git-ignored; look at them after a run
SCREENSHOT_PAGES = ("index.md", "results.md", "iris-notebook.md", "gpu-payoff.md")  # their first screen

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
    if os.environ.get(_REPORT_FILE):  # in the browser process: hand the report to the session
        longrepr = report.longrepr
        if isinstance(longrepr, tuple):
            longrepr = [str(longrepr[0]), longrepr[1], str(longrepr[2])]
        elif longrepr is not None:
            longrepr = report.longreprtext
        record = {"nodeid": report.nodeid, "when": report.when, "outcome": report.outcome,
                  "longrepr": longrepr, "duration": report.duration, "sections": list(report.sections)}
        with open(os.environ[_REPORT_FILE], "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record) + "\n")


# ---------------------------------------------------------------------------------------------------
# The browser tests in a process of their own, overlapping with the rest of the session

_REPORT_FILE = "BROWSER_TESTS_REPORT_FILE"
_CHILD = pytest.StashKey["BrowserProcess"]()


class BrowserProcess:
    """`pytest <the selected browser tests>` against the session's site, once it is built; its
    reports arrive test by test."""

    def __init__(self, config: pytest.Config, nodeids: list[str]):
        self.config, self.nodeids = config, nodeids
        self.reports: dict[str, list[dict]] = {}
        self.problem = ""                       # why a test has no report, if one has none
        self.inline = False                     # the site build failed: run the tests here instead
        self.process: subprocess.Popen | None = None
        self.changed = threading.Condition()
        self.done = False
        threading.Thread(target=self._run, name="browser-tests", daemon=True).start()

    def _run(self) -> None:
        folder = Path(tempfile.mkdtemp(prefix="browser-tests-"))
        try:
            build = session_build(self.config).wait()
            if build.returncode != 0:
                self.inline = True  # the `site` fixture then reports the failed build, test by test
                return
            report_file, log = folder / "reports.jsonl", folder / "output.txt"
            report_file.touch()
            env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
            env.update({"BROWSER_TESTS_SITE": str(build.site), _REPORT_FILE: str(report_file),
                        "BROWSER_TESTS_INLINE": "1"})
            args = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--no-header",
                    "-o", "addopts=", "--strict-markers", *self.nodeids]
            with open(log, "w", encoding="utf-8") as output, open(report_file, encoding="utf-8") as reports:
                self.process = subprocess.Popen(args, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                                                stdout=output, stderr=subprocess.STDOUT)
                pending = ""
                while True:
                    finished = self.process.poll() is not None
                    pending += reports.read()
                    *lines, pending = pending.split("\n")
                    if lines:
                        with self.changed:
                            for line in lines:
                                record = json.loads(line)
                                self.reports.setdefault(record["nodeid"], []).append(record)
                            self.changed.notify_all()
                    if finished:
                        break
                    time.sleep(0.2)
            if self.process.returncode not in (0, 1):
                self.problem = (f"the browser tests' process ended with {self.process.returncode}:\n"
                                + log.read_text(encoding="utf-8", errors="replace")[-4000:])
        except Exception as err:  # report it on every browser test rather than lose it
            self.problem = f"the browser tests' process could not run: {err!r}"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
            with self.changed:
                self.done = True
                self.changed.notify_all()

    def results(self, nodeid: str) -> list[dict] | None:
        """The reports of one test, once its teardown is reported (None: run it here instead)."""
        with self.changed:
            while not self.done and not any(r["when"] == "teardown" for r in self.reports.get(nodeid, [])):
                self.changed.wait()
        if self.inline:
            return None
        return self.reports.get(nodeid) or [{
            "when": "setup", "outcome": "failed", "duration": 0, "sections": [],
            "longrepr": self.problem or "the browser tests' process did not report this test"}]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()


def pytest_collection_finish(session):
    """Start the browser process if this session also runs other tests (otherwise there is nothing
    to overlap with)."""
    config = session.config
    if config.option.collectonly or os.environ.get("BROWSER_TESTS_INLINE") or os.environ.get(
            "BROWSER_TESTS_SITE"):
        return
    browser_items = [item for item in session.items if item.path.is_relative_to(HERE)]
    if missing_requirements():
        return  # skipped (or, under CI, failed) here at once: no process, no waiting for the site
    if browser_items and len(browser_items) < len(session.items):
        config.stash[_CHILD] = BrowserProcess(config, [item.nodeid for item in browser_items])


def pytest_unconfigure(config):
    if _CHILD in config.stash:
        config.stash[_CHILD].stop()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    """Report the browser process's results for this test, under its name."""
    child = item.config.stash.get(_CHILD, None)
    if child is None or not item.path.is_relative_to(HERE):
        return None
    records = child.results(item.nodeid)
    if records is None:
        return None
    from _pytest.reports import TestReport

    item.ihook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
    for record in records:
        longrepr = record["longrepr"]
        if isinstance(longrepr, list):
            longrepr = tuple(longrepr)
        report = TestReport(item.nodeid, item.location, {name: 1 for name in item.keywords},
                            record["outcome"], longrepr, record["when"],
                            sections=[tuple(section) for section in record["sections"]],
                            duration=record["duration"])
        item.ihook.pytest_runtest_logreport(report=report)
    item.ihook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)
    return True


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
    """A factory of fresh browser contexts (Playwright options as keywords) and their recorders.

    `search=False`: for tests that never search, every page gets its language's search index with
    its entries taken out (tests/browser/site_server.py; the file must still be there): building the
    full index is about half a CPU-second per page load, which the tests of search pay instead."""
    contexts = []

    def make(search: bool = True, **options):
        options.setdefault("viewport", {"width": 1280, "height": 800})
        context = browser.new_context(**options)
        if not search:  # the site server then serves the index without entries
            context.set_extra_http_headers(dict([EMPTY_SEARCH_INDEX]))
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


# ---------------------------------------------------------------------------------------------------
# What several test modules do on a page


def page_facts(page) -> dict:
    return page.evaluate("""() => ({
        lang: document.documentElement.lang,
        title: document.title,
        description: document.querySelector('meta[name=description]')?.content ?? '',
        search: document.querySelector('input[name=query]')?.placeholder ?? '',
        toggle: [...document.querySelectorAll('form[data-md-component=palette] label')]
            .filter(label => label.offsetParent !== null).map(label => label.title),
        scheme: document.body.dataset.mdColorScheme,
        status: performance.getEntriesByType('navigation')[0]?.responseStatus,
    })""")


def switch_palette(page) -> str:
    """Click the visible dark/light toggle; return the new scheme once the switch has settled."""
    before = page.evaluate("document.body.dataset.mdColorScheme")
    page.locator("form[data-md-component=palette] label:visible").click()
    page.wait_for_function(
        "(before) => document.body.dataset.mdColorScheme !== before"
        " && !document.body.hasAttribute('data-md-color-switching')", arg=before)
    return page.evaluate("document.body.dataset.mdColorScheme")


# Every result link of the list, page by page, as Material draws it: each page's own link first, then
# its sections by score (those under "more" included, in order).
_RESULTS = """() => [...document.querySelectorAll('.md-search-result__item')].map(item =>
    [...item.querySelectorAll('a.md-search-result__link')].map(a => [
        a.href, a.querySelector('article')?.dataset.mdScore ?? '']))"""


def _relative(served, href: str) -> str:
    """A result link as 'page/' or 'page/#section', relative to the site's root."""
    parts = urlsplit(href)
    path = parts.path.removeprefix(urlsplit(served.url).path)
    return path + (f"#{parts.fragment}" if parts.fragment else "")


def ask(page, served, placeholder: str, query: str) -> list[list[tuple[str, str]]]:
    """Type a query into the search box as a reader does; the results, page by page."""
    box = page.locator("input[name=query]")
    box.click()
    box.fill("")
    box.press("End")  # Material searches on key-up (an input method's commit sends one too)
    # The empty query's text, once this page has loaded the index ("Initializing search" until then:
    # a busy machine loads it late, and a query typed before it gets no results).
    page.wait_for_function(
        "(p) => document.querySelector('.md-search-result__meta').textContent === p", arg=placeholder)
    box.fill(query)
    box.press("End")
    page.wait_for_function(
        "(p) => document.querySelector('.md-search-result__meta').textContent !== p", arg=placeholder)
    return [[(_relative(served, href), score) for href, score in links]
            for links in page.evaluate(_RESULTS)]


def open_search(open_context, served, lang: str):
    """A fresh page of the language's home page; the page, its recorder and the search placeholder."""
    context, recorder = open_context()
    page = context.new_page()
    goto(page, recorder, served.url + page_url("index.md", lang))
    placeholder = page.evaluate(
        "JSON.parse(document.querySelector('#__config').textContent).translations"
        "['search.result.placeholder']")
    return page, recorder, placeholder


# Rendered content that the page skips while off screen (content-visibility: auto) is drawn for the
# measurements: the geometry measured is the one the reader gets on scrolling there.
DRAW_ALL = "*, *::before { content-visibility: visible !important; }"

_LAYOUT = """() => {
  const vw = document.documentElement.clientWidth;
  const problems = [];
  const where = (el) => {
    const id = el.closest('[id]');
    return (el.tagName.toLowerCase()) + (id ? ' in #' + id.id : '');
  };
  const overlap = (a, b) => Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left))
                          * Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));
  // 1. No button over code: the copy button's box against the box of every line of text in its block.
  for (const pre of document.querySelectorAll('article pre')) {
    const buttons = [...pre.querySelectorAll('button, .md-code__nav')];
    const code = pre.querySelector('code') || pre;
    if (!buttons.length) continue;
    const frame = code.getBoundingClientRect();
    const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    let node, lines = 0;
    while ((node = walker.nextNode()) && lines < 400) {
      if (!node.textContent.trim()) continue;
      range.selectNodeContents(node);
      for (const r of range.getClientRects()) {
        lines++;
        const outside = r.bottom < frame.top || r.top > frame.bottom || r.right < frame.left
                        || r.left > frame.right;
        if (outside) continue;
        for (const b of buttons) {
          const box = b.getBoundingClientRect();
          if (box.width && overlap(box, r) > 4) {
            problems.push(`button covers code "${node.textContent.trim().slice(0, 40)}" (${where(pre)})`);
          }
        }
      }
    }
  }
  // 2. No table cut off: it fits the screen, or a frame around it (or the table itself) scrolls sideways
  //    and that frame fits the screen.
  for (const table of document.querySelectorAll('article table')) {
    const t = table.getBoundingClientRect();
    if (t.left >= -1 && t.right <= vw + 1) continue;
    let el = table, ok = false;
    while (el && el !== document.body) {
      const s = getComputedStyle(el), r = el.getBoundingClientRect();
      if (['auto', 'scroll'].includes(s.overflowX) && r.left >= -1 && r.right <= vw + 1
          && el.scrollWidth >= Math.floor(t.width) - 1) { ok = true; break; }
      el = el.parentElement;
    }
    if (!ok) problems.push(`table ${Math.round(t.width)} px wide, from ${Math.round(t.left)} px, ` +
        `cut off (${where(table)})`);
  }
  // 3. Images fit the screen.
  for (const img of document.querySelectorAll('article img')) {
    const r = img.getBoundingClientRect();
    if (r.width && (r.left < -1 || r.right > vw + 1)) problems.push(`image wider than the screen ` +
        `(${where(img)})`);
  }
  // 4. Notebook code cells keep most of the width for code.
  for (const cell of document.querySelectorAll('.jupyter-wrapper .jp-InputArea-editor')) {
    const r = cell.getBoundingClientRect();
    if (r.width && r.width < 0.75 * Math.min(vw, document.querySelector('article').clientWidth)) {
      problems.push(`notebook code cell only ${Math.round(r.width)} px wide on a ${vw} px screen`);
      break;
    }
  }
  if (document.documentElement.scrollWidth > vw + 1) {
    problems.push(`the page is ${document.documentElement.scrollWidth} px wide on a ${vw} px screen`);
  }
  return problems;
}"""


def layout_problems(page) -> list[str]:
    """What the reader's screen gets wrong on the page as drawn now: a copy button over code, a table
    cut off, an image or a notebook cell wider than the screen, a page wider than the screen. Draws
    everything and mounts every code block first, as the reader gets them on scrolling there."""
    draw_all(page)
    return mount_code_blocks(page) + page.evaluate(_LAYOUT)


# Every code block shown (not in a closed <details>) that Material has not mounted: no buttons yet.
_UNMOUNTED = """() => [...document.querySelectorAll('div.highlight pre > code')]
    .filter(code => code.checkVisibility() && !code.parentElement.querySelector('.md-code__nav'))
    .map(code => code.closest('[id]')?.id || code.textContent.trim().slice(0, 40))"""


def mount_code_blocks(page) -> list[str]:
    """Material mounts a code block (its copy button) when it first comes into view (`content.lazy`,
    mkdocs.yml). Shrink the whole page into the screen for a moment (a transform: the layout does not
    change), so that every block is in view, as each is for a reader who scrolls through the page,
    and wait until each has its buttons. Returns the blocks that got none."""
    from playwright.sync_api import TimeoutError as WaitedTooLong

    if not page.evaluate(_UNMOUNTED):
        return []
    page.evaluate("""() => {
        const root = document.documentElement.style;
        root.transformOrigin = '0 0';
        root.transform = `scale(${Math.min(1, innerHeight / document.documentElement.scrollHeight / 2)})`;
    }""")
    try:
        with contextlib.suppress(WaitedTooLong):  # reported below
            page.wait_for_function(f"() => !({_UNMOUNTED})().length", timeout=10_000)
    finally:
        page.evaluate("() => { document.documentElement.style.transform = ''; }")
    # What Material placed while the page was shrunk (an annotation's tooltip) moves back; a page
    # that stays wider than the screen is layout_problems' to report.
    with contextlib.suppress(WaitedTooLong):
        page.wait_for_function("() => document.documentElement.scrollWidth"
                               " <= document.documentElement.clientWidth + 1", timeout=2_000)
    return [f"code block without a copy button: {block}" for block in page.evaluate(_UNMOUNTED)]


def screenshot(page, name: str) -> None:
    """The first screen of the page, from its top, into build/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=SCREENSHOTS / f"{name}.png")


def draw_all(page) -> None:
    """Draw the content the page skips while off screen (once per page)."""
    if page.evaluate("""(css) => {
            if (document.getElementById('draw-all')) return false;
            const style = Object.assign(document.createElement('style'), {id: 'draw-all', textContent: css});
            document.head.append(style);
            return true;
        }""", DRAW_ALL):
        page.wait_for_timeout(50)
