"""Desktop entry point: show a usable window fast, then warm up in the background.

No faster-whisper, onnxruntime or sounddevice import and no model load happens before the window
is on screen; ``MainWindow.after_show`` queues the model warm-up on the worker thread.
Set ``VOICEPREP_STARTUP_PROBE=1`` to print one JSON line once the window is painted and the
banks are on it (which heavy modules were loaded at first paint), then quit; used by
``bench/bench_startup.py``.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Sequence

HEAVY_MODULES = ("faster_whisper", "ctranslate2", "onnxruntime", "sounddevice", "pyttsx3")


def _no_display() -> str | None:
    """On Linux without X11/Wayland Qt would abort with a native error; say it plainly instead."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return ("voiceprep: no graphical display found (DISPLAY and WAYLAND_DISPLAY are unset). Run it in a "
            "desktop session, or use the command line: voiceprep --help")


def main(argv: Sequence[str] | None = None) -> int:
    t0 = time.perf_counter()
    problem = _no_display()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from voiceprep.settings import load_settings
    from voiceprep.ui.main_window import MainWindow
    from voiceprep.ui.services import default_services

    args = list(argv) if argv is not None else sys.argv[1:]
    app = QApplication.instance() or QApplication(["voiceprep", *args])
    app.setApplicationName("voiceprep")
    app.setApplicationDisplayName("voiceprep")
    app.setDesktopFileName("voiceprep")
    settings, notes = load_settings()
    services = default_services(settings)
    win = MainWindow(services)
    probe = bool(os.environ.get("VOICEPREP_STARTUP_PROBE"))

    def on_shown() -> None:
        shown_s = time.perf_counter() - t0
        loaded = [m for m in HEAVY_MODULES if m in sys.modules]
        win.load_banks()
        if probe:
            print(json.dumps({"shown_s": shown_s, "usable_s": time.perf_counter() - t0,
                              "heavy_modules_loaded": loaded, "banks": len(win.home.banks.banks)}), flush=True)
            QTimer.singleShot(0, win.close)
            return
        win.start_background()
        for note in notes:
            win.statusBar().showMessage(note, 15000)

    win.shown.connect(on_shown)
    win.show()
    return int(app.exec())


if __name__ == "__main__":
    raise SystemExit(main())
