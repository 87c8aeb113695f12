"""Live input level: a horizontal bar with a peak-hold tick, in dBFS so quiet speech still shows."""

from __future__ import annotations

import math

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from voiceprep.ui.style import colour

FLOOR_DB = -60.0


def to_fraction(level: float) -> float:
    """Map a 0..1 amplitude to 0..1 on a -60..0 dBFS scale."""
    if level <= 0:
        return 0.0
    db = 20 * math.log10(max(level, 1e-6))
    return min(1.0, max(0.0, (db - FLOOR_DB) / -FLOOR_DB))


class LevelMeter(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Microphone input level")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._level = 0.0
        self._peak = 0.0

    def sizeHint(self) -> QSize:
        return QSize(240, max(14, self.fontMetrics().height()))

    @property
    def level(self) -> float:
        return self._level

    def set_level(self, level: float, peak: float | None = None) -> None:
        self._level = to_fraction(level)
        p = to_fraction(peak if peak is not None else level)
        self._peak = max(p, self._peak * 0.9)
        self.setAccessibleDescription(f"{int(self._level * 100)} percent")
        self.update()

    def reset(self) -> None:
        self._level = self._peak = 0.0
        self.update()

    def paintEvent(self, _event: object) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        p.setPen(self.palette().color(QPalette.ColorRole.Mid))
        p.setBrush(self.palette().color(QPalette.ColorRole.Base))
        p.drawRoundedRect(r, 4, 4)
        if self._level > 0:
            c = colour("bad" if self._level > 0.95 else "good", self)
            fill = QRectF(r.left() + 1, r.top() + 1, (r.width() - 2) * self._level, r.height() - 2)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(c)
            p.drawRoundedRect(fill, 3, 3)
        if self._peak > 0:
            x = r.left() + 1 + (r.width() - 2) * self._peak
            p.setPen(self.palette().color(QPalette.ColorRole.Text))
            p.drawLine(int(x), int(r.top() + 2), int(x), int(r.bottom() - 2))
        p.end()
