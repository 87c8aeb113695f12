"""Feedback: what the answer covered and how it sounded, readable at a glance.

Left: the highlighted transcript with playback (the current word follows the audio). Right: the
key-point checklist (activating a point jumps to its evidence and plays that moment), then tabs
for delivery (pace chart, fillers, pauses, timing), structure (STAR / checks) and tips.
"""

from __future__ import annotations

import bisect
import html
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from voiceprep.analysis.report import PARTIAL_HINT, PointResult
from voiceprep.analysis.text import as_written
from voiceprep.ui.controller import PracticeController
from voiceprep.ui.services import Services
from voiceprep.ui.session import AttemptResult, answer_seconds
from voiceprep.ui.style import colour, fmt_clock, scaled_font
from voiceprep.ui.widgets.pace_chart import PaceChart
from voiceprep.ui.widgets.transcript_view import Mark, TranscriptView

log = logging.getLogger(__name__)

STATUS_ICON = {"covered": "\u2714", "partial": "\u25d1", "missed": "\u2718"}
TICK, CROSS = "\u2714", "\u2718"
STATUS_COLOUR = {"covered": "good", "partial": "warn", "missed": "bad"}


def no_audio_reason(result: AttemptResult) -> str:
    """Why the answer cannot be played: a spoken answer whose file went missing is not "typed"."""
    rec = result.recording
    if rec is not None and not Path(rec).exists():
        return f"The recording is missing (moved or deleted): {Path(rec).name}"
    if result.source == "typed" or rec is None and not result.report.has_timings:
        return "No recording to play (typed answer)."
    return "No recording to play for this answer."


def summary_line(result: AttemptResult) -> str:
    rep = result.report
    bits = [f"Coverage {rep.coverage.score * 100:.0f}%"]
    t = rep.timing
    used = answer_seconds(rep)
    if used is not None:
        target = t.target_s or result.context.target_s
        verdict = {"short": "short", "long": "over target", "on-target": "on target"}.get(t.verdict or "", "")
        bits.append(f"Time {fmt_clock(used)} / {fmt_clock(target)}" + (f" ({verdict})" if verdict else ""))
    if rep.wpm is not None:
        v = {"slow": "slow", "fast": "fast", "in-band": "comfortable"}.get(rep.pace.verdict or "", "")
        bits.append(f"{rep.wpm:.0f} words/min" + (f" ({v})" if v else ""))
    if rep.fillers.per_minute is not None:
        bits.append(f"{rep.fillers.per_minute:.1f} fillers/min")
    else:
        bits.append(f"{rep.fillers.count} fillers")
    if rep.pauses.longest_s is not None:
        bits.append(f"longest pause {rep.pauses.longest_s:.1f} s")
    return "   \u00b7   ".join(bits)


def point_detail_text(p: PointResult) -> str:
    """The line under the key-point list for the selected point."""
    if p.evidence is None:
        return f"{p.status.title()}: nothing in the answer matched \u201c{p.text}\u201d."
    ev = p.evidence
    when = f" at {fmt_clock(ev.start)}" if ev.start is not None else ""
    hint = f" {PARTIAL_HINT}" if p.status == "partial" else ""
    return f"{p.status.title()}{when}: \u201c{ev.text}\u201d{hint}"


class FeedbackView(QWidget):
    backToSummary = Signal()

    def __init__(self, controller: PracticeController, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.c = controller
        self.services = services
        self.result: AttemptResult | None = None
        self._player: Any = None
        self._starts: list[float] = []
        self._play_until: float | None = None
        self.from_summary = False

        self.prompt = QLabel()
        self.prompt.setWordWrap(True)
        self.prompt.setTextFormat(Qt.TextFormat.PlainText)
        self.prompt.setFont(scaled_font(self, 1.25, bold=True))
        self.prompt.setAccessibleName("Question")
        self.summary = QLabel()
        self.summary.setAccessibleName("Summary")
        self.summary.setFont(scaled_font(self, 1.05))
        self.summary.setWordWrap(True)

        # transcript + playback
        self.transcript = TranscriptView()
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        self.play_btn = QPushButton("\u25b6 &Play answer")
        self.play_btn.setAccessibleName("Play or stop your recorded answer")
        self.play_pos = QLabel("")
        play_row = QHBoxLayout()
        play_row.addWidget(self.play_btn)
        play_row.addWidget(self.play_pos, 1)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        t_label = QLabel("&Transcript (click a word to play from there)")
        t_label.setBuddy(self.transcript)
        ll.addWidget(t_label)
        ll.addWidget(self.transcript, 1)
        ll.addWidget(self.legend)
        ll.addLayout(play_row)

        # key points
        self.points = QListWidget()
        self.points.setAccessibleName("Key points checklist: covered, partial or missed")
        self.points.setWordWrap(True)
        self.points.setAlternatingRowColors(True)
        self.point_detail = QLabel()
        self.point_detail.setWordWrap(True)
        self.point_detail.setTextFormat(Qt.TextFormat.PlainText)
        self.point_detail.setAccessibleName("Selected key point evidence")
        # round 16: the answer sounds like an answer to another question (nothing was covered)
        self.off_question = QLabel()
        self.off_question.setWordWrap(True)
        self.off_question.setTextFormat(Qt.TextFormat.PlainText)
        self.off_question.setAccessibleName("Warning: the answer sounds like an answer to another question")
        self.off_question.setVisible(False)

        # tabs
        self.pace = PaceChart()
        self.delivery = QTextBrowser()
        self.delivery.setAccessibleName("Delivery details: fillers, pauses, timing")
        dtab = QWidget()
        dl = QVBoxLayout(dtab)
        dl.setContentsMargins(4, 4, 4, 4)
        dl.addWidget(self.pace, 1)
        dl.addWidget(self.delivery, 1)
        self.structure = QTextBrowser()
        self.structure.setAccessibleName("Answer structure checks")
        self.tips = QTextBrowser()
        self.tips.setAccessibleName("Tips for this question")
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Feedback details")
        self.tabs.addTab(dtab, "&Delivery")
        self.tabs.addTab(self.structure, "&Structure")
        self.tabs.addTab(self.tips, "T&ips")

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        kp_label = QLabel("&Key points (Enter: jump to evidence and play it)")
        kp_label.setBuddy(self.points)
        rl.addWidget(kp_label)
        rl.addWidget(self.off_question)
        rl.addWidget(self.points, 2)
        rl.addWidget(self.point_detail)
        rl.addWidget(self.tabs, 3)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 5)
        split.setStretchFactor(1, 4)
        split.setChildrenCollapsible(False)

        self.follow_btn = QPushButton("Ask the &follow-up")
        self.follow_btn.setAccessibleName("Ask the follow-up question aloud")
        self.retry_btn = QPushButton("&Retry")
        self.retry_btn.setAccessibleName("Retry this question")
        self.next_btn = QPushButton("&Next question")
        self.next_btn.setAccessibleName("Next question")
        self.summary_btn = QPushButton("Back to round &summary")
        self.home_btn = QPushButton("&Home")
        self.home_btn.setAccessibleName("Back to home")
        actions = QHBoxLayout()
        actions.addWidget(self.home_btn)
        actions.addStretch(1)
        actions.addWidget(self.summary_btn)
        actions.addWidget(self.follow_btn)
        actions.addWidget(self.retry_btn)
        actions.addWidget(self.next_btn)

        lay = QVBoxLayout(self)
        lay.addWidget(self.prompt)
        lay.addWidget(self.summary)
        lay.addWidget(split, 1)
        lay.addLayout(actions)

        self._timer = QTimer(self)
        self._timer.setInterval(50)
        self._timer.timeout.connect(self._on_play_tick)

        self.points.currentRowChanged.connect(self._on_point_selected)
        self.points.itemActivated.connect(lambda _i: self.play_evidence(self.points.currentRow()))
        self.points.itemClicked.connect(lambda _i: self.play_evidence(self.points.currentRow()))
        self.transcript.wordClicked.connect(self._on_word_clicked)
        self.play_btn.clicked.connect(self.toggle_play)
        self.follow_btn.clicked.connect(self._follow_up)
        self.retry_btn.clicked.connect(self._retry)
        self.next_btn.clicked.connect(self._next)
        self.home_btn.clicked.connect(self._home)
        self.summary_btn.clicked.connect(self._back_to_summary)
        sc = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        sc.activated.connect(self._home)

        controller.feedbackReady.connect(self.show_result)

    # ------------------------------------------------------------------ showing a result
    def show_result(self, result: AttemptResult) -> None:
        self.stop_playback()
        self.result = result
        rep = result.report
        ctx = result.context
        self.prompt.setText(ctx.question.prompt)
        self.summary.setText(summary_line(result))

        words = [w.text for w in rep.words] if rep.words else [w.text for w in result.transcript.words]
        starts = [w.start for w in rep.words] if rep.words else [w.start for w in result.transcript.words]
        self._starts = [s if s is not None else 0.0 for s in starts] if all(s is not None for s in starts) else []
        marks = [Mark(a.kind, a.word_start, a.word_end, a.label) for a in rep.annotations
                 if a.kind in ("filler", "repetition", "hedge", "evidence")]
        pauses = {p.after_word + 1: p.seconds for p in rep.pauses.long}
        self.transcript.set_words(words, marks, pauses)
        self.legend.setText(self._legend_html())

        self.points.blockSignals(True)
        self.points.clear()
        for p in rep.coverage.points:
            item = QListWidgetItem(f"{STATUS_ICON.get(p.status, '?')}  {p.text}  \u2014 {p.status}")
            item.setForeground(colour(STATUS_COLOUR.get(p.status, "muted"), self))
            item.setData(Qt.ItemDataRole.UserRole, p.id)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{p.status}: {p.text}")
            if p.evidence is not None:
                item.setToolTip(f"\u201c{p.evidence.text}\u201d")
            self.points.addItem(item)
        self.points.blockSignals(False)
        self.point_detail.setText("Select a key point to see and hear its evidence.")
        off = rep.coverage.off_question_note()
        self.off_question.setText(f"\u26a0 {off}" if off else "")
        self.off_question.setVisible(bool(off))
        self.off_question.setStyleSheet(f"color: {colour('warn', self).name()}; font-weight: bold;")

        series = [((w.start + w.end) / 2, w.wpm) for w in rep.pace.series]
        self.pace.set_data(series, rep.pace.low, rep.pace.high, rep.duration_s or 0.0,
                           "No timing information (typed answer)." if not rep.has_timings else
                           "Too short for a pace chart.")
        self.delivery.setHtml(self._delivery_html())
        self.structure.setHtml(self._structure_html())
        self.tips.setHtml(self._tips_html())

        has_audio = result.recording is not None and result.recording.exists() and bool(self._starts)
        self.play_btn.setEnabled(has_audio)
        why = "" if has_audio else no_audio_reason(result)
        self.play_btn.setToolTip(why)
        self.play_pos.setText(why)
        has_follow = bool(rep.follow_up or (ctx.follow_up_of or ctx.question).follow_ups)
        self.follow_btn.setEnabled(has_follow)
        in_round = ctx.in_round
        self.from_summary = in_round
        self.summary_btn.setVisible(in_round)
        self.next_btn.setVisible(not in_round)
        self.follow_btn.setVisible(not in_round)
        self.retry_btn.setVisible(not in_round)
        (self.summary_btn if in_round else self.next_btn).setDefault(True)
        if self.points.count():
            self.points.setFocus()

    def _legend_html(self) -> str:
        def chip(kind: str, text: str) -> str:
            return f"<span style='background:{colour(kind, self).name()}'>&nbsp;{text}&nbsp;</span>"

        return " ".join([chip("filler", "filler"), "<u>hedge</u>", chip("evidence", "key-point evidence"),
                         chip("pause", "[long pause]"), chip("current", "now playing")])

    def _delivery_html(self) -> str:
        rep = self.result.report  # type: ignore[union-attr]
        out = []
        t = rep.timing
        used = answer_seconds(rep)
        if used is not None:
            target = t.target_s or self.result.context.target_s  # type: ignore[union-attr]
            verdict = {"short": "Short: add an example and a result.", "long": "Over target: lead with the answer, cut the detail.",
                       "on-target": "On target."}.get(t.verdict or "", "")
            out.append(f"<h4>Timing</h4><p>{fmt_clock(used)} against a target of {fmt_clock(target)}. {verdict}</p>")
        f = rep.fillers
        if f.count:
            words = ", ".join(f"\u201c{html.escape(as_written(w))}\u201d \u00d7{n}" for w, n in sorted(f.by_word.items(), key=lambda x: -x[1]))
            rate = f" ({f.per_minute:.1f} per minute)" if f.per_minute is not None else ""
            out.append(f"<h4>Fillers: {f.count}{rate}</h4><p>{words}</p>")
            if f.clusters:
                out.append("<p>Bursts of fillers at " + ", ".join(fmt_clock(c.start) for c in f.clusters)
                           + ": these are where you lost the thread.</p>")
        else:
            out.append("<h4>Fillers</h4><p>None detected.</p>")
        h = rep.hedges
        if h.count:
            words = ", ".join(f"\u201c{html.escape(as_written(w))}\u201d \u00d7{n}" for w, n in sorted(h.by_word.items(), key=lambda x: -x[1]))
            out.append(f"<h4>Hedges: {h.count}</h4><p>{words}</p>")
            out.extend(f"<p>{html.escape(w)}</p>" for w in h.warnings)
        p = rep.pauses
        if p.long:
            items = ", ".join(f"{x.seconds:.1f} s at {fmt_clock(x.start)}" for x in p.long)
            out.append(f"<h4>Long pauses (over {p.threshold_s:.1f} s)</h4><p>{items}</p>")
        if p.time_to_first_word_s is not None:
            out.append(f"<p>Time to first word: {p.time_to_first_word_s:.1f} s.</p>")
        if rep.wpm is not None:
            out.append(f"<h4>Pace</h4><p>{rep.wpm:.0f} words per minute overall; comfortable band "
                       f"{rep.pace.low}\u2013{rep.pace.high}.</p>")
        return "".join(out)

    def _structure_html(self) -> str:
        rep = self.result.report  # type: ignore[union-attr]
        s = rep.structure
        out = []
        if s.star is not None:
            out.append("<h4>Story structure (STAR)</h4><table cellspacing='4'>")
            for part in s.star.parts:
                ok = part.present
                c = colour("good" if ok else "bad", self).name()
                share = f"{part.share * 100:.0f}% of the answer" if ok else "missing"
                out.append(f"<tr><td style='color:{c}'>{TICK if ok else CROSS}</td>"
                           f"<td><b>{html.escape(part.name.title())}</b></td><td>{share}</td></tr>")
            out.append("</table>")
            out.append(f"<p>\u201cI\u201d {s.star.i_count} times, \u201cwe\u201d {s.star.we_count} times "
                       f"({html.escape(s.star.ownership)}). "
                       + ("Result quantified: " + html.escape(", ".join(s.star.numbers)) if s.star.quantified
                          else "No numbers in the result: quantify the impact.") + "</p>")
            out.extend(f"<p>\u26a0 {html.escape(w)}</p>" for w in s.star.warnings)
        if s.checks:
            out.append("<h4>Checks</h4><ul>")
            for ch in s.checks:
                c = colour("good" if ch.passed else "bad", self).name()
                line = f"<li><span style='color:{c}'>{TICK if ch.passed else CROSS}</span> {html.escape(ch.label)}"
                if not ch.passed and ch.advice:
                    line += f"<br><i>{html.escape(ch.advice)}</i>"
                if ch.avoid_hits:
                    line += f"<br>\u26a0 Avoid: {html.escape(', '.join(ch.avoid_hits))}"
                out.append(line + "</li>")
            out.append("</ul>")
        shown = set(s.star.warnings) if s.star is not None else set()  # the analysis repeats them here
        out.extend(f"<p>\u26a0 {html.escape(w)}</p>" for w in s.warnings if w not in shown)
        if not out:
            out.append("<p>No structure checks apply to this question type.</p>")
        if not rep.coverage.embeddings_used:
            out.append(f"<p><i>Key points were matched by cue phrases only"
                       f"{': ' + html.escape(rep.coverage.embedding_error) if rep.coverage.embedding_error else ''}.</i></p>")
        return "".join(out)

    def _tips_html(self) -> str:
        q = self.result.context.question  # type: ignore[union-attr]
        base = self.result.context.follow_up_of or q  # type: ignore[union-attr]
        out = ["<h4>Tips</h4><ul>" + "".join(f"<li>{html.escape(t)}</li>" for t in base.tips) + "</ul>"] if base.tips else []
        missed = [p for p in self.result.report.coverage.points if p.status != "covered"]  # type: ignore[union-attr]
        if missed:
            out.append("<h4>Next time, also cover</h4><ul>" + "".join(f"<li>{html.escape(p.text)}</li>" for p in missed) + "</ul>")
        follow = self.result.report.follow_up or (base.follow_ups[0] if base.follow_ups else "")  # type: ignore[union-attr]
        if follow:
            out.append(f"<h4>Likely follow-up</h4><p>{html.escape(follow)}</p>")
        return "".join(out) or "<p>No tips for this question.</p>"

    def changeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        """Re-colour the highlights when the system switches between light and dark."""
        from PySide6.QtCore import QEvent

        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self.result is not None and not self._recolouring:
            self._recolouring = True
            try:
                row = self.points.currentRow()
                self.show_result(self.result)
                if row >= 0:
                    self.points.setCurrentRow(row)
            finally:
                self._recolouring = False

    _recolouring = False

    # ------------------------------------------------------------------ key points and playback
    def _on_point_selected(self, row: int) -> None:
        if self.result is None or row < 0:
            return
        p = self.result.report.coverage.points[row]
        self.point_detail.setText(point_detail_text(p))
        if p.evidence is None:
            self.transcript.focus_span(-1, -1)
            return
        self.transcript.focus_span(p.evidence.word_start, p.evidence.word_end)

    def play_evidence(self, row: int) -> None:
        """Jump to a key point's evidence in the transcript and play that moment."""
        if self.result is None or not (0 <= row < len(self.result.report.coverage.points)):
            return
        self._on_point_selected(row)
        ev = self.result.report.coverage.points[row].evidence
        if ev is not None and ev.start is not None and self.play_btn.isEnabled():
            end = ev.end if ev.end is not None else ev.start + 5
            self.play_from(max(0.0, ev.start - 0.3), until=end + 0.4)

    def _on_word_clicked(self, index: int) -> None:
        if self._starts and 0 <= index < len(self._starts) and self.play_btn.isEnabled():
            self.play_from(self._starts[index])

    def toggle_play(self) -> None:
        if self._timer.isActive():
            self.stop_playback()
        else:
            self.play_from(0.0)

    def _get_player(self) -> Any:
        if self._player is None:
            self._player = self.services.make_player(self.services.settings)
        return self._player

    def play_from(self, start_s: float, until: float | None = None) -> None:
        if self.result is None or self.result.recording is None:
            return
        try:
            player = self._get_player()
            player.stop()
            player.play(self.result.recording, start_s)
        except Exception as exc:  # noqa: BLE001
            log.debug("handled", exc_info=True)
            self.play_pos.setText(f"Cannot play the recording: {exc}. Check Settings > Audio > Speakers.")
            return
        self._play_until = until
        self.play_btn.setText("\u25a0 Stop &playback")
        self._timer.start()

    def stop_playback(self) -> None:
        self._timer.stop()
        if self._player is not None:
            try:
                self._player.stop()
            except Exception:  # noqa: BLE001
                log.debug("handled", exc_info=True)
        self._play_until = None
        self.play_btn.setText("\u25b6 &Play answer")
        self.transcript.set_current_word(None)
        self.pace.set_cursor(None)

    def current_word_at(self, seconds: float) -> int | None:
        if not self._starts:
            return None
        i = bisect.bisect_right(self._starts, seconds) - 1
        return max(0, i) if seconds >= self._starts[0] - 0.05 else None

    def _on_play_tick(self) -> None:
        pos = self._player.position() if self._player is not None else None
        if pos is None or (self._play_until is not None and pos >= self._play_until):
            self.stop_playback()
            return
        self.transcript.set_current_word(self.current_word_at(pos))
        self.pace.set_cursor(pos)
        total = self.result.report.duration_s if self.result else None
        self.play_pos.setText(f"{fmt_clock(pos)} / {fmt_clock(total)}")

    # ------------------------------------------------------------------ actions
    def _follow_up(self) -> None:
        self.stop_playback()
        self.c.ask_follow_up()

    def _retry(self) -> None:
        self.stop_playback()
        self.c.retry()

    def _next(self) -> None:
        self.stop_playback()
        self.c.next_question()

    def _home(self) -> None:
        self.stop_playback()
        self.c.cancel()

    def _back_to_summary(self) -> None:
        self.stop_playback()
        self.backToSummary.emit()
