"""Damaged databases are moved aside (never deleted), a full disk is a clear error that loses nothing."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

import pytest

from voiceprep.store import db as dbmod
from voiceprep.store.errors import CorruptDatabaseError, DiskFullError, StoreError, translate
from voiceprep.store.history import HistoryStore
from tests.store.helpers import add, make_report


def _aside(data_dir: Path) -> list[Path]:
    """The moved-aside database files (their -wal/-shm companions, if any, are beside them)."""
    return sorted(p for p in data_dir.glob("history.sqlite3.corrupt-*") if p.name.endswith("Z"))


def _fill(data_dir: Path, n: int) -> list[str]:
    s = HistoryStore.open(data_dir)
    uuids = [add(s, f"b/q{i % 7}", text=f"answer number {i} " + "words " * 200).uuid for i in range(n)]
    s.close()
    return uuids


def test_garbage_file_is_moved_aside_and_a_fresh_db_started(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    garbage = os.urandom(8192)
    (data_dir / "history.sqlite3").write_bytes(garbage)
    s = HistoryStore.open(data_dir)
    try:
        aside = _aside(data_dir)
        assert len(aside) == 1 and aside[0].read_bytes() == garbage  # kept intact
        assert s.moved_aside == aside[0]
        assert len(s.notes) == 1 and "damaged" in s.notes[0] and str(aside[0]) in s.notes[0]
        assert s.attempt_ids() == []
        add(s)
        assert s.count_attempts() == 1 and s.integrity_check() == ["ok"]
    finally:
        s.close()


def test_truncated_file_is_moved_aside(data_dir: Path) -> None:
    _fill(data_dir, 40)
    path = data_dir / "history.sqlite3"
    assert not path.with_name(path.name + "-wal").exists()  # closed cleanly: everything is in the file
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        fh.truncate(size // 2)
    s = HistoryStore.open(data_dir)
    try:
        aside = _aside(data_dir)
        assert len(aside) == 1 and aside[0].stat().st_size == size // 2
        assert "truncated" in s.notes[0]
        assert s.attempt_ids() == []
    finally:
        s.close()


def test_damaged_pages_in_a_large_file_are_caught_after_a_corruption_error(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above the size where open runs a full check, a corruption error met while working flags the
    file, and the next open checks fully and moves it aside."""
    _fill(data_dir, 40)
    monkeypatch.setattr(dbmod, "FULL_CHECK_MAX_BYTES", 1024)  # treat this file as "large"
    path = data_dir / "history.sqlite3"
    page = 4096
    with open(path, "r+b") as fh:  # overwrite pages in the middle, keep the header and schema page
        fh.seek(page * 4)
        fh.write(b"\xff" * page * 6)
    s = HistoryStore.open(data_dir)
    assert s.notes == []  # cheap checks at open cannot see it
    with pytest.raises(CorruptDatabaseError, match="damaged"):
        for aid in range(1, 41):
            s.get_attempt(aid)
    s.close()
    assert path.with_name(path.name + ".suspect").exists()
    s = HistoryStore.open(data_dir)
    try:
        assert len(_aside(data_dir)) == 1 and "damaged" in s.notes[0]
        assert not path.with_name(path.name + ".suspect").exists()
        assert s.attempt_ids() == []
    finally:
        s.close()


def test_small_file_with_damaged_pages_is_caught_at_open(data_dir: Path) -> None:
    _fill(data_dir, 40)
    path = data_dir / "history.sqlite3"
    with open(path, "r+b") as fh:
        fh.seek(4096 * 4)
        fh.write(b"\xff" * 4096 * 6)
    s = HistoryStore.open(data_dir)
    try:
        assert len(_aside(data_dir)) == 1 and "integrity" in s.notes[0]
    finally:
        s.close()


def test_database_from_a_newer_version_is_refused_untouched(data_dir: Path) -> None:
    _fill(data_dir, 1)
    path = data_dir / "history.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer voiceprep"):
        HistoryStore.open(data_dir)
    assert path.read_bytes() == before and _aside(data_dir) == []


def test_disk_full_is_a_clear_error_and_keeps_what_was_stored(store: HistoryStore) -> None:
    """Fault injection with SQLite's own limit: max_page_count makes writes fail with SQLITE_FULL,
    the same error a full disk gives."""
    kept = [add(store, text="kept answer " * 50) for _ in range(3)]
    conn = store.db.connection()
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages + 2}")
    with pytest.raises(DiskFullError, match="disk is full") as info:
        for _ in range(50):
            add(store, text="a long answer " * 400)
    assert "safe" in str(info.value)
    conn.execute("PRAGMA max_page_count = 1073741823")
    ids = store.attempt_ids()
    assert ids[: len(kept)] == [k.id for k in kept]
    for k in kept:
        assert store.get_attempt(k.id) == k
    # every attempt that is there is whole (no half-written attempt without its data row)
    n_data = store.db.read("SELECT count(*) FROM attempt_data")[0][0]
    assert n_data == len(ids)
    assert store.integrity_check() == ["ok"]
    add(store)  # space again: works


def test_disk_full_during_finish_keeps_the_begun_attempt(store: HistoryStore) -> None:
    a = store.begin_attempt(bank_id="b", question_id="q")
    conn = store.db.connection()
    conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
    with pytest.raises(DiskFullError):
        store.finish_attempt(a.id, report=make_report(text="x " * 20000))
    conn.execute("PRAGMA max_page_count = 1073741823")
    assert [u.id for u in store.unfinished_attempts()] == [a.id]  # still offered back


def test_oserror_enospc_translates_to_disk_full() -> None:
    err = translate(OSError(errno.ENOSPC, "No space left on device"), "writing")
    assert isinstance(err, DiskFullError)
    other = translate(OSError(errno.EACCES, "Permission denied"), "writing x")
    assert type(other) is StoreError and "Permission denied" in str(other)


def test_unwritable_folder_is_a_clear_store_error(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root can write anywhere")
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        with pytest.raises(StoreError):
            HistoryStore.open(ro / "data")
    finally:
        ro.chmod(0o700)


def test_data_folder_that_cannot_exist_is_a_clear_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    with pytest.raises(StoreError, match="data folder"):
        HistoryStore.open(blocker / "data")
    with pytest.raises(StoreError):
        HistoryStore.open(blocker)
