"""Count and validate the coverage-holdout4 labels.

Run from the repo root:  .venv/bin/python tests/data/coverage-holdout4/counts.py
Prints the README counts table; exits non-zero if a file fails to parse, an answer
does not label exactly its question's key-point ids, or the total is not 56.
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABELS = ("covered", "partial", "missed")
KINDS = {"strong", "average", "weak", "negation", "wrong-question", "off-topic"}
EXPECTED_TOTAL = 56


def key_point_ids(question: str) -> list[str]:
    """Key-point ids from the bundled bank (ids only)."""
    from voiceprep.bank import load_default_banks

    _bank, q = load_default_banks().resolve(question)
    return [kp.id for kp in q.key_points]


def main() -> int:
    problems: list[str] = []
    rows: list[tuple[str, int, Counter[str]]] = []
    kinds: Counter[str] = Counter()
    asr = 0
    for path in sorted(HERE.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        question = data["question"]
        if path.name != question.replace("/", "--") + ".json":
            problems.append(f"{path.name}: file name does not match {question}")
        ids = key_point_ids(question)
        counts: Counter[str] = Counter()
        seen: set[str] = set()
        for ans in data["answers"]:
            if ans["id"] in seen:
                problems.append(f"{ans['id']}: duplicate id")
            seen.add(ans["id"])
            if sorted(ans["labels"]) != sorted(ids):
                problems.append(f"{ans['id']}: labels {sorted(ans['labels'])} != {sorted(ids)}")
            if not set(ans.get("notes", {})) <= set(ids):
                problems.append(f"{ans['id']}: notes keyed by unknown key point")
            if ans["kind"] not in KINDS:
                problems.append(f"{ans['id']}: unknown kind {ans['kind']}")
            for value in ans["labels"].values():
                if value not in LABELS:
                    problems.append(f"{ans['id']}: bad label {value}")
                counts[value] += 1
            kinds[ans["kind"]] += 1
            asr += bool(ans["asr_errors"])
        rows.append((question, len(data["answers"]), counts))

    print("| question | answers | covered | partial | missed |")
    print("|---|---:|---:|---:|---:|")
    total_n, total = 0, Counter()
    for question, n, c in rows:
        print(f"| {question} | {n} | {c['covered']} | {c['partial']} | {c['missed']} |")
        total_n += n
        total += c
    print(f"| **total** | {total_n} | {total['covered']} | {total['partial']} | {total['missed']} |")
    print()
    print("kinds: " + ", ".join(f"{k} {kinds[k]}" for k in sorted(kinds)) + f"; asr_errors: {asr}")
    if total_n != EXPECTED_TOTAL:
        problems.append(f"expected {EXPECTED_TOTAL} answers, found {total_n}")
    for p in problems:
        print("PROBLEM:", p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
