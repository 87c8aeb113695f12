"""Chunk planning and the energy detector (the Silero path is covered by the model tests)."""

from __future__ import annotations

import numpy as np

from voiceprep.speech.vad import Region, energy_regions, inside, merge_regions, plan_chunks


def test_merge_regions() -> None:
    rs = [Region(5, 6), Region(0, 1), Region(0.5, 2), Region(2.2, 3)]
    assert merge_regions(rs) == [Region(0, 2), Region(2.2, 3), Region(5, 6)]
    assert merge_regions(rs, gap=0.5) == [Region(0, 3), Region(5, 6)]


def test_plan_chunks_joins_short_gaps_and_respects_the_limit() -> None:
    rs = [Region(0, 4), Region(5, 9), Region(20, 22), Region(22.5, 40)]
    chunks = plan_chunks(rs, max_chunk_s=10, join_gap_s=3)
    assert chunks[0] == Region(0, 9)  # 1 s gap joined
    assert all(c.duration <= 10 + 1e-9 for c in chunks)
    assert not any(c.start < 20 < c.end and c.start < 9 for c in chunks)  # 11 s silence left out
    covered = sum(c.duration for c in chunks)
    assert covered >= sum(r.duration for r in rs) - 1e-9


def test_plan_chunks_splits_one_long_region_evenly() -> None:
    chunks = plan_chunks([Region(0, 60)], max_chunk_s=25, join_gap_s=3)
    assert len(chunks) == 3 and all(abs(c.duration - 20) < 1e-9 for c in chunks)
    assert chunks[0].end == chunks[1].start


def test_energy_regions_find_the_loud_part() -> None:
    rate = 16000
    rng = np.random.default_rng(0)
    x = rng.normal(0, 0.001, rate * 4).astype(np.float32)
    x[rate : 2 * rate] += 0.3 * np.sin(2 * np.pi * 200 * np.arange(rate) / rate).astype(np.float32)
    (r,) = energy_regions(x, rate, pad_ms=0)
    assert abs(r.start - 1.0) < 0.05 and abs(r.end - 2.0) < 0.05
    assert energy_regions(np.zeros(rate, np.float32), rate) == []


def test_inside() -> None:
    rs = [Region(1, 2)]
    assert inside(1.5, rs) and not inside(2.1, rs) and inside(2.1, rs, tolerance=0.15)
