"""Pace, pauses and timing from word timings (synthetic transcripts with known rates)."""

from __future__ import annotations

import pytest

from voiceprep.analysis.delivery import find_pauses, pace, timing
from voiceprep.analysis.transcript import Transcript

from tests.analysis.analysis_helpers import timed

TEXT = " ".join(f"word{i}" for i in range(120))


@pytest.mark.parametrize("wpm", [100, 150, 200])
def test_wpm_over_speaking_time(wpm: int) -> None:
    t = timed(TEXT, wpm=wpm, start=3.0)
    p = pace(t, set(range(len(t.words))), 120, 165)
    # 120 words evenly spaced: speaking time = 119 intervals + the last word's 0.8 of one
    expected = 120 / ((119 + 0.8) * 60 / wpm) * 60
    assert p.wpm == pytest.approx(expected, rel=1e-6)
    assert p.verdict == ("slow" if expected < 120 else "fast" if expected > 165 else "in-band")


def test_rolling_pace_finds_the_fast_stretch() -> None:
    slow = timed(TEXT, wpm=100, start=0.0)
    fast = timed(TEXT, wpm=200, start=slow.words[-1].end + 0.5)
    both = Transcript(words=slow.words + fast.words, duration_s=fast.duration_s)
    p = pace(both, set(range(len(both.words))), 120, 165, window_s=20, step_s=5)
    assert len(p.series) > 5
    assert p.fastest is not None and p.slowest is not None
    assert p.fastest.start > p.slowest.start
    assert p.fastest.wpm == pytest.approx(200, rel=0.1)
    assert p.slowest.wpm == pytest.approx(100, rel=0.1)
    assert p.series[-1].end == pytest.approx(both.words[-1].end)


def test_no_timings_gives_nulls() -> None:
    t = Transcript.from_text(TEXT)
    p = pace(t, set(range(len(t.words))), 120, 165)
    assert p.wpm is None and p.verdict is None and p.series == []
    pz = find_pauses(t, 2.0)
    assert pz.longest_s is None and pz.time_to_first_word_s is None and pz.long == []


def test_long_pauses_and_first_word() -> None:
    t = timed("one two three four five six", wpm=120, start=4.0, gaps={1: 2.5, 3: 1.2})
    pz = find_pauses(t, 2.0, question_end_s=1.5)
    assert pz.time_to_first_word_s == pytest.approx(2.5)
    assert [p.after_word for p in pz.long] == [1]
    assert pz.long[0].seconds == pytest.approx(2.5 + 0.1, abs=1e-3)  # 0.2 s word gap + 2.5 s
    assert pz.longest_s == pytest.approx(2.6, abs=1e-3)
    assert pz.count_over_1s == 2
    assert find_pauses(t, 3.0).long == []


@pytest.mark.parametrize(
    "answer, target, round_target, verdict, round_verdict",
    [
        (60.0, 120, None, "short", None),
        (89.0, 120, 90, "short", "on-target"),
        (90.0, 120, None, "on-target", None),
        (150.0, 120, 90, "on-target", "long"),
        (151.0, 120, None, "long", None),
        (100.0, None, 90, "on-target", "on-target"),
        (None, 120, 90, None, None),
    ],
)
def test_timing_verdicts(answer, target, round_target, verdict, round_verdict) -> None:
    t = timing(answer, target, round_target, 0.25)
    assert (t.verdict, t.round_verdict) == (verdict, round_verdict)
    if target:
        assert (t.low_s, t.high_s) == (target * 0.75, target * 1.25)


def test_word_order_in_the_file_does_not_change_pace_or_pauses() -> None:
    """A transcript JSON merged from pieces may list words out of time order."""
    t = timed("one two three four five six seven eight", wpm=120, start=2.0, gaps={3: 3.0})
    shuffled = Transcript(words=tuple(reversed(t.words)), duration_s=t.duration_s)
    counted = set(range(len(t.words)))
    assert pace(shuffled, counted, 120, 165).wpm == pytest.approx(pace(t, counted, 120, 165).wpm)
    a, b = find_pauses(t, 2.0), find_pauses(shuffled, 2.0)
    assert b.time_to_first_word_s == pytest.approx(a.time_to_first_word_s)
    assert b.longest_s == pytest.approx(a.longest_s)
    assert [(p.start, p.end) for p in b.long] == [(p.start, p.end) for p in a.long]
    assert [shuffled.words[p.after_word].text for p in b.long] == [t.words[p.after_word].text for p in a.long]


def test_a_word_that_overlaps_the_next_ones_hides_no_pause_and_makes_none() -> None:
    from voiceprep.analysis.transcript import Word

    words = (Word("long", 0.0, 5.0), Word("inside", 1.0, 2.0), Word("after", 5.5, 6.0), Word("later", 9.0, 9.5))
    pz = find_pauses(Transcript(words=words), 2.0)
    assert [(p.start, p.end, p.after_word) for p in pz.long] == [(6.0, 9.0, 2)]
    assert pz.longest_s == pytest.approx(3.0)
