"""Drive the real window through its main screens and save screenshots (run in a subprocess).

    QT_QPA_PLATFORM=xcb python -m tests.ui.screenshot_driver OUTDIR

Uses the shipped Netflix PM bank, the real analysis (cue matching only, for speed) and fake
speech with a realistic spoken answer, at 1280x720. Prints one JSON line with the files written.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from tests.ui.fakes import Fakes, FakeRecorder, FakeTranscriber, make_services
from voiceprep.ui.controller import State

ANSWER = (
    "So the problem I'd focus on is browse abandonment, members who scroll forever and then leave "
    "without playing anything. Um, that's a failure mode, not engagement. First I'd segment them: "
    "people who are in a particular mood, indecisive members, and, uh, households on a shared profile. "
    "The root causes are probably choice overload and rows that look the same, plus weak cold start "
    "for new interests. So I would try a play something button and more diversity in the row ranking, "
    "and show why a title is recommended. Like, to know if it works I'd run an A/B test and look at "
    "successful play rate per session and time to first play, with retention as the guardrail."
)


def dark_palette():
    """A dark system palette, as a desktop in dark mode would give the app."""
    from PySide6.QtGui import QColor, QPalette

    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#202124", QPalette.ColorRole.WindowText: "#e8eaed",
        QPalette.ColorRole.Base: "#171717", QPalette.ColorRole.AlternateBase: "#2a2b2e",
        QPalette.ColorRole.Text: "#e8eaed", QPalette.ColorRole.Button: "#303134",
        QPalette.ColorRole.ButtonText: "#e8eaed", QPalette.ColorRole.Highlight: "#8ab4f8",
        QPalette.ColorRole.HighlightedText: "#202124", QPalette.ColorRole.ToolTipBase: "#303134",
        QPalette.ColorRole.ToolTipText: "#e8eaed", QPalette.ColorRole.Mid: "#5f6368",
    }
    for role, c in roles.items():
        p.setColor(role, QColor(c))
    return p


def pump(app: QApplication, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def wait_for(app: QApplication, cond, timeout: float = 20.0) -> None:
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise TimeoutError("screen did not reach the expected state")
        app.processEvents()
        time.sleep(0.01)


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(["voiceprep-screens"])
    from voiceprep.ui.main_window import MainWindow

    tmp = Path(tempfile.mkdtemp(prefix="voiceprep-shots-"))
    fakes = Fakes(recorder=FakeRecorder(seconds_scale=120.0), transcriber=FakeTranscriber(ANSWER, work_s=0.2, wpm=145))
    services = make_services(tmp, None, fakes, live=True)  # None: the real shipped banks
    from voiceprep.ui.history_adapter import open_store

    services.open_store = open_store  # a real history in the temporary data folder
    win = MainWindow(services)
    win.resize(1280, 720)
    win.show()
    win.after_show()
    wait_for(app, lambda: win.c.model_state == "ready")
    pump(app, 0.3)
    written: dict[str, str] = {}

    def snap(name: str) -> None:
        pump(app, 0.2)
        path = out / f"{name}.png"
        win.grab().save(str(path))
        written[name] = str(path)

    home = win.home
    home.select_bank("netflix-pm")
    snap("home")

    bank = home.current_bank()
    q = bank.question("home-discovery")
    win.c.start_question(bank, q, queue=[q])
    wait_for(app, lambda: win.c.state == State.RECORDING)
    wait_for(app, lambda: len(win.question.live.toPlainText().split()) > 40)
    wait_for(app, lambda: fakes.recorder._elapsed() > 250)  # ~4:10 of 5:00: the clock turns amber
    snap("question-recording")

    win.c.toggle_recording()
    wait_for(app, lambda: win.c.state == State.FEEDBACK)
    fb = win.feedback
    points = fb.result.report.coverage.points
    row = next((i for i, p in enumerate(points) if p.evidence is not None and p.status == "covered"), 0)
    fb.points.setCurrentRow(row)
    snap("feedback")
    fb.tabs.setCurrentIndex(1)
    snap("feedback-structure")
    fb.tabs.setCurrentIndex(0)
    light = app.palette()
    app.setPalette(dark_palette())
    fb.points.setCurrentRow(row)
    snap("feedback-dark")
    app.setPalette(light)

    fakes.recorder.scale = 60.0
    r = bank.round("hiring-manager-screen") or bank.practice_rounds[0]
    win.c.start_round(bank, r, seed=7)
    n = len(win.c._round.questions)
    for i in range(n):
        wait_for(app, lambda i=i: win.c.state == State.RECORDING and win.c.context.index == i)
        pump(app, 1.2 + 0.6 * i)
        win.c.toggle_recording()
    wait_for(app, lambda: win.stack.currentWidget() is win.summary, timeout=60)
    snap("round-summary")

    win.show_history()
    win.history_view.table.selectRow(0)
    snap("history")
    win.history_view.tabs.setCurrentIndex(2)
    snap("history-trends")

    from voiceprep.ui.settings_dialog import SettingsDialog

    dlg = SettingsDialog(services, win.c, win)
    dlg.show()
    pump(app, 0.3)
    dlg.grab().save(str(out / "settings.png"))
    written["settings"] = str(out / "settings.png")
    dlg.reject()

    win.close()
    print(json.dumps(written))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("tests/artifacts/screenshots")))
