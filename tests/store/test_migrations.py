"""Schema migrations: a database written at every old version opens, migrates and keeps its data."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from voiceprep.store import migrations
from voiceprep.store.history import HistoryStore
from voiceprep.store.progress import AttemptFilter, list_attempts

FIXTURES = Path(__file__).parent / "fixtures"
OLD_VERSIONS = [m.version for m in migrations.MIGRATIONS[:-1]]


def _shape(conn: sqlite3.Connection) -> dict[str, object]:
    """Tables with their columns (name, type, notnull, default, pk) and the indexes: what the code relies on."""
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    shape: dict[str, object] = {t: [tuple(c[1:]) for c in conn.execute(f"PRAGMA table_info({t})")] for t in tables}
    shape["indexes"] = sorted(
        (r[0], r[1]) for r in conn.execute("SELECT name, tbl_name FROM sqlite_master WHERE type='index' AND sql IS NOT NULL"))
    return shape


def _load_fixture(version: int, path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.executescript((FIXTURES / f"schema_v{version}.sql").read_text())
    conn.commit()
    conn.close()


def test_there_is_a_fixture_for_every_old_version() -> None:
    assert OLD_VERSIONS == [1, 2]
    for v in OLD_VERSIONS:
        assert (FIXTURES / f"schema_v{v}.sql").exists()


@pytest.mark.parametrize("version", OLD_VERSIONS)
def test_fixture_matches_what_the_migrations_built_at_that_version(version: int, tmp_path: Path) -> None:
    """Guards the fixtures: each is the schema the migrations really produce at that version."""
    _load_fixture(version, tmp_path / "fixture.db")
    fixture = sqlite3.connect(tmp_path / "fixture.db")
    built = sqlite3.connect(":memory:", isolation_level=None)
    migrations.migrate(built, target=version)
    assert migrations.user_version(fixture) == version == migrations.user_version(built)
    assert _shape(fixture) == _shape(built)


@pytest.mark.parametrize("version", OLD_VERSIONS)
def test_old_database_migrates_forward_with_its_data(version: int, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    _load_fixture(version, data / "history.sqlite3")
    store = HistoryStore.open(data)
    try:
        conn = store.db.connection()
        assert migrations.user_version(conn) == migrations.SCHEMA_VERSION
        assert store.notes == []
        fresh = sqlite3.connect(":memory:", isolation_level=None)
        migrations.migrate(fresh)
        assert _shape(conn) == _shape(fresh)

        a1 = store.get_attempt(1)
        assert a1.uuid == "tttt0001" and a1.question == "netflix-pm/retention" and a1.status == "finished"
        assert a1.coverage == 0.5 and (a1.points_covered, a1.points_total) == (1, 2)
        assert a1.wpm == 142.0 and a1.fillers_per_min == 3.5 and a1.longest_pause_s == 2.4
        assert a1.recording_path == data / "recordings/20260105-190100-tttt0001.wav"
        assert a1.report is not None and a1.report["coverage"]["points"][0]["id"] == "cohorts"
        assert a1.transcript is not None and a1.transcript["text"] == "um I would look at churn cohorts"
        assert a1.settings == {"wpm_low": 120}
        assert store.get_session(1).note == "first evening"
        rnd = store.get_mock_round(1)
        assert rnd.summary == {"answers": 2} and [a.id for a in store.round_attempts(1)] == [2, 3]

        # the v3 full-text index covers rows written before it existed
        if store.has_fts:
            assert [a.id for a in list_attempts(store, AttemptFilter(search="guardrail"))] == [3]
        assert [a.id for a in list_attempts(store, AttemptFilter(search="churn"))] == [1]
        # v2 semantics: old rows are finished; a v2 unfinished recording is still offered back
        unfinished = [a.id for a in store.unfinished_attempts()]
        assert unfinished == ([4] if version >= 2 else [])
        # and the database keeps working
        store.add_attempt(bank_id="netflix-pm", question_id="retention", report={"coverage": {"score": 0.25}})
        assert store.integrity_check() == ["ok"]
    finally:
        store.close()


def test_migration_steps_are_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A step that fails half-way leaves the database at the previous version, unchanged."""
    path = tmp_path / "h.db"
    _load_fixture(1, path)

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE attempts ADD COLUMN status TEXT NOT NULL DEFAULT 'finished'")
        raise RuntimeError("power cut")

    monkeypatch.setattr(migrations, "MIGRATIONS", (migrations.MIGRATIONS[0], migrations.Migration(2, "x", broken)))
    conn = sqlite3.connect(path, isolation_level=None)
    before = _shape(conn)
    with pytest.raises(RuntimeError):
        migrations.migrate(conn, target=2)
    assert migrations.user_version(conn) == 1 and _shape(conn) == before


def test_search_falls_back_to_like_without_fts(store: HistoryStore) -> None:
    store.add_attempt(bank_id="b", question_id="q", transcript={"text": "we would track 100% of churn_rate", "words": []})
    store.add_attempt(bank_id="b", question_id="q", transcript={"text": "nothing relevant", "words": []})
    store.db.fts = False  # as on a SQLite built without FTS5
    assert [a.question_id for a in list_attempts(store, AttemptFilter(search="churn_rate"))] == ["q"]
    assert len(list_attempts(store, AttemptFilter(search="100%"))) == 1
    assert len(list_attempts(store, AttemptFilter(search="%"))) == 1  # '%' is literal, not a wildcard
