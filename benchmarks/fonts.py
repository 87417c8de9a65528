"""The one CJK-font helper of the figure generators: Chinese labels need a CJK font in matplotlib."""

from __future__ import annotations

from matplotlib import font_manager

CJK_FAMILIES = ("Noto Sans CJK SC", "WenQuanYi Micro Hei", "Source Han Sans SC", "Noto Sans SC")
CJK_FILES = ("wqy", "notosanscjk", "sourcehansans")
INSTALL_HINT = "install one, e.g. `apt-get install fonts-wqy-microhei` (Debian) or `fonts-noto-cjk`"


def cjk_font() -> str | None:
    """The family name of an installed CJK font, registered with matplotlib; None if there is none."""
    names = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in names:
            return family
    for path in font_manager.findSystemFonts():
        if any(key in path.lower().replace("-", "") for key in CJK_FILES):
            font_manager.fontManager.addfont(path)
    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in names), None)
