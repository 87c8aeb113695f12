"""History and progress on the store API: every attempt (filter, search transcripts), one
question's attempts side by side with a transcript diff, and trends per metric."""

from __future__ import annotations

import html
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from voiceprep.bank.model import BankSet
from voiceprep.ui.controller import PracticeController
from voiceprep.ui.style import colour, fmt_clock
from voiceprep.ui.widgets.trend_chart import TrendChart

log = logging.getLogger(__name__)

COLUMNS = ("When", "Bank", "Question", "Coverage", "Words/min", "Fillers/min", "Time / target", "How")
TRENDS = (("coverage", "Key-point coverage", "%", True), ("wpm", "Pace", " wpm", None),
          ("fillers_per_min", "Fillers per minute", "", False), ("time_vs_target", "Time vs target", "%", None))
PAGE = 300


def _pct(v: float | None) -> str:
    return "\u2013" if v is None else f"{v * 100:.0f}%"


def _num(v: float | None, digits: int = 0) -> str:
    return "\u2013" if v is None else f"{v:.{digits}f}"



# Decimals each compared metric deserves: counts and percentages are whole, seconds and rates keep one.
_METRIC_DIGITS = {"fillers_per_min": 1, "longest_pause_s": 1, "answer_s": 0}


def _metric(v: float | None, name: str, unit: str) -> str:
    """"67%", "162 wpm", "3.2/min", "0.7 s", "3": not "66.7%", "162.1wpm", "3.0"."""
    if v is None:
        return "\u2013"
    text = f"{v:.{_METRIC_DIGITS.get(name, 0)}f}"
    if unit in ("%", "/min"):
        return text + unit
    return f"{text} {unit}" if unit else text


def _recording_state(path: Any) -> str:
    """"kept", "none" (typed) or, for a file that was moved or deleted, where it was expected."""
    if not path:
        return "none"
    if Path(path).exists():
        return "kept"
    return "missing: " + html.escape(str(path)) + " (moved or deleted)"

class HistoryView(QWidget):
    home = Signal()

    def __init__(self, controller: PracticeController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.c = controller
        self.banks = BankSet(banks=())
        self.rows: list[Any] = []

        self.bank_filter = QComboBox()
        self.bank_filter.setAccessibleName("Filter by bank")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search your transcripts")
        self.search.setAccessibleName("Search your transcripts")
        self.search.setClearButtonEnabled(True)
        self.count = QLabel()
        top = QHBoxLayout()
        bl = QLabel("&Bank:")
        bl.setBuddy(self.bank_filter)
        top.addWidget(bl)
        top.addWidget(self.bank_filter)
        top.addWidget(self.search, 1)
        top.addWidget(self.count)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setAccessibleName("Attempts, newest first")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        hh.setMinimumSectionSize(40)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(1, 110)

        # detail tabs
        self.detail = QTextBrowser()
        self.detail.setAccessibleName("Selected attempt")
        self.open_btn = QPushButton("&Open feedback")
        self.export_btn = QPushButton("E&xport report\u2026")
        self.export_btn.setAccessibleName("Export the selected attempt as an HTML or Markdown report")
        self.play_btn = QPushButton("\u25b6 P&lay recording")
        self.play_btn.setAccessibleName("Play or stop the selected attempt's recording")
        self._player: Any = None
        self._playing = False
        self.delete_btn = QPushButton("&Delete attempt")
        self.delete_btn.setAccessibleName("Delete the selected attempt and its recording")
        btns = QHBoxLayout()
        btns.addWidget(self.open_btn)
        btns.addWidget(self.play_btn)
        btns.addWidget(self.export_btn)
        btns.addStretch(1)
        btns.addWidget(self.delete_btn)
        attempt_tab = QWidget()
        al = QVBoxLayout(attempt_tab)
        al.addWidget(self.detail, 1)
        al.addLayout(btns)

        self.compare = QTextBrowser()
        self.compare.setAccessibleName("Attempts at this question side by side, and what changed")
        self.trend_charts = {name: TrendChart(label, unit, better) for name, label, unit, better in TRENDS}
        trend_tab = QWidget()
        grid = QGridLayout(trend_tab)
        for i, chart in enumerate(self.trend_charts.values()):
            grid.addWidget(chart, i // 2, i % 2)
        self.trend_scope = QLabel()
        grid.addWidget(self.trend_scope, 2, 0, 1, 2)

        self.tabs = QTabWidget()
        self.tabs.addTab(attempt_tab, "&Attempt")
        self.tabs.addTab(self.compare, "&Compare")
        self.tabs.addTab(trend_tab, "&Trends")

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        split.setSizes([760, 500])

        self.home_btn = QPushButton("&Home")
        self.delete_all_btn = QPushButton("Delete &everything\u2026")
        self.delete_all_btn.setAccessibleName("Delete all history and recordings")
        self.status = QLabel()
        self.status.setWordWrap(True)
        bottom = QHBoxLayout()
        bottom.addWidget(self.home_btn)
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.delete_all_btn)

        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(split, 1)
        lay.addLayout(bottom)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(250)
        self._search_timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.bank_filter.currentIndexChanged.connect(lambda _i: self.reload())
        self.table.itemSelectionChanged.connect(self._on_selection)
        self.table.cellActivated.connect(lambda r, _c: self.open_selected())
        self.table.cellDoubleClicked.connect(lambda r, _c: self.open_selected())
        self.open_btn.clicked.connect(self.open_selected)
        self.export_btn.clicked.connect(self.export_selected)
        self.play_btn.clicked.connect(self.toggle_play)
        self.delete_btn.clicked.connect(self.delete_selected)
        self.delete_all_btn.clicked.connect(self.delete_everything)
        self.home_btn.clicked.connect(self.home.emit)
        sc = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        sc.activated.connect(self.home.emit)
        self.ask = QMessageBox.question  # replaced in tests

    # ------------------------------------------------------------------ data
    def refresh(self, banks: BankSet) -> None:
        self.banks = banks
        current = self.bank_filter.currentData()
        self.bank_filter.blockSignals(True)
        self.bank_filter.clear()
        self.bank_filter.addItem("All banks", "")
        for b in banks.banks:
            self.bank_filter.addItem(b.title, b.id)
        i = self.bank_filter.findData(current) if current else 0
        self.bank_filter.setCurrentIndex(max(0, i))
        self.bank_filter.blockSignals(False)
        self.reload()
        self.table.setFocus()

    def _store(self) -> Any:
        store = self.c.store()
        if store is None:
            self.status.setText("History is not available (see the message above). Practice still works.")
        return store

    def reload(self) -> None:
        store = self._store()
        self.table.setRowCount(0)
        self.rows = []
        if store is None:
            return
        from voiceprep.store.progress import AttemptFilter, count_attempts, list_attempts, search_snippets

        text = self.search.text().strip()
        flt = AttemptFilter(bank_id=self.bank_filter.currentData() or None, search=text or None)
        try:
            self.rows = list_attempts(store, flt, limit=PAGE)
            total = count_attempts(store, flt)
            snippets = search_snippets(store, text, [r.id for r in self.rows]) if text else {}
        except Exception as exc:  # noqa: BLE001
            log.debug("handled", exc_info=True)
            self.status.setText(f"Could not read the history: {exc}")
            return
        self.count.setText(f"{total} attempt(s)" + (f", newest {PAGE} shown" if total > PAGE else ""))
        self.table.setRowCount(len(self.rows))
        for i, r in enumerate(self.rows):
            bank = self.banks.get(r.bank_id)
            prompt = r.prompt or r.question_id
            if r.id in snippets:
                prompt += f"\n\u2026{snippets[r.id]}"
            cells = (
                r.started_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                bank.title if bank else r.bank_id,
                prompt,
                _pct(r.coverage),
                _num(r.wpm),
                _num(r.fillers_per_min, 1),
                f"{fmt_clock(r.answer_s)} / {fmt_clock(r.target_s)}" if r.answer_s is not None else "\u2013",
                {"recorded": "spoken", "typed": "typed", "imported": "file"}.get(r.source, r.source),
            )
            for col, text_ in enumerate(cells):
                item = QTableWidgetItem(text_.replace("\n", "  "))
                if col == 2:
                    item.setToolTip(text_)
                if col == 3 and r.coverage is not None:
                    item.setForeground(colour("good" if r.coverage >= 0.7 else "warn" if r.coverage >= 0.4 else "bad", self))
                self.table.setItem(i, col, item)
        self.table.resizeRowsToContents()
        if self.rows:
            self.table.selectRow(0)
        else:
            self.detail.setHtml("<p>No attempts yet. Practise a question and it appears here.</p>"
                                if not text else "<p>No transcript matches that search.</p>")
            self.compare.clear()
        self._update_trends()
        self._update_buttons()

    def selected(self) -> list[Any]:
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        return [self.rows[r] for r in rows if r < len(self.rows)]

    def _update_buttons(self) -> None:
        sel = self.selected()
        for b in (self.open_btn, self.export_btn, self.delete_btn):
            b.setEnabled(len(sel) == 1)
        rec = sel[0].recording_path if len(sel) == 1 else None
        self.play_btn.setEnabled(rec is not None and Path(rec).exists())

    def toggle_play(self) -> None:
        """Listen to an old attempt without opening its feedback (e.g. two attempts in turn)."""
        if self._playing:
            self.stop_playback()
            return
        sel = self.selected()
        if len(sel) != 1 or sel[0].recording_path is None:
            return
        try:
            if self._player is None:
                self._player = self.c.services.make_player(self.c.services.settings)
            self._player.play(Path(sel[0].recording_path), 0.0)
        except Exception as exc:  # noqa: BLE001
            log.debug("handled", exc_info=True)
            self.status.setText(f"Cannot play the recording: {exc}. Check Settings > Audio > Speakers.")
            return
        self._playing = True
        self.play_btn.setText("\u25a0 Stop p&layback")

    def stop_playback(self) -> None:
        if self._player is not None:
            try:
                self._player.stop()
            except Exception:  # noqa: BLE001
                log.debug("handled", exc_info=True)
        self._playing = False
        self.play_btn.setText("\u25b6 P&lay recording")

    def _on_selection(self) -> None:
        self.stop_playback()
        self._update_buttons()
        sel = self.selected()
        if len(sel) != 1:
            if len(sel) == 2:
                self._show_comparison(sel[1], sel[0])
                self.tabs.setCurrentIndex(1)
            return
        r = sel[0]
        self.detail.setHtml(self._detail_html(r))
        self._show_question(r)

    def _detail_html(self, r: Any) -> str:
        rows = [
            ("Question", html.escape(r.prompt or r.question)),
            ("When", r.started_at.astimezone().strftime("%A %d %B %Y, %H:%M")),
            ("Coverage", f"{_pct(r.coverage)} ({r.points_covered or 0} of {r.points_total or 0} key points)"),
            ("Pace", f"{_num(r.wpm)} words/min"),
            ("Fillers", f"{_num(r.fillers_per_min, 1)} per minute"),
            ("Longest pause", f"{_num(r.longest_pause_s, 1)} s"),
            ("Time", f"{fmt_clock(r.answer_s)} against {fmt_clock(r.target_s)}" + (f" ({r.timing_verdict})" if r.timing_verdict else "")),
            ("Recording", _recording_state(r.recording_path)),
        ]
        return "<table cellspacing='6'>" + "".join(f"<tr><td><b>{k}</b></td><td>{v}</td></tr>" for k, v in rows) + "</table>"

    def _show_question(self, r: Any) -> None:
        """All attempts at the selected attempt's question, and what changed since the previous one."""
        store = self._store()
        if store is None:
            return
        from voiceprep.store.progress import compare_attempts, question_attempts

        try:
            attempts = question_attempts(store, r.bank_id, r.question_id)
        except Exception:  # noqa: BLE001
            log.debug("handled", exc_info=True)
            return
        head = "".join(f"<th>{a.started_at.astimezone().strftime('%d %b %H:%M')}</th>" for a in attempts)
        lines = [f"<h4>{html.escape(r.prompt or r.question)}</h4>",
                 f"<p>{len(attempts)} attempt(s), oldest first. Select two rows in the list to compare any pair.</p>",
                 f"<table border='1' cellspacing='0' cellpadding='4'><tr><th></th>{head}</tr>"]
        for label, fn in (("Coverage", lambda a: _pct(a.coverage)), ("Words/min", lambda a: _num(a.wpm)),
                          ("Fillers/min", lambda a: _num(a.fillers_per_min, 1)),
                          ("Longest pause", lambda a: _num(a.longest_pause_s, 1) + " s"),
                          ("Time / target", lambda a: f"{fmt_clock(a.answer_s)} / {fmt_clock(a.target_s)}")):
            lines.append(f"<tr><td><b>{label}</b></td>" + "".join(f"<td>{fn(a)}</td>" for a in attempts) + "</tr>")
        lines.append("</table>")
        idx = next((i for i, a in enumerate(attempts) if a.id == r.id), None)
        if idx:
            try:
                cmp_ = compare_attempts(store, attempts[idx - 1].id, r.id)
                lines.append(self._comparison_html(store, cmp_, attempts[idx - 1].id, r.id, heading="Since the previous attempt"))
            except Exception:  # noqa: BLE001
                log.debug("handled", exc_info=True)
        self.compare.setHtml("".join(lines))

    def _show_comparison(self, a: Any, b: Any) -> None:
        store = self._store()
        if store is None:
            return
        from voiceprep.store.progress import compare_attempts

        try:
            older, newer = (a, b) if a.started_at <= b.started_at else (b, a)
            self.compare.setHtml(self._comparison_html(store, compare_attempts(store, older.id, newer.id),
                                                       older.id, newer.id, heading="Two selected attempts"))
        except Exception as exc:  # noqa: BLE001
            self.compare.setHtml(f"<p>Could not compare: {html.escape(str(exc))}</p>")

    def _comparison_html(self, store: Any, cmp_: Any, a_id: int, b_id: int, heading: str) -> str:
        from voiceprep.store.progress import transcript_diff

        good, bad = colour("good", self).name(), colour("bad", self).name()
        out = [f"<h4>{heading}</h4><ul>"]
        for m in cmp_.metrics:
            if m.delta is None:
                continue
            c = good if m.improved else bad if m.improved is False else ""
            style = f" style='color:{c}'" if c else ""
            out.append(f"<li{style}>{html.escape(m.label)}: {_metric(m.a, m.name, m.unit)} \u2192 "
                       f"{_metric(m.b, m.name, m.unit)}</li>")
        out.append("</ul>")
        for title, points, c in (("Key points gained", cmp_.gained, good), ("Key points lost", cmp_.lost, bad)):
            if points:  # one per line: joined with "; " they ran into one unreadable paragraph
                out.append(f"<p style='color:{c}'><b>{title}</b></p><ul>"
                           + "".join(f"<li style='color:{c}'>{html.escape(p.text)}</li>" for p in points) + "</ul>")
        if cmp_.same_question:
            try:
                ops = transcript_diff(store, a_id, b_id)
            except Exception:  # noqa: BLE001
                ops = []
            parts = []
            for op in ops:
                if op.op == "equal":
                    parts.append(html.escape(" ".join(op.a_words)))
                else:
                    if op.a_words:
                        parts.append(f"<s style='color:{bad}'>{html.escape(' '.join(op.a_words))}</s>")
                    if op.b_words:
                        parts.append(f"<b style='color:{good}'>{html.escape(' '.join(op.b_words))}</b>")
            if parts:
                out.append("<h4>Transcript changes</h4><p>" + " ".join(parts) + "</p>")
        return "".join(out)

    def _update_trends(self) -> None:
        store = self._store()
        if store is None:
            return
        from voiceprep.store.progress import trends

        bank_id = self.bank_filter.currentData() or None
        try:
            series = trends(store, [name for name, *_ in TRENDS], bank_id=bank_id)
        except Exception:  # noqa: BLE001
            log.debug("handled", exc_info=True)
            return
        s = self.c.services.settings
        for name, chart in self.trend_charts.items():
            band = (float(s.wpm_low), float(s.wpm_high)) if name == "wpm" else (75.0, 125.0) if name == "time_vs_target" else None
            chart.set_points([(p.at, p.value) for p in series.get(name, [])][-200:], band)
        self.trend_scope.setText("Every attempt, oldest to newest" + (f" in {self.bank_filter.currentText()}" if bank_id else "")
                                 + ". Shaded: the comfortable band.")

    # ------------------------------------------------------------------ actions
    def open_selected(self) -> None:
        sel = self.selected()
        store = self._store()
        if len(sel) != 1 or store is None:
            return
        from voiceprep.ui.history_adapter import load_result

        try:
            result = load_result(store, sel[0].id, self.banks)
        except Exception as exc:  # noqa: BLE001
            log.debug("handled", exc_info=True)
            self.status.setText(f"Could not open this attempt: {exc}")
            return
        if result is None:
            self.status.setText("This attempt's question is no longer in your banks, or it has no analysis.")
            return
        self.c.show_result(result)

    def export_selected(self) -> None:
        sel = self.selected()
        store = self._store()
        if len(sel) != 1 or store is None:
            return
        name, filt = QFileDialog.getSaveFileName(self, "Export report", str(Path.home() / f"attempt-{sel[0].id}.html"),
                                                 "HTML report (*.html);;Markdown (*.md)")
        if name:
            self.export_to(Path(name), sel[0].id)

    def export_to(self, path: Path, attempt_id: int) -> Path | None:
        store = self._store()
        from voiceprep.store.reports import attempt_html, attempt_markdown, write_private

        try:
            rec = store.get_attempt(attempt_id)
            res = self.banks.resolve(rec.question)
            tips = res[1].tips if res else ()
            text = attempt_markdown(rec, tips) if path.suffix.lower() == ".md" else attempt_html(rec, tips)
            out = write_private(path, text)
        except Exception as exc:  # noqa: BLE001
            log.debug("handled", exc_info=True)
            self.status.setText(f"Could not export: {exc}")
            return None
        self.status.setText(f"Report saved to {out}")
        return out

    def delete_selected(self) -> None:
        sel = self.selected()
        store = self._store()
        if len(sel) != 1 or store is None:
            return
        r = sel[0]
        if self.ask(self, "Delete attempt", f"Delete this attempt at \u201c{r.prompt or r.question}\u201d and its "
                    "recording? This cannot be undone.") != QMessageBox.StandardButton.Yes:
            return
        try:
            res = store.delete_attempt(r.id)
            self.status.setText(f"Deleted the attempt and {len(res.files_deleted)} file(s).")
        except Exception as exc:  # noqa: BLE001
            self.status.setText(f"Could not delete: {exc}")
        self.reload()

    def delete_everything(self) -> None:
        store = self._store()
        if store is None:
            return
        if self.ask(self, "Delete everything", "Delete every attempt, mock round and recording in your history? "
                    "This cannot be undone.") != QMessageBox.StandardButton.Yes:
            return
        try:
            res = store.delete_everything()
            self.status.setText(f"Deleted {res.attempts} attempt(s) and {len(res.files_deleted)} file(s).")
        except Exception as exc:  # noqa: BLE001
            self.status.setText(f"Could not delete everything: {exc}")
        self.reload()
