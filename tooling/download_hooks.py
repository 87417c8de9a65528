"""MkDocs hooks for downloads: the files a code block needs, and every program a page shows whole.

Files: every file under snippets/ and tools/ is published at `downloads/<repository path>` in the
built site (e.g. `downloads/snippets/iris_setup.py`): one URL for both languages. The files are
copied once, after the last language is built, so mkdocs-static-i18n's per-language file handling
(`fallback_to_default: false` leaves un-suffixed files out of the English build) never sees them.

Blocks: on its own line directly above a ```python block (above any pytest marker comments), a page
may write

    <!--needs: snippets/iris_setup.py-->

naming the repository files (under snippets/ or tools/, space-separated) that the block needs in
its folder to run. The comment is rendered as a visible, localized note with a download link to
each file. Above a ```bash / ```sh block it names the programs the commands run, and the note offers
them for download. A block whose whole content is one file (`--8<-- "snippets/x.py"`, no section)
gets a download link to that file too. A `needs` comment that names a missing file, a file outside
snippets/ and tools/, or that stands above no Python or shell block fails the build.

`needs_above(lines, index)` is the one parser of the convention; the tests import it
(tests/pages.py: `needs_of`).
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

PUBLISHED = ("snippets", "tools")  # folders published under downloads/
DOWNLOADS = "downloads"
NEEDS = re.compile(r"^\s*<!--\s*needs:\s*(?P<files>.*?)\s*-->\s*$")
_COMMENT = re.compile(r"^\s*<!--.*-->\s*$")
_FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<mark>`{3,}|~{3,})(?P<info>[^`]*)$")
_WHOLE_FILE = re.compile(r"""^\s*-{1,}8<-{1,}\s+["'](?P<path>[^"':]+)["']\s*$""")

WORDS = {
    "zh": {"program": "下载这个程序：{file}", "needs": "运行前，把 {files} 下载到同一文件夹中",
           "commands": "下载下面的命令要运行的程序：{files}",
           "both": "下载这个程序：{file}；运行前，把 {files} 下载到同一文件夹中", "and": "、", "last": "和"},
    "en": {"program": "Download this program: {file}", "needs": "Needs {files} in the same folder",
           "commands": "Download the program these commands run: {files}",
           "both": "Download this program: {file}; it needs {files} in the same folder",
           "and": ", ", "last": " and "},
}


def needs_above(lines: list[str], index: int) -> list[str]:
    """The files named by `<!--needs: ...-->` lines among the comments and blank lines directly above
    line `index` (0-based; the opening line of a code fence), in page order."""
    found: list[str] = []
    row = index - 1
    while row >= 0 and (not lines[row].strip() or _COMMENT.match(lines[row])):
        match = NEEDS.match(lines[row])
        if match:
            found = match["files"].split() + found
        row -= 1
    return found


def fences(lines: list[str]):
    """(opening line index, indent, info, body lines) of every fenced block, nested ones skipped."""
    row = 0
    while row < len(lines):
        match = _FENCE_OPEN.match(lines[row])
        if not match:
            row += 1
            continue
        mark, end = match["mark"], row + 1
        while end < len(lines):
            stripped = lines[end].strip()
            if stripped.startswith(mark[0] * len(mark)) and stripped.strip(mark[0]) == "":
                break
            end += 1
        yield row, match["indent"], match["info"].strip(), lines[row + 1:end]
        row = end + 1


def _root(config) -> Path:
    return Path(config.config_file_path).resolve().parent


def _check(path: str, root: Path, where: str) -> None:
    if not path.startswith(tuple(f"{folder}/" for folder in PUBLISHED)):
        raise PluginError(f"{where}: <!--needs: {path}--> names a file outside {', '.join(PUBLISHED)}/")
    if not (root / path).is_file():
        raise PluginError(f"{where}: <!--needs: {path}--> names a file that does not exist")


def _link(path: str, prefix: str) -> str:
    href = html.escape(f"{prefix}{DOWNLOADS}/{path}", quote=True)
    return f'<a href="{href}" download><code>{html.escape(Path(path).name)}</code></a>'


def _files(links: list[str], words: dict) -> str:
    if len(links) == 1:
        return links[0]
    return words["and"].join(links[:-1]) + words["last"] + links[-1]


def note(program: str | None, needs: list[str], lang: str, prefix: str, shell: bool = False) -> str:
    """The visible line above a block: its download link and the files it needs, in `lang`."""
    words = WORDS.get(lang, WORDS["en"])
    files = _files([_link(path, prefix) for path in needs], words) if needs else ""
    if shell:
        return words["commands"].format(files=files)
    if program and needs:
        return words["both"].format(file=_link(program, prefix), files=files)
    if program:
        return words["program"].format(file=_link(program, prefix))
    return words["needs"].format(files=files)


def _whole_program(body: list[str]) -> str | None:
    """The published file a block shows whole (its only line embeds it, no section), or None."""
    lines = [line for line in body if line.strip()]
    match = _WHOLE_FILE.match(lines[0]) if len(lines) == 1 else None
    if match and match["path"].startswith(tuple(f"{folder}/" for folder in PUBLISHED)):
        return match["path"]
    return None


def on_page_markdown(markdown: str, page, config, files) -> str:
    """Put the note above each block that needs files or shows a whole program."""
    lines = markdown.split("\n")
    root = _root(config)
    where = page.file.src_uri
    lang = getattr(page.file, "locale", None) or config.theme.get("language", "en")
    prefix = "../" * page.url.count("/")
    inserts: list[tuple[int, str]] = []
    attached: set[int] = set()
    for index, indent, info, body in fences(lines):
        needs = needs_above(lines, index)
        row = index - 1
        while row >= 0 and (not lines[row].strip() or _COMMENT.match(lines[row])):
            if NEEDS.match(lines[row]):
                attached.add(row)
            row -= 1
        language = (info.split(maxsplit=1) or [""])[0]
        if language not in ("python", "bash", "sh"):
            if needs:
                raise PluginError(f"{where}, line {index + 1}: <!--needs--> stands above a "
                                  f"```{info} block; it belongs above a ```python or ```bash block")
            continue
        for path in needs:
            _check(path, root, f"{where}, line {index + 1}")
        shell = language != "python"
        program = None if shell else _whole_program(body)
        if program or needs:
            top = row + 1
            while not lines[top].strip():  # the note goes right above the comments, after blank lines
                top += 1
            text = note(program, needs, lang, prefix, shell)
            inserts.append((top, f"{indent}{text}\n{indent}{{: .downloads }}\n"))
    orphans = [row + 1 for row, line in enumerate(lines) if NEEDS.match(line) and row not in attached]
    if orphans:
        raise PluginError(f"{where}, line {orphans[0]}: <!--needs--> stands above no code block")
    for row, text in reversed(inserts):
        lines.insert(row, text)
    return "\n".join(lines)


@event_priority(-100)  # after mkdocs-static-i18n has built every language
def on_post_build(config) -> None:
    """Publish every file under snippets/ and tools/ at downloads/<repository path>."""
    if config.plugins["i18n"].building:
        return  # an inner, per-language build
    root, site = _root(config), Path(config.site_dir)
    target = site / DOWNLOADS
    if target.exists():
        shutil.rmtree(target)
    for folder in PUBLISHED:
        source = root / folder
        if source.is_dir():
            shutil.copytree(source, target / folder,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))
