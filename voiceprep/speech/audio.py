"""Small numpy-only audio helpers: sample conversion, levels, resampling, WAV files.

Kept free of sounddevice and faster-whisper so the recorder, player, recovery and tests can use
them without PortAudio or a model. Whisper wants 16 kHz mono float32; devices often only offer
44.1/48 kHz, so :class:`StreamResampler` converts block by block without clicks at block edges.
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

import numpy as np

WHISPER_RATE = 16_000
WAV_HEADER_BYTES = 44


def to_mono_float32(block: np.ndarray) -> np.ndarray:
    """(frames,) or (frames, channels) of any numeric dtype -> (frames,) float32 in -1..1."""
    a = np.asarray(block)
    if a.dtype.kind == "i":
        scale = float(np.iinfo(a.dtype).max) + 1.0
        a = a.astype(np.float32) / scale
    elif a.dtype.kind == "u":  # 8-bit WAV is unsigned
        info = np.iinfo(a.dtype)
        a = (a.astype(np.float32) - (info.max + 1) / 2) / ((info.max + 1) / 2)
    else:
        a = a.astype(np.float32, copy=False)
    if a.ndim == 2:
        a = a.mean(axis=1, dtype=np.float32) if a.shape[1] > 1 else a[:, 0]
    return np.ascontiguousarray(a, dtype=np.float32)


def float_to_pcm16(samples: np.ndarray) -> bytes:
    """float32 -1..1 -> little-endian 16-bit PCM bytes (clipped, not wrapped)."""
    clipped = np.clip(samples, -1.0, 1.0)
    return (clipped * 32767.0).astype("<i2").tobytes()


def pcm16_to_float(data: bytes) -> np.ndarray:
    usable = len(data) - len(data) % 2
    return np.frombuffer(data[:usable], dtype="<i2").astype(np.float32) / 32768.0


def levels(samples: np.ndarray) -> tuple[float, float]:
    """(RMS, peak) of a block, both 0..1; (0, 0) for an empty block."""
    if samples.size == 0:
        return 0.0, 0.0
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
    peak = float(np.max(np.abs(samples)))
    return min(rms, 1.0), min(peak, 1.0)


class StreamResampler:
    """Windowed-sinc resampler that can be fed block by block.

    Each output sample is a Kaiser-windowed sinc interpolation of the input around its exact
    (fractional) position, with the cut-off lowered below the output Nyquist when downsampling
    so that nothing above 8 kHz folds back into the speech band. Feeding a signal in pieces
    gives the same samples as feeding it whole (the unit tests check that).
    """

    def __init__(self, in_rate: int, out_rate: int = WHISPER_RATE, half_taps: int = 24) -> None:
        if in_rate <= 0 or out_rate <= 0:
            raise ValueError("sample rates must be positive")
        self.in_rate = int(in_rate)
        self.out_rate = int(out_rate)
        self.step = self.in_rate / self.out_rate  # input samples per output sample
        self.cutoff = min(1.0, self.out_rate / self.in_rate) * 0.94
        self.half = int(math.ceil(half_taps / min(1.0, self.out_rate / self.in_rate)))
        self._buf = np.zeros(self.half, dtype=np.float32)  # left zero padding
        self._pos = float(self.half)  # position of the next output sample in _buf
        self._offsets = np.arange(-self.half + 1, self.half + 1)
        self._beta = 8.0
        # Polyphase table: output positions fall on multiples of 1/phases of an input sample
        # (exactly, for rational rate ratios with a small denominator).
        g = math.gcd(self.in_rate, self.out_rate)
        self.phases = min(self.out_rate // g, 1024)
        self._table = self._kernel(np.arange(self.phases) / self.phases)

    @property
    def passthrough(self) -> bool:
        return self.in_rate == self.out_rate

    def _kernel(self, frac: np.ndarray) -> np.ndarray:
        # x: distance from each tap to the output sample position, in input samples
        x = self._offsets[None, :] - frac[:, None]
        h = self.cutoff * np.sinc(self.cutoff * x)
        t = np.clip(x / (self.half + 1), -1.0, 1.0)
        win = np.i0(self._beta * np.sqrt(1.0 - t * t)) / np.i0(self._beta)
        return (h * win).astype(np.float32)

    def process(self, block: np.ndarray, final: bool = False) -> np.ndarray:
        """Resample the next block; with ``final`` also flush what the filter still holds."""
        block = np.asarray(block, dtype=np.float32).reshape(-1)
        if self.passthrough:
            return block.copy()
        buf = np.concatenate([self._buf, block])
        if final:
            real_end = len(buf)  # outputs must fall inside the real input
            buf = np.concatenate([buf, np.zeros(self.half + 1, dtype=np.float32)])
            limit = float(real_end)
        else:
            limit = float(len(buf) - self.half)  # floor(pos) + half must stay inside buf
        n_out = int(math.ceil((limit - self._pos) / self.step)) if limit > self._pos else 0
        out = np.zeros(0, dtype=np.float32)
        if n_out > 0:
            positions = self._pos + self.step * np.arange(n_out)
            base = np.floor(positions).astype(np.int64)
            phase = np.rint((positions - base) * self.phases).astype(np.int64)
            wrap = phase >= self.phases  # rounding up to the next whole sample
            base[wrap] += 1
            phase[wrap] = 0
            idx = base[:, None] + self._offsets[None, :]
            out = np.einsum("ij,ij->i", buf[idx], self._table[phase]).astype(np.float32)
        next_pos = self._pos + self.step * max(n_out, 0)
        if final:
            self._buf = np.zeros(self.half, dtype=np.float32)
            self._pos = float(self.half)
        else:
            keep_from = max(0, int(math.floor(next_pos)) - self.half)
            self._buf = buf[keep_from:]
            self._pos = next_pos - keep_from
        return out


def resample(samples: np.ndarray, in_rate: int, out_rate: int = WHISPER_RATE) -> np.ndarray:
    """Resample a whole signal (see :class:`StreamResampler`)."""
    if in_rate == out_rate:
        return np.asarray(samples, dtype=np.float32).copy()
    return StreamResampler(in_rate, out_rate).process(samples, final=True)


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Mono float32 samples and rate of a PCM WAV file (8/16/32-bit integer)."""
    with wave.open(str(path), "rb") as w:
        rate, width, channels = w.getframerate(), w.getsampwidth(), w.getnchannels()
        raw = w.readframes(w.getnframes())
    dtype = {1: np.uint8, 2: np.dtype("<i2"), 4: np.dtype("<i4")}.get(width)
    if dtype is None:
        raise ValueError(f"{path}: unsupported WAV sample width {width * 8} bits")
    usable = len(raw) - len(raw) % (width * channels)
    data = np.frombuffer(raw[:usable], dtype=dtype).reshape(-1, channels)
    return to_mono_float32(data), rate


def write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    """Write mono float32 samples as a 16-bit PCM WAV."""
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(int(rate))
        w.writeframes(float_to_pcm16(np.asarray(samples, dtype=np.float32)))


def wav_header(rate: int, data_bytes: int, channels: int = 1, sampwidth: int = 2) -> bytes:
    """A canonical 44-byte PCM WAV header for ``data_bytes`` of sample data."""
    block_align = channels * sampwidth
    return struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF",
        36 + data_bytes,
        b"WAVE",
        b"fmt ",
        16,
        1,  # PCM
        channels,
        rate,
        rate * block_align,
        block_align,
        sampwidth * 8,
        b"data",
        data_bytes,
    )
