"""``voiceprep --self-check`` with real parts: real TTS, the bundled Whisper model, MiniLM, banks.

The full runs are subprocesses with a clean HOME / data / config folder, as a user would run
them. The failure paths are made real, not mocked where it matters: a ``sounddevice`` that
raises the OSError PortAudio-less machines raise, a data folder under a regular file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from voiceprep import selfcheck
from voiceprep.selfcheck import FAIL, PASS, SKIP, WARN, CheckResult, SelfCheckReport

ROOT = Path(__file__).resolve().parents[2]
ESSENTIAL_PASSES = ("Question banks", "Data folder", "Audio library", "Embeddings", "Answer analysis")
# The only non-passes allowed on a working machine: pyttsx3 2.99's espeak driver sometimes writes
# no file (the self-check retries and says so) or drops the last ~1 s of audio (the self-check
# notices the missing end of the phrase). Both are that library's bugs, reported, not hidden.
KNOWN_TTS_WARNINGS = {"Text-to-speech": "only on attempt", "Transcription": "end of the phrase is missing"}


def _clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(HOME=str(tmp_path / "home"), VOICEPREP_DATA_DIR=str(tmp_path / "data"),
               VOICEPREP_CONFIG_DIR=str(tmp_path / "config"), QT_QPA_PLATFORM="offscreen")
    env.update(extra)
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)


# --- small pure parts -----------------------------------------------------------------------------


def test_word_recall_counts_reference_words_found():
    assert selfcheck.word_recall("Never press play", "never, PRESS play.") == 1.0
    assert selfcheck.word_recall("never press play now", "never pressed play") == 0.5
    assert selfcheck.word_recall("never press play", "") == 0.0
    assert selfcheck.word_recall("", "anything") == 0.0


def test_report_ok_only_when_no_essential_check_failed():
    checks = [CheckResult("A", PASS, "fine"), CheckResult("B", WARN, "meh", "do x"),
              CheckResult("C", FAIL, "broken", "do y", essential=False)]
    assert SelfCheckReport(checks, 1.0, "0", "Linux", False).ok
    checks.append(CheckResult("D", FAIL, "broken", "do z"))
    report = SelfCheckReport(checks, 1.0, "0", "Linux", False)
    assert not report.ok
    assert report.to_dict()["ok"] is False
    assert "PROBLEMS FOUND" in selfcheck.format_summary(report)


def test_format_result_aligns_and_shows_fix_only_when_not_passing():
    ok = selfcheck.format_result(CheckResult("Embeddings", PASS, "fine", "never shown", seconds=0.5))
    bad = selfcheck.format_result(CheckResult("Data folder", FAIL, "cannot write", "make it writable", seconds=0.01))
    assert "never shown" not in ok and "\n" not in ok
    first, fix = bad.split("\n")
    assert first.startswith("  FAIL  Data folder")
    assert fix.strip() == "fix: make it writable"
    # the reason column starts at the same place on every line
    assert ok.index("fine") == first.index("cannot write")
    assert fix.index("fix:") == first.index("cannot write")


# --- failure paths, in process ------------------------------------------------------------------


def test_unwritable_data_folder_fails_with_a_fix(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("VOICEPREP_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("VOICEPREP_DATA_DIR", str(blocker / "data"))
    with pytest.raises(selfcheck._Fail) as info:
        selfcheck.check_data_folder(selfcheck._Context())
    assert str(blocker / "data") in info.value.detail
    assert "VOICEPREP_DATA_DIR" in info.value.fix


def test_data_folder_check_leaves_nothing_behind(tmp_path, monkeypatch):
    monkeypatch.setenv("VOICEPREP_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("VOICEPREP_DATA_DIR", str(tmp_path / "data"))
    result = selfcheck.check_data_folder(selfcheck._Context())
    assert result.status == PASS
    assert list((tmp_path / "data").iterdir()) == []


def test_broken_user_bank_is_a_warning_not_a_failure(tmp_path, monkeypatch):
    monkeypatch.setenv("VOICEPREP_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("VOICEPREP_DATA_DIR", str(tmp_path / "data"))
    banks = tmp_path / "data" / "banks"
    banks.mkdir(parents=True)
    (banks / "mine.toml").write_text('format = 1\nid = "mine"\ntitle = "unterminated\n', encoding="utf-8")
    ctx = selfcheck._Context()
    result = selfcheck.check_banks(ctx)
    assert result.status == WARN
    assert "mine.toml" in result.detail
    assert "voiceprep questions validate" in result.fix
    assert ctx.question is not None and ctx.question.key_points  # the shipped banks still load


def test_missing_espeak_names_the_package(monkeypatch):
    if not sys.platform.startswith("linux"):
        pytest.skip("espeak-ng is the Linux TTS back end")
    import ctypes.util

    real = ctypes.util.find_library
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None if "espeak" in name else real(name))
    with pytest.raises(selfcheck._Fail) as info:
        selfcheck.check_tts(selfcheck._Context())
    assert "espeak-ng" in info.value.detail
    assert "apt install espeak-ng" in info.value.fix


def test_missing_portaudio_fails_the_run_and_names_libportaudio2(tmp_path):
    """A stand-in ``sounddevice`` raising what the real one raises without the library."""
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "sounddevice.py").write_text(textwrap.dedent("""
        raise OSError("PortAudio library not found")
    """))
    env = _clean_env(tmp_path, PYTHONPATH=os.pathsep.join([str(fake), str(ROOT)]))
    # Only the cheap checks matter here; the model checks are covered below.
    code = textwrap.dedent("""
        import sys
        from voiceprep import selfcheck
        keep = {"Question banks", "Data folder", "Audio library", "Audio devices"}
        selfcheck.CHECKS = tuple(c for c in selfcheck.CHECKS if c[0] in keep)
        sys.exit(selfcheck.run_self_check())
    """)
    proc = _run(["-c", code], env)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    lib = next(i for i, line in enumerate(lines) if "Audio library" in line)
    assert lines[lib].lstrip().startswith("FAIL")
    assert "PortAudio library not found" in lines[lib]
    assert "libportaudio2" in lines[lib]
    assert "sudo apt install libportaudio2" in lines[lib + 1]
    devices = next(line for line in lines if "Audio devices" in line)
    assert devices.lstrip().startswith("SKIP")
    assert "PROBLEMS FOUND" in lines[-1]


# --- full runs with the real models ---------------------------------------------------------------


@pytest.mark.model
def test_full_self_check_json(tmp_path):
    proc = _run(["-m", "voiceprep.selfcheck", "--json"], _clean_env(tmp_path))
    report = json.loads(proc.stdout)  # stdout is pure JSON even though pyttsx3 prints
    by_name = {c["name"]: c for c in report["checks"]}
    assert [c["name"] for c in report["checks"]] == [n for n, _, _ in selfcheck.CHECKS]
    for name in ESSENTIAL_PASSES:
        assert by_name[name]["status"] == PASS, (name, by_name[name])
    for name, known in KNOWN_TTS_WARNINGS.items():
        check = by_name[name]
        assert check["status"] == PASS or (check["status"] == WARN and known in check["detail"]), check
    assert by_name["Desktop UI"]["status"] in (PASS, SKIP)
    # the TTS audio was really transcribed and really analysed
    heard = by_name["Transcription"]["data"]
    assert heard["word_recall"] >= 0.6 and "shuffle" in heard["text"].lower(), heard
    assert heard["length_ratio"] <= 1.5, heard  # nothing invented
    analysis = by_name["Answer analysis"]["data"]
    assert analysis["question"] == selfcheck.QUESTION_REF
    assert analysis["found"], analysis  # the phrase touches several key points
    assert analysis["method"] == "cues+embeddings"
    assert report["ok"] is True and proc.returncode == 0
    assert not (tmp_path / "data").exists() or not any(p.name.startswith(".selfcheck") for p in (tmp_path / "data").iterdir())


@pytest.mark.model
def test_self_check_from_the_cli_prints_aligned_lines(tmp_path):
    env = _clean_env(tmp_path)
    if os.environ.get("VOICEPREP_TEST_AUDIO") != "1":
        env.pop("PULSE_SERVER", None)
    proc = _run(["-m", "voiceprep", "--self-check"], env)
    lines = proc.stdout.splitlines()
    msg = proc.stdout + proc.stderr
    assert lines[0].startswith("voiceprep ") and "self-check" in lines[0], msg
    rows = [line for line in lines[1:-1] if not line.lstrip().startswith("fix:")]
    assert len(rows) == len(selfcheck.CHECKS), msg
    assert {r.split()[0] for r in rows} <= {"PASS", "WARN", "FAIL", "SKIP"}
    assert "Audio saved to" not in proc.stdout  # pyttsx3's chatter is swallowed
    assert len({r.index(" s ") for r in rows}) == 1, msg  # the timing column lines up
    assert proc.returncode == (0 if lines[-1].startswith("OK") else 1)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.audio
def test_audio_devices_pass_with_the_virtual_sound_card(tmp_path, monkeypatch):
    if os.environ.get("VOICEPREP_TEST_AUDIO") != "1":
        pytest.skip("needs the PulseAudio null sink (scripts/test.sh sets VOICEPREP_TEST_AUDIO=1)")
    monkeypatch.setenv("VOICEPREP_CONFIG_DIR", str(tmp_path / "config"))
    result = selfcheck.check_audio_devices(selfcheck._Context())
    assert result.status == PASS, result
    assert result.data["inputs"] > 0 and result.data["outputs"] > 0


@pytest.mark.audio
def test_a_missing_device_chosen_in_settings_is_named(tmp_path, monkeypatch):
    if os.environ.get("VOICEPREP_TEST_AUDIO") != "1":
        pytest.skip("needs the PulseAudio null sink (scripts/test.sh sets VOICEPREP_TEST_AUDIO=1)")
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.json").write_text(json.dumps({"input_device": "USB headset that is unplugged"}))
    monkeypatch.setenv("VOICEPREP_CONFIG_DIR", str(config))
    result = selfcheck.check_audio_devices(selfcheck._Context())
    assert result.status == WARN and not result.essential
    assert "USB headset that is unplugged" in result.detail
    assert "Settings" in result.fix
