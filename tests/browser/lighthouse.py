"""Lighthouse (mobile) performance of every page, served compressed the way a host serves it.

A maintainer's check, not part of `pytest` (Lighthouse is a large npm package that the tests do not
need). Install it once into a scratch folder and point this script at it:

    npm install --prefix /tmp/lighthouse lighthouse        # ~200 packages, ~30 s
    mkdocs build --strict -d /tmp/site
    python -m tests.browser.lighthouse /tmp/site --lighthouse /tmp/lighthouse/node_modules/.bin/lighthouse

It serves the built site with tests/browser/site_server.py (under site_url's path, gzip-compressed),
runs Lighthouse's default mobile profile (a mid-range phone, slow 4G, CPU slowed 4x) on every page of
every language with the system's Chromium, prints each page's score and metrics, and exits 1 when a
page scores under --min (95). Lighthouse times the page on this machine, so a busy machine lowers the
scores: the load average is printed with them; rerun a failing page on a quiet machine (--pages) before
believing it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.browser.conftest import chromium_path, content_pages
from tests.browser.site_server import SiteServer

METRICS = {
    "first-contentful-paint": "FCP",
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
    "speed-index": "SI",
}
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking"


def score_page(lighthouse: str, url: str, chrome: str, out: Path) -> dict:
    """One Lighthouse run: {'score': 0-100, 'FCP': '1.2 s', ...}."""
    subprocess.run(
        [
            lighthouse,
            url,
            "--only-categories=performance",
            "--output=json",
            f"--output-path={out}",
            f"--chrome-flags={CHROME_FLAGS}",
            "--quiet",
        ],
        check=True,
        timeout=300,
        env=dict(os.environ, CHROME_PATH=chrome),
    )
    report = json.loads(out.read_text(encoding="utf-8"))
    audits = report["audits"]
    row = {"score": round(100 * report["categories"]["performance"]["score"])}
    row.update({short: audits[key]["displayValue"].replace("\xa0", " ") for key, short in METRICS.items()})
    return row


def score(text: str) -> int:
    """A number from 1 to 100 (a score, or a count of runs)."""
    value = int(text) if text.isdigit() else 0
    if not 1 <= value <= 100:
        raise argparse.ArgumentTypeError(f"expected a number from 1 to 100, not {text!r}")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.browser.lighthouse",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="the built site's folder (mkdocs build -d SITE)")
    parser.add_argument("--lighthouse", default=shutil.which("lighthouse") or "lighthouse",
                        help="the lighthouse command (default: lighthouse on PATH)")
    parser.add_argument("--min", type=score, default=95, help="lowest acceptable score (default 95)")
    parser.add_argument("--runs", type=score, default=1,
                        help="runs per page; the median run counts (Lighthouse advises 5 on a busy machine)")
    parser.add_argument("--pages", nargs="*", metavar="URL",
                        help="only these pages, as paths under the site ('', 'en/gpu-payoff/')")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        parser.error(f"{args.site}/index.html not found: build the site first (mkdocs build -d {args.site})")
    if shutil.which(args.lighthouse) is None:
        parser.error(f"{args.lighthouse} not found: npm install --prefix /tmp/lighthouse lighthouse")
    chrome = chromium_path()
    if chrome is None:
        parser.error("no Chromium found (apt-get install chromium, or set CHROMIUM)")
    urls = args.pages if args.pages is not None else [url for _, url in content_pages()]
    failed = []
    with SiteServer(args.site) as server, tempfile.TemporaryDirectory() as scratch:
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"load average before: {load} on {os.cpu_count()} CPUs")
        for i, url in enumerate(urls):
            rows = [score_page(args.lighthouse, server.url + url, chrome, Path(scratch) / f"{i}-{run}.json")
                    for run in range(args.runs)]
            row = sorted(rows, key=lambda r: r["score"])[len(rows) // 2]  # the median run
            runs = "; runs " + "/".join(str(r["score"]) for r in rows) if args.runs > 1 else ""
            print(f"{row['score']:>4}  /{url:<26} " + "  ".join(f"{k} {row[k]}" for k in METRICS.values())
                  + f"  (load {os.getloadavg()[0]:.1f}{runs})", flush=True)
            if row["score"] < args.min:
                failed.append(url)
    if failed:
        print(f"under {args.min}: " + ", ".join("/" + u for u in failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
