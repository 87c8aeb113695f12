"""Resampling, sample conversion and WAV helpers (pure numpy)."""

from __future__ import annotations

import wave

import numpy as np
import pytest

from voiceprep.speech.audio import (
    StreamResampler,
    float_to_pcm16,
    levels,
    pcm16_to_float,
    read_wav,
    resample,
    to_mono_float32,
    wav_header,
    write_wav,
)


def tone(freq: float, rate: int, seconds: float, amp: float = 0.5) -> np.ndarray:
    return (amp * np.sin(2 * np.pi * freq * np.arange(int(rate * seconds)) / rate)).astype(np.float32)


@pytest.mark.parametrize("rate", [44100, 48000, 22050, 8000, 44056])
def test_resample_keeps_a_tone_and_its_length(rate: int) -> None:
    y = resample(tone(440, rate, 1.0), rate, 16000)
    assert abs(len(y) - 16000) <= 1
    ref = tone(440, 16000, len(y) / 16000)[: len(y)]
    assert np.max(np.abs(y[200:-200] - ref[200:-200])) < 1e-3


@pytest.mark.parametrize("rate", [44100, 48000])
def test_downsampling_removes_content_above_8khz(rate: int) -> None:
    y = resample(tone(10_000, rate, 1.0), rate, 16000)
    assert np.sqrt(np.mean(y[200:-200] ** 2)) < 1e-3  # a 0.35 RMS tone would alias to 6 kHz


@pytest.mark.parametrize("rate", [44100, 48000])
def test_block_by_block_equals_whole(rate: int) -> None:
    x = np.random.default_rng(1).normal(0, 0.2, rate * 2).astype(np.float32)
    r = StreamResampler(rate, 16000)
    rng = np.random.default_rng(2)
    parts, i = [], 0
    while i < len(x):
        n = int(rng.integers(1, 4000))
        parts.append(r.process(x[i : i + n]))
        i += n
    parts.append(r.process(np.zeros(0, np.float32), final=True))
    np.testing.assert_allclose(np.concatenate(parts), resample(x, rate, 16000), atol=1e-6)


def test_same_rate_is_passthrough() -> None:
    x = tone(300, 16000, 0.1)
    np.testing.assert_array_equal(resample(x, 16000, 16000), x)


def test_to_mono_from_int16_stereo() -> None:
    block = np.array([[32767, -32768], [0, 0], [16384, 16384]], dtype=np.int16)
    mono = to_mono_float32(block)
    assert mono.dtype == np.float32 and mono.shape == (3,)
    assert mono[1] == 0 and mono[2] == pytest.approx(0.5, abs=1e-4)


def test_pcm16_round_trip_and_clipping() -> None:
    x = np.array([0.0, 0.5, -0.5, 2.0, -2.0], dtype=np.float32)
    y = pcm16_to_float(float_to_pcm16(x))
    np.testing.assert_allclose(y[:3], x[:3], atol=1e-4)
    assert y[3] == pytest.approx(1.0, abs=1e-4) and y[4] == pytest.approx(-1.0, abs=1e-4)


def test_levels() -> None:
    assert levels(np.zeros(0, np.float32)) == (0.0, 0.0)
    rms, peak = levels(np.array([0.5, -0.5, 0.5, -0.5], np.float32))
    assert rms == pytest.approx(0.5) and peak == pytest.approx(0.5)


def test_wav_header_is_what_wave_writes(tmp_path) -> None:  # noqa: ANN001
    p = tmp_path / "a.wav"
    write_wav(p, tone(200, 16000, 0.25), 16000)
    raw = p.read_bytes()
    assert raw[:44] == wav_header(16000, len(raw) - 44)
    samples, rate = read_wav(p)
    assert rate == 16000 and len(samples) == 4000
    with wave.open(str(p)) as w:
        assert w.getnchannels() == 1 and w.getsampwidth() == 2
