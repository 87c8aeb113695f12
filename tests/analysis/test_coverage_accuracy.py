"""Coverage accuracy through analyze() as shipped.

The shipped model is round 7's (the encoder fine-tuned on tests/data/coverage and
coverage-holdout through coverage-holdout4; the coverage model fitted on those, holdout 5 used to
choose it), so accuracy on those is not guarded here. The floors are on the three sets it was
never fitted on, each scored after it was frozen: holdout 6 (its one evaluation, round 7),
holdouts 7 and 8 (round 8: round 8's method was scored once on each, did worse, and was not
shipped; round 7's figures on them are the ones below). See voiceprep/analysis/README.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from voiceprep.analysis import calibrate as cal
from voiceprep.analysis.analyzer import analyze
from voiceprep.analysis.coverage import decide, load_models, pick_model
from voiceprep.analysis.embeddings import get_embedder
from voiceprep.analysis.options import AnalysisOptions
from voiceprep.analysis.trained import question_trained
from voiceprep.analysis.transcript import Transcript
from voiceprep.bank.loader import load_banks

pytestmark = [pytest.mark.model, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT / "tests" / "data" / "coverage"
DEV2 = ROOT / "tests" / "data" / "coverage-holdout"  # the first holdout: development data since round 3
DEV3 = ROOT / "tests" / "data" / "coverage-holdout2"  # the second holdout: development data since round 4
DEV4 = ROOT / "tests" / "data" / "coverage-holdout3"  # the third holdout: development data since round 5
DEV5 = ROOT / "tests" / "data" / "coverage-holdout4"  # the fourth holdout: development data since round 6
DEV6 = ROOT / "tests" / "data" / "coverage-holdout5"  # the fifth holdout: development data since round 7
DEV7 = ROOT / "tests" / "data" / "coverage-train8"  # round 8's training answers (hard negation and talk-around kinds)


def _answers(folder: Path):
    banks = load_banks(ROOT / "questions")
    for f in sorted(folder.glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        found = banks.resolve(d["question"])
        assert found is not None, d["question"]
        for a in d["answers"]:
            yield found[0], found[1], a


def _statuses(bank, q, a) -> dict[str, str]:
    r = analyze(Transcript.from_text(a["text"]), bank, q, None, AnalysisOptions())
    assert r.coverage.method == "cues+embeddings", r.coverage.embedding_error
    return {p.id: p.status for p in r.coverage.points}


KNOWN_OFF_TOPIC_FAILURES = {"h4-ba-06", "t8-kids-05", "t8-prio-03"}


def test_development_off_topic_answers_with_a_covered_point_are_only_the_known_ones() -> None:
    dev = (DEV, DEV2, DEV3, DEV4, DEV5, DEV6, DEV7)
    off = [(a["id"], _statuses(b, q, a)) for d in dev for b, q, a in _answers(d) if a["kind"] == "off-topic"]
    assert len(off) >= 54
    # known failures, measured: h4-ba-06 (since round 7), a gaming PM's "tell me about yourself"
    # scored against battle-for-attention, covers points on cues that are specific in the bank
    # ("gaming", "stories", "experiments" + "retention"); t8-kids-05 and t8-prio-03 (round 8's
    # training answers, written to name the question's domain in passing: "at my last job we ran
    # experiments and cared about retention"). Any other off-topic answer with a covered point is
    # a regression; fixing one of these should update the set.
    assert {i for i, p in off if "covered" in p.values()} == KNOWN_OFF_TOPIC_FAILURES


def test_analyze_decides_as_the_bench_that_fitted_the_model() -> None:
    """The bench fits and scores on signals it extracts itself; analyze() must reach the same
    statuses, or the figures in the README would not describe the app."""
    models = load_models()
    embedder = get_embedder()
    checked = 0
    for bank, q, a in list(_answers(DEV))[::9]:
        _, model = pick_model(models, True, question_trained(q))
        sig = cal.with_windows(cal.signals_for(a["text"], q, embedder, (1, 2, 3), bank.questions), model.windows)
        bench = {p.id: p.status for p in decide(sig, model, Transcript.from_text(a["text"])).points}
        assert bench == _statuses(bank, q, a), a["id"]
        checked += 1
    assert checked >= 6


# ---- held-out sets: each is scored once, after a method is frozen, and becomes development data
# in the next round (holdout 2: round 3, F1 0.794; holdout 3: round 4, F1 0.720; holdout 4:
# round 5, F1 0.707 and 1 of 8 off-topic answers covered; holdout 5: round 6, F1 0.761; see
# voiceprep/analysis/README.md) ----

# measured with the shipped round-7 method; each floor leaves 0.02 for numeric drift across
# onnxruntime builds
HOLDOUT_FLOORS = {
    # its one evaluation (commit e64b748): F1 0.783 (P 0.747, R 0.822), 56 answers, 8 new questions
    "coverage-holdout6": 0.76,
    # round 8 (commit 51d1b03 froze round 8; round 7 was frozen before the set was written):
    # F1 0.650 (P 0.776, R 0.559), 42 answers, 6 questions without development data
    "coverage-holdout7": 0.63,
    # the same: F1 0.792 (P 0.741, R 0.851), 56 fresh answers to 8 questions that have
    # development data (how a user practising the built-in bank meets it)
    "coverage-holdout8": 0.77,
}
TARGET_F1 = 0.85


def _predictions(name: str):
    folder = ROOT / "tests" / "data" / name
    assert any(folder.glob("*.json")), folder
    return [(a, _statuses(b, q, a)) for b, q, a in _answers(folder)]


@pytest.fixture(scope="module")
def holdout_predictions():
    return {name: _predictions(name) for name in HOLDOUT_FLOORS}


def _covered_f1(predictions) -> tuple[float, float, float]:
    tp = fp = fn = 0
    for a, pred in predictions:
        for pid, label in a["labels"].items():
            got, want = pred[pid] == "covered", label == "covered"
            tp += got and want
            fp += got and not want
            fn += want and not got
    precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    return precision, recall, 2 * precision * recall / max(precision + recall, 1e-9)


@pytest.mark.parametrize("name", sorted(HOLDOUT_FLOORS))
def test_covered_f1_on_the_holdout_meets_the_floor(holdout_predictions, name: str) -> None:
    p, r, f1 = _covered_f1(holdout_predictions[name])
    assert f1 >= HOLDOUT_FLOORS[name], (name, p, r, f1)


@pytest.mark.parametrize("name", sorted(HOLDOUT_FLOORS))
def test_no_off_topic_holdout_answer_has_a_covered_point(holdout_predictions, name: str) -> None:
    off = [(a["id"], pred) for a, pred in holdout_predictions[name] if a["kind"] == "off-topic"]
    assert len(off) >= 4
    assert [(i, p) for i, p in off if "covered" in p.values()] == []


@pytest.mark.xfail(strict=True, reason="known failure, measured with round 7: F1 0.783, 0.650 and 0.792 on holdouts "
                                       "6, 7 and 8 (precision 0.75, 0.78, 0.74)")
def test_covered_f1_on_every_holdout_meets_the_target(holdout_predictions) -> None:
    assert min(_covered_f1(holdout_predictions[name])[2] for name in HOLDOUT_FLOORS) >= TARGET_F1
