"""Transcriber and CLI behaviour that needs no model: cheap imports, clear errors, guards."""

from __future__ import annotations

import json
import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest

from voiceprep.cli import main
from voiceprep.speech.protocols import ModelUnavailable, SpeechError, Transcriber
from voiceprep.speech.transcriber import (
    WhisperTranscriber,
    _drop_loops,
    _plausible,
    load_audio,
)


def test_importing_the_speech_package_loads_no_heavy_module() -> None:
    code = (
        "import sys\n"
        "import voiceprep.speech.tts, voiceprep.speech.recorder, voiceprep.speech.transcriber\n"
        "import voiceprep.speech.incremental, voiceprep.speech.recovery, voiceprep.speech.playback\n"
        "import voiceprep.cli.transcribe\n"
        "heavy = [m for m in ('faster_whisper', 'sounddevice', 'pyttsx3', 'ctranslate2', 'onnxruntime', 'av') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_is_a_transcriber() -> None:
    t = WhisperTranscriber()
    assert isinstance(t, Transcriber)
    assert t.model_name == "tiny.en (bundled)" and not t.loaded


def test_from_settings() -> None:
    s = SimpleNamespace(model="base.en", device="cpu", compute_type="int8", filler_prompt=False)
    t = WhisperTranscriber.from_settings(s)
    assert t.model_name == "base.en" and t.options.filler_prompt is False


def test_missing_model_folder_is_model_unavailable(tmp_path) -> None:  # noqa: ANN001
    t = WhisperTranscriber(model=str(tmp_path / "nope"))
    with pytest.raises(ModelUnavailable, match="not found"):
        t.load()


def test_folder_without_a_model_is_model_unavailable(tmp_path) -> None:  # noqa: ANN001
    t = WhisperTranscriber(model=str(tmp_path))
    with pytest.raises(ModelUnavailable, match="Could not load"):
        t.load()


def test_load_audio_errors(tmp_path) -> None:  # noqa: ANN001
    with pytest.raises(SpeechError, match="not found"):
        load_audio(tmp_path / "none.wav")
    with pytest.raises(SpeechError, match="folder"):
        load_audio(tmp_path)
    bad = tmp_path / "bad.mp3"
    bad.write_bytes(b"not audio at all")
    with pytest.raises(SpeechError, match="not audio voiceprep can decode"):
        load_audio(bad)
    arr = load_audio(np.zeros((10,), dtype=np.float64))
    assert arr.dtype == np.float32


def seg(text: str, ratio: float, words: int) -> SimpleNamespace:
    return SimpleNamespace(text=text, compression_ratio=ratio, words=[object()] * words)


def test_loops_are_dropped_and_word_rate_is_checked() -> None:
    good, loop = seg("We measure retention.", 1.2, 3), seg("Thank you for watching.", 16.4, 4)
    assert _drop_loops([good, loop, loop]) == [good]
    assert _plausible([good], duration_s=2.0)
    assert not _plausible([seg("x", 1.0, 40)], duration_s=2.0)


def test_cli_missing_file_exits_2(tmp_path, capsys) -> None:  # noqa: ANN001
    assert main(["transcribe", str(tmp_path / "missing.wav")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("voiceprep: audio file not found") and err.count("\n") == 1


def test_cli_unreadable_audio_exits_2(tmp_path, capsys) -> None:  # noqa: ANN001
    bad = tmp_path / "bad.ogg"
    bad.write_bytes(b"\x00" * 100)
    assert main(["transcribe", str(bad), "--model", str(tmp_path / "no-model")]) == 2
    assert "voiceprep:" in capsys.readouterr().err


def test_cli_missing_model_exits_2(tmp_path, capsys) -> None:  # noqa: ANN001
    from voiceprep.speech.audio import write_wav

    wav = tmp_path / "a.wav"
    write_wav(wav, np.zeros(16000, np.float32), 16000)
    assert main(["transcribe", str(wav), "--model", str(tmp_path / "no-model")]) == 2
    assert "Speech model folder not found" in capsys.readouterr().err


@pytest.mark.model
def test_cli_json(espeak, tmp_path, capsys) -> None:  # noqa: ANN001
    from voiceprep.speech.audio import write_wav
    from voiceprep.speech.synthetic import espeak as say

    samples, rate = say("We should measure retention every week.", 160)
    wav = tmp_path / "a.wav"
    write_wav(wav, samples, rate)
    assert main(["transcribe", str(wav), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"text", "words", "duration_s", "model", "timings", "filler_prompt"} <= set(data)
    assert "retention" in data["text"].lower()
    assert data["model"] == "tiny.en (bundled)" and data["filler_prompt"] is True
    w = data["words"][0]
    assert set(w) == {"text", "start", "end", "probability"} and w["start"] <= w["end"]
    assert data["duration_s"] == pytest.approx(len(samples) / rate, abs=0.01)
    assert {"load_s", "transcribe_s"} <= set(data["timings"])



def test_cli_unreadable_audio_says_what_to_do(tmp_path, capsys) -> None:  # noqa: ANN001
    bad = tmp_path / "garbage.wav"
    bad.write_bytes(np.random.default_rng(0).integers(0, 256, 5000, dtype=np.uint8).tobytes())
    assert main(["transcribe", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "garbage.wav" in err and "wav, flac, mp3" in err
    assert "Errno" not in err


@pytest.mark.model
def test_cli_silence_is_an_error_not_an_empty_transcript(tmp_path, capsys) -> None:  # noqa: ANN001
    from voiceprep.speech.audio import write_wav

    wav = tmp_path / "silence.wav"
    write_wav(wav, np.zeros(16000 * 4, np.float32), 16000)
    assert main(["transcribe", str(wav), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "no speech found" in captured.err
