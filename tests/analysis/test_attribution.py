"""Round 9's attribution rule: a point named only as other people's advice is not made."""

from __future__ import annotations

import numpy as np
import pytest

from voiceprep.analysis.attribution import reported_tokens
from voiceprep.analysis.coverage import (
    AnswerSignals, CoverageModel, Logistic, PointSignals, decide, make_windows, reported_blocked,
)
from voiceprep.analysis.cues import CueHit
from voiceprep.analysis.text import tokenize
from voiceprep.analysis.transcript import Transcript
from voiceprep.bank.model import KeyPoint


def _reported_words(text: str) -> set[str]:
    tokens = tokenize(Transcript.from_text(text))
    return {tokens[k].norm for k in reported_tokens(tokens)}


@pytest.mark.parametrize("text, reported, own", [
    ("People always say you have to A/B test this. I'd just ship it.", {"test"}, {"ship"}),
    ("The textbook answer is you go to the leader directly. I went through my director.", {"leader"}, {"director"}),
    ("Some people would say you need data and a proposal i didn't bother", {"data", "proposal"}, {"bother"}),
    ("you're supposed to quantify the impact but i don't think it's measurable", {"quantify", "impact"}, {"measurable"}),
    ("a lot of people jump straight to a taste picker", {"taste", "picker"}, set()),
    ("The usual advice is to say no and tell people. We did that anyway.", {"no"}, {"anyway"}),
    # not attribution: the speaker's own claims, and "people" as the users being discussed
    ("I'd run an A/B test and watch retention.", set(), {"test", "retention"}),
    ("People always leave after the free month, so I'd fix onboarding.", set(), {"leave", "onboarding"}),
    ("We were supposed to launch in March but slipped.", set(), {"launch", "march"}),
    ("The obvious answer is retention, and that's what I measured.", set(), {"retention"}),
])
def test_reported_stretches(text: str, reported: set[str], own: set[str]) -> None:
    got = _reported_words(text)
    assert reported <= got
    assert not (own & got)


TEXT = "People always say you have to A/B test this. I would ship it and watch retention."


def _point(cue_at: list[int], best_window: int) -> AnswerSignals:
    tokens = tokenize(Transcript.from_text(TEXT))
    windows = make_windows(tokens, (1,))
    sims = np.full(len(windows), 0.3)
    sims[best_window] = 0.7
    hits = [CueHit("cue", k, k + 1) for k in cue_at]
    p = PointSignals(KeyPoint("p", "point", cues=("cue",)), hits=hits, sims=sims)
    return AnswerSignals(tokens, windows, [p], embeddings_used=True)


def _at(word: str) -> int:
    return [t.norm for t in tokenize(Transcript.from_text(TEXT))].index(word)


@pytest.mark.parametrize("cue_words, best_window, blocked", [
    (["test"], 1, True),  # the only cue hit is in the reported stretch
    (["test", "retention"], 0, False),  # a cue hit in the speaker's own words
    ([], 0, True),  # no cue: the best window is the reported sentence
    ([], 1, False),  # no cue: the best window is the speaker's own
])
def test_reported_rule(cue_words: list[str], best_window: int, blocked: bool) -> None:
    sig = _point([_at(w) for w in cue_words], best_window)
    assert reported_blocked(sig, 0) is blocked
    model = CoverageModel(Logistic((), (), 10.0, (), (), 0.5), Logistic((), (), 10.0, (), (), 0.5), (1,),
                          reported_rule=True)
    # the model alone says covered (bias 10); the rule leaves a reported point at partial
    assert decide(sig, model, Transcript.from_text(TEXT)).points[0].status == ("partial" if blocked else "covered")
    assert CoverageModel.from_dict(model.to_dict()) == model
    off = CoverageModel(model.covered, model.any, (1,))
    assert decide(sig, off, Transcript.from_text(TEXT)).points[0].status == "covered"
