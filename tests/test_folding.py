"""The "show the full program" pattern of CONTRIBUTING.md: a fence folded in a `??? example` block.

The example is read from CONTRIBUTING.md itself, so the documented pattern cannot drift from what
works: pytest-codeblocks collects the indented fence, the embedded file expands as on the built page,
and the site's Markdown extensions render it as a closed <details> holding the code.
"""

from __future__ import annotations

import io
import re

import markdown
from bs4 import BeautifulSoup
from mkdocs.config import load_config
from pytest_codeblocks import extract_from_buffer

from tests.docblocks import expand
from tests.pages import ROOT

SECTION = "## Write for a reader on a phone"


def documented_example() -> str:
    """The ````markdown example under CONTRIBUTING's phone section, its indentation removed."""
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text[text.index(SECTION) :]
    found = re.search(r"^( *)````markdown\n(.*?)^\1````$", section, re.M | re.S)
    assert found, "CONTRIBUTING.md shows no ````markdown example of the folding pattern"
    indent = found[1]
    return "\n".join(line.removeprefix(indent) for line in found[2].splitlines()) + "\n"


def test_the_folded_fence_is_collected_and_runs_the_embedded_file():
    example = documented_example()
    assert example.startswith('??? example "'), example
    page = example + "\n<!--pytest-codeblocks:expected-output-->\n\n```text\nshown outside the fold\n```\n"
    blocks = extract_from_buffer(io.StringIO(page))
    assert len(blocks) == 1 and blocks[0].syntax == "python", blocks
    code = blocks[0].code
    assert not code.startswith(" "), "the fence's indentation was not removed"
    included = re.search(r'--8<-- "([^"]+)"', code)[1]
    assert expand(code).strip() == (ROOT / included).read_text(encoding="utf-8").strip()
    assert blocks[0].expected_output == "shown outside the fold\n"
    compile(expand(code), included, "exec")


def test_the_folded_fence_renders_as_a_closed_block_with_code():
    config = load_config(str(ROOT / "mkdocs.yml"))
    md = markdown.Markdown(extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"])
    soup = BeautifulSoup(md.convert(documented_example()), "html.parser")
    details = soup.select_one("details.example")
    assert details is not None and not details.has_attr("open"), soup
    assert details.select_one("summary").get_text(strip=True).startswith("显示完整程序")
    code = details.select_one(".highlight pre code")
    assert code is not None and "class Counter" in code.get_text(), details
