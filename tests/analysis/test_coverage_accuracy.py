"""Coverage accuracy through analyze() as shipped.

The shipped model is fitted on every answer of tests/data/coverage and tests/data/coverage-holdout
(the development data since round 3), so accuracy on them is in-sample and not guarded here; the
accuracy floor is on the second held-out set (tests/data/coverage-holdout2), scored once after the
method was frozen. See voiceprep/analysis/README.md for the protocol and the measured figures.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from voiceprep.analysis import calibrate as cal
from voiceprep.analysis.analyzer import analyze
from voiceprep.analysis.coverage import decide, load_models
from voiceprep.analysis.embeddings import get_embedder
from voiceprep.analysis.options import AnalysisOptions
from voiceprep.analysis.transcript import Transcript
from voiceprep.bank.loader import load_banks

pytestmark = [pytest.mark.model, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT / "tests" / "data" / "coverage"
DEV2 = ROOT / "tests" / "data" / "coverage-holdout"  # the first holdout: development data since round 3


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


def test_no_off_topic_development_answer_has_a_covered_point() -> None:
    off = [(a["id"], _statuses(b, q, a)) for d in (DEV, DEV2) for b, q, a in _answers(d) if a["kind"] == "off-topic"]
    assert len(off) >= 12
    assert [(i, p) for i, p in off if "covered" in p.values()] == []


def test_analyze_decides_as_the_bench_that_fitted_the_model() -> None:
    """The bench fits and scores on signals it extracts itself; analyze() must reach the same
    statuses, or the figures in the README would not describe the app."""
    model = load_models()["embeddings"]
    embedder = get_embedder()
    checked = 0
    for bank, q, a in list(_answers(DEV))[::9]:
        sig = cal.with_windows(cal.signals_for(a["text"], q, embedder, (1, 2, 3), bank.questions), model.windows)
        bench = {p.id: p.status for p in decide(sig, model, Transcript.from_text(a["text"])).points}
        assert bench == _statuses(bank, q, a), a["id"]
        checked += 1
    assert checked >= 6


# ---- the second held-out set (tests/data/coverage-holdout2): scored once, after the method was
# frozen (commit 2d33c06); never used to choose or tune anything ----

HOLDOUT2 = ROOT / "tests" / "data" / "coverage-holdout2"
# measured in that one run: F1 0.794 (P 0.762, R 0.828), 56 answers, 294 labels. The floor leaves
# 0.025 for numeric drift across onnxruntime builds.
HOLDOUT2_F1_FLOOR = 0.77


@pytest.fixture(scope="module")
def holdout2_predictions():
    if not any(HOLDOUT2.glob("*.json")):
        pytest.skip("no second held-out set")
    return [(a, _statuses(b, q, a)) for b, q, a in _answers(HOLDOUT2)]


def test_covered_f1_on_holdout2_meets_the_floor(holdout2_predictions) -> None:
    tp = fp = fn = 0
    for a, pred in holdout2_predictions:
        for pid, label in a["labels"].items():
            got, want = pred[pid] == "covered", label == "covered"
            tp += got and want
            fp += got and not want
            fn += want and not got
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= HOLDOUT2_F1_FLOOR, (precision, recall, f1)


@pytest.mark.xfail(strict=True, reason="known failure, measured: 6 of 8 holdout-2 off-topic answers (long "
                                       "'tell me about yourself' / small-talk answers) get a point covered "
                                       "through one generic cue ('impact', 'experiment*', 'mentor*', ...)")
def test_no_off_topic_holdout2_answer_has_a_covered_point(holdout2_predictions) -> None:
    off = [(a["id"], pred) for a, pred in holdout2_predictions if a["kind"] == "off-topic"]
    assert len(off) >= 4
    assert [(i, p) for i, p in off if "covered" in p.values()] == []
