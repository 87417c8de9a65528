"""MkDocs hooks for the reader's way through the site (listed under `hooks:` in mkdocs.yml).

Chapter numbers: a chapter's title in `nav:` starts with its number ("3 在 GPU 上训练", "3.1 Iris 实验笔记本"
for a page that belongs to chapter 3). The menu shows that title; this hook puts the same number above
the page's own heading ("第 3 章" / "Chapter 3"), so the menu, the home page's list and the headings
cannot disagree. A nav title left untranslated in a non-default language (no entry under the language's
`nav_translations`) is reported as a warning, which fails the strict build.

Plots: every image of a page loads when the reader scrolls near it (`loading="lazy"`), and is decoded
off the main thread: a chapter's plots no longer hold up its first screen. A plot (an SVG under docs/,
or a notebook's PNG inlined as data) gets its width and height from the image itself, so its space is
kept before it loads: without them, a plot that arrived after a jump to a heading below it pushed the
heading half a screen down (tests/browser/test_reader.py).

Source link: a page links the source repository as `[...](SOURCE_URL)`; the link gets extra.source_url,
the address the header's link (tooling/theme/partials/source-link.html) uses.
"""

from __future__ import annotations

import base64
import logging
import posixpath
import re
import struct
from pathlib import Path
from xml.etree import ElementTree

from mkdocs.plugins import event_priority
from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.hooks.reader")

CHAPTER_TITLE = re.compile(r"^(?P<major>\d+)(?:\.(?P<minor>\d+))?\s+\S")
_FIRST_H1 = re.compile(r"(<h1\b[^>]*>)")
_HAN = re.compile(r"[\u3400-\u9fff]")
_IMG_WITHOUT_LOADING = re.compile(r"<img (?![^>]*\bloading=)")
_SVG_WITHOUT_SIZE = re.compile(r'<img (?![^>]*\bwidth=)(?P<attrs>[^>]*\bsrc="(?P<src>[^":]+\.svg)"[^>]*)>')
_PNG_WITHOUT_SIZE = re.compile(
    r'<img (?![^>]*\bwidth=)(?P<attrs>[^>]*\bsrc="data:image/png;base64,(?P<head>[A-Za-z0-9+/]{32})[^>]*)>')
_LENGTH = re.compile(r"^\s*(?P<number>[\d.]+)\s*(?P<unit>pt|px)?\s*$")
PX_PER_UNIT = {"pt": 4 / 3, "px": 1.0, None: 1.0}
LABEL = {
    "zh": {"chapter": "第 {major} 章", "part": "第 {major} 章 · {major}.{minor}"},
    "en": {"chapter": "Chapter {major}", "part": "Chapter {major} · {major}.{minor}"},
}


def chapter_label(title: str, lang: str) -> str | None:
    """'3 Training on a GPU' -> 'Chapter 3'; '3.1 The notebook' -> 'Chapter 3 · 3.1'; else None."""
    found = CHAPTER_TITLE.match(title or "")
    if not found:
        return None
    words = LABEL.get(lang, LABEL["en"])
    return (words["part"] if found["minor"] else words["chapter"]).format(**found.groupdict())


def _pages(items):
    for item in items:
        if isinstance(item, Page):
            yield item
        yield from _pages(getattr(item, "children", None) or [])


def _language(config) -> str:
    return config.plugins["i18n"].current_language or config.theme["language"]


@event_priority(-150)  # after mkdocs-static-i18n has translated the nav titles
def on_nav(nav, config, files):
    language = _language(config)
    default = next(
        (lang.locale for lang in config.plugins["i18n"].config.languages if lang.default), language
    )
    if language != default:
        for page in _pages(nav.items):
            if page.title and _HAN.search(page.title):
                log.warning(
                    f"nav title {page.title!r} has no translation for {language!r}: add it under "
                    f"that language's nav_translations in mkdocs.yml"
                )
    return nav


def svg_size(path: Path) -> tuple[int, int] | None:
    """An SVG file's width and height in CSS pixels, from its root element; None if it has none."""
    root = ElementTree.parse(path).getroot()
    found = [_LENGTH.match(root.get(name, "")) for name in ("width", "height")]
    if not all(found):
        return None
    return tuple(round(float(f["number"]) * PX_PER_UNIT[f["unit"]]) for f in found)


def png_size(head: bytes) -> tuple[int, int]:
    """A PNG's width and height from its first 24 bytes (the signature, then the IHDR chunk)."""
    return struct.unpack(">II", head[16:24])


def _plot_file(src: str, page, config) -> Path | None:
    """The file under docs/ an image's src names (mkdocs-static-i18n's suffix: race.svg -> race.zh.svg)."""
    docs, language = Path(config.docs_dir), _language(config)
    name = posixpath.normpath(posixpath.join(page.url, src))  # src is relative to the page's URL
    name = name.removeprefix(f"{language}/")  # a language's pages are built under /<language>/
    stem, suffix = posixpath.splitext(name)
    for candidate in (f"{stem}.{language}{suffix}", name):
        if (docs / candidate).is_file():
            return docs / candidate
    return None


def _sized(found: re.Match, page, config) -> str:
    path = _plot_file(found["src"], page, config)
    size = path and svg_size(path)
    if not size:
        return found[0]
    return f'<img width="{size[0]}" height="{size[1]}" {found["attrs"]}>'


def _png_sized(found: re.Match) -> str:
    width, height = png_size(base64.b64decode(found["head"]))
    return f'<img width="{width}" height="{height}" {found["attrs"]}>'


def on_page_content(html: str, page, config, files) -> str:
    html = _SVG_WITHOUT_SIZE.sub(lambda found: _sized(found, page, config), html)
    html = _PNG_WITHOUT_SIZE.sub(_png_sized, html)
    html = _IMG_WITHOUT_LOADING.sub(r'<img loading="lazy" decoding="async" ', html)
    label = chapter_label(page.title, _language(config))
    if label is None:
        return html
    return _FIRST_H1.sub(rf'\1<span class="chapter-number">{label}</span> ', html, count=1)


def on_page_markdown(markdown: str, page, config, files) -> str:
    """`[the repository](SOURCE_URL)` on a page links to extra.source_url (mkdocs.yml, SOURCE_URL)."""
    return markdown.replace("](SOURCE_URL)", f"]({config.extra['source_url']})")
