"""Serve a built site on 127.0.0.1 the way a project-pages host serves it.

- the site lives under the path of `site_url` (e.g. /pytorch-hardware-guide/), nothing at `/`;
- `dir/` serves `dir/index.html`, `dir` redirects to `dir/` (301);
- a missing file gets the site's root `404.html` with status 404 (GitHub Pages serves that one file
  for every missing path of a project site);
- text is gzip-compressed when the browser accepts it, so the bytes a browser counts are close to
  what a reader downloads from the host.

For the tests: a request with the header `X-Search-Index: empty` gets a search index with its
configuration and no documents (tests/browser/conftest.py's `open_context(search=False)`).

Preview a build as it will be published:

    mkdocs build && python -m tests.browser.site_server site

then open the URL it prints (the English pages are under `en/`).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import json
import mimetypes
import posixpath
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from mkdocs.utils.yaml import yaml_load

ROOT = Path(__file__).resolve().parents[2]
_COMPRESSIBLE = ("text/", "application/javascript", "application/json", "application/xml", "image/svg+xml")
EMPTY_SEARCH_INDEX = ("X-Search-Index", "empty")


@functools.lru_cache(maxsize=512)
def _body(file: Path, mtime_ns: int, compressed: bool, empty_index: bool) -> bytes:
    """A file's bytes as served (read and compressed once per version of the file)."""
    body = file.read_bytes()
    if empty_index:
        body = json.dumps({"config": json.loads(body)["config"], "docs": []}).encode()
    return gzip.compress(body, compresslevel=6, mtime=0) if compressed else body


def site_path(config: Path = ROOT / "mkdocs.yml") -> str:
    """The path part of mkdocs.yml's site_url, as '/name/' ('/' when site_url has no path)."""
    with open(config, encoding="utf-8") as handle:
        path = urlsplit(yaml_load(handle).get("site_url") or "/").path.strip("/")
    return f"/{path}/" if path else "/"


def _handler(site: Path, prefix: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "site-preview"
        sys_version = ""

        def log_message(self, format, *args):  # quiet: the tests read the browser's own log
            pass

        def do_HEAD(self):
            self._serve(head=True)

        def do_GET(self):
            self._serve(head=False)

        def _serve(self, head: bool) -> None:
            path = unquote(urlsplit(self.path).path)
            if path + "/" == prefix:
                return self._redirect(prefix)
            if not path.startswith(prefix):
                return self._not_found(head)
            relative = posixpath.normpath("/" + path[len(prefix):]).lstrip("/")
            target = site / relative if relative not in ("", ".") else site
            if target.is_dir():
                if not path.endswith("/"):
                    return self._redirect(path + "/")
                target = target / "index.html"
            if not target.is_file():
                return self._not_found(head)
            self._send(HTTPStatus.OK, target, head)

        def _redirect(self, location: str) -> None:
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _not_found(self, head: bool) -> None:
            page = site / "404.html"
            if page.is_file():
                return self._send(HTTPStatus.NOT_FOUND, page, head)
            self.send_error(HTTPStatus.NOT_FOUND)

        def _send(self, status: HTTPStatus, file: Path, head: bool) -> None:
            kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            compressed = kind.startswith(_COMPRESSIBLE) and "gzip" in self.headers.get("Accept-Encoding", "")
            empty_index = (file.name == "search_index.json"
                           and self.headers.get(EMPTY_SEARCH_INDEX[0]) == EMPTY_SEARCH_INDEX[1])
            body = _body(file, file.stat().st_mtime_ns, compressed, empty_index)
            self.send_response(status)
            if kind.startswith("text/") or kind in ("application/javascript", "application/json"):
                kind += "; charset=utf-8"
            self.send_header("Content-Type", kind)
            if compressed:
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Vary", "Accept-Encoding")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "max-age=600")
            self.end_headers()
            if not head:
                self.wfile.write(body)

    return Handler


class SiteServer:
    """A running server; `url` is the site's root, e.g. http://127.0.0.1:41234/name/."""

    def __init__(self, site: Path, prefix: str | None = None, port: int = 0):
        self.prefix = prefix or site_path()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), _handler(Path(site), self.prefix))
        self.httpd.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.url = self.origin + self.prefix
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> SiteServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve a built site under site_url's path.")
    parser.add_argument("site", nargs="?", default="site", help="the built site's folder (default: site)")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    site = Path(args.site)
    if not (site / "index.html").is_file():
        print(f"error: {site}/index.html not found; build first: mkdocs build", file=sys.stderr)
        return 2
    try:
        server = SiteServer(site, port=args.port)
    except OSError as error:
        print(f"error: cannot listen on 127.0.0.1:{args.port}: {error.strerror}", file=sys.stderr)
        return 2
    print(f"Serving {site} at {server.url} (English: {server.url}en/); Ctrl-C stops")
    with server, contextlib.suppress(KeyboardInterrupt):
        threading.Event().wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
