"""What the tests know about the site's pages: languages, page pairs and the fences in them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from mkdocs.utils.yaml import yaml_load

from tooling.download_hooks import needs_above

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SNIPPETS = ROOT / "snippets"


def _i18n_languages() -> list[dict]:
    with open(ROOT / "mkdocs.yml", encoding="utf-8") as handle:
        config = yaml_load(handle)
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "i18n" in plugin:
            return plugin["i18n"]["languages"]
    raise LookupError("mkdocs.yml has no i18n plugin")


LANGUAGES = [lang["locale"] for lang in _i18n_languages()]
DEFAULT_LANGUAGE = next(lang["locale"] for lang in _i18n_languages() if lang.get("default"))
PAGE_SUFFIXES = (".md", ".ipynb")
_LANG_SUFFIX = re.compile(r"^(?P<base>.+)\.(?P<lang>[a-z]{2})(?P<ext>\.md|\.ipynb)$")


def page_files() -> list[Path]:
    return sorted(p for p in DOCS.rglob("*") if p.suffix in PAGE_SUFFIXES)


def split_language(path: Path) -> tuple[str, str | None]:
    """docs/a/b.zh.md -> ("a/b.md", "zh"); a file without a language suffix -> (name, None)."""
    relative = path.relative_to(DOCS).as_posix()
    match = _LANG_SUFFIX.match(relative)
    if not match or match["lang"] not in LANGUAGES:
        return relative, None
    return match["base"] + match["ext"], match["lang"]


def page_variants() -> dict[str, dict[str | None, Path]]:
    """Each logical page and its file per language."""
    variants: dict[str, dict[str | None, Path]] = {}
    for path in page_files():
        base, lang = split_language(path)
        variants.setdefault(base, {})[lang] = path
    return variants


@dataclass
class Fence:
    path: Path
    lineno: int          # 1-based line of the opening fence
    indent: str
    info: str            # everything after the backticks or tildes
    body: str

    @property
    def language(self) -> str:
        return self.info.split(maxsplit=1)[0].lstrip("{.").rstrip("}") if self.info else ""


_FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<mark>`{3,}|~{3,})(?P<info>[^`]*)$")


def fences(path: Path) -> list[Fence]:
    """Every fenced block of a Markdown page, nested ones included in their parent's body."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found, i = [], 0
    while i < len(lines):
        match = _FENCE_OPEN.match(lines[i])
        if not match:
            i += 1
            continue
        mark, indent = match["mark"], match["indent"]
        body, j = [], i + 1
        while j < len(lines):
            stripped = lines[j].strip()
            if stripped.startswith(mark[0] * len(mark)) and stripped.strip(mark[0]) == "":
                break
            body.append(lines[j][len(indent):] if lines[j].startswith(indent) else lines[j])
            j += 1
        found.append(Fence(path, i + 1, indent, match["info"].strip(), "\n".join(body) + "\n"))
        i = j + 1
    return found


def needs_of(path: Path, lineno: int) -> list[str]:
    """The repository files the code block opening at line `lineno` of `path` needs beside it.

    `lineno` is 1-based, as Fence.lineno and pytest-codeblocks' CodeBlock.lineno count. A page
    declares them on its own line directly above the block (above any pytest marker comments):
    `<!--needs: snippets/iris_setup.py-->`, space-separated repository paths under snippets/ or
    tools/. The site build renders the same line as a note with download links
    (tooling/download_hooks.py, whose parser this is).
    """
    return needs_above(path.read_text(encoding="utf-8").splitlines(), lineno - 1)
