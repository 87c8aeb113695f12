"""Rejection stretches (voiceprep/analysis/rejection.py): measured in round 17, not in the shipped
model (CoverageModel.reject_rule is off). Kept, like the other measured options, so the next round
can build on them; these tests pin what the stretches cover."""

from __future__ import annotations

import pytest

from voiceprep.analysis.rejection import negative_point, rejected_tokens
from voiceprep.analysis.text import tokenize
from voiceprep.analysis.transcript import Transcript


def _marked(text: str, refusals: bool = True) -> str:
    toks = tokenize(Transcript.from_text(text))
    r = rejected_tokens(toks, refusals)
    return " ".join(t.norm.upper() if k in r else t.norm for k, t in enumerate(toks))


@pytest.mark.parametrize("text, rejected, kept", [
    ("I would not bother segmenting into kids or fans, honestly, games are for everybody.",
     "BOTHER SEGMENTING INTO KIDS OR FANS", "honestly games are for everybody"),
    ("i don't really buy the story that games compete for leisure",
     "DON'T REALLY BUY THE STORY", ""),
    ("So I didn't spend time on whether it was reversible, we just shipped.",
     "DIDN'T SPEND TIME ON WHETHER IT WAS REVERSIBLE", "we just shipped"),
    ("I don't think start-from-the-beginning makes sense, live is live.",
     "DON'T THINK START FROM THE BEGINNING MAKES SENSE", "live is live"),
    ("Pick the combined version and re-check it, I think that's overkill, ship both.",
     "RE CHECK IT I THINK THAT'S OVERKILL", "ship both"),
    ("I'm not going to slice these people into personas, whatever.",
     "I'M NOT GOING TO SLICE THESE PEOPLE INTO PERSONAS", "whatever"),
])
def test_a_rejection_covers_what_it_rejects_and_ends_with_its_clause(text: str, rejected: str, kept: str) -> None:
    m = _marked(text)
    assert rejected in m, m
    if kept:
        assert kept in m, m


@pytest.mark.parametrize("text", [
    "I didn't want to fight it out in the meeting, so I asked him for a coffee.",
    "we didn't know the demand, we had no customers there",
    "So my recommendation: don't ship on the week-one number.",
    "I think the risk is real and I'd test it first.",
])
def test_how_people_make_points_is_not_a_rejection(text: str) -> None:
    m = _marked(text)
    assert m == m.lower(), m


def test_the_generic_refusal_is_a_variant() -> None:
    text = "I wouldn't ship it on the viewing number alone."
    assert "WOULDN'T SHIP" in _marked(text, refusals=True)
    assert _marked(text, refusals=False) == _marked(text, refusals=False).lower()


@pytest.mark.parametrize("point, negative", [
    ("Judge it by retention, not downloads.", True),
    ("Own the failure without blaming others.", True),
    ("Avoid creepy inferences about who is watching.", True),
    ("Don't ship on the spike.", True),
    ("Run an A/B test with retention as the primary metric.", False),
    ("Notice the novelty effect.", False),  # "no" inside a word is not a negation
])
def test_points_worded_in_the_negative_are_recognised(point: str, negative: bool) -> None:
    assert negative_point(point) is negative


@pytest.mark.model
def test_round_18_blocks_a_point_only_when_the_sentences_carrying_it_reject_it() -> None:
    """carriers_rejected (measured in round 18, off in the shipped model), through the real encoder."""
    from dataclasses import replace
    from pathlib import Path

    from voiceprep.analysis import coverage as cov
    from voiceprep.analysis.embeddings import get_embedder
    from voiceprep.bank.loader import load_banks

    bank, q = load_banks(Path(__file__).resolve().parents[2] / "questions").resolve("netflix-pm/shared-profile")
    model = replace(cov.load_models()["embeddings"], reject_rule=True, reject_refusals=False, reject_carriers="any",
                    reject_exempt=False)
    i = next(k for k, kp in enumerate(q.key_points) if kp.id == "privacy-trust")

    def blocked(text: str) -> bool:
        sig = cov.extract(q, tokenize(Transcript.from_text(text)), set(), get_embedder(), model.windows, None,
                          bank.questions, None)
        return cov.carriers_rejected(sig, i, model)

    assert blocked("People will say it's creepy to guess who is watching, but honestly I don't buy the privacy "
                   "worry. I would focus on the rows.")
    assert not blocked("I would be careful about privacy: never say out loud who we think is watching, and keep "
                       "the member in control of their profiles.")
