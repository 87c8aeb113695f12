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
from choose_exemplar_gate import ENCODER_SETS, prf  # noqa: E402

TIE = 0.002
MIN_GAIN = 0.005
MAX_LOSS = 0.005
OUT = ROOT / "assets" / "analysis" / "coverage-round17-choice.json"
VARIANTS = {"round 16 (shipped)": None, "reject rule, refusals": True, "reject rule, no refusals": False}
# round 18: (carriers, exempt) on round 17's stretches without the generic refusal trigger; in
# tie-break order (narrower first)
VARIANTS_R18 = {"round 16 (shipped)": None, "carriers half, exempt": ("half", True), "carriers half, not exempt": ("half", False),
                "carriers any, exempt": ("any", True), "carriers any, not exempt": ("any", False)}
OUT_R18 = ROOT / "assets" / "analysis" / "coverage-round18-choice.json"


def run(calibration: Path | None) -> list[tuple[str, str, str, dict[str, str], dict[str, str]]]:
    """(set, answer id, kind, labels, statuses) for every development answer."""
    from voiceprep.analysis.analyzer import analyze
    from voiceprep.analysis.options import AnalysisOptions
    from voiceprep.analysis.transcript import Transcript
    from voiceprep.bank import load_banks

    banks = load_banks(ROOT / "questions")
    opts = AnalysisOptions(calibration=str(calibration) if calibration else None, point_review=False)
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
    fp_kind = Counter(kind for _, _, kind, labels, status in rows for pid, lab in labels.items()
                      if status.get(pid) == "covered" and lab != "covered")
    off = sorted({aid for _, aid, kind, labels, status in rows if kind == "off-topic" and "covered" in status.values()})
    return prf((status.get(pid) == "covered", lab) for _, _, _, labels, status in rows for pid, lab in labels.items()) | {
        "fp_by_kind": dict(sorted(fp_kind.items())), "off_topic_with_covered": off}


def _settings(v: object) -> dict[str, object]:
    """The model fields a variant sets (round 17: refusals flag; round 18: (carriers, exempt))."""
    if v is None:
        return {}
    if isinstance(v, tuple):
        return {"reject_rule": True, "reject_refusals": False, "reject_carriers": v[0], "reject_exempt": v[1]}
    return {"reject_rule": True, "reject_refusals": v}


def calibration_with(variant: object, path: Path) -> Path:
    from voiceprep.analysis.coverage import calibration_path

    cal = json.loads(calibration_path().read_text(encoding="utf-8"))
    for name in ("embeddings", "embeddings-trained"):
        cal["models"][name].update(_settings(variant))
    path.write_text(json.dumps(cal, indent=1) + "\n", encoding="utf-8")
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--save", action="store_true", help=f"write {OUT.relative_to(ROOT)}")
    ap.add_argument("--write", action="store_true", help="ship the pick if the ship rule passes")
    ap.add_argument("--round", type=int, default=17, choices=(17, 18), help="which round's variants and rule")
    args = ap.parse_args()
    variants = VARIANTS_R18 if args.round == 18 else VARIANTS
    out_path = OUT_R18 if args.round == 18 else OUT

    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for i, (name, variant) in enumerate(variants.items()):
            # a file per variant: load_models caches by path
            rows = run(calibration_with(variant, Path(tmp) / f"cal-r{args.round}-{i}.json"))
            results[name] = {"fresh": scores([r for r in rows if r[0] not in ENCODER_SETS]),
                             "encoder_trained": scores([r for r in rows if r[0] in ENCODER_SETS]),
                             "per_set_f1": {s: scores([r for r in rows if r[0] == s])["f1"] for s in sorted({r[0] for r in rows})}}
    base = results["round 16 (shipped)"]
    cands = [n for n in variants if variants[n] is not None]
    top = max(results[n]["fresh"]["f1"] for n in cands)
    near = [n for n in cands if results[n]["fresh"]["f1"] >= top - TIE]
    if args.round == 18:  # ties go to the narrower: the first in VARIANTS_R18's order
        pick = near[0]
    else:  # ties go to the narrower variant (no generic refusals)
        pick = min(near, key=lambda n: bool(variants[n]))
    gain = results[pick]["fresh"]["f1"] - base["fresh"]["f1"]
    loss = base["encoder_trained"]["f1"] - results[pick]["encoder_trained"]["f1"]
    ships = gain >= MIN_GAIN and loss <= MAX_LOSS
    doc = {"rule": ("voiceprep/analysis/README.md, round 18 (committed 33d16a3 before it was measured)" if args.round == 18
                    else "voiceprep/analysis/README.md, round 17 (committed e48477a before the rule was measured)"),
           "command": f".venv/bin/python bench/choose_reject_rule.py --round {args.round} --save",
           "pool": {"fresh_sets": sorted({s for s in base["per_set_f1"] if s not in ENCODER_SETS})},
           "chosen": pick, "gain_fresh": round(gain, 4), "loss_encoder_trained": round(loss, 4), "ships": ships,
           "variants": results}
    text = json.dumps(doc, indent=1)
    print(text)
    if args.save:
        out_path.write_text(text + "\n", encoding="utf-8")
    if args.write:
        if not ships:
            print("ship rule not met: nothing written", file=sys.stderr)
            return 1
        from voiceprep.analysis.coverage import calibration_path

        path = calibration_path()
        cal = json.loads(path.read_text(encoding="utf-8"))
        for name in ("embeddings", "embeddings-trained"):
            cal["models"][name].update(_settings(variants[pick]))
        cal["reject_rule"] = {"rule": doc["rule"], "chosen": pick, "gain_fresh": doc["gain_fresh"]}
        path.write_text(json.dumps(cal, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
