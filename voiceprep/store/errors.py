"""Store errors: each carries a message fit to show the user as is."""

from __future__ import annotations

import errno
import sqlite3


class StoreError(Exception):
    """Something went wrong reading or writing history; ``str(exc)`` is a user-facing sentence."""


class DiskFullError(StoreError):
    """The disk (or the database's size limit) is full; the write was rolled back, nothing older lost."""


class CorruptDatabaseError(StoreError):
    """The database file is damaged. The next open moves it aside and starts a fresh one."""


DISK_FULL_MESSAGE = (
    "The disk is full, so {action} did not complete. Everything saved before is safe; "
    "free some space and try again."
)


def is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return True
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        if code == sqlite3.SQLITE_FULL:
            return True
        return "database or disk is full" in str(exc)
    return False


def is_corruption(exc: BaseException) -> bool:
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return True
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text


def translate(exc: BaseException, action: str) -> StoreError:
    """Turn a sqlite3/OS error raised while doing ``action`` into a user-facing StoreError."""
    if isinstance(exc, StoreError):
        return exc
    if is_disk_full(exc):
        return DiskFullError(DISK_FULL_MESSAGE.format(action=action))
    if is_corruption(exc):
        return CorruptDatabaseError(
            f"The history database is damaged ({exc}) while {action}. Restart voiceprep: the "
            "damaged file will be moved aside (kept, not deleted) and a fresh one started."
        )
    if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
        return StoreError(f"The history database is busy (another voiceprep running?) while {action}; try again.")
    if isinstance(exc, OSError):
        return StoreError(f"Could not access history files while {action}: {exc.strerror or exc}.")
    return StoreError(f"History error while {action}: {exc}")
