"""analyze() never raises on odd transcripts: any text, missing or disordered times (cue-only)."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voiceprep.analysis.analyzer import analyze
from voiceprep.analysis.options import AnalysisOptions
from voiceprep.analysis.report import AnswerReport
from voiceprep.analysis.transcript import Transcript, Word

from tests.analysis.analysis_helpers import product_bank

BANK, QUESTION = product_bank()
VOCAB = ["um", "uh", "like", "so", "I", "i", "the", "A/B", "test,", "right?", "browse", "abandonment.", "you",
         "know", "—", "...", "", " ", "don't", "20%", "experiment*", "Ünïcode", "we", "result", "percent"]
times = st.one_of(st.none(), st.floats(min_value=-5, max_value=600, allow_nan=False))
words = st.builds(Word, st.one_of(st.sampled_from(VOCAB), st.text(max_size=8)), times, times,
                  st.one_of(st.none(), st.floats(0, 1)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(words, max_size=60), st.sampled_from([None, "screen", "nope"]))
def test_analyze_never_raises_and_round_trips(ws: list[Word], round_id: str | None) -> None:
    t = Transcript(words=tuple(ws), duration_s=None)
    r = analyze(t, BANK, QUESTION, round_id, AnalysisOptions(use_embeddings=False))
    d = json.loads(json.dumps(r.to_dict(), allow_nan=False))
    assert AnswerReport.from_dict(d).to_dict() == d
    assert 0.0 <= r.coverage.score <= 1.0
    assert all(0 <= a.word_start <= a.word_end <= len(ws) for a in r.annotations)


timed_words = st.builds(Word, st.sampled_from(VOCAB), st.floats(-5, 600), st.floats(-5, 600), st.just(0.9))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(timed_words, min_size=1, max_size=80), st.floats(0, 30))
def test_timed_answers_in_any_order(ws: list[Word], question_end: float) -> None:
    t = Transcript(words=tuple(ws), duration_s=650.0)
    r = analyze(t, BANK, QUESTION, "screen", AnalysisOptions(use_embeddings=False, question_end_s=question_end))
    json.dumps(r.to_dict(), allow_nan=False)
    if r.wpm is not None:
        assert r.wpm >= 0 and r.speaking_s is not None and r.speaking_s >= 0
    assert r.pauses.time_to_first_word_s is None or r.pauses.time_to_first_word_s >= 0
    assert all(p.seconds >= r.pauses.threshold_s for p in r.pauses.long)
