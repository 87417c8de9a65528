"""MkDocs hook: explanations on the key lines of a code block (Material's code annotations), while the
code itself stays one file under snippets/ or tools/, shared by both languages and free of markers.

Material shows an annotation where a comment in the code holds a marker `(1)`, and takes its text
from the ordered list right after the block. The snippet files carry no markers: a page names the
lines instead, one declaration per list item, between the block and the list:

    ```python
    --8<-- "snippets/train_iris.py"
    ```

    <!--annotate: "model = IrisMLP().to(device)"-->
    <!--annotate: "x_train, y_train = x_train.to(device)"-->

    1. 先搬模型……
    2. 张量的 `.to()` 返回新张量……

(Below the block, not above it: the comments above a block are the doc tests' markers and `needs`
lines, and the downloads note goes there.) The hook expands the block's `--8<--` lines as
pymdownx.snippets does with mkdocs.yml's options, finds the first code line containing each
declaration's text, and marks it: `  # (N)!` at its end (Material replaces that comment with the
marker), or ` (N)` at the end of the comment the line already has, so that comment stays visible.

Copying: Material's copy button copies the `data-copy` attribute of the block when it has one (its
clipboard integration reads `closest("[data-copy]")`), so every annotated block gets the code exactly
as the file has it; the markers never reach a reader's clipboard, and the download links serve the
files themselves. tests/test_copy.py reads the same attribute.

A declaration whose text matches no line (or a line another declaration took), a list whose items
do not match the declarations in number, or a block in a language without comments fails the build.
"""

from __future__ import annotations

import html
import io
import re
import tokenize
from pathlib import Path

import markdown as md
from mkdocs.exceptions import PluginError

DECLARATION = re.compile(r'^(?P<indent>[ \t]*)<!--\s*annotate:\s*"(?P<text>.+)"\s*-->\s*$')
_FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<mark>`{3,}|~{3,})(?P<info>[^`]*)$")
_ITEM = re.compile(r"^(?P<indent>[ \t]*)\d+\.\s")
_BLOCK = re.compile(r'(?P<open><div class="language-[\w-]+ highlight")'
                    r"(?P<rest>>.*?<code>(?P<code>.*?)</code></pre></div>)", re.S)
COMMENTED = ("python", "bash", "sh")  # languages whose comments Pygments marks, where Material looks

_ANNOTATED: dict[str, list[tuple[str, str]]] = {}  # page -> [(code with markers, code as the file has it)]


def _snippets(config):
    """pymdownx.snippets' preprocessor with mkdocs.yml's options (paths from the config's folder)."""
    options = dict(config.mdx_configs.get("pymdownx.snippets") or {})
    root = Path(config.config_file_path).resolve().parent
    options["base_path"] = [str(root / path) for path in options.get("base_path", ["."])]
    return md.Markdown(extensions=["pymdownx.snippets"],
                       extension_configs={"pymdownx.snippets": options}).preprocessors["snippet"]


def _commented_lines(code: str, language: str) -> set[int]:
    """0-based numbers of the lines that already end in a comment."""
    lines = code.split("\n")
    if language == "python":
        try:
            return {token.start[0] - 1 for token in tokenize.generate_tokens(io.StringIO(code).readline)
                    if token.type == tokenize.COMMENT}
        except (tokenize.TokenError, SyntaxError):
            pass
    return {number for number, line in enumerate(lines) if re.search(r"(^|\s)#(\s|$)", line)}


def mark(code: str, texts: list[str], language: str, where: str) -> str:
    """The code with marker (N) on the first line containing texts[N - 1]."""
    lines = code.split("\n")
    commented = _commented_lines(code, language)
    taken: dict[int, str] = {}
    for number, text in enumerate(texts, 1):
        row = next((i for i, line in enumerate(lines) if text in line), None)
        if row is None:
            raise PluginError(f"{where}: <!--annotate: \"{text}\"--> matches no line of the code block")
        if row in taken:
            raise PluginError(f"{where}: <!--annotate: \"{text}\"--> marks the line "
                              f"<!--annotate: \"{taken[row]}\"--> already marks")
        taken[row] = text
        lines[row] += f" ({number})" if row in commented else f"  # ({number})!"
    return "\n".join(lines)


def _list_items(lines: list[str], row: int, indent: str) -> int:
    """How many items the ordered list starting at lines[row] has (at this indent)."""
    count = 0
    while row < len(lines):
        line = lines[row]
        item = _ITEM.match(line)
        if item and item["indent"] == indent:
            count += 1
        elif line.strip() and not line.startswith(indent + " "):
            break
        row += 1
    return count


def on_page_markdown(markdown: str, page, config, files) -> str:
    """Mark the declared lines of each annotated block, its `--8<--` lines expanded."""
    lines = markdown.split("\n")
    where = page.file.src_uri
    annotated: list[tuple[str, str]] = []
    row = 0
    while row < len(lines):
        opening = _FENCE_OPEN.match(lines[row])
        if not opening:
            if DECLARATION.match(lines[row]):
                raise PluginError(f"{where}, line {row + 1}: <!--annotate--> follows no code block")
            row += 1
            continue
        indent, fence = opening["indent"], opening["mark"]
        end = row + 1
        while end < len(lines) and not (lines[end].strip().startswith(fence)
                                        and lines[end].strip().strip(fence[0]) == ""):
            end += 1
        after = end + 1
        while after < len(lines) and not lines[after].strip():
            after += 1
        texts, last = [], after
        while last < len(lines) and ((found := DECLARATION.match(lines[last])) or not lines[last].strip()):
            if found:
                texts.append(found["text"].replace('\\"', '"'))
            last += 1
        if texts:
            language = (opening["info"].split() or [""])[0]
            here = f"{where}, line {row + 1}"
            if language not in COMMENTED:
                raise PluginError(f"{here}: a ```{language} block has no comments to hold annotations")
            items = _list_items(lines, last, indent)
            if items != len(texts):
                raise PluginError(f"{here}: {len(texts)} <!--annotate--> lines, but the list after them "
                                  f"has {items} items")
            body = [line[len(indent):] if line.startswith(indent) else line for line in lines[row + 1:end]]
            code = "\n".join(_snippets(config).run(body))
            marked = mark(code, texts, language, here)
            annotated.append((marked.rstrip("\n"), code.rstrip("\n")))
            lines[row + 1:end] = [indent + line if line else line for line in marked.split("\n")]
            row = row + 1 + len(marked.split("\n")) + (last - end)
            continue
        row = end + 1
    _ANNOTATED[where] = annotated
    return "\n".join(lines)


def _text(code_html: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", code_html))


def on_page_content(content: str, page, config, files) -> str:
    """Give each annotated block the code as its file has it, for Material's copy button."""
    wanted = dict(_ANNOTATED.pop(page.file.src_uri, []))
    if not wanted:
        return content
    done = set()

    def copy_attribute(block: re.Match) -> str:
        shown = _text(block["code"]).rstrip("\n")
        if shown not in wanted:
            return block[0]
        done.add(shown)
        return f'{block["open"]} data-copy="{html.escape(wanted[shown], quote=True)}"{block["rest"]}'

    content = _BLOCK.sub(copy_attribute, content)
    if len(done) != len(wanted):
        raise PluginError(f"{page.file.src_uri}: an annotated code block was not found in the page's HTML")
    return content
