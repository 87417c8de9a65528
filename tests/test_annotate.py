"""Code annotations (tooling/annotate_hooks.py): a page names the lines it explains, the hook marks
them in the expanded code, Material shows the list as annotations, and a reader copies the file's
code unchanged. A small site with the real configuration is built (seconds)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from mkdocs.exceptions import PluginError

from tests.pages import ROOT
from tests.site_build import build_site, small_site
from tooling import annotate_hooks

PROGRAM = (ROOT / "snippets" / "train_iris.py").read_text(encoding="utf-8")
ANNOTATED = """# 注释 { #page }

```python
--8<-- "snippets/train_iris.py"
```

<!--annotate: "model = IrisMLP().to(device)"-->
<!--annotate: "import argparse"-->

1. 先搬模型，再创建优化器。
2. 标准库的命令行解析。

??? example "折叠的代码"

    ```python
    --8<-- "snippets/iris_setup.py:model"
    ```

    <!--annotate: "self.fc1 = nn.Linear(4, hidden)"-->

    1. 子模块在赋值时登记。

Prose.
"""


def _markdown(text: str) -> str:
    config = SimpleNamespace(mdx_configs={"pymdownx.snippets": {"base_path": ["."], "check_paths": True}},
                             config_file_path=str(ROOT / "mkdocs.yml"))
    page = SimpleNamespace(file=SimpleNamespace(src_uri="page.zh.md"))
    try:
        return annotate_hooks.on_page_markdown(text, page, config, None)
    finally:
        annotate_hooks._ANNOTATED.pop("page.zh.md", None)


def test_markers_go_on_the_named_lines_of_the_expanded_code():
    marked = _markdown(ANNOTATED)
    assert "    model = IrisMLP().to(device)  # the module's parameters move in place (1)\n" in marked
    assert "\nimport argparse  # (2)!\n" in marked
    assert "        self.fc1 = nn.Linear(4, hidden)  # (1)!\n" in marked  # inside the folded block
    assert '--8<-- "snippets/train_iris.py"' not in marked
    assert "1. 先搬模型，再创建优化器。" in marked


@pytest.mark.parametrize(("text", "message"), [
    ('```python\nprint(1)\n```\n\n<!--annotate: "print(2)"-->\n\n1. x\n', "matches no line"),
    ('```python\nprint(1)\n```\n\n<!--annotate: "print"-->\n<!--annotate: "(1)"-->\n\n1. x\n2. y\n',
     "already marks"),
    ('```python\nprint(1)\n```\n\n<!--annotate: "print"-->\n\n1. x\n2. y\n', "has 2 items"),
    ('```text\nT = a + b\n```\n\n<!--annotate: "T ="-->\n\n1. x\n', "no comments"),
    ('Prose.\n\n<!--annotate: "print"-->\n\n1. x\n', "follows no code block"),
])
def test_a_wrong_declaration_fails(text, message):
    with pytest.raises(PluginError, match=message):
        _markdown(text)


def test_a_page_without_declarations_is_left_alone():
    text = '```python\n--8<-- "snippets/train_iris.py"\n```\n\n1. a list\n'
    assert _markdown(text) == text


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("annotated")
    pages = {"index.zh.md": ANNOTATED, "index.en.md": "# Annotations { #page }\n\nNone here.\n"}
    result = build_site(folder / "site", small_site(folder, pages))
    assert result.returncode == 0, result.log[-3000:]
    return folder / "site"


def test_built_page_shows_markers_and_copies_the_file(built):
    soup = BeautifulSoup((built / "index.html").read_text(encoding="utf-8"), "html.parser")
    blocks = soup.select("article div.highlight")
    assert len(blocks) == 2
    whole, folded = blocks
    # what the copy button copies (Material: closest [data-copy]) is the file itself
    assert whole["data-copy"] == PROGRAM.rstrip("\n")
    shown = whole.select_one("pre code").get_text()
    assert "# (2)!" in shown and "move in place (1)" in shown  # the markers Material turns into buttons
    # Material annotates from the ordered list that directly follows the block
    assert whole.find_next_sibling().name == "ol" and len(whole.find_next_sibling().select("li")) == 2
    assert "self.fc1 = nn.Linear(4, hidden)\n" in folded["data-copy"] and "(1)" not in folded["data-copy"]
