"""The history store: every attempt, transcript and report, kept safely in SQLite.

Qt-free and import-light (no analysis, audio or Qt imports), so the GUI can import it at start-up
and call it from worker threads. Entry point: :class:`voiceprep.store.history.HistoryStore`.
"""

from voiceprep.store.errors import CorruptDatabaseError, DiskFullError, StoreError
from voiceprep.store.history import HistoryStore, open_store
from voiceprep.store.models import AttemptRecord, AttemptSummary, DeleteResult, MockRoundRecord, SessionRecord

__all__ = [
    "HistoryStore", "open_store", "AttemptRecord", "AttemptSummary", "DeleteResult", "MockRoundRecord", "SessionRecord",
    "StoreError", "DiskFullError", "CorruptDatabaseError",
]
