"""Incremental transcription logic with a fake decoder: offsets, no double work, tail only, cancel."""

from __future__ import annotations

import numpy as np
import pytest

from voiceprep.analysis.transcript import Word
from voiceprep.speech.incremental import ArraySource, IncrementalTranscriber
from voiceprep.speech.transcriber import Cancelled, WhisperTranscriber
from voiceprep.speech.vad import Region

RATE = 16000


class FakeDecoder(WhisperTranscriber):
    """Finds 'speech' by energy and 'hears' one word per burst, named by where it starts."""

    def __init__(self) -> None:
        super().__init__()
        self.decoded: list[Region] = []

    def load(self) -> None:
        pass

    def find_speech(self, samples: np.ndarray, offset_s: float = 0.0) -> list[Region]:
        # absolute threshold: frames louder than -40 dBFS are speech
        hop = RATE // 100
        n = len(samples) // hop
        loud = np.sqrt(np.mean(samples[: n * hop].reshape(n, hop) ** 2, axis=1)) > 0.01
        regions: list[Region] = []
        for i in np.flatnonzero(loud):
            a, b = i / 100 + offset_s, (i + 1) / 100 + offset_s
            if regions and a - regions[-1].end <= 0.3:
                regions[-1] = Region(regions[-1].start, b)
            else:
                regions.append(Region(a, b))
        return [Region(max(offset_s, r.start - 0.1), min(offset_s + len(samples) / RATE, r.end + 0.1)) for r in regions]

    def transcribe_chunk(self, samples, chunk, regions, cancel=None, base_offset_s=0.0):  # noqa: ANN001, ANN201
        if cancel is not None and cancel():
            raise Cancelled()
        self.decoded.append(chunk)
        for r in regions:
            if chunk.start <= r.start < chunk.end:
                yield Word(f" w{r.start + 0.1:.1f}", r.start + 0.1, r.end - 0.1, 0.9)


def bursts(n: int, on_s: float = 1.0, off_s: float = 1.0) -> tuple[np.ndarray, list[float]]:
    rng = np.random.default_rng(0)
    parts, starts, t = [], [], 0.0
    for _ in range(n):
        parts.append(rng.normal(0, 0.001, int(off_s * RATE)))
        t += off_s
        starts.append(round(t, 1))
        parts.append(0.3 * np.sin(2 * np.pi * 220 * np.arange(int(on_s * RATE)) / RATE))
        t += on_s
    parts.append(rng.normal(0, 0.001, RATE // 2))
    return np.concatenate(parts).astype(np.float32), starts


def feed(inc: IncrementalTranscriber, src: ArraySource, upto: int, step: int = RATE // 2) -> None:
    while src.frames < upto:
        src.advance(step)
        inc._step()  # what the worker thread does every poll


def test_words_have_absolute_times_and_nothing_is_decoded_twice() -> None:
    x, starts = bursts(12)
    dec = FakeDecoder()
    src = ArraySource(x)
    partials = []
    inc = IncrementalTranscriber(dec, src, on_partial=partials.append, min_commit_s=2.0)
    feed(inc, src, len(x))
    before_stop = len(dec.decoded)
    result = inc.finish()
    assert [w.text for w in result.words] == [f"w{s:.1f}" for s in starts]
    assert all(abs(w.start - s) < 0.1 for w, s in zip(result.words, starts))
    assert result.duration_s == pytest.approx(len(x) / RATE)
    assert before_stop >= 3 and partials, "most of the answer is transcribed before Stop"
    assert len(dec.decoded) - before_stop <= 1, "only the tail is left for Stop"
    spans = sorted(dec.decoded, key=lambda r: r.start)
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:])), "chunks overlap"
    assert partials[-1].words == result.words[: len(partials[-1].words)]


def test_same_words_as_one_pass() -> None:
    x, _ = bursts(8, on_s=1.5, off_s=0.8)
    one = FakeDecoder().transcribe(x)
    dec = FakeDecoder()
    src = ArraySource(x)
    inc = IncrementalTranscriber(dec, src, min_commit_s=2.0)
    feed(inc, src, len(x), step=RATE // 3)
    inc_result = inc.finish()
    assert [w.text for w in inc_result.words] == [w.text for w in one.words]
    assert inc_result.model == one.model and inc_result.duration_s == one.duration_s


def test_speech_without_pauses_is_cut_at_max_pending() -> None:
    x = (0.3 * np.sin(2 * np.pi * 220 * np.arange(30 * RATE) / RATE)).astype(np.float32)
    dec = FakeDecoder()
    src = ArraySource(x)
    inc = IncrementalTranscriber(dec, src, max_pending_s=10.0)
    feed(inc, src, len(x))
    assert dec.decoded, "a long stretch without pauses is still decoded before Stop"
    assert inc._committed / RATE >= 10.0


def test_partial_is_available_while_recording() -> None:
    x, starts = bursts(6)
    dec = FakeDecoder()
    src = ArraySource(x)
    inc = IncrementalTranscriber(dec, src, min_commit_s=1.0)
    feed(inc, src, len(x) // 2)
    partial = inc.partial()
    assert 0 < len(partial.words) < len(starts)


def test_cancel_with_the_worker_running() -> None:
    x, _ = bursts(6)
    dec = FakeDecoder()
    src = ArraySource(x, available=len(x))
    inc = IncrementalTranscriber(dec, src, poll_s=0.01)
    inc.start()
    inc.cancel()
    with pytest.raises(Cancelled):
        inc.finish()


def test_cancel_stops_a_running_decode() -> None:
    x, _ = bursts(4)
    dec = FakeDecoder()
    inc = IncrementalTranscriber(dec, ArraySource(x, available=len(x)))
    inc._cancel.set()
    with pytest.raises(Cancelled):
        inc._decode(x, 0, final=True)
