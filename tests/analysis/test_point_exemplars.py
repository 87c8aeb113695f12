"""Round 25's point exemplars (voiceprep.analysis.point_exemplars): the features on hand-built
vectors, the table's bookkeeping and file, and which second look judges a question."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from voiceprep.analysis import point_exemplars as pex
from voiceprep.analysis.analyzer import pick_review
from voiceprep.analysis.options import AnalysisOptions
from voiceprep.analysis.review import record_key


def _unit(deg: float) -> np.ndarray:
    r = math.radians(deg)
    return np.array([math.cos(r), math.sin(r)], dtype=np.float32)


def _table(rows: list[tuple[str, str, float, str]]) -> pex.PointExemplars:
    """(key, label, angle in degrees, source set) per row."""
    return pex.PointExemplars(tuple(k for k, _, _, _ in rows), np.array([pex.LABELS.index(lab) for _, lab, _, _ in rows], dtype=np.int8),
                              np.stack([_unit(d) for _, _, d, _ in rows]), tuple(s for _, _, _, s in rows))


COS = lambda deg: math.cos(math.radians(deg))  # noqa: E731


def test_a_point_is_compared_with_windows_that_made_it_and_windows_that_missed_it() -> None:
    t = _table([("a", "covered", 0, "s1"), ("a", "missed", 90, "s1"), ("a", "partial", 45, "s2")])
    windows = np.stack([_unit(10), _unit(80)])
    pos, neg, margin, knn = t.point(windows, "a")
    assert pos == pytest.approx(COS(10))  # window at 10 degrees against the covered exemplar at 0
    assert neg == pytest.approx(COS(10))  # window at 80 against the missed one at 90
    assert margin == pytest.approx(COS(10) - COS(80))  # at the 10-degree window: covered minus missed
    assert knn == pytest.approx(1 / 3)  # three exemplars in all, one covered


def test_the_margin_and_neighbours_are_read_at_the_window_closest_to_a_made_point() -> None:
    t = _table([("a", "covered", 0, "s"), ("a", "covered", 5, "s"), ("a", "missed", 2, "s"),
                ("a", "missed", 60, "s"), ("a", "missed", 70, "s"), ("a", "missed", 80, "s")])
    pos, neg, margin, knn = t.point(np.stack([_unit(1), _unit(65)]), "a")
    assert pos == pytest.approx(COS(1)) and neg == pytest.approx(COS(1))  # 1 degree from both 0 and 2
    assert margin == pytest.approx(0.0, abs=1e-6)  # a missed window is as close as the covered one
    assert knn == pytest.approx(2 / 5)  # nearest five to the 1-degree window: 0, 2, 5, 60, 70


@pytest.mark.parametrize("rows, expected_nan", [
    ([], [True, True, True, True]),  # nothing known about the point
    ([("a", "missed", 0, "s")], [True, False, True, True]),  # nobody ever made it
    ([("a", "covered", 0, "s")], [False, True, False, False]),  # nobody ever missed it: margin against 0
])
def test_what_is_unknown_is_missing_not_zero(rows, expected_nan: list[bool]) -> None:
    t = _table(rows or [("other", "covered", 0, "s")])
    got = t.point(np.stack([_unit(30)]), "a")
    assert [math.isnan(v) for v in got] == expected_nan
    if rows == [("a", "covered", 0, "s")]:
        assert got[2] == pytest.approx(COS(30)) and got[3] == 1.0


def test_answer_level_features_sum_up_the_points() -> None:
    t = _table([("a", "covered", 0, "s"), ("a", "missed", 90, "s"),
                ("b", "covered", 90, "s"), ("b", "missed", 0, "s")])
    rows = t.features(np.stack([_unit(0)]), ["a", "b", "unknown"])
    assert len(rows) == 3 and all(len(r) == len(pex.FEATURES) for r in rows)
    a, b, u = (dict(zip(pex.FEATURES, r)) for r in rows)
    assert a["ex_margin"] == pytest.approx(1.0) and b["ex_margin"] == pytest.approx(-1.0)
    assert a["ex_knn"] == pytest.approx(0.5) and b["ex_knn"] == pytest.approx(0.5)
    assert math.isnan(u["ex_pos"])
    for d in (a, b, u):  # the same for every point of the answer; the unknown point is left out
        assert d["answer_ex_pos"] == pytest.approx((1.0 + 0.0) / 2)
        assert d["answer_ex_margin"] == pytest.approx(0.0)
        assert d["answer_ex_knn_points"] == 0  # 0.5 < KNN_MADE
        assert d["answer_ex_margin_points"] == 1
    assert all(math.isnan(v) for r in t.features(None, ["a", "b"]) for v in r)


def test_a_table_covers_a_question_only_if_every_point_was_made_somewhere() -> None:
    t = _table([("a", "covered", 0, "s1"), ("b", "missed", 0, "s1"), ("b", "covered", 0, "s2")])
    assert t.covers(["a", "b"])
    assert not t.covers(["a", "b", "c"]) and not t.covers([])
    without = t.without({"s2"})
    assert without.keys == ("a", "b") and not without.covers(["a", "b"])  # b was only ever made in s2


def test_the_file_round_trips_and_a_damaged_one_is_refused(tmp_path: Path) -> None:
    t = _table([("a", "covered", 0, "s1"), ("a", "missed", 33, "s2")])
    f = tmp_path / pex.FILE
    t.save(f, {"rule": "test"})
    back = pex.load_point_exemplars(str(f))
    assert back is not None and back.keys == t.keys and back.sources == t.sources
    assert back.labels.tolist() == t.labels.tolist()
    assert back.vectors == pytest.approx(t.vectors, abs=1e-3)  # float16 on disk, renormalised
    assert pex.load_point_exemplars(str(f), frozenset({"s1"})).keys == ("a",)
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    assert pex.load_point_exemplars(str(bad)) is None
    assert pex.load_point_exemplars(str(tmp_path / "missing.npz")) is None
    wrong = tmp_path / "wrong.npz"
    np.savez(wrong, vectors=t.vectors, keys=np.array(t.keys), labels=np.array([0, 7], dtype=np.int8),
             sources=np.array(t.sources), encoder_sha256=np.array(""))
    assert pex.load_point_exemplars(str(wrong)) is None  # a label this version does not know


def test_the_evidence_window_is_the_one_most_like_the_point() -> None:
    from voiceprep.analysis.coverage import AnswerSignals

    sig = AnswerSignals([], [], [], window_vecs=np.stack([_unit(0), _unit(50), _unit(90)]),
                        window_point_sims=np.array([[0.1, 0.9, 0.2], [0.7, 0.1, 0.1]]))
    assert pex.evidence_vector(sig, 0) == pytest.approx(_unit(50))
    assert pex.evidence_vector(sig, 1) == pytest.approx(_unit(0))
    assert pex.evidence_vector(AnswerSignals([], [], []), 0) is None


def test_a_question_without_exemplars_keeps_round_24s_second_look(tmp_path: Path) -> None:
    from voiceprep.bank.model import KeyPoint, Question

    q = Question("mine", "behavioral", "My own question?", (KeyPoint("k", "my own point"),), 120)
    review, exemplars = pick_review(q, AnalysisOptions())
    assert exemplars is None and (review is None or not review.uses_exemplars)
    # a table that knows the point, with no round-25 file: round 24's look, not a half-configured one
    t = _table([(record_key(q.prompt, "my own point"), "covered", 0, "s")])
    t.save(tmp_path / pex.FILE)
    review, exemplars = pick_review(q, AnalysisOptions(point_exemplars=str(tmp_path / pex.FILE),
                                                       review_exemplars=str(tmp_path / "none.json")))
    assert exemplars is None and (review is None or not review.uses_exemplars)


# ---- the shipped table and second look ----

ROOT = Path(__file__).resolve().parents[2]


def _shipped() -> pex.PointExemplars:
    t = pex.load_point_exemplars()
    assert t is not None, pex.point_exemplars_path()
    return t


def test_the_shipped_table_belongs_to_the_shipped_encoder_and_knows_every_built_in_point() -> None:
    import hashlib

    from voiceprep.analysis.embeddings import model_path
    from voiceprep.bank.loader import load_banks

    t = _shipped()
    assert t.encoder_sha256 == hashlib.sha256(model_path().read_bytes()).hexdigest()
    banks = load_banks(ROOT / "questions")
    questions = [q for b in banks.banks for q in b.questions]
    assert questions and all(t.covers([record_key(q.prompt, kp.text) for kp in q.key_points]) for q in questions)


def test_no_sealed_set_is_in_the_table_or_the_review() -> None:
    import json

    from tests.analysis.test_coverage_accuracy import SEALED
    from voiceprep.analysis import review as rv

    assert set(_shipped().sources) and not set(_shipped().sources) & SEALED
    raw = json.loads(rv.review_path(rv.EXEMPLAR_FILE).read_text(encoding="utf-8"))
    assert set(raw["meta"]["fitted_on"]) and not set(raw["meta"]["fitted_on"]) & SEALED


def test_the_shipped_exemplar_review_reproduces_scikit_learn() -> None:
    import json

    from voiceprep.analysis import review as rv

    raw = json.loads(rv.review_path(rv.EXEMPLAR_FILE).read_text(encoding="utf-8"))
    r = rv.load_review(str(rv.review_path(rv.EXEMPLAR_FILE)))
    assert r is not None and r.uses_exemplars and r.promote_in == rv.OPENINGS and 0.3 <= r.threshold <= 0.6
    check = raw["meta"]["check"]
    assert len(check) >= 10
    x = np.array([[math.nan if v is None else v for v in c["x"]] for c in check])
    assert r.trees.prob(x) == pytest.approx([c["p"] for c in check], abs=1e-8)


@pytest.mark.model
def test_a_built_in_question_is_judged_with_its_exemplars_and_an_edited_one_without() -> None:
    """Through analyze() as the app runs it: the real encoder, table and files."""
    from dataclasses import replace

    from voiceprep.analysis.analyzer import analyze
    from voiceprep.analysis.transcript import Transcript
    from voiceprep.bank.loader import load_banks

    bank, q = load_banks(ROOT / "questions").resolve("netflix-pm/home-discovery")
    text = ("So the real problem is people scroll for ages and never press play. I'd split members by tenure and "
            "device, make the rows fewer and more personal, and measure the share of sessions that start a title "
            "within a few minutes, with retention as the guardrail, in an A/B test on a slice of members.")
    r = analyze(Transcript.from_text(text), bank, q, None, AnalysisOptions())
    assert r.coverage.review == "point-review-exemplars"
    assert [p.id for p in r.coverage.points] == [kp.id for kp in q.key_points]
    edited = replace(q, key_points=(replace(q.key_points[0], text=q.key_points[0].text + " (my wording)"),
                                    *q.key_points[1:]))
    e = analyze(Transcript.from_text(text), bank, edited, None, AnalysisOptions())
    assert e.coverage.review == "point-review"  # one point has no exemplars: round 24's look for the answer
    off = analyze(Transcript.from_text(text), bank, q, None, AnalysisOptions(exemplar_review=False))
    assert off.coverage.review == "point-review"


@pytest.mark.model
@pytest.mark.parametrize("damage", ["width", "encoder"])
def test_a_table_that_does_not_fit_falls_back_to_round_24s_look(tmp_path: Path, damage: str) -> None:
    """A table of vectors of another width, or from another encoder than the review's, would
    fail mid-analysis or judge with meaningless features: round 24's look judges instead."""
    from voiceprep.analysis import review as rv
    from voiceprep.analysis.analyzer import analyze
    from voiceprep.analysis.transcript import Transcript
    from voiceprep.bank.loader import load_banks

    bank, q = load_banks(ROOT / "questions").resolve("netflix-pm/home-discovery")
    keys = [record_key(q.prompt, kp.text) for kp in q.key_points]
    shipped = rv.load_review(str(rv.review_path(rv.EXEMPLAR_FILE)))
    assert shipped is not None
    dim, sha = (2, shipped.encoder_sha256) if damage == "width" else (_shipped().vectors.shape[1], "another encoder")
    vecs = np.ones((len(keys), dim), dtype=np.float32) / math.sqrt(dim)
    pex.PointExemplars(tuple(keys), np.full(len(keys), pex.LABELS.index("covered"), dtype=np.int8), vecs,
                       tuple("s" for _ in keys), sha).save(tmp_path / pex.FILE)
    text = "People scroll for ages and never press play. I would test fewer, more personal rows in an A/B test."
    r = analyze(Transcript.from_text(text), bank, q, None, AnalysisOptions(point_exemplars=str(tmp_path / pex.FILE)))
    assert r.coverage.review == "point-review"
    assert len(r.coverage.points) == len(keys)
