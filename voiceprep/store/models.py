"""Records the store hands out: frozen dataclasses, with JSON payloads as plain dicts.

The store never imports the analysis layer; callers turn ``transcript``/``report`` dicts back into
objects with ``Transcript.from_dict`` / ``AnswerReport.from_dict`` when they need them.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Any

STATUS_RECORDING = "recording"  # begun, not finished: offered back after a crash
STATUS_FINISHED = "finished"
SOURCES = ("recorded", "typed", "imported")


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def to_iso(value: datetime | date | str | None) -> str | None:
    """One fixed UTC text format, so string order is time order in SQL."""
    if value is None:
        return None
    if isinstance(value, str):
        value = from_iso(value)
        assert value is not None
    if not isinstance(value, datetime):
        value = datetime.combine(value, time.min, tzinfo=timezone.utc)
    if value.tzinfo is None:
        value = value.astimezone()  # naive = local time
    return value.astimezone(timezone.utc).isoformat(timespec="milliseconds")


def from_iso(value: str | None) -> datetime | None:
    if value is None or value == "":
        return None
    dt = datetime.fromisoformat(value)
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def req_iso(value: str) -> datetime:
    """A timestamp column that is NOT NULL."""
    dt = from_iso(value)
    if dt is None:
        raise ValueError("missing timestamp")
    return dt


def rowid(cursor: sqlite3.Cursor) -> int:
    """The id of the row an INSERT just made."""
    if cursor.lastrowid is None:
        raise sqlite3.DatabaseError("INSERT did not report a row id")
    return int(cursor.lastrowid)


def as_dict(value: Any, what: str) -> dict[str, Any] | None:
    """Accept a dict, an object with ``to_dict()``, or None."""
    if value is None:
        return None
    if isinstance(value, dict):
        return value
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        d = to_dict()
        if isinstance(d, dict):
            return d
    raise TypeError(f"{what} must be a dict or have to_dict(), not {type(value).__name__}")


def dumps(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


@dataclass(frozen=True)
class SessionRecord:
    id: int
    uuid: str
    started_at: datetime
    ended_at: datetime | None = None
    note: str = ""


@dataclass(frozen=True)
class MockRoundRecord:
    """A timed mock interview round: ``round_id`` is the bank's round id, ``id`` the row id."""

    id: int
    uuid: str
    bank_id: str
    round_id: str
    started_at: datetime
    ended_at: datetime | None = None
    session_id: int | None = None
    summary: dict[str, Any] | None = None


@dataclass(frozen=True)
class AttemptSummary:
    """One attempt without its payloads: what list, comparison and trend views show."""

    id: int
    uuid: str
    bank_id: str
    question_id: str
    started_at: datetime
    status: str = STATUS_FINISHED
    source: str = "recorded"
    ended_at: datetime | None = None
    bank_version: str = ""
    category: str = ""
    prompt: str = ""
    session_id: int | None = None
    mock_round_id: int | None = None
    recording_path: Path | None = None
    coverage: float | None = None
    points_covered: int | None = None
    points_total: int | None = None
    wpm: float | None = None
    fillers_per_min: float | None = None
    longest_pause_s: float | None = None
    answer_s: float | None = None
    target_s: float | None = None
    timing_verdict: str | None = None
    word_count: int | None = None
    hedges_count: int | None = None

    @property
    def question(self) -> str:
        """"BANK/QUESTION", the reference the rest of voiceprep uses."""
        return f"{self.bank_id}/{self.question_id}"

    @property
    def finished(self) -> bool:
        return self.status == STATUS_FINISHED

    @property
    def time_vs_target(self) -> float | None:
        """Answer length as a fraction of the target (1.0 = on target)."""
        if self.answer_s is None or not self.target_s:
            return None
        return self.answer_s / self.target_s


@dataclass(frozen=True)
class AttemptRecord(AttemptSummary):
    """One attempt with everything: settings used, transcript and report dicts."""

    settings: dict[str, Any] | None = None
    transcript: dict[str, Any] | None = None
    report: dict[str, Any] | None = None
    report_format: int | None = None
    transcript_text: str = ""


@dataclass(frozen=True)
class DeleteResult:
    attempts: int = 0
    files_deleted: list[Path] = field(default_factory=list)
    files_kept: list[Path] = field(default_factory=list)  # outside the data folder: not ours to delete
    problems: list[str] = field(default_factory=list)


SUMMARY_COLUMNS = (
    "coverage", "points_covered", "points_total", "wpm", "fillers_per_min", "longest_pause_s",
    "answer_s", "target_s", "timing_verdict", "word_count", "hedges_count",
)
ATTEMPT_COLUMNS = (
    "id", "uuid", "session_id", "mock_round_id", "bank_id", "bank_version", "question_id", "category",
    "prompt", "started_at", "ended_at", "status", "source", "recording_path", *SUMMARY_COLUMNS,
)


def _num(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return float(v)


def _int(v: Any) -> int | None:
    return None if isinstance(v, bool) or not isinstance(v, int) else v


def _get(d: Any, *keys: str) -> Any:
    for k in keys:
        if not isinstance(d, dict):
            return None
        d = d.get(k)
    return d


def summarise_report(report: dict[str, Any] | None) -> dict[str, Any]:
    """The denormalised summary columns, read defensively (missing keys -> None)."""
    if not report:
        return {c: None for c in SUMMARY_COLUMNS}
    points = _get(report, "coverage", "points")
    points = points if isinstance(points, list) else None
    answer_s = _num(_get(report, "timing", "answer_s"))
    if answer_s is None:
        answer_s = _num(report.get("duration_s"))
    return {
        "coverage": _num(_get(report, "coverage", "score")),
        "points_covered": None if points is None else sum(
            1 for p in points if isinstance(p, dict) and p.get("status") == "covered"
        ),
        "points_total": None if points is None else len(points),
        "wpm": _num(report.get("wpm")),
        "fillers_per_min": _num(_get(report, "fillers", "per_minute")),
        "longest_pause_s": _num(_get(report, "pauses", "longest_s")),
        "answer_s": answer_s,
        "target_s": _num(_get(report, "timing", "target_s")),
        "timing_verdict": _get(report, "timing", "verdict") if isinstance(_get(report, "timing", "verdict"), str) else None,
        "word_count": _int(report.get("word_count")),
        "hedges_count": _int(_get(report, "hedges", "count")),
    }


def summary_from_row(row: sqlite3.Row, data_dir: Path) -> dict[str, Any]:
    keys = row.keys()
    values: dict[str, Any] = {c: row[c] for c in ATTEMPT_COLUMNS if c in keys}
    values["started_at"] = req_iso(values["started_at"])
    values["ended_at"] = from_iso(values.get("ended_at"))
    values["recording_path"] = resolve_recording(values.get("recording_path"), data_dir)
    return values


def resolve_recording(stored: str | None, data_dir: Path) -> Path | None:
    if not stored:
        return None
    p = Path(stored)
    return p if p.is_absolute() else data_dir / p


def store_recording(path: Path | str | None, data_dir: Path) -> str | None:
    """Paths inside the data folder are kept relative, so the folder can move (or go to a new machine)."""
    if path is None:
        return None
    p = Path(path).expanduser()
    if not p.is_absolute():
        p = p.absolute()
    try:
        return p.relative_to(data_dir.absolute()).as_posix()
    except ValueError:
        return str(p)
