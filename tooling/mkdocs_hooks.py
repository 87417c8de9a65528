"""MkDocs hooks for this site (listed under `hooks:` in mkdocs.yml).

Per-language search: mkdocs-static-i18n builds every language into one site and the search
plugin writes one merged index, so an English query would also list Chinese pages. After the
last language is built, the merged index is split into one index per language, and each
non-default language's pages point Material's search at their own index.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from mkdocs.plugins import event_priority

_CONFIG_SCRIPT = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)


def _languages(config) -> tuple[str, list[str]]:
    i18n = config.plugins["i18n"].config
    default = next(lang.locale for lang in i18n.languages if lang.default)
    others = [lang.locale for lang in i18n.languages if not lang.default and lang.build]
    return default, others


@event_priority(-200)  # after mkdocs-static-i18n's own on_post_page
def on_post_page(output: str, page, config) -> str:
    """Give a non-default-language page its language's root as search base."""
    default, _ = _languages(config)
    locale = getattr(page.file, "locale", default)
    if locale == default:
        return output

    def rebase(match: re.Match) -> str:
        settings = json.loads(match.group(2))
        settings["base"] = f"{settings['base'].rstrip('/')}/{locale}/"
        return match.group(1) + json.dumps(settings, ensure_ascii=False) + match.group(3)

    return _CONFIG_SCRIPT.sub(rebase, output, count=1)


@event_priority(-200)  # after mkdocs-static-i18n has built every language
def on_post_build(config) -> None:
    if config.plugins["i18n"].building:
        return  # an inner, per-language build: the index is not complete yet
    _, others = _languages(config)
    site = Path(config.site_dir)
    merged_path = site / "search" / "search_index.json"
    merged = json.loads(merged_path.read_text(encoding="utf-8"))
    per_language: dict[str, list] = {locale: [] for locale in others}
    default_docs = []
    for doc in merged["docs"]:
        prefix = doc["location"].split("/", 1)[0]
        if prefix in per_language:
            doc = dict(doc, location=doc["location"][len(prefix) + 1 :])
            per_language[prefix].append(doc)
        else:
            default_docs.append(doc)
    for locale, docs in per_language.items():
        path = site / locale / "search" / "search_index.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(dict(merged, docs=docs), ensure_ascii=False), encoding="utf-8")
    merged_path.write_text(
        json.dumps(dict(merged, docs=default_docs), ensure_ascii=False), encoding="utf-8"
    )
