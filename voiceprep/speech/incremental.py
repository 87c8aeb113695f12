"""Transcribe while the user is still speaking, so Stop only waits for the last few seconds.

A background thread polls the growing recording, finds stretches of speech that have ended
(followed by a pause, by Silero VAD), and decodes them with the same chunk decoder the one-pass
transcriber uses; times are absolute (seconds from the start of the recording). If the speaker
never pauses, a stretch is cut at its quietest moment once it reaches ``max_pending_s`` (6 s). On
:meth:`IncrementalTranscriber.finish` only the not-yet-committed tail is decoded, and the
result is one :class:`Transcript` of the same shape a one-pass transcription gives.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol

import numpy as np

from voiceprep.analysis.transcript import Transcript, Word
from voiceprep.speech.audio import WHISPER_RATE
from voiceprep.speech.transcriber import Cancelled, WhisperTranscriber
from voiceprep.speech.vad import Region, plan_chunks


class SampleSource(Protocol):
    """A growing 16 kHz mono recording (``SoundRecorder`` is one)."""

    @property
    def frames(self) -> int: ...

    def read(self, start: int = 0, end: int | None = None) -> np.ndarray: ...


class ArraySource:
    """A fixed array that 'grows' as :meth:`advance` is called (benchmarks, tests, files)."""

    def __init__(self, samples: np.ndarray, available: int = 0) -> None:
        self.samples = np.asarray(samples, dtype=np.float32)
        self._available = available

    @property
    def frames(self) -> int:
        return self._available

    def advance(self, n: int) -> None:
        self._available = min(len(self.samples), self._available + n)

    def read(self, start: int = 0, end: int | None = None) -> np.ndarray:
        end = self._available if end is None else min(end, self._available)
        return self.samples[start:end].copy()


class IncrementalTranscriber:
    """Live transcription of a :class:`SampleSource`.

    ``on_partial(transcript)`` runs on the worker thread after each committed stretch (wrap it
    in a Qt signal). Call :meth:`start` when recording starts, :meth:`finish` after the
    recorder has stopped, or :meth:`cancel` to abandon it.
    """

    def __init__(
        self,
        transcriber: WhisperTranscriber,
        source: SampleSource,
        on_partial: Callable[[Transcript], None] | None = None,
        poll_s: float = 0.5,
        min_pause_s: float = 0.6,
        min_commit_s: float = 3.0,
        max_pending_s: float = 6.0,
    ) -> None:
        self.transcriber = transcriber
        self.source = source
        self.on_partial = on_partial
        self.poll_s = poll_s
        self.min_pause_s = min_pause_s
        self.min_commit_s = min_commit_s
        self.max_pending_s = max_pending_s
        self._words: list[Word] = []
        self._committed = 0  # frames before this are transcribed (or known silence)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self.chunks_decoded = 0
        self.busy_s = 0.0

    # -- control -----------------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="voiceprep-incremental", daemon=True)
        self._thread.start()

    def cancel(self) -> None:
        self._cancel.set()
        self._stop.set()

    def finish(self) -> Transcript:
        """Decode the remaining tail and return the whole transcript (call after recording stops)."""
        t0 = time.perf_counter()
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        t_join = time.perf_counter()
        if self._cancel.is_set():
            raise Cancelled()
        if self._error is not None and not isinstance(self._error, Cancelled):
            raise self._error
        total = self.source.frames
        tail = self.source.read(self._committed, total)
        self._decode(tail, self._committed, final=True)
        t_end = time.perf_counter()
        timings = {
            "wait_worker_s": t_join - t0,
            "tail_s": t_end - t_join,
            "tail_audio_s": len(tail) / WHISPER_RATE,
            "after_stop_s": t_end - t0,
            "background_s": self.busy_s,
            "chunks": float(self.chunks_decoded),
        }
        with self._lock:
            words = list(self._words)
        return self.transcriber.make_transcript(words, total / WHISPER_RATE, timings, "recording")

    def partial(self) -> Transcript:
        """What has been transcribed so far (committed stretches only)."""
        with self._lock:
            words = list(self._words)
        return self.transcriber.make_transcript(words, self._committed / WHISPER_RATE, {}, "recording")

    # -- worker ------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self.transcriber.load()
            while not self._stop.wait(self.poll_s):
                self._step()
        except Cancelled:
            pass
        except BaseException as exc:  # noqa: BLE001 - reported by finish()
            self._error = exc

    def _step(self) -> None:
        available = self.source.frames
        pending = self.source.read(self._committed, available)
        pending_s = len(pending) / WHISPER_RATE
        if pending_s < max(1.0, self.min_pause_s + 0.5):
            return
        regions = self.transcriber.find_speech(pending)
        cut = self._choose_cut(pending, regions)
        if cut is None:
            return
        self._decode(pending[:cut], self._committed, final=False)

    def _choose_cut(self, pending: np.ndarray, regions: list[Region]) -> int | None:
        """Where to end the next committed stretch (frames into ``pending``), or None to wait."""
        pending_s = len(pending) / WHISPER_RATE
        if not regions:
            # only silence so far: commit it, keeping a margin where speech may be starting
            keep = int(self.min_pause_s * WHISPER_RATE)
            return len(pending) - keep if len(pending) > 2 * keep else None
        finished = [r for r in regions if pending_s - r.end >= self.min_pause_s]
        speech_s = sum(r.duration for r in finished)
        if finished and (speech_s >= self.min_commit_s or pending_s >= self.max_pending_s):
            last = finished[-1]
            nxt = next((r.start for r in regions if r.start > last.end), pending_s)
            cut_s = (last.end + min(nxt, pending_s)) / 2
            return int(cut_s * WHISPER_RATE)
        if pending_s >= self.max_pending_s:
            return _quietest_frame(pending, lo_s=pending_s * 0.6, hi_s=pending_s - 0.5)
        return None

    def _decode(self, samples: np.ndarray, offset: int, final: bool) -> None:
        t0 = time.perf_counter()
        offset_s = offset / WHISPER_RATE
        regions = self.transcriber.find_speech(samples, offset_s=offset_s)
        opts = self.transcriber.options
        new: list[Word] = []
        for chunk in plan_chunks(regions, opts.max_chunk_s, opts.join_gap_s):
            new.extend(
                self.transcriber.transcribe_chunk(samples, chunk, regions, self._cancel.is_set, base_offset_s=offset_s)
            )
            self.chunks_decoded += 1
        with self._lock:
            self._words.extend(new)
            self._committed = offset + len(samples)
        self.busy_s += time.perf_counter() - t0
        if not final and new and self.on_partial is not None:
            try:
                self.on_partial(self.partial())
            except Exception:  # noqa: BLE001 - a UI callback must not stop transcription
                pass


def _quietest_frame(samples: np.ndarray, lo_s: float, hi_s: float, frame_ms: int = 30) -> int:
    """Frame index of the quietest 30 ms window between ``lo_s`` and ``hi_s``."""
    hop = WHISPER_RATE * frame_ms // 1000
    lo, hi = int(lo_s * WHISPER_RATE), max(int(lo_s * WHISPER_RATE) + hop, int(hi_s * WHISPER_RATE))
    seg = samples[lo:hi]
    n = len(seg) // hop
    if n == 0:
        return hi
    energy = np.mean(seg[: n * hop].reshape(n, hop) ** 2, axis=1)
    return lo + int(np.argmin(energy)) * hop + hop // 2
