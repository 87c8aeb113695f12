"""Round summary logic and the palette-aware colours, without driving a window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget

from tests.ui.fakes import real_analyze, sample_bank
from voiceprep.analysis.transcript import Transcript, Word
from voiceprep.settings import Settings
from voiceprep.ui.session import AttemptResult, QuestionContext, RoundRun, summarise_round, things_to_work_on
from voiceprep.ui.widgets.clock import clock_level


def _result(bank, qid: str, text: str, wpm: float = 150.0, job: int = 1) -> AttemptResult:
    q = bank.question(qid)
    step = 60.0 / wpm
    words = tuple(Word(t, i * step, i * step + step * 0.8) for i, t in enumerate(text.split()))
    t = Transcript(words, text=text, duration_s=len(words) * step, source="audio")
    return AttemptResult(job, QuestionContext(bank, q, bank.round("screen"), 0, 2), t, real_analyze(t, bank, q, Settings()),
                         Path("x.wav"))


def test_round_summary_rows_and_work_on(qapp):
    bank = sample_bank()
    rnd = bank.round("screen")
    run = RoundRun(bank, rnd, [bank.question("discovery"), bank.question("decision")], started=100.0, ended=400.0)
    filler_heavy = " ".join(["um so like I think"] * 30)
    run.results[0] = _result(bank, "discovery", filler_heavy, wpm=200)
    run.results[1] = _result(bank, "decision", "At the start I decided alone and the result was a ten percent gain.")
    s = summarise_round(run, Settings())
    assert s.total_s == 300.0
    assert [r.question.id for r in s.rows] == ["discovery", "decision"]
    assert s.rows[0].target_s == min(60, rnd.answer_target_s)
    assert s.rows[0].coverage is not None and s.rows[0].coverage < s.rows[1].coverage
    assert 1 <= len(s.work_on) <= 3
    joined = " ".join(s.work_on)
    assert "fillers" in joined.lower() or "key points" in joined.lower()


def test_work_on_names_missed_points_and_pace(qapp):
    bank = sample_bank()
    rnd = bank.round("screen")
    run = RoundRun(bank, rnd, [bank.question("discovery")], started=0.0, ended=50.0)
    run.results[0] = _result(bank, "discovery", "We should think about the home page in general terms " * 6, wpm=230)
    items = things_to_work_on(list(summarise_round(run, Settings()).rows), Settings())
    assert any("key points" in i for i in items)
    assert any("Slow down" in i for i in items)


def test_round_with_no_analysed_answer_says_so(qapp):
    bank = sample_bank()
    run = RoundRun(bank, bank.round("screen"), [bank.question("discovery")], started=0.0, ended=10.0)
    run.failed[0] = "Could not transcribe"
    s = summarise_round(run, Settings())
    assert s.rows[0].error == "Could not transcribe" and s.rows[0].result is None
    assert "no answer" in s.work_on[0].lower()


def test_clock_colour_levels():
    assert [clock_level(x, 100) for x in (0, 79, 80, 100, 101)] == ["ok", "ok", "near", "near", "over"]
    assert clock_level(500, 0) == "ok"


def test_semantic_colours_follow_a_dark_palette(qapp):
    from voiceprep.ui.style import colour, is_dark

    light, dark = QWidget(), QWidget()
    pal = QPalette(dark.palette())
    pal.setColor(QPalette.ColorRole.Window, QColor("#202124"))
    pal.setColor(QPalette.ColorRole.Base, QColor("#202124"))
    pal.setColor(QPalette.ColorRole.Text, QColor("#e8eaed"))
    dark.setPalette(pal)
    lp = QPalette(light.palette())
    lp.setColor(QPalette.ColorRole.Window, QColor("#f5f5f5"))
    light.setPalette(lp)
    assert is_dark(dark) and not is_dark(light)
    for name in ("filler", "evidence", "band", "good"):
        assert colour(name, dark) != colour(name, light)
    # highlight backgrounds stay dark on a dark palette so light text stays readable
    assert colour("filler", dark).lightness() < 128 < colour("filler", light).lightness()


def test_many_widget_calls_do_not_exhaust_none_or_bool(qapp):
    """PySide6 6.12.0 steals a reference to None on every void call and to True on every emit;
    voiceprep.ui.qtcompat must keep a long session alive (50,000 calls here, ~10x None's own count)."""
    import sys

    import voiceprep.ui  # noqa: F401 - applies the work-around
    from PySide6.QtCore import QObject, Signal
    from PySide6.QtWidgets import QLabel

    class O(QObject):
        s = Signal(bool)

    label, o = QLabel(), O()
    for _ in range(50_000):
        label.setText("x")
        o.s.emit(True)
    assert sys.getrefcount(None) > 1000 and sys.getrefcount(True) > 100


def test_app_without_a_display_says_so(monkeypatch, capsys):
    from voiceprep import app

    monkeypatch.setattr(app.sys, "platform", "linux")
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(var, raising=False)
    assert app.main([]) == 2
    assert "no graphical display" in capsys.readouterr().err
