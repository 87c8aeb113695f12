"""The history store: every attempt, transcript and report, kept safely in SQLite.

Qt-free and import-light (no analysis, audio or Qt imports), so the GUI can import it at start-up
and call it from worker threads. Entry point: :class:`voiceprep.store.history.HistoryStore`.
"""

from voiceprep.store.errors import CorruptDatabaseError, DiskFullError, StoreError

__all__ = ["StoreError", "DiskFullError", "CorruptDatabaseError"]
