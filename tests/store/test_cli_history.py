"""``voiceprep history``, ``export`` and ``import`` as users run them: real subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from voiceprep.store.history import HistoryStore
from tests.store.helpers import add, make_report

PROJECT = Path(__file__).resolve().parents[2]


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "voiceprep", *args], capture_output=True, text=True,
                          env={**os.environ, **env}, cwd=PROJECT, timeout=120)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"VOICEPREP_DATA_DIR": str(tmp_path / "data"), "VOICEPREP_CONFIG_DIR": str(tmp_path / "config")}


@pytest.fixture
def seeded(env: dict[str, str]) -> dict[str, int]:
    s = HistoryStore.open(Path(env["VOICEPREP_DATA_DIR"]))
    try:
        ids = {}
        ids["a"] = add(s, "netflix/retention", "2026-02-01T10:00:00+00:00", text="weekly retention cohorts").id
        ids["b"] = add(s, "netflix/why", "2026-02-02T10:00:00+00:00", text="the culture memo").id
        ids["c"] = add(s, "spotify/metrics", "2026-02-03T10:00:00+00:00", text="skips per session").id
        r = s.start_mock_round("netflix", "screen")
        s.add_attempt(bank_id="netflix", question_id="why", mock_round_id=r.id, report=make_report("netflix/why"),
                      started_at="2026-02-04T10:00:00+00:00")
        ids["round"] = r.id
        return ids
    finally:
        s.close()


def test_history_empty_and_listing(env: dict[str, str], seeded: dict[str, int]) -> None:
    out = run(env, "history")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].split()[:3] == ["ID", "WHEN", "QUESTION"] and len(lines) == 5
    assert "netflix/why" in lines[1] and "spotify/metrics" in lines[2]

    js = json.loads(run(env, "history", "--json", "--bank", "netflix", "--limit", "2").stdout)
    assert js["total"] == 3 and [a["question"] for a in js["attempts"]] == ["netflix/why", "netflix/why"]
    assert js["attempts"][0]["started_at"].startswith("2026-02-04")
    js = json.loads(run(env, "history", "--json", "--question", "netflix/retention").stdout)
    assert [a["id"] for a in js["attempts"]] == [seeded["a"]] and js["attempts"][0]["coverage"] == 0.5
    js = json.loads(run(env, "history", "--json", "--search", "culture").stdout)
    assert [a["id"] for a in js["attempts"]] == [seeded["b"]]


def test_history_on_a_new_machine(env: dict[str, str]) -> None:
    out = run(env, "history")
    assert out.returncode == 0 and out.stdout.strip() == "No attempts yet."


def test_export_and_import(env: dict[str, str], seeded: dict[str, int], tmp_path: Path) -> None:
    html = tmp_path / "a.html"
    out = run(env, "export", "--attempt", str(seeded["a"]), "--format", "html", "-o", str(html))
    assert out.returncode == 0, out.stderr
    assert html.read_text().startswith("<!DOCTYPE html>") and "weekly" in html.read_text()
    md = tmp_path / "round.md"
    assert run(env, "export", "--round", str(seeded["round"]), "--format", "md", "-o", str(md)).returncode == 0
    assert md.read_text().startswith("# Mock round: netflix / screen")
    dump = tmp_path / "all.json"
    out = run(env, "export", "--all", "--format", "json", "-o", str(dump))
    assert out.returncode == 0 and "Exported 4 attempts" in out.stdout

    other = {**env, "VOICEPREP_DATA_DIR": str(tmp_path / "new")}
    out = run(other, "import", str(dump))
    assert out.returncode == 0 and "Imported 4 attempts, 1 mock rounds, 0 sessions" in out.stdout
    out = run(other, "import", str(dump))
    assert "Imported 0 attempts" in out.stdout and "4 already present" in out.stdout
    a = json.loads(run(env, "history", "--json", "--limit", "0").stdout)["attempts"]
    b = json.loads(run(other, "history", "--json", "--limit", "0").stdout)["attempts"]
    strip = lambda rows: [{k: v for k, v in r.items() if k != "recording_path"} for r in rows]  # noqa: E731
    assert strip(a) == strip(b)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("export", "--attempt", "999", "--format", "html", "-o", "{tmp}/x.html"), "no attempt 999"),
        (("export", "--all", "--format", "html", "-o", "{tmp}/x.html"), "--all exports JSON only"),
        (("export", "--attempt", "1", "--format", "json", "-o", "{tmp}/x.json"), "--format json exports all"),
        (("import", "{tmp}/missing.json"), "no file"),
        (("history", "--question", "retention"), "BANK/QUESTION"),
        (("history", "--limit", "-1"), "--limit"),
    ],
)
def test_errors_are_one_line_exit_2(env: dict[str, str], seeded: dict[str, int], tmp_path: Path,
                                    args: tuple[str, ...], message: str) -> None:
    out = run(env, *(a.replace("{tmp}", str(tmp_path)) for a in args))
    assert out.returncode == 2, out.stdout + out.stderr
    assert message in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_damaged_database_is_reported_and_history_continues(env: dict[str, str]) -> None:
    data = Path(env["VOICEPREP_DATA_DIR"])
    data.mkdir(parents=True)
    (data / "history.sqlite3").write_bytes(b"this is not sqlite" * 100)
    out = run(env, "history")
    assert out.returncode == 0 and "No attempts yet." in out.stdout
    assert "moved aside" in out.stderr and "Traceback" not in out.stderr


def test_round_export_uses_the_bank_names_and_tips(env: dict[str, str], tmp_path: Path) -> None:
    """From the command line a round report was titled by ids and had none of the question tips."""
    s = HistoryStore.open(Path(env["VOICEPREP_DATA_DIR"]))
    try:
        r = s.start_mock_round("netflix-pm", "recruiter-screen")
        s.add_attempt(bank_id="netflix-pm", question_id="home-discovery", mock_round_id=r.id,
                      report=make_report("netflix-pm/home-discovery"))
        rid = r.id
    finally:
        s.close()
    md = tmp_path / "round.md"
    out = run(env, "export", "--round", str(rid), "--format", "md", "-o", str(md))
    assert out.returncode == 0, out.stderr
    text = md.read_text()
    assert text.startswith("# Mock round: Recruiter Screen \u00b7 Netflix")
    assert "Tips" in text
