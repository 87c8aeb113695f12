"""JSON export and import: export -> import into an empty database -> the same data; idempotent."""

from __future__ import annotations

import json
import stat
from dataclasses import asdict
from pathlib import Path

import pytest

from voiceprep.store.errors import StoreError
from voiceprep.store.history import HistoryStore
from voiceprep.store.transfer import FORMAT, export_json, import_json, recordings_folder_for
from tests.store.helpers import add, make_report, make_transcript


def _snapshot(store: HistoryStore) -> dict:
    """Everything a user would miss, with recording paths made relative to the data folder."""
    attempts = []
    for aid in store.attempt_ids():
        d = asdict(store.get_attempt(aid))
        if d["recording_path"] is not None:
            d["recording_path"] = Path(d["recording_path"]).relative_to(store.data_dir).as_posix()
        attempts.append(d)
    sessions = [tuple(r) for r in store.db.read("SELECT * FROM sessions ORDER BY id")]
    rounds = [tuple(r) for r in store.db.read("SELECT * FROM mock_rounds ORDER BY id")]
    return {"attempts": attempts, "sessions": sessions, "rounds": rounds}


def _recordings(store: HistoryStore) -> dict[str, bytes]:
    return {p.relative_to(store.data_dir).as_posix(): p.read_bytes() for p in store.recordings_dir.rglob("*") if p.is_file()}


@pytest.fixture
def source(tmp_path: Path) -> HistoryStore:
    s = HistoryStore.open(tmp_path / "old-machine")
    sess = s.start_session(note="Tuesday")
    rnd = s.start_mock_round("netflix", "screen", session_id=sess.id)
    for i in range(3):
        a = s.begin_attempt(bank_id="netflix", question_id=f"q{i}", session_id=sess.id,
                            mock_round_id=rnd.id if i else None, settings={"wpm_low": 120 + i}, target_s=90)
        assert a.recording_path is not None
        a.recording_path.write_bytes(f"RIFF-audio-{i}".encode() * 50)
        rep = make_report(f"netflix/q{i}", text=f"answer {i} about retention")
        s.finish_attempt(a.id, transcript=make_transcript(rep["transcript"]), report=rep)
    s.end_mock_round(rnd.id, summary={"answers": 2})
    s.end_session(sess.id)
    add(s, "spotify/typed")  # typed: no recording
    s.begin_attempt(bank_id="netflix", question_id="unfinished")  # begun, never finished (no audio file yet)
    s.delete_attempt(s.attempt_ids()[0])  # ids have a gap, which import must keep
    yield s
    s.close()


def test_round_trip_into_an_empty_database(source: HistoryStore, tmp_path: Path) -> None:
    out = tmp_path / "export" / "history.json"
    res = export_json(source, out)
    assert res.attempts == 4 and res.recordings == 2 and res.missing_recordings == [str(source.unfinished_attempts()[0].recording_path)]
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    doc = json.loads(out.read_text())
    assert doc["format"] == FORMAT and len(doc["attempts"]) == 4
    rec_dir = recordings_folder_for(out)
    assert sorted(p.name for p in rec_dir.iterdir()) == sorted(
        f"{a['uuid']}.wav" for a in doc["attempts"] if a["recording"] and a["recording"]["file"])

    target = HistoryStore.open(tmp_path / "new-machine")
    try:
        res2 = import_json(target, out)
        assert (res2.attempts, res2.mock_rounds, res2.sessions, res2.recordings, res2.skipped) == (4, 1, 1, 2, 0)
        assert _snapshot(target) == _snapshot(source)
        assert _recordings(target) == _recordings(source)
        # importing again changes nothing
        res3 = import_json(target, out)
        assert (res3.attempts, res3.skipped, res3.recordings) == (0, 4, 0)
        assert _snapshot(target) == _snapshot(source)
        # and the imported history is fully usable: search index, unfinished list
        from voiceprep.store.progress import AttemptFilter, list_attempts

        flt = AttemptFilter(search="answer retention")
        assert [a.uuid for a in list_attempts(target, flt)] == [a.uuid for a in list_attempts(source, flt)]
        assert len(list_attempts(target, flt)) == 2
        assert [a.question_id for a in target.unfinished_attempts()] == ["unfinished"]
    finally:
        target.close()


def test_import_merges_into_a_database_with_other_attempts(source: HistoryStore, tmp_path: Path) -> None:
    out = tmp_path / "h.json"
    export_json(source, out, include_recordings=False)
    assert not recordings_folder_for(out).exists()
    target = HistoryStore.open(tmp_path / "other")
    try:
        mine = [add(target, "mine/q") for _ in range(3)]  # ids 1-3 are taken here
        res = import_json(target, out)
        assert res.attempts == 4 and res.recordings == 0
        assert [target.get_attempt(m.id).uuid for m in mine] == [m.uuid for m in mine]
        imported = {target.get_attempt(a).uuid for a in target.attempt_ids()} - {m.uuid for m in mine}
        assert imported == {target.get_attempt(a).uuid for a in target.attempt_ids()[3:]} and len(imported) == 4
        # the round link survives the id change
        rnd = target.list_mock_rounds("netflix")[0]
        assert [a.question_id for a in target.round_attempts(rnd.id)] == ["q1", "q2"]
        assert target.count_attempts() == 3 + 3
    finally:
        target.close()


def test_bad_import_files_are_clear_errors_and_change_nothing(source: HistoryStore, tmp_path: Path) -> None:
    before = source.attempt_ids()
    bad = tmp_path / "bad.json"
    for content, match in (
        ("{not json", "not a readable"),
        ('{"format": "something-else"}', "not a voiceprep history export"),
        (json.dumps({"format": FORMAT, "format_version": 99}), "newer voiceprep"),
        (json.dumps({"format": FORMAT, "format_version": 1, "attempts": "x"}), "must be a list"),
    ):
        bad.write_text(content)
        with pytest.raises(StoreError, match=match):
            import_json(source, bad)
    with pytest.raises(StoreError, match="no file"):
        import_json(source, tmp_path / "missing.json")
    # a half-good file: the first attempt is fine, the second broken -> nothing imported at all
    good = make_report("x/y")
    bad.write_text(json.dumps({"format": FORMAT, "format_version": 1, "attempts": [
        {"uuid": "u1", "bank_id": "x", "question_id": "y", "started_at": "2026-01-01T10:00:00+00:00", "report": good},
        {"uuid": "u2", "bank_id": "x", "started_at": "2026-01-01T10:00:00+00:00"},
    ]}))
    with pytest.raises(StoreError, match="without"):
        import_json(source, bad)
    assert source.attempt_ids() == before


def test_timestamps_are_normalised_on_import(tmp_path: Path) -> None:
    target = HistoryStore.open(tmp_path / "t")
    f = tmp_path / "h.json"
    f.write_text(json.dumps({"format": FORMAT, "format_version": 1, "attempts": [
        {"uuid": "u1", "bank_id": "x", "question_id": "y", "started_at": "2026-01-01T12:00:00+02:00"},
    ]}))
    try:
        import_json(target, f)
        raw = target.db.read("SELECT started_at, source FROM attempts")[0]
        assert tuple(raw) == ("2026-01-01T10:00:00.000+00:00", "imported")
    finally:
        target.close()


def test_import_only_copies_audio_from_beside_the_export(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("private key")
    exp = tmp_path / "exp"
    exp.mkdir()
    f = exp / "h.json"
    f.write_text(json.dumps({"format": FORMAT, "format_version": 1, "attempts": [
        {"uuid": "u1", "bank_id": "x", "question_id": "y", "started_at": "2026-01-01T12:00:00+00:00",
         "recording": {"file": "../secret.txt", "stored_path": "recordings/u1.wav"}},
    ]}))
    target = HistoryStore.open(tmp_path / "t")
    try:
        res = import_json(target, f)
        assert res.attempts == 1 and res.recordings == 0 and "outside the export folder" in res.problems[0]
        assert list(target.recordings_dir.iterdir()) == []
    finally:
        target.close()
