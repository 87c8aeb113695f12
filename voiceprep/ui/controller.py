"""The practice state machine: the one place that decides what happens next.

States: idle -> asking (question read aloud) -> thinking (optional countdown) -> recording ->
transcribing -> feedback, plus error. Views are passive: they call the public methods below and
redraw from the signals. Speech objects are injected through :class:`Services`; everything slow
goes to the worker (:mod:`voiceprep.ui.workers`), so every method here returns at once.
"""

from __future__ import annotations

import dataclasses
import random
import time
import logging
from enum import Enum
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from voiceprep.bank.model import Bank, Question, Round
from voiceprep.ui.services import Services
from voiceprep.ui.session import (
    AttemptResult,
    ErrorInfo,
    Job,
    QuestionContext,
    RoundRun,
    follow_up_question,
    summarise_round,
)
from voiceprep.ui.workers import ModelState, WorkerHost


log = logging.getLogger(__name__)

class State(str, Enum):
    IDLE = "idle"
    ASKING = "asking"
    THINKING = "thinking"
    RECORDING = "recording"
    TRANSCRIBING = "transcribing"
    FEEDBACK = "feedback"
    ERROR = "error"


def _speech_advice(exc: BaseException) -> str:
    """The speech layer's message plus the one fix that matches it: a missing TTS engine is not
    a speaker problem, so it does not send the user to the speaker setting."""
    from voiceprep.speech.protocols import NoTtsEngine

    text = str(exc).strip()
    if isinstance(exc, NoTtsEngine) or "espeak" in text.lower():
        return text if "install" in text.lower() else f"{text} Install espeak-ng to hear the questions."
    return f"{text} Check Settings > Audio > Speakers."


def _msg(exc: BaseException) -> str:
    """Speech and store errors carry a message written for the user; others get their type."""
    from voiceprep.speech.protocols import SpeechError
    from voiceprep.store.errors import StoreError

    return str(exc) if isinstance(exc, (SpeechError, StoreError)) else f"{type(exc).__name__}: {exc}"


class _SpeechBridge(QObject):
    """Carries the speaker's ``on_done``/``on_error`` (called on audio threads) into the UI thread."""

    done = Signal(int)
    error = Signal(str)


class PracticeController(QObject):
    stateChanged = Signal(str)
    questionStarted = Signal(object)  # QuestionContext
    speakingChanged = Signal(bool)
    thinkTick = Signal(float)  # seconds left
    recordingTick = Signal(float, float, float)  # elapsed s, level 0..1, peak 0..1
    roundClock = Signal(float, float)  # elapsed s in the round, planned s
    partialTranscript = Signal(str)
    phaseChanged = Signal(str)  # worker phase text while transcribing
    feedbackReady = Signal(object)  # AttemptResult
    roundProgress = Signal(int, int)  # answered, total
    roundFinished = Signal(object)  # RoundSummary
    errorRaised = Signal(object)  # ErrorInfo
    notice = Signal(str)  # transient, non-blocking information
    modelStateChanged = Signal(str, str)
    attemptSaved = Signal(object)  # AttemptResult, after the store has it

    def __init__(self, services: Services, parent: QObject | None = None, start_worker: bool = True) -> None:
        super().__init__(parent)
        self.services = services
        self.state = State.IDLE
        self.context: QuestionContext | None = None
        self.last_result: AttemptResult | None = None
        self.model_state = ModelState.IDLE
        self._speaker: Any = None
        self._recorder: Any = None
        self._store: Any = None
        self._store_failed = False
        self._speech_seq = 0
        self._speech_errors_told: set[str] = set()
        self._bridge = _SpeechBridge()
        self._bridge.done.connect(self._on_speech_done)
        self._bridge.error.connect(self._on_speech_error)
        self._job_seq = 0
        self._current_job: int | None = None
        self._recording_path: Path | None = None
        self._record_started = 0.0
        self._think_until = 0.0
        self._round: RoundRun | None = None
        self._queue: list[Question] = []
        self._queue_bank: Bank | None = None
        self._live_id: int | None = None
        self._attempt_id: int | None = None
        self._tick = QTimer(self)
        self._tick.setInterval(50)
        self._tick.timeout.connect(self._on_tick)
        self._round_pause = QTimer(self)
        self._round_pause.setSingleShot(True)
        self._round_pause.timeout.connect(self._ask_next_in_round)
        self.host: WorkerHost | None = None
        if start_worker:
            self.host = WorkerHost(services, self)
            w = self.host.worker
            w.modelState.connect(self._on_model_state)
            w.phase.connect(self._on_phase)
            w.partial.connect(self._on_partial)
            w.finished.connect(self._on_job_finished)
            w.failed.connect(self._on_job_failed)

    # ------------------------------------------------------------------ lifecycle
    def warm_up(self) -> None:
        """Load the model in the background; call once the window is visible."""
        if self.host is not None:
            self.host.requestWarmUp.emit()

    def reload_model(self) -> None:
        if self.host is not None:
            self.host.requestReload.emit()

    def shutdown(self) -> None:
        self._tick.stop()
        self._round_pause.stop()
        if self.state == State.RECORDING and self._recorder is not None:
            try:
                self._recorder.stop()
            except Exception:  # noqa: BLE001 - closing anyway; the file keeps what was written
                log.debug("handled", exc_info=True)
        self._stop_speaker()
        if self.host is not None:
            self.host.shutdown()
        if self._store is not None and hasattr(self._store, "close"):
            try:
                self._store.close()
            except Exception:  # noqa: BLE001
                pass

    def apply_settings(self, settings: Any) -> None:
        """New settings take effect for the next question (speaker/recorder rebuilt lazily)."""
        model_changed = (settings.model, settings.device, settings.compute_type) != (
            self.services.settings.model, self.services.settings.device, self.services.settings.compute_type)
        self.services.settings = settings
        self._stop_speaker()
        self._speaker = None
        self._speech_errors_told.clear()  # a new speaker: tell its problems afresh
        self._recorder = None
        if self._store is not None and hasattr(self._store, "close"):
            try:
                self._store.close()
            except Exception:  # noqa: BLE001
                log.debug("handled", exc_info=True)
        self._store = None  # reopened in the (maybe new) data folder on next use
        self._store_failed = False
        if model_changed:
            self.reload_model()

    # ------------------------------------------------------------------ starting practice
    def start_question(self, bank: Bank, question: Question, typed: bool = False,
                       queue: list[Question] | None = None) -> None:
        """Practise one question; ``queue`` is what "Next" moves through afterwards."""
        self._cancel_everything()
        self._round = None
        if queue is not None:
            self._queue = [q for q in queue if q.id != question.id]
            self._queue_bank = bank
        self._begin(QuestionContext(bank=bank, question=question, typed=typed))

    def start_round(self, bank: Bank, round_: Round, typed: bool = False, seed: int | None = None) -> None:
        pool = list(bank.questions_for_round(round_.id)) or [
            q for q in bank.questions if q.category in round_.categories]
        if not pool:
            self._error(ErrorInfo("This round has no questions",
                                  f"No question in {bank.title} belongs to {round_.name}. Pick another round.",
                                  ("home",)))
            return
        rng = random.Random(seed)
        n = max(1, min(round_.questions_per_mock or 3, len(pool)))
        # Cover as many categories as the round draws from before repeating one.
        by_cat: dict[str, list[Question]] = {}
        for q in rng.sample(pool, len(pool)):
            by_cat.setdefault(q.category, []).append(q)
        picked: list[Question] = []
        while len(picked) < n:
            for cat in list(by_cat):
                if by_cat[cat] and len(picked) < n:
                    picked.append(by_cat[cat].pop())
        self._cancel_everything()
        self._round = RoundRun(bank=bank, round=round_, questions=picked, started=time.monotonic())
        store = self.store()
        if store is not None:
            try:
                from voiceprep.ui import history_adapter

                self._round.store_id = history_adapter.start_round(store, bank, round_.id)
            except Exception:  # noqa: BLE001 - the answers are still saved, just not grouped
                log.debug("handled", exc_info=True)
        self._typed_round = typed
        self.roundProgress.emit(0, len(picked))
        self._begin(QuestionContext(bank, picked[0], round_, 0, len(picked), typed))

    def _begin(self, ctx: QuestionContext) -> None:
        self.context = ctx
        self.last_result = None
        self.partialTranscript.emit("")
        self.questionStarted.emit(ctx)
        self._set_state(State.ASKING)
        self._speak(self._spoken_prompt(ctx))
        run = self._round
        if run is not None and ctx.index + 1 < len(run.questions) and self._speaker:
            nxt = QuestionContext(run.bank, run.questions[ctx.index + 1], run.round, ctx.index + 1, len(run.questions))
            try:
                self._speaker.prepare(self._spoken_prompt(nxt))  # synthesised while this one is answered
            except Exception:  # noqa: BLE001
                log.debug("handled", exc_info=True)
        if not self._tick.isActive():
            self._tick.start()

    def _spoken_prompt(self, ctx: QuestionContext) -> str:
        if ctx.in_round and ctx.index > 0:
            return f"Thanks. Next question. {ctx.question.prompt}"
        return ctx.question.prompt

    # ------------------------------------------------------------------ read aloud
    def replay_question(self) -> None:
        if self.context is None or self.state not in (State.ASKING, State.THINKING, State.FEEDBACK):
            return
        if self.state == State.THINKING:
            self._set_state(State.ASKING)
        self._speak(self.context.question.prompt, then_think=self.state == State.ASKING)

    def stop_speaking(self) -> None:
        """Stop the read-aloud; in the asking state this moves on to think time."""
        self._stop_speaker()

    @property
    def speaking(self) -> bool:
        return bool(self._speaker is not None and getattr(self._speaker, "speaking", False))

    def _speak(self, text: str, then_think: bool = True) -> None:
        self._speech_seq += 1
        seq = self._speech_seq if then_think else -self._speech_seq
        speaker = self._get_speaker()
        if speaker is None:
            self._bridge.done.emit(seq)
            return
        try:
            self._stop_speaker()
            # Before speak(): a speaker that fails fast calls on_done inside speak(), and the
            # "reading aloud" label must not be switched on after that "done".
            self.speakingChanged.emit(True)
            speaker.speak(text, on_done=lambda s=seq: self._bridge.done.emit(s))
        except Exception as exc:  # noqa: BLE001
            log.debug("handled", exc_info=True)
            self.notice.emit(f"Could not read the question aloud: {_msg(exc)} The question is shown as text.")
            self._bridge.done.emit(seq)

    @Slot(str)
    def _on_speech_error(self, text: str) -> None:
        """Tell once per distinct problem (not again for every question) what to do about it."""
        if text in self._speech_errors_told:
            return
        self._speech_errors_told.add(text)
        self.notice.emit(f"The question could not be read aloud, so it is shown as text. {text}")

    def _get_speaker(self) -> Any:
        if self._speaker is None:
            try:
                self._speaker = self.services.make_speaker(self.services.settings)
                if hasattr(self._speaker, "on_error"):
                    self._speaker.on_error = lambda exc: self._bridge.error.emit(_speech_advice(exc))
            except Exception as exc:  # noqa: BLE001
                log.debug("handled", exc_info=True)
                self._speaker = False
                self.notice.emit(f"Text-to-speech is not available ({_msg(exc)}). Questions are shown as text; "
                                 "on Debian/Ubuntu install espeak-ng to hear them.")
        return self._speaker or None

    def _stop_speaker(self) -> None:
        if self._speaker:
            try:
                self._speaker.stop()
            except Exception:  # noqa: BLE001
                log.debug("handled", exc_info=True)

    @Slot(int)
    def _on_speech_done(self, seq: int) -> None:
        self.speakingChanged.emit(False)
        if seq != self._speech_seq or self.state != State.ASKING:
            return  # a replay that was superseded, or the user already moved on
        if self.context and self.context.typed:
            self._set_state(State.RECORDING)  # typing the answer: the view shows the editor
            self._record_started = time.monotonic()
            return
        think = self.services.settings.think_time_s
        if think > 0:
            self._think_until = time.monotonic() + think
            self._set_state(State.THINKING)
            self.thinkTick.emit(float(think))
        else:
            self.start_recording()

    # ------------------------------------------------------------------ recording
    def toggle_recording(self) -> None:
        """The big button / Space: start from asking/thinking, stop while recording."""
        if self.state in (State.ASKING, State.THINKING):
            self.start_recording()
        elif self.state == State.RECORDING and not (self.context and self.context.typed):
            self.stop_recording()

    def skip_think(self) -> None:
        if self.state in (State.ASKING, State.THINKING):
            self.start_recording()

    def start_recording(self) -> None:
        if self.context is None or self.state not in (State.ASKING, State.THINKING):
            return
        self._speech_seq += 1  # a late on_done from the read-aloud must not restart think time
        self._stop_speaker()
        if self.context.typed:
            self._set_state(State.RECORDING)
            self._record_started = time.monotonic()
            return
        try:
            if self._recorder is None:
                self._recorder = self.services.make_recorder(self.services.settings)
            self._attempt_id, path = self._begin_attempt(self.context)
            self._recorder.start(path)
        except Exception as exc:  # noqa: BLE001
            log.debug("handled", exc_info=True)
            self._discard_attempt()
            self._recorder = None
            self._error(ErrorInfo(
                "Could not start recording",
                f"{_msg(exc)} Check that a microphone is connected and chosen in Settings > Audio > Microphone, "
                "or type your answer instead.",
                ("retry", "typed", "settings")))
            return
        self._recording_path = path
        self._record_started = time.monotonic()
        self._live_id = self._next_job_id()
        if self.host is not None:
            self.host.requestLive.emit(self._live_id, self._recorder)
        self._set_state(State.RECORDING)

    def stop_recording(self) -> None:
        if self.state != State.RECORDING or self.context is None or self.context.typed:
            return
        try:
            result = self._recorder.stop()
        except Exception as exc:  # noqa: BLE001
            log.debug("handled", exc_info=True)
            self._error(ErrorInfo("Recording failed", f"{_msg(exc)} Try again, or check Settings > Audio > Microphone.",
                                  ("retry", "typed", "settings")))
            return
        if result.error and result.duration_s <= 0.2:
            self._error(ErrorInfo("Recording failed", f"{result.error} Try again, or check Settings > Audio > Microphone.",
                                  ("retry", "typed", "settings")))
            return
        if result.error:
            self.notice.emit(f"The recording stopped early ({result.error}); what was recorded is kept.")
        job_id, self._live_id = self._live_id or self._next_job_id(), None
        attempt_id, self._attempt_id = self._attempt_id, None
        self._submit(Job(job_id, self.context, self.services.settings, audio=result.path,
                         source="recording", duration_s=result.duration_s, attempt_id=attempt_id))

    def submit_typed(self, text: str) -> None:
        if self.context is None or self.state not in (State.ASKING, State.THINKING, State.RECORDING):
            return
        if not text.strip():
            self.notice.emit("Type your answer first, then submit it.")
            return
        self._stop_speaker()
        elapsed = time.monotonic() - self._record_started if self._record_started else None
        self._submit(Job(self._next_job_id(), self.context, self.services.settings, text=text,
                         source="typed", duration_s=elapsed))

    def analyse_file(self, bank: Bank, question: Question, path: Path) -> None:
        """Analyse an existing recording (e.g. from a video-call mock) against ``question``."""
        self._cancel_everything()
        self._round = None
        self.context = QuestionContext(bank=bank, question=question)
        self.questionStarted.emit(self.context)
        if not Path(path).is_file():
            self._error(ErrorInfo("File not found", f"{path} does not exist.", ("home",)))
            return
        if path.suffix.lower() in (".txt", ".md"):
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                self._error(ErrorInfo("Could not read the file", str(exc), ("home",)))
                return
            self._submit(Job(self._next_job_id(), self.context, self.services.settings, text=text, source="typed"))
        else:
            self._submit(Job(self._next_job_id(), self.context, self.services.settings, audio=Path(path), source="file"))

    def recover(self, bank: Bank, question: Question, path: Path, attempt_id: int | None) -> None:
        """Analyse a recording left unfinished by a crash, completing its stored attempt."""
        self._cancel_everything()
        self._round = None
        self.context = QuestionContext(bank=bank, question=question)
        self.questionStarted.emit(self.context)
        self._submit(Job(self._next_job_id(), self.context, self.services.settings, audio=Path(path),
                         source="recording", attempt_id=attempt_id))

    def cancel(self) -> None:
        """Abandon the current answer (recording discarded from analysis, file kept) and go home."""
        self._cancel_everything()
        self._round = None
        self.context = None
        self._set_state(State.IDLE)

    def _submit(self, job: Job) -> None:
        if self._round is not None and self.context is not None and self.context.in_round:
            i = self.context.index
            self._round.pending.add(job.id)
            self._round.job_index[job.id] = i
            self._round.answered_s[i] = job.duration_s or 0.0
            self.roundProgress.emit(i + 1, len(self._round.questions))
            if self.host is not None:
                self.host.requestProcess.emit(job)
            if i + 1 < len(self._round.questions):
                # Interviewer-style pacing: a short beat, then the next question.
                self._set_state(State.TRANSCRIBING)
                self.phaseChanged.emit("Thanks. Next question coming up\u2026")
                self._round_pause.start(int(self.services.round_pause_s * 1000))
            else:
                self._round.ended = time.monotonic()
                self._set_state(State.TRANSCRIBING)
                self.phaseChanged.emit("Analysing your answers\u2026")
                self._maybe_finish_round()
            return
        self._current_job = job.id
        self._set_state(State.TRANSCRIBING)
        self.phaseChanged.emit("Transcribing\u2026" if job.audio else "Analysing\u2026")
        if self.host is not None:
            self.host.requestProcess.emit(job)

    def _next_job_id(self) -> int:
        self._job_seq += 1
        return self._job_seq

    # ------------------------------------------------------------------ after feedback
    def retry(self) -> None:
        if self.context is not None:
            ctx = self.context
            if ctx.follow_up_of is not None:
                ctx = QuestionContext(ctx.bank, ctx.follow_up_of, ctx.round, ctx.index, ctx.total, ctx.typed)
            self._cancel_everything()
            self._begin(QuestionContext(ctx.bank, ctx.question, ctx.round, ctx.index, ctx.total, ctx.typed))

    def next_question(self) -> None:
        if self._round is not None:
            return
        if self.context is None:
            return
        bank = self.context.bank
        if self._queue and self._queue_bank is bank:
            q = self._queue.pop(0)
        else:
            others = [q for q in bank.questions if q.id != self.context.question.id]
            q = random.choice(others) if others else self.context.question
        self._cancel_everything()
        self._begin(QuestionContext(bank, q, typed=self.context.typed))

    def ask_follow_up(self) -> None:
        """Ask the analysis' follow-up (or the bank's) aloud and record the answer to it."""
        if self.context is None:
            return
        base = self.context.follow_up_of or self.context.question
        text, point = None, None
        if self.last_result is not None and self.last_result.report.follow_up:
            text, point = self.last_result.report.follow_up, self.last_result.report.follow_up_point
        elif base.follow_ups:
            text = base.follow_ups[0]
        if not text:
            self.notice.emit("This question has no follow-up.")
            return
        ctx = self.context
        self._cancel_everything()
        self._begin(QuestionContext(ctx.bank, follow_up_question(base, text, point), ctx.round, ctx.index,
                                    ctx.total, ctx.typed, follow_up_of=base))

    def show_round_result(self, index: int) -> None:
        """From the round summary: open one answer's full feedback."""
        if self._last_summary is None:
            return
        row = self._last_summary.rows[index]
        if row.result is not None:
            self.context = row.result.context
            self.last_result = row.result
            self._set_state(State.FEEDBACK)
            self.feedbackReady.emit(row.result)

    _last_summary: Any = None
    _typed_round = False

    def show_result(self, result: AttemptResult) -> None:
        """Show a stored attempt's feedback (history view)."""
        self._cancel_everything()
        self.context = result.context
        self.last_result = result
        self._set_state(State.FEEDBACK)
        self.feedbackReady.emit(result)

    # ------------------------------------------------------------------ mock round
    @Slot()
    def _ask_next_in_round(self) -> None:
        run = self._round
        if run is None or self.context is None:
            return
        i = self.context.index + 1
        if i >= len(run.questions):
            return
        self._begin(QuestionContext(run.bank, run.questions[i], run.round, i, len(run.questions), self._typed_round))

    def end_round_early(self) -> None:
        """Stop the mock round now; the summary covers what was answered."""
        run = self._round
        if run is None:
            return
        if self.state == State.RECORDING:
            self.stop_recording()
        self._round_pause.stop()
        self._stop_speaker()
        run.questions = run.questions[: max(1, len(run.answered_s))]
        run.ended = run.ended or time.monotonic()
        self._set_state(State.TRANSCRIBING)
        self.phaseChanged.emit("Analysing your answers\u2026")
        self._maybe_finish_round()

    def _maybe_finish_round(self) -> None:
        run = self._round
        if run is None or run.ended is None or run.pending:
            return
        summary = summarise_round(run, self.services.settings)
        self._last_summary = summary
        if run.store_id is not None and self._store is not None:
            try:
                from voiceprep.ui import history_adapter

                history_adapter.end_round(self._store, run.store_id, summary)
            except Exception:  # noqa: BLE001
                log.debug("handled", exc_info=True)
        self._set_state(State.IDLE)
        self.roundFinished.emit(summary)

    # ------------------------------------------------------------------ worker results
    @Slot(str, str)
    def _on_model_state(self, state: str, detail: str) -> None:
        self.model_state = state
        self.modelStateChanged.emit(state, detail)

    @Slot(int, str)
    def _on_phase(self, job_id: int, phase: str) -> None:
        if job_id == self._current_job:
            self.phaseChanged.emit("Transcribing\u2026" if phase == "transcribing" else "Analysing\u2026")

    @Slot(int, str)
    def _on_partial(self, job_id: int, text: str) -> None:
        if job_id in (self._live_id, self._current_job):
            self.partialTranscript.emit(text)

    @Slot(object)
    def _on_job_finished(self, result: AttemptResult) -> None:
        result = self._save(result)
        run = self._round
        if run is not None and result.job_id in run.pending:
            run.pending.discard(result.job_id)
            run.results[run.job_index[result.job_id]] = result
            self._maybe_finish_round()
            return
        if result.job_id != self._current_job:
            return
        self._current_job = None
        self.last_result = result
        self._set_state(State.FEEDBACK)
        self.feedbackReady.emit(result)

    @Slot(int, str, str)
    def _on_job_failed(self, job_id: int, title: str, message: str) -> None:
        run = self._round
        if run is not None and job_id in run.pending:
            run.pending.discard(job_id)
            run.failed[run.job_index[job_id]] = f"{title}: {message}"
            self._maybe_finish_round()
            return
        if job_id != self._current_job:
            return
        self._current_job = None
        actions = ("retry", "typed", "settings") if "model" in title.lower() else ("retry", "home")
        self._error(ErrorInfo(title, message, actions))

    def _begin_attempt(self, ctx: QuestionContext) -> tuple[int | None, Path]:
        """Register the attempt before recording so a crash leaves something to recover."""
        store = self.store()
        if store is not None:
            try:
                from voiceprep.ui import history_adapter

                run_id = self._round.store_id if self._round is not None else None
                return history_adapter.begin_attempt(store, ctx, self.services.settings, run_id)
            except Exception as exc:  # noqa: BLE001 - record anyway; history is told once
                log.debug("handled", exc_info=True)
                self.notice.emit(f"This answer will not be saved to your history: {_msg(exc)}")
        return None, self.services.new_recording_path(f"{ctx.bank.id}-{ctx.question.id}")

    def _discard_attempt(self) -> None:
        attempt_id, self._attempt_id = self._attempt_id, None
        store = self._store
        if attempt_id is None or store is None:
            return
        try:
            from voiceprep.ui import history_adapter

            history_adapter.discard_attempt(store, attempt_id)
        except Exception:  # noqa: BLE001 - an unfinished row is offered back later; nothing is lost
            log.debug("handled", exc_info=True)

    def _save(self, result: AttemptResult) -> AttemptResult:
        store = self.store()
        if store is None:
            return result
        try:
            from voiceprep.ui import history_adapter

            if result.attempt_id is not None:
                history_adapter.finish_attempt(store, result.attempt_id, result)
            else:
                run_id = self._round.store_id if self._round is not None else None
                aid = history_adapter.add_attempt(store, result, self.services.settings, run_id)
                result = dataclasses.replace(result, attempt_id=aid)
            self.attemptSaved.emit(result)
        except Exception as exc:  # noqa: BLE001
            log.debug("handled", exc_info=True)
            kept = ""
            if result.recording is not None and Path(result.recording).exists():
                kept = (f" Your recording is kept ({Path(result.recording).name}): "
                        + ("the app offers it again at its next start." if result.attempt_id is not None
                           else "add it later with Practice > Analyse a recording."))
            self.notice.emit(f"This attempt could not be saved to your history: {_msg(exc)}{kept}")
        return result

    def store(self) -> Any:
        """The history store, opened on first use (None if it cannot be opened; told once)."""
        if self._store is None and not self._store_failed and self.services.open_store is not None:
            try:
                self._store = self.services.open_store(self.services.settings)
                for note in getattr(self._store, "notes", None) or []:
                    self.notice.emit(f"History: {note}")
            except Exception as exc:  # noqa: BLE001
                log.debug("handled", exc_info=True)
                self._store_failed = True
                self.notice.emit(f"History is not available: {_msg(exc)}")
        return self._store

    # ------------------------------------------------------------------ ticking
    @Slot()
    def _on_tick(self) -> None:
        now = time.monotonic()
        if self._round is not None and self._round.ended is None:
            planned = sum(min(q.target_s, self._round.round.answer_target_s or q.target_s)
                          for q in self._round.questions)
            self.roundClock.emit(now - self._round.started, float(planned))
        if self.state == State.THINKING:
            left = self._think_until - now
            if left <= 0:
                self.start_recording()
            else:
                self.thinkTick.emit(left)
        elif self.state == State.RECORDING:
            if self.context is not None and self.context.typed:
                self.recordingTick.emit(now - self._record_started, 0.0, 0.0)
                return
            try:
                st = self._recorder.status()
            except Exception as exc:  # noqa: BLE001
                log.debug("handled", exc_info=True)
                self._error(ErrorInfo("The microphone stopped", f"{_msg(exc)} What was recorded is kept.",
                                      ("retry", "typed", "settings")))
                return
            self.recordingTick.emit(st.elapsed_s, st.level, st.peak)
            if st.elapsed_s >= self.services.settings.max_answer_s:
                self.notice.emit("Maximum answer length reached; recording stopped.")
                self.stop_recording()
            elif getattr(self._recorder, "recording", True) is False:
                self.stop_recording()  # the recorder stopped itself (device lost, disk full): keep what it has

    # ------------------------------------------------------------------ helpers
    def _set_state(self, state: State) -> None:
        if state != self.state:
            self.state = state
            self.stateChanged.emit(state.value)

    def _error(self, info: ErrorInfo) -> None:
        self._set_state(State.ERROR)
        self.errorRaised.emit(info)

    def _cancel_everything(self) -> None:
        self._round_pause.stop()
        self._speech_seq += 1
        self._stop_speaker()
        if self.state == State.RECORDING and self._recorder is not None and not (self.context and self.context.typed):
            try:
                self._recorder.stop()
            except Exception:  # noqa: BLE001
                log.debug("handled", exc_info=True)
            self._discard_attempt()  # the user abandoned this answer
        if self._live_id is not None and self.host is not None:
            self.host.worker.cancel_live(self._live_id)
        self._live_id = None
        if self._current_job is not None and self.host is not None:
            self.host.worker.cancel()
        self._current_job = None
        self._record_started = 0.0
