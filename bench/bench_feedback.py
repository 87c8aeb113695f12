"""Benchmark: Stop to feedback in the real app, with real audio.

The real MainWindow with the real services (pyttsx3 read-aloud, PortAudio recorder, the bundled
Whisper model with live transcription, the analysis, the SQLite store) answers a bank question:
espeak-ng speech is played into the PulseAudio null sink, which the app records as its
microphone; the clock runs from Stop to the feedback state. Baseline in the same run: the same
recording transcribed in one pass after Stop plus the same analysis (what the app would do
without live transcription). Prints JSON.

Needs the private PulseAudio sink (``eval "$(bash scripts/virtual-audio.sh start)"``); runs on
Qt's offscreen platform.

    .venv/bin/python bench/bench_feedback.py [--long]     (~1 min; --long adds a ~2 min answer)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SENTENCES = [
    "So the problem I would focus on is browse abandonment, members who scroll for a long time and then leave without playing anything.",
    "Um, that is a failure of discovery, not engagement.",
    "First I would segment them: mood driven browsers, indecisive members, and households on a shared profile.",
    "The root causes are choice overload, rows that look the same, and stale recommendations.",
    "I would try a play something button, more diversity in row ranking, and show why a title is recommended.",
    "To know if it works I would run an A B test and look at successful play rate per session and time to first play, with retention as the guardrail.",
]


def pump(app, seconds: float) -> None:  # noqa: ANN001
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def wait_for(app, cond, timeout: float, what: str) -> None:  # noqa: ANN001
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise TimeoutError(f"timed out waiting for {what}")
        app.processEvents()
        time.sleep(0.01)


def answer_wav(path: Path, repeats: int) -> Path:
    text = " ".join(SENTENCES * repeats)
    subprocess.run(["espeak-ng", "-s", "150", "-w", str(path), text], check=True)
    return path


def run_case(app, win, bank, question, wav: Path) -> dict[str, float]:  # noqa: ANN001
    from voiceprep.ui.controller import State

    win.c.start_question(bank, question, queue=[question])
    wait_for(app, lambda: win.c.state in (State.RECORDING, State.ERROR), 120, "recording")
    if win.c.state == State.ERROR:
        raise RuntimeError("the app could not start recording (is the PulseAudio sink running?)")
    player = subprocess.Popen(["paplay", str(wav)])
    while player.poll() is None:
        pump(app, 0.1)
    pump(app, 1.0)
    t = time.perf_counter()
    win.c.toggle_recording()
    wait_for(app, lambda: win.c.state in (State.FEEDBACK, State.ERROR), 300, "feedback")
    stop_to_feedback = time.perf_counter() - t
    result = win.c.last_result
    if win.c.state != State.FEEDBACK or result is None or result.recording is None:
        raise RuntimeError("no feedback was produced")
    return {
        "answer_s": round(result.transcript.duration_s or 0.0, 1),
        "words": len(result.transcript.words),
        "coverage": round(result.report.coverage.score, 2),
        "stop_to_feedback_s": round(stop_to_feedback, 3),
        "recording": str(result.recording),
    }


def baseline(recording: Path, bank, question) -> float:  # noqa: ANN001
    from voiceprep.analysis import analyze
    from voiceprep.speech.transcriber import WhisperTranscriber

    transcriber = WhisperTranscriber()
    transcriber.load()  # not timed: the app's model is loaded before Stop too
    t = time.perf_counter()
    analyze(transcriber.transcribe(recording), bank, question)
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--long", action="store_true", help="also a ~2 minute answer")
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="voiceprep-bench-feedback-"))
    os.environ["VOICEPREP_DATA_DIR"] = str(tmp / "data")
    os.environ["VOICEPREP_CONFIG_DIR"] = str(tmp / "config")

    from PySide6.QtWidgets import QApplication

    from voiceprep.settings import Settings
    from voiceprep.ui.controller import ModelState
    from voiceprep.ui.main_window import MainWindow
    from voiceprep.ui.services import default_services

    app = QApplication.instance() or QApplication(["voiceprep-bench"])
    win = MainWindow(default_services(Settings(think_time_s=0, data_dir=str(tmp / "data"))))
    win.resize(1280, 720)
    win.show()
    win.after_show()
    wait_for(app, lambda: win.c.model_state == ModelState.READY, 120, "the model to load")
    win.home.select_bank("netflix-pm")
    bank = win.home.current_bank()
    question = bank.question("home-discovery")
    cases = {"short": 1} | ({"long": 4} if args.long else {})
    out: dict[str, object] = {}
    for name, repeats in cases.items():
        case = run_case(app, win, bank, question, answer_wav(tmp / f"{name}.wav", repeats))
        after_stop = baseline(Path(case.pop("recording")), bank, question)
        case["baseline_transcribe_after_stop_s"] = round(after_stop, 3)
        case["speedup_vs_baseline"] = round(after_stop / max(case["stop_to_feedback_s"], 1e-6), 2)
        out[name] = case
    win.close()
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
