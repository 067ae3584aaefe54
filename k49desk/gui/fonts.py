"""Hiragana everywhere, with no Japanese system font: register the bundled IPAexGothic with Qt and matplotlib."""

from __future__ import annotations

from functools import cache

from k49desk.paths import hiragana_font_path

FAMILY = "IPAexGothic"


@cache
def register_qt_font() -> str:
    """Add IPAexGothic to Qt's font database and make it the fallback for every widget; returns its family."""
    from PySide6.QtGui import QFontDatabase
    from PySide6.QtWidgets import QApplication

    font_id = QFontDatabase.addApplicationFont(str(hiragana_font_path()))
    if font_id < 0:
        raise RuntimeError(f"Qt could not load the hiragana font {hiragana_font_path()}")
    family = QFontDatabase.applicationFontFamilies(font_id)[0]
    app_font = QApplication.font()
    app_font.setFamilies([ui_family(), family])
    QApplication.setFont(app_font)
    return family


@cache
def ui_family() -> str:
    """The family the system's UI font resolves to ("DejaVu Sans" for the alias "Sans Serif"): an alias listed
    first in QFont.setFamilies is not matched, and every character would fall through to the hiragana font."""
    from PySide6.QtGui import QFontDatabase, QFontInfo

    return QFontInfo(QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)).family()


def hiragana_font(point_size: float = 12, bold: bool = False):
    """A QFont for text that shows hiragana (big characters in tables, candidates, captions): Latin letters in the UI
    font, hiragana in IPAexGothic (unless the UI font has its own)."""
    from PySide6.QtGui import QFont

    font = QFont()
    font.setFamilies([ui_family(), register_qt_font()])
    font.setPointSizeF(point_size)
    font.setBold(bold)
    return font


@cache
def configure_matplotlib() -> str:
    """Register IPAexGothic with matplotlib and use it for all text; returns its family."""
    import matplotlib
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(hiragana_font_path()))
    matplotlib.rcParams["font.family"] = [FAMILY, "DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return FAMILY
