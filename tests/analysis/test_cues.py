"""Cue syntax (stems, groups), ASR tolerance and negation."""

from __future__ import annotations

import pytest

from voiceprep.analysis.cues import CueMatcher
from voiceprep.analysis.fillers import find_fillers
from voiceprep.analysis.text import tokenize
from voiceprep.analysis.transcript import Transcript
from voiceprep.settings import DEFAULT_FILLERS


def hits(text: str, cues: tuple[str, ...]) -> list[tuple[str, bool, bool]]:
    tokens = tokenize(Transcript.from_text(text))
    skip = {k for h in find_fillers(tokens, DEFAULT_FILLERS) for k in range(h.tok_start, h.tok_end)}
    return [(h.cue, h.fuzzy, h.negated) for h in CueMatcher(tokens, skip).match(cues)]


@pytest.mark.parametrize(
    "text, cues, expected",
    [
        ("We ran experiments.", ("experiment*",), [("experiment*", False, False)]),
        ("Experimentation matters.", ("experiment*",), [("experiment*", False, False)]),
        ("An experimental feature.", ("experiment",), []),
        ("I'd run an A/B test.", ("a/b test*",), [("a/b test*", False, False)]),
        ("Browse, um, abandonment is the issue.", ("browse abandonment",), [("browse abandonment", False, False)]),
        ("The ab testing platform.", ("a/b test*",), []),
        ("RETENTION!", ("retention",), [("retention", False, False)]),
        ("The team's retention.", ("team",), [("team", False, False)]),
        ("Route abandonment is the issue.", ("browse abandonment",), [("browse abandonment", True, False)]),
        ("The retension rate.", ("retention",), [("retention", True, False)]),
        ("The rate went up.", ("retention rate",), []),  # one short word is not enough to anchor a fuzzy hit
        ("I wouldn't run an A/B test.", ("a/b test*",), [("a/b test*", False, True)]),
        ("We should never skip the holdout.", ("holdout",), [("holdout", False, True)]),
        ("I didn't plan it, but we ran an experiment.", ("experiment*",), [("experiment*", False, False)]),
        ("Novelty effects don't matter here.", ("novelty",), [("novelty", False, True)]),
        ("Make sure churn doesn't go up.", ("churn*",), [("churn*", False, False)]),
        # the number rule: a digit with %, x or $ is a number for numeric cues
        ("Retention went up 20%.", ("percent",), [("percent", False, False)]),
        ("Retention went up 20%.", ("per cent", "percentage point*"), [("per cent", False, False), ("percentage point*", False, False)]),
        ("It got 3x faster.", ("times more",), [("times more", False, False)]),
        ("We saved $2 million.", ("million*",), [("million*", False, False)]),
        ("Revenue grew 2.5x.", ("fold",), [("fold", False, False)]),
        ("We were 20 people.", ("percent",), []),  # a bare number is not a percentage
        ("Retention went up 20%.", ("result*", "percentile*"), []),  # only number-word cues take the rule
        ("It dropped by 40%.", ("dropped by",), [("dropped by", False, False)]),
    ],
)
def test_cue_matching(text, cues, expected) -> None:
    assert hits(text, cues) == expected


def test_cue_groups_need_every_concept_close_together() -> None:
    groups = (("brows*", "scroll*"), ("give up", "abandon*"))
    near = tokenize(Transcript.from_text("Members scroll for ages and then give up."))
    assert [h.cue for h in CueMatcher(near).match_groups(groups)] == ["scroll + give up"]
    far_text = "Members scroll a lot. " + "Filler sentence here. " * 12 + "Then they give up."
    assert CueMatcher(tokenize(Transcript.from_text(far_text))).match_groups(groups) == []
    one = tokenize(Transcript.from_text("Members scroll a lot."))
    assert CueMatcher(one).match_groups(groups) == []
