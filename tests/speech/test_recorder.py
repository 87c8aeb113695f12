"""Recorder logic with a fake PortAudio device: every way a recording ends keeps the audio."""

from __future__ import annotations

import errno
import time
import wave

import numpy as np
import pytest

from voiceprep.speech.protocols import NoAudioDevice, RecordingResult
from voiceprep.speech.recorder import SoundRecorder
from voiceprep.speech.wavfile import marker_path

from .fakes import FakeInput


def block(rate: int, seconds: float = 0.05, amp: float = 0.25) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return (amp * np.sin(2 * np.pi * 300 * t)).astype(np.float32)


def wav_frames(path) -> int:  # noqa: ANN001
    with wave.open(str(path)) as w:
        assert w.getframerate() == 16000 and w.getnchannels() == 1
        return w.getnframes()


def until(cond, timeout: float = 5.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.005)


def make(tmp_path, **kw) -> tuple[SoundRecorder, FakeInput]:  # noqa: ANN001
    backend = kw.pop("backend", None) or FakeInput()
    rec = SoundRecorder(backend=backend, stall_timeout_s=None, **kw)
    return rec, backend


def test_records_16k_and_reports_level(tmp_path) -> None:  # noqa: ANN001
    rec, dev = make(tmp_path)
    rec.start(tmp_path / "a.wav")
    assert dev.opened_rate == 16000
    for _ in range(20):
        dev.stream.feed(block(16000))
    result = rec.stop()
    assert result.stopped_reason == "user" and result.error is None
    assert result.duration_s == pytest.approx(1.0)
    assert wav_frames(result.path) == 16000
    assert not marker_path(result.path).exists()
    assert rec.status().level == pytest.approx(0.25 / np.sqrt(2), rel=0.05)
    assert rec.status().peak == pytest.approx(0.25, rel=0.05)
    np.testing.assert_allclose(rec.read(0, 800), block(16000), atol=1e-6)


def test_falls_back_to_device_rate_and_resamples(tmp_path) -> None:  # noqa: ANN001
    rec, dev = make(tmp_path, backend=FakeInput(rates=(48000,), default_rate=48000))
    rec.start(tmp_path / "a.wav")
    assert dev.opened_rate == 48000 and rec.device_rate == 48000
    for _ in range(20):
        dev.stream.feed(block(48000))
    result = rec.stop()
    assert abs(wav_frames(result.path) - 16000) <= 1
    assert result.samplerate == 16000
    # the 300 Hz tone survives the rate change
    y = rec.read(2000, 14000)
    spectrum = np.abs(np.fft.rfft(y))
    assert np.argmax(spectrum) * 16000 / len(y) == pytest.approx(300, abs=2)


def test_device_refusing_every_rate_is_a_clear_error(tmp_path) -> None:  # noqa: ANN001
    rec, _ = make(tmp_path, backend=FakeInput(rates=(), default_rate=44100))
    with pytest.raises(NoAudioDevice, match="refuses"):
        rec.start(tmp_path / "a.wav")
    assert not (tmp_path / "a.wav").exists()


def test_open_failure_is_no_audio_device_and_writes_nothing(tmp_path) -> None:  # noqa: ANN001
    rec, _ = make(tmp_path, backend=FakeInput(fail_open=True))
    with pytest.raises(NoAudioDevice, match="Could not open the microphone"):
        rec.start(tmp_path / "a.wav")
    assert list(tmp_path.iterdir()) == []


def test_missing_named_device(tmp_path) -> None:  # noqa: ANN001
    rec, _ = make(tmp_path, device="missing")
    with pytest.raises(NoAudioDevice, match="not connected"):
        rec.start(tmp_path / "a.wav")


def test_overflows_are_counted(tmp_path) -> None:  # noqa: ANN001
    rec, dev = make(tmp_path)
    rec.start(tmp_path / "a.wav")
    dev.stream.feed(block(16000), overflowed=True)
    dev.stream.feed(block(16000))
    dev.stream.feed(block(16000), overflowed=True)
    result = rec.stop()
    assert result.overflows == 2
    assert rec.status().overflows == 2


def test_pause_drops_audio_and_resume_continues(tmp_path) -> None:  # noqa: ANN001
    rec, dev = make(tmp_path)
    rec.start(tmp_path / "a.wav")
    for _ in range(4):
        dev.stream.feed(block(16000))
    rec.pause()
    assert rec.status().paused
    for _ in range(10):
        dev.stream.feed(block(16000))
    rec.resume()
    for _ in range(6):
        dev.stream.feed(block(16000))
    result = rec.stop()
    assert wav_frames(result.path) == 10 * 800


def test_max_length_stops_cleanly(tmp_path) -> None:  # noqa: ANN001
    stopped: list[RecordingResult] = []
    rec, dev = make(tmp_path, max_seconds=0.5, on_stopped=stopped.append)
    rec.start(tmp_path / "a.wav")
    for _ in range(30):
        dev.stream.feed(block(16000))
    result = rec.wait(5)
    assert result is not None and result.stopped_reason == "max-length"
    assert wav_frames(result.path) == 8000
    assert stopped == [result]
    assert rec.stop() is result  # Stop after the automatic stop returns the same result
    assert not dev.stream.active and dev.stream.closed
    assert not marker_path(result.path).exists()


def test_unplug_keeps_what_was_recorded(tmp_path) -> None:  # noqa: ANN001
    rec, dev = make(tmp_path)
    rec.start(tmp_path / "a.wav")
    for _ in range(10):
        dev.stream.feed(block(16000))
    dev.stream.unplug()
    result = rec.wait(5)
    assert result is not None and result.stopped_reason == "device-error"
    assert "kept" in (result.error or "")
    assert wav_frames(result.path) == 8000
    assert not marker_path(result.path).exists()


def test_device_that_goes_silent_is_detected(tmp_path) -> None:  # noqa: ANN001
    backend = FakeInput()
    rec = SoundRecorder(backend=backend, stall_timeout_s=0.3)
    rec.start(tmp_path / "a.wav")
    backend.stream.feed(block(16000))
    result = rec.wait(5)  # no more blocks arrive: the stream hung (ALSA unplug)
    assert result is not None and result.stopped_reason == "device-error"
    assert wav_frames(result.path) == 800


def test_disk_full_stops_and_keeps_audio(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    rec, dev = make(tmp_path)
    rec.start(tmp_path / "a.wav")
    for _ in range(5):
        dev.stream.feed(block(16000))
    until(lambda: rec.frames == 4000)
    writer = rec._writer

    def full(samples: np.ndarray) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(writer, "append", full)
    dev.stream.feed(block(16000))
    result = rec.wait(5)
    assert result is not None and result.stopped_reason == "disk-full"
    assert "disk is full" in (result.error or "")
    assert wav_frames(result.path) == 4000
    assert not dev.stream.active


def test_cancel_deletes_the_file(tmp_path) -> None:  # noqa: ANN001
    rec, dev = make(tmp_path)
    rec.start(tmp_path / "a.wav")
    dev.stream.feed(block(16000))
    result = rec.cancel()
    assert result.stopped_reason == "cancelled"
    assert not result.path.exists() and not marker_path(result.path).exists()


def test_live_read_while_recording(tmp_path) -> None:  # noqa: ANN001
    rec, dev = make(tmp_path)
    rec.start(tmp_path / "a.wav")
    for _ in range(3):
        dev.stream.feed(block(16000))
    until(lambda: rec.frames == 2400)
    assert len(rec.read(800)) == 1600
    rec.stop()


def test_start_twice_is_refused(tmp_path) -> None:  # noqa: ANN001
    rec, _ = make(tmp_path)
    rec.start(tmp_path / "a.wav")
    with pytest.raises(Exception, match="already running"):
        rec.start(tmp_path / "b.wav")
    rec.stop()
