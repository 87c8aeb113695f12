"""The answers people gave to each built-in question, as whole-answer vectors.

Why: an answer to a *neighbouring* question (a disagreement story told for "an ambiguous
project", a feedback story told for "a mistake") talks near every key point, so per-point
similarity covers points it never makes. The question's own text cannot tell it apart (the
banks hold many close questions: the prompt margin is negative for 44% of strong answers), but
the answers people gave to each question can (round 16 in this package's README). An answer whose
closest answers belong to another question gets nothing ``covered``, and the report can say which
question it sounds like.

The vectors belong to one encoder, so the file names that encoder's sha256 (a test checks it
against the shipped model). Exemplars are keyed by a digest of the prompt: an edited prompt or a
user's own question has none, and the gate does not apply to it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from voiceprep.analysis.trained import point_key

FILE = "answer-exemplars.npz"
# the labelled kinds that try to answer the question (weak, wrong-question and off-topic do not)
KINDS = frozenset({"strong", "average", "negation", "partial", "paraphrase"})
MIN_OWN = 3  # a question needs this many exemplars before its answers are judged against them


def prompt_key(prompt: str) -> str:
    return point_key(prompt)


def group_rows(keys: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Row indices per key, in row order (a table's rows for one question or one point)."""
    by: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        by.setdefault(k, []).append(i)
    return {k: np.asarray(v, dtype=np.intp) for k, v in by.items()}


def as_stored(vectors: np.ndarray) -> np.ndarray:
    """Unit-length float32 rows as a table holds them after its float16 file is read back: the
    loaders apply this, and the fitters apply it to the vectors they select on, so both agree."""
    v = np.asarray(vectors).astype(np.float16).astype(np.float32)
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)


@dataclass(frozen=True)
class Closest:
    """How an answer sits among the exemplars: ``margin`` is this question's score minus the
    best other question's (each the mean of the k highest cosines to its exemplars)."""

    margin: float
    other: str  # "bank/question" of the best other question
    other_prompt: str = ""


@dataclass(frozen=True)
class ExemplarTable:
    keys: tuple[str, ...]  # prompt digest per row
    questions: tuple[str, ...]  # "bank/question" per row
    prompts: tuple[str, ...]  # the question's prompt per row (what the report shows)
    vectors: np.ndarray  # (rows, dim) float32, unit length
    encoder_sha256: str = ""
    groups: dict[str, np.ndarray] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "groups", group_rows(self.keys))

    def closest(self, vec: np.ndarray, own_key: str, k: int) -> Closest | None:
        """None when the question has fewer than MIN_OWN exemplars (or no other question has any)."""
        own_idx = self.groups.get(own_key)
        if own_idx is None or len(own_idx) < MIN_OWN or len(self.groups) < 2:
            return None
        sims = self.vectors @ np.asarray(vec, dtype=np.float32)

        def score(idx: np.ndarray) -> float:
            s = sims[idx]
            top = np.partition(s, len(s) - k)[len(s) - k:] if len(s) > k else s
            return float(top.mean())

        own = score(own_idx)
        best, other = -np.inf, -1
        for key, idx in self.groups.items():
            if key == own_key:
                continue
            v = score(idx)
            if v > best:
                best, other = v, int(idx[0])
        return Closest(own - best, self.questions[other], self.prompts[other])

    def save(self, path: Path, meta: dict[str, object] | None = None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            np.savez_compressed(fh, vectors=self.vectors.astype(np.float16), keys=np.array(self.keys),
                                questions=np.array(self.questions), prompts=np.array(self.prompts), encoder_sha256=np.array(self.encoder_sha256),
                                meta=np.array(json.dumps(meta or {}, sort_keys=True)))


def exemplars_path() -> Path:
    from voiceprep.analysis.embeddings import model_path

    return model_path().with_name(FILE)


@lru_cache(maxsize=4)
def load_exemplars(path: str | None = None) -> ExemplarTable | None:
    """The shipped table; None if the file is missing or unreadable (the gate is then off, which
    only ever lets more points be covered: the other gates still hold)."""
    p = Path(path) if path else exemplars_path()
    try:
        with np.load(p, allow_pickle=False) as z:
            return ExemplarTable(tuple(str(k) for k in z["keys"]), tuple(str(q) for q in z["questions"]),
                                 tuple(str(q) for q in z["prompts"]), as_stored(z["vectors"]), str(z["encoder_sha256"]))
    except (OSError, ValueError, KeyError):
        return None
