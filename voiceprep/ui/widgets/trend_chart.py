"""A small line chart of one metric over attempts (history trends)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from voiceprep.ui.style import colour


class TrendChart(QWidget):
    def __init__(self, title: str, unit: str = "", higher_is_better: bool | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.unit = unit
        self.higher_is_better = higher_is_better
        self.points: list[tuple[datetime, float]] = []
        self.band: tuple[float, float] | None = None
        self.setAccessibleName(f"Trend: {title}")
        self.setMinimumHeight(110)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def sizeHint(self) -> QSize:
        return QSize(360, 130)

    def set_points(self, points: list[tuple[datetime, float]], band: tuple[float, float] | None = None) -> None:
        self.points = points
        self.band = band
        if points:
            first, last = points[0][1], points[-1][1]
            self.setAccessibleDescription(f"{len(points)} attempts; first {first:.0f}{self.unit}, latest {last:.0f}{self.unit}")
        else:
            self.setAccessibleDescription("no attempts yet")
        self.update()

    def paintEvent(self, _e: object) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.Text)
        muted = QColor(text)
        muted.setAlpha(110)
        p.fillRect(self.rect(), pal.color(QPalette.ColorRole.Base))
        fm = self.fontMetrics()
        p.setPen(text)
        latest = f"  latest {self.points[-1][1]:.0f}{self.unit}" if self.points else ""
        p.drawText(QPointF(6, fm.ascent() + 4), self.title + latest)
        r = QRectF(36, fm.height() + 10, max(10, self.width() - 46), max(10, self.height() - fm.height() - 18))
        if len(self.points) < 1:
            p.setPen(muted)
            p.drawText(r, Qt.AlignmentFlag.AlignCenter, "No attempts yet")
            p.end()
            return
        vals = [v for _, v in self.points]
        lo, hi = min(vals), max(vals)
        if self.band:
            lo, hi = min(lo, self.band[0]), max(hi, self.band[1])
        if hi - lo < 1e-6:
            lo, hi = lo - 1, hi + 1
        pad = (hi - lo) * 0.1
        lo, hi = lo - pad, hi + pad
        n = len(self.points)

        def xy(i: int, v: float) -> QPointF:
            x = r.left() + (r.width() * i / (n - 1) if n > 1 else r.width() / 2)
            return QPointF(x, r.bottom() - r.height() * (v - lo) / (hi - lo))

        if self.band:
            top, bottom = xy(0, self.band[1]).y(), xy(0, self.band[0]).y()
            p.fillRect(QRectF(r.left(), top, r.width(), bottom - top), colour("band", self))
        p.setPen(QPen(muted, 1))
        p.drawLine(r.bottomLeft(), r.bottomRight())
        for v in (lo + pad, hi - pad):
            y = xy(0, v).y()
            p.setPen(text)
            p.drawText(QRectF(0, y - fm.height() / 2, r.left() - 4, fm.height()),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"{v:.0f}")
        path = QPainterPath()
        for i, (_, v) in enumerate(self.points):
            path.moveTo(xy(i, v)) if i == 0 else path.lineTo(xy(i, v))
        good = self.higher_is_better
        trend_good = None if good is None or n < 2 else ((vals[-1] >= vals[0]) == good)
        c = colour("accent" if trend_good is None else "good" if trend_good else "warn", self)
        p.setPen(QPen(c, 2))
        p.drawPath(path)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(c)
        for i, (_, v) in enumerate(self.points):
            p.drawEllipse(xy(i, v), 2.8, 2.8)
        p.end()
