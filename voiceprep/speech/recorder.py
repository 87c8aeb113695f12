"""Record the answer to a WAV file that survives crashes, with level, pause and a length cap.

Threads: PortAudio's callback only copies each block into a queue (and counts overflows); one
writer thread converts to 16 kHz mono, appends to an :class:`IncrementalWavWriter` (valid on
disk after every block) and keeps the samples in memory for live transcription. Every way a
recording can end (Stop, the length cap, a device error or unplug, a full disk) goes through
the writer thread's single finish step, so the file is always closed the same way and what
was recorded is always kept.

The PortAudio side sits behind :class:`InputBackend` so the logic is tested with a fake device.
"""

from __future__ import annotations

import errno
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from voiceprep.speech.audio import WHISPER_RATE, StreamResampler, levels, to_mono_float32
from voiceprep.speech.protocols import NoAudioDevice, RecordingResult, RecordingStatus, SpeechError
from voiceprep.speech.wavfile import IncrementalWavWriter

BlockCallback = Callable[[np.ndarray, bool], None]  # (indata frames x channels, overflowed)

_STOP = object()


class InputStreamLike(Protocol):
    @property
    def active(self) -> bool: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def close(self) -> None: ...


class InputBackend(Protocol):
    """What the recorder needs from PortAudio (real: :class:`SoundDeviceInput`)."""

    def resolve(self, device: str | int | None) -> int | None: ...

    def supports(self, device: int | None, rate: int) -> bool: ...

    def default_rate(self, device: int | None) -> int: ...

    def open(
        self,
        device: int | None,
        rate: int,
        callback: BlockCallback,
        finished: Callable[[], None],
    ) -> InputStreamLike: ...


class SoundDeviceInput:
    """The real backend: ``sounddevice.InputStream``, mono float32."""

    blocksize_s = 0.05

    def resolve(self, device: str | int | None) -> int | None:
        from voiceprep.speech.devices import resolve_device

        return resolve_device(device, "input")

    def supports(self, device: int | None, rate: int) -> bool:
        from voiceprep.speech.devices import sounddevice

        sd = sounddevice()
        try:
            sd.check_input_settings(device=device, channels=1, dtype="float32", samplerate=rate)
        except Exception:  # noqa: BLE001 - PortAudioError -9997 (invalid rate) and friends
            return False
        return True

    def default_rate(self, device: int | None) -> int:
        from voiceprep.speech.devices import sounddevice

        sd = sounddevice()
        try:
            info = sd.query_devices(device, "input")
        except Exception as exc:  # noqa: BLE001
            raise NoAudioDevice(f"No microphone is available: {exc}") from exc
        return int(info["default_samplerate"])

    def open(self, device: int | None, rate: int, callback: BlockCallback, finished: Callable[[], None]) -> Any:
        from voiceprep.speech.devices import sounddevice

        sd = sounddevice()

        def pa_callback(indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
            callback(indata, bool(status.input_overflow))

        return sd.InputStream(
            device=device,
            samplerate=rate,
            channels=1,
            dtype="float32",
            blocksize=int(rate * self.blocksize_s),
            latency="low",  # "high" delays the first block by ~1 s on PulseAudio
            callback=pa_callback,
            finished_callback=finished,
        )


class SoundRecorder:
    """Records from one input device to a crash-safe 16 kHz mono WAV (implements ``Recorder``).

    ``on_stopped(result)`` runs on the writer thread whenever a recording ends, whoever ended
    it; a UI wraps it in a signal. After an automatic stop, :meth:`stop` returns the same result.
    """

    def __init__(
        self,
        device: str | int | None = None,
        max_seconds: float = 20 * 60,
        backend: InputBackend | None = None,
        on_stopped: Callable[[RecordingResult], None] | None = None,
        fsync_interval_s: float = 0.5,
        stall_timeout_s: float | None = 3.0,
    ) -> None:
        self.device = device
        self.max_seconds = float(max_seconds)
        self.backend: InputBackend = backend or SoundDeviceInput()
        self.on_stopped = on_stopped
        self.fsync_interval_s = fsync_interval_s
        self.stall_timeout_s = stall_timeout_s
        self.samplerate = WHISPER_RATE
        self.device_rate = WHISPER_RATE
        self._lock = threading.Lock()
        self._stream: InputStreamLike | None = None
        self._writer: IncrementalWavWriter | None = None
        self._thread: threading.Thread | None = None
        self._queue: queue.Queue[Any] = queue.Queue()
        self._path: Path | None = None
        self._result: RecordingResult | None = None
        self._done = threading.Event()
        self._reset_counters()

    def _reset_counters(self) -> None:
        self._paused = False
        self._overflows = 0
        self._level = (0.0, 0.0)
        self._samples = np.zeros(0, dtype=np.float32)
        self._frames = 0
        self._last_block_at = time.monotonic()
        self._stream_finished = False
        self._stopping = False
        self._user_reason = "user"

    # -- control -----------------------------------------------------------------------

    def start(self, path: Path) -> None:
        """Open the device and start writing ``path``. Raises NoAudioDevice (nothing written)."""
        if self.recording:
            raise SpeechError("A recording is already running; stop it first.")
        self._reset_counters()
        self._result = None
        self._done.clear()
        self._queue = queue.Queue()
        self._path = Path(path)
        device = self.backend.resolve(self.device)
        if self.backend.supports(device, WHISPER_RATE):
            self.device_rate = WHISPER_RATE
        else:
            self.device_rate = self.backend.default_rate(device)
            if not self.backend.supports(device, self.device_rate):
                raise NoAudioDevice(
                    f"The microphone refuses both 16 kHz and its own rate ({self.device_rate} Hz); "
                    "choose another input device in Settings."
                )
        self._resampler = StreamResampler(self.device_rate, WHISPER_RATE)
        self._samples = np.zeros(int(WHISPER_RATE * min(self.max_seconds, 60.0)), dtype=np.float32)
        try:
            stream = self.backend.open(device, self.device_rate, self._callback, self._finished)
        except NoAudioDevice:
            raise
        except Exception as exc:  # noqa: BLE001 - PortAudioError and OS errors
            raise NoAudioDevice(f"Could not open the microphone: {exc}") from exc
        try:
            self._writer = IncrementalWavWriter(self._path, WHISPER_RATE, self.fsync_interval_s)
        except OSError as exc:
            _close_quietly(stream)
            raise SpeechError(f"Could not create the recording file {self._path}: {exc}") from exc
        try:
            stream.start()
        except Exception as exc:  # noqa: BLE001
            _close_quietly(stream)
            self._writer.close()
            self._path.unlink(missing_ok=True)
            raise NoAudioDevice(f"Could not start the microphone: {exc}") from exc
        self._stream = stream
        self._last_block_at = time.monotonic()
        self._thread = threading.Thread(target=self._write_loop, name="voiceprep-recorder", daemon=True)
        self._thread.start()

    def pause(self) -> None:
        self._paused = True

    def resume(self) -> None:
        self._last_block_at = time.monotonic()
        self._paused = False

    def stop(self, reason: str = "user") -> RecordingResult:
        """Stop, finish the file and return the result (also after an automatic stop)."""
        if self._result is not None and not self.recording:
            return self._result
        if self._thread is None:
            raise SpeechError("No recording has been started.")
        self._stopping = True
        self._stop_stream()
        self._queue.put((_STOP, reason, None))
        self._thread.join()
        assert self._result is not None
        return self._result

    def cancel(self) -> RecordingResult:
        """Stop and delete the file (the user discarded the answer)."""
        result = self.stop("cancelled")
        result.path.unlink(missing_ok=True)
        return result

    def wait(self, timeout: float | None = None) -> RecordingResult | None:
        """Block until the recording ends (for scripts and tests); None on timeout."""
        self._done.wait(timeout)
        return self._result

    # -- state -------------------------------------------------------------------------

    @property
    def recording(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def frames(self) -> int:
        """16 kHz frames recorded so far (what :meth:`read` can return)."""
        return self._frames

    @property
    def result(self) -> RecordingResult | None:
        return self._result

    def read(self, start: int = 0, end: int | None = None) -> np.ndarray:
        """A copy of the 16 kHz float32 samples recorded so far, ``[start:end]``."""
        with self._lock:
            n = self._frames
            end = n if end is None else min(end, n)
            return self._samples[max(0, start) : max(start, end)].copy()

    def status(self) -> RecordingStatus:
        rms, peak = self._level
        return RecordingStatus(
            elapsed_s=self._frames / WHISPER_RATE,
            level=rms,
            peak=peak,
            overflows=self._overflows,
            paused=self._paused,
            path=self._path or Path(),
        )

    # -- PortAudio thread --------------------------------------------------------------

    def _callback(self, indata: np.ndarray, overflowed: bool) -> None:
        self._last_block_at = time.monotonic()
        if overflowed:
            self._overflows += 1
        if not self._paused:
            self._queue.put_nowait(indata.copy())

    def _finished(self) -> None:
        self._stream_finished = True

    # -- writer thread -----------------------------------------------------------------

    def _write_loop(self) -> None:
        reason, error = "user", None
        while True:
            try:
                item = self._queue.get(timeout=0.1)
            except queue.Empty:
                item = None
            if isinstance(item, tuple) and item and item[0] is _STOP:
                reason, error = item[1], item[2]
                self._drain()
                break
            if item is not None:
                outcome = self._consume(item)
                if outcome:
                    reason, error = outcome
                    self._stop_stream()
                    if reason != "disk-full":
                        self._drain()
                    break
            problem = self._device_problem()
            if problem:
                reason, error = "device-error", problem
                self._stop_stream()
                self._drain()
                break
        self._finish(reason, error)

    def _device_problem(self) -> str | None:
        if self._stopping:
            return None
        if self._stream_finished or (self._stream is not None and not _safe_active(self._stream)):
            return "The microphone stopped (disconnected?). The answer so far was kept."
        if (
            self.stall_timeout_s is not None
            and time.monotonic() - self._last_block_at > self.stall_timeout_s
        ):
            return "The microphone stopped sending sound (disconnected?). The answer so far was kept."
        return None

    def _drain(self) -> None:
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            if isinstance(item, np.ndarray) and self._consume(item):
                return

    def _consume(self, block: np.ndarray) -> tuple[str, str | None] | None:
        """Write one device block; returns (reason, error) when the recording must end."""
        mono = to_mono_float32(block)
        self._level = levels(mono)
        samples = self._resampler.process(mono)
        limit = int(self.max_seconds * WHISPER_RATE)
        capped = self._frames + len(samples) >= limit
        if capped:
            samples = samples[: max(0, limit - self._frames)]
        outcome = self._append(samples)
        if outcome:
            return outcome
        if capped:
            return ("max-length", None)
        return None

    def _append(self, samples: np.ndarray) -> tuple[str, str | None] | None:
        if samples.size == 0:
            return None
        assert self._writer is not None
        try:
            self._writer.append(samples)
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                return ("disk-full", "The disk is full: recording stopped and what was recorded is kept.")
            return ("write-error", f"Could not write the recording ({exc}); what was recorded is kept.")
        with self._lock:
            need = self._frames + len(samples)
            if need > len(self._samples):
                grown = np.zeros(max(need, 2 * len(self._samples)), dtype=np.float32)
                grown[: self._frames] = self._samples[: self._frames]
                self._samples = grown
            self._samples[self._frames : need] = samples
            self._frames = need
        return None

    def _finish(self, reason: str, error: str | None) -> None:
        if reason not in ("disk-full", "write-error"):
            tail = self._resampler.process(np.zeros(0, dtype=np.float32), final=True)
            limit = int(self.max_seconds * WHISPER_RATE)
            tail = tail[: max(0, limit - self._frames)]
            outcome = self._append(tail)
            if outcome and error is None:
                reason, error = outcome
        self._stop_stream()
        assert self._writer is not None and self._path is not None
        try:
            self._writer.close()
        except OSError as exc:
            error = error or f"Could not finish the recording file ({exc}); it will be recovered on next start."
        self._result = RecordingResult(
            path=self._path,
            duration_s=self._frames / WHISPER_RATE,
            samplerate=WHISPER_RATE,
            overflows=self._overflows,
            stopped_reason=reason,
            error=error,
        )
        self._done.set()
        if self.on_stopped is not None:
            try:
                self.on_stopped(self._result)
            except Exception:  # noqa: BLE001 - a UI callback must not kill the writer
                pass

    def _stop_stream(self) -> None:
        with self._lock:
            stream, self._stream = self._stream, None
            self._stopping = True
        if stream is None:
            return
        for op in (stream.stop, stream.close):
            try:
                op()
            except Exception:  # noqa: BLE001 - an unplugged device may fail to stop
                pass


def _safe_active(stream: InputStreamLike) -> bool:
    try:
        return bool(stream.active)
    except Exception:  # noqa: BLE001
        return False


def _close_quietly(stream: InputStreamLike) -> None:
    try:
        stream.close()
    except Exception:  # noqa: BLE001
        pass
