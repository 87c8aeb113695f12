"""The real models: MiniLM embeddings, and Whisper on espeak-ng speech (marked `model`)."""

from __future__ import annotations

import shutil
import subprocess
import threading
from pathlib import Path

import numpy as np
import pytest

from voiceprep.analysis.analyzer import analyze
from voiceprep.analysis.embeddings import get_embedder, load_embedder, model_path
from voiceprep.analysis.options import AnalysisOptions
from voiceprep.bank.loader import load_banks

pytestmark = pytest.mark.model
ROOT = Path(__file__).resolve().parents[2]
RATE_TEXT = (
    "The main problem is that members browse for a long time and never start watching anything. "
    "I would look at the home page rows, the ranking model and the artwork, and then test a new row "
    "that explains why each title is recommended. The primary metric would be the share of sessions "
    "that end in a play, and retention after one month would be the guardrail."
)
FILLER_TEXT = "So, um, I think, uh, the main metric is, like, retention. Um, and you know, basically, uh, we should test it."
FILLER_COUNTS = {"um": 2, "uh": 2, "so": 1, "like": 1, "you know": 1, "basically": 1}


def test_embeddings_rank_paraphrase_above_unrelated() -> None:
    e = get_embedder()
    v = e.embed(["Browse abandonment: members scroll and never press play.",
                 "people scroll for ages and never press play", "the weather is lovely at the beach today"])
    assert v.shape == (3, 384)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.3


def test_embedder_loads_once_across_threads() -> None:
    got: list[object] = []
    threads = [threading.Thread(target=lambda: got.append(get_embedder())) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(g) for g in got}) == 1


def _bank_question(ref: str):
    found = load_banks(ROOT / "questions").resolve(ref)
    assert found is not None
    return found


def test_a_texts_embedding_does_not_depend_on_its_batch() -> None:
    """Round 21: the int8 model scales activations per input tensor, so texts are embedded one at
    a time; a batch-mate or padding must not move a vector, or a cached key point's."""
    e = get_embedder()
    text = "Tell me about a time you disagreed with your manager."
    longer = ("Should Netflix invest heavily in live sports rights, or stay with one-off live events? Give me your "
              "recommendation, with the risks and how you would measure success over the first two years.")
    alone = e.embed([text])[0]
    assert np.array_equal(e.embed([text, longer])[0], alone)
    assert np.array_equal(e.embed([longer, text])[1], alone)
    fresh = load_embedder(model_path())  # its own cache: the point is cached next to a longer text
    assert np.array_equal(fresh.embed_cached([longer, text])[1], alone)


@pytest.fixture(scope="module")
def transcriber():
    pytest.importorskip("faster_whisper")
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    from voiceprep.speech.transcriber import WhisperTranscriber

    t = WhisperTranscriber()
    t.load()
    return t


def _speak(text: str, espeak_rate: int, path: Path) -> Path:
    subprocess.run(["espeak-ng", "-s", str(espeak_rate), "-w", str(path), text], check=True, capture_output=True)
    return path


@pytest.mark.slow
@pytest.mark.parametrize("espeak_rate", [98, 130, 163])  # espeak-ng's -s runs ~1.23x fast: ~120/160/200 WPM
def test_wpm_of_espeak_speech_within_10_percent(transcriber, tmp_path: Path, espeak_rate: int) -> None:
    from voiceprep.speech.transcriber import load_audio

    wav = _speak(RATE_TEXT, espeak_rate, tmp_path / "rate.wav")
    samples = load_audio(wav)
    voiced = np.nonzero(np.abs(samples) > 0.01)[0]
    trimmed_s = (voiced[-1] - voiced[0]) / 16000
    implied = len(RATE_TEXT.split()) / trimmed_s * 60
    bank, q = _bank_question("netflix-pm/home-discovery")
    report = analyze(transcriber.transcribe(wav), bank, q, None, AnalysisOptions(use_embeddings=False))
    assert report.wpm is not None
    assert report.wpm == pytest.approx(implied, rel=0.10), (report.wpm, implied, report.transcript)


@pytest.mark.slow
def test_known_fillers_counted_end_to_end(transcriber, tmp_path: Path) -> None:
    wav = _speak(FILLER_TEXT, 140, tmp_path / "fillers.wav")
    bank, q = _bank_question("netflix-pm/engagement-vs-retention")
    report = analyze(transcriber.transcribe(wav), bank, q, None, AnalysisOptions(use_embeddings=False))
    assert report.fillers.by_word == FILLER_COUNTS, report.transcript
    assert report.fillers.count == sum(FILLER_COUNTS.values())
    assert all(i.start is not None for i in report.fillers.items)
