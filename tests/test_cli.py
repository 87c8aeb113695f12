"""The command line as users run it: a real subprocess, exit codes, JSON, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str, env_extra: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "voiceprep", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=120)


@pytest.fixture
def data_dir(tmp_path: Path) -> dict[str, str]:
    return {"VOICEPREP_DATA_DIR": str(tmp_path / "data"), "VOICEPREP_CONFIG_DIR": str(tmp_path / "config")}


def test_version_and_help() -> None:
    from voiceprep import __version__

    out = run("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"voiceprep {__version__}"
    for args in (["--help"], ["questions", "--help"], ["questions", "list", "--help"], ["paths", "--help"]):
        out = run(*args)
        assert out.returncode == 0 and "usage:" in out.stdout, args


def test_questions_list_json_netflix(data_dir: dict[str, str]) -> None:
    out = run("questions", "list", "--bank", "netflix-pm", "--json", env_extra=data_dir)
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert len(rows) >= 30
    assert {r["category"] for r in rows} == {"product-sense", "metrics", "execution", "strategy", "behavioral", "leadership"}
    guide = {r["id"]: r for r in rows if r["id"] in {"home-discovery", "engagement-vs-retention", "ads-tier-growth", "autonomous-decision"}}
    assert len(guide) == 4 and all(r["key_points"] == 6 for r in guide.values())
    assert all(r["ref"] == f"netflix-pm/{r['id']}" for r in rows)


def test_questions_filters(data_dir: dict[str, str]) -> None:
    rows = json.loads(run("questions", "list", "--bank", "netflix-pm", "--category", "metrics", "--json", env_extra=data_dir).stdout)
    assert rows and all(r["category"] == "metrics" for r in rows)
    rows = json.loads(run("questions", "list", "--round", "recruiter-screen", "--json", env_extra=data_dir).stdout)
    assert rows and all("recruiter-screen" in r["rounds"] for r in rows)


def test_questions_show(data_dir: dict[str, str]) -> None:
    out = run("questions", "show", "netflix-pm/home-discovery", "--json", env_extra=data_dir)
    assert out.returncode == 0, out.stderr
    q = json.loads(out.stdout)
    assert [p["id"] for p in q["key_points"]][0] == "define-problem" and len(q["key_points"]) == 6
    text = run("questions", "show", "netflix-pm/home-discovery", env_extra=data_dir)
    assert "Key points:" in text.stdout and "1. " in text.stdout
    bad = run("questions", "show", "netflix-pm/nope", env_extra=data_dir)
    assert bad.returncode == 2 and "no question 'netflix-pm/nope'" in bad.stderr and "Traceback" not in bad.stderr
    bad = run("questions", "list", "--bank", "nope", env_extra=data_dir)
    assert bad.returncode == 2 and "no bank 'nope'" in bad.stderr


def test_validate_exit_codes(tmp_path: Path) -> None:
    repo = Path(__file__).resolve().parents[1]
    ok = run("questions", "validate", str(repo / "questions"))
    assert ok.returncode == 0, ok.stdout
    broken = tmp_path / "broken.toml"
    broken.write_text('format = 1\nid = "x"\ntitle = "X\n', encoding="utf-8")
    nokeys = tmp_path / "nokeys.toml"
    nokeys.write_text('format = 1\nid = "y"\n', encoding="utf-8")
    out = run("questions", "validate", str(broken), str(nokeys), str(tmp_path / "missing.toml"))
    assert out.returncode == 1
    assert f"{broken}:3:" in out.stdout
    assert "field 'title': missing required field" in out.stdout
    assert "no such file" in out.stdout
    assert "Traceback" not in out.stdout + out.stderr
    js = json.loads(run("questions", "validate", "--json", str(nokeys)).stdout)
    assert js["valid"] is False and {p["field"] for p in js["problems"]} >= {"title", "company", "questions"}


def test_user_bank_overrides_and_broken_user_bank_warns(data_dir: dict[str, str]) -> None:
    banks = Path(data_dir["VOICEPREP_DATA_DIR"]) / "banks"
    banks.mkdir(parents=True)
    (banks / "broken.toml").write_text("not = = toml", encoding="utf-8")
    out = run("questions", "banks", "--json", env_extra=data_dir)
    assert out.returncode == 0
    assert "skipped a broken bank" in out.stderr and "broken.toml" in out.stderr
    assert {b["id"] for b in json.loads(out.stdout)} >= {"netflix-pm", "general-behavioral"}


def test_paths(data_dir: dict[str, str]) -> None:
    info = json.loads(run("paths", "--json", env_extra=data_dir).stdout)
    assert info["data"] == data_dir["VOICEPREP_DATA_DIR"]
    assert info["banks"].startswith(data_dir["VOICEPREP_DATA_DIR"])
