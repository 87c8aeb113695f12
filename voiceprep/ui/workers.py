"""The one long-lived background worker: owns the Whisper model, transcribes and analyses.

``SpeechWorker`` is a QObject moved to its own QThread (``WorkerHost``); the UI talks to it only
through queued signals connected *after* ``moveToThread`` to ``@Slot`` methods, and it reports
back by signals. It never touches a widget. Jobs run one at a time in arrival order; ``cancel``
is the only method called directly from the UI thread (it just sets an event).
"""

from __future__ import annotations

import threading
import time
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from voiceprep.ui.services import Services
from voiceprep.ui.session import AttemptResult, Job


log = logging.getLogger(__name__)


def _no_speech_message(job: Job) -> str:
    if job.source == "file":
        return (f"No speech was found in {Path(job.audio or '').name}. Check that it is the right file "
                "and that it has sound, or pick another one.")
    return ("Nothing was heard in your recording (the file is kept). Check that the right microphone is "
            "chosen in Settings > Audio > Microphone and that the level meter moves while you speak, "
            "then try again; or type your answer instead.")

class ModelState:
    IDLE = "idle"
    LOADING = "loading"
    READY = "ready"
    FAILED = "failed"


def _user_message(exc: BaseException) -> str:
    """The speech layer raises SpeechError with a message for the user; anything else is a bug
    we still describe in one line (the traceback goes to the log, not the window)."""
    from voiceprep.speech.protocols import SpeechError

    if isinstance(exc, SpeechError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def _log_failure(exc: BaseException) -> None:
    """Expected speech problems are the user's message; anything else is a bug worth a log line."""
    from voiceprep.speech.protocols import SpeechError

    if isinstance(exc, SpeechError):
        log.info("%s", exc)
    else:
        log.warning("worker job failed", exc_info=exc)


class SpeechWorker(QObject):
    modelState = Signal(str, str)  # state, detail
    partial = Signal(int, str)  # job id, text so far
    phase = Signal(int, str)  # job id, phase ("transcribing", "analysing")
    finished = Signal(object)  # AttemptResult
    failed = Signal(int, str, str)  # job id, title, message
    devicesListed = Signal(object)  # list of device dicts or an error string

    def __init__(self, services: Services) -> None:
        super().__init__()
        self._services = services
        self._transcriber: Any = None
        self._state = ModelState.IDLE
        self._cancel = threading.Event()
        self._model_lock = threading.Lock()
        self._live: dict[int, Any] = {}
        self._live_cancelled: set[int] = set()
        self._live_lock = threading.Lock()

    # -- called from the UI thread ------------------------------------------------------------
    def cancel(self) -> None:
        self._cancel.set()

    def cancel_live(self, job_id: int) -> None:
        """Abandon live transcription of a recording the user discarded (thread-safe)."""
        with self._live_lock:
            self._live_cancelled.add(job_id)
            live = self._live.pop(job_id, None)
        if live is not None:
            live.cancel()

    # -- slots (run in the worker thread) -------------------------------------------------------
    @Slot()
    def warm_up(self) -> None:
        self._ensure_model()
        try:
            self._services.warm_imports()
        except Exception:  # noqa: BLE001 - warm-up is best effort
            log.debug("handled", exc_info=True)

    @Slot()
    def reload_model(self) -> None:
        with self._model_lock:
            self._transcriber = None
            self._state = ModelState.IDLE
        self._ensure_model()

    @Slot(object)
    def process(self, job: Job) -> None:
        from voiceprep.analysis.transcript import Transcript

        self._cancel.clear()
        t0 = time.perf_counter()
        try:
            if job.text is not None:
                transcript = Transcript.from_text(job.text, source="typed")
            else:
                assert job.audio is not None
                transcriber = self._ensure_model()
                if transcriber is None:
                    self.failed.emit(job.id, "The speech model is not available",
                                     "Your recording is saved. Check Settings > Transcription, "
                                     "or type your answer instead.")
                    return
                self.phase.emit(job.id, "transcribing")
                with self._live_lock:
                    live = self._live.pop(job.id, None)
                transcript = None
                if live is not None:
                    try:
                        transcript = live.finish()
                    except Exception:  # noqa: BLE001 - fall back to transcribing the file
                        log.debug("handled", exc_info=True)
                        transcript = None
                words: list[str] = []

                def on_word(w: Any) -> None:
                    words.append(w.text.strip())
                    if len(words) % 4 == 0:
                        self.partial.emit(job.id, " ".join(words))

                if transcript is None:
                    transcript = transcriber.transcribe(Path(job.audio), on_word=on_word, cancel=self._cancel.is_set)
            if self._cancel.is_set():
                self.failed.emit(job.id, "Cancelled", "The answer was not analysed.")
                return
            if job.audio is not None and not transcript.words:
                # Not an answer that covered nothing: a dead microphone or a silent file. Say so
                # instead of storing a 0% attempt that drags down progress and "weakest first".
                self.failed.emit(job.id, "No speech was heard", _no_speech_message(job))
                return
            t1 = time.perf_counter()
            self.phase.emit(job.id, "analysing")
            ctx = job.context
            report = self._services.analyze(transcript, ctx.bank, ctx.question, job.settings, ctx.round)
            t2 = time.perf_counter()
            self.finished.emit(AttemptResult(
                job_id=job.id, context=ctx, transcript=transcript, report=report,
                recording=job.audio if job.source != "typed" else None, source=job.source,
                transcribe_s=t1 - t0, analyze_s=t2 - t1, attempt_id=job.attempt_id,
            ))
        except Exception as exc:  # noqa: BLE001 - every failure becomes a message in the window
            _log_failure(exc)
            where = "analyse" if job.text is not None else "transcribe"
            after = {"recording": " Your recording is saved; you can retry.",
                     "file": " Check that the file is a recording with sound (WAV, MP3, M4A, OGG, WebM or a video)."}
            self.failed.emit(job.id, f"Could not {where} the answer",
                             _user_message(exc) + (after.get(job.source, "") if job.audio else ""))

    @Slot(int, object)
    def begin_live(self, job_id: int, source: Any) -> None:
        """Start transcribing a recording while it is made, so Stop only waits for the tail."""
        make_live = self._services.make_live
        transcriber = self._transcriber
        if make_live is None or transcriber is None or self._state != ModelState.READY:
            return
        try:
            live = make_live(transcriber, source, lambda t, j=job_id: self.partial.emit(j, t.full_text))
        except Exception:  # noqa: BLE001 - live text is a nicety; the final transcription still runs
            log.debug("handled", exc_info=True)
            return
        if live is None:
            return
        with self._live_lock:
            if job_id in self._live_cancelled:
                return
            self._live[job_id] = live
        live.start()

    @Slot()
    def list_devices(self) -> None:
        try:
            self.devicesListed.emit(self._services.list_devices())
        except Exception as exc:  # noqa: BLE001
            self.devicesListed.emit(f"Could not list audio devices: {_user_message(exc)}")

    # -- internals ------------------------------------------------------------------------------
    def _ensure_model(self) -> Any:
        with self._model_lock:
            if self._transcriber is not None and self._state == ModelState.READY:
                return self._transcriber
            self._state = ModelState.LOADING
            spec = (self._services.settings.model or "").strip()
            if spec and not Path(spec).expanduser().exists():
                detail = f"Loading {spec} (downloaded first if it is not on this computer; that needs internet)\u2026"
            else:
                detail = "Loading the speech model\u2026"
            self.modelState.emit(ModelState.LOADING, detail)
            t0 = time.perf_counter()
            try:
                transcriber = self._services.make_transcriber(self._services.settings)
                transcriber.load()
            except Exception as exc:  # noqa: BLE001
                log.debug("handled", exc_info=True)
                self._state = ModelState.FAILED
                self.modelState.emit(ModelState.FAILED, _user_message(exc))
                return None
            self._transcriber = transcriber
            self._state = ModelState.READY
            name = getattr(transcriber, "model_name", "") or "speech model"
            self.modelState.emit(ModelState.READY, f"{name} ready ({time.perf_counter() - t0:.1f} s)")
            return transcriber


class WorkerHost(QObject):
    """Owns the worker thread; the controller emits these request signals to queue work."""

    requestWarmUp = Signal()
    requestReload = Signal()
    requestProcess = Signal(object)
    requestLive = Signal(int, object)
    requestDevices = Signal()

    def __init__(self, services: Services, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thread = QThread()
        self.thread.setObjectName("voiceprep-speech-worker")
        self.worker = SpeechWorker(services)
        self.worker.moveToThread(self.thread)
        # Connected after moveToThread so Qt queues every call into the worker thread.
        self.requestWarmUp.connect(self.worker.warm_up)
        self.requestReload.connect(self.worker.reload_model)
        self.requestProcess.connect(self.worker.process)
        self.requestLive.connect(self.worker.begin_live)
        self.requestDevices.connect(self.worker.list_devices)
        self.thread.start()

    def shutdown(self, timeout_ms: int = 10000) -> None:
        if not self.thread.isRunning():
            return
        self.worker.cancel()
        self.thread.quit()
        self.thread.wait(timeout_ms)
