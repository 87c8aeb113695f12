"""Coverage accuracy through analyze() as shipped.

The shipped model (and, since round 6, the sentence encoder) is fitted on every answer of
tests/data/coverage and coverage-holdout through coverage-holdout4 (the development data since
round 6), and holdout 5 was used to choose round 7 after its one evaluation, so accuracy on them
is not guarded here; the accuracy floor is on the sixth held-out set (tests/data/coverage-holdout6),
scored once after the round-7 method was frozen. See voiceprep/analysis/README.md for the protocol and the measured figures.
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


KNOWN_OFF_TOPIC_FAILURES = {"h4-ba-06"}


def test_development_off_topic_answers_with_a_covered_point_are_only_the_known_one() -> None:
    off = [(a["id"], _statuses(b, q, a)) for d in (DEV, DEV2, DEV3, DEV4, DEV5, DEV6) for b, q, a in _answers(d) if a["kind"] == "off-topic"]
    assert len(off) >= 44
    # known failure since round 7, measured: h4-ba-06, a gaming PM's "tell me about yourself"
    # scored against battle-for-attention, covers points on cues that are specific in the bank
    # ("gaming", "stories", "experiments" + "retention"). Any other off-topic answer with a
    # covered point is a regression; fixing this one should update the set.
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

HOLDOUT = ROOT / "tests" / "data" / "coverage-holdout6"
# measured in the one run of the frozen round-7 method (commit e64b748): F1 0.783 (P 0.747,
# R 0.822), 56 answers, 266 labels, 0 of 8 off-topic answers with a covered point. The floor
# leaves 0.02 for numeric drift across onnxruntime builds.
HOLDOUT_F1_FLOOR = 0.76
TARGET_F1 = 0.85


@pytest.fixture(scope="module")
def holdout_predictions():
    if not any(HOLDOUT.glob("*.json")):
        pytest.skip("no held-out set")
    return [(a, _statuses(b, q, a)) for b, q, a in _answers(HOLDOUT)]


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


def test_covered_f1_on_the_holdout_meets_the_floor(holdout_predictions) -> None:
    p, r, f1 = _covered_f1(holdout_predictions)
    assert f1 >= HOLDOUT_F1_FLOOR, (p, r, f1)


def test_no_off_topic_holdout_answer_has_a_covered_point(holdout_predictions) -> None:
    off = [(a["id"], pred) for a, pred in holdout_predictions if a["kind"] == "off-topic"]
    assert len(off) >= 4
    assert [(i, p) for i, p in off if "covered" in p.values()] == []


@pytest.mark.xfail(strict=True, reason="known failure, measured: F1 0.783 on holdout 6 (precision 0.75, recall "
                                       "0.82; average answers F1 0.66)")
def test_covered_f1_on_the_holdout_meets_the_target(holdout_predictions) -> None:
    assert _covered_f1(holdout_predictions)[2] >= TARGET_F1
