"""Report and transcript dicts shaped like the analysis layer's ``to_dict()`` output, built here so
these tests do not depend on the analyser's behaviour."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from voiceprep.store.history import HistoryStore


def make_transcript(text: str, step: float = 0.4, gap_after: dict[int, float] | None = None) -> dict[str, Any]:
    """A Transcript.to_dict() with word timings (``gap_after``: extra silence after word i)."""
    words, t = [], 0.5
    for i, w in enumerate(text.split()):
        words.append({"text": " " + w, "start": round(t, 3), "end": round(t + step * 0.8, 3), "probability": 0.9})
        t += step + (gap_after or {}).get(i, 0.0)
    return {"words": words, "text": text, "duration_s": round(t + 0.5, 3), "language": "en",
            "model": "tiny.en", "source": "audio", "timings": {}}


def make_report(
    question: str = "bank/q1",
    text: str = "so um I think we should measure retention and run an experiment",
    statuses: Sequence[str] = ("covered", "missed"),
    wpm: float | None = 140.0,
    fillers_per_min: float | None = 2.0,
    longest_pause_s: float | None = 1.5,
    answer_s: float | None = 80.0,
    target_s: int | None = 90,
    verdict: str | None = "on-target",
    filler_words: Sequence[int] = (1,),
    hedge_words: Sequence[tuple[int, int]] = ((2, 4),),
    pause_after: int | None = None,
) -> dict[str, Any]:
    """A dict shaped like AnswerReport.to_dict(); point i gets evidence on word i+5 when covered."""
    words = text.split()
    bank_id, _, question_id = question.partition("/")
    points = []
    annotations = []
    for i, st in enumerate(statuses):
        ev = None
        if st != "missed":
            ws = min(i + 5, max(len(words) - 1, 0))
            ev = {"text": " ".join(words[ws:ws + 2]), "start": 2.0 + i, "end": 3.0 + i, "word_start": ws,
                  "word_end": ws + 2, "source": "cue"}
            annotations.append({"kind": "evidence", "word_start": ws, "word_end": ws + 2, "label": f"p{i}"})
        points.append({"id": f"p{i}", "text": f"Key point number {i}", "status": st,
                       "confidence": 0.8 if st != "missed" else 0.1, "evidence": ev, "weight": 1.0})
    score = sum(1.0 if s == "covered" else 0.5 if s == "partial" else 0.0 for s in statuses) / max(len(statuses), 1)
    filler_items = [{"text": words[i], "start": round(0.5 + 0.4 * i, 3), "end": round(0.8 + 0.4 * i, 3), "word_start": i,
                     "word_end": i + 1, "kind": "filler"} for i in filler_words]
    annotations += [{"kind": "filler", "word_start": i, "word_end": i + 1, "label": ""} for i in filler_words]
    annotations += [{"kind": "hedge", "word_start": a, "word_end": b, "label": ""} for a, b in hedge_words]
    long = []
    if pause_after is not None and longest_pause_s is not None:
        long = [{"start": 5.0, "end": 5.0 + longest_pause_s, "seconds": longest_pause_s, "after_word": pause_after}]
        annotations.append({"kind": "pause", "word_start": pause_after + 1, "word_end": pause_after + 1, "label": ""})
    return {
        "question": question, "transcript": text, "bank_id": bank_id, "question_id": question_id,
        "round_id": None, "category": "metrics", "duration_s": answer_s, "speaking_s": answer_s,
        "word_count": len(words) - len(filler_words), "wpm": wpm, "has_timings": wpm is not None,
        "fillers": {"count": len(filler_words), "per_minute": fillers_per_min, "per_100_words": 5.0,
                    "by_word": {"um": len(filler_words)}, "items": filler_items, "clusters": []},
        "hedges": {"count": len(hedge_words), "per_100_words": 3.0, "by_word": {"i think": len(hedge_words)},
                   "items": [], "warnings": []},
        "pauses": {"long": long, "longest_s": longest_pause_s, "time_to_first_word_s": 0.8, "threshold_s": 2.0,
                   "count_over_1s": 1},
        "pace": {"wpm": wpm, "low": 120, "high": 165, "verdict": "in-band", "window_s": 20.0,
                 "series": [{"start": 0.0, "end": 20.0, "wpm": 130.0, "words": 43},
                            {"start": 10.0, "end": 30.0, "wpm": 172.0, "words": 57},
                            {"start": 20.0, "end": 40.0, "wpm": 110.0, "words": 37}],
                 "fastest": None, "slowest": None},
        "coverage": {"score": score, "points": points, "method": "cues+embeddings", "embeddings_used": True,
                     "embedding_error": None},
        "structure": {"kind": "checks", "star": None,
                      "checks": [{"id": "guardrail", "label": "Names a guardrail metric", "passed": False,
                                  "evidence": None, "avoid_hits": [], "advice": "Say what must not get worse."}],
                      "warnings": []},
        "timing": {"target_s": target_s, "round_target_s": None, "answer_s": answer_s, "verdict": verdict,
                   "tolerance": 0.25, "low_s": None, "high_s": None},
        "follow_up": "How would you know the experiment worked?", "follow_up_point": None,
        "annotations": annotations,
        "words": [{"text": w, "start": round(0.5 + 0.4 * i, 3), "end": round(0.8 + 0.4 * i, 3)}
                  for i, w in enumerate(words)],
        "analysis_ms": 12.0, "version": 1,
    }


def add(store: HistoryStore, question: str = "bank/q1", started_at: Any = None, **report_kw: Any):
    """Store a finished attempt with a generated transcript and report."""
    report = make_report(question, **report_kw)
    bank_id, _, qid = question.partition("/")
    return store.add_attempt(
        bank_id=bank_id, question_id=qid, transcript=make_transcript(report["transcript"]), report=report,
        category="metrics", prompt=f"Prompt of {question}", bank_version="3", source="recorded",
        started_at=started_at, settings={"wpm_low": 120, "wpm_high": 165},
    )
