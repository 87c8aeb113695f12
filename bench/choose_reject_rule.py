"""Round 17: pick (and with --write, ship) the rejection rule by the rule in
voiceprep/analysis/README.md ("Round 17"), committed before this ran.

Each variant is the shipped calibration with ``reject_rule`` switched on (with or without the
generic "I wouldn't + verb" trigger), run through analyze() on every development answer; scored
on the answers the shipped encoder never saw and, as a guard, on its training sets. Prints JSON;
--save writes assets/analysis/coverage-round17-choice.json; --write puts the pick into both
embedding models of the shipped calibration if the ship rule passes.

    .venv/bin/python bench/choose_reject_rule.py [--save] [--write]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_coverage import DEV_DIRS  # noqa: E402
from choose_exemplar_gate import ENCODER_SETS  # noqa: E402

TIE = 0.002
MIN_GAIN = 0.005
MAX_LOSS = 0.005
OUT = ROOT / "assets" / "analysis" / "coverage-round17-choice.json"
VARIANTS = {"round 16 (shipped)": None, "reject rule, refusals": True, "reject rule, no refusals": False}


def run(calibration: Path | None) -> list[tuple[str, str, str, dict[str, str], dict[str, str]]]:
    """(set, answer id, kind, labels, statuses) for every development answer."""
    from voiceprep.analysis.analyzer import analyze
    from voiceprep.analysis.options import AnalysisOptions
    from voiceprep.analysis.transcript import Transcript
    from voiceprep.bank import load_banks

    banks = load_banks(ROOT / "questions")
    opts = AnalysisOptions(calibration=str(calibration) if calibration else None)
    out = []
    for d in DEV_DIRS:
        for f in sorted(d.glob("*.json")):
            s = json.loads(f.read_text(encoding="utf-8"))
            bank, q = banks.resolve(s["question"])
            for a in s["answers"]:
                r = analyze(Transcript.from_text(a["text"]), bank, q, None, opts)
                if r.coverage.method != "cues+embeddings":
                    raise SystemExit(f"embedding model not used: {r.coverage.embedding_error}")
                out.append((d.name, a["id"], a.get("kind", ""), dict(a["labels"]), {p.id: p.status for p in r.coverage.points}))
    return out


def scores(rows) -> dict:
    tp = fp = fn = 0
    fp_kind: Counter[str] = Counter()
    for _, _, kind, labels, status in rows:
        for pid, lab in labels.items():
            pred = status.get(pid) == "covered"
            tp += pred and lab == "covered"
            fp += pred and lab != "covered"
            fn += (not pred) and lab == "covered"
            if pred and lab != "covered":
                fp_kind[kind] += 1
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    off = sorted({aid for _, aid, kind, labels, status in rows if kind == "off-topic" and "covered" in status.values()})
    return {"f1": round(2 * p * r / (p + r) if p + r else 0.0, 4), "precision": round(p, 4), "recall": round(r, 4),
            "tp": tp, "fp": fp, "fn": fn, "fp_by_kind": dict(sorted(fp_kind.items())), "off_topic_with_covered": off}


def calibration_with(refusals: bool | None, path: Path) -> Path:
    from voiceprep.analysis.coverage import calibration_path

    cal = json.loads(calibration_path().read_text(encoding="utf-8"))
    if refusals is not None:
        for name in ("embeddings", "embeddings-trained"):
            cal["models"][name]["reject_rule"] = True
            cal["models"][name]["reject_refusals"] = refusals
    path.write_text(json.dumps(cal, indent=1) + "\n", encoding="utf-8")
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--save", action="store_true", help=f"write {OUT.relative_to(ROOT)}")
    ap.add_argument("--write", action="store_true", help="ship the pick if the ship rule passes")
    args = ap.parse_args()

    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for i, (name, refusals) in enumerate(VARIANTS.items()):
            # a file per variant: load_models caches by path
            rows = run(calibration_with(refusals, Path(tmp) / f"cal-{i}.json"))
            results[name] = {"fresh": scores([r for r in rows if r[0] not in ENCODER_SETS]),
                             "encoder_trained": scores([r for r in rows if r[0] in ENCODER_SETS]),
                             "per_set_f1": {s: scores([r for r in rows if r[0] == s])["f1"] for s in sorted({r[0] for r in rows})}}
    base = results["round 16 (shipped)"]
    cands = [n for n in VARIANTS if VARIANTS[n] is not None]
    top = max(results[n]["fresh"]["f1"] for n in cands)
    # ties go to the narrower variant (no generic refusals)
    pick = min((n for n in cands if results[n]["fresh"]["f1"] >= top - TIE), key=lambda n: bool(VARIANTS[n]))
    gain = results[pick]["fresh"]["f1"] - base["fresh"]["f1"]
    loss = base["encoder_trained"]["f1"] - results[pick]["encoder_trained"]["f1"]
    ships = gain >= MIN_GAIN and loss <= MAX_LOSS
    doc = {"rule": "voiceprep/analysis/README.md, round 17 (committed e48477a before the rule was measured)",
           "command": ".venv/bin/python bench/choose_reject_rule.py --save",
           "pool": {"fresh_sets": sorted({s for s in base["per_set_f1"] if s not in ENCODER_SETS})},
           "chosen": pick, "gain_fresh": round(gain, 4), "loss_encoder_trained": round(loss, 4), "ships": ships,
           "variants": results}
    text = json.dumps(doc, indent=1)
    print(text)
    if args.save:
        OUT.write_text(text + "\n", encoding="utf-8")
    if args.write:
        if not ships:
            print("ship rule not met: nothing written", file=sys.stderr)
            return 1
        from voiceprep.analysis.coverage import calibration_path

        path = calibration_path()
        cal = json.loads(path.read_text(encoding="utf-8"))
        for name in ("embeddings", "embeddings-trained"):
            cal["models"][name]["reject_rule"] = True
            cal["models"][name]["reject_refusals"] = VARIANTS[pick]
        cal["reject_rule"] = {"rule": doc["rule"], "chosen": pick, "gain_fresh": doc["gain_fresh"]}
        path.write_text(json.dumps(cal, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
