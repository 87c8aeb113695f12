"""Which key points the shipped sentence encoder was fine-tuned on.

Why it matters: on a key point it was trained on, the encoder scores answers that make the point
higher, and answers that do not lower, than on a point it never saw (a user's own question, or a
built-in one the user edited). The same thresholds cannot suit both, so the calibration holds a
coverage model for each ("embeddings-trained" and "embeddings"), and this module says which one a
question gets: the trained one only if every key point's exact text (case and spacing aside) was
in the training data. The list ships next to the encoder (trained-points.json, written by
bench/train_coverage_encoder.py) and names the encoder's sha256, so a test can tell if the two
ever drift apart.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from voiceprep.bank.model import Question

FILE = "trained-points.json"


def point_key(text: str) -> str:
    """Short digest of a key point's text, ignoring case and spacing."""
    return hashlib.sha256(" ".join(text.lower().split()).encode("utf-8")).hexdigest()[:16]


def trained_points_path() -> Path:
    from voiceprep.analysis.embeddings import model_path

    return model_path().with_name(FILE)


@lru_cache(maxsize=4)
def trained_points(path: str | None = None) -> frozenset[str]:
    """Digests of the trained key points; empty if the file is missing or unreadable, so every
    question then gets the model for new questions (the conservative one)."""
    p = Path(path) if path else trained_points_path()
    try:
        raw = json.loads(p.read_text(encoding="utf-8"))
        return frozenset(str(k) for k in raw["points"])
    except (OSError, ValueError, KeyError, TypeError):
        return frozenset()


def question_trained(question: Question, path: str | None = None) -> bool:
    known = trained_points(path)
    return bool(question.key_points) and all(point_key(kp.text) in known for kp in question.key_points)
