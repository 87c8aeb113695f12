"""The practice flows, driven through the real widgets with fake speech (offscreen Qt)."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QLineEdit, QListWidget, QPlainTextEdit

from tests.ui.fakes import Fakes, FakeRecorder, FakeSpeaker, FakeTranscriber, make_services
from voiceprep.ui.controller import State

WAIT = 10000


def wait_state(qtbot, window, state: State, timeout: int = WAIT) -> None:
    qtbot.waitUntil(lambda: window.c.state == state, timeout=timeout)


def start_first_question(qtbot, window) -> None:
    window.home.question_list.setCurrentRow(0)
    qtbot.mouseClick(window.home.practise_btn, Qt.MouseButton.LeftButton)


def test_home_shows_bank_rounds_guidance_and_filters(window, bank):
    home = window.home
    assert home.bank_combo.count() == 1
    assert home.round_list.count() == len(bank.practice_rounds) == 1  # reference checks are information only
    assert "Judgment" in home.guidance.toPlainText()
    assert "Vague answers" in home.guidance.toPlainText()
    assert "Reference checks" in home.guidance.toPlainText()
    assert home.question_list.count() == 3
    home.category_combo.setCurrentIndex(home.category_combo.findData("behavioral"))
    assert [home.question_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(home.question_list.count())] == ["decision"]
    home.category_combo.setCurrentIndex(0)
    home.round_combo.setCurrentIndex(home.round_combo.findData("screen"))
    assert home.question_list.count() == 2
    home.round_combo.setCurrentIndex(0)
    home.search.setText("ads tier")
    assert home.question_list.count() == 1
    assert window.stack.currentWidget() is home


def test_full_cycle_keeps_event_loop_turning(qtbot, window, services):
    """Record -> transcribe -> feedback: timer ticks keep arriving while the worker transcribes."""
    ticks: dict[str, int] = {}
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.__setitem__(window.c.state.value, ticks.get(window.c.state.value, 0) + 1))
    timer.start()
    fakes: Fakes = services.fakes
    fakes.transcriber.work_s = 0.6
    qtbot.waitUntil(lambda: window.c.model_state == "ready", timeout=WAIT)

    start_first_question(qtbot, window)
    wait_state(qtbot, window, State.RECORDING)
    assert fakes.speaker.spoken[-1].startswith("How would you improve content discovery")
    qtbot.waitUntil(lambda: window.question.clock.time.text() != "0:00" or fakes.recorder._elapsed() > 1.1, timeout=WAIT)
    qtbot.keyClick(window.question.record_btn, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.c.state in (State.TRANSCRIBING, State.FEEDBACK), timeout=WAIT)
    wait_state(qtbot, window, State.FEEDBACK)
    timer.stop()

    # the slow work ran in the worker thread, and the UI thread kept ticking meanwhile
    assert threading.main_thread().name not in fakes.transcriber.threads
    assert ticks.get("transcribing", 0) >= 3, ticks
    assert window.stack.currentWidget() is window.feedback
    fb = window.feedback
    assert fb.points.count() == 4
    assert fb.transcript.word_count() == len(fakes.transcriber.text.split())
    # fillers are highlighted in the transcript
    words = fakes.transcriber.text.split()
    um = words.index("um")
    assert "filler" in fb.transcript.kinds[um]
    assert "Coverage" in fb.summary.text()
    statuses = [fb.result.report.coverage.points[i].status for i in range(4)]
    assert statuses.count("covered") >= 2 and "missed" in statuses  # cold start was never mentioned


def test_space_starts_recording_during_think_time(qtbot, tmp_path, bank):
    from voiceprep.ui.main_window import MainWindow

    services = make_services(tmp_path, bank)
    services.settings.think_time_s = 30
    w = MainWindow(services)
    qtbot.addWidget(w)
    w.show()
    w.after_show()
    start_first_question(qtbot, w)
    wait_state(qtbot, w, State.THINKING)
    assert "Think time" in w.question.status.text()
    qtbot.keyClick(w.question, Qt.Key.Key_Space)
    wait_state(qtbot, w, State.RECORDING)
    assert services.fakes.recorder.started == 1
    qtbot.keyClick(w.question, Qt.Key.Key_Escape)
    wait_state(qtbot, w, State.IDLE)
    assert w.stack.currentWidget() is w.home
    w.close()


def test_key_point_jumps_to_evidence_and_plays_it(qtbot, window, services):
    start_first_question(qtbot, window)
    wait_state(qtbot, window, State.RECORDING)
    qtbot.wait(200)
    window.c.toggle_recording()
    wait_state(qtbot, window, State.FEEDBACK)
    fb = window.feedback
    points = fb.result.report.coverage.points
    row = next(i for i, p in enumerate(points) if p.id == "metric")
    ev = points[row].evidence
    assert ev is not None and ev.start is not None
    fb.points.setCurrentRow(row)
    qtbot.keyClick(fb.points, Qt.Key.Key_Return)
    player = services.fakes.player
    assert player.played, "activating a key point should play its evidence"
    path, start = player.played[-1]
    assert path == fb.result.recording
    assert start == pytest.approx(max(0.0, ev.start - 0.3))
    assert fb.transcript.selected_span() == (ev.word_start, ev.word_end)
    assert "retention" in fb.point_detail.text()
    # playback highlights the word being played
    qtbot.waitUntil(lambda: fb.transcript._current is not None, timeout=WAIT)
    assert fb.transcript._current >= ev.word_start - 1
    fb.stop_playback()


def test_typed_answer_when_there_is_no_microphone(qtbot, window, services):
    services.fakes.recorder.fail = True
    start_first_question(qtbot, window)
    wait_state(qtbot, window, State.ERROR)
    assert window.banner.isVisible()
    assert "microphone" in window.banner.text.text().lower()
    typed_btn = next(b for b in window.banner.buttons() if "Type" in b.text().replace("&", ""))
    qtbot.mouseClick(typed_btn, Qt.MouseButton.LeftButton)
    wait_state(qtbot, window, State.RECORDING)
    q = window.question
    assert q.typed.isVisible() and not q.live.isVisible()
    q.typed.setPlainText("I start with the member. The metric is retention and I would run an experiment.")
    qtbot.keyClick(q.typed, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_state(qtbot, window, State.FEEDBACK)
    fb = window.feedback
    assert not fb.play_btn.isEnabled()
    covered = {p.id for p in fb.result.report.coverage.points if p.status == "covered"}
    assert {"member", "metric", "test"} <= covered
    assert services.fakes.transcriber.calls == []  # typed answers never touch the model


def test_model_failure_is_shown_with_a_way_forward(qtbot, tmp_path, bank):
    from voiceprep.ui.main_window import MainWindow

    fakes = Fakes(transcriber=FakeTranscriber(fail_load=True))
    services = make_services(tmp_path, bank, fakes)
    w = MainWindow(services)
    qtbot.addWidget(w)
    w.show()
    w.after_show()
    qtbot.waitUntil(lambda: w.c.model_state == "failed", timeout=WAIT)
    assert w.banner.isVisible() and "missing" in w.banner.text.text()
    assert "unavailable" in w.model_label.text()
    start_first_question(qtbot, w)
    wait_state(qtbot, w, State.RECORDING)
    w.c.toggle_recording()
    wait_state(qtbot, w, State.ERROR)
    assert "recording is saved" in w.banner.text.text()
    labels = [b.text() for b in w.banner.buttons()]
    assert any("Type" in t.replace("&", "") for t in labels) and any("settings" in t.lower() for t in labels)
    w.close()


def test_no_tts_shows_question_as_text_and_continues(qtbot, tmp_path, bank):
    from voiceprep.ui.main_window import MainWindow

    fakes = Fakes(speaker=FakeSpeaker(fail=True))
    services = make_services(tmp_path, bank, fakes)
    w = MainWindow(services)
    qtbot.addWidget(w)
    w.show()
    w.after_show()
    start_first_question(qtbot, w)
    wait_state(qtbot, w, State.RECORDING)
    assert "content discovery" in w.question.prompt.text()
    assert "espeak-ng" in w.banner.text.text() or "espeak-ng" in w.statusBar().currentMessage()
    w.c.cancel()
    w.close()


def test_mock_round_runs_in_sequence_and_summarises(qtbot, window, services, bank):
    window.home.round_list.setCurrentRow(0)
    qtbot.mouseClick(window.home.start_round_btn, Qt.MouseButton.LeftButton)
    total = bank.round("screen").questions_per_mock
    for i in range(total):
        qtbot.waitUntil(lambda i=i: window.c.state == State.RECORDING and window.c.context.index == i, timeout=WAIT)
        assert f"question {i + 1} of {total}" in window.question.header.text()
        assert window.question.round_clock.isVisible()
        qtbot.wait(100)
        qtbot.keyClick(window.question, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.summary, timeout=WAIT)
    spoken = services.fakes.speaker.spoken
    assert spoken[1].startswith("Thanks. Next question.")
    s = window.summary.summary
    assert len(s.rows) == total and all(r.result is not None for r in s.rows)
    assert 1 <= len(s.work_on) <= 3
    assert window.summary.table.rowCount() == total
    assert "%" in window.summary.table.item(0, 2).text()
    # open one answer's feedback and come back
    qtbot.keyClick(window.summary.table, Qt.Key.Key_Return)
    wait_state(qtbot, window, State.FEEDBACK)
    assert window.feedback.summary_btn.isVisible()
    qtbot.mouseClick(window.feedback.summary_btn, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.summary


def test_follow_up_is_asked_aloud_and_retry_restarts(qtbot, window, services):
    start_first_question(qtbot, window)
    wait_state(qtbot, window, State.RECORDING)
    qtbot.wait(100)
    window.c.toggle_recording()
    wait_state(qtbot, window, State.FEEDBACK)
    assert window.feedback.follow_btn.isEnabled()
    qtbot.mouseClick(window.feedback.follow_btn, Qt.MouseButton.LeftButton)
    wait_state(qtbot, window, State.RECORDING)
    spoken = services.fakes.speaker.spoken[-1]
    assert spoken == window.c.context.question.prompt
    assert window.c.context.follow_up_of is not None
    assert window.question.header.text().startswith("Follow-up to:")
    window.c.toggle_recording()
    wait_state(qtbot, window, State.FEEDBACK)
    qtbot.mouseClick(window.feedback.retry_btn, Qt.MouseButton.LeftButton)
    wait_state(qtbot, window, State.RECORDING)
    assert window.c.context.follow_up_of is None
    window.c.cancel()


def test_next_moves_through_the_filtered_queue(qtbot, window):
    home = window.home
    home.round_combo.setCurrentIndex(home.round_combo.findData("screen"))
    start_first_question(qtbot, window)
    first = window.c.context.question.id
    wait_state(qtbot, window, State.RECORDING)
    window.c.toggle_recording()
    wait_state(qtbot, window, State.FEEDBACK)
    qtbot.mouseClick(window.feedback.next_btn, Qt.MouseButton.LeftButton)
    wait_state(qtbot, window, State.RECORDING)
    second = window.c.context.question.id
    assert {first, second} == {"discovery", "decision"}
    window.c.cancel()


def test_analyse_a_recording_file(qtbot, window, services, bank, tmp_path):
    rec = FakeRecorder()
    rec.start(tmp_path / "call.wav")
    result = rec.stop()
    window.analyse_recording(bank, bank.question("discovery"), result.path)
    wait_state(qtbot, window, State.FEEDBACK)
    assert window.feedback.result.source == "file"
    assert services.fakes.transcriber.calls[-1] == result.path


def test_missing_recording_file_is_an_error_not_a_crash(qtbot, window, bank, tmp_path):
    window.analyse_recording(bank, bank.question("discovery"), tmp_path / "nope.wav")
    wait_state(qtbot, window, State.ERROR)
    assert "does not exist" in window.banner.text.text()


def test_interactive_widgets_have_accessible_names(qtbot, window):
    """Every control a keyboard user can reach has a name a screen reader can announce."""
    missing = []
    for w in window.findChildren(QAbstractButton):
        if w.objectName().startswith("qt_") or w.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue  # Qt's own helper buttons (menu extension, clear button, scroll arrows)
        if not (w.accessibleName() or w.text().replace("&", "").strip()):
            missing.append(w)
    for cls in (QComboBox, QLineEdit, QListWidget, QPlainTextEdit):
        for w in window.findChildren(cls):
            if w.parent() is not None and type(w.parent()).__name__ in ("QComboBox",):
                continue
            if not w.accessibleName():
                missing.append(w)
    assert not missing, [f"{type(w).__name__} {w.objectName()}" for w in missing]


def test_keyboard_only_practice_round_trip(qtbot, window):
    """Tab to the question list, Enter practises it, Space stops, Esc goes home."""
    home = window.home
    home.question_list.setFocus()
    qtbot.keyClick(home.question_list, Qt.Key.Key_Down)
    qtbot.keyClick(home.question_list, Qt.Key.Key_Return)
    wait_state(qtbot, window, State.RECORDING)
    assert window.c.context.question.id == home.selected_question().id
    qtbot.wait(100)
    qtbot.keyClick(QApplication.focusWidget() or window.question, Qt.Key.Key_Space)
    wait_state(qtbot, window, State.FEEDBACK)
    qtbot.keyClick(window.feedback.points, Qt.Key.Key_Escape)
    wait_state(qtbot, window, State.IDLE)
    assert window.stack.currentWidget() is home
