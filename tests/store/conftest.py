"""Fixtures for the history store tests: a real SQLite file in tmp_path and report dicts shaped
like ``AnswerReport.to_dict()`` (built here so these tests do not depend on the analyser's output)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from voiceprep.store.history import HistoryStore


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(data_dir: Path) -> Iterator[HistoryStore]:
    s = HistoryStore.open(data_dir)
    yield s
    s.close()
