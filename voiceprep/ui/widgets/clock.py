"""Elapsed time against a target, with a colour that shifts as the target nears and passes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QVBoxLayout, QWidget

from voiceprep.ui.style import colour, fmt_clock, scaled_font


def clock_level(elapsed: float, target: float) -> str:
    """"ok" until 80% of the target, "near" up to it, "over" past it."""
    if target <= 0:
        return "ok"
    ratio = elapsed / target
    return "ok" if ratio < 0.8 else "near" if ratio <= 1.0 else "over"


class TargetClock(QWidget):
    def __init__(self, title: str = "Answer time", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._target = 0.0
        self.level = "ok"
        self.title = QLabel(title)
        self.time = QLabel("0:00")
        self.time.setFont(scaled_font(self, 2.2, bold=True))
        self.time.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.target_label = QLabel("")
        self.target_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(8)
        self.bar.setRange(0, 1000)
        self.bar.setAccessibleName(f"{title} against target")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(self.title)
        lay.addWidget(self.time)
        lay.addWidget(self.bar)
        lay.addWidget(self.target_label)
        self.setAccessibleName(title)

    def set_target(self, seconds: float) -> None:
        self._target = float(seconds)
        self.target_label.setText(f"target {fmt_clock(seconds)}" if seconds else "")
        self.set_elapsed(0.0)

    def set_elapsed(self, seconds: float) -> None:
        self.time.setText(fmt_clock(seconds))
        level = clock_level(seconds, self._target)
        self.level = level
        c = {"ok": None, "near": colour("warn", self), "over": colour("bad", self)}[level]
        self.time.setStyleSheet(f"color: {c.name()};" if c is not None else "")
        frac = min(1.0, seconds / self._target) if self._target else 0.0
        self.bar.setValue(int(frac * 1000))
        chunk = (c or colour("accent", self)).name()
        self.bar.setStyleSheet(f"QProgressBar::chunk {{ background: {chunk}; }}")
        self.setAccessibleDescription(
            f"{fmt_clock(seconds)} of {fmt_clock(self._target)}" + (" - over target" if level == "over" else ""))
