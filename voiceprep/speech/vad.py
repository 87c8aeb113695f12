"""Where the speech is: voice-activity detection and cutting audio into chunks for Whisper.

Whisper invents words on silence (worst with the filler prompt), and the filler prompt only
steers the first 30-second window of each decode. So the transcriber never hands Whisper long
silences or long audio: it finds speech with Silero VAD (shipped inside faster-whisper, run on
onnxruntime), groups the speech into chunks of at most ~25 s cut at pauses, and decodes each
chunk on its own with the prompt. The incremental transcriber uses the same functions, which
is why one-pass and incremental transcripts come out the same shape.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from voiceprep.speech.audio import WHISPER_RATE


@dataclass(frozen=True)
class Region:
    """A stretch of audio in seconds from the start of the recording."""

    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


def speech_regions(
    samples: np.ndarray,
    rate: int = WHISPER_RATE,
    min_silence_ms: int = 300,
    pad_ms: int = 200,
    threshold: float = 0.5,
) -> list[Region]:
    """Speech regions found by Silero VAD (energy fallback if onnxruntime is unavailable)."""
    if samples.size < rate // 10:
        return []
    try:
        from faster_whisper.vad import VadOptions, get_speech_timestamps
    except ImportError:
        return energy_regions(samples, rate, min_silence_ms=min_silence_ms, pad_ms=pad_ms)
    opts = VadOptions(
        threshold=threshold,
        min_speech_duration_ms=120,
        min_silence_duration_ms=min_silence_ms,
        speech_pad_ms=pad_ms,
    )
    stamps = get_speech_timestamps(np.asarray(samples, dtype=np.float32), opts, sampling_rate=rate)
    total = len(samples) / rate
    return [Region(max(0.0, s["start"] / rate), min(total, s["end"] / rate)) for s in stamps]


def energy_regions(
    samples: np.ndarray,
    rate: int = WHISPER_RATE,
    frame_ms: int = 30,
    min_silence_ms: int = 300,
    pad_ms: int = 200,
    min_speech_ms: int = 120,
) -> list[Region]:
    """A plain energy detector: frames louder than a noise-floor-relative threshold."""
    hop = max(1, rate * frame_ms // 1000)
    n = len(samples) // hop
    if n == 0:
        return []
    frames = np.asarray(samples[: n * hop], dtype=np.float32).reshape(n, hop)
    db = 10 * np.log10(np.mean(frames.astype(np.float64) ** 2, axis=1) + 1e-10)
    floor = float(np.percentile(db, 10))
    loud = db > max(floor + 12.0, -50.0)
    regions: list[list[float]] = []
    for i in np.flatnonzero(loud):
        t0, t1 = i * hop / rate, (i + 1) * hop / rate
        if regions and t0 - regions[-1][1] <= min_silence_ms / 1000:
            regions[-1][1] = t1
        else:
            regions.append([t0, t1])
    total = len(samples) / rate
    pad = pad_ms / 1000
    return [
        Region(max(0.0, a - pad), min(total, b + pad))
        for a, b in regions
        if b - a >= min_speech_ms / 1000
    ]


def merge_regions(regions: list[Region], gap: float = 0.0) -> list[Region]:
    """Sorted regions with overlaps (and gaps up to ``gap`` seconds) merged."""
    out: list[Region] = []
    for r in sorted(regions, key=lambda r: r.start):
        if out and r.start <= out[-1].end + gap:
            out[-1] = Region(out[-1].start, max(out[-1].end, r.end))
        else:
            out.append(r)
    return out


def plan_chunks(regions: list[Region], max_chunk_s: float = 25.0, join_gap_s: float = 6.0) -> list[Region]:
    """Group speech regions into decode chunks of at most ``max_chunk_s``.

    Neighbouring regions join one chunk while it stays short enough and the pause between them
    is under ``join_gap_s`` (fewer chunks = fewer 30 s encoder passes); longer silences are
    left out of every chunk. A single region longer than the limit is cut into equal parts.
    """
    chunks: list[Region] = []
    for r in merge_regions(regions):
        pieces = [r]
        if r.duration > max_chunk_s:
            n = int(np.ceil(r.duration / max_chunk_s))
            step = r.duration / n
            pieces = [Region(r.start + i * step, r.start + (i + 1) * step) for i in range(n)]
        for p in pieces:
            if chunks and p.end - chunks[-1].start <= max_chunk_s and p.start - chunks[-1].end <= join_gap_s:
                chunks[-1] = Region(chunks[-1].start, p.end)
            else:
                chunks.append(p)
    return chunks


def inside(t: float, regions: list[Region], tolerance: float = 0.0) -> bool:
    return any(r.start - tolerance <= t <= r.end + tolerance for r in regions)
