"""STAR parts, I/we ownership, quantified impact, bank checks with avoid warnings."""

from __future__ import annotations

import pytest

from voiceprep.analysis.fillers import find_fillers
from voiceprep.analysis.structure import analyse_structure
from voiceprep.analysis.text import tokenize
from voiceprep.analysis.transcript import Transcript
from voiceprep.settings import DEFAULT_FILLERS

from tests.analysis.analysis_helpers import product_bank, star_question, timed

STORY = (
    "A few years ago I was working at a payments startup and our team was missing every deadline. "
    "The context was a rewrite that had dragged on for a year. "
    "My goal was to get the release out by the end of the quarter. "
    "I decided to cut the scope in half. I talked to each engineer one on one. I set up a weekly demo. "
    "As a result we shipped in six weeks and support tickets dropped 40 percent. "
    "What I learned is to cut scope early."
)


def run(text: str, q=None, transcript=None):
    bank, pq = product_bank()
    t = transcript or Transcript.from_text(text)
    tokens = tokenize(t)
    fl = {k for h in find_fillers(tokens, DEFAULT_FILLERS) for k in range(h.tok_start, h.tok_end)}
    return analyse_structure(bank, q or pq, t, tokens, fl)


def test_star_parts_in_order_with_shares() -> None:
    s = run(STORY, star_question(), timed(STORY, wpm=150))
    assert s.kind == "star" and s.star is not None
    parts = {p.name: p for p in s.star.parts}
    assert all(parts[n].present for n in ("situation", "task", "action", "result"))
    assert parts["situation"].word_end <= parts["task"].word_start + 1
    assert parts["action"].word_end <= parts["result"].word_start + 1
    assert "dropped" in parts["result"].text and "40" in parts["result"].text
    assert abs(sum(p.share for p in s.star.parts) - 1.0) < 1e-6
    assert all(p.seconds is not None and p.seconds > 0 for p in s.star.parts)
    assert s.star.quantified and "40 percent" in s.star.numbers
    assert s.star.ownership == "i"


def test_long_setup_short_result_is_flagged() -> None:
    setup = "A few years ago our team was working on a big project and there was a lot going on. " * 6
    s = run(setup + "We eventually shipped it.", star_question())
    assert s.star is not None
    assert s.star.ownership == "we"
    assert not s.star.quantified
    text = " ".join(s.warnings)
    assert "Set-up took" in text and "quantify" in text and "say what you did" in text


def test_checks_pass_fail_and_avoid() -> None:
    s = run("We optimise time spent and clicks, then run an A/B test.")
    assert s.kind == "checks"
    by_id = {c.id: c for c in s.checks}
    assert by_id["experiment"].passed and by_id["experiment"].evidence is not None
    assert not by_id["retention"].passed
    assert by_id["retention"].avoid_hits == ["clicks", "time spent"]
    assert any("leans on" in w for w in s.warnings)
    negated = run("I wouldn't run an A/B test here.")
    assert not {c.id: c for c in negated.checks}["experiment"].passed


def test_symbol_numbers_quantify_the_result_and_pass_the_check() -> None:
    """tiny.en writes "20%", "3x", "$2" as single tokens: the STAR result and the bank's
    quantified check ("percent" cues) must both count them."""
    for result in ("Tickets dropped 20%.", "Checkout got 3x faster.", "It saved $2 a user."):
        story = STORY.replace("As a result we shipped in six weeks and support tickets dropped 40 percent.",
                              "As a result we shipped. " + result)
        s = run(story, star_question())
        assert s.star is not None and s.star.quantified, result
    bank_checks = run("The impact: tickets dropped 20%.", star_question())
    assert {c.id: c.passed for c in bank_checks.checks}.get("quantified") is True
    assert {c.id: c.passed for c in run("The impact: tickets dropped a lot.", star_question()).checks}["quantified"] is False


@pytest.mark.parametrize(
    "result, numbers",
    [
        # a number keeps its unit, in the order spoken ("percent, 12" read as two findings)
        ("I shipped it to five percent of users and churn dropped by 12 percent.", ["five percent", "12 percent"]),
        ("Sign-ups doubled and checkout got 3x faster.", ["doubled", "3x"]),
        ("It saved $2m and two hundred hours a year.", ["$2m", "two hundred hours"]),
        ("Tickets dropped 20%.", ["20%"]),
        ("We kept twenty customers.", ["twenty customers"]),
        ("Churn fell a few percent.", ["percent"]),
        # a lone small number word is not a quantity ("one thing I learned")
        ("The one thing I learned is to listen first.", []),
    ],
)
def test_result_numbers_are_quantities_with_units(result: str, numbers: list[str]) -> None:
    story = STORY.replace("As a result we shipped in six weeks and support tickets dropped 40 percent.",
                          "As a result: " + result)
    s = run(story, star_question())
    assert s.star is not None and s.star.parts[3].present
    assert s.star.numbers == numbers
    assert s.star.quantified == bool(numbers)
