"""Fitting the coverage model on labelled answers (used by ``bench/bench_coverage.py``).

Plain numpy: an L2-regularised logistic regression (Newton steps) on standardised features,
and a decision threshold chosen to maximise F1 on cross-validated predictions, so the
threshold is not tuned on the very predictions it was fitted to. Only the ``dev`` split may be
passed in here; the test split is for reporting.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voiceprep.analysis.coverage import AnswerSignals, Logistic, features
from voiceprep.analysis.fillers import find_fillers
from voiceprep.analysis.text import tokenize
from voiceprep.analysis.transcript import Transcript
from voiceprep.bank.model import Question
from voiceprep.settings import DEFAULT_FILLERS

LABELS = ("covered", "partial", "missed")


@dataclass
class Labelled:
    set_question: str  # "bank/question"
    answer_id: str
    kind: str
    split: str
    labels: dict[str, str]
    signals: AnswerSignals
    question: Question


def load_set(path: Path) -> dict:
    d = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(d, dict) or "answers" not in d or "question" not in d:
        raise ValueError(f"{path}: not a coverage set")
    return d


def signals_for(text: str, question: Question, embedder: object | None, sizes: tuple[int, ...],
                others: tuple[Question, ...] = ()) -> AnswerSignals:
    from voiceprep.analysis.coverage import extract

    tokens = tokenize(Transcript.from_text(text))
    fl = find_fillers(tokens, DEFAULT_FILLERS)
    ft = {k for h in fl for k in range(h.tok_start, h.tok_end)}
    return extract(question, tokens, ft, embedder, sizes, None, others)


def with_windows(sig: AnswerSignals, sizes: tuple[int, ...]) -> AnswerSignals:
    from voiceprep.analysis.coverage import restrict_windows

    return restrict_windows(sig, sizes)


def rows(items: list[Labelled], names: tuple[str, ...], sizes: tuple[int, ...] | None = None,
         point_ids: tuple[str, ...] = ()) -> tuple[np.ndarray, list[tuple[Labelled, str]]]:
    X, meta = [], []
    for it in items:
        sig = with_windows(it.signals, sizes) if sizes else it.signals
        for i, p in enumerate(sig.points):
            if p.point.id not in it.labels:
                continue
            x = features(sig, i, names)
            if point_ids:
                key = f"{it.set_question}#{p.point.id}"
                x += [1.0 if key == pid else 0.0 for pid in point_ids]
            X.append(x)
            meta.append((it, p.point.id))
    if not X:
        return np.zeros((0, len(names) + len(point_ids))), meta
    return np.array(X, dtype=float).reshape(len(X), -1), meta


def fit_logistic(X: np.ndarray, y: np.ndarray, l2: float = 1.0, iters: int = 50) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    mean = X.mean(axis=0)
    std = X.std(axis=0)
    std[std < 1e-6] = 1.0
    Z = (X - mean) / std
    A = np.hstack([Z, np.ones((len(Z), 1))])
    w = np.zeros(A.shape[1])
    reg = np.full(A.shape[1], l2)
    reg[-1] = 1e-6
    for _ in range(iters):
        p = 1 / (1 + np.exp(-np.clip(A @ w, -30, 30)))
        g = A.T @ (p - y) + reg * w
        H = (A * (p * (1 - p))[:, None]).T @ A + np.diag(reg)
        step = np.linalg.solve(H, g)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[:-1], float(w[-1]), mean, std


def predict(X: np.ndarray, w: np.ndarray, b: float, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-np.clip(((X - mean) / std) @ w + b, -30, 30)))


def best_threshold(p: np.ndarray, y: np.ndarray) -> float:
    """Threshold maximising F1 (ties: the higher, i.e. the more cautious)."""
    best_t, best_f = 0.5, -1.0
    for t in np.unique(np.round(p, 4)):
        f = f1(p >= t, y)[2]
        if f >= best_f:
            best_t, best_f = float(t), f
    # centre the threshold in the gap below it so it is not glued to one training point
    below = p[p < best_t]
    return float((best_t + below.max()) / 2) if len(below) else best_t


def f1(pred: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    tp = float(np.sum(pred & (y == 1)))
    fp = float(np.sum(pred & (y == 0)))
    fn = float(np.sum(~pred & (y == 1)))
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    return prec, rec, (2 * prec * rec / (prec + rec) if prec + rec else 0.0)


def to_logistic(names: tuple[str, ...], w: np.ndarray, b: float, mean: np.ndarray, std: np.ndarray, t: float) -> Logistic:
    return Logistic(names, tuple(float(x) for x in w), b, tuple(float(x) for x in mean), tuple(float(x) for x in std), t)
