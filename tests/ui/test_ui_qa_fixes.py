"""Regressions found in a hands-on QA pass of the real window (each test failed before its fix)."""

from __future__ import annotations

import pytest


def _window_with_history(qtbot, tmp_path, bank, fakes=None):
    """The real window on fake speech with a real history store on disk, shown."""
    from tests.ui.fakes import make_services
    from voiceprep.ui import history_adapter
    from voiceprep.ui.main_window import MainWindow

    services = make_services(tmp_path, bank, fakes) if fakes is not None else make_services(tmp_path, bank)
    services.open_store = history_adapter.open_store
    w = MainWindow(services)
    qtbot.addWidget(w)
    w.show()
    w.after_show()
    return w


def test_long_transcript_lays_out_once(qtbot) -> None:
    """A long answer is inserted in one edit block: the document changes once, not once per word
    (per-word layout was quadratic: a 1,000-word answer froze the feedback screen for seconds)."""
    from voiceprep.ui.widgets.transcript_view import Mark, TranscriptView

    view = TranscriptView()
    qtbot.addWidget(view)
    view.show()
    changes: list[int] = []
    view.document().contentsChanged.connect(lambda: changes.append(1))
    words = [f"w{i}" for i in range(600)]
    marks = [Mark("evidence", i, i + 4, "p") for i in range(0, 600, 12)] + [Mark("filler", 7, 8)]
    view.set_words(words, marks, {i: 2.5 for i in range(50, 600, 100)})
    assert view.word_count() == 600
    assert "w599" in view.toPlainText() and "[2.5 s pause]" in view.toPlainText()
    assert len(changes) <= 2, f"document changed {len(changes)} times while building the transcript"


def _result_with_times(bank, duration_s: float, answer_s: float):
    from voiceprep.analysis.report import AnswerReport, Timing
    from voiceprep.analysis.transcript import Transcript
    from voiceprep.ui.session import AttemptResult, QuestionContext

    q = bank.questions[0]
    rep = AnswerReport(question=f"{bank.id}/{q.id}", transcript="", duration_s=duration_s,
                       timing=Timing(target_s=q.target_s, answer_s=answer_s, verdict="short"))
    return AttemptResult(1, QuestionContext(bank, q), Transcript(words=()), rep)


def test_feedback_time_is_the_judged_answer_time(bank) -> None:
    """Feedback showed the recording length (0:39) next to a verdict judged on the spoken answer,
    while history and exports showed the spoken answer (0:37): one attempt, two times."""
    from voiceprep.ui.feedback_view import summary_line
    from voiceprep.ui.session import answer_seconds

    res = _result_with_times(bank, duration_s=99.0, answer_s=80.0)
    assert answer_seconds(res.report) == 80.0
    line = summary_line(res)
    assert "Time 1:20" in line and "1:39" not in line


def test_round_summary_uses_the_judged_answer_time(bank) -> None:
    from voiceprep.settings import Settings
    from voiceprep.ui.session import RoundRun, summarise_round

    res = _result_with_times(bank, duration_s=99.0, answer_s=80.0)
    rnd = bank.rounds[0]
    run = RoundRun(bank=bank, round=rnd, questions=[res.context.question], started=0.0)
    run.results[0] = res
    run.ended = 120.0
    summary = summarise_round(run, Settings())
    assert summary.rows[0].used_s == 80.0


class _FailFastSpeaker:
    """Like the real TTS with no audio output: reports the error and calls on_done inside speak()."""

    speaking = False
    on_error = None

    def __init__(self, exc: Exception | None = None) -> None:
        self.exc = exc or RuntimeError("No audio output was found.")

    def prepare(self, text: str) -> None:
        pass

    def speak(self, text: str, on_done=None) -> None:
        if self.on_error:
            self.on_error(self.exc)
        if on_done:
            on_done()

    def stop(self) -> None:
        pass


def test_reading_aloud_label_clears_when_speech_fails_at_once(qtbot, tmp_path, bank) -> None:
    """With no speakers the window said "Reading the question aloud..." for good, even after
    recording had started (the label was switched on after speak() had already finished)."""
    from tests.ui.fakes import Fakes, make_services
    from voiceprep.ui.controller import State
    from voiceprep.ui.main_window import MainWindow

    fakes = Fakes()
    fakes.speaker = _FailFastSpeaker()  # type: ignore[assignment]
    win = MainWindow(make_services(tmp_path, bank, fakes))
    qtbot.addWidget(win)
    win.show()
    win.after_show()
    notices: list[str] = []
    win.c.notice.connect(notices.append)
    q = bank.questions[0]
    win.c.start_question(bank, q)
    qtbot.waitUntil(lambda: win.c.state == State.RECORDING, timeout=5000)
    assert win.question.speaking_label.text() == ""
    assert any("Settings > Audio > Speakers" in n for n in notices), notices
    win.c.cancel()


def _window_with_damaged_history(qtbot, tmp_path, bank, unfinished=()):
    from tests.ui.fakes import make_services
    from voiceprep import paths
    from voiceprep.ui.history_adapter import open_store
    from voiceprep.ui.main_window import MainWindow

    services = make_services(tmp_path, bank)
    db = paths.database_path(services.settings.data_path)
    db.parent.mkdir(parents=True, exist_ok=True)
    db.write_bytes(b"not a database at all " * 500)
    services.open_store = open_store
    services.find_unfinished = lambda s: list(unfinished)
    win = MainWindow(services)
    qtbot.addWidget(win)
    win.show()
    win.after_show()
    return win


def test_damaged_history_is_told_in_a_message_that_stays(qtbot, tmp_path, bank) -> None:
    """A damaged history was only a cut-off, fading status-bar line: the user saw an empty history
    and no word of where their attempts went."""
    win = _window_with_damaged_history(qtbot, tmp_path, bank)
    assert win.banner.isVisible()
    assert "moved aside" in win.banner.text.text() and ".corrupt-" in win.banner.text.text()
    win.c.shutdown()


def test_damaged_history_does_not_hide_the_recovery_offer(qtbot, tmp_path, bank) -> None:
    wav = tmp_path / "data" / "recordings" / "20260101-000000-x.wav"
    wav.parent.mkdir(parents=True, exist_ok=True)
    wav.write_bytes(b"RIFF")
    win = _window_with_damaged_history(qtbot, tmp_path, bank, unfinished=[wav])
    assert win.banner.isVisible()
    assert win.banner.title.text() == "Unfinished answer found"
    assert "moved aside" in win.banner.text.text()
    win.c.shutdown()


def test_missing_recording_is_called_missing_not_typed(qtbot, tmp_path, bank) -> None:
    """An old spoken attempt whose audio file was deleted showed "Recording: none" in history and
    "No recording to play (typed answer)" in its feedback: the user was told they had typed it."""
    from pathlib import Path

    from voiceprep.ui.controller import State

    w = _window_with_history(qtbot, tmp_path, bank)
    q = bank.questions[0]
    w.c.start_question(bank, q)
    qtbot.waitUntil(lambda: w.c.state == State.RECORDING, timeout=10000)
    qtbot.wait(50)
    w.c.toggle_recording()
    qtbot.waitUntil(lambda: w.c.state == State.FEEDBACK, timeout=10000)
    rec = Path(w.feedback.result.recording)
    rec.unlink()
    w.show_history()
    hv = w.history_view
    hv.table.selectRow(0)
    detail = hv.detail.toPlainText()
    assert "missing" in detail and rec.name in detail
    hv.open_selected()
    qtbot.waitUntil(lambda: w.stack.currentWidget() is w.feedback, timeout=10000)
    assert not w.feedback.play_btn.isEnabled()
    assert "missing" in w.feedback.play_pos.text() and "typed" not in w.feedback.play_pos.text()
    w.close()


def test_missing_tts_engine_is_told_once_with_its_own_fix(qtbot, tmp_path, bank) -> None:
    """Without espeak-ng every question re-raised a banner that sent the user to the speaker
    setting ("check Settings > Speakers") although no speaker setting can fix a missing engine."""
    from tests.ui.fakes import Fakes, make_services
    from voiceprep.speech.protocols import NoTtsEngine
    from voiceprep.ui.controller import State
    from voiceprep.ui.main_window import MainWindow

    fakes = Fakes()
    fakes.speaker = _FailFastSpeaker(NoTtsEngine("Text-to-speech is unavailable: espeak-ng was not found."))  # type: ignore[assignment]
    win = MainWindow(make_services(tmp_path, bank, fakes))
    qtbot.addWidget(win)
    win.show()
    win.after_show()
    notices: list[str] = []
    win.c.notice.connect(notices.append)
    for q in bank.questions[:2]:
        win.c.start_question(bank, q)
        qtbot.waitUntil(lambda: win.c.state == State.RECORDING, timeout=5000)
        win.c.cancel()
    told = [n for n in notices if "read aloud" in n]
    assert len(told) == 1, notices
    assert "Install espeak-ng" in told[0] and "Speakers" not in told[0]


def test_star_warnings_are_listed_once(qtbot, tmp_path, bank) -> None:
    """The analysis lists STAR warnings under structure.star and structure; the Structure tab
    showed "No clear task part." twice."""
    from voiceprep.analysis.report import StarAnalysis, StarPart, Structure
    from voiceprep.ui.feedback_view import FeedbackView
    from tests.ui.fakes import make_services

    res = _result_with_times(bank, duration_s=30.0, answer_s=28.0)
    warn = ["No clear task part.", "No clear action part."]
    res.report.structure = Structure(kind="star", star=StarAnalysis(parts=[StarPart("task")], warnings=list(warn)),
                                     warnings=[*warn, "Mostly \u201cwe\u201d: say what you did."])
    from voiceprep.ui.controller import PracticeController

    services = make_services(tmp_path, bank)
    view = FeedbackView(PracticeController(services, start_worker=False), services)
    qtbot.addWidget(view)
    view.result = res
    text = view._structure_html()
    assert text.count("No clear task part.") == 1 and text.count("No clear action part.") == 1
    assert "say what you did" in text


def test_filler_and_hedge_phrases_are_shown_as_written(qtbot, tmp_path, bank) -> None:
    """Phrases are counted lower-case; the Delivery tab showed “i think” ×2 (the terminal report
    already wrote "I think")."""
    from voiceprep.analysis.report import Fillers, Hedges
    from voiceprep.ui.controller import PracticeController
    from voiceprep.ui.feedback_view import FeedbackView
    from tests.ui.fakes import make_services

    res = _result_with_times(bank, duration_s=30.0, answer_s=28.0)
    res.report.fillers = Fillers(count=3, by_word={"i mean": 2, "um": 1})
    res.report.hedges = Hedges(count=2, by_word={"i think": 2})
    services = make_services(tmp_path, bank)
    view = FeedbackView(PracticeController(services, start_worker=False), services)
    qtbot.addWidget(view)
    view.result = res
    text = view._delivery_html()
    assert "\u201cI think\u201d \u00d72" in text and "\u201cI mean\u201d \u00d72" in text and "\u201cum\u201d" in text
    assert "i think" not in text and "i mean" not in text


def test_disk_full_on_save_says_what_happened_and_that_the_recording_is_kept(qtbot, tmp_path, bank) -> None:
    """On a full disk the banner read "DiskFullError: The disk is full..." (a class name) and did
    not say whether the answer just given was lost."""
    from voiceprep.store.errors import DiskFullError
    from voiceprep.ui.controller import State

    w = _window_with_history(qtbot, tmp_path, bank)
    store = w.c.store()

    def full(*a, **k):
        raise DiskFullError("The disk is full, so saving the attempt did not complete.")

    store.finish_attempt = full
    notices: list[str] = []
    w.c.notice.connect(notices.append)
    w.c.start_question(bank, bank.questions[0])
    qtbot.waitUntil(lambda: w.c.state == State.RECORDING, timeout=10000)
    qtbot.wait(50)
    w.c.toggle_recording()
    qtbot.waitUntil(lambda: w.c.state == State.FEEDBACK, timeout=10000)
    told = [n for n in notices if "could not be saved" in n]
    assert told and "DiskFullError" not in told[0]
    assert "The disk is full" in told[0] and "recording is kept" in told[0]
    assert w.feedback.result.recording.exists()
    w.close()


def test_settings_practice_rows_line_up_with_their_labels(qtbot, tmp_path, bank) -> None:
    """"Comfortable pace:" and "Data folder:" sat a row above their fields (the form stretched the
    row widgets vertically)."""
    from tests.ui.fakes import make_services
    from voiceprep.ui.controller import PracticeController
    from voiceprep.ui.settings_dialog import SettingsDialog

    services = make_services(tmp_path, bank)
    dlg = SettingsDialog(services, PracticeController(services, start_worker=False))
    qtbot.addWidget(dlg)
    dlg.resize(620, 520)
    dlg.show()
    dlg.tabs.setCurrentIndex(3)
    qtbot.waitExposed(dlg)
    from PySide6.QtWidgets import QLabel

    for field in (dlg.wpm_low, dlg.data_dir):
        label = next(w for w in dlg.findChildren(QLabel) if w.buddy() is field)
        ly = label.mapTo(dlg, label.rect().center()).y()
        fy = field.mapTo(dlg, field.rect().center()).y()
        assert abs(ly - fy) <= field.height() // 2, (label.text(), ly, fy)


def test_dead_microphone_hint_is_not_raised_by_a_pause(qtbot, tmp_path, bank) -> None:
    """A one-second pause after speaking showed "No sound from the microphone?", and the hint
    stayed on screen after Stop (seen between mock-round questions)."""
    from tests.ui.fakes import make_services
    from voiceprep.ui.controller import PracticeController, State
    from voiceprep.ui.question_view import QuestionView
    from voiceprep.ui.session import QuestionContext

    services = make_services(tmp_path, bank)
    view = QuestionView(PracticeController(services, start_worker=False))
    qtbot.addWidget(view)
    view.set_context(QuestionContext(bank, bank.questions[0]))
    view.on_state(State.RECORDING.value)
    view.on_recording(1.0, 0.6, 0.6)  # speaking
    view.on_recording(5.0, 0.0, 0.0)  # a pause
    assert view.meter_hint.text() == ""
    view.on_state(State.TRANSCRIBING.value)
    view.on_state(State.RECORDING.value)  # the next answer: nothing heard at all
    view.on_recording(4.0, 0.0, 0.0)
    assert "No sound" in view.meter_hint.text()
    view.on_state(State.TRANSCRIBING.value)
    assert view.meter_hint.text() == ""


def test_silent_recording_is_told_not_scored(qtbot, tmp_path, bank) -> None:
    """A silent recording (dead microphone, or a silent file) became a stored 0% attempt with
    "(nothing was transcribed)" and "No timing information (typed answer)"."""
    from tests.ui.fakes import Fakes, FakeTranscriber
    from voiceprep.ui.controller import State

    fakes = Fakes(transcriber=FakeTranscriber(text="", work_s=0.0))
    w = _window_with_history(qtbot, tmp_path, bank, fakes)
    qtbot.waitUntil(lambda: w.c.model_state == "ready", timeout=10000)
    w.c.start_question(bank, bank.questions[0])
    qtbot.waitUntil(lambda: w.c.state == State.RECORDING, timeout=10000)
    qtbot.wait(50)
    w.c.toggle_recording()
    qtbot.waitUntil(lambda: w.c.state == State.ERROR, timeout=10000)
    assert w.banner.title.text() == "No speech was heard"
    assert "Settings > Audio > Microphone" in w.banner.text.text() and "kept" in w.banner.text.text()
    from voiceprep.store.progress import list_attempts

    assert not [a for a in list_attempts(w.c.store()) if a.finished]

    silent = tmp_path / "silent-call.wav"
    silent.write_bytes(b"RIFF")
    w.c.analyse_file(bank, bank.questions[0], silent)
    qtbot.waitUntil(lambda: w.banner.isVisible() and "silent-call.wav" in w.banner.text.text(), timeout=10000)
    assert "No speech was found" in w.banner.text.text()
    w.close()


def test_round_export_names_the_round_and_lists_things_to_work_on(qtbot, tmp_path, bank) -> None:
    from tests.ui.fakes import make_services
    from voiceprep.ui import history_adapter
    from voiceprep.ui.session import RoundSummary

    services = make_services(tmp_path, bank)
    store = history_adapter.open_store(services.settings)
    rnd = bank.rounds[0]
    rid = history_adapter.start_round(store, bank, rnd.id)
    history_adapter.end_round(store, rid, RoundSummary(bank, rnd, (), 90.0, ("Say more.", "Fewer fillers."), rid))
    out = history_adapter.export_round(store, rid, bank, tmp_path / "round.md")
    md = out.read_text(encoding="utf-8")
    assert md.startswith(f"# Mock round: {rnd.name} \u00b7 {bank.title}")
    assert "1. Say more.\n2. Fewer fillers." in md
    store.close()


def test_pace_chart_points_stay_clear_of_the_legend(qtbot) -> None:
    """A fast stretch (185 wpm) was drawn under the "words per minute; shaded..." legend."""
    from voiceprep.ui.widgets.pace_chart import PaceChart

    chart = PaceChart()
    qtbot.addWidget(chart)
    chart.resize(700, 130)
    chart.set_data([(5.0, 140.0), (15.0, 160.0), (25.0, 190.0)], 120, 165, 30.0)
    legend_bottom = chart._plot_rect().top() + chart.fontMetrics().height()
    assert chart.point_y(190.0) - 3.2 > legend_bottom
    chart.grab()  # paints without error


def test_delete_it_deletes_only_the_answer_it_names(qtbot, tmp_path, bank) -> None:
    """With two unfinished answers the banner named one ("1 more after it") but "Delete it"
    deleted both recordings."""
    from tests.ui.fakes import make_services
    from voiceprep.ui.main_window import MainWindow

    rec = tmp_path / "data" / "recordings"
    rec.mkdir(parents=True)
    first, second = rec / "20260101-000000-a.wav", rec / "20260101-000100-b.wav"
    for f in (first, second):
        f.write_bytes(b"RIFF")
    services = make_services(tmp_path, bank)
    services.find_unfinished = lambda s: [first, second]
    win = MainWindow(services)
    qtbot.addWidget(win)
    win.show()
    win.after_show()
    assert first.name in win.banner.text.text() and "1 more" in win.banner.text.text()
    win.banner._trigger("discard")
    assert not first.exists() and second.exists()
    assert win.banner.isVisible() and second.name in win.banner.text.text()
    win.banner._trigger("discard")
    assert not second.exists() and not win.banner.isVisible()


def test_compare_reads_like_numbers_a_person_writes(qtbot, tmp_path, bank) -> None:
    """The comparison said "Pace: 157.9 → 162.1wpm", "Key points covered: 0.0 → 3.0" and ran the
    gained key points together as "….; …"."""
    from voiceprep.ui.controller import State

    w = _window_with_history(qtbot, tmp_path, bank)
    q = bank.questions[0]
    for text in ("I like it.", "I would start with the member, measure retention and run an experiment."):
        w.c.start_question(bank, q, typed=True)
        qtbot.waitUntil(lambda: w.c.state == State.RECORDING, timeout=10000)
        w.c.submit_typed(text)
        qtbot.waitUntil(lambda: w.c.state == State.FEEDBACK, timeout=10000)
    w.show_history()
    hv = w.history_view
    hv.table.selectRow(0)
    text = hv.compare.toPlainText()
    assert "Since the previous attempt" in text
    import re

    assert not re.search(r"\d\.0\b", text.split("Transcript")[0]), text
    assert "Key points gained" in text and ".;" not in text
    w.close()


@pytest.mark.parametrize("status, start, has_evidence, expect, hint", [
    ("covered", 42.0, True, "Covered at 0:42: \u201cwe would watch retention\u201d", False),
    ("partial", 42.0, True, "Partial at 0:42: \u201cwe would watch retention\u201d", True),
    ("partial", None, True, "Partial: \u201cwe would watch retention\u201d", True),
    ("missed", None, False, "Missed: nothing in the answer matched \u201cJudge on retention.\u201d", False),
])
def test_point_detail_says_what_partial_means(status: str, start: float | None, has_evidence: bool, expect: str,
                                              hint: bool) -> None:
    """A point shown as partial was mostly one the marker said was missed (analysis README): the
    line under the key points says the words came up, not that the point was made."""
    from voiceprep.analysis.report import Evidence, PointResult
    from voiceprep.ui.feedback_view import PARTIAL_HINT, point_detail_text

    ev = Evidence("we would watch retention", start, None, 3, 7) if has_evidence else None
    text = point_detail_text(PointResult("metric", "Judge on retention.", status, 0.6, ev))
    assert text.startswith(expect)
    assert (PARTIAL_HINT in text) is hint
