"""Rounds 19-25: fit and select the second look at covered/partial points (voiceprep.analysis.review).

The rules were committed before they ran (voiceprep/analysis/README.md, rounds 19-24). They differ
in which partial points may be promoted (``PROMOTE_IN``): round 19 also in answers the first-pass
gates closed, rounds 20 and 21 in every answer they opened (21: refitted after texts began to be
embedded alone), rounds 22-24 not in answers opened by the topic margin alone; and in the features
the trees read (``FEATURES_OF``): rounds 23 and 24 add the detail features (24: with holdout 19 in
the pool); round 25 adds the point-exemplar features and re-decides every answer the exemplar gate
left open, and runs round 24 on the same frame as its baseline (``BASELINE``). Rounds 22-24 compare
against round 22 on the same rows (run both on one frame):

- rows: every key point of every answer in the development sets the shipped encoder never saw,
  judged by the shipped first pass with each answer's exemplar margin taken from the *other* sets'
  answers (leave-one-set-out, as round 16 was selected);
- leave-one-set-out: each set judged by trees fitted without it, every row's point record computed
  without its own set and the held-out set; thresholds 0.40, 0.45, 0.50, 0.55; the pick is the
  highest F1 among thresholds that cover no off-topic answer (ties: the higher threshold);
- ship rule: F1 at least the first pass's on the same rows + 0.01 (the off-topic test of every
  labelled set is checked by tests/analysis/test_coverage_accuracy.py on the shipped file); from
  round 21 also a floor on the pick's F1 (``FLOOR``).

Needs scikit-learn for fitting only (``.venv/bin/pip install scikit-learn``); the app evaluates the
exported trees with numpy. Usage:

    .venv/bin/python bench/train_point_review.py --frame /tmp/frame.pkl --save [--write] [--round N]

``--frame`` caches the judged rows (building them runs the first pass over every development
answer, a few minutes; one frame serves every round on the same vectors and first pass);
``--save`` writes assets/analysis/coverage-round<N>-choice.json (N = 25 by default); ``--write``
ships assets/analysis/point-review.json (round 24) or, for round 25, point-review-exemplars.json and
the point-exemplar table (assets/models/minilm-coverage/point-exemplars.npz, every development set,
the encoder's training sets included), if the ship rule passes. Frames from before round 25 must
be rebuilt (they lack the windows).
Rounds 19 and 20 were fitted on the vectors of batched texts; on today's code they measure their
rules on round 21's vectors.
"""

from __future__ import annotations

import argparse
import json
import math
import pickle
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_coverage import DEV_DIRS  # noqa: E402
from choose_exemplar_gate import ENCODER_SETS, collect, prf, table  # noqa: E402

from voiceprep.analysis import point_exemplars as pex  # noqa: E402
from voiceprep.analysis.exemplars import as_stored  # noqa: E402
from voiceprep.analysis import review as rv  # noqa: E402
from voiceprep.analysis.point_exemplars import PointExemplars  # noqa: E402

OUT = ROOT / "assets" / "analysis" / "coverage-round{}-choice.json"
RULES = {19: "committed in 0d91bd1 (voiceprep/analysis/README.md, Round 19)",
         20: "committed in ccfeb98 (voiceprep/analysis/README.md, Round 20)",
         21: "committed in 2892f9b (voiceprep/analysis/README.md, Round 21: round 20's rule on vectors of texts "
             "embedded alone)",
         22: "committed in cc6c463 (voiceprep/analysis/README.md, Round 22: round 21 without promotions in answers "
             "opened by the topic margin alone)",
         23: "committed in 27e383d (voiceprep/analysis/README.md, Round 23: round 22 plus DETAIL_FEATURES)",
         24: "committed in bbd71bd (voiceprep/analysis/README.md, Round 24: round 23 with holdout 19 in the pool)",
         25: "committed in 12ba15a (voiceprep/analysis/README.md, Round 25: point exemplars, every answer the "
             "exemplar gate left open; against round 24 on the same frame)"}
# rounds 21-22's extra condition (c): at least round 20's leave-one-set-out F1 less 0.01, or holdout 18 stays sealed
FLOOR = {21: 0.819, 22: 0.819}
# the features each round's trees read (round 23 added DETAIL_FEATURES)
FEATURES_OF = {n: rv.BASE_FEATURES + rv.RECORD_FEATURES for n in (19, 20, 21, 22)}
FEATURES_OF.update({n: rv.BASE_FEATURES + rv.DETAIL_FEATURES + rv.RECORD_FEATURES for n in (23, 24)})
FEATURES_OF[25] = rv.FEATURES  # round 25: the point-exemplar features too
# the gate openings in which a partial point may be promoted (round 22: what the app applies)
PROMOTE_IN = {19: ("strong", "sim", "margin", None), 20: ("strong", "sim", "margin"), 21: ("strong", "sim", "margin"),
              22: rv.PROMOTE_IN, 23: rv.PROMOTE_IN, 24: rv.PROMOTE_IN, 25: rv.OPENINGS}
# round 25 is compared with round 24 on the same frame (its rule); +0.01 to ship
BASELINE = {25: 24}
MIN_GAIN_OVER = {25: 0.01}
THRESHOLDS = (0.40, 0.45, 0.50, 0.55)
MIN_GAIN = 0.01
PARAMS = dict(max_iter=150, learning_rate=0.05, max_depth=3, l2_regularization=1.0, random_state=0)


@dataclass
class Row:
    set_name: str
    answer_id: str
    kind: str
    key: str  # record key (prompt + point text)
    label: str
    status: str  # first pass, as shipped (exemplar gate from the other sets)
    opening: str | None  # coverage.gate_opening of the answer
    closed: bool  # the exemplar gate closed the answer
    base: list[float]
    eligible: bool = False  # the round's rule (set by mark_eligible)


@dataclass
class Frame:
    """The judged rows, and for round 25 each answer's window vectors and point keys (bank order) and
    the point-exemplar table of every development set, the encoder's training sets included."""

    rows: list[Row]
    windows: dict[tuple[str, str], tuple[np.ndarray, list[str]]]
    exemplars: PointExemplars


def build_frame() -> Frame:
    """Judge every fresh development answer with the shipped first pass; collect every labelled
    answer's evidence window per point (the point-exemplar table)."""
    from voiceprep.analysis import coverage as cov
    from voiceprep.analysis.analyzer import coverage_signals
    from voiceprep.analysis.fillers import find_fillers
    from voiceprep.analysis.options import AnalysisOptions
    from voiceprep.analysis.text import tokenize
    from voiceprep.analysis.transcript import Transcript
    from voiceprep.bank import load_banks

    answers = collect(DEV_DIRS)  # whole-answer vectors of every development answer
    tables = {name: table([a for a in answers if a.set_name != name]) for name in {a.set_name for a in answers}}
    banks = load_banks(ROOT / "questions")
    opts = AnalysisOptions()
    rows: list[Row] = []
    windows: dict[tuple[str, str], tuple[np.ndarray, list[str]]] = {}
    ex_keys: list[str] = []
    ex_labels: list[int] = []
    ex_vecs: list[np.ndarray] = []
    ex_sources: list[str] = []
    for d in DEV_DIRS:
        for f in sorted(d.glob("*.json")):
            s = json.loads(f.read_text(encoding="utf-8"))
            bank, q = banks.resolve(s["question"])
            keys = [rv.record_key(q.prompt, kp.text) for kp in q.key_points]
            for a in s["answers"]:
                tr = Transcript.from_text(a["text"])
                tokens = tokenize(tr)
                ft = {k for h in find_fillers(tokens, opts.fillers) for k in range(h.tok_start, h.tok_end)}
                sig, _, model = coverage_signals(tokens, ft, bank, q, opts, tables.get(d.name))
                if sig.window_vecs is None:
                    raise SystemExit(f"embedding model not used: {sig.embedding_error}")
                for i, kp in enumerate(q.key_points):
                    if kp.id in a["labels"]:
                        ex_keys.append(keys[i])
                        ex_labels.append(pex.LABELS.index(a["labels"][kp.id]))
                        ex_vecs.append(pex.evidence_vector(sig, i))
                        ex_sources.append(d.name)
                if d.name in ENCODER_SETS:  # exemplars only: the encoder was trained on these answers
                    continue
                windows[(d.name, a["id"])] = (sig.window_vecs.astype(np.float32), keys)
                first = cov.decide(sig, model, tr)
                opening = cov.gate_opening(sig, model)
                closed = cov.exemplar_closed(sig, model)
                base = rv.base_features(sig, model, first, opening)
                for p, b in zip(first.points, base):
                    if p.id not in a["labels"]:
                        continue
                    rows.append(Row(d.name, a["id"], a.get("kind", ""), rv.record_key(q.prompt, p.text), a["labels"][p.id],
                                    p.status, opening, closed, b))
    from bench_coverage import encoder_sha256

    ex_table = pex.PointExemplars(tuple(ex_keys), np.array(ex_labels, dtype=np.int8), as_stored(np.stack(ex_vecs)),
                                  tuple(ex_sources), encoder_sha256())
    return Frame(rows, windows, ex_table)


def mark_eligible(rows: list[Row], rnd: int) -> None:
    """Which rows the round's second look re-decides (voiceprep.analysis.review.may_review); words are
    never missing here (every labelled answer has some)."""
    for r in rows:
        r.eligible = rv.may_review(r.status, True, r.closed, r.opening, PROMOTE_IN[rnd])


def records(rows: list[Row]) -> tuple[dict[str, rv.PointRecord], float, float]:
    """Each point's record over ``rows`` and the pool's rates (the priors)."""
    c: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for r in rows:
        if not r.eligible:
            continue
        k = c[r.key]
        right = r.label == "covered"
        if r.status == "covered":
            k[0] += 1
            k[1] += right
        k[2] += 1
        k[3] += right
    tot = np.array(list(c.values()) or [[0, 0, 0, 0]]).sum(axis=0)
    prior_p = tot[1] / tot[0] if tot[0] else 0.5
    prior_q = tot[3] / tot[2] if tot[2] else 0.5
    return {k: rv.PointRecord(*v) for k, v in c.items()}, float(prior_p), float(prior_q)


def design(rows: list[Row], exclude: set[str], features: tuple[str, ...], frame: Frame | None = None) -> np.ndarray:
    """Feature rows (the columns ``features`` names); each row's record and point exemplars leave out
    its own set and ``exclude``."""
    cache: dict[str, tuple[dict[str, rv.PointRecord], float, float]] = {}
    pool_sets = {r.set_name for r in rows}
    cols = [rv.FEATURES.index(f) for f in features]
    want_ex = bool(set(features) & set(rv.EXEMPLAR_FEATURES))
    if want_ex and frame is None:
        raise ValueError("the point-exemplar features need the frame's windows and table")
    tables: dict[str, PointExemplars] = {}
    ex_rows: dict[tuple[str, str], dict[str, list[float]]] = {}
    out = []
    for r in rows:
        if r.set_name not in cache:
            cache[r.set_name] = records([x for x in rows if x.set_name not in exclude | {r.set_name} and x.set_name in pool_sets])
        recs, pp, pq = cache[r.set_name]
        ex = [math.nan] * len(rv.EXEMPLAR_FEATURES)
        if want_ex:
            assert frame is not None
            akey = (r.set_name, r.answer_id)
            if akey not in ex_rows:
                if r.set_name not in tables:
                    tables[r.set_name] = frame.exemplars.without(exclude | {r.set_name})
                vecs, keys = frame.windows[akey]
                ex_rows[akey] = dict(zip(keys, tables[r.set_name].features(vecs, keys)))
            ex = ex_rows[akey][r.key]
        full = r.base + rv.record_features(recs.get(r.key), pp, pq) + ex
        out.append([full[c] for c in cols])
    return np.asarray(out, dtype=np.float64)


def fit(x: np.ndarray, y: np.ndarray):
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(**PARAMS).fit(x, y)


def export(clf) -> rv.Trees:
    """Flatten scikit-learn's fitted trees into voiceprep.analysis.review.Trees."""
    roots, feat, thr, nl, left, right, leaf, val = [], [], [], [], [], [], [], []
    for per_iter in clf._predictors:
        (pred,) = per_iter  # binary: one tree per iteration
        nodes = pred.nodes
        if nodes["is_categorical"].any():
            raise SystemExit("categorical splits are not supported")
        off = len(feat)
        roots.append(off)
        for n in nodes:
            feat.append(int(n["feature_idx"]))
            thr.append(float(n["num_threshold"]))
            nl.append(bool(n["missing_go_to_left"]))
            left.append(off + int(n["left"]))
            right.append(off + int(n["right"]))
            leaf.append(bool(n["is_leaf"]))
            val.append(float(n["value"]))
    baseline = float(np.ravel(clf._baseline_prediction)[0])
    return rv.Trees(baseline, np.array(roots), np.array(feat), np.array(thr), np.array(nl), np.array(left),
                    np.array(right), np.array(leaf), np.array(val))


def decisions(rows: list[Row], probs: dict[int, float], t: float) -> list[bool]:
    """Predicted `covered` per row: re-decided where eligible, the first pass elsewhere."""
    return [probs[i] >= t if r.eligible else r.status == "covered" for i, r in enumerate(rows)]


def off_topic_covered(rows: list[Row], pred: list[bool]) -> list[str]:
    return sorted({r.answer_id for r, p in zip(rows, pred) if p and r.kind == "off-topic"})


def select(frame: Frame, rnd: int) -> dict:
    """Leave-one-set-out selection of round ``rnd`` on the frame: each set judged by trees fitted
    without it; its variants by threshold and its pick."""
    rows = frame.rows
    mark_eligible(rows, rnd)
    features = FEATURES_OF.get(rnd, rv.FEATURES)
    sets = sorted({r.set_name for r in rows})
    y = np.array([r.label == "covered" for r in rows])
    probs: dict[int, float] = {}
    for s in sets:
        train = [i for i, r in enumerate(rows) if r.set_name != s and r.eligible]
        test = [i for i, r in enumerate(rows) if r.set_name == s and r.eligible]
        x_all = design(rows, {s}, features, frame)
        clf = fit(x_all[train], y[train])
        for i, p in zip(test, clf.predict_proba(x_all[test])[:, 1]):
            probs[i] = float(p)
        print(f"round {rnd}, {s}: {len(test)} rows re-decided", file=sys.stderr)
    first = prf((r.status == "covered", r.label) for r in rows)
    first["off_topic_covered"] = off_topic_covered(rows, [r.status == "covered" for r in rows])
    variants = []
    for t in THRESHOLDS:
        pred = decisions(rows, probs, t)
        v = prf(zip(pred, (r.label for r in rows)))
        v["threshold"] = t
        v["off_topic_covered"] = off_topic_covered(rows, pred)
        kinds: dict[str, dict] = {}
        for kind in sorted({r.kind for r in rows}):
            idx = [i for i, r in enumerate(rows) if r.kind == kind]
            kinds[kind] = prf((pred[i], rows[i].label) for i in idx)
        v["by_kind"] = kinds
        v["by_set"] = {s: prf((pred[i], rows[i].label) for i, r in enumerate(rows) if r.set_name == s)["f1"] for s in sets}
        variants.append(v)
    ok = [v for v in variants if not v["off_topic_covered"]]
    pick = max(ok, key=lambda v: (v["f1"], v["threshold"])) if ok else None
    return {"rule": RULES[rnd], "sets": sets, "answers": len({(r.set_name, r.answer_id) for r in rows}),
            "labels": len(rows), "eligible": sum(r.eligible for r in rows), "params": PARAMS,
            "features": list(features), "first_pass": first, "variants": variants, "pick": pick and pick["threshold"],
            "pick_f1": pick and pick["f1"]}


def load_frame(path: Path | None) -> Frame:
    if path and path.exists():
        frame = pickle.loads(path.read_bytes())
        if not isinstance(frame, Frame):
            raise SystemExit(f"{path}: a frame from before round 25; delete it to rebuild")
        return frame
    frame = build_frame()
    if path:
        path.write_bytes(pickle.dumps(frame))
    return frame


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--frame", type=Path, help="pickle of the judged rows (written if missing)")
    ap.add_argument("--round", type=int, choices=sorted(RULES), default=25,
                    help="which points are re-decided (PROMOTE_IN): 19 also partials of answers the first-pass gates "
                         "closed, 20 and 21 (21: on vectors of texts embedded alone) of every open answer, 22 not of "
                         "answers opened by the topic margin alone; 23 and 24 as 22 with the detail features "
                         "(FEATURES_OF); 25 with the point-exemplar features, of every answer the exemplar gate left open")
    ap.add_argument("--save", action="store_true", help="write assets/analysis/coverage-round<N>-choice.json")
    ap.add_argument("--write", action="store_true", help="ship the pick if the ship rule passes")
    args = ap.parse_args()
    app_rule = rv.OPENINGS if args.round == 25 else rv.PROMOTE_IN
    if args.write and (PROMOTE_IN[args.round] != app_rule or args.round < 24):
        ap.error("--write: only a round whose rule the app applies (rounds 24 and 25)")
    frame = load_frame(args.frame)
    rows = frame.rows
    doc = select(frame, args.round)
    first = doc["first_pass"]
    pick = next((v for v in doc["variants"] if v["threshold"] == doc["pick"]), None)
    if args.round in BASELINE:
        base = select(frame, BASELINE[args.round])
        doc["baseline"] = {"round": BASELINE[args.round], "pick": base["pick"], "pick_f1": base["pick_f1"],
                           "variants": [{k: v[k] for k in ("threshold", "f1", "precision", "recall", "off_topic_covered")}
                                        for v in base["variants"]]}
        ships = pick is not None and base["pick_f1"] is not None and pick["f1"] >= base["pick_f1"] + MIN_GAIN_OVER[args.round]
        mark_eligible(rows, args.round)
    else:
        ships = pick is not None and pick["f1"] >= first["f1"] + MIN_GAIN
    doc["ships"] = ships
    if args.round in FLOOR:
        doc["floor"] = FLOOR[args.round]
        doc["meets_floor"] = pick is not None and pick["f1"] >= FLOOR[args.round]
    print(json.dumps({k: v for k, v in doc.items() if k != "variants"}, indent=1))
    for v in doc["variants"]:
        print(f"t={v['threshold']:.2f} F1 {v['f1']:.4f} P {v['precision']:.3f} R {v['recall']:.3f} "
              f"off-topic {v['off_topic_covered']}")
    if args.save:
        Path(str(OUT).format(args.round)).write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    if args.write and ships:
        assert pick is not None
        features = FEATURES_OF.get(args.round, rv.FEATURES)
        y = np.array([r.label == "covered" for r in rows])
        x_all = design(rows, set(), features, frame)
        el = [i for i, r in enumerate(rows) if r.eligible]
        clf = fit(x_all[el], y[el])
        trees = export(clf)
        ref = clf.predict_proba(x_all[el])[:, 1]
        mine = trees.prob(x_all[el])
        if not np.allclose(ref, mine, atol=1e-9):
            raise SystemExit(f"exported trees disagree with scikit-learn: max {np.abs(ref - mine).max()}")
        recs, pp, pq = records(rows)
        from voiceprep.analysis.embeddings import model_path
        import hashlib

        sha = hashlib.sha256(model_path().read_bytes()).hexdigest()
        review = rv.PointReview(trees, float(pick["threshold"]), recs, pp, pq, features, sha, PROMOTE_IN[args.round])
        check = [{"x": [None if math.isnan(v) else v for v in x_all[i].tolist()], "p": round(float(p), 9)}
                 for i, p in zip(el[:: max(1, len(el) // 20)], ref[:: max(1, len(el) // 20)])]
        meta = {"fitted_on": doc["sets"], "rows": len(el), "threshold_rule": f"round {args.round} (coverage-round{args.round}-choice.json)",
                "check": check}
        out = rv.review_path(rv.EXEMPLAR_FILE if review.uses_exemplars else rv.FILE)
        out.write_text(json.dumps(review.to_dict(meta), indent=None, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"wrote {out.relative_to(ROOT)}", file=sys.stderr)
        if review.uses_exemplars:
            if frame.exemplars.encoder_sha256 != sha:
                raise SystemExit("the frame's point exemplars belong to another encoder: rebuild the frame")
            ex_meta = {"sets": sorted(set(frame.exemplars.sources)), "rows": len(frame.exemplars.keys),
                       "rule": "round 25 (voiceprep/analysis/README.md)"}
            frame.exemplars.save(pex.point_exemplars_path(), ex_meta)
            print(f"wrote {pex.point_exemplars_path().relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
