"""The whole loop with real parts: pyttsx3 reads the question, the PulseAudio null sink's monitor
is the microphone (an espeak-ng answer is played into it), the bundled Whisper model transcribes
while recording, the real analysis (with embeddings) scores it, and the history store keeps it.

Needs a PulseAudio server (scripts/virtual-audio.sh); skipped with a reason when none is
reachable, unless CI=true or VOICEPREP_TEST_AUDIO=1 (scripts/test.sh), where that is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import wave
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer

from voiceprep.settings import Settings
from voiceprep.ui.controller import State

pytestmark = [pytest.mark.audio, pytest.mark.model, pytest.mark.slow]

ANSWER = (
    "The problem is browse abandonment. Members scroll for a long time and leave without playing anything. "
    "I would segment these members, for example people on a shared profile and people who cannot decide. "
    "Then I would add a play something button and more diversity in the rows. "
    "To know if it works, I would run an A B test and measure the successful play rate per session."
)


def _pulse_or_skip() -> None:
    ok = shutil.which("pactl") is not None and subprocess.run(
        ["pactl", "info"], capture_output=True, timeout=10).returncode == 0
    if not ok:
        if os.environ.get("CI", "").lower() == "true" or os.environ.get("VOICEPREP_TEST_AUDIO") == "1":
            pytest.fail("CI=true / VOICEPREP_TEST_AUDIO=1 but no PulseAudio server is reachable "
                        "(run scripts/virtual-audio.sh)")
        pytest.skip("no PulseAudio server reachable: start the null sink (scripts/virtual-audio.sh) to run this")
    for tool in ("paplay", "espeak-ng"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is missing (Debian: pulseaudio-utils / espeak-ng)")


def test_real_tts_microphone_model_analysis_and_store(qtbot, tmp_path: Path) -> None:
    _pulse_or_skip()
    from voiceprep.ui.main_window import MainWindow
    from voiceprep.ui.services import default_services

    answer_wav = tmp_path / "answer.wav"
    subprocess.run(["espeak-ng", "-s", "150", "-w", str(answer_wav), ANSWER], check=True, capture_output=True)
    with wave.open(str(answer_wav)) as wf:
        answer_s = wf.getnframes() / wf.getframerate()

    settings = Settings(data_dir=str(tmp_path / "data"), think_time_s=0)
    services = default_services(settings)
    services.save_settings = lambda s: None
    w = MainWindow(services)
    qtbot.addWidget(w)
    w.show()
    w.after_show()
    qtbot.waitUntil(lambda: w.c.model_state in ("ready", "failed"), timeout=60000)
    assert w.c.model_state == "ready", w.model_label.toolTip()

    ticks: dict[str, int] = {}
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.__setitem__(w.c.state.value, ticks.get(w.c.state.value, 0) + 1))
    timer.start()

    assert w.home.select_bank("netflix-pm")
    bank = w.home.current_bank()
    question = bank.question("home-discovery")
    w.c.start_question(bank, question)
    qtbot.waitUntil(lambda: w.c.speaking or w.c.state == State.RECORDING, timeout=20000)
    assert w.c._speaker, "the real text-to-speech engine should be available"
    qtbot.waitUntil(lambda: w.c.state == State.RECORDING, timeout=60000)  # after the question was read aloud

    qtbot.wait(800)  # a speaker starts a moment after the question ends (and PulseAudio drains its buffer)
    player = subprocess.Popen(["paplay", str(answer_wav)])
    qtbot.waitUntil(lambda: player.poll() is not None, timeout=int(answer_s * 1000) + 30000)
    assert player.returncode == 0
    qtbot.wait(700)
    live_text = w.question.live.toPlainText()
    stopped = time.perf_counter()
    w.c.toggle_recording()
    qtbot.waitUntil(lambda: w.c.state in (State.FEEDBACK, State.ERROR), timeout=90000)
    after_stop = time.perf_counter() - stopped
    timer.stop()
    assert w.c.state == State.FEEDBACK, w.banner.text.text()

    result = w.feedback.result
    text = result.transcript.full_text.lower()
    print(f"\nlive text at stop: {len(live_text.split())} words; feedback {after_stop:.2f} s after stop; "
          f"transcript timings {result.transcript.timings}\n{result.transcript.full_text}")
    # tiny.en makes mistakes, more so on a loaded machine where the virtual device drops audio:
    # several of the content words must come through, not all
    expected = ["members", "segment", "profile", "play", "diversity", "test", "session"]
    heard = [wd for wd in expected if wd in text]
    assert len(heard) >= 3, (heard, text)
    assert live_text.strip(), "the live transcript should show words while speaking"
    assert result.recording is not None and result.recording.exists()
    assert result.report.duration_s is not None and result.report.duration_s >= answer_s * 0.8
    # the answer touches four of the six key points (briefly): the analysis must credit them
    credited = [p.id for p in result.report.coverage.points if p.status != "missed"]
    assert len(credited) >= 2, [(p.id, p.status) for p in result.report.coverage.points]
    assert ticks.get("transcribing", 0) >= 1 or after_stop < 0.05  # the UI kept turning while it worked
    assert ticks.get("recording", 0) > 50

    # playback of the recording through the real output: the current word follows it
    fb = w.feedback
    assert fb.play_btn.isEnabled()
    fb.play_from(1.0)
    qtbot.waitUntil(lambda: fb.transcript._current is not None, timeout=10000)
    assert fb._player.position() is not None and fb._player.position() >= 1.0
    fb.stop_playback()
    assert fb._player.position() is None

    store = w.c.store()
    saved = store.get_attempt(result.attempt_id)
    assert saved.finished and saved.source == "recorded"
    assert saved.coverage == pytest.approx(result.report.coverage.score, abs=1e-3)
    w.close()
