"""Benchmark: the history view's data with 5,000 stored attempts.

Creates a database of realistic attempts (300-word transcripts with word timings, full report
dicts), then times what the history view does when it opens: open the store (with its damage
checks and migrations), the first page of the list, the total count, and the trend series for
every metric; plus search, the spaced-repetition list and one attempt opened in full. A plain
``sqlite3.connect`` + ``SELECT count(*)`` on the same file is the baseline measured in the same
run. Prints JSON; ``view_s`` is the number to compare with the 0.5 s target.

    .venv/bin/python bench/bench_history.py [--attempts 5000] [--repeat 5] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from voiceprep.store import db as dbmod  # noqa: E402
from voiceprep.store.history import HistoryStore  # noqa: E402
from voiceprep.store.progress import (  # noqa: E402
    METRICS,
    AttemptFilter,
    count_attempts,
    list_attempts,
    trends,
    weakest_questions,
)

VOCAB = ("we retention cohort experiment metric users churn guardrail think would measure weekly the a and "
         "of to signup plan engagement um like so basically netflix members value growth test control").split()


def _report(rng: random.Random, q: str, words: list[dict[str, Any]]) -> dict[str, Any]:
    statuses = [rng.choice(("covered", "partial", "missed")) for _ in range(6)]
    score = sum({"covered": 1.0, "partial": 0.5, "missed": 0.0}[s] for s in statuses) / 6
    dur = words[-1]["end"] + 0.5
    return {
        "question": q, "transcript": " ".join(w["text"] for w in words), "duration_s": dur, "speaking_s": dur - 3,
        "word_count": len(words), "wpm": round(rng.uniform(100, 190), 1), "has_timings": True,
        "fillers": {"count": 6, "per_minute": round(rng.uniform(0, 8), 2), "per_100_words": 2.0, "by_word": {"um": 6},
                    "items": [{"text": "um", "start": 1.0 * i, "end": 1.2 * i, "word_start": i, "word_end": i + 1,
                               "kind": "filler"} for i in range(6)], "clusters": []},
        "hedges": {"count": 2, "per_100_words": 1.0, "by_word": {"i think": 2}, "items": [], "warnings": []},
        "pauses": {"long": [{"start": 10.0, "end": 12.5, "seconds": 2.5, "after_word": 20}],
                   "longest_s": round(rng.uniform(0.5, 5), 2), "time_to_first_word_s": 1.0, "threshold_s": 2.0,
                   "count_over_1s": 3},
        "pace": {"wpm": 140.0, "low": 120, "high": 165, "verdict": "in-band", "window_s": 20.0,
                 "series": [{"start": t, "end": t + 20.0, "wpm": rng.uniform(100, 190), "words": 45}
                            for t in range(0, int(dur), 10)]},
        "coverage": {"score": score, "points": [
            {"id": f"p{i}", "text": f"Key point {i} of the question", "status": s, "confidence": 0.7,
             "evidence": {"text": "weekly retention", "start": 3.0, "end": 4.0, "word_start": 8, "word_end": 10,
                          "source": "cue"} if s != "missed" else None} for i, s in enumerate(statuses)]},
        "structure": {"kind": "none", "star": None, "checks": [], "warnings": []},
        "timing": {"target_s": 120, "answer_s": dur, "verdict": rng.choice(("short", "on-target", "long"))},
        "follow_up": "What would you do if the test was flat?",
        "annotations": [{"kind": "filler", "word_start": i, "word_end": i + 1, "label": ""} for i in range(6)],
        "words": [{"text": w["text"], "start": w["start"], "end": w["end"]} for w in words], "version": 1,
    }


def populate(data_dir: Path, n: int, seed: int = 7) -> float:
    rng = random.Random(seed)
    questions = [f"bank{b}/q{i}" for b in range(3) for i in range(40)]
    t0 = time.perf_counter()
    store = HistoryStore.open(data_dir)
    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    with store.db.transaction("benchmark setup"):  # one transaction: setup speed is not what is measured
        for k in range(n):
            q = rng.choice(questions)
            t, words = 0.5, []
            for _ in range(300):
                words.append({"text": rng.choice(VOCAB), "start": round(t, 2), "end": round(t + 0.3, 2), "probability": 0.9})
                t += rng.uniform(0.3, 0.6)
            transcript = {"words": words, "text": " ".join(w["text"] for w in words), "duration_s": t + 0.5,
                          "language": "en", "model": "tiny.en", "source": "audio", "timings": {}}
            bank_id, _, qid = q.partition("/")
            store.add_attempt(bank_id=bank_id, question_id=qid, transcript=transcript, report=_report(rng, q, words),
                              source="recorded", started_at=start + timedelta(hours=3 * k),
                              settings={"wpm_low": 120, "wpm_high": 165}, prompt=f"Prompt for {q}",
                              recording_path=data_dir / "recordings" / f"{k}.wav")
    store.close()
    return time.perf_counter() - t0


def timed(fn: Callable[[], Any], repeat: int) -> dict[str, float]:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return {"first_s": round(runs[0], 5), "median_s": round(statistics.median(runs), 5), "max_s": round(max(runs), 5)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--attempts", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--keep", type=Path, help="build the database here and keep it (reused if already there)")
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="voiceprep-bench-"))
    data_dir = args.keep or tmp / "data"
    try:
        db_path = data_dir / "history.sqlite3"
        setup_s = 0.0 if args.keep and db_path.exists() else populate(data_dir, args.attempts)
        size = db_path.stat().st_size
        candidates = [f"bank{b}/q{i}" for b in range(3) for i in range(45)]

        def baseline() -> None:
            c = sqlite3.connect(db_path)
            c.execute("SELECT count(*) FROM attempts").fetchone()
            c.close()

        def open_only() -> None:
            HistoryStore.open(data_dir).close()

        def view() -> None:
            s = HistoryStore.open(data_dir)
            list_attempts(s, limit=50)
            count_attempts(s)
            trends(s, tuple(METRICS))
            s.close()

        store = HistoryStore.open(data_dir)
        ids = store.attempt_ids()
        results: dict[str, Any] = {
            "baseline_connect_count": timed(baseline, args.repeat),
            "open_store": timed(open_only, args.repeat),
            "view": timed(view, args.repeat),
            "first_page_50": timed(lambda: list_attempts(store, limit=50), args.repeat),
            "count": timed(lambda: count_attempts(store), args.repeat),
            "trends_all_metrics": timed(lambda: trends(store, tuple(METRICS)), args.repeat),
            "trends_by_day": timed(lambda: trends(store, tuple(METRICS), by_day=True), args.repeat),
            "search_page": timed(lambda: list_attempts(store, AttemptFilter(search="guardrail cohort"), limit=50), args.repeat),
            "question_filter": timed(lambda: list_attempts(store, AttemptFilter(question="bank1/q7"), limit=None), args.repeat),
            "weakest_questions": timed(lambda: weakest_questions(store, candidates), args.repeat),
            "open_one_attempt": timed(lambda: store.get_attempt(ids[len(ids) // 2]), args.repeat),
            "integrity_quick_check": timed(lambda: store.db.read("PRAGMA quick_check"), 1),
        }
        store.close()
        base = results["baseline_connect_count"]["median_s"] or 1e-9
        out = {
            "attempts": len(ids),
            "db_bytes": size,
            "setup_s": round(setup_s, 2),
            "full_check_at_open": size <= dbmod.FULL_CHECK_MAX_BYTES,
            "timings": results,
            "view_s": results["view"]["max_s"],
            "view_vs_baseline": round(results["view"]["median_s"] / base, 1),
            "target_s": 0.5,
            "within_target": results["view"]["max_s"] < 0.5,
        }
        print(json.dumps(out, indent=2))
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
