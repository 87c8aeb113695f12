"""The report's JSON contract: to_dict is JSON-safe and from_dict reads it back."""

from __future__ import annotations

import json

from voiceprep.analysis.analyzer import analyze
from voiceprep.analysis.options import AnalysisOptions
from voiceprep.analysis.report import AnswerReport

from tests.analysis.analysis_helpers import product_bank, timed

ANSWER = (
    "So, um, the problem is browse abandonment, members scroll and never press play. "
    "I'd run an A/B test on play rate and retention, right? Um, uh, like, that is basically it."
)
REQUIRED = {
    "question", "transcript", "duration_s", "speaking_s", "word_count", "wpm", "fillers", "hedges", "pauses",
    "coverage", "structure", "timing", "follow_up",
}


def test_round_trip_through_json() -> None:
    bank, q = product_bank()
    report = analyze(timed(ANSWER, gaps={5: 2.5}), bank, q, "screen", AnalysisOptions(use_embeddings=False))
    d = json.loads(json.dumps(report.to_dict()))
    assert REQUIRED <= set(d)
    assert set(d["fillers"]) >= {"count", "per_minute", "per_100_words", "by_word", "items", "clusters"}
    assert set(d["pauses"]) >= {"long", "longest_s", "time_to_first_word_s"}
    assert set(d["timing"]) >= {"target_s", "answer_s", "verdict"}
    assert all(set(p) >= {"id", "text", "status", "confidence", "evidence"} for p in d["coverage"]["points"])
    back = AnswerReport.from_dict(d)
    assert back.to_dict() == d
    assert back.coverage.points[0].evidence is not None


def test_from_dict_tolerates_missing_fields() -> None:
    r = AnswerReport.from_dict({"question": "a/b", "transcript": "hi", "coverage": {"points": [
        {"id": "p", "text": "t", "status": "missed", "confidence": 0.9}]}})
    assert r.coverage.points[0].evidence is None
    assert r.fillers.count == 0 and r.timing.verdict is None
