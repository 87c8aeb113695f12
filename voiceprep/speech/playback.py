"""Play samples through sounddevice so playback can be stopped, routed and timed exactly.

``pyttsx3.say()`` plays through an ``aplay`` child the app cannot stop or route; synthesising to
samples and playing them here gives Stop mid-sentence, the chosen output device and an
``on_done`` callback when the last sample has been played (or playback was stopped).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np

from voiceprep.speech.audio import resample
from voiceprep.speech.protocols import NoAudioDevice

FillCallback = Callable[[int], tuple[np.ndarray, bool]]  # frames wanted -> (block, last block)


class OutputStreamLike(Protocol):
    def start(self) -> None: ...

    def abort(self) -> None: ...

    def close(self) -> None: ...


class OutputBackend(Protocol):
    def resolve(self, device: str | int | None) -> int | None: ...

    def supports(self, device: int | None, rate: int) -> bool: ...

    def default_rate(self, device: int | None) -> int: ...

    def open(self, device: int | None, rate: int, fill: FillCallback, finished: Callable[[], None]) -> OutputStreamLike: ...


class SoundDeviceOutput:
    """The real backend: ``sounddevice.OutputStream``, mono float32."""

    def resolve(self, device: str | int | None) -> int | None:
        from voiceprep.speech.devices import resolve_device

        return resolve_device(device, "output")

    def supports(self, device: int | None, rate: int) -> bool:
        from voiceprep.speech.devices import sounddevice

        try:
            sounddevice().check_output_settings(device=device, channels=1, dtype="float32", samplerate=rate)
        except NoAudioDevice:
            raise
        except Exception:  # noqa: BLE001 - invalid sample rate and friends
            return False
        return True

    def default_rate(self, device: int | None) -> int:
        from voiceprep.speech.devices import sounddevice

        try:
            return int(sounddevice().query_devices(device, "output")["default_samplerate"])
        except NoAudioDevice:
            raise
        except Exception as exc:  # noqa: BLE001
            raise NoAudioDevice(f"No audio output is available: {exc}") from exc

    def open(self, device: int | None, rate: int, fill: FillCallback, finished: Callable[[], None]) -> Any:
        from voiceprep.speech.devices import sounddevice

        sd = sounddevice()

        def callback(outdata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
            block, last = fill(frames)
            outdata[: len(block), 0] = block
            outdata[len(block) :, 0] = 0.0
            if last:
                raise sd.CallbackStop

        return sd.OutputStream(
            device=device,
            samplerate=rate,
            channels=1,
            dtype="float32",
            callback=callback,
            finished_callback=finished,
        )


class AudioPlayer:
    """Plays one clip at a time; a new :meth:`play` stops the previous one."""

    def __init__(self, device: str | int | None = None, backend: OutputBackend | None = None) -> None:
        self.device = device
        self.backend: OutputBackend = backend or SoundDeviceOutput()
        self._lock = threading.Lock()
        self._stream: OutputStreamLike | None = None
        self._samples = np.zeros(0, dtype=np.float32)
        self._pos = 0
        self._on_done: Callable[[], None] | None = None
        self._done = threading.Event()
        self._done.set()
        self._rate_cache: dict[tuple[int | None, int], bool] = {}
        self._rate = 1

    @property
    def playing(self) -> bool:
        return not self._done.is_set()

    @property
    def position_s(self) -> float:
        return self._pos / self._rate if self.playing else 0.0

    def play(self, samples: np.ndarray, rate: int, on_done: Callable[[], None] | None = None) -> None:
        """Start playing mono float32 ``samples``; returns at once. Raises NoAudioDevice."""
        self.stop()
        device = self.backend.resolve(self.device)
        out_rate = int(rate)
        key = (device, out_rate)
        if key not in self._rate_cache:
            self._rate_cache[key] = self.backend.supports(device, out_rate)
        if not self._rate_cache[key]:
            out_rate = self.backend.default_rate(device)
            samples = resample(samples, rate, out_rate)
        with self._lock:
            self._samples = np.asarray(samples, dtype=np.float32).reshape(-1)
            self._pos = 0
            self._rate = out_rate
            self._on_done = on_done
            self._done.clear()
        try:
            stream = self.backend.open(device, out_rate, self._fill, self._finished)
            self._stream = stream
            stream.start()
        except NoAudioDevice:
            self._finished()
            raise
        except Exception as exc:  # noqa: BLE001 - PortAudioError
            self._finished()
            raise NoAudioDevice(f"Could not play sound: {exc}") from exc

    def stop(self) -> None:
        """Stop at once (mid-sentence); ``on_done`` still runs, exactly once."""
        stream, self._stream = self._stream, None
        if stream is not None:
            for op in (stream.abort, stream.close):
                try:
                    op()
                except Exception:  # noqa: BLE001
                    pass
        self._finished()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until playback ends; False on timeout."""
        return self._done.wait(timeout)

    def _fill(self, frames: int) -> tuple[np.ndarray, bool]:
        with self._lock:
            block = self._samples[self._pos : self._pos + frames]
            self._pos += len(block)
            return block, self._pos >= len(self._samples)

    def _finished(self) -> None:
        with self._lock:
            if self._done.is_set():
                return
            callback, self._on_done = self._on_done, None
            self._done.set()
        if callback is not None:
            try:
                callback()
            except Exception:  # noqa: BLE001 - a UI callback must not break playback
                pass
