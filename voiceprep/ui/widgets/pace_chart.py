"""Pace over time: words per minute per rolling window, with the comfortable band shaded."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from voiceprep.ui.style import colour, fmt_clock


class PaceChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Pace over time chart")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumHeight(140)
        self._points: list[tuple[float, float]] = []  # (time s, wpm)
        self._low = 120.0
        self._high = 165.0
        self._duration = 0.0
        self._cursor: float | None = None
        self._message = "No timing information (typed answer)."

    def sizeHint(self) -> QSize:
        return QSize(420, 170)

    def set_data(self, points: list[tuple[float, float]], low: float, high: float, duration: float,
                 message: str = "") -> None:
        self._points = sorted(points)
        self._low, self._high = float(low), float(high)
        self._duration = max(duration, self._points[-1][0] if self._points else 0.0)
        if message:
            self._message = message
        if self._points:
            wpms = [w for _, w in self._points]
            in_band = sum(1 for w in wpms if low <= w <= high)
            self.setAccessibleDescription(
                f"Pace from {min(wpms):.0f} to {max(wpms):.0f} words per minute; "
                f"{in_band} of {len(wpms)} windows inside the {low:.0f} to {high:.0f} band.")
        else:
            self.setAccessibleDescription(self._message)
        self.update()

    def set_cursor(self, seconds: float | None) -> None:
        self._cursor = seconds
        self.update()

    def _plot_rect(self) -> QRectF:
        fm = self.fontMetrics()
        left = fm.horizontalAdvance("000") + 10
        return QRectF(left, 8, max(10, self.width() - left - 10), max(10, self.height() - fm.height() - 18))

    def _y_max(self) -> float:
        """Top of the wpm axis, with headroom so no point is drawn under the legend line."""
        wpms = [w for _, w in self._points] or [0.0]
        base = max(200.0, self._high + 30, max(wpms) + 10)
        h = self._plot_rect().height()
        legend = self.fontMetrics().height() + 6
        return base * h / max(1.0, h - legend)

    def point_y(self, wpm: float) -> float:
        """Where a wpm value is drawn (widget y): the legend sits in the plot's top strip."""
        r = self._plot_rect()
        return r.bottom() - r.height() * min(wpm, self._y_max()) / self._y_max()

    def paintEvent(self, _event: object) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.Text)
        muted = QColor(text)
        muted.setAlpha(110)
        r = self._plot_rect()
        p.fillRect(self.rect(), pal.color(QPalette.ColorRole.Base))
        if not self._points:
            p.setPen(muted)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self._message)
            p.end()
            return
        y_max = self._y_max()
        y_min = 0.0
        t_max = max(self._duration, 1.0)

        def xy(t: float, w: float) -> QPointF:
            return QPointF(r.left() + r.width() * t / t_max,
                           r.bottom() - r.height() * (min(w, y_max) - y_min) / (y_max - y_min))

        # band
        band_top, band_bottom = xy(0, self._high).y(), xy(0, self._low).y()
        p.fillRect(QRectF(r.left(), band_top, r.width(), band_bottom - band_top), colour("band", self))
        # axes + gridlines
        p.setPen(QPen(muted, 1))
        p.drawLine(r.bottomLeft(), r.bottomRight())
        p.drawLine(r.bottomLeft(), r.topLeft())
        fm = self.fontMetrics()
        for w in (self._low, self._high):
            y = xy(0, w).y()
            p.setPen(QPen(muted, 1, Qt.PenStyle.DashLine))
            p.drawLine(QPointF(r.left(), y), QPointF(r.right(), y))
            p.setPen(text)
            p.drawText(QRectF(0, y - fm.height() / 2, r.left() - 4, fm.height()),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"{w:.0f}")
        steps = max(1, min(4, int(t_max)))
        last_label = ""
        for i in range(steps + 1):
            t = t_max * i / steps
            x = xy(t, 0).x()
            p.setPen(text)
            label = fmt_clock(t)
            if label == last_label:
                continue
            last_label = label
            wdt = fm.horizontalAdvance(label)
            p.drawText(QPointF(min(max(x - wdt / 2, r.left()), r.right() - wdt), r.bottom() + fm.ascent() + 4), label)
        # line
        path = QPainterPath()
        for i, (t, w) in enumerate(self._points):
            pt = xy(t, w)
            path.moveTo(pt) if i == 0 else path.lineTo(pt)
        p.setPen(QPen(colour("accent", self), 2.2))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(path)
        for t, w in self._points:
            c = colour("good", self) if self._low <= w <= self._high else colour("warn", self)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(c)
            p.drawEllipse(xy(t, w), 3.2, 3.2)
        if self._cursor is not None:
            x = xy(self._cursor, 0).x()
            p.setPen(QPen(colour("bad", self), 1.5))
            p.drawLine(QPointF(x, r.top()), QPointF(x, r.bottom()))
        p.setPen(muted)
        p.drawText(QRectF(r.left() + 4, r.top(), r.width() - 8, fm.height()),
                   Qt.AlignmentFlag.AlignRight, "words per minute; shaded: comfortable band")
        p.end()
