"""HistoryStore through a real SQLite file: saving, reading, deleting, permissions, threads."""

from __future__ import annotations

import sqlite3
import stat
import threading
from pathlib import Path

import pytest

from voiceprep.settings import Settings
from voiceprep.store.errors import StoreError
from voiceprep.store.history import HistoryStore
from tests.store.helpers import add, make_report, make_transcript


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def _db_bytes(store: HistoryStore) -> bytes:
    """The database file and its WAL as they are on disk now (store still open)."""
    wal = store.path.with_name(store.path.name + "-wal")
    return store.path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_new_store_is_private_and_in_wal_mode(store: HistoryStore, data_dir: Path) -> None:
    add(store)
    assert _mode(data_dir) == 0o700
    assert _mode(store.path) == 0o600
    for side in ("-wal", "-shm"):
        p = store.path.with_name(store.path.name + side)
        if p.exists():
            assert _mode(p) == 0o600, side
    assert _mode(store.recordings_dir) == 0o700
    mode = store.db.connection().execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_begin_then_finish_attempt_round_trips_everything(store: HistoryStore) -> None:
    session = store.start_session(note="evening")
    begun = store.begin_attempt(
        bank_id="netflix-pm", question_id="retention", bank_version="2", category="metrics",
        prompt="How would you measure retention?", session_id=session.id, settings=Settings(), target_s=120,
    )
    assert begun.status == "recording" and not begun.finished
    assert begun.recording_path is not None and begun.recording_path.parent == store.recordings_dir
    assert [a.id for a in store.unfinished_attempts()] == [begun.id]

    report = make_report("netflix-pm/retention", statuses=("covered", "partial", "missed"), wpm=151.5,
                         fillers_per_min=3.25, longest_pause_s=2.75, answer_s=101.0, target_s=None, verdict="on-target")
    transcript = make_transcript(report["transcript"])
    rec = store.finish_attempt(begun.id, transcript=transcript, report=report)

    assert rec.finished and store.unfinished_attempts() == []
    assert rec.question == "netflix-pm/retention" and rec.session_id == session.id
    assert rec.transcript == transcript and rec.report == report
    assert rec.settings is not None and rec.settings["wpm_low"] == Settings().wpm_low
    assert rec.coverage == pytest.approx(0.5) and (rec.points_covered, rec.points_total) == (1, 3)
    assert (rec.wpm, rec.fillers_per_min, rec.longest_pause_s, rec.answer_s) == (151.5, 3.25, 2.75, 101.0)
    assert rec.target_s == 120.0  # the report had none: the target given at begin is kept
    assert rec.time_vs_target == pytest.approx(101 / 120)
    assert rec.recording_path == begun.recording_path
    # stored relative to the data folder, so the folder can move
    raw = store.db.read("SELECT recording_path FROM attempts WHERE id=?", (rec.id,))[0][0]
    assert not Path(raw).is_absolute()

    reopened = HistoryStore.open(store.data_dir)
    try:
        assert reopened.get_attempt(rec.id) == rec
        assert reopened.get_attempt(rec.uuid) == rec
    finally:
        reopened.close()


def test_accepts_objects_with_to_dict(store: HistoryStore) -> None:
    from voiceprep.analysis.transcript import Transcript

    t = Transcript.from_text("we would look at weekly retention", source="typed")
    rec = store.add_attempt(bank_id="b", question_id="q", transcript=t, report=None)
    assert Transcript.from_dict(rec.transcript) == t
    assert rec.transcript_text == "we would look at weekly retention"
    assert rec.coverage is None and rec.report is None


def test_real_answer_report_object_is_stored_and_read_back(store: HistoryStore) -> None:
    report_mod = pytest.importorskip("voiceprep.analysis.report")
    d = make_report("b/q")
    obj = report_mod.AnswerReport.from_dict(d)
    rec = store.add_attempt(bank_id="b", question_id="q", report=obj)
    assert rec.report == obj.to_dict()
    assert report_mod.AnswerReport.from_dict(rec.report).to_dict() == obj.to_dict()
    assert rec.coverage == pytest.approx(obj.coverage.score)


def test_bad_input_is_a_clear_error_and_stores_nothing(store: HistoryStore) -> None:
    with pytest.raises(StoreError, match="bank id and a question id"):
        store.add_attempt(bank_id="", question_id="q")
    with pytest.raises(StoreError, match="source"):
        store.add_attempt(bank_id="b", question_id="q", source="telepathy")
    with pytest.raises(StoreError, match="no attempt 999"):
        store.get_attempt(999)
    with pytest.raises(StoreError, match="no attempt"):
        store.get_attempt("not-a-uuid")
    with pytest.raises(StoreError, match="no attempt 999"):
        store.finish_attempt(999, report=make_report())
    assert store.attempt_ids() == []


def test_failed_write_rolls_back_both_tables(store: HistoryStore) -> None:
    first = add(store)
    with pytest.raises(StoreError):  # same uuid: the second insert fails at the UNIQUE constraint
        store.add_attempt(bank_id="b", question_id="q", uuid=first.uuid, report=make_report())
    assert store.attempt_ids() == [first.id]
    n = store.db.read("SELECT count(*) FROM attempt_data")[0][0]
    assert n == 1


def test_update_report_moves_the_summary_columns(store: HistoryStore) -> None:
    rec = add(store, statuses=("missed", "missed"))
    assert rec.coverage == 0.0
    rec2 = store.update_report(rec.id, make_report(statuses=("covered", "covered"), target_s=None))
    assert rec2.coverage == 1.0 and rec2.points_covered == 2 and rec2.target_s == rec.target_s


def test_delete_attempt_removes_rows_and_audio_but_not_foreign_files(store: HistoryStore, tmp_path: Path) -> None:
    a = store.begin_attempt(bank_id="b", question_id="q")
    assert a.recording_path is not None
    a.recording_path.write_bytes(b"RIFF....WAVE")
    store.finish_attempt(a.id, report=make_report(text="a secret answer about retention"))
    outside = tmp_path / "my-own.wav"
    outside.write_bytes(b"RIFF")
    b = store.add_attempt(bank_id="b", question_id="q", recording_path=outside, source="imported")
    keep = add(store)

    res = store.delete_attempt(a.id)
    assert res.files_deleted == [a.recording_path] and not a.recording_path.exists()
    with pytest.raises(StoreError):
        store.get_attempt(a.id)
    assert store.db.read("SELECT count(*) FROM attempt_data WHERE attempt_id=?", (a.id,))[0][0] == 0

    res = store.delete_attempt(b.id)
    assert res.files_kept == [outside] and outside.exists()
    assert store.attempt_ids() == [keep.id]
    # secure_delete + checkpoint: the deleted transcript is left neither in free pages nor in the WAL
    assert b"a secret answer" not in _db_bytes(store)


def test_delete_everything_removes_rows_recordings_and_set_aside_files(store: HistoryStore) -> None:
    s = store.start_session()
    r = store.start_mock_round("b", "screen", session_id=s.id)
    for _ in range(3):
        a = store.begin_attempt(bank_id="b", question_id="q", mock_round_id=r.id)
        assert a.recording_path is not None
        a.recording_path.write_bytes(b"RIFF" * 100)
        store.finish_attempt(a.id, report=make_report(text="private words here"))
    (store.recordings_dir / "2026" / "old").mkdir(parents=True)
    (store.recordings_dir / "2026" / "old" / "take.wav.part").write_bytes(b"partial")
    aside = store.path.with_name(store.path.name + ".corrupt-20250101T000000Z")
    aside.write_bytes(b"old damaged history")
    res = store.delete_everything()
    assert res.attempts == 3 and res.problems == []
    assert not aside.exists()
    assert list(store.recordings_dir.rglob("*")) == []
    for table in ("attempts", "attempt_data", "sessions", "mock_rounds"):
        assert store.db.read(f"SELECT count(*) FROM {table}")[0][0] == 0
    assert store.integrity_check() == ["ok"]
    assert b"private words here" not in _db_bytes(store)
    add(store)  # still usable


def test_mock_rounds(store: HistoryStore) -> None:
    r = store.start_mock_round("b", "screen")
    a1 = add(store, "b/q1")
    store.add_attempt(bank_id="b", question_id="q2", mock_round_id=r.id, report=make_report("b/q2"))
    store.add_attempt(bank_id="b", question_id="q3", mock_round_id=r.id, report=make_report("b/q3"))
    store.end_mock_round(r.id, summary={"answers": 2, "overall": "good"})
    got = store.get_mock_round(r.id)
    assert got.summary == {"answers": 2, "overall": "good"} and got.ended_at is not None
    assert store.get_mock_round(r.uuid) == got
    assert [a.question_id for a in store.round_attempts(r.id)] == ["q2", "q3"]
    assert a1.mock_round_id is None
    assert [x.id for x in store.list_mock_rounds("b")] == [r.id]


def test_connection_per_thread_and_concurrent_writers(store: HistoryStore) -> None:
    errors: list[BaseException] = []
    conns: list[sqlite3.Connection] = []

    def worker(n: int) -> None:
        try:
            conns.append(store.db.connection())
            for i in range(15):
                add(store, f"b/t{n}", text=f"thread {n} answer {i}")
            store.release_thread()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len({id(c) for c in conns}) == 4 and store.db.connection() not in conns
    assert store.db._conns == [store.db.connection()]  # the workers' connections were released
    with pytest.raises(sqlite3.ProgrammingError):
        conns[0].execute("SELECT 1")
    assert store.count_attempts() == 60
    assert store.integrity_check() == ["ok"]


def test_closed_store_refuses_politely(data_dir: Path) -> None:
    s = HistoryStore.open(data_dir)
    s.close()
    with pytest.raises(StoreError, match="closed"):
        s.get_attempt(1)


def test_open_store_takes_a_folder_or_the_database_file(tmp_path: Path) -> None:
    from voiceprep.paths import database_path
    from voiceprep.store import open_store

    a = open_store(tmp_path / "d1")
    assert a.path == database_path(tmp_path / "d1") and a.recordings_dir == tmp_path / "d1" / "recordings"
    add(a)
    a.close()
    b = open_store(database_path(tmp_path / "d1"))
    try:
        assert b.count_attempts() == 1 and b.data_dir == tmp_path / "d1"
    finally:
        b.close()


def test_orphan_recordings_are_listed(store: HistoryStore) -> None:
    a = store.begin_attempt(bank_id="b", question_id="q")
    assert a.recording_path is not None
    a.recording_path.write_bytes(b"RIFF")
    stray = store.recordings_dir / "from-a-lost-database.wav"
    stray.write_bytes(b"RIFF")
    assert store.orphan_recordings() == [stray]
    store.delete_attempt(a.id)
    assert store.orphan_recordings() == [stray]
