"""Fake PortAudio backends and a fake synthesiser for the speech unit tests.

The fake input stream is driven by the test (``feed`` calls the recorder's callback on the test
thread), so the tests are deterministic and need no sound device.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np

from voiceprep.speech.protocols import NoAudioDevice, Voice


class FakeInputStream:
    def __init__(self, callback: Callable[[np.ndarray, bool], None], finished: Callable[[], None]) -> None:
        self.callback = callback
        self.finished = finished
        self.active = False
        self.closed = False
        self.stop_calls = 0

    def start(self) -> None:
        self.active = True

    def stop(self) -> None:
        self.stop_calls += 1
        self.active = False

    def close(self) -> None:
        self.closed = True
        self.active = False

    def feed(self, block: np.ndarray, overflowed: bool = False) -> None:
        """Deliver one block as PortAudio would (frames x 1 float32)."""
        if self.active:
            self.callback(np.asarray(block, dtype=np.float32).reshape(-1, 1), overflowed)

    def unplug(self) -> None:
        """What PortAudio does when the device goes away: the stream ends by itself."""
        self.active = False
        self.finished()


class FakeInput:
    """Input backend with a configurable set of accepted sample rates."""

    def __init__(self, rates: tuple[int, ...] = (16000,), default_rate: int = 16000, fail_open: bool = False) -> None:
        self.rates = rates
        self._default = default_rate
        self.fail_open = fail_open
        self.opened_rate: int | None = None
        self.stream: FakeInputStream | None = None
        self.ready = threading.Event()

    def resolve(self, device: str | int | None) -> int | None:
        if device == "missing":
            raise NoAudioDevice("The microphone 'missing' is not connected.")
        return None

    def supports(self, device: int | None, rate: int) -> bool:
        return rate in self.rates

    def default_rate(self, device: int | None) -> int:
        return self._default

    def open(self, device: int | None, rate: int, callback, finished) -> FakeInputStream:  # noqa: ANN001
        if self.fail_open:
            raise RuntimeError("Error opening InputStream: Device unavailable [PaErrorCode -9985]")
        self.opened_rate = rate
        self.stream = FakeInputStream(callback, finished)
        self.ready.set()
        return self.stream


class FakeOutputStream:
    def __init__(self, fill, finished) -> None:  # noqa: ANN001
        self.fill = fill
        self.finished = finished
        self.started = False
        self.aborted = False
        self.played: list[np.ndarray] = []

    def start(self) -> None:
        self.started = True

    def abort(self) -> None:
        self.aborted = True
        self.finished()

    def close(self) -> None:
        pass

    def pull(self, frames: int) -> bool:
        """Ask for ``frames`` samples as PortAudio would; returns True on the last block."""
        block, last = self.fill(frames)
        self.played.append(block.copy())
        if last:
            self.finished()
        return last


class FakeOutput:
    def __init__(self, rates: tuple[int, ...] = (22050, 16000), default_rate: int = 48000, missing: bool = False) -> None:
        self.rates = rates
        self._default = default_rate
        self.missing = missing
        self.streams: list[FakeOutputStream] = []
        self.opened_rates: list[int] = []

    def resolve(self, device: str | int | None) -> int | None:
        if self.missing:
            raise NoAudioDevice("No audio output was found. Connect one and try again.")
        return None

    def supports(self, device: int | None, rate: int) -> bool:
        return rate in self.rates

    def default_rate(self, device: int | None) -> int:
        return self._default

    def open(self, device, rate, fill, finished) -> FakeOutputStream:  # noqa: ANN001
        self.opened_rates.append(rate)
        stream = FakeOutputStream(fill, finished)
        self.streams.append(stream)
        return stream


class FakeSynth:
    """Deterministic 'speech': a tone whose length depends on the text and the rate."""

    def __init__(self, fail: Exception | None = None) -> None:
        self.calls: list[tuple[str, str | None, int]] = []
        self.fail = fail

    def voices(self) -> list[Voice]:
        return [Voice("en-us", "English (America)", ("en-us",)), Voice("en-gb", "English (Great Britain)", ("en-gb",))]

    def synthesize(self, text: str, voice: str | None, rate_wpm: int) -> tuple[np.ndarray, int]:
        self.calls.append((text, voice, rate_wpm))
        if self.fail is not None:
            raise self.fail
        n = int(22050 * len(text.split()) * 60 / rate_wpm)
        t = np.arange(n) / 22050
        return (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), 22050
