"""The follow-up question targets the most important gap."""

from __future__ import annotations

from voiceprep.analysis.followup import follow_up
from voiceprep.analysis.report import PointResult

from tests.analysis.analysis_helpers import product_bank


def pts(problem: str, experiment: str) -> list[PointResult]:
    return [PointResult("problem", "Define the problem as browse abandonment: sessions that end without a play.",
                        problem, 0.9, weight=1.0),
            PointResult("experiment", "Validate with an A/B test on play rate and retention.", experiment, 0.9,
                        weight=2.0)]


def test_missed_heavier_point_uses_the_banks_matching_follow_up() -> None:
    _, q = product_bank()
    text, point = follow_up(q, pts("missed", "missed"))
    assert point == "experiment"
    assert text == q.follow_ups[0]  # it mentions "experiment", a cue of that point


def test_missed_beats_partial_and_template_question() -> None:
    _, q = product_bank()
    text, point = follow_up(q, pts("missed", "partial"))
    assert point == "problem"
    assert text == "You didn't get to this: how would you define the problem as browse abandonment?"
    text, point = follow_up(q, pts("partial", "covered"))
    assert point == "problem" and text.startswith("Let's go one level deeper")


def test_all_covered_falls_back_to_the_bank() -> None:
    _, q = product_bank()
    assert follow_up(q, pts("covered", "covered")) == (q.follow_ups[0], None)
