"""HistoryStore: the one object the app and the CLI use to keep and fetch attempts.

Thread-safe by construction: every method uses the calling thread's own SQLite connection and
every write is one transaction, committed before the method returns. So when ``finish_attempt``
or ``add_attempt`` has returned, a kill -9 a moment later loses nothing.

A recorded attempt has two steps: ``begin_attempt`` (before recording: the row exists with status
"recording" and the WAV path) and ``finish_attempt`` (transcript and report). After a crash,
``unfinished_attempts()`` lists what was being recorded so the app can offer it back.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import uuid as uuidlib
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from voiceprep import paths
from voiceprep.store.db import CORRUPT_INFIX, SUSPECT_SUFFIX, Database
from voiceprep.store.errors import StoreError, translate
from voiceprep.store.models import (
    ATTEMPT_COLUMNS,
    SOURCES,
    STATUS_FINISHED,
    STATUS_RECORDING,
    AttemptRecord,
    AttemptSummary,
    DeleteResult,
    MockRoundRecord,
    SessionRecord,
    as_dict,
    dumps,
    from_iso,
    loads,
    now_utc,
    req_iso,
    rowid,
    resolve_recording,
    store_recording,
    summarise_report,
    summary_from_row,
    to_iso,
)

When = datetime | date | str | None
_SUMMARY_SELECT = ", ".join(f"a.{c}" for c in ATTEMPT_COLUMNS)


class HistoryStore:
    """Sessions, mock rounds and attempts in ``<data>/history.sqlite3``; audio in ``<data>/recordings``."""

    def __init__(self, db: Database, data_dir: Path) -> None:
        self.db = db
        self.data_dir = Path(data_dir)

    @classmethod
    def open(cls, data_dir: Path | str | None = None) -> "HistoryStore":
        """Open the history in ``data_dir`` (default: the platform data folder).

        Read :attr:`notes` afterwards: a damaged database was moved aside and the user should be
        told. Raises :class:`StoreError` when the folder cannot hold a database at all.
        """
        data = Path(data_dir) if data_dir is not None else paths.default_data_dir()
        try:
            paths.ensure_private_dir(data)
            paths.ensure_private_dir(paths.recordings_dir(data))
        except OSError as exc:
            raise translate(exc, f"creating the data folder {data}") from exc
        return cls(Database.open(paths.database_path(data)), data)

    @classmethod
    def open_file(cls, db_path: Path | str) -> "HistoryStore":
        """Open a database file directly; its folder is the data folder (recordings beside it)."""
        db_path = Path(db_path)
        data = db_path.parent
        try:
            paths.ensure_private_dir(data)
            paths.ensure_private_dir(paths.recordings_dir(data))
        except OSError as exc:
            raise translate(exc, f"creating the data folder {data}") from exc
        return cls(Database.open(db_path), data)

    # -- basics ------------------------------------------------------------------------------------

    @property
    def path(self) -> Path:
        return self.db.path

    @property
    def recordings_dir(self) -> Path:
        return paths.recordings_dir(self.data_dir)

    @property
    def notes(self) -> list[str]:
        """Messages for the user from opening (e.g. a damaged database was moved aside)."""
        return list(self.db.notes)

    @property
    def moved_aside(self) -> Path | None:
        return self.db.moved_aside

    @property
    def has_fts(self) -> bool:
        return self.db.fts

    def close(self) -> None:
        """Close every thread's connection; the store cannot be used afterwards."""
        self.db.close()

    def release_thread(self) -> None:
        """Close this thread's connection (a worker thread that is about to end)."""
        self.db.release_thread()

    def __enter__(self) -> "HistoryStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def new_recording_path(self, attempt_uuid: str | None = None) -> Path:
        """Where a new recording should be written (the folder is created user-only)."""
        folder = paths.ensure_private_dir(self.recordings_dir)
        stamp = now_utc().strftime("%Y%m%d-%H%M%S")
        return folder / f"{stamp}-{attempt_uuid or uuidlib.uuid4().hex}.wav"

    # -- sessions ----------------------------------------------------------------------------------

    def start_session(self, note: str = "", started_at: When = None, uuid: str | None = None) -> SessionRecord:
        u = uuid or uuidlib.uuid4().hex
        start = to_iso(started_at or now_utc())
        with self.db.transaction("starting a session") as c:
            cur = c.execute("INSERT INTO sessions(uuid, started_at, note) VALUES (?, ?, ?)", (u, start, note))
            sid = rowid(cur)
        return self.get_session(sid)

    def end_session(self, session_id: int, ended_at: When = None) -> None:
        with self.db.transaction("ending a session") as c:
            c.execute("UPDATE sessions SET ended_at=? WHERE id=?", (to_iso(ended_at or now_utc()), session_id))

    def get_session(self, session_id: int) -> SessionRecord:
        rows = self.db.read("SELECT * FROM sessions WHERE id=?", (session_id,))
        if not rows:
            raise StoreError(f"There is no session {session_id}.")
        r = rows[0]
        return SessionRecord(r["id"], r["uuid"], req_iso(r["started_at"]), from_iso(r["ended_at"]), r["note"])

    # -- mock rounds -------------------------------------------------------------------------------

    def start_mock_round(
        self, bank_id: str, round_id: str, session_id: int | None = None, started_at: When = None,
        uuid: str | None = None,
    ) -> MockRoundRecord:
        u = uuid or uuidlib.uuid4().hex
        with self.db.transaction("starting a mock round") as c:
            cur = c.execute(
                "INSERT INTO mock_rounds(uuid, session_id, bank_id, round_id, started_at) VALUES (?,?,?,?,?)",
                (u, session_id, bank_id, round_id, to_iso(started_at or now_utc())),
            )
            rid = rowid(cur)
        return self.get_mock_round(rid)

    def end_mock_round(self, mock_round_id: int, summary: Mapping[str, Any] | None = None, ended_at: When = None) -> None:
        with self.db.transaction("ending a mock round") as c:
            c.execute(
                "UPDATE mock_rounds SET ended_at=?, summary_json=? WHERE id=?",
                (to_iso(ended_at or now_utc()), dumps(dict(summary) if summary is not None else None), mock_round_id),
            )

    def get_mock_round(self, mock_round_id: int | str) -> MockRoundRecord:
        """By row id, or by uuid when given a non-numeric string."""
        if _is_uuid(mock_round_id):
            rows = self.db.read("SELECT * FROM mock_rounds WHERE uuid=?", (mock_round_id,))
        else:
            rows = self.db.read("SELECT * FROM mock_rounds WHERE id=?", (_as_id(mock_round_id),))
        if not rows:
            raise StoreError(f"There is no mock round {mock_round_id}.")
        return _round_from_row(rows[0])

    def list_mock_rounds(self, bank_id: str | None = None) -> list[MockRoundRecord]:
        if bank_id is None:
            rows = self.db.read("SELECT * FROM mock_rounds ORDER BY started_at DESC, id DESC")
        else:
            rows = self.db.read("SELECT * FROM mock_rounds WHERE bank_id=? ORDER BY started_at DESC, id DESC", (bank_id,))
        return [_round_from_row(r) for r in rows]

    def round_attempts(self, mock_round_id: int) -> list[AttemptSummary]:
        rows = self.db.read(
            f"SELECT {_SUMMARY_SELECT} FROM attempts a WHERE a.mock_round_id=? ORDER BY a.started_at, a.id",
            (mock_round_id,),
        )
        return [AttemptSummary(**summary_from_row(r, self.data_dir)) for r in rows]

    # -- attempts ----------------------------------------------------------------------------------

    def begin_attempt(
        self,
        *,
        bank_id: str,
        question_id: str,
        bank_version: str = "",
        category: str = "",
        prompt: str = "",
        session_id: int | None = None,
        mock_round_id: int | None = None,
        recording_path: Path | str | None = None,
        settings: Mapping[str, Any] | Any = None,
        source: str = "recorded",
        target_s: float | None = None,
        started_at: When = None,
        uuid: str | None = None,
    ) -> AttemptSummary:
        """Record that an attempt started (status "recording"); returns it with its recording path.

        For ``source="recorded"`` without a path, a fresh path under ``recordings/`` is chosen;
        write the audio there.
        """
        u = uuid or uuidlib.uuid4().hex
        if source == "recorded" and recording_path is None:
            recording_path = self.new_recording_path(u)
        aid = self._insert(
            u, bank_id, question_id, bank_version, category, prompt, session_id, mock_round_id,
            recording_path, settings, source, target_s, started_at, STATUS_RECORDING,
            transcript=None, report=None, ended_at=None,
        )
        return self.get_summary(aid)

    def finish_attempt(
        self,
        attempt_id: int,
        *,
        transcript: Any = None,
        report: Any = None,
        ended_at: When = None,
        recording_path: Path | str | None = None,
    ) -> AttemptRecord:
        """Store the transcript and report and mark the attempt finished (committed on return)."""
        tdict, rdict = as_dict(transcript, "transcript"), as_dict(report, "report")
        summary = summarise_report(rdict)
        text = _transcript_text(tdict, rdict)
        with self.db.transaction("saving the attempt") as c:
            row = c.execute("SELECT target_s, recording_path FROM attempts WHERE id=?", (attempt_id,)).fetchone()
            if row is None:
                raise StoreError(f"There is no attempt {attempt_id}.")
            if summary["target_s"] is None:
                summary["target_s"] = row["target_s"]
            rec = store_recording(recording_path, self.data_dir) if recording_path is not None else row["recording_path"]
            sets = ", ".join(f"{k}=?" for k in summary)
            c.execute(
                f"UPDATE attempts SET status=?, ended_at=?, recording_path=?, {sets} WHERE id=?",
                (STATUS_FINISHED, to_iso(ended_at or now_utc()), rec, *summary.values(), attempt_id),
            )
            c.execute(
                "UPDATE attempt_data SET transcript_text=?, transcript_json=?, report_json=?, report_format=? "
                "WHERE attempt_id=?",
                (text, dumps(tdict), dumps(rdict), _report_format(rdict), attempt_id),
            )
        return self.get_attempt(attempt_id)

    def add_attempt(
        self,
        *,
        bank_id: str,
        question_id: str,
        transcript: Any = None,
        report: Any = None,
        bank_version: str = "",
        category: str = "",
        prompt: str = "",
        session_id: int | None = None,
        mock_round_id: int | None = None,
        recording_path: Path | str | None = None,
        settings: Mapping[str, Any] | Any = None,
        source: str = "typed",
        target_s: float | None = None,
        started_at: When = None,
        ended_at: When = None,
        uuid: str | None = None,
    ) -> AttemptRecord:
        """Store a finished attempt in one transaction (typed answers, imported files, tests)."""
        aid = self._insert(
            uuid or uuidlib.uuid4().hex, bank_id, question_id, bank_version, category, prompt, session_id,
            mock_round_id, recording_path, settings, source, target_s, started_at, STATUS_FINISHED,
            transcript=transcript, report=report, ended_at=ended_at or now_utc(),
        )
        return self.get_attempt(aid)

    def _insert(
        self, u: str, bank_id: str, question_id: str, bank_version: str, category: str, prompt: str,
        session_id: int | None, mock_round_id: int | None, recording_path: Path | str | None,
        settings: Any, source: str, target_s: float | None, started_at: When, status: str,
        *, transcript: Any, report: Any, ended_at: When, attempt_id: int | None = None,
    ) -> int:
        if not bank_id or not question_id:
            raise StoreError("An attempt needs a bank id and a question id.")
        if source not in SOURCES:
            raise StoreError(f"Unknown attempt source {source!r} (expected one of {', '.join(SOURCES)}).")
        sdict = _settings_dict(settings)
        tdict, rdict = as_dict(transcript, "transcript"), as_dict(report, "report")
        summary = summarise_report(rdict)
        if summary["target_s"] is None and target_s is not None:
            summary["target_s"] = float(target_s)
        cols = [
            "uuid", "session_id", "mock_round_id", "bank_id", "bank_version", "question_id", "category",
            "prompt", "started_at", "ended_at", "status", "source", "recording_path", *summary,
        ]
        values = [
            u, session_id, mock_round_id, bank_id, bank_version or "", question_id, category or "", prompt or "",
            to_iso(started_at or now_utc()), to_iso(ended_at), status, source,
            store_recording(recording_path, self.data_dir), *summary.values(),
        ]
        if attempt_id is not None:
            cols.insert(0, "id")
            values.insert(0, attempt_id)
        with self.db.transaction("saving the attempt") as c:
            cur = c.execute(
                f"INSERT INTO attempts({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", values
            )
            aid = rowid(cur)
            c.execute(
                "INSERT INTO attempt_data(attempt_id, settings_json, transcript_text, transcript_json, "
                "report_json, report_format) VALUES (?,?,?,?,?,?)",
                (aid, dumps(sdict), _transcript_text(tdict, rdict), dumps(tdict), dumps(rdict), _report_format(rdict)),
            )
        return aid

    def update_report(self, attempt_id: int, report: Any) -> AttemptRecord:
        """Replace the report (e.g. re-analysed with a newer analyser); summary columns follow."""
        rdict = as_dict(report, "report")
        summary = summarise_report(rdict)
        with self.db.transaction("saving the report") as c:
            if c.execute("SELECT 1 FROM attempts WHERE id=?", (attempt_id,)).fetchone() is None:
                raise StoreError(f"There is no attempt {attempt_id}.")
            sets = ", ".join(f"{k}=coalesce(?, {k})" if k == "target_s" else f"{k}=?" for k in summary)
            c.execute(f"UPDATE attempts SET {sets} WHERE id=?", (*summary.values(), attempt_id))
            c.execute(
                "UPDATE attempt_data SET report_json=?, report_format=? WHERE attempt_id=?",
                (dumps(rdict), _report_format(rdict), attempt_id),
            )
        return self.get_attempt(attempt_id)

    def get_summary(self, attempt_id: int) -> AttemptSummary:
        rows = self.db.read(f"SELECT {_SUMMARY_SELECT} FROM attempts a WHERE a.id=?", (attempt_id,))
        if not rows:
            raise StoreError(f"There is no attempt {attempt_id}.")
        return AttemptSummary(**summary_from_row(rows[0], self.data_dir))

    def get_attempt(self, attempt_id: int | str) -> AttemptRecord:
        """By row id, or by uuid when given a non-numeric string."""
        where, key = ("a.uuid=?", attempt_id) if _is_uuid(attempt_id) else ("a.id=?", _as_id(attempt_id))
        rows = self.db.read(
            f"SELECT {_SUMMARY_SELECT}, d.settings_json, d.transcript_text, d.transcript_json, d.report_json, "
            f"d.report_format FROM attempts a LEFT JOIN attempt_data d ON d.attempt_id = a.id WHERE {where}",
            (key,),
        )
        if not rows:
            raise StoreError(f"There is no attempt {attempt_id}.")
        r = rows[0]
        try:
            payload = {
                "settings": loads(r["settings_json"]),
                "transcript": loads(r["transcript_json"]),
                "report": loads(r["report_json"]),
            }
        except ValueError as exc:
            raise StoreError(f"Attempt {attempt_id} has unreadable saved data ({exc}).") from exc
        return AttemptRecord(
            **summary_from_row(r, self.data_dir), **payload,
            report_format=r["report_format"], transcript_text=r["transcript_text"] or "",
        )

    def attempt_ids(self) -> list[int]:
        return [r[0] for r in self.db.read("SELECT id FROM attempts ORDER BY id")]

    def count_attempts(self) -> int:
        return int(self.db.read("SELECT count(*) FROM attempts WHERE status=?", (STATUS_FINISHED,))[0][0])

    def unfinished_attempts(self) -> list[AttemptSummary]:
        """Attempts begun but never finished (the app or machine stopped mid-recording), newest first."""
        rows = self.db.read(
            f"SELECT {_SUMMARY_SELECT} FROM attempts a WHERE a.status=? ORDER BY a.started_at DESC, a.id DESC",
            (STATUS_RECORDING,),
        )
        return [AttemptSummary(**summary_from_row(r, self.data_dir)) for r in rows]

    def orphan_recordings(self) -> list[Path]:
        """Audio files in ``recordings/`` that no attempt refers to (e.g. after a damaged database
        was moved aside, or a recording the app never got to register), oldest first."""
        if not self.recordings_dir.exists():
            return []
        known = {
            p.resolve()
            for (stored,) in self.db.read("SELECT recording_path FROM attempts WHERE recording_path IS NOT NULL")
            if (p := resolve_recording(stored, self.data_dir)) is not None
        }
        files = [p for p in self.recordings_dir.rglob("*") if p.is_file() and p.resolve() not in known]
        return sorted(files, key=lambda p: (p.stat().st_mtime, p.name))

    # -- deleting ----------------------------------------------------------------------------------

    def _owned(self, path: Path) -> bool:
        try:
            path.resolve().relative_to(self.data_dir.resolve())
            return True
        except ValueError:
            return False

    def delete_attempt(self, attempt_id: int) -> DeleteResult:
        """Delete the attempt's rows and its recording (if the recording is in the data folder).

        The audio file is removed inside the transaction, before COMMIT: a crash can leave a row
        whose audio is already gone (delete again), never audio that the history forgot about.
        """
        deleted: list[Path] = []
        kept: list[Path] = []
        with self.db.transaction("deleting the attempt") as c:
            row = c.execute("SELECT recording_path FROM attempts WHERE id=?", (attempt_id,)).fetchone()
            if row is None:
                raise StoreError(f"There is no attempt {attempt_id}.")
            c.execute("DELETE FROM attempt_data WHERE attempt_id=?", (attempt_id,))
            c.execute("DELETE FROM attempts WHERE id=?", (attempt_id,))
            rec = resolve_recording(row["recording_path"], self.data_dir)
            if rec is not None:
                if not self._owned(rec):
                    kept.append(rec)
                else:
                    for f in (rec, *rec.parent.glob(rec.name + ".*")):  # e.g. a .part file beside it
                        try:
                            f.unlink()
                            deleted.append(f)
                        except FileNotFoundError:
                            pass
        self._tidy()
        return DeleteResult(attempts=1, files_deleted=deleted, files_kept=kept)

    def delete_everything(self) -> DeleteResult:
        """Remove every row, every recording, and damaged databases kept aside; then VACUUM."""
        problems: list[str] = []
        deleted: list[Path] = []
        name = self.path.name
        with self.db.transaction("deleting everything") as c:
            n = int(c.execute("SELECT count(*) FROM attempts").fetchone()[0])
            c.execute("DELETE FROM attempt_data")
            c.execute("DELETE FROM attempts")
            c.execute("DELETE FROM mock_rounds")
            c.execute("DELETE FROM sessions")
            if self.db.fts:
                c.execute("INSERT INTO attempts_fts(attempts_fts) VALUES ('rebuild')")
            # Files go before COMMIT (as in delete_attempt): a crash here leaves rows without
            # audio (run it again), never audio the history no longer knows about.
            files = [Path(root, f) for root, _, fs in os.walk(self.recordings_dir) for f in fs]
            files += list(self.path.parent.glob(f"{name}{CORRUPT_INFIX}*"))
            for f in files:
                try:
                    f.unlink()
                    deleted.append(f)
                except FileNotFoundError:
                    pass
                except OSError as exc:
                    problems.append(f"Could not delete {f}: {exc.strerror or exc}")
            for root, dirs, _ in os.walk(self.recordings_dir, topdown=False):
                for d in dirs:
                    with contextlib.suppress(OSError):
                        Path(root, d).rmdir()
        self.path.with_name(name + SUSPECT_SUFFIX).unlink(missing_ok=True)
        try:
            self.db.connection().execute("VACUUM")
        except sqlite3.Error as exc:
            problems.append(str(translate(exc, "compacting the database")))
        self._tidy()
        return DeleteResult(attempts=n, files_deleted=deleted, problems=problems)

    def _tidy(self) -> None:
        """Push deletions out of the WAL so the old contents do not linger in it."""
        try:
            self.db.checkpoint()
        except StoreError:
            pass

    def integrity_check(self) -> list[str]:
        return self.db.integrity_check()


def open_store(location: Path | str | None = None) -> HistoryStore:
    """Open the history given a data folder, or the database file itself (``*.sqlite3``/``*.db``)."""
    if location is not None and Path(location).suffix in (".sqlite3", ".sqlite", ".db"):
        return HistoryStore.open_file(location)
    return HistoryStore.open(location)


def _is_uuid(key: int | str) -> bool:
    """Strings are uuids unless they are a short run of digits (a row id typed on the command line)."""
    return isinstance(key, str) and not (key.strip().isdigit() and len(key.strip()) < 32)


def _as_id(key: int | str) -> int:
    try:
        return int(key)
    except (TypeError, ValueError):
        raise StoreError(f"{key!r} is not an attempt id.") from None


def _round_from_row(r: sqlite3.Row) -> MockRoundRecord:
    return MockRoundRecord(
        id=r["id"], uuid=r["uuid"], bank_id=r["bank_id"], round_id=r["round_id"],
        started_at=req_iso(r["started_at"]), ended_at=from_iso(r["ended_at"]),
        session_id=r["session_id"], summary=loads(r["summary_json"]),
    )


def _transcript_text(tdict: dict[str, Any] | None, rdict: dict[str, Any] | None) -> str:
    if tdict:
        text = tdict.get("text")
        if isinstance(text, str) and text.strip():
            return text
        words = tdict.get("words")
        if isinstance(words, list):
            return " ".join(str(w.get("text", "")).strip() for w in words if isinstance(w, dict))
    if rdict and isinstance(rdict.get("transcript"), str):
        return rdict["transcript"]
    return ""


def _report_format(rdict: dict[str, Any] | None) -> int | None:
    if rdict is None:
        return None
    v = rdict.get("version", 1)
    return v if isinstance(v, int) else 1


def _settings_dict(value: Any) -> dict[str, Any] | None:
    """Settings used for the attempt: a mapping, an object with to_dict(), or a dataclass (Settings)."""
    import dataclasses

    if value is None:
        return None
    if isinstance(value, Mapping):
        return dict(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return as_dict(value, "settings")
