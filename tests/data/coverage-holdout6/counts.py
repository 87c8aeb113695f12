"""Count answers and labels in this sealed held-out set (prints a Markdown table).

Run from the repo root: `.venv/bin/python tests/data/coverage-holdout6/counts.py`.
Add `--validate` to also check every answer labels exactly the bank's key-point ids
(this imports the question bank, so keep it out of any tuning loop).
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABELS = ("covered", "partial", "missed")
KINDS = ("strong", "average", "weak", "negation", "wrong-question", "off-topic")


def load() -> list[dict]:
    """Load every question file in this folder, in name order."""
    return [json.loads(p.read_text()) for p in sorted(HERE.glob("*.json"))]


def table(files: list[dict]) -> str:
    rows = ["| question | answers | covered | partial | missed |", "|---|---:|---:|---:|---:|"]
    total = Counter()
    for f in files:
        c = Counter(v for a in f["answers"] for v in a["labels"].values())
        n = len(f["answers"])
        rows.append(f"| {f['question']} | {n} | " + " | ".join(str(c[k]) for k in LABELS) + " |")
        total.update(c)
        total["answers"] += n
    rows.append(f"| **total** | {total['answers']} | " + " | ".join(str(total[k]) for k in LABELS) + " |")
    return "\n".join(rows)


def kinds(files: list[dict]) -> str:
    c = Counter(a["kind"] for f in files for a in f["answers"])
    asr = sum(a["asr_errors"] for f in files for a in f["answers"])
    return "kinds: " + ", ".join(f"{k} {c[k]}" for k in KINDS) + f"; asr_errors: {asr}"


def validate(files: list[dict]) -> list[str]:
    """Return problems: key-point ids mismatching the bank, bad labels, duplicate ids."""
    from voiceprep.bank import load_default_banks

    banks = load_default_banks()
    problems: list[str] = []
    seen: set[str] = set()
    for f in files:
        question = banks.resolve(f["question"])[1]
        want = {kp.id for kp in question.key_points}
        if {a["kind"] for a in f["answers"]} != set(KINDS):
            problems.append(f"{f['question']}: kinds {sorted(a['kind'] for a in f['answers'])}")
        for a in f["answers"]:
            if a["id"] in seen:
                problems.append(f"duplicate id {a['id']}")
            seen.add(a["id"])
            if set(a["labels"]) != want:
                problems.append(f"{a['id']}: labels {sorted(a['labels'])} != {sorted(want)}")
            if any(v not in LABELS for v in a["labels"].values()):
                problems.append(f"{a['id']}: bad label value")
            if not set(a.get("notes", {})) <= want:
                problems.append(f"{a['id']}: note for unknown key point")
    return problems


if __name__ == "__main__":
    data = load()
    print(table(data))
    print()
    print(kinds(data))
    if "--validate" in sys.argv:
        issues = validate(data)
        print("validation:", "OK" if not issues else "\n".join(issues))
        sys.exit(1 if issues else 0)
