"""Print the counts table of this sealed held-out set; with --validate, check its structure.

Why: the set is scored once, later, by someone else; structural mistakes must be caught now.
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
KINDS = {"strong": 1, "average": 2, "weak": 1, "negation": 1, "wrong-question": 1, "off-topic": 1}
LABELS = {"covered", "partial", "missed"}


def load() -> list[dict]:
    """Load every question file in this folder."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(HERE.glob("*--*.json"))]


def table(files: list[dict]) -> str:
    """Counts per question: answers, ASR-style answers, and label totals."""
    rows = ["| question | answers | asr_errors | covered | partial | missed |", "|---|---|---|---|---|---|"]
    tot = Counter()
    for f in files:
        c = Counter(lab for a in f["answers"] for lab in a["labels"].values())
        n, asr = len(f["answers"]), sum(bool(a.get("asr_errors")) for a in f["answers"])
        rows.append(f"| {f['question']} | {n} | {asr} | {c['covered']} | {c['partial']} | {c['missed']} |")
        tot.update({"n": n, "asr": asr, **c})
    rows.append(f"| **total** | {tot['n']} | {tot['asr']} | {tot['covered']} | {tot['partial']} | {tot['missed']} |")
    return "\n".join(rows)


def validate(files: list[dict]) -> list[str]:
    """Return a list of problems (empty when the set is well formed)."""
    from voiceprep.bank.loader import load_default_banks

    banks = load_default_banks()
    errs: list[str] = []
    ids: set[str] = set()
    for f in files:
        qname = f["question"]
        try:
            _, q = banks.resolve(qname)
        except Exception as exc:  # noqa: BLE001 - report any resolution failure
            errs.append(f"{qname}: cannot resolve ({exc})")
            continue
        kp = {k.id for k in q.key_points}
        kinds = Counter(a["kind"] for a in f["answers"])
        if dict(kinds) != KINDS:
            errs.append(f"{qname}: kinds {dict(kinds)} != {KINDS}")
        for a in f["answers"]:
            aid = a["id"]
            if aid in ids:
                errs.append(f"{aid}: duplicate id")
            ids.add(aid)
            if set(a["labels"]) != kp:
                errs.append(f"{aid}: labels {sorted(a['labels'])} != key points {sorted(kp)}")
            bad = {v for v in a["labels"].values() if v not in LABELS}
            if bad:
                errs.append(f"{aid}: invalid labels {bad}")
            if set(a.get("notes", {})) - kp:
                errs.append(f"{aid}: notes for unknown key points")
            if not isinstance(a.get("asr_errors"), bool) or not a.get("text", "").strip():
                errs.append(f"{aid}: asr_errors must be bool and text non-empty")
    return errs


def main() -> int:
    files = load()
    print(table(files))
    if "--validate" in sys.argv:
        errs = validate(files)
        for e in errs:
            print("ERROR", e)
        print(f"validate: {len(files)} files, {sum(len(f['answers']) for f in files)} answers, {len(errs)} problems")
        return 1 if errs else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
