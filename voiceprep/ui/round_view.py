"""Mock-round summary: time used vs target, coverage, fillers/min, WPM per question, and the three
things to work on. Activating a row opens that answer's full feedback."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from voiceprep.ui.session import RoundSummary
from voiceprep.ui.style import colour, fmt_clock, scaled_font
from voiceprep.ui.widgets.clock import clock_level

COLUMNS = ("Question", "Time used / target", "Coverage", "Fillers/min", "Words/min")


class RoundSummaryView(QWidget):
    openResult = Signal(int)
    again = Signal()
    home = Signal()
    export = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary: RoundSummary | None = None
        self.title = QLabel()
        self.title.setFont(scaled_font(self, 1.4, bold=True))
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.overall = QLabel()
        self.overall.setAccessibleName("Round totals")
        self.work_title = QLabel("Three things to work on")
        self.work_title.setFont(scaled_font(self, 1.15, bold=True))
        self.work_on = QLabel()
        self.work_on.setWordWrap(True)
        self.work_on.setTextFormat(Qt.TextFormat.RichText)
        self.work_on.setAccessibleName("Three things to work on")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setAccessibleName("Per-question results; Enter opens the feedback")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for i in range(1, len(COLUMNS)):
            hh.setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents)
        self.open_btn = QPushButton("&Open feedback")
        self.open_btn.setAccessibleName("Open the selected answer's feedback")
        self.again_btn = QPushButton("Run the round &again")
        self.export_btn = QPushButton("E&xport report\u2026")
        self.export_btn.setAccessibleName("Export the round as an HTML or Markdown report")
        self.home_btn = QPushButton("&Home")
        row = QHBoxLayout()
        row.addWidget(self.home_btn)
        row.addStretch(1)
        row.addWidget(self.export_btn)
        row.addWidget(self.open_btn)
        row.addWidget(self.again_btn)
        lay = QVBoxLayout(self)
        lay.addWidget(self.title)
        lay.addWidget(self.overall)
        lay.addWidget(self.work_title)
        lay.addWidget(self.work_on)
        lay.addWidget(self.table, 1)
        lay.addLayout(row)
        self.table.cellActivated.connect(lambda r, _c: self._open(r))
        self.table.cellDoubleClicked.connect(lambda r, _c: self._open(r))
        self.open_btn.clicked.connect(lambda: self._open(self.table.currentRow()))
        self.again_btn.clicked.connect(self.again.emit)
        self.export_btn.clicked.connect(self.export.emit)
        self.home_btn.clicked.connect(self.home.emit)
        sc = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        sc.activated.connect(self.home.emit)

    def show_summary(self, summary: RoundSummary) -> None:
        self.summary = summary
        self.export_btn.setEnabled(summary.store_id is not None)
        self.title.setText(f"Round summary: {summary.round.name} \u00b7 {summary.bank.title}")
        planned = sum(r.target_s for r in summary.rows)
        cov = summary.mean_coverage
        self.overall.setText(
            f"Round time {fmt_clock(summary.total_s)} (answers planned {fmt_clock(planned)})   \u00b7   "
            f"{len([r for r in summary.rows if r.result])} of {len(summary.rows)} answers analysed"
            + (f"   \u00b7   mean coverage {cov * 100:.0f}%" if cov is not None else ""))
        self.work_on.setText("<ol>" + "".join(f"<li>{_esc(t)}</li>" for t in summary.work_on) + "</ol>")
        self.table.setRowCount(len(summary.rows))
        for i, r in enumerate(summary.rows):
            q = QTableWidgetItem(r.question.prompt if r.error is None else f"{r.question.prompt}\n\u26a0 {r.error}")
            used = QTableWidgetItem(f"{fmt_clock(r.used_s)} / {fmt_clock(r.target_s)}")
            if r.used_s is not None:
                lvl = clock_level(r.used_s, r.target_s * 1.25)
                if r.used_s > r.target_s * 1.25:
                    used.setForeground(colour("bad", self))
                elif lvl == "near" and r.used_s > r.target_s:
                    used.setForeground(colour("warn", self))
            cov_i = QTableWidgetItem("\u2013" if r.coverage is None else f"{r.coverage * 100:.0f}%")
            if r.coverage is not None:
                cov_i.setForeground(colour("good" if r.coverage >= 0.7 else "warn" if r.coverage >= 0.4 else "bad", self))
            fpm = QTableWidgetItem("\u2013" if r.fillers_per_min is None else f"{r.fillers_per_min:.1f}")
            wpm = QTableWidgetItem("\u2013" if r.wpm is None else f"{r.wpm:.0f}")
            for col, item in enumerate((q, used, cov_i, fpm, wpm)):
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(i, col, item)
        self.table.resizeRowsToContents()
        if summary.rows:
            self.table.setCurrentCell(0, 0)
        self.table.setFocus()

    def _open(self, row: int) -> None:
        if self.summary and 0 <= row < len(self.summary.rows) and self.summary.rows[row].result is not None:
            self.openResult.emit(row)


def _esc(s: str) -> str:
    import html

    return html.escape(s)
