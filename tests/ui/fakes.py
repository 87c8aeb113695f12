"""Fakes for the speech protocols and a small bank, so UI tests drive real widgets without audio.

The fakes behave like the real parts where the UI depends on it: the speaker calls ``on_done``
from another thread, the recorder writes a real WAV file, the transcriber takes real time in the
worker thread and returns word timings.
"""

from __future__ import annotations

import math
import threading
import time
import wave
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from voiceprep.analysis.transcript import Transcript, Word
from voiceprep.bank.model import Bank, BankSet, Category, Check, Guidance, KeyPoint, Question, Round
from voiceprep.settings import Settings
from voiceprep.speech.protocols import NoAudioDevice, RecordingResult, RecordingStatus, Voice
from voiceprep.ui.services import Services

ANSWER = ("So um I would start with the member and their goal. The key metric is retention, "
          "and I would run an A/B test with a holdout. Uh the result was a five percent lift.")


def _real_banks(settings: Settings) -> BankSet:
    from voiceprep.bank.loader import load_default_banks

    return load_default_banks(settings.data_path)


def sample_bank() -> Bank:
    cats = (
        Category("product-sense", "Product Sense", checks=("metric",)),
        Category("behavioral", "Behavioral", structure="star"),
    )
    rounds = (
        Round("screen", "Hiring Manager Screen", ("Hiring manager",), (45, 60), ("product-sense", "behavioral"), 2, 120),
        Round("refs", "Reference checks", practice=False, description="Former managers are called."),
    )
    q1 = Question(
        id="discovery", category="product-sense",
        prompt="How would you improve content discovery for members who browse for a long time?",
        key_points=(
            KeyPoint("member", "Start from the member and their goal", cues=("member",)),
            KeyPoint("metric", "Name a north-star metric such as retention", cues=("retention",)),
            KeyPoint("test", "Validate with an A/B test", cues=("a/b test", "experiment*")),
            KeyPoint("cold", "Handle cold start for new members", cues=("cold start",)),
        ),
        target_s=60, rounds=("screen",), tips=("Segment the members first.",),
        follow_ups=("How would you measure success?",),
    )
    q2 = Question(
        id="decision", category="behavioral",
        prompt="Tell me about a decision you made on your own.",
        key_points=(
            KeyPoint("situation", "Set the situation", cues=("start",)),
            KeyPoint("result", "Quantify the result", cues=("result", "percent")),
        ),
        target_s=90, rounds=("screen",), tips=("Use I, not we.",),
    )
    q3 = Question(
        id="metrics", category="product-sense", prompt="Which metric would you pick for the ads tier?",
        key_points=(KeyPoint("metric", "Pick one metric", cues=("metric",)),), target_s=45, rounds=(),
    )
    return Bank(
        id="test-bank", title="Test Bank", company="Acme", description="A bank for UI tests.",
        categories=cats, rounds=rounds, questions=(q1, q2, q3),
        checks=(Check("metric", "Names a metric", cues=("metric",), advice="Say which number moves."),),
        guidance=Guidance(overview="Be concrete.", look_for=("Judgment",), red_flags=("Vague answers",),
                          checklist=("Read the memo",)),
    )


class FakeSpeaker:
    def __init__(self, delay: float = 0.05, fail: bool = False) -> None:
        self.delay = delay
        self.fail = fail
        self.spoken: list[str] = []
        self._timer: threading.Timer | None = None
        self._speaking = False
        self.stops = 0

    def voices(self) -> list[Voice]:
        return [Voice("en", "English")]

    def synthesize(self, text: str) -> tuple[np.ndarray, int]:
        return np.zeros(1600, dtype=np.float32), 16000

    def prepare(self, text: str) -> None:
        pass

    def speak(self, text: str, on_done: Any = None) -> None:
        if self.fail:
            from voiceprep.speech.protocols import NoTtsEngine

            raise NoTtsEngine("espeak-ng is not installed.")
        self.spoken.append(text)
        self._speaking = True

        def done() -> None:
            self._speaking = False
            if on_done:
                on_done()  # called from a timer thread, like the real audio thread

        self._timer = threading.Timer(self.delay, done)
        self._timer.start()

    def stop(self) -> None:
        self.stops += 1
        t = self._timer
        if t is not None and self._speaking:
            t.cancel()
            self._speaking = False
            t.function()  # type: ignore[attr-defined]  # on_done runs on stop too

    @property
    def speaking(self) -> bool:
        return self._speaking


class FakeRecorder:
    def __init__(self, fail: bool = False, seconds_scale: float = 1.0) -> None:
        self.fail = fail
        self.scale = seconds_scale
        self.path: Path | None = None
        self._t0 = 0.0
        self.started = 0

    def start(self, path: Path) -> None:
        if self.fail:
            raise NoAudioDevice("No input device found.")
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._t0 = time.monotonic()
        self.started += 1

    def pause(self) -> None:
        pass

    def resume(self) -> None:
        pass

    def _elapsed(self) -> float:
        return (time.monotonic() - self._t0) * self.scale

    def status(self) -> RecordingStatus:
        e = self._elapsed()
        level = 0.2 + 0.15 * math.sin(e * 6)
        return RecordingStatus(e, level, min(1.0, level * 1.5), 0, False, self.path or Path("x.wav"))

    def stop(self) -> RecordingResult:
        assert self.path is not None
        dur = max(0.5, self._elapsed())
        sr = 16000
        t = np.arange(int(sr * min(dur, 3.0))) / sr
        samples = (0.2 * np.sin(2 * np.pi * 220 * t) * 32767).astype(np.int16)
        with wave.open(str(self.path), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(sr)
            w.writeframes(samples.tobytes())
        return RecordingResult(self.path, dur, sr, 0, "user")


class FakeTranscriber:
    """Returns ``text`` with evenly spaced word timings after ``work_s`` of (sleeping) work."""

    def __init__(self, text: str = ANSWER, work_s: float = 0.3, load_s: float = 0.05, fail_load: bool = False,
                 wpm: float = 150.0) -> None:
        self.text = text
        self.work_s = work_s
        self.load_s = load_s
        self.fail_load = fail_load
        self.wpm = wpm
        self.loaded = False
        self.loads = 0
        self.calls: list[Path] = []
        self.threads: set[str] = set()

    def load(self) -> None:
        self.loads += 1
        self.threads.add(threading.current_thread().name)
        time.sleep(self.load_s)
        if self.fail_load:
            from voiceprep.speech.protocols import ModelUnavailable

            raise ModelUnavailable("The bundled model files are missing. Reinstall voiceprep.")
        self.loaded = True

    @property
    def model_name(self) -> str:
        return "fake-tiny"

    def transcribe(self, audio: Any, on_word: Any = None, cancel: Any = None) -> Transcript:
        self.threads.add(threading.current_thread().name)
        self.calls.append(Path(audio))
        step = 60.0 / self.wpm
        words = []
        deadline = time.monotonic() + self.work_s
        tokens = self.text.split()
        for i, tok in enumerate(tokens):
            start = 0.5 + i * step + (2.5 if i == len(tokens) // 2 else 0.0)  # one long pause mid-answer
            w = Word(tok, start, start + step * 0.8, 0.9)
            words.append(w)
            if on_word:
                on_word(w)
        while time.monotonic() < deadline:
            if cancel and cancel():
                break
            time.sleep(0.01)
        return Transcript(tuple(words), text=self.text, duration_s=words[-1].end + 0.5 if words else 0.0,
                          model="fake-tiny", source="audio")


class FakeLive:
    """Live transcription stand-in: reveals the transcriber's words while "recording"."""

    def __init__(self, transcriber: FakeTranscriber, source: Any, on_partial: Any) -> None:
        self.transcriber = transcriber
        self.on_partial = on_partial
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.finished = False

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        tokens = self.transcriber.text.split()
        n = 0
        while not self._stop.wait(0.05) and n < len(tokens):
            n += 3
            self.on_partial(Transcript.from_text(" ".join(tokens[:n]), source="recording"))

    def cancel(self) -> None:
        self._stop.set()

    def finish(self) -> Transcript:
        self._stop.set()
        self._thread.join()
        self.finished = True
        self.transcriber.work_s, saved = 0.0, self.transcriber.work_s
        try:
            return self.transcriber.transcribe(Path("live.wav"))
        finally:
            self.transcriber.work_s = saved


@dataclass
class FakePlayer:
    played: list[tuple[Path, float]] = field(default_factory=list)
    _t0: float = 0.0
    _start: float = 0.0
    _playing: bool = False

    def play(self, path: Path, start_s: float = 0.0) -> None:
        self.played.append((Path(path), start_s))
        self._t0, self._start, self._playing = time.monotonic(), start_s, True

    def stop(self) -> None:
        self._playing = False

    def position(self) -> float | None:
        return self._start + (time.monotonic() - self._t0) if self._playing else None


def real_analyze(transcript: Transcript, bank: Bank, question: Question, settings: Settings, round_: Any = None) -> Any:
    """The real analysis, cue-only (no embedding model) so UI tests stay fast."""
    from voiceprep.analysis import analyze
    from voiceprep.analysis.options import AnalysisOptions

    return analyze(transcript, bank, question, round_id=round_.id if round_ else None,
                   options=AnalysisOptions.from_settings(settings, use_embeddings=False))


@dataclass
class Fakes:
    speaker: FakeSpeaker = field(default_factory=FakeSpeaker)
    recorder: FakeRecorder = field(default_factory=FakeRecorder)
    transcriber: FakeTranscriber = field(default_factory=FakeTranscriber)
    player: FakePlayer = field(default_factory=FakePlayer)


def make_services(tmp_path: Path, bank: Bank, fakes: Fakes | None = None, live: bool = False,
                  **settings_kw: Any) -> Services:
    fakes = fakes or Fakes()
    settings_kw.setdefault("think_time_s", 0)
    settings = Settings(data_dir=str(tmp_path / "data"), **settings_kw)
    saved: list[Settings] = []
    svc = Services(
        settings=settings,
        load_banks=lambda s: BankSet(banks=(bank,)) if bank is not None else _real_banks(s),
        make_speaker=lambda s: fakes.speaker,
        make_recorder=lambda s: fakes.recorder,
        make_transcriber=lambda s: fakes.transcriber,
        analyze=real_analyze,
        make_player=lambda s: fakes.player,
        open_store=None,
        save_settings=saved.append,
        list_devices=lambda: [
            {"name": "Fake mic", "max_input_channels": 1, "max_output_channels": 0, "default_samplerate": 16000.0},
            {"name": "Fake speaker", "max_input_channels": 0, "max_output_channels": 2, "default_samplerate": 48000.0},
        ],
        round_pause_s=0.05,
        make_live=(lambda t, src, cb: FakeLive(t, src, cb)) if live else None,
    )
    svc.fakes = fakes  # type: ignore[attr-defined]
    svc.saved_settings = saved  # type: ignore[attr-defined]
    return svc
