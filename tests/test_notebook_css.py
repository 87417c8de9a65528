"""The notebook pages keep only the CSS they can use (tooling/notebook_hooks.py).

nbconvert inlines JupyterLab's whole stylesheet into every notebook page; the hook drops the rules that
cannot match the page. The built pages were compared pixel by pixel with and without the pruning (both
schemes, 1280 and 390 px) and were identical; these tests pin down the rules of the pruning.
"""

from __future__ import annotations

import importlib.util

from tests.pages import ROOT

_spec = importlib.util.spec_from_file_location("notebook_hooks", ROOT / "tooling" / "notebook_hooks.py")
notebook_hooks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(notebook_hooks)

CSS = """
@charset "UTF-8";
.jupyter-wrapper{--jp-a: 1px}
.jupyter-wrapper :root{--jp-icon: url(data:x)}
.jupyter-wrapper body{margin:0}
.jupyter-wrapper .jp-Cell{padding:0}
.jupyter-wrapper .jp-Dialog{color:red}
.jupyter-wrapper .jp-Cell:not(.jp-mod-active) .jp-InputPrompt{opacity:.5}
.jupyter-wrapper .jp-Menu, .jupyter-wrapper .jp-InputPrompt{color:blue}
@media (max-width: 10px){.jupyter-wrapper .jp-Cell{margin:0}.jupyter-wrapper .jp-Toolbar{margin:0}}
@media print{.jupyter-wrapper .jp-Toolbar{display:none}}
@font-face{font-family:x;src:url(x.woff2)}
[data-md-color-scheme=slate] .jupyter-wrapper{--jp-a: 2px}
"""
USED = {"jupyter-wrapper", "jp-Cell", "jp-InputPrompt"}


def test_rules_that_cannot_match_the_page_are_dropped():
    pruned = notebook_hooks._prune_css(CSS, USED)
    for gone in ("jp-Dialog", "jp-Menu", "jp-Toolbar", ":root", "body", "@charset", "@media print"):
        assert gone not in pruned, gone
    for kept in (".jupyter-wrapper{--jp-a: 1px}", ".jupyter-wrapper .jp-Cell{padding:0}",
                 ":not(.jp-mod-active) .jp-InputPrompt", ".jupyter-wrapper .jp-InputPrompt{color:blue}",
                 "@media (max-width: 10px){.jupyter-wrapper .jp-Cell{margin:0}}", "@font-face",
                 "[data-md-color-scheme=slate] .jupyter-wrapper{--jp-a: 2px}"):
        assert kept in pruned, kept


def test_only_notebook_pages_are_touched():
    page = '<html><head><style>.x{a:b}</style></head><body><article>plain</article></body></html>'
    assert notebook_hooks.on_post_page(page, None, None) == page
    notebook = ('<head><style>.md-x{a:b}</style></head><article><style>.jp-Dialog{a:b}.jp-Cell{c:d}</style>'
                '<div class="jupyter-wrapper"><div class="jp-Cell md-x"></div></div></article>')
    out = notebook_hooks.on_post_page(notebook, None, None)
    assert "<style>.md-x{a:b}</style>" in out, "styles before the content are the theme's: untouched"
    assert ".jp-Dialog" not in out and ".jp-Cell{c:d}" in out
