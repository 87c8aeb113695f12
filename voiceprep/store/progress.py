"""Progress over time: the queries behind the history, comparison, trend and "practise next" views.

Everything reads the narrow ``attempts`` table (summary columns) except transcript search (FTS5
when SQLite has it, else LIKE) and the key-point comparison/diff, which open the two attempts.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

from voiceprep.store.history import _SUMMARY_SELECT, HistoryStore, When
from voiceprep.store.models import STATUS_FINISHED, AttemptSummary, from_iso, now_utc, req_iso, summary_from_row, to_iso


# -- listing and search ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AttemptFilter:
    """What the history view filters on; every field is optional.

    ``until`` is exclusive for a datetime; a plain date means "through the end of that day".
    ``search`` matches words in transcripts (all words must appear; the last may be a prefix).
    """

    bank_id: str | None = None
    question: str | None = None  # "BANK/QUESTION"
    category: str | None = None
    since: When = None
    until: When = None
    search: str | None = None
    source: str | None = None
    mock_round_id: int | None = None
    include_unfinished: bool = False


_WORD = re.compile(r"\w+(?:'\w+)*", re.UNICODE)


def _fts_query(text: str) -> str | None:
    tokens = _WORD.findall(text)
    if not tokens:
        return None
    parts = [f'"{t}"' for t in tokens[:-1]] + [f'"{tokens[-1]}"*']
    return " ".join(parts)


def _where(store: HistoryStore, flt: AttemptFilter | None) -> tuple[str, list[Any]]:
    flt = flt or AttemptFilter()
    clauses: list[str] = []
    params: list[Any] = []
    if not flt.include_unfinished:
        clauses.append("a.status = ?")
        params.append(STATUS_FINISHED)
    if flt.bank_id:
        clauses.append("a.bank_id = ?")
        params.append(flt.bank_id)
    if flt.question:
        bank_id, sep, question_id = flt.question.partition("/")
        if not sep:
            clauses.append("a.question_id = ?")
            params.append(bank_id)
        else:
            clauses += ["a.bank_id = ?", "a.question_id = ?"]
            params += [bank_id, question_id]
    if flt.category:
        clauses.append("a.category = ?")
        params.append(flt.category)
    if flt.source:
        clauses.append("a.source = ?")
        params.append(flt.source)
    if flt.mock_round_id is not None:
        clauses.append("a.mock_round_id = ?")
        params.append(flt.mock_round_id)
    if flt.since is not None:
        clauses.append("a.started_at >= ?")
        params.append(to_iso(flt.since))
    if flt.until is not None:
        until = flt.until
        if isinstance(until, date) and not isinstance(until, datetime):
            until = datetime.combine(until + timedelta(days=1), datetime.min.time()).astimezone()
        clauses.append("a.started_at < ?")
        params.append(to_iso(until))
    if flt.search and flt.search.strip():
        query = _fts_query(flt.search) if store.has_fts else None
        if query is not None:
            clauses.append("a.id IN (SELECT rowid FROM attempts_fts WHERE attempts_fts MATCH ?)")
            params.append(query)
        else:
            for token in _WORD.findall(flt.search) or [flt.search.strip()]:
                clauses.append(
                    "a.id IN (SELECT attempt_id FROM attempt_data WHERE transcript_text LIKE ? ESCAPE '\\')"
                )
                params.append("%" + token.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def list_attempts(
    store: HistoryStore, flt: AttemptFilter | None = None, *, limit: int | None = 50, offset: int = 0,
    newest_first: bool = True,
) -> list[AttemptSummary]:
    """One page of attempts matching ``flt`` (newest first by default)."""
    where, params = _where(store, flt)
    order = "DESC" if newest_first else "ASC"
    sql = f"SELECT {_SUMMARY_SELECT} FROM attempts a{where} ORDER BY a.started_at {order}, a.id {order}"
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [int(limit), int(offset)]
    rows = store.db.read(sql, tuple(params), "listing attempts")
    return [AttemptSummary(**summary_from_row(r, store.data_dir)) for r in rows]


def count_attempts(store: HistoryStore, flt: AttemptFilter | None = None) -> int:
    where, params = _where(store, flt)
    return int(store.db.read(f"SELECT count(*) FROM attempts a{where}", tuple(params), "counting attempts")[0][0])


def search_snippets(store: HistoryStore, text: str, attempt_ids: Iterable[int], width: int = 12) -> dict[int, str]:
    """A short excerpt around the search words for each attempt, matches wrapped in [ ]."""
    ids = list(attempt_ids)
    if not ids or not text.strip():
        return {}
    marks = ",".join("?" * len(ids))
    query = _fts_query(text) if store.has_fts else None
    if query is not None:
        rows = store.db.read(
            f"SELECT rowid, snippet(attempts_fts, 0, '[', ']', '…', ?) FROM attempts_fts "
            f"WHERE attempts_fts MATCH ? AND rowid IN ({marks})",
            (width, query, *ids),
        )
        return {int(r[0]): str(r[1]) for r in rows}
    rows = store.db.read(f"SELECT attempt_id, transcript_text FROM attempt_data WHERE attempt_id IN ({marks})", tuple(ids))
    out: dict[int, str] = {}
    needle = text.strip().lower()
    for aid, body in rows:
        i = (body or "").lower().find(needle)
        if i >= 0:
            lo, hi = max(0, i - 60), min(len(body), i + len(needle) + 60)
            out[int(aid)] = ("…" if lo else "") + body[lo:i] + "[" + body[i:i + len(needle)] + "]" + body[i + len(needle):hi] + ("…" if hi < len(body) else "")
    return out


def question_attempts(store: HistoryStore, bank_id: str, question_id: str) -> list[AttemptSummary]:
    """Every finished attempt at one question, oldest first (the side-by-side view)."""
    return list_attempts(store, AttemptFilter(question=f"{bank_id}/{question_id}"), limit=None, newest_first=False)


def practised_questions(store: HistoryStore) -> list[tuple[str, int, datetime]]:
    """("BANK/QUESTION", attempts, last attempt) for every question with a finished attempt."""
    rows = store.db.read(
        "SELECT bank_id, question_id, count(*), max(started_at) FROM attempts WHERE status=? "
        "GROUP BY bank_id, question_id ORDER BY max(started_at) DESC",
        (STATUS_FINISHED,),
    )
    return [(f"{r[0]}/{r[1]}", int(r[2]), req_iso(r[3])) for r in rows]


# -- metrics, comparison and diff ------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    unit: str
    sql: str
    higher_is_better: bool | None  # None: neither (pace and length are judged against a band)


METRICS: dict[str, Metric] = {
    m.name: m
    for m in (
        Metric("coverage", "Key-point coverage", "%", "a.coverage * 100.0", True),
        Metric("points_covered", "Key points covered", "", "a.points_covered", True),
        Metric("wpm", "Pace", "wpm", "a.wpm", None),
        Metric("fillers_per_min", "Fillers per minute", "/min", "a.fillers_per_min", False),
        Metric("longest_pause_s", "Longest pause", "s", "a.longest_pause_s", False),
        Metric("answer_s", "Answer length", "s", "a.answer_s", None),
        Metric("time_vs_target", "Time vs target", "%", "a.answer_s * 100.0 / nullif(a.target_s, 0)", None),
        Metric("hedges_count", "Hedges", "", "a.hedges_count", False),
    )
}


def metric_value(summary: AttemptSummary, name: str) -> float | None:
    if name == "coverage":
        return None if summary.coverage is None else summary.coverage * 100.0
    if name == "time_vs_target":
        t = summary.time_vs_target
        return None if t is None else t * 100.0
    v = getattr(summary, name)
    return None if v is None else float(v)


@dataclass(frozen=True)
class MetricDelta:
    name: str
    label: str
    unit: str
    a: float | None
    b: float | None
    delta: float | None  # b - a
    improved: bool | None  # None when the metric has no better direction or a value is missing


@dataclass(frozen=True)
class PointChange:
    id: str
    text: str
    status_a: str | None  # None: the point was not in that attempt's report
    status_b: str | None


@dataclass(frozen=True)
class Comparison:
    """Attempt ``a`` (usually the older) against ``b``."""

    a: AttemptSummary
    b: AttemptSummary
    metrics: list[MetricDelta]
    gained: list[PointChange] = field(default_factory=list)  # better status in b
    lost: list[PointChange] = field(default_factory=list)  # worse status in b
    kept: list[PointChange] = field(default_factory=list)  # covered/partial in both, same status
    still_missed: list[PointChange] = field(default_factory=list)

    @property
    def same_question(self) -> bool:
        return self.a.question == self.b.question


_STATUS_RANK = {"missed": 0, "partial": 1, "covered": 2}


def _points(report: dict[str, Any] | None) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    points = ((report or {}).get("coverage") or {}).get("points") or []
    for p in points:
        if isinstance(p, dict) and "id" in p:
            out[str(p["id"])] = (str(p.get("text", "")), str(p.get("status", "missed")))
    return out


def compare_attempts(store: HistoryStore, a_id: int, b_id: int) -> Comparison:
    a, b = store.get_attempt(a_id), store.get_attempt(b_id)
    metrics = []
    for m in METRICS.values():
        va, vb = metric_value(a, m.name), metric_value(b, m.name)
        delta = None if va is None or vb is None else vb - va
        improved = None
        if delta is not None and m.higher_is_better is not None and delta != 0:
            improved = (delta > 0) == m.higher_is_better
        metrics.append(MetricDelta(m.name, m.label, m.unit, va, vb, delta, improved))
    pa, pb = _points(a.report), _points(b.report)
    comp = Comparison(a=_summary(a), b=_summary(b), metrics=metrics)
    for pid in list(pa) + [p for p in pb if p not in pa]:
        text = (pb.get(pid) or pa.get(pid) or ("", ""))[0]
        sa, sb = (pa[pid][1] if pid in pa else None), (pb[pid][1] if pid in pb else None)
        change = PointChange(pid, text, sa, sb)
        ra, rb = _STATUS_RANK.get(sa or "missed", 0), _STATUS_RANK.get(sb or "missed", 0)
        if sa is None or sb is None:
            (comp.gained if sb is not None and rb > 0 else comp.lost if sa is not None and ra > 0 else comp.still_missed).append(change)
        elif rb > ra:
            comp.gained.append(change)
        elif rb < ra:
            comp.lost.append(change)
        elif ra > 0:
            comp.kept.append(change)
        else:
            comp.still_missed.append(change)
    return comp


def _summary(rec: AttemptSummary) -> AttemptSummary:
    from dataclasses import fields

    return AttemptSummary(**{f.name: getattr(rec, f.name) for f in fields(AttemptSummary)})


@dataclass(frozen=True)
class DiffOp:
    """One run of the word diff: "equal", "insert" (only in b), "delete" (only in a), "replace"."""

    op: str
    a_words: tuple[str, ...]
    b_words: tuple[str, ...]


def _norm(word: str) -> str:
    return re.sub(r"[^\w']+", "", word.lower())


def diff_words(a_text: str, b_text: str) -> list[DiffOp]:
    """Word-level diff that ignores case and punctuation but returns the words as spoken."""
    aw, bw = a_text.split(), b_text.split()
    matcher = difflib.SequenceMatcher(a=[_norm(w) for w in aw], b=[_norm(w) for w in bw], autojunk=False)
    return [DiffOp(tag, tuple(aw[i1:i2]), tuple(bw[j1:j2])) for tag, i1, i2, j1, j2 in matcher.get_opcodes()]


def transcript_diff(store: HistoryStore, a_id: int, b_id: int) -> list[DiffOp]:
    return diff_words(store.get_attempt(a_id).transcript_text, store.get_attempt(b_id).transcript_text)


# -- trends ----------------------------------------------------------------------------------------


@dataclass(slots=True)
class TrendPoint:
    at: datetime
    value: float
    attempt_id: int | None = None  # None for a per-day average
    question: str = ""
    count: int = 1


def trends(
    store: HistoryStore, metrics: Sequence[str] = tuple(METRICS), *, bank_id: str | None = None,
    question: str | None = None, since: When = None, until: When = None, by_day: bool = False,
) -> dict[str, list[TrendPoint]]:
    """Series per metric over time, oldest first, in one query; ``by_day`` averages each UTC day."""
    unknown = [m for m in metrics if m not in METRICS]
    if unknown:
        raise ValueError(f"unknown metric(s) {', '.join(unknown)}; known: {', '.join(METRICS)}")
    where, params = _where(store, AttemptFilter(bank_id=bank_id, question=question, since=since, until=until))
    exprs = ", ".join(f"{METRICS[m].sql} AS m_{i}" for i, m in enumerate(metrics))
    out: dict[str, list[TrendPoint]] = {m: [] for m in metrics}
    if by_day:
        avgs = ", ".join(f"avg({METRICS[m].sql}), count({METRICS[m].sql})" for m in metrics)
        rows = store.db.read(
            f"SELECT substr(a.started_at, 1, 10) AS day, {avgs} FROM attempts a{where} GROUP BY day ORDER BY day",
            tuple(params), "reading trends",
        )
        for r in rows:
            at = datetime.fromisoformat(r[0]).replace(tzinfo=timezone.utc)
            for i, m in enumerate(metrics):
                if r[1 + 2 * i] is not None:
                    out[m].append(TrendPoint(at, float(r[1 + 2 * i]), None, question or "", int(r[2 + 2 * i])))
        return out
    rows = store.db.read(
        f"SELECT a.id, a.started_at, a.bank_id, a.question_id, {exprs} FROM attempts a{where} "
        "ORDER BY a.started_at, a.id",
        tuple(params), "reading trends",
    )
    series = [out[m] for m in metrics]
    for r in rows:
        aid, started, bank_id, question_id, *values = tuple(r)
        at = req_iso(started)
        q = f"{bank_id}/{question_id}"
        for target, v in zip(series, values):
            if v is not None:
                target.append(TrendPoint(at, float(v), aid, q))  # type: ignore[arg-type]
    return out


def trend(store: HistoryStore, metric: str, **kwargs: Any) -> list[TrendPoint]:
    return trends(store, (metric,), **kwargs)[metric]


# -- spaced repetition -----------------------------------------------------------------------------

POOR = 0.5
GOOD = 0.75
POOR_INTERVAL_DAYS = 4 / 24  # a poor answer comes back in a few hours (next sitting)
NEVER_PRACTISED_RANK = 0.55  # ranks after clearly poor answers, before decent ones


def attempt_score(s: AttemptSummary) -> float | None:
    """0..1 quality used for scheduling: key-point coverage, less 0.1 for a length outside the target
    band and 0.1 for more than 4 fillers a minute. None when the attempt has no coverage score."""
    return _score(s.coverage, s.timing_verdict, s.fillers_per_min)


def _score(coverage: float | None, verdict: str | None, fillers_per_min: float | None) -> float | None:
    if coverage is None:
        return None
    score = coverage
    if verdict in ("short", "long"):
        score -= 0.1
    if fillers_per_min is not None and fillers_per_min > 4:
        score -= 0.1
    return max(0.0, min(1.0, score))


@dataclass(slots=True)
class _Scored:
    started_at: str
    score: float | None


def next_interval(previous_days: float, score: float, ease: float) -> tuple[float, float]:
    """SM-2-style step: (new interval in days, new ease). Poor resets, middling grows slowly,
    good grows by the ease factor."""
    if score < POOR:
        return POOR_INTERVAL_DAYS, max(1.3, ease - 0.2)
    if score < GOOD:
        return (1.0 if previous_days < 1 else previous_days * 1.2), max(1.3, ease - 0.05)
    return (2.0 if previous_days < 1 else previous_days * ease), min(3.0, ease + 0.1)


@dataclass(frozen=True)
class ReviewItem:
    question: str  # "BANK/QUESTION"
    due: bool
    due_at: datetime | None  # None: never practised (due now)
    last_score: float | None
    attempts: int
    interval_days: float
    last_attempt_at: datetime | None
    reason: str

    @property
    def bank_id(self) -> str:
        return self.question.partition("/")[0]

    @property
    def question_id(self) -> str:
        return self.question.partition("/")[2]


def review_schedule(store: HistoryStore, candidates: Sequence[str] | None = None, *, now: datetime | None = None) -> list[ReviewItem]:
    """Every question's review state. ``candidates`` ("BANK/QUESTION" from the loaded banks) limits
    the result to those and adds the never-practised ones; None = every practised question."""
    now = now or now_utc()
    # Only the columns the score needs: this runs on the home screen over the whole history.
    rows = store.db.read(
        "SELECT bank_id, question_id, started_at, coverage, timing_verdict, fillers_per_min FROM attempts "
        "WHERE status=? ORDER BY started_at, id",
        (STATUS_FINISHED,), "reading practice history",
    )
    by_q: dict[str, list[_Scored]] = {}
    for bank_id, question_id, started_at, coverage, verdict, fpm in rows:
        by_q.setdefault(f"{bank_id}/{question_id}", []).append(
            _Scored(started_at, _score(coverage, verdict, fpm)))
    wanted = list(dict.fromkeys(candidates)) if candidates is not None else list(by_q)
    items: list[ReviewItem] = []
    for q in wanted:
        history = by_q.get(q, [])
        scored = [h for h in history if h.score is not None]
        if not scored:
            items.append(ReviewItem(q, True, None, None, len(history), 0.0,
                                    from_iso(history[-1].started_at) if history else None,
                                    "never practised" if not history else "no score yet"))
            continue
        interval, ease = 0.0, 2.5
        for h in scored:
            interval, ease = next_interval(interval, h.score, ease)  # type: ignore[arg-type]
        last = scored[-1]
        last_score: float = last.score  # type: ignore[assignment]
        last_at = from_iso(last.started_at)
        assert last_at is not None
        due_at = last_at + timedelta(days=interval)
        if last_score < POOR:
            reason = f"weak last time ({last_score:.0%})"
        elif last_score < GOOD:
            reason = f"fair last time ({last_score:.0%})"
        else:
            reason = f"strong last time ({last_score:.0%}); keeping it fresh"
        items.append(ReviewItem(q, due_at <= now, due_at, last_score, len(history), interval, last_at, reason))
    return items


def weakest_questions(
    store: HistoryStore, candidates: Sequence[str] | None = None, *, limit: int = 10,
    now: datetime | None = None, include_not_due: bool = False,
) -> list[ReviewItem]:
    """What to practise next: due questions, weakest first (never-practised ones rank just after
    poor answers); with ``include_not_due``, the rest follow in due-date order."""
    items = review_schedule(store, candidates, now=now)
    far = datetime.max.replace(tzinfo=timezone.utc)

    def key(i: ReviewItem) -> tuple[Any, ...]:
        rank = NEVER_PRACTISED_RANK if i.last_score is None else i.last_score
        return (not i.due, rank if i.due else 0.0, i.due_at or far if not i.due else far, i.question)

    items.sort(key=key)
    if not include_not_due:
        items = [i for i in items if i.due]
    return items[:limit]
