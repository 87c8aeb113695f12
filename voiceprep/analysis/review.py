"""Rounds 19-25: a second, learned look at each point the first pass called covered or partial.

Why: most of the first pass's errors sit on the covered/partial boundary. It holds back points
with a high P(covered) because its similarity bar is set above *all* off-topic talk, and it
over-calls some points (two-part points, points people name in order to reject them) on every
answer. Since round 16 the exemplar gate keeps other questions' answers out at answer level, and
every built-in question has labelled answers from several independent writers, so two things are
known that a fixed rule cannot use: how the first pass's signals combine on real answers, and how
often the first pass is right about *this* point. A small tree ensemble, fitted on the answers
the encoder never saw (``bench/train_point_review.py``), re-decides those points from both.

What it may change: a `covered` point can become `partial`, and a `partial` one `covered`, never in
an answer the exemplar gate closed. Missed points stay missed, so an answer that says nothing about
a point never gains it. Round 24's file (``promote_in``: round 22's rule) promotes only in an answer
whose first-pass gates opened on its points, not on the whole answer's topicality alone, so an
answer the first pass judged off topic never gains a covered point from it; round 25's file
promotes in any answer the exemplar gate left open, because its exemplar features, not the
opening, tell an off-topic answer apart (checked on every labelled off-topic answer). A point with
no record (a user's own question, an edited point) gets the pool's rates, and the trees judge it
from the first pass's signals alone.

Round 25 adds a second file for the built-in questions: the same kind of trees reading also how
close the answer's windows come to windows that made, or missed, each point in the labelled
answers (voiceprep.analysis.point_exemplars). With that evidence it re-decides covered and partial
points of every answer the exemplar gate left open, whatever opened the first pass's gates; a
question without exemplars (a user's own, an edited point) keeps round 24's file.

The files ship as JSON next to the calibration; the trees are evaluated with numpy (no
scikit-learn at run time). If a file is missing or unreadable, the first pass stands (round 25's:
round 24's look judges instead).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from voiceprep.analysis.point_exemplars import FEATURES as EXEMPLAR_FEATURES
from voiceprep.analysis.point_exemplars import PointExemplars
from voiceprep.analysis.trained import point_key

if TYPE_CHECKING:  # coverage imports the embedding code; keep this module light for the fitter
    from voiceprep.analysis.coverage import AnswerSignals, CoverageModel
    from voiceprep.analysis.report import Coverage
    from voiceprep.analysis.transcript import Transcript

FILE = "point-review.json"
EXEMPLAR_FILE = "point-review-exemplars.json"  # round 25: for questions with point exemplars
# the first pass's signals, per point (base_features), then the point's record (record_features)
BASE_FEATURES = (
    "logit_covered",  # first pass P(covered)
    "logit_any",  # first pass P(covered or partial)
    "similarity",  # best window cosine
    "exact_cue",  # an exact, non-negated cue hit
    "evidence_dismissed",  # share of the evidence's tokens in dismissing stretches
    "evidence_reported",  # ... in stretches attributed to others
    "answer_covered",  # share of the answer's points the first pass called covered
    "answer_partial",  # ... partial
    "negations_per_100",  # negation words per 100 tokens of the answer
    "exemplar_margin",  # round 16's margin (NaN: no exemplars for this question)
    "topic_margin",  # round 5's whole-answer margin over the bank's other questions
    "gate_open",  # the first pass's answer-level gates opened
)
# round 23 (shipped in round 24): how much of the point was said, and where (from the same cosines)
DETAIL_FEATURES = (
    "sub_min",  # lowest best-window cosine over the point's listed parts (NaN: a one-part point)
    "sub_count",  # number of listed parts (coverage.subitems)
    "point_margin",  # at the point's best window: its cosine minus the best other key point's there
    "support",  # windows within SUPPORT_BAND of the point's best cosine
    "top3_mean",  # mean of the point's three best window cosines
    "prompt_at_best",  # the question prompt's cosine at the point's best window
    "point_at_best_rank",  # 1 if no other key point is closer to that window, else 0
    "answer_tokens",  # log(1 + the answer's token count)
    "cue_hits",  # distinct exact, non-negated cue hits
)
RECORD_FEATURES = (
    "point_precision",  # of the first pass's `covered` on this point, the share labelled covered
    "point_promotion",  # of its `partial` (and `covered`) on this point, the share labelled covered
)
# every feature a review file may use, in the order rows are built; a file names the ones it was
# fitted on (rounds 20-22: BASE_FEATURES + RECORD_FEATURES; rounds 23-24: those and DETAIL_FEATURES;
# round 25: all, EXEMPLAR_FEATURES from voiceprep.analysis.point_exemplars)
FEATURES = BASE_FEATURES + DETAIL_FEATURES + RECORD_FEATURES + EXEMPLAR_FEATURES
SUPPORT_BAND = 0.05
_LOGIT_ANY = BASE_FEATURES.index("logit_any")
PSEUDO = 4.0  # pseudo-answers at the pool's rate in each point's record
_NEGATIONS = frozenset({"not", "no", "never", "nothing", "skip", "instead", "rather", "waste", "overkill"})


def record_key(prompt: str, point_text: str) -> str:
    """A point's record belongs to its text under its question: an edit starts a new record."""
    return point_key(f"{prompt}\n{point_text}")


# how an answer passed the first pass's gates (coverage.gate_opening) for its partial points to be
# promoted: round 20 allowed every opening; round 22 not "margin", an answer about this question
# only as a whole (a love-of-the-product answer to "why Netflix" is topical by nature); round 19
# also allowed None, an answer the gates closed
PROMOTE_IN: tuple[str | None, ...] = ("strong", "sim")
# every value coverage.gate_opening returns; round 25 re-decides partials whatever opened the gates,
# or if nothing did (its exemplar features, not the opening, tell an off-topic answer apart)
OPENINGS: tuple[str | None, ...] = ("strong", "sim", "margin", None)


@dataclass(frozen=True)
class PointRecord:
    """How the first pass did on one point in the labelled answers."""

    covered: int = 0  # first pass `covered` (answers the exemplar gate left open)
    covered_right: int = 0  # ... of which labelled covered
    reviewed: int = 0  # first pass `covered` or `partial`
    reviewed_right: int = 0  # ... of which labelled covered


def record_features(rec: PointRecord | None, prior_precision: float, prior_promotion: float) -> list[float]:
    rec = rec or PointRecord()
    p = (rec.covered_right + PSEUDO * prior_precision) / (rec.covered + PSEUDO)
    q = (rec.reviewed_right + PSEUDO * prior_promotion) / (rec.reviewed + PSEUDO)
    return [_logit(p), _logit(q)]


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1.0 - 1e-4)
    return math.log(p / (1.0 - p))


@dataclass(frozen=True)
class Trees:
    """A fitted binary gradient-boosted ensemble, flattened: node arrays over all trees. A numeric
    split sends x <= threshold (and NaN when ``nan_left``) to the left child."""

    baseline: float
    roots: np.ndarray  # node index of each tree's root
    feature: np.ndarray
    threshold: np.ndarray
    nan_left: np.ndarray
    left: np.ndarray
    right: np.ndarray
    leaf: np.ndarray
    value: np.ndarray

    def raw(self, x: np.ndarray) -> np.ndarray:
        """Raw scores (log-odds) for rows of x."""
        x = np.atleast_2d(np.asarray(x, dtype=np.float64))
        out = np.full(len(x), self.baseline)
        for r, row in enumerate(x):
            total = 0.0
            for node in self.roots:
                while not self.leaf[node]:
                    v = row[self.feature[node]]
                    go_left = bool(self.nan_left[node]) if math.isnan(v) else v <= self.threshold[node]
                    node = self.left[node] if go_left else self.right[node]
                total += self.value[node]
            out[r] += total
        return out

    def prob(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-np.clip(self.raw(x), -30.0, 30.0)))

    def to_dict(self) -> dict[str, object]:
        return {"baseline": self.baseline, "roots": self.roots.tolist(), "feature": self.feature.tolist(),
                "threshold": [None if math.isinf(t) else t for t in self.threshold.tolist()],
                "nan_left": self.nan_left.astype(int).tolist(), "left": self.left.tolist(), "right": self.right.tolist(),
                "leaf": self.leaf.astype(int).tolist(), "value": self.value.tolist()}

    @classmethod
    def from_dict(cls, d: dict, n_features: int = len(FEATURES)) -> "Trees":
        thr = np.array([np.inf if t is None else float(t) for t in d["threshold"]], dtype=np.float64)
        t = cls(float(d["baseline"]), np.asarray(d["roots"], dtype=np.intp), np.asarray(d["feature"], dtype=np.intp),
                thr, np.asarray(d["nan_left"], dtype=bool), np.asarray(d["left"], dtype=np.intp),
                np.asarray(d["right"], dtype=np.intp), np.asarray(d["leaf"], dtype=bool),
                np.asarray(d["value"], dtype=np.float64))
        t.validate(n_features)
        return t

    def validate(self, n_features: int) -> None:
        """A damaged file must fail here, at load, not with an IndexError mid-analysis."""
        n = len(self.feature)
        if any(len(a) != n for a in (self.threshold, self.nan_left, self.left, self.right, self.leaf, self.value)):
            raise ValueError("tree arrays differ in length")
        inner = ~self.leaf
        if (self.roots < 0).any() or (self.roots >= n).any():  # no trees at all is a constant model
            raise ValueError("tree roots out of range")
        for a in (self.left[inner], self.right[inner]):
            if (a <= np.flatnonzero(inner)).any() or (a >= n).any():  # children come after their parent
                raise ValueError("tree children out of range")
        if (self.feature[inner] < 0).any() or (self.feature[inner] >= n_features).any():
            raise ValueError("tree feature out of range")


@dataclass(frozen=True)
class PointReview:
    trees: Trees
    threshold: float
    records: dict[str, PointRecord]
    prior_precision: float
    prior_promotion: float
    features: tuple[str, ...] = FEATURES  # the columns the trees read, by name (a subset of FEATURES)
    encoder_sha256: str = ""
    promote_in: tuple[str | None, ...] = PROMOTE_IN  # the openings whose partial points it re-decides (may_review)

    @property
    def uses_exemplars(self) -> bool:
        return bool(set(self.features) & set(EXEMPLAR_FEATURES))

    @property
    def name(self) -> str:
        """What the report's ``coverage.review`` says."""
        return "point-review-exemplars" if self.uses_exemplars else "point-review"

    def row(self, base: list[float], key: str, exemplar: list[float] | None = None) -> list[float]:
        """The trees' input from a point's base and detail features (``base_features``), its record
        and its point-exemplar features (NaN without them)."""
        full = base + record_features(self.records.get(key), self.prior_precision, self.prior_promotion) + (
            exemplar if exemplar is not None else [math.nan] * len(EXEMPLAR_FEATURES))
        return [full[i] for i in _columns(self.features)]

    def to_dict(self, meta: dict[str, object] | None = None) -> dict[str, object]:
        return {"features": list(self.features), "threshold": self.threshold, "trees": self.trees.to_dict(),
                "prior_precision": self.prior_precision, "prior_promotion": self.prior_promotion,
                "records": {k: [r.covered, r.covered_right, r.reviewed, r.reviewed_right] for k, r in sorted(self.records.items())},
                "encoder_sha256": self.encoder_sha256, "promote_in": list(self.promote_in), "meta": meta or {}}

    @classmethod
    def from_dict(cls, d: dict) -> "PointReview":
        features = tuple(str(f) for f in d["features"])
        if not features or not set(features) <= set(FEATURES) or len(set(features)) != len(features):
            raise ValueError("point review was fitted on features this version does not compute")
        promote_in = tuple(d.get("promote_in") or PROMOTE_IN)  # files before round 25 do not say: round 22's rule
        if not set(promote_in) <= set(OPENINGS):
            raise ValueError("point review names a gate opening this version does not know")
        return cls(Trees.from_dict(d["trees"], len(features)), float(d["threshold"]),
                   {k: PointRecord(*map(int, v)) for k, v in d["records"].items()},
                   float(d["prior_precision"]), float(d["prior_promotion"]), features,
                   str(d.get("encoder_sha256", "")), promote_in)


@lru_cache(maxsize=8)
def _columns(features: tuple[str, ...]) -> tuple[int, ...]:
    return tuple(FEATURES.index(f) for f in features)


def review_path(file: str = FILE) -> Path:
    from voiceprep.analysis.coverage import calibration_path

    return calibration_path().with_name(file)


@lru_cache(maxsize=4)
def load_review(path: str | None = None) -> PointReview | None:
    """The shipped review; None if the file is missing or unreadable (the first pass then stands)."""
    p = Path(path) if path else review_path()
    try:
        return PointReview.from_dict(json.loads(p.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None




def may_review(status: str, has_words: bool, exemplar_closed: bool, opening: str | None,
               promote_in: tuple[str | None, ...] = PROMOTE_IN) -> bool:
    """Points the review may re-decide: covered ones, and partial ones in answers whose first-pass
    gates opened on points made strongly or plainly (``promote_in``). A partial in an answer the
    gates closed (round 20), or opened on topicality alone (round 22), is partial *because* of
    that judgement; rounds 19 and 21 re-decided such partials and each covered a point of an
    off-topic answer. Never in an answer with no words or that the exemplar gate closed."""
    if status not in ("covered", "partial") or not has_words or exemplar_closed:
        return False
    return status == "covered" or opening in promote_in


def eligible(sig: "AnswerSignals", model: "CoverageModel", status: str,
             promote_in: tuple[str | None, ...] = PROMOTE_IN) -> bool:
    from voiceprep.analysis.coverage import exemplar_closed, gate_opening

    return may_review(status, bool(sig.windows), exemplar_closed(sig, model), gate_opening(sig, model), promote_in)


def base_features(sig: "AnswerSignals", model: "CoverageModel", first: "Coverage",
                  opening: str | None) -> list[list[float]]:
    """The first pass's signals for every point of the answer (BASE_FEATURES, then DETAIL_FEATURES);
    ``opening`` is the answer's ``coverage.gate_opening``."""
    from voiceprep.analysis import coverage as cov

    n = len(first.points) or 1
    share_cov = sum(p.status == "covered" for p in first.points) / n
    share_par = sum(p.status == "partial" for p in first.points) / n
    toks = sig.tokens
    negs = sum(t.norm in _NEGATIONS or t.norm.endswith("n't") for t in toks) * 100.0 / max(len(toks), 1)
    dismissed, reported = cov.dismissed_of(sig), cov.reported_of(sig)
    eg = sig.exemplar.margin if sig.exemplar is not None else math.nan
    tm = sig.topic_margin if sig.topic_margin is not None else math.nan
    gate_open = float(opening is not None)
    details = _details(sig)
    out = []
    for i, (ps, pr) in enumerate(zip(sig.points, first.points)):
        pc, pa = cov.point_probs(sig, model, i)
        dis = rep = 0.0
        if pr.evidence is not None:
            ks = [k for k, t in enumerate(toks) if pr.evidence.word_start <= t.word < pr.evidence.word_end]
            if ks:
                dis = sum(k in dismissed for k in ks) / len(ks)
                rep = sum(k in reported for k in ks) / len(ks)
        sim = float(ps.sims.max()) if ps.sims is not None and len(ps.sims) else math.nan
        out.append([_logit(pc), _logit(pa), sim, float(bool(ps.exact)), dis, rep, share_cov, share_par, negs, eg, tm,
                    gate_open, *details[i]])
    return out


def _details(sig: "AnswerSignals") -> list[list[float]]:
    """DETAIL_FEATURES for every point (NaN where the encoder gave no cosines)."""
    tokens = math.log1p(len(sig.tokens))
    sims = [p.sims for p in sig.points]
    have = all(s is not None and len(s) for s in sims)
    grid = np.vstack(sims) if have and sims else None  # (points, windows)
    out = []
    for i, ps in enumerate(sig.points):
        cues = float(len({h.cue for h in ps.exact}))
        subs = ps.sub_sims
        n_sub = float(len(subs)) if subs is not None and subs.size else 1.0
        sub_min = float(subs.max(axis=1).min()) if subs is not None and subs.size and len(subs) > 1 else math.nan
        if grid is None:
            out.append([sub_min, n_sub, math.nan, math.nan, math.nan, math.nan, math.nan, tokens, cues])
            continue
        row = grid[i]
        j = int(row.argmax())
        best = float(row[j])
        others = np.delete(grid[:, j], i)
        margin = best - float(others.max()) if len(others) else math.nan
        top = np.sort(row)[::-1][:3]
        prompt = float(sig.prompt_sims[j]) if sig.prompt_sims is not None and len(sig.prompt_sims) > j else math.nan
        out.append([sub_min, n_sub, margin, float((row >= best - SUPPORT_BAND).sum()), float(top.mean()), prompt,
                    float(not len(others) or best >= float(others.max())), tokens, cues])
    return out


def apply(review: PointReview, prompt: str, sig: "AnswerSignals", model: "CoverageModel", first: "Coverage",
          exemplars: PointExemplars | None = None) -> None:
    """Re-decide the eligible points of ``first`` in place, and its score. ``exemplars``: the point
    exemplars, for a review that reads them (round 25)."""
    from voiceprep.analysis.coverage import exemplar_closed, gate_opening

    opening = gate_opening(sig, model)
    rows = base_features(sig, model, first, opening)
    closed = exemplar_closed(sig, model)
    idx = [i for i, p in enumerate(first.points)
           if may_review(p.status, bool(sig.windows), closed, opening, review.promote_in)]
    keys = [record_key(prompt, p.text) for p in first.points]
    ex = exemplars.features(sig.window_vecs, keys) if exemplars is not None and review.uses_exemplars else None
    first.review = review.name
    if idx:
        x = np.array([review.row(rows[i], keys[i], ex[i] if ex is not None else None) for i in idx])
        probs = review.trees.prob(x)
        for i, pv in zip(idx, probs):
            p = first.points[i]
            p.review_p = round(float(pv), 3)
            if pv >= review.threshold:
                p.status, p.confidence = "covered", round(float(pv), 3)
            elif p.status == "covered":  # demoted: how likely it is at least touched on
                p.status, p.confidence = "partial", round(_sigmoid(rows[i][_LOGIT_ANY]), 3)
    total = sum(p.weight for p in first.points) or 1.0
    first.score = sum(p.weight * (1.0 if p.status == "covered" else 0.5 if p.status == "partial" else 0.0)
                      for p in first.points) / total
