"""Coverage accuracy on the labelled set (tests/data/coverage), through analyze() as shipped.

The floor is what the shipped model measured on the held-out test split when it was fitted
(F1 of `covered` = 0.727, P 0.786, R 0.677; bench/bench_coverage.py) minus a margin of 0.05 for numeric noise
across onnxruntime builds. It is below the issue's target of 0.85: see the bench output.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from voiceprep.analysis.analyzer import analyze
from voiceprep.analysis.options import AnalysisOptions
from voiceprep.analysis.transcript import Transcript
from voiceprep.bank.loader import load_banks

pytestmark = [pytest.mark.model, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "coverage"
TEST_F1_FLOOR = 0.68


def _answers():
    banks = load_banks(ROOT / "questions")
    for f in sorted(DATA.glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        found = banks.resolve(d["question"])
        assert found is not None, d["question"]
        for a in d["answers"]:
            yield found[0], found[1], a


@pytest.fixture(scope="module")
def predictions():
    out = []
    for bank, q, a in _answers():
        if a["split"] != "test" and a["kind"] != "off-topic":
            continue
        r = analyze(Transcript.from_text(a["text"]), bank, q, None, AnalysisOptions())
        assert r.coverage.method == "cues+embeddings", r.coverage.embedding_error
        out.append((a, {p.id: p.status for p in r.coverage.points}))
    return out


def test_no_off_topic_answer_has_a_covered_point(predictions) -> None:
    off = [(a["id"], pred) for a, pred in predictions if a["kind"] == "off-topic"]
    assert len(off) >= 4
    assert [(i, p) for i, p in off if "covered" in p.values()] == []


def test_covered_f1_on_the_test_split_meets_the_floor(predictions) -> None:
    tp = fp = fn = 0
    for a, pred in predictions:
        if a["split"] != "test":
            continue
        for pid, label in a["labels"].items():
            got = pred[pid] == "covered"
            want = label == "covered"
            tp += got and want
            fp += got and not want
            fn += want and not got
    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= TEST_F1_FLOOR, (precision, recall, f1)
