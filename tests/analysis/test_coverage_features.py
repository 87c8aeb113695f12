"""Coverage features and decision rules on hand-built signals (no model, no files)."""

from __future__ import annotations

import numpy as np

from voiceprep.analysis.coverage import (
    AnswerSignals, CoverageModel, Logistic, PointSignals, decide, features, make_windows,
)
from voiceprep.analysis.cues import CueHit
from voiceprep.analysis.text import tokenize
from voiceprep.analysis.transcript import Transcript
from voiceprep.bank.model import KeyPoint

TEXT = "We saw long sessions. Nobody pressed play. We should test a new row. Retention is the goal."


def _signals(sims: list[list[float]], sizes: tuple[int, ...] = (1,)) -> AnswerSignals:
    tokens = tokenize(Transcript.from_text(TEXT))
    windows = make_windows(tokens, sizes)
    pts = [PointSignals(KeyPoint(f"p{i}", f"point {i}", cues=("x",)), sims=np.array(row[: len(windows)], dtype=float))
           for i, row in enumerate(sims)]
    return AnswerSignals(tokens, windows, pts, embeddings_used=True)


def _named(sig: AnswerSignals, i: int, names: tuple[str, ...]) -> dict[str, float]:
    return dict(zip(names, features(sig, i, names)))


def test_margin_rewards_a_window_about_this_point_not_the_question_in_general() -> None:
    # point 0 leads on window 1; point 1 is as close as point 2 everywhere (generic talk)
    sig = _signals([[0.2, 0.6, 0.2, 0.2], [0.4, 0.4, 0.4, 0.4], [0.4, 0.4, 0.4, 0.4]])
    names = ("sim_margin", "sim_pz")
    f0, f1 = _named(sig, 0, names), _named(sig, 1, names)
    assert f0["sim_margin"] > 0.15 > f1["sim_margin"]
    assert f0["sim_pz"] > 0 and abs(f1["sim_pz"] - _named(sig, 2, names)["sim_pz"]) < 1e-9


def test_equal_similarity_everywhere_gives_no_point_a_lead() -> None:
    sig = _signals([[0.5] * 4] * 3)
    for i in range(3):
        f = _named(sig, i, ("sim_margin", "sim_pz"))
        assert f["sim_margin"] == 0.0 and f["sim_pz"] == 0.0


def test_support_counts_overlapping_windows_once() -> None:
    sig = _signals([[0.9] * 10, [0.0] * 10], sizes=(2,))
    n_tokens = len(sig.tokens)
    (support,) = features(sig, 0, ("support_tokens",))
    assert np.isclose(support, np.log1p(n_tokens))  # every token near the point, each counted once
    assert features(sig, 1, ("support_tokens",)) == [0.0]


def _strict_model(cue_partial: bool) -> CoverageModel:
    never = Logistic(("sim_max",), (0.0,), -10.0, (0.0,), (1.0,), 0.5)  # P = 0.00005: nothing passes
    return CoverageModel(never, never, (1,), None, cue_partial)


def test_an_exact_cue_hit_is_at_least_partial_when_the_model_says_so() -> None:
    sig = _signals([[0.3] * 4, [0.3] * 4])
    sig.points[0].hits = [CueHit("x", 0, 1)]
    t = Transcript.from_text(TEXT)
    with_floor = decide(sig, _strict_model(True), t)
    assert [p.status for p in with_floor.points] == ["partial", "missed"]
    assert with_floor.points[0].evidence is not None
    assert [p.status for p in decide(sig, _strict_model(False), t).points] == ["missed", "missed"]
    sig.points[0].hits = [CueHit("x", 0, 1, negated=True)]  # "I wouldn't ..." earns nothing
    assert decide(sig, _strict_model(True), t).points[0].status == "missed"


def test_nothing_said_covers_nothing_whatever_the_model() -> None:
    always = Logistic(("sim_max",), (0.0,), 10.0, (0.0,), (1.0,), 0.5)
    sig = AnswerSignals([], [], [PointSignals(KeyPoint("p", "point", cues=("x",)))])
    cov = decide(sig, CoverageModel(always, always, (1,)), Transcript(words=()))
    assert [p.status for p in cov.points] == ["missed"]


# ---- round 3: sentence-level dismissal and the cue-or-similarity rule ----------------------

import pytest  # noqa: E402

from voiceprep.analysis.coverage import dismissed_tokens, lacks_evidence  # noqa: E402


def _dismissed_words(text: str) -> set[str]:
    tokens = tokenize(Transcript.from_text(text))
    return {tokens[k].norm for k in dismissed_tokens(tokens)}


@pytest.mark.parametrize("text, dismissed, kept", [
    ("I wouldn't bother with an A/B test for this.", {"test"}, set()),
    ("Honestly I'd skip the segmentation, it's the same fix for everybody.", {"segmentation", "everybody"}, set()),
    ("Segmenting these people is overkill.", {"segmenting"}, set()),
    ("I don't think retention matters here. I'd run an A/B test.", {"retention"}, {"test"}),
    ("I wouldn't ship it but I'd run an A/B test first.", {"ship"}, {"test"}),
    ("I'd run an A/B test and watch retention.", set(), {"test", "retention"}),
    ("It is not only about retention.", set(), {"retention"}),
])
def test_dismissed_stretches(text: str, dismissed: set[str], kept: set[str]) -> None:
    got = _dismissed_words(text)
    assert dismissed <= got
    assert not (kept & got)


def _one_point(sim: float, exact: bool) -> AnswerSignals:
    tokens = tokenize(Transcript.from_text(TEXT))
    windows = make_windows(tokens, (1,))
    hits = [CueHit("test", 9, 10)] if exact else []
    p = PointSignals(KeyPoint("p", "point", cues=("test",)), hits=hits, sims=np.full(len(windows), sim))
    return AnswerSignals(tokens, windows, [p], embeddings_used=True)


@pytest.mark.parametrize("sim, exact, lacking", [(0.42, False, True), (0.42, True, False), (0.6, False, False)])
def test_cue_or_similarity_rule(sim: float, exact: bool, lacking: bool) -> None:
    model = CoverageModel(Logistic((), (), 10.0, (), (), 0.5), Logistic((), (), 10.0, (), (), 0.5), (1,), cue_or_sim=0.5)
    sig = _one_point(sim, exact)
    assert lacks_evidence(sig, 0, model) is lacking
    # the model alone says covered (bias 10); the rule leaves a similarity-only point at partial
    status = decide(sig, model, Transcript.from_text(TEXT)).points[0].status
    assert status == ("partial" if lacking else "covered")
    assert CoverageModel.from_dict(model.to_dict()) == model


# ---- round 4: cue specificity from the bank, and the evidence gate ----


def _bank_question(ref: str):
    from pathlib import Path

    from voiceprep.bank.loader import load_banks

    root = Path(__file__).resolve().parents[2]
    return load_banks(root / "questions").resolve(ref)


@pytest.mark.parametrize(
    "ref, point, cue, generic",
    [
        ("netflix-pm/autonomous-decision", "impact", "impact", True),  # the word is all over the bank
        ("netflix-pm/autonomous-decision", "impact", "learned", True),
        ("netflix-pm/home-discovery", "define-problem", "browse abandon*", False),
        ("general-behavioral/receiving-feedback", "result", "since then", True),  # stop words only
        ("general-behavioral/receiving-feedback", "the-feedback", "criticism", False),
    ],
)
def test_cue_specificity_comes_from_the_bank(ref: str, point: str, cue: str, generic: bool) -> None:
    from voiceprep.analysis.coverage import cue_frequencies

    bank, q = _bank_question(ref)
    df = cue_frequencies(q, bank.questions)[point][cue]
    assert (df >= 2) is generic, df


def test_cue_specificity_needs_the_other_questions() -> None:
    from voiceprep.analysis.coverage import cue_frequencies

    _, q = _bank_question("netflix-pm/autonomous-decision")
    assert cue_frequencies(q, ()) == {}


@pytest.mark.parametrize("point_sim, lacking", [(None, True), (0.4, False), (0.45, True)])
def test_the_per_point_threshold_replaces_the_gate_threshold(point_sim: float | None, lacking: bool) -> None:
    """Round 12: with ``cue_or_sim_point`` a point needs only that much similarity; without, ``cue_or_sim``."""
    model = CoverageModel(Logistic((), (), 10.0, (), (), 0.5), Logistic((), (), 10.0, (), (), 0.5), (1,), cue_or_sim=0.5,
                          cue_or_sim_point=point_sim)
    sig = _one_point(0.42, False)
    assert lacks_evidence(sig, 0, model) is lacking
    assert decide(sig, model, Transcript.from_text(TEXT)).points[0].status == ("partial" if lacking else "covered")
    assert CoverageModel.from_dict(model.to_dict()) == model


@pytest.mark.parametrize(
    "open_sim, best, covered",
    [
        (None, 0.7, False),  # without the opener one strong point is not enough
        (0.6, 0.7, True),  # one point made plainly enough opens the answer
        (0.6, 0.55, False),  # strong for the point, not enough to open the answer
    ],
)
def test_one_point_made_plainly_opens_the_two_point_gate(open_sim: float | None, best: float, covered: bool) -> None:
    """Round 13: ``open_sim`` lets an answer with one strong point through the ``min_strong`` gate
    when that point's best window is at least this similar; the other point stays below ``cue_or_sim``."""
    always = Logistic((), (), 10.0, (), (), 0.5)
    model = CoverageModel(always, always, (1,), cue_or_sim=0.5, min_strong=2, weak_per_point=False, open_sim=open_sim)
    tokens = tokenize(Transcript.from_text(TEXT))
    windows = make_windows(tokens, (1,))
    pts = [PointSignals(KeyPoint("a", "point a"), sims=np.full(len(windows), best)),
           PointSignals(KeyPoint("b", "point b"), sims=np.full(len(windows), 0.3))]
    sig = AnswerSignals(tokens, windows, pts, embeddings_used=True)
    got = decide(sig, model, Transcript.from_text(TEXT)).points
    assert (got[0].status == "covered") is covered
    assert got[1].status != "covered"  # no cue, no window cue_or_sim similar
    assert CoverageModel.from_dict(model.to_dict()) == model


@pytest.mark.parametrize("strict, cue_window_sim, covered", [(False, 0.3, True), (True, 0.3, False), (True, 0.6, True)])
def test_a_margin_opened_answer_needs_a_similar_window_for_a_cue(strict: bool, cue_window_sim: float, covered: bool) -> None:
    """Round 14: an answer that only the topic margin let through (no strong point by similarity)
    covers a point on a specific cue only when the cue's window is ``generic_sim`` similar."""
    always = Logistic((), (), 10.0, (), (), 0.5)
    model = CoverageModel(always, always, (1,), cue_or_sim=0.7, generic_df=2, generic_sim=0.5, min_strong=2,
                          weak_per_point=False, margin_open=0.05, margin_min_strong=0, margin_strict=strict)
    tokens = tokenize(Transcript.from_text(TEXT))
    windows = make_windows(tokens, (1,))
    # a specific cue ("test", in no other question) in the third sentence
    p = PointSignals(KeyPoint("a", "point a", cues=("test",)), hits=[CueHit("test", 9, 10)],
                     sims=np.full(len(windows), cue_window_sim), cue_df={"test": 0})
    sig = AnswerSignals(tokens, windows, [p, PointSignals(KeyPoint("b", "point b"), sims=np.full(len(windows), 0.2))],
                        embeddings_used=True, topic_margin=0.1)
    assert decide(sig, model, Transcript.from_text(TEXT)).points[0].status == ("covered" if covered else "partial")
    assert CoverageModel.from_dict(model.to_dict()) == model
