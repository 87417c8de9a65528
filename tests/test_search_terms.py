"""The glossary is the one source of the Chinese terms search keeps whole (tooling/mkdocs_hooks.py adds
them to jieba's dictionary at every build); tooling/jieba_user_dict.txt holds only other words."""

from __future__ import annotations

from tests.pages import DOCS, ROOT
from tooling.mkdocs_hooks import glossary_terms

GLOSSARY = """
| 术语 | 英文 | 说明 | 不写作 |
|---|---|---|---|
| 核函数 | kernel | 在 GPU 上执行的一段函数。 | 内核函数 |
| 核函数启动 | kernel launch | CPU 把一个核函数交给 GPU 执行的动作。 | |
| 捕获 / 重放 | capture / replay | CUDA 图的两步。 | 录制、回放 |
| 线程（算子内并行） | thread (intra-op) | 一个算子拆给几个线程。 | |
| 数据传输与同步 | data transfer and synchronization | 第一种开销。 | |
| CUDA 图 | CUDA graph | 捕获下来的一串核函数。 | |
| GPU 利用率不足 | GPU under-utilization | 第三种开销。 | |
"""


def test_glossary_terms_are_the_words_of_the_term_column():
    # compounds of other terms (核函数启动) and phrases (…与…) are left to jieba; one character is no word
    assert glossary_terms(GLOSSARY) == ["核函数", "捕获", "重放", "线程", "利用率不足"]


def test_the_real_glossary_gives_its_core_terms():
    terms = glossary_terms((DOCS / "glossary.zh.md").read_text(encoding="utf-8"))
    assert {"显存", "核函数", "锁页内存", "交叉点", "张量核心", "批大小"} <= set(terms)


def test_the_user_dictionary_repeats_no_glossary_term():
    terms = set(glossary_terms((DOCS / "glossary.zh.md").read_text(encoding="utf-8")))
    words = [line.split()[0] for line in (ROOT / "tooling" / "jieba_user_dict.txt").read_text(
        encoding="utf-8").splitlines() if line.strip()]
    assert words and len(words) == len(set(words))
    assert not terms & set(words), "glossary terms belong in docs/glossary.zh.md only"
