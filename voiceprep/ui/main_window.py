"""The main window: a stack of passive views driven by the practice controller."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from voiceprep import __version__, paths
from voiceprep.bank.model import Bank, BankSet, Question, Round
from voiceprep.ui.controller import PracticeController, State
from voiceprep.ui.feedback_view import FeedbackView
from voiceprep.ui.home import HomeView
from voiceprep.ui.question_view import QuestionView
from voiceprep.ui.round_view import RoundSummaryView
from voiceprep.ui.services import Services
from voiceprep.ui.session import ErrorInfo, QuestionContext, RoundSummary
from voiceprep.ui.widgets.banner import Banner

log = logging.getLogger(__name__)

AUDIO_FILTER = "Recordings (*.wav *.flac *.mp3 *.m4a *.ogg *.opus *.webm *.mp4 *.mkv *.mov);;Transcripts (*.txt);;All files (*)"


def app_icon() -> QIcon:
    icons = paths.assets_dir() / "icons"
    icon = QIcon()
    for name in ("voiceprep.svg", "voiceprep-256.png", "voiceprep-64.png"):
        p = icons / name
        if p.exists():
            icon.addFile(str(p))
    return icon


class MainWindow(QMainWindow):
    shown = Signal()  # first time the window is painted (startup benchmark)

    def __init__(self, services: Services, controller: PracticeController | None = None,
                 start_worker: bool = True) -> None:
        super().__init__()
        self.services = services
        self.c = controller or PracticeController(services, self, start_worker=start_worker)
        self._shown_once = False
        self._last_summary: RoundSummary | None = None
        self._last_round: tuple[Bank, Round, bool] | None = None
        self.history_view: Any = None
        self.setWindowTitle("voiceprep \u2013 interview practice")
        self.setWindowIcon(app_icon())
        self.setObjectName("voiceprep-main")

        self.banner = Banner()
        self.stack = QStackedWidget()
        self.home = HomeView()
        self.question = QuestionView(self.c)
        self.feedback = FeedbackView(self.c, services)
        self.summary = RoundSummaryView()
        for w in (self.home, self.question, self.feedback, self.summary):
            self.stack.addWidget(w)

        central = QWidget()
        lay = QVBoxLayout(central)
        lay.setContentsMargins(8, 8, 8, 4)
        lay.addWidget(self.banner)
        lay.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.model_label = QLabel("Speech model: not loaded")
        self.model_label.setAccessibleName("Speech model state")
        self.statusBar().addPermanentWidget(self.model_label)

        self._build_menus()

        h = self.home
        h.startQuestion.connect(self._start_question)
        h.startRound.connect(self._start_round)
        h.analyseRecording.connect(self.analyse_recording)
        h.weakestRequested.connect(self._load_weakest)
        c = self.c
        c.stateChanged.connect(self._on_state)
        c.errorRaised.connect(self._on_error)
        c.notice.connect(self._on_notice)
        c.modelStateChanged.connect(self._on_model_state)
        c.roundFinished.connect(self._on_round_finished)
        c.feedbackReady.connect(lambda _r: self.stack.setCurrentWidget(self.feedback))
        c.attemptSaved.connect(lambda _r: self._refresh_history())
        self.feedback.backToSummary.connect(self._show_summary)
        self.summary.openResult.connect(self.c.show_round_result)
        self.summary.again.connect(self._round_again)
        self.summary.home.connect(self.go_home)
        self.summary.export.connect(self._export_round)
        self.banner.actionTriggered.connect(self._on_banner_action)
        self.resize(1280, 720)

    # ------------------------------------------------------------------ start-up
    def after_show(self) -> None:
        """Work deferred until the window is on screen: banks, then model warm-up and recovery."""
        self.load_banks()
        self.start_background()

    def start_background(self) -> None:
        self.c.warm_up()
        self._offer_recovery()

    def load_banks(self) -> None:
        try:
            banks = self.services.load_banks(self.services.settings)
        except Exception as exc:  # noqa: BLE001
            log.debug("handled", exc_info=True)
            banks = BankSet(banks=())
            self._on_error(ErrorInfo("Could not load question banks", f"{exc}", ("dismiss",)))
        self.home.set_banks(banks)

    def _offer_recovery(self) -> None:
        """Offer back answers a crash interrupted (headers repaired first, by the speech layer)."""
        try:
            repaired = [Path(p) for p in self.services.find_unfinished(self.services.settings)]
        except Exception:  # noqa: BLE001 - recovery is best effort; never block start-up
            log.debug("handled", exc_info=True)
            repaired = []
        items: list[tuple[Path, str | None, str | None, int | None]] = []
        store = self.c.store()
        if store is not None:
            try:
                from voiceprep.ui.history_adapter import unfinished

                for a in unfinished(store):
                    if a.recording_path is not None and Path(a.recording_path).exists():
                        items.append((Path(a.recording_path), a.bank_id, a.question_id, a.id))
            except Exception:  # noqa: BLE001
                log.debug("handled", exc_info=True)
        known = {p for p, *_ in items}
        items += [(p, None, None, None) for p in repaired if p not in known]
        self._recovered = items
        if not items or (self.banner.isVisible() and self.banner.kind == "error"):
            return
        # A start-up warning (e.g. the damaged-history note) must not hide the recovery offer:
        # the offer replaces it and carries its text along.
        self._show_recovery_offer(self.banner.text.text() if self.banner.isVisible() else "")

    def _show_recovery_offer(self, earlier: str = "") -> None:
        """Offer the first unfinished answer; its buttons act on that one answer only."""
        items = self._recovered
        if not items:
            return
        path, bank_id, qid, _ = items[0]
        res = self.home.banks.resolve(f"{bank_id}/{qid}") if bank_id else None
        what = f"your answer to \u201c{res[1].prompt}\u201d" if res else f"the recording {path.name}"
        more = f" ({len(items) - 1} more after it)" if len(items) > 1 else ""
        self.banner.show_message(
            "Unfinished answer found",
            f"The app stopped while recording {what}{more}. Analyse it now, or delete it."
            + (f"\n{earlier}" if earlier else ""),
            ("recover", "discard"), kind="info")

    def paintEvent(self, event: Any) -> None:  # noqa: N802
        super().paintEvent(event)
        if not self._shown_once:
            self._shown_once = True
            QTimer.singleShot(0, self.shown.emit)

    # ------------------------------------------------------------------ menus
    def _build_menus(self) -> None:
        m = self.menuBar().addMenu("&Practice")
        self.act_home = self._action(m, "&Home", "Ctrl+Home", self.go_home)
        self.act_analyse = self._action(m, "&Analyse a recording\u2026", "Ctrl+O", self._analyse_from_menu)
        m.addSeparator()
        self.act_settings = self._action(m, "&Settings\u2026", "Ctrl+,", self.open_settings)
        m.addSeparator()
        self._action(m, "&Quit", QKeySequence.StandardKey.Quit, self.close)
        v = self.menuBar().addMenu("&View")
        self.act_history = self._action(v, "&History and progress", "Ctrl+H", self.show_history)
        hm = self.menuBar().addMenu("&Help")
        self._action(hm, "&Keyboard shortcuts", "F1", self._show_shortcuts)
        self._action(hm, "&About voiceprep", None, self._about)

    def _action(self, menu: Any, text: str, shortcut: Any, slot: Any) -> QAction:
        a = QAction(text, self)
        if shortcut is not None:
            a.setShortcut(QKeySequence(shortcut))
        a.triggered.connect(slot)
        menu.addAction(a)
        return a

    # ------------------------------------------------------------------ navigation
    def go_home(self) -> None:
        if self.history_view is not None:
            self.history_view.stop_playback()
        self.feedback.stop_playback()
        if self.c.state != State.IDLE:
            self.c.cancel()
        self.stack.setCurrentWidget(self.home)
        self.home.question_list.setFocus()

    def _start_question(self, bank: Bank, q: Question, typed: bool, queue: list[Question] | None) -> None:
        self.banner.hide()
        self.c.start_question(bank, q, typed=typed, queue=queue)

    def _start_round(self, bank: Bank, r: Round, typed: bool) -> None:
        self.banner.hide()
        self._last_round = (bank, r, typed)
        self.c.start_round(bank, r, typed=typed)

    def _round_again(self) -> None:
        if self._last_round:
            self._start_round(*self._last_round)

    def _on_state(self, state: str) -> None:
        s = State(state)
        if s in (State.ASKING, State.THINKING, State.RECORDING, State.TRANSCRIBING):
            self.stack.setCurrentWidget(self.question)
        elif s == State.FEEDBACK:
            self.stack.setCurrentWidget(self.feedback)
        elif s == State.IDLE and self.stack.currentWidget() is not self.summary:
            self.stack.setCurrentWidget(self.home)
        self.act_analyse.setEnabled(s in (State.IDLE, State.FEEDBACK, State.ERROR))

    def _on_round_finished(self, summary: RoundSummary) -> None:
        self._last_summary = summary
        self.summary.show_summary(summary)
        self.stack.setCurrentWidget(self.summary)

    def _show_summary(self) -> None:
        if self._last_summary is not None:
            self.stack.setCurrentWidget(self.summary)
            self.summary.table.setFocus()

    # ------------------------------------------------------------------ messages
    def _on_error(self, info: ErrorInfo) -> None:
        self.banner.show_message(info.title, info.message, info.actions, kind="error")

    def _on_notice(self, text: str) -> None:
        self.statusBar().showMessage(text, 15000)
        if text.startswith("History: "):
            # e.g. a damaged history moved aside: the user's past attempts seem gone, so say where
            # they are in a message that stays (a status-bar line was cut off and faded in 15 s).
            self.banner.show_message("History", text[len("History: "):], ("dismiss",), kind="warning")
        elif "not available" in text or "could not" in text.lower():
            self.banner.show_message("", text, ("dismiss",), kind="warning")

    def _on_model_state(self, state: str, detail: str) -> None:
        text = {"loading": "Speech model: warming up\u2026" if "downloaded" not in detail else detail,
                "ready": f"Speech model: {detail}",
                "failed": "Speech model: unavailable"}.get(state, detail)
        self.model_label.setText(text)
        self.model_label.setToolTip(detail)
        if state == "failed":
            self.banner.show_message(
                "Speech model unavailable",
                f"{detail} You can still type answers; check Settings > Transcription.",
                ("typed", "settings"), kind="warning")

    def _on_banner_action(self, action: str) -> None:
        ctx: QuestionContext | None = self.c.context
        if action == "retry":
            if ctx is not None:
                self.c.retry()
            else:
                self.go_home()
        elif action == "typed":
            if ctx is not None:
                self.c.start_question(ctx.bank, ctx.question, typed=True)
            else:
                self.home.typed_check.setChecked(True)
                self.go_home()
        elif action == "settings":
            self.open_settings()
        elif action == "home":
            self.go_home()
        elif action == "recover":
            self._recover_latest()
        elif action == "discard":
            self._discard_recovered()
        elif action == "dismiss" and self.c.state == State.ERROR:
            if ctx is not None and self.c.last_result is None:
                self.c.cancel()

    def _recover_latest(self) -> None:
        items = getattr(self, "_recovered", [])
        if not items:
            return
        path, bank_id, qid, attempt_id = items.pop(0)
        res = self.home.banks.resolve(f"{bank_id}/{qid}") if bank_id else None
        if res is None:
            bank, q = self.home.current_bank(), self.home.selected_question()
            if bank is None or q is None:
                self._on_error(ErrorInfo("Choose the question first",
                                         "Select the question this recording answers, then use "
                                         "Practice > Analyse a recording.", ("home",)))
                return
            res = (bank, q)
        Path(str(path) + ".partial").unlink(missing_ok=True)  # handled: not offered again (the audio stays)
        self.c.recover(res[0], res[1], path, attempt_id)

    def _discard_recovered(self) -> None:
        """Delete the answer the banner named, and only that one (it said "delete it", so the
        others it counted are offered next rather than deleted unseen)."""
        items = getattr(self, "_recovered", [])
        if not items:
            return
        path, _b, _q, attempt_id = items.pop(0)
        store = self.c.store()
        try:
            if attempt_id is not None and store is not None:
                store.delete_attempt(attempt_id)
            Path(path).unlink(missing_ok=True)
            Path(str(path) + ".partial").unlink(missing_ok=True)
        except Exception:  # noqa: BLE001
            log.debug("handled", exc_info=True)
        self._show_recovery_offer()

    # ------------------------------------------------------------------ dialogs
    def _analyse_from_menu(self) -> None:
        bank, q = self.home.current_bank(), self.home.selected_question()
        if bank is None or q is None:
            self._on_error(ErrorInfo("Choose a question first",
                                     "Select the question the recording answers on the home screen, then try again.",
                                     ("home",)))
            return
        self.analyse_recording(bank, q)

    def analyse_recording(self, bank: Bank, q: Question, path: Path | None = None) -> None:
        if path is None:
            name, _ = QFileDialog.getOpenFileName(self, f"Recording of an answer to: {q.prompt[:60]}",
                                                  str(Path.home()), AUDIO_FILTER)
            if not name:
                return
            path = Path(name)
        self.banner.hide()
        self.c.analyse_file(bank, q, path)

    def _export_round(self, path: Path | None = None) -> Path | None:
        s = self._last_summary
        store = self.c.store()
        if s is None or s.store_id is None or store is None:
            return None
        if path is None:
            name, _ = QFileDialog.getSaveFileName(self, "Export round report",
                                                  str(Path.home() / f"mock-round-{s.round.id}.html"),
                                                  "HTML report (*.html);;Markdown (*.md)")
            if not name:
                return None
            path = Path(name)
        try:
            from voiceprep.ui.history_adapter import export_round

            out = export_round(store, s.store_id, s.bank, path)
        except Exception as exc:  # noqa: BLE001
            log.debug("handled", exc_info=True)
            self._on_error(ErrorInfo("Report not saved", f"{exc}", ()))
            return None
        self.statusBar().showMessage(f"Round report saved to {out}", 15000)
        return out

    def open_settings(self) -> None:
        from voiceprep.ui.settings_dialog import SettingsDialog

        dlg = SettingsDialog(self.services, self.c, self)
        if dlg.exec():
            new = dlg.result_settings()
            try:
                self.services.save_settings(new)
            except OSError as exc:
                self._on_error(ErrorInfo("Settings not saved", f"{exc}. They apply until you close the app.", ()))
            data_moved = new.data_dir != self.services.settings.data_dir
            self.c.apply_settings(new)
            if data_moved:
                self.load_banks()
                self._refresh_history()

    def show_history(self) -> None:
        from voiceprep.ui.history_view import HistoryView

        if self.history_view is None:
            self.history_view = HistoryView(self.c)
            self.history_view.home.connect(self.go_home)
            self.stack.addWidget(self.history_view)
        if self.c.state not in (State.IDLE, State.FEEDBACK, State.ERROR):
            self.c.cancel()
        self.history_view.refresh(self.home.banks)
        self.stack.setCurrentWidget(self.history_view)

    def _refresh_history(self) -> None:
        if self.history_view is not None and self.stack.currentWidget() is self.history_view:
            self.history_view.refresh(self.home.banks)

    def _load_weakest(self, bank: Bank) -> None:
        store = self.c.store()
        if store is None:
            return
        try:
            from voiceprep.ui.history_adapter import weakest_questions

            self.home.set_weakest(weakest_questions(store, bank))
        except Exception:  # noqa: BLE001 - weakest-first falls back to untried questions
            log.debug("handled", exc_info=True)

    def _show_shortcuts(self) -> None:
        QMessageBox.information(self, "Keyboard shortcuts", "\n".join([
            "Space \u2013 start / stop answering",
            "Esc \u2013 back to home",
            "Ctrl+Enter \u2013 submit a typed answer",
            "Alt+R \u2013 replay the question / retry",
            "Alt+N \u2013 next question; Alt+F \u2013 ask the follow-up",
            "Ctrl+O \u2013 analyse a recording; Ctrl+H \u2013 history; Ctrl+, \u2013 settings",
            "Tab / arrows \u2013 move between controls; Enter on a key point plays its evidence",
        ]))

    def _about(self) -> None:
        QMessageBox.about(self, "About voiceprep",
                          f"voiceprep {__version__}\nPractise interview answers out loud. Everything stays on this "
                          f"computer.\nData folder: {self.services.settings.data_path}")

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        try:
            self.feedback.stop_playback()
            if self.history_view is not None:
                self.history_view.stop_playback()
            self.c.shutdown()
        finally:
            event.accept()

