"""Speech with known words, made with espeak-ng: for tests, benchmarks and the self-check.

Nothing here is used by the app at run time; it lives in the package (not in tests/) so the
benchmarks and ``--self-check`` can build the same audio the tests use.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from voiceprep.speech.audio import WHISPER_RATE, read_wav, resample

# Sentences of a spoken product-management answer; some with the fillers a nervous speaker uses.
ANSWER_SENTENCES: tuple[str, ...] = (
    "I would start by clarifying the goal of the feature.",
    "So, um, I think the main metric is retention.",
    "Netflix wants members to find something they love quickly.",
    "I would measure the time to first play and the share of sessions without a play.",
    "Uh, the guardrail metric would be cancellations in the first month.",
    "Then I would look at the rows on the home page.",
    "We could test a better ranking model against the current one.",
    "Um, the experiment would run for two weeks in three regions.",
    "If the results are positive, we roll it out to everyone.",
    "I would also talk to users to understand why they leave.",
    "Uh, that tells us whether the problem is choice or content.",
    "Finally, I would share the results with the team and plan the next step.",
)
FILLERS = ("um", "uh")


def espeak_available() -> bool:
    return shutil.which("espeak-ng") is not None


def espeak(text: str, wpm: int = 165, voice: str = "en-us") -> tuple[np.ndarray, int]:
    """Samples (float32 mono) and rate of ``text`` spoken by espeak-ng."""
    if not espeak_available():
        raise RuntimeError("espeak-ng is not installed (Debian package espeak-ng)")
    with tempfile.TemporaryDirectory(prefix="voiceprep-espeak-") as tmp:
        out = Path(tmp) / "speech.wav"
        subprocess.run(
            ["espeak-ng", "-v", voice, "-s", str(wpm), "-w", str(out), text],
            check=True,
            capture_output=True,
        )
        return read_wav(out)


def speech(text: str, wpm: int = 165) -> np.ndarray:
    """``text`` spoken at ``wpm``, as 16 kHz float32."""
    samples, rate = espeak(text, wpm)
    return resample(samples, rate, WHISPER_RATE)


def answer(
    seconds: float,
    wpm: int = 165,
    pause_s: tuple[float, ...] = (0.4, 0.9, 0.5, 1.4, 0.7),
    trailing_silence_s: float = 0.5,
    noise_db: float | None = -60.0,
    seed: int = 0,
) -> tuple[np.ndarray, str]:
    """A spoken answer of about ``seconds``: the sentences above in turn, with pauses.

    Returns 16 kHz samples and the exact text spoken. A faint noise floor (like a real
    microphone's) is added unless ``noise_db`` is None.
    """
    cache: dict[str, np.ndarray] = {}
    parts: list[np.ndarray] = []
    spoken: list[str] = []
    total = 0
    i = 0
    while total < seconds * WHISPER_RATE:
        sentence = ANSWER_SENTENCES[i % len(ANSWER_SENTENCES)]
        if sentence not in cache:
            cache[sentence] = speech(sentence, wpm)
        clip = cache[sentence]
        gap = np.zeros(int(pause_s[i % len(pause_s)] * WHISPER_RATE), dtype=np.float32)
        parts += [clip, gap]
        spoken.append(sentence)
        total += len(clip) + len(gap)
        i += 1
    parts.append(np.zeros(int(trailing_silence_s * WHISPER_RATE), dtype=np.float32))
    samples = np.concatenate(parts)
    if noise_db is not None:
        rng = np.random.default_rng(seed)
        samples = samples + rng.normal(0, 10 ** (noise_db / 20), len(samples)).astype(np.float32)
    return samples.astype(np.float32), " ".join(spoken)


def normalise_words(text: str) -> list[str]:
    """Lower-case words without punctuation, fillers kept (unlike Whisper's own normaliser)."""
    return re.findall(r"[a-z0-9']+", text.lower().replace("-", " "))


def word_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(edit distance in words, reference length): WER = errors / length."""
    ref, hyp = normalise_words(reference), normalise_words(hypothesis)
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h))
        prev = cur
    return prev[-1], len(ref)


def wer(reference: str, hypothesis: str) -> float:
    errors, n = word_errors(reference, hypothesis)
    return errors / max(1, n)


def filler_count(text: str) -> int:
    return sum(1 for w in normalise_words(text) if w in FILLERS or w in ("umm", "uhh"))
