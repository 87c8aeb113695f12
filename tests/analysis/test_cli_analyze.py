"""`voiceprep analyze` as users run it: real subprocess, exit codes, JSON fields, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.analysis.analysis_helpers import timed

ANSWER = (
    "So, um, the problem is browse abandonment: members scroll forever and never press play. "
    "I'd segment them, fix the ranking, and run an A/B test on play rate with retention as the guardrail."
)


def run(*args: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VOICEPREP_DATA_DIR": str(tmp / "data"), "VOICEPREP_CONFIG_DIR": str(tmp / "config")}
    return subprocess.run([sys.executable, "-m", "voiceprep", "analyze", *args], capture_output=True, text=True,
                          env=env, timeout=120)


def test_json_from_transcript_json(tmp_path: Path) -> None:
    src = tmp_path / "answer.json"
    src.write_text(json.dumps(timed(ANSWER, wpm=150).to_dict()))
    out = run(str(src), "--question", "netflix-pm/home-discovery", "--round", "onsite-loop", "--json",
              "--no-embeddings", tmp=tmp_path)
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["question"] == "netflix-pm/home-discovery" and d["round_id"] == "onsite-loop"
    assert d["wpm"] is not None and d["speaking_s"] > 0 and d["timing"]["verdict"] == "short"
    ids = [p["id"] for p in d["coverage"]["points"]]
    assert ids == ["define-problem", "segment-members", "root-causes", "solutions", "recsys", "metrics-experiment"]
    assert d["coverage"]["points"][0]["status"] == "covered"
    assert d["fillers"]["by_word"] == {"so": 1, "um": 1}


def test_text_input_has_null_timings_and_readable_report(tmp_path: Path) -> None:
    src = tmp_path / "answer.txt"
    src.write_text(ANSWER)
    out = run(str(src), "-q", "netflix-pm/home-discovery", "--json", "--no-embeddings", tmp=tmp_path)
    d = json.loads(out.stdout)
    assert d["wpm"] is None and d["speaking_s"] is None and d["timing"]["answer_s"] is None
    text = run(str(src), "-q", "netflix-pm/home-discovery", "--no-embeddings", tmp=tmp_path)
    assert text.returncode == 0
    assert "Coverage" in text.stdout and "define-problem" in text.stdout and "Follow-up" in text.stdout


@pytest.mark.parametrize(
    "name, content, question, message",
    [
        ("missing.txt", None, "netflix-pm/home-discovery", "not found"),
        ("empty.txt", "  \n", "netflix-pm/home-discovery", "empty"),
        ("bad.json", "{not json", "netflix-pm/home-discovery", "not a transcript"),
        ("list.json", "[1, 2]", "netflix-pm/home-discovery", "not a transcript"),
        ("ok.txt", "hello there", "netflix-pm/no-such-question", "unknown question"),
        ("ok.txt", "hello there", "no-slash", "unknown question"),
        ("noise.wav", "RIFF garbage", "netflix-pm/home-discovery", "noise.wav"),
    ],
)
def test_bad_input_is_one_line_exit_2(tmp_path: Path, name, content, question, message) -> None:
    src = tmp_path / name
    if content is not None:
        src.write_text(content)
    out = run(str(src), "-q", question, "--no-embeddings", tmp=tmp_path)
    assert out.returncode == 2, out.stdout + out.stderr
    assert out.stderr.count("\n") == 1 and message in out.stderr and "Traceback" not in out.stderr


def test_unknown_round(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text(ANSWER)
    out = run(str(src), "-q", "netflix-pm/home-discovery", "--round", "nope", tmp=tmp_path)
    assert out.returncode == 2 and "unknown round" in out.stderr


@pytest.mark.model
def test_silent_audio_is_a_one_line_error(tmp_path: Path) -> None:
    import wave

    src = tmp_path / "silent.wav"
    with wave.open(str(src), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\0\0" * 32000)
    out = run(str(src), "-q", "netflix-pm/home-discovery", tmp=tmp_path)
    assert out.returncode == 2 and "no speech" in out.stderr and out.stderr.count("\n") == 1


@pytest.mark.model
@pytest.mark.slow
def test_audio_answer_end_to_end(tmp_path: Path) -> None:
    import shutil

    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    src = tmp_path / "answer.wav"
    subprocess.run(["espeak-ng", "-s", "150", "-w", str(src), ANSWER], check=True, capture_output=True)
    out = run(str(src), "-q", "netflix-pm/home-discovery", "--json", tmp=tmp_path)
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["duration_s"] > 5 and d["wpm"] is not None and d["speaking_s"] > 5
    assert d["coverage"]["method"] == "cues+embeddings"
    statuses = {p["id"]: p["status"] for p in d["coverage"]["points"]}
    assert statuses["define-problem"] != "missed" and statuses["root-causes"] == "missed"
    assert d["coverage"]["points"][0]["evidence"]["start"] is not None
