"""Round 16: pick (and with --write, ship) the exemplar gate by the rule in
voiceprep/analysis/README.md ("Round 16"), committed before this ran.

The gate: an answer whose closest labelled answers belong to another built-in question gets
nothing covered (voiceprep/analysis/exemplars.py). Selection: on the development sets the shipped
encoder never trained on, each answer judged against exemplars from the *other* sets only (their
authors wrote independently, as a user's fresh answer is), on top of the shipped method's statuses
(analyze() with the gate off). Prints JSON; --save writes assets/analysis/coverage-round16-choice.json;
--write builds the exemplar file from every development set and puts the gate in the shipped
calibration (both embedding models), if the ship rule passes.

    .venv/bin/python bench/choose_exemplar_gate.py [--cache F] [--save] [--write] [--without SET]

The shipped table and gate (round 21's refit) come from every development set, holdout 17 included:
    .venv/bin/python bench/choose_exemplar_gate.py --save --write
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_coverage import DEV_DIRS, encoder_sha256, encoder_training  # noqa: E402

from voiceprep.analysis import exemplars as ex  # noqa: E402

ENCODER_SETS = set(encoder_training()[0])  # the sets the shipped encoder was trained on (its training.json)
KS = (1, 3, 5)
GRID = tuple(round(-0.20 + 0.02 * i, 2) for i in range(9))  # -0.20 .. -0.04
TIE = 0.002
MIN_GAIN = 0.005
MAX_LOSS = 0.005
OUT = ROOT / "assets" / "analysis" / "coverage-round16-choice.json"


@dataclass
class Answer:
    set_name: str
    question: str  # bank/id
    key: str  # prompt digest
    prompt: str
    answer_id: str
    kind: str
    vec: np.ndarray
    labels: dict[str, str]
    status: dict[str, str]  # shipped method, gate off


def collect(dirs: tuple[Path, ...] = DEV_DIRS) -> list[Answer]:
    from voiceprep.analysis import coverage as cov
    from voiceprep.analysis.analyzer import analyze
    from voiceprep.analysis.embeddings import get_embedder
    from voiceprep.analysis.fillers import find_fillers
    from voiceprep.analysis.options import AnalysisOptions
    from voiceprep.analysis.text import tokenize
    from voiceprep.analysis.transcript import Transcript
    from voiceprep.bank import load_banks

    banks = load_banks(ROOT / "questions")
    emb = get_embedder()
    opts = AnalysisOptions(exemplar_gate=False, point_review=False)
    out = []
    for d in dirs:
        for f in sorted(d.glob("*.json")):
            s = json.loads(f.read_text(encoding="utf-8"))
            bank, q = banks.resolve(s["question"])
            for a in s["answers"]:
                tr = Transcript.from_text(a["text"])
                r = analyze(tr, bank, q, None, opts)
                if r.coverage.method != "cues+embeddings":
                    raise SystemExit(f"embedding model not used: {r.coverage.embedding_error}")
                tokens = tokenize(tr)
                ft = {k for h in find_fillers(tokens, opts.fillers) for k in range(h.tok_start, h.tok_end)}
                windows = cov.make_windows(tokens, (1,), ft)
                if not windows:
                    continue
                _, full = cov._window_vectors(emb, windows)
                out.append(Answer(d.name, s["question"], ex.prompt_key(q.prompt), q.prompt, a["id"], a.get("kind", ""), full,
                                  dict(a["labels"]), {p.id: p.status for p in r.coverage.points}))
    return out


def table(answers: list[Answer]) -> ex.ExemplarTable:
    """As shipped: float16 on disk, renormalised on load."""
    keep = [a for a in answers if a.kind in ex.KINDS]
    vecs = ex.as_stored(np.stack([a.vec for a in keep]))
    return ex.ExemplarTable(tuple(a.key for a in keep), tuple(a.question for a in keep), tuple(a.prompt for a in keep), vecs, encoder_sha256())


def margins(answers: list[Answer], k: int) -> dict[str, ex.Closest | None]:
    """Leave-one-set-out: each answer against the exemplars of every other set."""
    out: dict[str, ex.Closest | None] = {}
    for name in sorted({a.set_name for a in answers}):
        t = table([a for a in answers if a.set_name != name])
        for a in answers:
            if a.set_name == name:
                out[a.answer_id] = t.closest(a.vec, a.key, k)
    return out


def prf(pairs) -> dict:
    """F1, precision, recall and counts of `covered` from (predicted covered, label) pairs."""
    tp = fp = fn = 0
    for pred, lab in pairs:
        tp += pred and lab == "covered"
        fp += pred and lab != "covered"
        fn += (not pred) and lab == "covered"
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"f1": round(2 * p * r / (p + r) if p + r else 0.0, 4), "precision": round(p, 4), "recall": round(r, 4),
            "tp": tp, "fp": fp, "fn": fn}


def scores(answers: list[Answer], gated: set[str]) -> dict:
    s = prf((a.status.get(pid) == "covered" and a.answer_id not in gated, lab)
            for a in answers for pid, lab in a.labels.items())
    off = sorted({a.answer_id for a in answers if a.kind == "off-topic" and a.answer_id not in gated
                  and any(a.status.get(pid) == "covered" for pid in a.labels)})
    return {k: s[k] for k in ("f1", "precision", "recall", "fp", "fn")} | {"off_topic_with_covered": off}


def gated_ids(answers: list[Answer], m: dict[str, ex.Closest | None], t: float | None) -> set[str]:
    if t is None:
        return set()
    return {a.answer_id for a in answers if (c := m.get(a.answer_id)) is not None and c.margin < t}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cache", type=Path, help="pickle of the collected answers (written if missing)")
    ap.add_argument("--save", action="store_true", help=f"write {OUT.relative_to(ROOT)}")
    ap.add_argument("--write", action="store_true", help="ship the pick if the ship rule passes")
    ap.add_argument("--without", action="append", default=[], metavar="SET",
                    help="leave this development set out (repeatable): reproduces a table built before the set "
                         "was spent (round 16's: --without coverage-holdout16 ... --without coverage-holdout17)")
    args = ap.parse_args()
    dirs = tuple(d for d in DEV_DIRS if d.name not in set(args.without))

    if args.cache and args.cache.exists():
        answers = pickle.loads(args.cache.read_bytes())
    else:
        answers = collect(dirs)
        if args.cache:
            args.cache.write_bytes(pickle.dumps(answers))
    fresh = [a for a in answers if a.set_name not in ENCODER_SETS]
    seen = [a for a in answers if a.set_name in ENCODER_SETS]
    base_fresh, base_seen = scores(fresh, set()), scores(seen, set())

    grid: dict[str, dict] = {}
    per_k = {k: margins(answers, k) for k in KS}
    for k in KS:
        for t in GRID:
            s = scores(fresh, gated_ids(fresh, per_k[k], t))
            grid[f"k={k} t={t:+.2f}"] = s
    top = max(v["f1"] for v in grid.values())
    near = [(k, t) for k in KS for t in GRID if grid[f"k={k} t={t:+.2f}"]["f1"] >= top - TIE]
    pick = min(near, key=lambda kt: (kt[1], -kt[0]))  # lowest threshold, then larger k
    k, t = pick
    chosen_fresh = grid[f"k={k} t={t:+.2f}"]
    chosen_seen = scores(seen, gated_ids(seen, per_k[k], t))
    gain = chosen_fresh["f1"] - base_fresh["f1"]
    loss = base_seen["f1"] - chosen_seen["f1"]
    ships = gain >= MIN_GAIN and loss <= MAX_LOSS
    g = gated_ids(answers, per_k[k], t)
    kinds: dict[str, list[int]] = {}
    for a in answers:
        if per_k[k].get(a.answer_id) is not None:
            kinds.setdefault(a.kind, [0, 0])
            kinds[a.kind][0] += 1
            kinds[a.kind][1] += a.answer_id in g
    per_set = {name: {"without": scores([a for a in answers if a.set_name == name], set())["f1"],
                      "with": scores([a for a in answers if a.set_name == name], g)["f1"]}
               for name in sorted({a.set_name for a in answers})}
    doc = {
        "rule": "voiceprep/analysis/README.md, round 16 (committed ee2314d before this selection ran)",
        "command": " ".join([".venv/bin/python bench/choose_exemplar_gate.py", *(f"--without {w}" for w in args.without),
                             "--save"]),
        "pool": {"fresh_answers": len(fresh), "encoder_trained_answers": len(seen),
                 "fresh_sets": sorted({a.set_name for a in fresh})},
        "baseline": {"fresh": base_fresh, "encoder_trained": base_seen},
        "chosen": {"k": k, "exemplar_gate": t, "fresh": chosen_fresh, "encoder_trained": chosen_seen,
                   "gain_fresh": round(gain, 4), "loss_encoder_trained": round(loss, 4)},
        "ships": ships,
        "gated_answers_by_kind": {kd: {"answers": n, "gated": m} for kd, (n, m) in sorted(kinds.items())},
        "per_set_f1": per_set,
        "grid_fresh": grid,
    }
    text = json.dumps(doc, indent=1)
    print(text)
    if args.save:
        OUT.write_text(text + "\n", encoding="utf-8")
    if args.write:
        if not ships:
            print("ship rule not met: nothing written", file=sys.stderr)
            return 1
        write(answers, k, t, doc)
    return 0


def write(answers: list[Answer], k: int, t: float, doc: dict) -> None:
    from voiceprep.analysis.coverage import calibration_path

    tbl = table(answers)
    tbl.save(ex.exemplars_path(), {"k": k, "sets": sorted({a.set_name for a in answers}), "kinds": sorted(ex.KINDS),
                                   "answers": len(tbl.keys), "questions": len(tbl.groups),
                                   "about": "bench/choose_exemplar_gate.py --write; do not edit"})
    path = calibration_path()
    cal = json.loads(path.read_text(encoding="utf-8"))
    for name in ("embeddings", "embeddings-trained"):
        cal["models"][name]["exemplar_gate"] = t
        cal["models"][name]["exemplar_k"] = k
    cal["exemplar_gate"] = {"rule": doc["rule"], "chosen": doc["chosen"]}
    path.write_text(json.dumps(cal, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
