"""analyze() end to end on hand-made banks, cue-only (fast, no model)."""

from __future__ import annotations

import pytest

from voiceprep.analysis import embeddings
from voiceprep.analysis.analyzer import analyze
from voiceprep.analysis.options import AnalysisOptions
from voiceprep.analysis.transcript import Transcript

from tests.analysis.analysis_helpers import product_bank, timed

CUES_ONLY = AnalysisOptions(use_embeddings=False)
GOOD = (
    "Um, the core problem is browse abandonment: members scroll for ages and never press play, "
    "and a long session that ends without a play is a failure, not engagement. "
    "I'd validate every change with an A/B test, with successful play rate as the primary metric "
    "and retention as the guardrail, and a holdout to check the long-term effect."
)


def test_strong_answer_covers_points_with_evidence_and_times() -> None:
    bank, q = product_bank()
    t = timed(GOOD, wpm=150, start=2.0)
    r = analyze(t, bank, q, "screen", AnalysisOptions(use_embeddings=False, question_end_s=0.5))
    assert r.question == "test-bank/discovery"
    assert [p.status for p in r.coverage.points] == ["covered", "covered"]
    assert r.coverage.method == "cues-only" and not r.coverage.embeddings_used
    ev = r.coverage.points[0].evidence
    assert ev is not None and "browse abandonment" in ev.text and ev.start is not None
    assert t.words[ev.word_start].start == ev.start
    assert r.coverage.score == pytest.approx(1.0)
    assert r.pauses.time_to_first_word_s == pytest.approx(1.5)
    assert r.fillers.by_word == {"um": 1}
    assert r.word_count == len(GOOD.split()) - 1
    assert r.wpm == pytest.approx(150 * r.word_count / len(GOOD.split()), rel=0.05)
    assert r.timing.target_s == 120 and r.timing.round_target_s == 90 and r.timing.verdict == "short"
    kinds = {a.kind for a in r.annotations}
    assert {"filler", "evidence"} <= kinds


def test_off_topic_answer_covers_nothing_and_asks_a_follow_up() -> None:
    bank, q = product_bank()
    r = analyze(Transcript.from_text("I am a hard worker and a team player who loves the culture."), bank, q, None,
                CUES_ONLY)
    assert all(p.status == "missed" and p.evidence is None for p in r.coverage.points)
    assert r.coverage.score == 0.0
    assert r.follow_up and r.follow_up_point == "experiment"  # the heavier missed point
    assert r.wpm is None and r.timing.verdict is None and r.speaking_s is None


def test_negated_experiment_is_not_covered() -> None:
    bank, q = product_bank()
    r = analyze(Transcript.from_text("I wouldn't run an A/B test, I'd just ship it."), bank, q, None, CUES_ONLY)
    exp = r.point("experiment")
    assert exp is not None and exp.status != "covered" and exp.negated


def test_empty_transcript_gives_an_empty_report() -> None:
    bank, q = product_bank()
    r = analyze(Transcript(words=()), bank, q, None, CUES_ONLY)
    assert r.word_count == 0 and r.fillers.per_100_words is None
    assert all(p.status == "missed" for p in r.coverage.points)


def test_filler_clusters() -> None:
    bank, q = product_bank()
    text = "um so uh I think um we test. " + "Then we measure retention over a month and decide. " * 4 + "uh ok"
    r = analyze(timed(text, wpm=150), bank, q, None, CUES_ONLY)
    assert len(r.fillers.clusters) == 1
    c = r.fillers.clusters[0]
    assert c.count == 4 and c.start == r.fillers.items[0].start
    assert r.fillers.per_minute == pytest.approx(r.fillers.count / (r.speaking_s / 60))


def test_unavailable_embedding_model_degrades_to_cues(monkeypatch) -> None:
    bank, q = product_bank()
    embeddings.reset_for_tests("the embedding model could not be loaded (test)")
    try:
        r = analyze(timed(GOOD), bank, q, None, AnalysisOptions())
    finally:
        embeddings.reset_for_tests()
    assert r.coverage.method == "cues-only" and r.coverage.embedding_error and "test" in r.coverage.embedding_error
    assert r.point("problem").status == "covered"


@pytest.mark.parametrize("broken", ["missing", "garbage"])
def test_a_missing_or_damaged_encoder_file_degrades_to_cues_and_says_why(monkeypatch, tmp_path, broken) -> None:
    """A broken install (the shipped encoder deleted or truncated) must not stop analysis."""
    bank, q = product_bank()
    path = tmp_path / "model.onnx"
    if broken == "garbage":
        path.write_bytes(b"not an onnx file" * 64)
    monkeypatch.setattr(embeddings, "model_path", lambda: path)
    embeddings.reset_for_tests()
    try:
        r = analyze(timed(GOOD), bank, q, None, AnalysisOptions())
    finally:
        embeddings.reset_for_tests()
    assert r.coverage.method == "cues-only" and not r.coverage.embeddings_used
    reason = r.coverage.embedding_error or ""
    assert ("missing" in reason) if broken == "missing" else ("damaged" in reason and "reinstall" in reason), reason
    assert str(path) in reason and "ONNXRuntimeError" not in reason and "Protobuf" not in reason
    assert r.point("problem").status == "covered"


def test_fillers_per_100_words_counts_every_spoken_word() -> None:
    """README: per 100 words "of all words, fillers included"; a two-word filler is two words."""
    bank, q = product_bank()
    r = analyze(Transcript.from_text("You know, you know, retention matters, you know."), bank, q, None,
                AnalysisOptions(use_embeddings=False))
    assert r.fillers.count == 3 and r.word_count == 2
    assert r.fillers.per_100_words == pytest.approx(3 * 100 / 8)
