"""Opening the history database safely: WAL, one connection per thread, corruption handled.

Durability choices: WAL journal with ``synchronous=FULL`` (a committed transaction survives a
process kill and a power cut), ``secure_delete`` (deleted transcripts are overwritten, not left in
free pages), user-only file permissions. A damaged file is never deleted: it is renamed
``history.sqlite3.corrupt-<UTC time>`` (with its -wal/-shm) and a fresh database is started; the
caller gets a sentence to show the user.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from voiceprep.paths import ensure_private_dir
from voiceprep.store import migrations
from voiceprep.store.errors import CorruptDatabaseError, StoreError, is_corruption, is_disk_full, translate

SQLITE_MAGIC = b"SQLite format 3\x00"
# Below this size a full PRAGMA quick_check at open costs only milliseconds, so always run it;
# above it, cheap checks run at open and a full check runs after any sign of damage (marker file).
FULL_CHECK_MAX_BYTES = 16 * 1024 * 1024
SUSPECT_SUFFIX = ".suspect"
CORRUPT_INFIX = ".corrupt-"


class _Damaged(Exception):
    """Internal: the file failed a check; ``reason`` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Database:
    """A SQLite file with one connection per thread; all writes go through :meth:`transaction`."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.fts = False
        self.moved_aside: Path | None = None
        self.notes: list[str] = []
        self._local = threading.local()
        self._lock = threading.Lock()
        self._conns: list[sqlite3.Connection] = []
        self._closed = False

    # -- opening ---------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path) -> "Database":
        """Open (creating, migrating or, if damaged, moving aside and recreating) the database."""
        db = cls(path)
        ensure_private_dir(db.path.parent)
        try:
            try:
                db._open_checked()
            except _Damaged as damaged:
                db._close_all()
                db.moved_aside = db._move_aside()
                db.notes.append(
                    f"The history database was damaged ({damaged.reason}). It was moved aside to "
                    f"{db.moved_aside} (kept, not deleted) and a fresh history was started. "
                    "Your recordings are untouched."
                )
                db._open_checked()
        except _Damaged as damaged:  # a brand-new file failed too: the folder itself is the problem
            db._close_all()
            raise StoreError(f"Could not create a working history database at {db.path}: {damaged.reason}.")
        except migrations.SchemaTooNewError as exc:
            db._close_all()
            raise StoreError(str(exc)) from None
        except (sqlite3.Error, OSError) as exc:
            db._close_all()
            raise translate(exc, f"opening {db.path}") from exc
        except BaseException:
            db._close_all()
            raise
        return db

    def _open_checked(self) -> None:
        path = self.path
        suspect = path.with_name(path.name + SUSPECT_SUFFIX)
        existed = path.exists() and path.stat().st_size > 0
        if existed:
            with open(path, "rb") as fh:
                head = fh.read(100)
            if len(head) < 100 or not head.startswith(SQLITE_MAGIC):
                raise _Damaged("the file is not a SQLite database")
        else:
            fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)  # SQLite gives -wal/-shm the same mode
            os.close(fd)
        try:
            os.chmod(path, 0o600)
        except OSError:
            pass
        try:
            conn = self.connection()
            conn.execute("PRAGMA journal_mode=WAL").fetchone()
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            if existed:
                self._check_size(conn)
                if suspect.exists() or path.stat().st_size <= FULL_CHECK_MAX_BYTES:
                    rows = [r[0] for r in conn.execute("PRAGMA quick_check(5)").fetchall()]
                    if rows != ["ok"]:
                        raise _Damaged("integrity check: " + "; ".join(rows))
            migrations.migrate(conn)
            with self.transaction() as c:
                self.fts = migrations.ensure_fts(c)
        except sqlite3.DatabaseError as exc:
            if is_corruption(exc):
                raise _Damaged(str(exc)) from exc
            raise
        except CorruptDatabaseError as exc:
            raise _Damaged(str(exc.__cause__ or exc)) from exc
        suspect.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm"):
            side = path.with_name(path.name + suffix)
            try:
                if side.exists():
                    os.chmod(side, 0o600)
            except OSError:
                pass

    def _check_size(self, conn: sqlite3.Connection) -> None:
        """Detect a truncated file cheaply: after folding the WAL in, the file must hold every page."""
        try:
            busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        except sqlite3.OperationalError as exc:
            if not is_disk_full(exc):
                raise
            # The WAL cannot be folded into the main file: the disk is full. The data is safe in
            # the WAL and readable; say so, and skip this check (the file is legitimately short).
            self.notes.append(
                "The disk is full: your history can be viewed, but nothing new can be saved until "
                "some space is freed."
            )
            return
        if busy:
            return  # another process is using it; it cannot be checked this way right now
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        page_count = conn.execute("PRAGMA page_count").fetchone()[0]
        size = self.path.stat().st_size
        if size < page_size * page_count:
            raise _Damaged(f"the file is truncated ({size} of {page_size * page_count} bytes)")

    def _move_aside(self) -> Path:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        target = self.path.with_name(f"{self.path.name}{CORRUPT_INFIX}{stamp}")
        os.replace(self.path, target)
        for suffix in ("-wal", "-shm"):
            side = self.path.with_name(self.path.name + suffix)
            if side.exists():
                os.replace(side, target.with_name(target.name + suffix))
        self.path.with_name(self.path.name + SUSPECT_SUFFIX).unlink(missing_ok=True)
        return target

    # -- connections and transactions ------------------------------------------------------------

    def connection(self) -> sqlite3.Connection:
        """This thread's connection (created on first use)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        if self._closed:
            raise StoreError("The history store is closed.")
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=10.0)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA secure_delete=ON")
        conn.execute("PRAGMA busy_timeout=10000")
        self._local.conn = conn
        with self._lock:
            self._conns.append(conn)
        return conn

    @contextmanager
    def transaction(self, action: str = "saving history") -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT``; rolls back and raises a StoreError on any failure.

        Nested use joins the outer transaction.
        """
        conn = self.connection()
        if conn.in_transaction:
            yield conn
            return
        try:
            conn.execute("BEGIN IMMEDIATE")
            yield conn
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
            if isinstance(exc, (sqlite3.Error, OSError)):
                self._flag(exc)
                raise translate(exc, action) from exc
            raise

    def read(self, sql: str, params: tuple | dict = (), action: str = "reading history") -> list[sqlite3.Row]:
        try:
            return self.connection().execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            self._flag(exc)
            raise translate(exc, action) from exc

    def _flag(self, exc: BaseException) -> None:
        """After a corruption error, mark the file so the next open runs a full check."""
        if is_corruption(exc) and not is_disk_full(exc):
            try:
                self.path.with_name(self.path.name + SUSPECT_SUFFIX).touch(mode=0o600)
            except OSError:
                pass

    def integrity_check(self) -> list[str]:
        """``PRAGMA integrity_check``: ``["ok"]`` when healthy."""
        return [r[0] for r in self.read("PRAGMA integrity_check")]

    def checkpoint(self) -> None:
        """Fold the WAL into the main file and truncate it (so deleted data leaves the WAL too)."""
        try:
            self.connection().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        except sqlite3.Error as exc:
            raise translate(exc, "tidying the database") from exc

    def release_thread(self) -> None:
        """Close the calling thread's connection (call it before a worker thread ends for good)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            return
        self._local.conn = None
        with self._lock:
            self._conns = [c for c in self._conns if c is not conn]
        conn.close()

    def _close_all(self) -> None:
        with self._lock:
            conns, self._conns = self._conns, []
        for conn in conns:
            try:
                conn.close()
            except sqlite3.Error:
                pass
        self._local = threading.local()

    def close(self) -> None:
        self._close_all()
        self._closed = True

    def __enter__(self) -> "Database":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["Database", "CorruptDatabaseError"]
