"""The follow-up question targets the most important gap."""

from __future__ import annotations

import dataclasses

import pytest

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


@pytest.mark.parametrize(
    "text, status, story, expected",
    [
        # a clause cut at "such as" must not leave its comma before the question mark
        ("Explain how you found a resolution, such as a compromise or a decision by the manager.", "missed", True,
         "You didn't get to this: can you explain how you found a resolution?"),
        ("Say how it ended, such as what you learned", "missed", True,
         "You didn't get to this: can you say how it ended?"),
        # a point that opens with a time phrase, not a verb (netflix-pm/live-event-experience)
        ("Before the event: make it discoverable and build anticipation with reminders.", "missed", False,
         "You didn't get to this: what would you do before the event?"),
        ("After the event: replays, highlights and related titles.", "partial", False,
         "Let's go one level deeper. Concretely, what would you do after the event?"),
        ("During the event: joining instantly.", "missed", True,
         "You didn't get to this: what did you do during the event?"),
        # behavioural stories happened: ask about them, not about a hypothetical
        ("Share what you learned and how you work differently now.", "missed", True,
         "You didn't get to this: can you share what you learned and how you work differently now?"),
        ("Explain how you defined the problem and what success would look like.", "missed", True,
         "You didn't get to this: can you explain how you defined the problem and what success would look like?"),
        ("Explain what you would like to change.", "missed", False,
         "You didn't get to this: how would you explain what you would like to change?"),
        ("Tie it to the recommendation system: candidate generation, ranking.", "missed", False,
         "You didn't get to this: how would you tie it to the recommendation system?"),
    ],
)
def test_template_question_reads_as_a_question(text: str, status: str, story: bool, expected: str) -> None:
    _, q = product_bank()
    q = dataclasses.replace(q, follow_ups=())
    got, point = follow_up(q, [PointResult("p", text, status, 0.9)], story=story)
    assert (got, point) == (expected, "p")
