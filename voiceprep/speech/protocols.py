"""The small interfaces the UI controller and the command line drive.

Real implementations live beside this module (pyttsx3 + sounddevice, faster-whisper); tests
swap in fakes that satisfy the same protocols.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from voiceprep.analysis.transcript import Transcript, Word


class SpeechError(Exception):
    """A speech-layer failure with a message meant for the user (what happened, what to do)."""


class NoTtsEngine(SpeechError):
    pass


class NoAudioDevice(SpeechError):
    pass


class ModelUnavailable(SpeechError):
    pass


@dataclass(frozen=True)
class Voice:
    id: str
    name: str
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecordingStatus:
    """A snapshot the UI polls (or receives) while recording."""

    elapsed_s: float
    level: float  # RMS of the latest block, 0..1
    peak: float  # peak of the latest block, 0..1
    overflows: int
    paused: bool
    path: Path


@dataclass(frozen=True)
class RecordingResult:
    path: Path
    duration_s: float
    samplerate: int
    overflows: int
    stopped_reason: str  # "user", "max-length", "device-error", "disk-full", "cancelled"
    error: str | None = None


@runtime_checkable
class Speaker(Protocol):
    def voices(self) -> list[Voice]: ...

    def synthesize(self, text: str) -> tuple[np.ndarray, int]:
        """Mono float32 samples and their sample rate (cached by text, voice and rate)."""
        ...

    def prepare(self, text: str) -> None:
        """Synthesise ahead of time (e.g. the next question) so speaking starts at once."""
        ...

    def speak(self, text: str, on_done: Callable[[], None] | None = None) -> None:
        """Start speaking; returns at once. ``on_done`` runs when playback ends or is stopped."""
        ...

    def stop(self) -> None: ...

    @property
    def speaking(self) -> bool: ...


@runtime_checkable
class Recorder(Protocol):
    def start(self, path: Path) -> None: ...

    def pause(self) -> None: ...

    def resume(self) -> None: ...

    def stop(self) -> RecordingResult: ...

    def status(self) -> RecordingStatus: ...


@runtime_checkable
class Transcriber(Protocol):
    def load(self) -> None:
        """Load the model (slow; call from a worker thread). Idempotent."""
        ...

    def transcribe(
        self,
        audio: Path | np.ndarray,
        on_word: Callable[[Word], None] | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> Transcript: ...

    @property
    def model_name(self) -> str: ...
