"""Fixtures for the speech tests.

Real-parts tests need a PulseAudio server with a null sink as default sink and its monitor as
default source (the recipe in STACK-NOTES; CI starts it). Without one they skip with the reason,
except under ``CI=true`` where a missing server is a failure, not a silent skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest


def _need(ok: bool, reason: str) -> None:
    if ok:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: real-parts tests must run)")
    pytest.skip(reason)


def _pulse_reachable() -> tuple[bool, str]:
    if shutil.which("pactl") is None:
        return False, "pactl not installed (Debian pulseaudio-utils)"
    try:
        out = subprocess.run(["pactl", "info"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"pactl info failed: {exc}"
    if out.returncode != 0:
        return False, "no PulseAudio server reachable (pactl info failed); start the null sink from STACK-NOTES"
    if "Default Source: virt.monitor" not in out.stdout:
        return False, "PulseAudio runs but the default source is not virt.monitor (see STACK-NOTES recipe)"
    return True, ""


@pytest.fixture(scope="session")
def pulse() -> None:
    """A PulseAudio null sink 'virt' whose monitor is the default microphone."""
    ok, reason = _pulse_reachable()
    _need(ok, reason)
    _need(shutil.which("paplay") is not None, "paplay not installed (Debian pulseaudio-utils)")


@pytest.fixture(scope="session")
def espeak() -> None:
    from voiceprep.speech.synthetic import espeak_available

    _need(espeak_available(), "espeak-ng not installed (Debian espeak-ng)")


@pytest.fixture(scope="session")
def whisper():  # noqa: ANN201
    """The bundled tiny.en, loaded once for the whole session."""
    from voiceprep.speech.transcriber import WhisperTranscriber

    t = WhisperTranscriber()
    t.load()
    return t
