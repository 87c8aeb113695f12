"""All history out as JSON, and back in (e.g. onto a new machine).

Format (``format: "voiceprep-history"``, ``format_version: 1``): one JSON file holding sessions,
mock rounds and attempts with their settings, transcripts and reports exactly as stored. Recordings
are *copied into a folder beside the JSON* (``<name>-recordings/<attempt uuid>.wav``) rather than
embedded as base64: a long answer is several MB of audio, base64 would make the JSON a third
larger and impossible to open in an editor, and a folder can be skipped (``include_recordings=
False``) or zipped with the JSON. Each attempt's ``recording.file`` is relative to the JSON.

Import is idempotent: rows are matched by uuid, so importing the same file twice adds nothing.
Ids are kept when free in the target database (always so for an empty one).
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voiceprep import __version__
from voiceprep.paths import ensure_private_dir
from voiceprep.store.errors import StoreError, translate
from voiceprep.store.history import HistoryStore
from voiceprep.store.migrations import SCHEMA_VERSION
from voiceprep.store.models import ATTEMPT_COLUMNS, dumps, loads, resolve_recording, rowid, store_recording, to_iso
from voiceprep.store.reports import write_private

FORMAT = "voiceprep-history"
FORMAT_VERSION = 1
_SESSION_COLS = ("id", "uuid", "started_at", "ended_at", "note")
_ROUND_COLS = ("id", "uuid", "bank_id", "round_id", "started_at", "ended_at")
_ATTEMPT_PLAIN = tuple(c for c in ATTEMPT_COLUMNS if c not in ("session_id", "mock_round_id", "recording_path"))


@dataclass
class ExportResult:
    path: Path
    attempts: int = 0
    recordings: int = 0
    recordings_dir: Path | None = None
    missing_recordings: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    sessions: int = 0
    mock_rounds: int = 0
    attempts: int = 0
    skipped: int = 0  # already present (same uuid)
    recordings: int = 0
    problems: list[str] = field(default_factory=list)


def recordings_folder_for(json_path: Path) -> Path:
    return json_path.with_name(json_path.stem + "-recordings")


def export_json(store: HistoryStore, path: Path, *, include_recordings: bool = True) -> ExportResult:
    """Write every session, mock round and finished or unfinished attempt to ``path``."""
    path = Path(path)
    result = ExportResult(path=path)
    db = store.db
    sessions = db.read("SELECT * FROM sessions ORDER BY id", action="exporting")
    rounds = db.read("SELECT r.*, s.uuid AS session_uuid FROM mock_rounds r LEFT JOIN sessions s ON s.id = r.session_id ORDER BY r.id", action="exporting")
    attempts = db.read(
        "SELECT a.*, s.uuid AS session_uuid, r.uuid AS mock_round_uuid, d.settings_json, d.transcript_json, "
        "d.report_json, d.report_format FROM attempts a LEFT JOIN sessions s ON s.id = a.session_id "
        "LEFT JOIN mock_rounds r ON r.id = a.mock_round_id LEFT JOIN attempt_data d ON d.attempt_id = a.id ORDER BY a.id",
        action="exporting",
    )
    rec_dir = recordings_folder_for(path)
    out_attempts: list[dict[str, Any]] = []
    try:
        for a in attempts:
            item: dict[str, Any] = {c: a[c] for c in _ATTEMPT_PLAIN}
            item["session_uuid"] = a["session_uuid"]
            item["mock_round_uuid"] = a["mock_round_uuid"]
            item["settings"] = loads(a["settings_json"])
            item["transcript"] = loads(a["transcript_json"])
            item["report"] = loads(a["report_json"])
            item["report_format"] = a["report_format"]
            recording: dict[str, Any] | None = None
            if a["recording_path"]:
                recording = {"stored_path": a["recording_path"], "file": None}
                src = resolve_recording(a["recording_path"], store.data_dir)
                if include_recordings and src is not None:
                    if src.is_file():
                        ensure_private_dir(rec_dir)
                        dest = rec_dir / f"{a['uuid']}{src.suffix or '.wav'}"
                        shutil.copyfile(src, dest)
                        os.chmod(dest, 0o600)
                        recording["file"] = f"{rec_dir.name}/{dest.name}"
                        result.recordings += 1
                    else:
                        result.missing_recordings.append(str(src))
            item["recording"] = recording
            out_attempts.append(item)
    except OSError as exc:
        raise translate(exc, f"copying recordings to {rec_dir}") from exc
    doc = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_version": SCHEMA_VERSION,
        "app_version": __version__,
        "exported_at": to_iso(_now()),
        "sessions": [{c: s[c] for c in _SESSION_COLS} for s in sessions],
        "mock_rounds": [
            {**{c: r[c] for c in _ROUND_COLS}, "session_uuid": r["session_uuid"], "summary": loads(r["summary_json"])}
            for r in rounds
        ],
        "attempts": out_attempts,
    }
    write_private(path, json.dumps(doc, ensure_ascii=False, indent=1))
    result.attempts = len(out_attempts)
    result.recordings_dir = rec_dir if result.recordings else None
    return result


def _now() -> Any:
    from voiceprep.store.models import now_utc

    return now_utc()


def _load(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StoreError(f"There is no file {path}.") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise StoreError(f"{path} is not a readable voiceprep export ({exc}).") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise StoreError(f"{path} is not a voiceprep history export (no \"format\": \"{FORMAT}\").")
    version = doc.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise StoreError(f"{path} was exported by a newer voiceprep (format {version}); update voiceprep to import it.")
    for key in ("sessions", "mock_rounds", "attempts"):
        if not isinstance(doc.get(key, []), list):
            raise StoreError(f"{path}: {key!r} must be a list.")
    return doc


def _free_id(c: Any, table: str, wanted: Any) -> int | None:
    if not isinstance(wanted, int) or isinstance(wanted, bool):
        return None
    return wanted if c.execute(f"SELECT 1 FROM {table} WHERE id=?", (wanted,)).fetchone() is None else None


def import_json(store: HistoryStore, path: Path) -> ImportResult:
    """Add everything in an export that is not already here (matched by uuid), all in one transaction."""
    path = Path(path)
    doc = _load(path)
    result = ImportResult()
    copied: list[Path] = []
    try:
        with store.db.transaction("importing history") as c:
            session_ids: dict[str, int] = {}
            for s in doc.get("sessions", []):
                _need(s, ("uuid", "started_at"), "session")
                row = c.execute("SELECT id FROM sessions WHERE uuid=?", (s["uuid"],)).fetchone()
                if row:
                    session_ids[s["uuid"]] = row[0]
                    continue
                cur = c.execute(
                    "INSERT INTO sessions(id, uuid, started_at, ended_at, note) VALUES (?,?,?,?,?)",
                    (_free_id(c, "sessions", s.get("id")), s["uuid"], _ts(s["started_at"]), _ts(s.get("ended_at")), s.get("note") or ""),
                )
                session_ids[s["uuid"]] = rowid(cur)
                result.sessions += 1
            round_ids: dict[str, int] = {}
            for r in doc.get("mock_rounds", []):
                _need(r, ("uuid", "bank_id", "round_id", "started_at"), "mock round")
                row = c.execute("SELECT id FROM mock_rounds WHERE uuid=?", (r["uuid"],)).fetchone()
                if row:
                    round_ids[r["uuid"]] = row[0]
                    continue
                cur = c.execute(
                    "INSERT INTO mock_rounds(id, uuid, session_id, bank_id, round_id, started_at, ended_at, summary_json) "
                    "VALUES (?,?,?,?,?,?,?,?)",
                    (_free_id(c, "mock_rounds", r.get("id")), r["uuid"], session_ids.get(r.get("session_uuid") or ""),
                     r["bank_id"], r["round_id"], _ts(r["started_at"]), _ts(r.get("ended_at")), dumps(r.get("summary"))),
                )
                round_ids[r["uuid"]] = rowid(cur)
                result.mock_rounds += 1
            for a in doc.get("attempts", []):
                _need(a, ("uuid", "bank_id", "question_id", "started_at"), "attempt")
                if c.execute("SELECT 1 FROM attempts WHERE uuid=?", (a["uuid"],)).fetchone():
                    result.skipped += 1
                    continue
                rec_path = _import_recording(store, path, a, copied, result)
                values: dict[str, Any] = {k: a.get(k) for k in _ATTEMPT_PLAIN}
                values["id"] = _free_id(c, "attempts", a.get("id"))
                values["started_at"], values["ended_at"] = _ts(a["started_at"]), _ts(a.get("ended_at"))
                values["status"] = values.get("status") or "finished"
                values["source"] = values.get("source") or "imported"
                for k in ("bank_version", "category", "prompt"):
                    values[k] = values.get(k) or ""
                values["session_id"] = session_ids.get(a.get("session_uuid") or "")
                values["mock_round_id"] = round_ids.get(a.get("mock_round_uuid") or "")
                values["recording_path"] = rec_path
                cols = list(values)
                cur = c.execute(
                    f"INSERT INTO attempts({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                    [values[k] for k in cols],
                )
                aid = rowid(cur)
                transcript, report = a.get("transcript"), a.get("report")
                from voiceprep.store.history import _report_format, _transcript_text

                c.execute(
                    "INSERT INTO attempt_data(attempt_id, settings_json, transcript_text, transcript_json, report_json, "
                    "report_format) VALUES (?,?,?,?,?,?)",
                    (aid, dumps(a.get("settings")), _transcript_text(transcript, report), dumps(transcript),
                     dumps(report), a.get("report_format", _report_format(report))),
                )
                result.attempts += 1
    except BaseException:
        for f in copied:
            f.unlink(missing_ok=True)
        raise
    return result


def _ts(value: Any) -> str | None:
    """Timestamps are normalised to the store's one format (string order = time order)."""
    if value is None:
        return None
    try:
        return to_iso(str(value))
    except ValueError:
        raise StoreError(f"The export has a bad timestamp {value!r}; nothing was imported.") from None


def _need(item: Any, keys: tuple[str, ...], what: str) -> None:
    if not isinstance(item, dict) or any(not isinstance(item.get(k), str) or not item.get(k) for k in keys):
        raise StoreError(f"The export has a {what} without {', '.join(keys)}; nothing was imported.")


def _import_recording(store: HistoryStore, json_path: Path, a: dict[str, Any], copied: list[Path], result: ImportResult) -> str | None:
    rec = a.get("recording")
    if not isinstance(rec, dict):
        return None
    stored = rec.get("stored_path") if isinstance(rec.get("stored_path"), str) else None
    file = rec.get("file")
    if not isinstance(file, str) or not file:
        return stored  # exported without audio: keep the reference (it may exist on this machine)
    src = (json_path.parent / file).resolve()
    try:  # only files beside the export: a crafted file must not pull in e.g. ~/.ssh/id_rsa
        src.relative_to(json_path.parent.resolve())
    except ValueError:
        result.problems.append(f"Recording {file} for attempt {a['uuid']} is outside the export folder; skipped.")
        return stored
    if not src.is_file():
        result.problems.append(f"Recording {file} for attempt {a['uuid']} is missing; imported without audio.")
        return stored
    folder = ensure_private_dir(store.recordings_dir)
    name = Path(stored).name if stored else src.name
    dest = folder / name
    if dest.exists():
        if dest.stat().st_size == src.stat().st_size and _same_bytes(dest, src):
            return store_recording(dest, store.data_dir)
        dest = folder / f"{a['uuid']}{src.suffix}"
    try:
        shutil.copyfile(src, dest)
        os.chmod(dest, 0o600)
    except OSError as exc:
        dest.unlink(missing_ok=True)
        raise translate(exc, f"copying the recording {src}") from exc
    copied.append(dest)
    result.recordings += 1
    return store_recording(dest, store.data_dir)


def _same_bytes(a: Path, b: Path) -> bool:
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            x, y = fa.read(1 << 20), fb.read(1 << 20)
            if x != y:
                return False
            if not x:
                return True
