"""Schema versions and the ordered migrations between them.

The version lives in ``PRAGMA user_version``. Each migration takes a database at version N-1 to
N inside one transaction, so a crash mid-migration leaves the old version intact. Never edit a
released migration: add a new one. ``tests/store/fixtures/schema_vN.sql`` holds the schema at
each old version, and the tests migrate those forward.

Table layout note: ``attempts`` holds only small columns (ids, times, summary numbers) so list and
trend queries never walk big rows; the JSON payloads live in ``attempt_data`` (one row per
attempt, same id), fetched by primary key when one attempt is opened.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

_V1 = """
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    note TEXT NOT NULL DEFAULT ''
);
CREATE TABLE mock_rounds (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    session_id INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
    bank_id TEXT NOT NULL,
    round_id TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    summary_json TEXT
);
CREATE TABLE attempts (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    session_id INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
    mock_round_id INTEGER REFERENCES mock_rounds(id) ON DELETE SET NULL,
    bank_id TEXT NOT NULL,
    bank_version TEXT NOT NULL DEFAULT '',
    question_id TEXT NOT NULL,
    category TEXT NOT NULL DEFAULT '',
    prompt TEXT NOT NULL DEFAULT '',
    started_at TEXT NOT NULL,
    ended_at TEXT,
    source TEXT NOT NULL DEFAULT 'recorded',
    recording_path TEXT,
    coverage REAL,
    points_covered INTEGER,
    points_total INTEGER,
    wpm REAL,
    fillers_per_min REAL,
    longest_pause_s REAL,
    answer_s REAL,
    target_s REAL
);
CREATE TABLE attempt_data (
    attempt_id INTEGER PRIMARY KEY REFERENCES attempts(id) ON DELETE CASCADE,
    settings_json TEXT,
    transcript_text TEXT NOT NULL DEFAULT '',
    transcript_json TEXT,
    report_json TEXT,
    report_format INTEGER
);
CREATE INDEX attempts_started ON attempts(started_at);
CREATE INDEX attempts_question ON attempts(bank_id, question_id, started_at);
"""

# v2: attempts can be begun before they finish (the recording is offered back after a crash),
# plus the few extra summary numbers the progress views and spaced repetition use.
_V2 = """
ALTER TABLE attempts ADD COLUMN status TEXT NOT NULL DEFAULT 'finished';
ALTER TABLE attempts ADD COLUMN timing_verdict TEXT;
ALTER TABLE attempts ADD COLUMN word_count INTEGER;
ALTER TABLE attempts ADD COLUMN hedges_count INTEGER;
CREATE INDEX attempts_status ON attempts(status, started_at);
CREATE INDEX attempts_round ON attempts(mock_round_id);
"""


def fts5_available(conn: sqlite3.Connection) -> bool:
    try:
        conn.execute("CREATE VIRTUAL TABLE temp._fts5_probe USING fts5(x)")
        conn.execute("DROP TABLE temp._fts5_probe")
        return True
    except sqlite3.OperationalError:
        return False


def has_fts(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='attempts_fts'").fetchone()
    return row is not None


_FTS_STATEMENTS = (
    """CREATE VIRTUAL TABLE attempts_fts USING fts5(
        transcript_text, content='attempt_data', content_rowid='attempt_id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER attempt_data_ai AFTER INSERT ON attempt_data BEGIN
        INSERT INTO attempts_fts(rowid, transcript_text) VALUES (new.attempt_id, new.transcript_text);
    END""",
    """CREATE TRIGGER attempt_data_ad AFTER DELETE ON attempt_data BEGIN
        INSERT INTO attempts_fts(attempts_fts, rowid, transcript_text)
            VALUES ('delete', old.attempt_id, old.transcript_text);
    END""",
    """CREATE TRIGGER attempt_data_au AFTER UPDATE OF transcript_text ON attempt_data BEGIN
        INSERT INTO attempts_fts(attempts_fts, rowid, transcript_text)
            VALUES ('delete', old.attempt_id, old.transcript_text);
        INSERT INTO attempts_fts(rowid, transcript_text) VALUES (new.attempt_id, new.transcript_text);
    END""",
    "INSERT INTO attempts_fts(attempts_fts) VALUES ('rebuild')",
)


def ensure_fts(conn: sqlite3.Connection) -> bool:
    """Create the full-text index over transcripts if SQLite has FTS5; False means search uses LIKE.

    Idempotent, so a database made where FTS5 was missing gains the index when opened where it exists.
    """
    if has_fts(conn):
        return True
    if not fts5_available(conn):
        return False
    for statement in _FTS_STATEMENTS:
        conn.execute(statement)
    return True


def _v3(conn: sqlite3.Connection) -> None:
    """v3: full-text search over transcripts (skipped silently where FTS5 is missing)."""
    ensure_fts(conn)


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[sqlite3.Connection], None]


def _script(sql: str) -> Callable[[sqlite3.Connection], None]:
    def run(conn: sqlite3.Connection) -> None:
        for statement in sql.split(";"):
            if statement.strip():
                conn.execute(statement)

    return run


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "sessions, mock rounds, attempts, attempt data", _script(_V1)),
    Migration(2, "attempt status (unfinished recordings), timing verdict, word and hedge counts", _script(_V2)),
    Migration(3, "full-text search over transcripts", _v3),
)
SCHEMA_VERSION = MIGRATIONS[-1].version


class SchemaTooNewError(Exception):
    """The file was written by a newer voiceprep; opening it here could damage it."""


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> list[int]:
    """Bring ``conn`` (autocommit mode) up to ``target``; returns the versions applied.

    Each step runs in its own ``BEGIN IMMEDIATE`` transaction together with its user_version bump.
    """
    current = user_version(conn)
    if current > SCHEMA_VERSION:
        raise SchemaTooNewError(
            f"The history database is from a newer voiceprep (schema {current}, this one knows "
            f"{SCHEMA_VERSION}); update voiceprep to open it."
        )
    applied: list[int] = []
    for m in MIGRATIONS:
        if m.version <= current or m.version > target:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            if user_version(conn) >= m.version:  # another process migrated meanwhile
                conn.execute("ROLLBACK")
                continue
            m.apply(conn)
            conn.execute(f"PRAGMA user_version = {int(m.version)}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        applied.append(m.version)
    return applied
