"""``voiceprep questions list`` with a mistyped filter: bad input (exit 2, one line), not "no match"."""

from __future__ import annotations

from pathlib import Path

import pytest

from voiceprep.cli import main


@pytest.fixture(autouse=True)
def _dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOICEPREP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("VOICEPREP_CONFIG_DIR", str(tmp_path / "config"))


@pytest.mark.parametrize("flag, value, names", [
    ("--category", "metric", "metrics"),  # the real id is "metrics"
    ("--round", "recruiter", "recruiter-screen"),
])
def test_unknown_filter_is_bad_input(capsys: pytest.CaptureFixture[str], flag: str, value: str, names: str) -> None:
    assert main(["questions", "list", flag, value]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1
    assert repr(value) in err and names in err


def test_known_filters_still_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["questions", "list", "--category", "metrics", "--round", "hiring-manager-screen"]) == 0
    assert "netflix-pm/" in capsys.readouterr().out
