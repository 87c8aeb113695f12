"""Round 25: what making each key point sounded like in the labelled answers.

Why: the first pass and round 24's second look judge a point against the key point's *text*. A
key point is a terse summary ("browse abandonment as the problem"); people make it in a hundred
ways ("folks scroll for ages and give up"), and they also talk *near* it without making it. Every
built-in question has 14-60 labelled answers from independent writers, so for each point there
are windows that made it (labelled covered) and windows that came close and did not (the
answer's best window for a point labelled missed). An answer's windows are compared with both:
close to windows that made the point and not closer to ones that missed it is evidence the text
similarity cannot give.

The table holds, per labelled answer and key point, the answer's window most similar to the
point (the first pass's one- and two-sentence windows) and the point's label, keyed by the point's
record key (prompt + point text): an edited point or a user's own question has none, and round
24's second look judges it instead. The vectors belong to one encoder; the file names its sha256.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from voiceprep.analysis.exemplars import as_stored, group_rows

if TYPE_CHECKING:
    from voiceprep.analysis.coverage import AnswerSignals

FILE = "point-exemplars.npz"
LABELS = ("missed", "partial", "covered")  # stored as the index
NEIGHBOURS = 5  # ex_knn: exemplars looked at around the answer's best window
KNN_MADE = 0.6  # answer_ex_knn_points: a point whose neighbourhood is mostly `covered`
FEATURES = (
    "ex_pos",  # highest cosine between any window of the answer and any `covered` exemplar of the point
    "ex_neg",  # ... any `missed` exemplar
    "ex_margin",  # at the answer's window with the highest ex_pos: that cosine minus the best `missed` one there
    "ex_knn",  # share of `covered` among the NEIGHBOURS exemplars closest to that window
    "answer_ex_pos",  # mean ex_pos over the answer's points
    "answer_ex_margin",  # mean ex_margin over the answer's points
    "answer_ex_knn_points",  # points with ex_knn >= KNN_MADE
    "answer_ex_margin_points",  # points with ex_margin > 0
)
_COVERED = LABELS.index("covered")
_MISSED = LABELS.index("missed")


@dataclass(frozen=True)
class PointExemplars:
    keys: tuple[str, ...]  # the point's record key (review.record_key) per row
    labels: np.ndarray  # (rows,) int8, index into LABELS
    vectors: np.ndarray  # (rows, dim) float32, unit length
    sources: tuple[str, ...]  # the labelled set each row came from (the fitter leaves sets out)
    encoder_sha256: str = ""
    groups: dict[str, np.ndarray] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not (len(self.keys) == len(self.labels) == len(self.vectors) == len(self.sources)):
            raise ValueError("point exemplar arrays differ in length")
        if len(self.labels) and (self.labels.min() < 0 or self.labels.max() >= len(LABELS)):
            raise ValueError("point exemplar label out of range")
        object.__setattr__(self, "groups", group_rows(self.keys))

    def covers(self, keys: list[str]) -> bool:
        """Every point has at least one `covered` exemplar (else round 24's look judges the answer)."""
        return bool(keys) and all(k in self.groups and (self.labels[self.groups[k]] == _COVERED).any() for k in keys)

    def without(self, sources: set[str]) -> "PointExemplars":
        keep = np.array([s not in sources for s in self.sources], dtype=bool)
        idx = np.flatnonzero(keep)
        return PointExemplars(tuple(self.keys[i] for i in idx), self.labels[idx], self.vectors[idx],
                              tuple(self.sources[i] for i in idx), self.encoder_sha256)

    def point(self, window_vecs: np.ndarray, key: str) -> list[float]:
        """ex_pos, ex_neg, ex_margin, ex_knn of one point (NaN where there is nothing to compare)."""
        idx = self.groups.get(key)
        nan = math.nan
        if idx is None or not len(window_vecs):
            return [nan, nan, nan, nan]
        labels = self.labels[idx]
        sims = np.asarray(window_vecs, dtype=np.float32) @ self.vectors[idx].T  # (windows, exemplars)
        made, missed = labels == _COVERED, labels == _MISSED
        neg = float(sims[:, missed].max()) if missed.any() else nan
        if not made.any():
            return [nan, neg, nan, nan]
        best = sims[:, made].max(axis=1)
        w = int(best.argmax())
        row = sims[w]
        margin = float(best[w]) - (float(row[missed].max()) if missed.any() else 0.0)
        near = np.argsort(-row, kind="stable")[:NEIGHBOURS]
        return [float(best[w]), neg, margin, float((labels[near] == _COVERED).mean())]

    def features(self, window_vecs: np.ndarray | None, keys: list[str]) -> list[list[float]]:
        """FEATURES for every point of an answer, from its windows' vectors."""
        if window_vecs is None:
            return [[math.nan] * len(FEATURES) for _ in keys]
        per = [self.point(window_vecs, k) for k in keys]
        pos = [p[0] for p in per if not math.isnan(p[0])]
        mar = [p[2] for p in per if not math.isnan(p[2])]
        answer = [float(np.mean(pos)) if pos else math.nan, float(np.mean(mar)) if mar else math.nan,
                  float(sum(p[3] >= KNN_MADE for p in per if not math.isnan(p[3]))), float(sum(m > 0 for m in mar))]
        return [p + answer for p in per]

    def save(self, path: Path, meta: dict[str, object] | None = None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            np.savez_compressed(fh, vectors=self.vectors.astype(np.float16), keys=np.array(self.keys),
                                labels=self.labels.astype(np.int8), sources=np.array(self.sources),
                                encoder_sha256=np.array(self.encoder_sha256),
                                meta=np.array(json.dumps(meta or {}, sort_keys=True)))


def evidence_vector(sig: "AnswerSignals", i: int) -> np.ndarray | None:
    """The answer's window most similar to point ``i`` (over every window the first pass built):
    what the table stores for a labelled answer."""
    if sig.window_vecs is None or sig.window_point_sims is None or not len(sig.window_vecs):
        return None
    return sig.window_vecs[int(sig.window_point_sims[i].argmax())]


def point_exemplars_path() -> Path:
    from voiceprep.analysis.embeddings import model_path

    return model_path().with_name(FILE)


@lru_cache(maxsize=32)
def load_point_exemplars(path: str | None = None, without: frozenset[str] = frozenset()) -> PointExemplars | None:
    """The shipped table (less the rows from the labelled sets ``without``); None if the file is
    missing or unreadable (round 24's second look then judges every question, as a user's own)."""
    if without:
        full = load_point_exemplars(path)
        return None if full is None else full.without(set(without))
    p = Path(path) if path else point_exemplars_path()
    try:
        with np.load(p, allow_pickle=False) as z:
            vecs = z["vectors"]
            if vecs.ndim != 2 or not np.isfinite(vecs).all():
                raise ValueError("bad vectors")
            vecs = as_stored(vecs)
            return PointExemplars(tuple(str(k) for k in z["keys"]), z["labels"].astype(np.int8), vecs,
                                  tuple(str(s) for s in z["sources"]), str(z["encoder_sha256"]))
    except (OSError, ValueError, KeyError):
        return None
