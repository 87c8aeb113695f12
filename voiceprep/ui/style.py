"""Colours and fonts that follow the system light/dark palette.

Only semantic tints are chosen here (good/warn/bad, highlight kinds); everything else comes
from the application palette so the app looks native in either scheme.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QWidget


def is_dark(widget: QWidget | None = None) -> bool:
    pal = widget.palette() if widget is not None else QGuiApplication.palette()
    return pal.color(QPalette.ColorRole.Window).lightness() < 128


def colour(name: str, widget: QWidget | None = None) -> QColor:
    """Semantic colours, tuned separately for light and dark backgrounds."""
    dark = is_dark(widget)
    table = {
        "good": ("#1e8e3e", "#81c995"),
        "warn": ("#b06000", "#fdd663"),
        "bad": ("#c5221f", "#f28b82"),
        "accent": ("#1a73e8", "#8ab4f8"),
        "filler": ("#fbd0cf", "#6b2a28"),
        "hedge": ("#fde9b0", "#5c4a12"),
        "evidence": ("#cde8d4", "#1f4a2c"),
        "evidence-focus": ("#8fd19e", "#2f7a45"),
        "pause": ("#d2e3fc", "#253a5e"),
        "current": ("#aecbfa", "#3b5b9a"),
        "band": ("#e6f4ea", "#1d3526"),
        "muted": ("#5f6368", "#9aa0a6"),
    }
    light, dark_c = table[name]
    return QColor(dark_c if dark else light)


def scaled_font(widget: QWidget, factor: float, bold: bool = False) -> QFont:
    f = QFont(widget.font())
    size = f.pointSizeF()
    if size > 0:
        f.setPointSizeF(size * factor)
    f.setBold(bold)
    return f


def fmt_clock(seconds: float | None) -> str:
    if seconds is None:
        return "\u2013"
    s = max(0, int(seconds))
    return f"{s // 60}:{s % 60:02d}"
