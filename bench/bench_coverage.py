"""Key-point coverage accuracy on the labelled set (tests/data/coverage/*.json).

Prints JSON: precision / recall / F1 of `covered` for each idea measured (cues only, embeddings
only, combined, window sizes, per-point calibration, topic floor), on
- dev_cv:  5-fold cross-validation inside the dev split (what variants are chosen by),
- test:    fitted on all of dev, scored on the test split (never used for any choice),
- all:     test predictions + dev out-of-fold predictions,
plus how many off-topic answers got any point `covered`.

    .venv/bin/python bench/bench_coverage.py [--write]   # --write: save the chosen model

The chosen variant is the best by dev_cv F1; --write fits it on all dev answers and writes
assets/analysis/coverage-calibration.json (the numbers analyze() uses).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from voiceprep.analysis import calibrate as cal  # noqa: E402
from voiceprep.analysis.coverage import CUE_FEATURES, SIM_FEATURES, SUB_FEATURES, DEPTH_FEATURES, CUE_SEM_FEATURES, CoverageModel, calibration_path  # noqa: E402
from voiceprep.analysis.embeddings import get_embedder  # noqa: E402
from voiceprep.bank.loader import load_banks  # noqa: E402

DATA = ROOT / "tests" / "data" / "coverage"
FOLDS = 5


@dataclass(frozen=True)
class Variant:
    name: str
    names: tuple[str, ...]
    sizes: tuple[int, ...] = (1, 2)
    per_point: bool = False
    topic_floor: bool = False
    rule: str = ""  # non-fitted rule: "cue-any"
    dropout: int = 0  # extra training copies with half of each point's cues removed


COMPACT = ("cue_exact", "cue_distinct", "cue_negated_frac", "sim_max", "sim_top2", "sub_mean", "sub_frac", "topic_sim")

VARIANTS = (
    Variant("cues-any (rule: any exact cue)", (), rule="cue-any"),
    Variant("cues-lr", CUE_FEATURES),
    Variant("emb-max-threshold w1", ("sim_max",), (1,)),
    Variant("emb-max-threshold w1-2", ("sim_max",), (1, 2)),
    Variant("emb-lr w1-2", SIM_FEATURES, (1, 2)),
    Variant("combined w1", CUE_FEATURES + SIM_FEATURES, (1,)),
    Variant("combined w1-2", CUE_FEATURES + SIM_FEATURES, (1, 2)),
    Variant("combined w1-3", CUE_FEATURES + SIM_FEATURES, (1, 2, 3)),
    Variant("combined w2", CUE_FEATURES + SIM_FEATURES, (2,)),
    Variant("combined+sub w1-2", CUE_FEATURES + SIM_FEATURES + SUB_FEATURES, (1, 2)),
    Variant("combined+sub w1", CUE_FEATURES + SIM_FEATURES + SUB_FEATURES, (1,)),
    Variant("compact w1-2", COMPACT, (1, 2)),
    Variant("cues+depth", CUE_FEATURES + DEPTH_FEATURES, (1, 2)),
    Variant("combined+sub+depth w1-2", CUE_FEATURES + SIM_FEATURES + SUB_FEATURES + DEPTH_FEATURES, (1, 2)),
    Variant("combined+sub+depth w2", CUE_FEATURES + SIM_FEATURES + SUB_FEATURES + DEPTH_FEATURES, (2,)),
    Variant("compact+depth w1-2", COMPACT + DEPTH_FEATURES, (1, 2)),
    Variant("compact+depth+margin w1-2", COMPACT + DEPTH_FEATURES + ("topic_margin",), (1, 2)),
    Variant("combined+sub+depth+margin w1-2", CUE_FEATURES + SIM_FEATURES + SUB_FEATURES + DEPTH_FEATURES + ("topic_margin",), (1, 2)),
    Variant("compact+depth+margin w1-2 dropout", COMPACT + DEPTH_FEATURES + ("topic_margin",), (1, 2), dropout=2),
    Variant("compact+depth+cuesem w1-2", COMPACT + DEPTH_FEATURES + CUE_SEM_FEATURES, (1, 2)),
    Variant("combined+sub+depth+cuesem w2", CUE_FEATURES + SIM_FEATURES + SUB_FEATURES + DEPTH_FEATURES + CUE_SEM_FEATURES, (2,)),
    Variant("combined+sub+depth+cuesem w1-2", CUE_FEATURES + SIM_FEATURES + SUB_FEATURES + DEPTH_FEATURES + CUE_SEM_FEATURES, (1, 2)),
    Variant("combined+sub+depth+cuesem w1-2 dropout", CUE_FEATURES + SIM_FEATURES + SUB_FEATURES + DEPTH_FEATURES + CUE_SEM_FEATURES, (1, 2), dropout=2),
    Variant("cues+depth dropout", CUE_FEATURES + DEPTH_FEATURES, (1, 2), dropout=2),
    Variant("combined+sub+depth w1-2 dropout", CUE_FEATURES + SIM_FEATURES + SUB_FEATURES + DEPTH_FEATURES, (1, 2), dropout=2),
    Variant("combined+sub+depth w1 dropout", CUE_FEATURES + SIM_FEATURES + SUB_FEATURES + DEPTH_FEATURES, (1,), dropout=2),
    Variant("compact+depth w1-2 dropout", COMPACT + DEPTH_FEATURES, (1, 2), dropout=2),
    Variant("combined w1-2 +topic-floor", CUE_FEATURES + SIM_FEATURES, (1, 2), topic_floor=True),
    Variant("combined w1-2 +per-point bias", CUE_FEATURES + SIM_FEATURES, (1, 2), per_point=True),
)


def drop_cues(items: list[cal.Labelled], seed: int, keep: float = 0.5) -> list[cal.Labelled]:
    """Copies of ``items`` as if the bank had only a random ``keep`` share of each point's cues.

    The dev answers were available while the bank's cues were written, so on dev the cues find
    almost every covered point (recall ~0.98) while on unseen answers they find far fewer. Real
    users are unseen answers: training and choosing on cue-thinned copies keeps the model from
    trusting cues alone and lets similarity carry paraphrases.
    """
    rng = random.Random(seed)
    out = []
    for it in items:
        pts = []
        for p in it.signals.points:
            kept = {c for c in p.point.cues if rng.random() < keep}
            q = replace(p, hits=[h for h in p.hits if h.cue in kept],
                        group_hits=[h for h in p.group_hits if rng.random() < keep],
                        cue_sem={c: v for c, v in p.cue_sem.items() if c in kept})
            pts.append(q)
        out.append(replace(it, signals=replace(it.signals, points=pts)))
    return out


def load_items(embedder: object | None) -> list[cal.Labelled]:
    banks = load_banks(ROOT / "questions")
    items = []
    for f in sorted(DATA.glob("*.json")):
        d = cal.load_set(f)
        res = banks.resolve(d["question"])
        if res is None:
            print(f"skip {f.name}: unknown question {d['question']}", file=sys.stderr)
            continue
        bank, q = res
        for a in d["answers"]:
            sig = cal.signals_for(a["text"], q, embedder, (1, 2, 3), bank.questions)
            items.append(cal.Labelled(d["question"], a["id"], a.get("kind", ""), a.get("split", "dev"), a["labels"], sig, q))
    return items


def _y(meta: list, positive: tuple[str, ...]) -> np.ndarray:
    return np.array([1 if it.labels[pid] in positive else 0 for it, pid in meta])


def _point_ids(items: list[cal.Labelled]) -> tuple[str, ...]:
    return tuple(sorted({f"{it.set_question}#{p}" for it in items for p in it.labels}))


def _folds(items: list[cal.Labelled], k: int) -> list[list[cal.Labelled]]:
    """Folds by answer, stratified by kind so every fold sees strong, weak and off-topic answers."""
    by_kind: dict[str, list[cal.Labelled]] = {}
    for it in sorted(items, key=lambda i: (i.set_question, i.answer_id)):
        by_kind.setdefault(it.kind, []).append(it)
    folds: list[list[cal.Labelled]] = [[] for _ in range(k)]
    n = 0
    for kind in sorted(by_kind):
        for it in by_kind[kind]:
            folds[n % k].append(it)
            n += 1
    return [f for f in folds if f]


def _topic_floor(train: list[cal.Labelled]) -> float | None:
    off = [it.signals.topic_sim for it in train if it.kind == "off-topic" and it.signals.topic_sim is not None]
    on = [it.signals.topic_sim for it in train
          if it.kind != "off-topic" and "covered" in it.labels.values() and it.signals.topic_sim is not None]
    if not off or not on:
        return None
    hi, lo = max(off), min(on)
    return float((hi + lo) / 2) if hi < lo else float(hi + 1e-3)


def fit(train: list[cal.Labelled], v: Variant, positive: tuple[str, ...]) -> dict:
    """Fit weights on ``train``; pick the threshold on out-of-fold predictions within ``train``."""
    pids = _point_ids(train) if v.per_point else ()
    train = train + [c for k in range(v.dropout) for c in drop_cues(train, seed=1000 + k)]
    X, meta = cal.rows(train, v.names, v.sizes, pids)
    y = _y(meta, positive)
    oof = np.zeros(len(y))
    folds = _folds(train, FOLDS)
    for fold in folds:
        ids = {id(it) for it in fold}
        tr = np.array([id(it) not in ids for it, _ in meta])
        w, b, m, s = cal.fit_logistic(X[tr], y[tr])
        oof[~tr] = cal.predict(X[~tr], w, b, m, s)
    w, b, m, s = cal.fit_logistic(X, y)
    return {"w": w, "b": b, "m": m, "s": s, "t": cal.best_threshold(oof, y), "pids": pids,
            "floor": _topic_floor(train) if v.topic_floor else None}


def predict(model: dict, items: list[cal.Labelled], v: Variant) -> tuple[np.ndarray, list]:
    if v.rule == "cue-any":
        meta = [(it, p.point.id) for it in items for p in it.signals.points if p.point.id in it.labels]
        pred = np.array([bool(next(p for p in it.signals.points if p.point.id == pid).exact) for it, pid in meta])
        return pred, meta
    X, meta = cal.rows(items, v.names, v.sizes, model["pids"])
    pred = cal.predict(X, model["w"], model["b"], model["m"], model["s"]) >= model["t"]
    if model["floor"] is not None:
        off = np.array([(it.signals.topic_sim or 0.0) < model["floor"] for it, _ in meta])
        pred &= ~off
    return pred, meta


def scores(pred: np.ndarray, meta: list) -> dict:
    y = _y(meta, ("covered",))
    p, r, f = cal.f1(pred, y)
    off_answers = {it.answer_id for it, _ in meta if it.kind == "off-topic"}
    bad = sorted({it.answer_id for (it, _), pr in zip(meta, pred) if pr and it.kind == "off-topic"})
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "n_points": len(y),
            "n_covered_labels": int(y.sum()), "off_topic_answers": len(off_answers),
            "off_topic_with_covered": bad}


def evaluate(items: list[cal.Labelled], v: Variant) -> dict:
    dev = [it for it in items if it.split == "dev"]
    test = [it for it in items if it.split == "test"]
    out: dict = {}
    # dev cross-validation
    preds, metas = [], []
    for fold in _folds(dev, FOLDS):
        ids = {id(it) for it in fold}
        train = [it for it in dev if id(it) not in ids]
        model = fit(train, v, ("covered",)) if not v.rule else {}
        pr, me = predict(model, fold, v)
        preds.append(pr)
        metas += me
    dev_oof = np.concatenate(preds) if preds else np.zeros(0, bool)
    out["dev_cv"] = scores(dev_oof, metas)
    # the same folds with half the cues removed from the held-out answers: unseen phrasing
    dpreds, dmetas = [], []
    for fold in _folds(dev, FOLDS):
        ids = {id(it) for it in fold}
        train = [it for it in dev if id(it) not in ids]
        model = fit(train, v, ("covered",)) if not v.rule else {}
        pr, me = predict(model, drop_cues(fold, seed=7), v)
        dpreds.append(pr)
        dmetas += me
    out["dev_cv_cues_halved"] = scores(np.concatenate(dpreds), dmetas)
    if test:
        model = fit(dev, v, ("covered",)) if not v.rule else {}
        tp, tm = predict(model, test, v)
        out["test"] = scores(tp, tm)
        out["all"] = scores(np.concatenate([dev_oof, tp]), metas + tm)
    return out


def write_model(items: list[cal.Labelled], v: Variant, results: dict, path: Path) -> None:
    dev = [it for it in items if it.split == "dev"]
    models = {}
    for key, var in (("embeddings", v), ("cues", Variant("cues-lr", CUE_FEATURES))):
        cov = fit(dev, var, ("covered",))
        anyp = fit(dev, var, ("covered", "partial"))
        models[key] = CoverageModel(
            cal.to_logistic(var.names, cov["w"], cov["b"], cov["m"], cov["s"], cov["t"]),
            cal.to_logistic(var.names, anyp["w"], anyp["b"], anyp["m"], anyp["s"], anyp["t"]),
            var.sizes,
            cov["floor"],
        ).to_dict()
    doc = {
        "about": "Coverage model fitted by bench/bench_coverage.py --write on the dev split of tests/data/coverage. "
                 "Do not edit by hand; re-run the bench after changing the labelled set or the features.",
        "variant": v.name,
        "fitted_on": sorted({f"{it.set_question}:{it.answer_id}" for it in dev}),
        "results": results,
        "models": models,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--write", action="store_true", help="write the chosen model to assets/analysis")
    ap.add_argument("--only", help="evaluate only variants whose name contains this")
    args = ap.parse_args()
    t0 = time.perf_counter()
    items = load_items(get_embedder())
    t_extract = time.perf_counter() - t0
    variants = [v for v in VARIANTS if not args.only or args.only in v.name]
    results = {v.name: evaluate(items, v) for v in variants}
    fitted = [v for v in variants if not v.rule and not v.per_point]
    # choose by dev CV F1; an off-topic answer with a covered point disqualifies
    chosen = max(fitted, key=lambda v: (not results[v.name]["dev_cv"]["off_topic_with_covered"],
                                        results[v.name]["dev_cv"]["f1"] + results[v.name]["dev_cv_cues_halved"]["f1"]))
    counts = {"answers": len(items), "dev": sum(it.split == "dev" for it in items),
              "test": sum(it.split == "test" for it in items),
              "questions": sorted({it.set_question for it in items})}
    out = {"set": counts, "chosen_by_dev_cv": chosen.name, "variants": results,
           "extract_s_per_answer": round(t_extract / max(len(items), 1), 3)}
    if args.write:
        write_model(items, chosen, {"dev_cv": results[chosen.name]["dev_cv"],
                                    "test": results[chosen.name].get("test"),
                                    "all": results[chosen.name].get("all")}, calibration_path())
        out["written"] = str(calibration_path())
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
