"""Through the real parts: PulseAudio null sink, PortAudio, pyttsx3/espeak-ng, the bundled model.

No mocks here. The null sink ``virt`` is the speaker and its monitor the microphone (see
conftest.py); espeak-ng makes speech with known words.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import tomllib
import wave
from pathlib import Path

import numpy as np
import pytest

from voiceprep.paths import builtin_questions_dir
from voiceprep.speech.audio import WHISPER_RATE, write_wav
from voiceprep.speech.recorder import SoundRecorder
from voiceprep.speech.recovery import find_unfinished
from voiceprep.speech.synthetic import espeak, filler_count, normalise_words, speech

ANSWER = (
    "I would start by clarifying the goal. Netflix wants members to find something they love "
    "quickly, so I would measure the time to first play and test a better ranking model."
)
FILLER_TEXT = "So, um, I think, uh, the main metric is retention. Um, and you know, uh, we should measure it every week."
FALLBACK_QUESTION = "How would you improve content discovery on the Netflix home page?"


def content_recall(reference: str, hypothesis: str) -> float:
    """Share of the reference's longer words that the transcript contains (tiny.en slips a few)."""
    ref = {w for w in normalise_words(reference) if len(w) > 3}
    hyp = set(normalise_words(hypothesis))
    return len(ref & hyp) / len(ref)


def espeak_file(tmp_path: Path, text: str, name: str = "speech.wav", wpm: int = 160) -> Path:
    samples, rate = espeak(text, wpm)
    path = tmp_path / name
    write_wav(path, samples, rate)
    return path


def record_while(path: Path, action, settle_s: float = 0.6):  # noqa: ANN001, ANN201
    rec = SoundRecorder(max_seconds=120)
    rec.start(path)
    time.sleep(0.3)
    action()
    time.sleep(settle_s)
    return rec.stop()


@pytest.mark.audio
@pytest.mark.model
def test_record_then_transcribe(pulse, espeak, whisper, tmp_path) -> None:  # noqa: ANN001
    clip = espeak_file(tmp_path, ANSWER)
    result = record_while(tmp_path / "answer.wav", lambda: subprocess.run(["paplay", str(clip)], check=True))
    assert result.stopped_reason == "user" and result.overflows == 0
    with wave.open(str(result.path)) as w:
        assert w.getframerate() == WHISPER_RATE and w.getnframes() > 5 * WHISPER_RATE
    transcript = whisper.transcribe(result.path)
    assert content_recall(ANSWER, transcript.text) >= 0.75, transcript.text
    assert transcript.has_timings
    starts = [w.start for w in transcript.words]
    assert starts == sorted(starts)


def bank_question() -> str:
    path = builtin_questions_dir() / "netflix-pm.toml"
    if not path.exists():
        return FALLBACK_QUESTION
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return str(data["questions"][0]["prompt"])


@pytest.mark.audio
@pytest.mark.model
def test_read_aloud_then_record(pulse, espeak, whisper, tmp_path) -> None:  # noqa: ANN001
    from voiceprep.speech.tts import TtsSpeaker

    question = bank_question()
    speaker = TtsSpeaker(rate_wpm=160, cache_dir=tmp_path / "tts")
    speaker.prepare(question)
    samples, rate = speaker.synthesize(question)
    spoken_s = len(samples) / rate
    done: list[float] = []

    def speak() -> None:
        t0 = time.monotonic()
        speaker.speak(question, on_done=lambda: done.append(time.monotonic() - t0))
        assert speaker.wait(spoken_s + 10)

    result = record_while(tmp_path / "question.wav", speak)
    assert done and done[0] >= spoken_s * 0.9  # on_done came when playback really ended
    transcript = whisper.transcribe(result.path)
    assert content_recall(question, transcript.text) >= 0.6, transcript.text


CHILD = """
import sys, time
from pathlib import Path
from voiceprep.speech.recorder import SoundRecorder
rec = SoundRecorder()
rec.start(Path(sys.argv[1]))
print("started", time.monotonic(), flush=True)
while True:
    time.sleep(0.1)
"""


@pytest.mark.audio
@pytest.mark.model
def test_kill_9_mid_recording_loses_at_most_a_second(pulse, espeak, whisper, tmp_path) -> None:  # noqa: ANN001
    clip = espeak_file(tmp_path, ANSWER + " " + ANSWER)
    folder = tmp_path / "recordings"
    folder.mkdir()
    target = folder / "answer.wav"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(target)], stdout=subprocess.PIPE, text=True, env=os.environ.copy()
    )
    try:
        line = child.stdout.readline()
        assert line.startswith("started"), line
        started = float(line.split()[1])
        player = subprocess.Popen(["paplay", str(clip)])
        time.sleep(4.0)
        killed_at = time.monotonic()
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        player.wait(30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    found = find_unfinished(folder)
    assert [r.path for r in found] == [target]
    with wave.open(str(target)) as w:  # a valid WAV that any player opens
        frames = w.getnframes()
        assert frames * 2 + 44 == target.stat().st_size
    lost = (killed_at - started) - frames / WHISPER_RATE
    assert lost <= 1.0, f"lost {lost:.2f} s"
    transcript = whisper.transcribe(target)
    first_sentence = "I would start by clarifying the goal."
    assert content_recall(first_sentence, " ".join(normalise_words(transcript.text)[:8])) >= 0.5, transcript.text


@pytest.mark.model
def test_fillers_survive(espeak, whisper) -> None:  # noqa: ANN001
    transcript = whisper.transcribe(speech(FILLER_TEXT, wpm=150))
    words = normalise_words(transcript.text)
    assert "um" in words and "uh" in words, transcript.text
    assert filler_count(transcript.text) >= 3
    assert content_recall(FILLER_TEXT, transcript.text) >= 0.8


@pytest.mark.model
def test_trailing_silence_adds_nothing(espeak, whisper) -> None:  # noqa: ANN001
    voice = speech(FILLER_TEXT, wpm=160)
    rng = np.random.default_rng(7)
    tail = rng.normal(0, 10 ** (-60 / 20), 4 * WHISPER_RATE).astype(np.float32)  # 4 s of room noise
    clip = np.concatenate([voice, tail])
    texts = {whisper.transcribe(clip).text for _ in range(3)}
    assert len(texts) == 1, texts
    (text,) = texts
    assert filler_count(text) >= 2 and content_recall(FILLER_TEXT, text) >= 0.8, text
    last = whisper.transcribe(clip).words[-1]
    assert last.end <= len(voice) / WHISPER_RATE + 0.3  # nothing placed in the silence
    assert normalise_words(text)[-2:] == ["every", "week"], text  # and nothing added after it


@pytest.mark.model
def test_incremental_gives_the_one_pass_transcript(espeak, whisper) -> None:  # noqa: ANN001
    from voiceprep.speech.incremental import ArraySource, IncrementalTranscriber
    from voiceprep.speech.synthetic import answer, wer

    samples, reference = answer(25)
    one = whisper.transcribe(samples)
    src = ArraySource(samples)
    inc = IncrementalTranscriber(whisper, src)
    while src.frames < len(samples):
        src.advance(WHISPER_RATE // 2)
        inc._step()  # what the worker does every poll, without waiting in real time
    committed_before_stop = len(inc.partial().words)
    final = inc.finish()
    assert committed_before_stop >= len(final.words) // 2
    assert final.timings["tail_audio_s"] < 8.0
    assert wer(reference, final.text) <= wer(reference, one.text) + 0.05, (final.text, one.text)
    starts = [w.start for w in final.words]
    assert starts == sorted(starts) and final.words[-1].end <= final.duration_s
    assert final.duration_s == pytest.approx(one.duration_s)
    assert filler_count(final.text) >= filler_count(reference) - 1, final.text


def test_pyttsx3_synthesis_follows_rate_and_voice_quietly(espeak, capfd) -> None:  # noqa: ANN001
    from voiceprep.speech.tts import Pyttsx3Synthesizer

    synth = Pyttsx3Synthesizer()
    voices = synth.voices()
    assert len(voices) > 1 and any(v.id.endswith("en-us") for v in voices)
    text = "Tell me about a product you love and how you would improve it."
    slow, rate = synth.synthesize(text, None, 110)
    fast, rate2 = synth.synthesize(text, None, 260)
    assert rate == rate2 and len(fast) < 0.7 * len(slow)
    gb = next(v.id for v in voices if v.id.endswith("en-gb") or v.id.endswith("en"))
    other, _ = synth.synthesize(text, gb, 260)
    assert not np.array_equal(other[: len(fast)], fast[: len(other)])
    assert "Audio saved" not in capfd.readouterr().out  # --json output stays clean
