"""History (through a real SQLite store), crash recovery at start-up, and the settings dialog."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tests.ui.fakes import FakeRecorder, make_services
from voiceprep.ui import history_adapter
from voiceprep.ui.controller import State
from voiceprep.ui.main_window import MainWindow

WAIT = 10000


@pytest.fixture
def store_services(tmp_path, bank):
    svc = make_services(tmp_path, bank)
    svc.open_store = history_adapter.open_store
    return svc


def make_window(qtbot, services) -> MainWindow:
    w = MainWindow(services)
    qtbot.addWidget(w)
    w.show()
    w.after_show()
    return w


def answer_once(qtbot, w: MainWindow, question_id: str = "discovery", typed_text: str | None = None) -> None:
    bank = w.home.current_bank()
    q = bank.question(question_id)
    w.c.start_question(bank, q, typed=typed_text is not None)
    qtbot.waitUntil(lambda: w.c.state == State.RECORDING, timeout=WAIT)
    if typed_text is None:
        qtbot.wait(50)
        w.c.toggle_recording()
    else:
        w.c.submit_typed(typed_text)
    qtbot.waitUntil(lambda: w.c.state == State.FEEDBACK, timeout=WAIT)


def test_attempts_are_saved_and_shown_in_history(qtbot, store_services):
    w = make_window(qtbot, store_services)
    answer_once(qtbot, w)
    answer_once(qtbot, w, typed_text="I would start with the member and run an experiment.")
    store = w.c.store()
    from voiceprep.store.progress import list_attempts

    rows = list_attempts(store)
    assert [r.source for r in rows] == ["typed", "recorded"]
    assert all(r.finished and r.coverage is not None for r in rows)
    recorded = rows[1]
    assert recorded.recording_path is not None and Path(recorded.recording_path).exists()
    assert Path(recorded.recording_path).is_relative_to(store_services.settings.data_path)

    w.show_history()
    hv = w.history_view
    assert w.stack.currentWidget() is hv
    assert hv.table.rowCount() == 2
    assert "2 attempt" in hv.count.text()
    # per-question comparison: both attempts are at the same question
    hv.table.selectRow(0)
    assert "2 attempt(s)" in hv.compare.toPlainText()
    assert "Since the previous attempt" in hv.compare.toPlainText()
    # trends have a point per attempt
    assert len(hv.trend_charts["coverage"].points) == 2
    # search the transcripts
    hv.search.setText("experiment")
    hv.reload()
    assert hv.table.rowCount() >= 1
    hv.search.clear()
    hv.reload()
    # the recorded attempt can be listened to from the list; the typed one has no audio
    hv.table.selectRow(0)
    assert not hv.play_btn.isEnabled()
    hv.table.selectRow(1)
    assert hv.play_btn.isEnabled()
    qtbot.mouseClick(hv.play_btn, Qt.MouseButton.LeftButton)
    assert store_services.fakes.player.played[-1] == (Path(recorded.recording_path), 0.0)
    hv.table.selectRow(0)  # moving on stops it
    assert store_services.fakes.player.position() is None
    # open an attempt's full feedback from history
    hv.table.selectRow(1)
    hv.open_selected()
    qtbot.waitUntil(lambda: w.stack.currentWidget() is w.feedback, timeout=WAIT)
    assert w.feedback.result.attempt_id == recorded.id
    assert w.feedback.points.count() == 4
    w.close()


def test_export_and_delete_an_attempt(qtbot, store_services, tmp_path):
    w = make_window(qtbot, store_services)
    answer_once(qtbot, w)
    w.show_history()
    hv = w.history_view
    hv.table.selectRow(0)
    out = hv.export_to(tmp_path / "report.html", hv.selected()[0].id)
    assert out is not None and "<html" in out.read_text(encoding="utf-8").lower()
    rec_path = Path(hv.selected()[0].recording_path)
    hv.ask = lambda *a: QMessageBox.StandardButton.No
    hv.delete_selected()
    assert hv.table.rowCount() == 1 and rec_path.exists()
    hv.ask = lambda *a: QMessageBox.StandardButton.Yes
    hv.table.selectRow(0)
    hv.delete_selected()
    assert hv.table.rowCount() == 0
    assert not rec_path.exists()
    w.close()


def test_abandoned_recording_leaves_no_attempt(qtbot, store_services):
    w = make_window(qtbot, store_services)
    bank = w.home.current_bank()
    w.c.start_question(bank, bank.question("discovery"))
    qtbot.waitUntil(lambda: w.c.state == State.RECORDING, timeout=WAIT)
    store = w.c.store()
    assert len(store.unfinished_attempts()) == 1  # begun before recording, so a crash would leave it
    w.c.cancel()
    assert store.unfinished_attempts() == []
    assert store.count_attempts() == 0
    w.close()


def test_interrupted_recording_is_offered_back_and_recovered(qtbot, store_services, bank):
    # A previous run began an attempt and wrote audio, then died before finishing it.
    store = history_adapter.open_store(store_services.settings)
    ctx_q = bank.question("discovery")
    from voiceprep.ui.session import QuestionContext

    aid, path = history_adapter.begin_attempt(store, QuestionContext(bank, ctx_q), store_services.settings, None)
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as wf:
        wf.setnchannels(1)
        wf.setsampwidth(2)
        wf.setframerate(16000)
        wf.writeframes((np.zeros(16000, dtype=np.int16)).tobytes())
    store.close()

    w = make_window(qtbot, store_services)
    assert w.banner.isVisible()
    assert "Unfinished answer" in w.banner.title.text()
    assert "content discovery" in w.banner.text.text()
    recover = next(b for b in w.banner.buttons() if "Analyse" in b.text().replace("&", ""))
    qtbot.mouseClick(recover, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.c.state == State.FEEDBACK, timeout=WAIT)
    assert w.feedback.result.attempt_id == aid
    s = w.c.store()
    assert s.unfinished_attempts() == []
    assert s.get_attempt(aid).finished
    w.close()


def test_weakest_first_picks_the_poorest_question(qtbot, store_services, bank):
    """Three days ago: "decision" went badly, "discovery" well; "metrics" was never tried."""
    from datetime import datetime, timedelta, timezone

    from tests.ui.fakes import real_analyze
    from voiceprep.analysis.transcript import Transcript

    store = history_adapter.open_store(store_services.settings)
    when = datetime.now(timezone.utc) - timedelta(days=3)
    for qid, text in (("decision", "Hello there."),
                      ("discovery", "I start with the member, the metric is retention, we run an A/B test, "
                                    "and handle cold start for new members.")):
        t = Transcript.from_text(text)
        rep = real_analyze(t, bank, bank.question(qid), store_services.settings)
        store.add_attempt(bank_id=bank.id, question_id=qid, transcript=t, report=rep, source="typed",
                          started_at=when, ended_at=when)
    store.close()
    w = make_window(qtbot, store_services)
    qtbot.mouseClick(w.home.weakest_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.c.state in (State.ASKING, State.RECORDING), timeout=WAIT)
    assert w.c.context.question.id == "decision"
    assert w.home.weakest[:2] == ["decision", "metrics"]
    w.c.cancel()
    w.close()


def test_settings_dialog_devices_test_and_values(qtbot, tmp_path, bank):
    from voiceprep.ui.settings_dialog import SettingsDialog

    svc = make_services(tmp_path, bank)
    svc.fakes.recorder.scale = 20.0  # the 3-second test passes quickly on the fake clock
    w = MainWindow(svc, start_worker=False)
    qtbot.addWidget(w)
    dlg = SettingsDialog(svc, w.c, w)
    qtbot.addWidget(dlg)
    assert [dlg.input_combo.itemText(i) for i in range(dlg.input_combo.count())] == ["System default", "Fake mic"]
    assert dlg.output_combo.findData("Fake speaker") > 0
    assert dlg.voice_combo.count() == 2
    dlg.input_combo.setCurrentIndex(1)
    qtbot.mouseClick(dlg.test_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Playing back" in dlg.test_status.text() or "finished" in dlg.test_status.text(), timeout=WAIT)
    played_path, start = svc.fakes.player.played[-1]
    assert played_path == svc.fakes.recorder.path and start == 0.0
    svc.fakes.player.stop()
    qtbot.waitUntil(lambda: "Test finished" in dlg.test_status.text(), timeout=WAIT)
    assert dlg.test_btn.isEnabled()

    dlg.wpm_low.setValue(170)
    dlg.wpm_high.setValue(150)
    dlg._accept()
    assert dlg.result() == 0 and "lowest value below the highest" in dlg.validation.text()
    dlg.wpm_low.setValue(110)
    dlg.fillers.setPlainText("um\n  Like \n\nyou know")
    dlg.think.setValue(12)
    dlg.data_dir.setText(str(tmp_path / "elsewhere"))
    s = dlg.result_settings()
    assert (s.input_device, s.wpm_low, s.wpm_high, s.think_time_s) == ("Fake mic", 110, 150, 12)
    assert s.fillers == ["um", "like", "you know"]
    assert s.data_dir == str(tmp_path / "elsewhere")
    dlg._accept()
    assert dlg.result() == 1


def test_settings_dialog_reports_a_broken_microphone(qtbot, tmp_path, bank):
    from voiceprep.ui.settings_dialog import SettingsDialog

    svc = make_services(tmp_path, bank)
    svc.fakes.recorder.fail = True
    w = MainWindow(svc, start_worker=False)
    qtbot.addWidget(w)
    dlg = SettingsDialog(svc, w.c, w)
    qtbot.addWidget(dlg)
    qtbot.mouseClick(dlg.test_btn, Qt.MouseButton.LeftButton)
    assert "could not start" in dlg.test_status.text()
    assert dlg.test_btn.isEnabled()


def test_recorder_fake_is_wav(tmp_path):
    """Guard for the fakes: the recorder writes a WAV the real decoder could read."""
    r = FakeRecorder()
    r.start(tmp_path / "a.wav")
    res = r.stop()
    with wave.open(str(res.path)) as wf:
        assert wf.getframerate() == 16000 and wf.getnframes() > 0


def test_settings_are_saved_and_applied_from_the_window(qtbot, tmp_path, bank, monkeypatch):
    from voiceprep.ui.settings_dialog import SettingsDialog

    svc = make_services(tmp_path, bank)
    w = make_window(qtbot, svc)
    qtbot.waitUntil(lambda: w.c.model_state == "ready", timeout=WAIT)
    loads_before = svc.fakes.transcriber.loads

    def fake_exec(dlg):
        dlg.think.setValue(9)
        dlg.model_combo.setCurrentIndex(1)  # base.en: the model must be reloaded
        return 1

    monkeypatch.setattr(SettingsDialog, "exec", fake_exec)
    w.open_settings()
    assert svc.saved_settings[-1].think_time_s == 9
    assert w.c.services.settings.think_time_s == 9 and w.c.services.settings.model == "base.en"
    qtbot.waitUntil(lambda: svc.fakes.transcriber.loads == loads_before + 1 and w.c.model_state == "ready",
                    timeout=WAIT)
    w.close()


def test_analyse_a_text_transcript_file(qtbot, store_services, bank, tmp_path):
    w = make_window(qtbot, store_services)
    f = tmp_path / "notes.txt"
    f.write_text("I start from the member, the metric is retention, and I would run an experiment.", encoding="utf-8")
    w.analyse_recording(bank, bank.question("discovery"), f)
    qtbot.waitUntil(lambda: w.c.state == State.FEEDBACK, timeout=WAIT)
    assert w.feedback.result.source == "typed"
    assert not w.feedback.play_btn.isEnabled()
    assert w.c.store().count_attempts() == 1
    w.close()


def test_mock_round_is_stored_and_exported(qtbot, store_services, tmp_path):
    w = make_window(qtbot, store_services)
    bank = w.home.current_bank()
    w.c.start_round(bank, bank.round("screen"))
    for i in range(2):
        qtbot.waitUntil(lambda i=i: w.c.state == State.RECORDING and w.c.context.index == i, timeout=WAIT)
        qtbot.wait(50)
        w.c.toggle_recording()
    qtbot.waitUntil(lambda: w.stack.currentWidget() is w.summary, timeout=WAIT)
    s = w.summary.summary
    assert s.store_id is not None and w.summary.export_btn.isEnabled()
    store = w.c.store()
    stored = store.get_mock_round(s.store_id)
    assert stored.ended_at is not None and "things to work on" in stored.summary
    assert [a.question_id for a in store.round_attempts(s.store_id)] == [r.question.id for r in s.rows]
    out = w._export_round(tmp_path / "round.md")
    assert out is not None and "Mock round" in out.read_text(encoding="utf-8")
    w.close()
