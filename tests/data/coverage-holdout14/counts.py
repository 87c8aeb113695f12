"""Print the counts table of this sealed held-out set; --validate checks its structure.

Validation exists so a later scorer can trust the files without reading the answers:
every answer labels exactly the bank's key-point ids, labels are valid, ids are unique,
and each question has one answer of each kind (two `average`).
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABELS = ("covered", "partial", "missed")
EXPECTED = {
    "netflix-pm/home-discovery", "netflix-pm/abr-tradeoff", "netflix-pm/fixed-date-slip",
    "netflix-pm/emerging-market-growth", "netflix-pm/games-strategy", "netflix-pm/team-not-family",
    "general-behavioral/ambiguous-project", "general-behavioral/lead-without-authority",
}
KINDS = {"strong": 1, "average": 2, "weak": 1, "negation": 1, "wrong-question": 1, "off-topic": 1}


def load_sets() -> list[dict]:
    """All question files of this folder, in name order."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(HERE.glob("*--*.json"))]


def table(sets: list[dict]) -> str:
    """Answers and labels per question, plus totals, as a Markdown table."""
    rows = ["| question | answers | asr | covered | partial | missed |", "|---|---|---|---|---|---|"]
    tot: Counter[str] = Counter()
    for s in sets:
        c: Counter[str] = Counter()
        for a in s["answers"]:
            c["answers"] += 1
            c["asr"] += bool(a.get("asr_errors"))
            c.update(a["labels"].values())
        tot.update(c)
        rows.append(f"| {s['question']} | {c['answers']} | {c['asr']} | {c['covered']} | {c['partial']} | {c['missed']} |")
    rows.append(f"| **total ({len(sets)})** | {tot['answers']} | {tot['asr']} | {tot['covered']} | {tot['partial']} | {tot['missed']} |")
    return "\n".join(rows)


def validate(sets: list[dict]) -> list[str]:
    """Problems found; empty when the set is well formed."""
    from voiceprep.bank.loader import load_default_banks

    banks = load_default_banks()
    errors: list[str] = []
    seen: set[str] = set()
    have = {s.get("question") for s in sets}
    if have != EXPECTED:
        errors.append(f"questions missing {sorted(EXPECTED - have)} extra {sorted(have - EXPECTED)}")
    for s in sets:
        qid = s.get("question", "?")
        try:
            _, q = banks.resolve(qid)
        except Exception as exc:  # unknown question
            errors.append(f"{qid}: cannot resolve ({exc})")
            continue
        want = {k.id for k in q.key_points}
        kinds = Counter(a.get("kind") for a in s["answers"])
        if dict(kinds) != KINDS:
            errors.append(f"{qid}: kinds {dict(kinds)} != {KINDS}")
        for a in s["answers"]:
            aid = a.get("id", "?")
            if aid in seen:
                errors.append(f"{aid}: duplicate id")
            seen.add(aid)
            if not isinstance(a.get("text"), str) or not a["text"].strip():
                errors.append(f"{aid}: empty text")
            if not isinstance(a.get("asr_errors"), bool):
                errors.append(f"{aid}: asr_errors must be true/false")
            got = set(a.get("labels", {}))
            if got != want:
                errors.append(f"{aid}: labels missing {sorted(want - got)} extra {sorted(got - want)}")
            bad = {k: v for k, v in a.get("labels", {}).items() if v not in LABELS}
            if bad:
                errors.append(f"{aid}: invalid labels {bad}")
            extra_notes = set(a.get("notes", {})) - want
            if extra_notes:
                errors.append(f"{aid}: notes for unknown points {sorted(extra_notes)}")
    return errors


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--validate", action="store_true", help="check structure against the bank")
    args = ap.parse_args(argv)
    sets = load_sets()
    print(table(sets))
    if args.validate:
        errors = validate(sets)
        for e in errors:
            print("ERROR", e)
        print("valid" if not errors else f"{len(errors)} problem(s)")
        return 1 if errors else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
