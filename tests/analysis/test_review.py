"""Round 19's second look (voiceprep.analysis.review): the tree evaluator, the point records, what
it may and may not change, the shipped file, and the real path through analyze()."""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from voiceprep.analysis import review as rv
from voiceprep.analysis.analyzer import analyze, coverage_signals
from voiceprep.analysis import coverage as cov
from voiceprep.analysis.embeddings import model_path
from voiceprep.analysis.fillers import find_fillers
from voiceprep.analysis.options import AnalysisOptions
from voiceprep.analysis.report import AnswerReport
from voiceprep.analysis.text import tokenize
from voiceprep.analysis.transcript import Transcript
from voiceprep.bank.loader import load_banks

from tests.analysis.test_coverage_accuracy import SEALED

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = ROOT / "questions"


def _stump(feature: int, threshold: float, low: float, high: float, nan_left: bool = False) -> dict:
    return {"feature": [feature, 0, 0], "threshold": [threshold, 0.0, 0.0], "nan_left": [int(nan_left), 0, 0],
            "left": [1, 0, 0], "right": [2, 0, 0], "leaf": [0, 1, 1], "value": [0.0, low, high]}


def _trees(baseline: float, *stumps: dict) -> rv.Trees:
    """Concatenate stumps into the flattened layout (child indices are global)."""
    d: dict[str, list] = {k: [] for k in ("roots", "feature", "threshold", "nan_left", "left", "right", "leaf", "value")}
    for s in stumps:
        off = len(d["feature"])
        d["roots"].append(off)
        for k in ("feature", "threshold", "nan_left", "leaf", "value"):
            d[k] += s[k]
        d["left"] += [off + v for v in s["left"]]
        d["right"] += [off + v for v in s["right"]]
    return rv.Trees.from_dict({"baseline": baseline, **d})


@pytest.mark.parametrize(("x", "raw"), [
    ([0.5, 0.0], 0.1 - 1.0 - 0.5),  # x0 <= 1 -> left, x1 <= 0 -> left
    ([1.0, 0.0], 0.1 - 1.0 - 0.5),  # the threshold itself goes left
    ([2.0, 3.0], 0.1 + 2.0 + 0.25),
    ([math.nan, math.nan], 0.1 + 2.0 - 0.5),  # NaN follows each node's own direction
])
def test_trees_sum_the_leaves_of_every_tree(x: list[float], raw: float) -> None:
    t = _trees(0.1, _stump(0, 1.0, -1.0, 2.0, nan_left=False), _stump(1, 0.0, -0.5, 0.25, nan_left=True))
    assert t.raw(np.array([x]))[0] == pytest.approx(raw)
    assert t.prob(np.array([x]))[0] == pytest.approx(1 / (1 + math.exp(-raw)))
    back = rv.Trees.from_dict(json.loads(json.dumps(t.to_dict())))
    assert back.raw(np.array([x]))[0] == pytest.approx(raw)


def test_a_point_record_is_smoothed_towards_the_pool() -> None:
    prior_p, prior_q = 0.8, 0.6
    none = rv.record_features(None, prior_p, prior_q)
    assert none == pytest.approx([math.log(0.8 / 0.2), math.log(0.6 / 0.4)])
    # over-called everywhere: 2 of 10 covered were right
    bad = rv.record_features(rv.PointRecord(10, 2, 12, 2), prior_p, prior_q)
    p = (2 + rv.PSEUDO * 0.8) / (10 + rv.PSEUDO)
    assert bad[0] == pytest.approx(math.log(p / (1 - p))) and bad[0] < none[0] and bad[1] < none[1]


def test_a_record_belongs_to_the_point_text_under_its_question() -> None:
    k = rv.record_key("Why Netflix?", "Name a recent move")
    assert k == rv.record_key("Why  Netflix?", "name a recent   move")  # case and spacing aside
    assert k != rv.record_key("Why Netflix?", "Name a recent move, with its numbers")
    assert k != rv.record_key("Why us?", "Name a recent move")


def _first_pass(text: str, ref: str = "netflix-pm/home-discovery", **opts: object):
    bank, q = load_banks(QUESTIONS).resolve(ref)
    options = AnalysisOptions(**opts)  # type: ignore[arg-type]
    tr = Transcript.from_text(text)
    tokens = tokenize(tr)
    ft = {k for h in find_fillers(tokens, options.fillers) for k in range(h.tok_start, h.tok_end)}
    sig, _, model = coverage_signals(tokens, ft, bank, q, options)
    return q, sig, model, cov.decide(sig, model, tr)


ROUND24 = rv.BASE_FEATURES + rv.DETAIL_FEATURES + rv.RECORD_FEATURES


def _constant(raw: float, features: tuple[str, ...] = ROUND24, promote_in: tuple[str | None, ...] = rv.PROMOTE_IN) -> rv.PointReview:
    return rv.PointReview(_trees(raw), 0.5, {}, 0.8, 0.6, features, "", promote_in)


HOME = ("Um, so the home page problem is really browse abandonment: people scroll for ages and never press "
        "play. I'd start by segmenting members by tenure and device, because new members and TV users browse "
        "differently. Then I'd improve the rows, fewer and more personal, and test better artwork. The metric "
        "I care about is the share of sessions that start a title within a few minutes, with retention as the "
        "guardrail, and I'd run an A/B test on a slice of members before rolling it out.")


@pytest.mark.model
def test_the_review_may_move_covered_and_partial_only() -> None:
    """A review that says 'covered' to everything promotes every partial point and leaves missed
    ones missed; one that says 'no' to everything demotes covered to partial. Scores follow."""
    q, sig, model, first = _first_pass(HOME)
    before = [p.status for p in first.points]
    assert "missed" in before or "partial" in before
    yes = replace(first, points=[replace(p) for p in first.points])
    rv.apply(_constant(5.0), q.prompt, sig, model, yes)
    for b, p in zip(before, yes.points):
        assert p.status == ("missed" if b == "missed" else "covered")
        assert (p.review_p is None) == (b == "missed")
    assert yes.review == "point-review" and yes.score >= first.score
    no = replace(first, points=[replace(p) for p in first.points])
    rv.apply(_constant(-5.0), q.prompt, sig, model, no)
    assert [p.status for p in no.points] == ["missed" if b == "missed" else "partial" for b in before]
    assert no.score <= first.score


def _signals(point_sims: list[list[float]], sub_sims: list[list[list[float]] | None],
             prompt_sims: list[float] | None, hits: list[list[tuple[str, bool, bool]]], n_tokens: int = 19):
    """AnswerSignals with given cosines (points x windows) and cue hits (cue, fuzzy, negated)."""
    from voiceprep.analysis.coverage import AnswerSignals, PointSignals, Window
    from voiceprep.analysis.cues import CueHit
    from voiceprep.analysis.text import Token
    from voiceprep.bank.model import KeyPoint

    tokens = [Token(f"w{i}", i, None, None) for i in range(n_tokens)]
    windows = [Window(k, k + 1, f"w{k}") for k in range(len(point_sims[0]))] if point_sims else []
    points = [PointSignals(KeyPoint(f"p{i}", f"point {i}"), [CueHit(c, 0, 1, f, n) for c, f, n in hits[i]],
                           sims=np.array(row), sub_sims=None if sub is None else np.array(sub))
              for i, (row, sub) in enumerate(zip(point_sims, sub_sims))]
    return AnswerSignals(tokens, windows, points, prompt_sims=None if prompt_sims is None else np.array(prompt_sims))


def test_detail_features_describe_how_much_of_the_point_was_said_and_where() -> None:
    sig = _signals(
        [[0.2, 0.6, 0.58, 0.1],  # best at window 1; window 2 within the 0.05 band
         [0.3, 0.7, 0.2, 0.5]],  # closer than point 0 to window 1
        [[[0.2, 0.6, 0.4, 0.1], [0.1, 0.2, 0.3, 0.25]], None],  # two parts: the second never said (best 0.3)
        [0.9, 0.4, 0.3, 0.2],
        [[("ab test", False, False), ("ab test", False, False), ("holdout", True, False)], [("metric", False, True)]])
    d0, d1 = (dict(zip(rv.DETAIL_FEATURES, row)) for row in rv._details(sig))
    assert d0["sub_min"] == pytest.approx(0.3) and d0["sub_count"] == 2
    assert math.isnan(d1["sub_min"]) and d1["sub_count"] == 1
    assert d0["point_margin"] == pytest.approx(0.6 - 0.7) and d0["point_at_best_rank"] == 0
    assert d1["point_margin"] == pytest.approx(0.7 - 0.6) and d1["point_at_best_rank"] == 1
    assert d0["support"] == 2 and d1["support"] == 1
    assert d0["top3_mean"] == pytest.approx((0.6 + 0.58 + 0.2) / 3)
    assert d0["prompt_at_best"] == pytest.approx(0.4)  # both points are best at window 1
    assert d0["answer_tokens"] == pytest.approx(math.log(20))
    assert d0["cue_hits"] == 1 and d1["cue_hits"] == 0  # one distinct exact cue; fuzzy and negated hits do not count


def test_detail_features_without_cosines_are_missing_not_zero() -> None:
    sig = _signals([], [], None, [])
    assert rv._details(sig) == []
    from voiceprep.analysis.coverage import AnswerSignals, PointSignals
    from voiceprep.bank.model import KeyPoint

    cue_only = AnswerSignals(sig.tokens, [], [PointSignals(KeyPoint("p", "point"))])
    (row,) = rv._details(cue_only)
    d = dict(zip(rv.DETAIL_FEATURES, row))
    assert all(math.isnan(d[k]) for k in ("sub_min", "point_margin", "support", "top3_mean", "prompt_at_best"))
    assert d["sub_count"] == 1 and d["cue_hits"] == 0


def test_a_file_names_the_features_its_trees_read() -> None:
    """A review fitted on fewer features (rounds 20-22) reads its own columns from the full row."""
    names = rv.BASE_FEATURES + rv.RECORD_FEATURES
    t = _trees(0.0, _stump(names.index("point_precision"), 0.0, -1.0, 1.0))
    r = rv.PointReview(t, 0.5, {}, 0.8, 0.6, names)
    back = rv.PointReview.from_dict(json.loads(json.dumps(r.to_dict())))
    assert back.features == names
    base = [0.0] * (len(rv.BASE_FEATURES) + len(rv.DETAIL_FEATURES))
    row = back.row(base, "no record")
    assert len(row) == len(names) and row[-2:] == rv.record_features(None, 0.8, 0.6)
    assert back.trees.prob(np.array([row]))[0] > 0.5  # the pool's precision 0.8 is above 0.0 in logit terms


@pytest.mark.parametrize("status, opening, exemplar_closed, expected", [
    ("covered", "strong", False, True),
    ("covered", "margin", False, True),  # a covered point can always be held back
    ("partial", "strong", False, True),
    ("partial", "sim", False, True),
    ("partial", "margin", False, False),  # round 22: opened on the whole answer's topicality alone
    ("partial", None, False, False),  # round 20: the gates closed the answer
    ("missed", "strong", False, False),  # nothing said, nothing to promote
    ("covered", "strong", True, False),  # the answer sounds like another question's
])
def test_which_points_the_review_may_re_decide(status: str, opening: str | None, exemplar_closed: bool,
                                               expected: bool) -> None:
    assert rv.may_review(status, True, exemplar_closed, opening) is expected
    assert not rv.may_review(status, False, exemplar_closed, opening)  # no words
    # round 25, with the point exemplars: every covered or partial point of an answer the exemplar
    # gate left open, whatever opened the first pass's gates; still nothing missed, nothing gated
    wide = status in ("covered", "partial") and not exemplar_closed
    assert rv.may_review(status, True, exemplar_closed, opening, rv.OPENINGS) is wide


def test_a_file_says_which_openings_it_re_decides() -> None:
    old = rv.PointReview.from_dict(json.loads(json.dumps({k: v for k, v in _constant(0.0).to_dict().items()
                                                           if k != "promote_in"})))
    assert old.promote_in == rv.PROMOTE_IN and old.name == "point-review"  # files before round 25
    names = rv.FEATURES
    wide = rv.PointReview(_trees(0.0), 0.5, {}, 0.8, 0.6, names, "", rv.OPENINGS)
    back = rv.PointReview.from_dict(json.loads(json.dumps(wide.to_dict())))
    assert back.promote_in == rv.OPENINGS and back.uses_exemplars and back.name == "point-review-exemplars"
    d = wide.to_dict()
    d["promote_in"] = ["strong", "whenever"]
    with pytest.raises(ValueError):
        rv.PointReview.from_dict(d)


@pytest.mark.model
def test_partials_of_an_answer_opened_by_topicality_alone_stay_partial(monkeypatch: pytest.MonkeyPatch) -> None:
    q, sig, model, first = _first_pass(HOME)
    before = [p.status for p in first.points]
    assert "partial" in before or "covered" in before
    monkeypatch.setattr(cov, "gate_opening", lambda s, m: "margin")
    yes = replace(first, points=[replace(p) for p in first.points])
    rv.apply(_constant(5.0), q.prompt, sig, model, yes)
    assert [p.status for p in yes.points] == before
    assert [p.review_p is not None for p in yes.points] == [b == "covered" for b in before]
    no = replace(first, points=[replace(p) for p in first.points])
    rv.apply(_constant(-5.0), q.prompt, sig, model, no)
    assert [p.status for p in no.points] == ["partial" if b == "covered" else b for b in before]


@pytest.mark.model
def test_an_answer_the_exemplar_gate_closed_is_left_alone() -> None:
    story = ("A colleague kept interrupting junior engineers in design reviews. I took him aside after one "
             "meeting and told him what I saw and how it landed. He was defensive at first, then we agreed he'd "
             "hold his comments until the presenter finished, and the reviews got better.")
    q, sig, model, first = _first_pass(story, "general-behavioral/mistake")
    assert cov.exemplar_closed(sig, model)
    statuses = [p.status for p in first.points]
    rv.apply(_constant(5.0), q.prompt, sig, model, first)
    assert [p.status for p in first.points] == statuses and all(p.review_p is None for p in first.points)


def test_a_missing_or_corrupt_review_file_leaves_the_first_pass(tmp_path: Path) -> None:
    bad = tmp_path / "point-review.json"
    bad.write_text("{not json", encoding="utf-8")
    assert rv.load_review(str(bad)) is None
    assert rv.load_review(str(tmp_path / "missing.json")) is None
    wrong = tmp_path / "other.json"
    d = _constant(0.0).to_dict()
    d["features"] = ["something", "else"]
    wrong.write_text(json.dumps(d), encoding="utf-8")
    assert rv.load_review(str(wrong)) is None


@pytest.mark.parametrize("damage", ["child", "feature", "length", "root"])
def test_a_damaged_tree_file_is_refused_at_load(tmp_path: Path, damage: str) -> None:
    """Parseable but damaged trees would fail mid-analysis; they are refused when loaded."""
    d = rv.PointReview(_trees(0.0, _stump(0, 1.0, -1.0, 2.0)), 0.5, {}, 0.8, 0.6).to_dict()
    t = d["trees"]
    if damage == "child":
        t["right"][0] = 99
    elif damage == "feature":
        t["feature"][0] = len(rv.FEATURES)
    elif damage == "length":
        t["value"].pop()
    else:
        t["roots"] = [5]
    f = tmp_path / "point-review.json"
    f.write_text(json.dumps(d), encoding="utf-8")
    assert rv.load_review(str(f)) is None
    intact = tmp_path / "intact.json"
    intact.write_text(json.dumps(rv.PointReview(_trees(0.0, _stump(0, 1.0, -1.0, 2.0)), 0.5, {}, 0.8, 0.6).to_dict()),
                      encoding="utf-8")
    assert rv.load_review(str(intact)) is not None


@pytest.mark.model
def test_analyze_without_a_review_file_gives_the_first_pass(tmp_path: Path) -> None:
    bank, q = load_banks(QUESTIONS).resolve("netflix-pm/home-discovery")
    off = analyze(Transcript.from_text(HOME), bank, q, None, AnalysisOptions(point_review=False))
    gone = analyze(Transcript.from_text(HOME), bank, q, None, AnalysisOptions(review=str(tmp_path / "none.json"),
                                                                             review_exemplars=str(tmp_path / "none.json")))
    assert off.coverage.review is None and gone.coverage.review is None
    assert [p.status for p in off.coverage.points] == [p.status for p in gone.coverage.points]


# ---- the shipped file ----

def _shipped() -> rv.PointReview:
    r = rv.load_review()
    assert r is not None, rv.review_path()
    return r


def test_the_shipped_review_reproduces_scikit_learn() -> None:
    """The fitter stored rows with scikit-learn's probabilities; the numpy evaluator must agree."""
    raw = json.loads(rv.review_path().read_text(encoding="utf-8"))
    check = raw["meta"]["check"]
    assert len(check) >= 10
    x = np.array([[math.nan if v is None else v for v in c["x"]] for c in check])
    assert _shipped().trees.prob(x) == pytest.approx([c["p"] for c in check], abs=1e-8)


def test_the_shipped_review_belongs_to_the_shipped_encoder_and_knows_the_built_in_points() -> None:
    r = _shipped()
    assert r.encoder_sha256 == hashlib.sha256(model_path().read_bytes()).hexdigest()
    assert 0.3 <= r.threshold <= 0.6 and r.features == ROUND24  # round 24: the detail features too
    banks = load_banks(QUESTIONS)
    keys = [rv.record_key(q.prompt, kp.text) for b in banks.banks for q in b.questions for kp in q.key_points]
    assert sum(k in r.records for k in keys) / len(keys) > 0.9


def test_no_sealed_set_is_in_the_review() -> None:
    raw = json.loads(rv.review_path().read_text(encoding="utf-8"))
    fitted = set(raw["meta"]["fitted_on"])
    assert not fitted & SEALED
    assert "coverage-holdout17" in fitted  # spent in round 20, fitted on since round 21


@pytest.mark.model
def test_a_real_answer_is_reviewed_through_analyze() -> None:
    """A strong labelled answer, through the real encoder, exemplars and shipped reviews (round 25's,
    with the other sets' point exemplars; round 24's without any): every re-decided point follows its
    probability, and the points the labeller credited stay covered."""
    data = json.loads((ROOT / "tests" / "data" / "coverage-holdout16" / "netflix-pm--ads-tier-growth.json").read_text(encoding="utf-8"))
    strong = next(a for a in data["answers"] if a["kind"] == "strong")
    bank, q = load_banks(QUESTIONS).resolve(data["question"])
    for opts, name, shipped in ((AnalysisOptions(exemplars_without=frozenset({"coverage-holdout16"})), "point-review-exemplars",
                                 rv.load_review(str(rv.review_path(rv.EXEMPLAR_FILE)))),
                                (AnalysisOptions(exemplar_review=False), "point-review", _shipped())):
        r = analyze(Transcript.from_text(strong["text"]), bank, q, None, opts)
        assert r.coverage.review == name and shipped is not None
        credited = {pid for pid, lab in strong["labels"].items() if lab == "covered"}
        got = {p.id for p in r.coverage.points if p.status == "covered"}
        assert len(got & credited) >= len(credited) - 1 and not got - credited
        reviewed = [p for p in r.coverage.points if p.review_p is not None]
        assert reviewed and all((p.status == "covered") == (p.review_p >= shipped.threshold) for p in reviewed)
        assert "covered" in {p.status for p in r.coverage.points}
        back = AnswerReport.from_dict(json.loads(json.dumps(r.to_dict())))
        assert back.coverage.review == name
        assert [p.review_p for p in back.coverage.points] == [p.review_p for p in r.coverage.points]


@pytest.mark.model
@pytest.mark.parametrize("made_here", [True, False])
def test_an_exemplar_review_reads_the_answers_windows_against_the_table(monkeypatch: pytest.MonkeyPatch,
                                                                        made_here: bool) -> None:
    """Round 25's wiring on real signals: trees that cover a point only if some window of the
    answer is (nearly) a window that made it elsewhere. A table holding this answer's own evidence
    windows covers every covered or partial point, even with the gates shut; a table of windows
    unlike any of the answer's covers none."""
    from voiceprep.analysis import point_exemplars as pex

    q, sig, model, first = _first_pass(HOME)
    before = [p.status for p in first.points]
    keys = [rv.record_key(q.prompt, kp.text) for kp in q.key_points]
    vecs = np.stack([pex.evidence_vector(sig, i) for i in range(len(keys))])
    if not made_here:
        vecs = -vecs  # MiniLM windows of an on-topic answer are never anti-parallel to its own
    table = pex.PointExemplars(tuple(keys), np.full(len(keys), pex.LABELS.index("covered"), dtype=np.int8),
                               vecs.astype(np.float32), tuple("s" for _ in keys))
    trees = _trees(0.0, _stump(rv.FEATURES.index("ex_pos"), 0.99, -5.0, 5.0))
    review = rv.PointReview(trees, 0.5, {}, 0.8, 0.6, rv.FEATURES, "", rv.OPENINGS)
    monkeypatch.setattr(cov, "gate_opening", lambda s, m: None)  # round 24 would promote nothing here
    rv.apply(review, q.prompt, sig, model, first, table)
    assert first.review == "point-review-exemplars"
    want = "covered" if made_here else "partial"
    assert [p.status for p in first.points] == ["missed" if b == "missed" else want for b in before]
