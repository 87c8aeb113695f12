"""Cue syntax (stems, groups), ASR tolerance and negation."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


# ---- the indexed matcher finds exactly what sliding every cue over every word finds ----------

def _sliding_reference(m, cue):
    """The matcher before it was indexed: every start position, every word of the cue."""
    from voiceprep.analysis.cues import _word_match

    n, out = len(cue.words), []
    for i in range(len(m.norms) - n + 1):
        misses = [k for k in range(n) if not _word_match(cue.words[k], m.norms[i + k])]
        if not misses:
            out.append((i, i + n, False))
        elif len(misses) == 1 and m._fuzzy_ok(cue, misses[0], m.norms[i + misses[0]]):
            out.append((i, i + n, True))
    if cue.numeric:
        from voiceprep.analysis.cues import is_symbol_number

        have = {a for a, _, _ in out}
        out.extend((i, i + 1, False) for i, t in enumerate(m.norms)
                   if i not in have and i + 1 not in have and is_symbol_number(t))
        out.sort()
    return out


def _bank_cues() -> list[str]:
    from pathlib import Path

    from voiceprep.bank.loader import load_banks

    banks = load_banks(Path(__file__).resolve().parents[2] / "questions")
    return sorted({c for b in banks.banks for q in b.questions for kp in q.key_points
                   for c in (*kp.cues, *(x for g in kp.cue_groups for x in g))})


_CUES = _bank_cues()
_WORDS = sorted({w.strip("*") for c in _CUES for w in c.split()} | {"route", "retension", "abandonmint", "20%", "3x",
                                                                       "the", "um", "we", "browsing", "metrics's"})


@st.composite
def _said(draw) -> tuple[str, list[str]]:
    """Words from the cues, with cue phrases said whole or with one word misheard (a letter
    changed); the phrases said come back too, so they are among the cues looked for."""
    parts: list[str] = []
    said: list[str] = []
    for _ in range(draw(st.integers(0, 6))):
        parts += draw(st.lists(st.sampled_from(_WORDS), max_size=12))
        said.append(draw(st.sampled_from(_CUES)))
        words = said[-1].replace("*", "").split()
        if draw(st.booleans()):
            k = draw(st.integers(0, len(words) - 1))
            w = words[k]
            j = draw(st.integers(0, max(len(w) - 1, 0)))
            words[k] = w[:j] + draw(st.sampled_from("aeiourst")) + w[j + 1:]
        parts += words
    return " ".join(parts), said


@settings(max_examples=150, deadline=None)
@given(_said(), st.lists(st.sampled_from(_CUES), min_size=1, max_size=25))
def test_indexed_matching_equals_sliding_every_cue_over_every_word(spoken, cues) -> None:
    from voiceprep.analysis.cues import parse_cue

    text, said = spoken
    m = CueMatcher(tokenize(Transcript.from_text(text)), set())
    for raw in [*said, *cues]:
        cue = parse_cue(raw)
        if cue is not None:
            assert m._find(cue) == _sliding_reference(m, cue), raw


def test_every_bank_cue_said_with_each_word_misheard_is_found_as_before() -> None:
    """Exhaustive over the bank: each cue said inside a sentence, whole and with each of its words
    misheard in turn (one letter changed), finds the same hits as the sliding reference."""
    from voiceprep.analysis.cues import parse_cue

    checked = fuzzy = 0
    for raw in _CUES:
        words = raw.replace("*", "").split()
        variants = [list(words)]
        for k, w in enumerate(words):
            j = len(w) // 2
            variants.append(words[:k] + [w[:j] + ("x" if w[j:j + 1] != "x" else "z") + w[j + 1:]] + words[k + 1:])
        cue = parse_cue(raw)
        for v in variants:
            m = CueMatcher(tokenize(Transcript.from_text("so we " + " ".join(v) + " and then it works")), set())
            got = m._find(cue)
            assert got == _sliding_reference(m, cue), (raw, v)
            fuzzy += any(f for _, _, f in got)
            checked += 1
    assert checked > 2000 and fuzzy > 100, (checked, fuzzy)
