"""Validate the sealed held-out set and print its label counts.

Run from the repo root: .venv/bin/python tests/data/coverage-holdout5/counts.py
Checks that every file parses, every answer labels exactly the question's key-point ids
(read from the installed bank), ids are unique, and prints a Markdown counts table.
Prints counts only, never scores: it is not an evaluation.
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABELS = ("covered", "partial", "missed")
KINDS = {"strong": 1, "average": 2, "weak": 1, "negation": 1, "wrong-question": 1, "off-topic": 1}


def main() -> int:
    from voiceprep.bank import load_default_banks

    banks = load_default_banks()
    problems: list[str] = []
    seen_ids: set[str] = set()
    rows: list[tuple[str, int, Counter]] = []
    asr = 0
    for path in sorted(HERE.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        qref = data["question"]
        if path.stem != qref.replace("/", "--"):
            problems.append(f"{path.name}: file name does not match {qref}")
        question = banks.resolve(qref)[1]
        kp_ids = [kp.id for kp in question.key_points]
        counts: Counter = Counter()
        kinds: Counter = Counter()
        for ans in data["answers"]:
            if ans["id"] in seen_ids:
                problems.append(f"duplicate id {ans['id']}")
            seen_ids.add(ans["id"])
            kinds[ans["kind"]] += 1
            asr += bool(ans["asr_errors"])
            if sorted(ans["labels"]) != sorted(kp_ids):
                problems.append(f"{ans['id']}: labels {sorted(ans['labels'])} != key points {sorted(kp_ids)}")
            for value in ans["labels"].values():
                if value not in LABELS:
                    problems.append(f"{ans['id']}: bad label {value!r}")
                counts[value] += 1
        if dict(kinds) != KINDS:
            problems.append(f"{path.name}: kinds {dict(kinds)} != {KINDS}")
        rows.append((qref, len(data["answers"]), counts))

    total = Counter()
    print("| question | answers | covered | partial | missed |")
    print("|---|---:|---:|---:|---:|")
    for qref, n, c in rows:
        total += c
        print(f"| {qref} | {n} | {c['covered']} | {c['partial']} | {c['missed']} |")
    n_total = sum(n for _, n, _ in rows)
    print(f"| **total** | {n_total} | {total['covered']} | {total['partial']} | {total['missed']} |")
    print(f"\nanswers with asr_errors: {asr} of {n_total}")
    if n_total != 56:
        problems.append(f"expected 56 answers, found {n_total}")
    for p in problems:
        print("PROBLEM:", p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
