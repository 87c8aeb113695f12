"""UI tests: offscreen Qt, fake speech, a throw-away data folder.

QT_QPA_PLATFORM must be set before Qt is imported anywhere in the test session.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from tests.ui.fakes import make_services, sample_bank  # noqa: E402


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOICEPREP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("VOICEPREP_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture
def bank():
    return sample_bank()


@pytest.fixture
def services(tmp_path: Path, bank):
    return make_services(tmp_path, bank)


@pytest.fixture
def window(qtbot, services):
    from voiceprep.ui.main_window import MainWindow

    w = MainWindow(services)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.after_show()
    yield w
    w.close()
