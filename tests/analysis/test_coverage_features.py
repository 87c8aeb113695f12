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
