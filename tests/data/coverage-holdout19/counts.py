"""Print the counts table of the sealed coverage-holdout19 set; --validate checks it.

Validation exists so a malformed sealed set is caught before its one scoring run,
not during it. It compares labels against the built-in bank's key-point ids.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABELS = ("covered", "partial", "missed")
KINDS = ("strong", "average", "weak", "negation", "wrong-question", "off-topic")
EXPECTED_KINDS = Counter({"strong": 1, "average": 2, "weak": 1, "negation": 1,
                          "wrong-question": 1, "off-topic": 1})


def load_sets() -> list[tuple[Path, dict]]:
    """Load every question file in this folder, sorted by name."""
    return [(p, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(HERE.glob("*.json"))]


def table(sets: list[tuple[Path, dict]]) -> str:
    """Return a markdown table of answers, asr flags and label counts per question."""
    head = "| question | answers | asr_errors | covered | partial | missed |"
    rows = [head, "|---|---|---|---|---|---|"]
    tot = Counter()
    for _, data in sets:
        c = Counter()
        for a in data["answers"]:
            c["answers"] += 1
            c["asr"] += bool(a.get("asr_errors"))
            c.update(a["labels"].values())
        tot.update(c)
        rows.append(f"| {data['question']} | {c['answers']} | {c['asr']} | {c['covered']} "
                    f"| {c['partial']} | {c['missed']} |")
    rows.append(f"| **total** | {tot['answers']} | {tot['asr']} | {tot['covered']} "
                f"| {tot['partial']} | {tot['missed']} |")
    return "\n".join(rows)


def validate(sets: list[tuple[Path, dict]]) -> list[str]:
    """Return a list of problems (empty when the set is well formed)."""
    from voiceprep.bank.loader import load_default_banks

    banks = load_default_banks()
    problems: list[str] = []
    seen_ids: set[str] = set()
    for path, data in sets:
        qref = data.get("question", "")
        expected_name = qref.replace("/", "--") + ".json"
        if path.name != expected_name:
            problems.append(f"{path.name}: file name should be {expected_name}")
        try:
            _, question = banks.resolve(qref)
        except Exception as exc:  # noqa: BLE001 - report any resolution failure
            problems.append(f"{path.name}: cannot resolve {qref!r}: {exc}")
            continue
        kp_ids = {k.id for k in question.key_points}
        kinds = Counter()
        for a in data.get("answers", []):
            aid = a.get("id", "?")
            if aid in seen_ids:
                problems.append(f"{path.name}: duplicate answer id {aid}")
            seen_ids.add(aid)
            kind = a.get("kind")
            if kind not in KINDS:
                problems.append(f"{aid}: bad kind {kind!r}")
            kinds[kind] += 1
            if not isinstance(a.get("asr_errors"), bool):
                problems.append(f"{aid}: asr_errors must be a boolean")
            if not isinstance(a.get("text"), str) or not a["text"].strip():
                problems.append(f"{aid}: empty text")
            labels = a.get("labels", {})
            if set(labels) != kp_ids:
                problems.append(f"{aid}: labels {sorted(labels)} != key points {sorted(kp_ids)}")
            for kp, lab in labels.items():
                if lab not in LABELS:
                    problems.append(f"{aid}: bad label {lab!r} for {kp}")
            for kp in a.get("notes", {}):
                if kp not in kp_ids:
                    problems.append(f"{aid}: note for unknown key point {kp}")
        if kinds != EXPECTED_KINDS:
            problems.append(f"{path.name}: kinds {dict(kinds)} != {dict(EXPECTED_KINDS)}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--validate", action="store_true", help="check the set against the bank")
    args = parser.parse_args()
    sets = load_sets()
    print(table(sets))
    if args.validate:
        problems = validate(sets)
        for p in problems:
            print("PROBLEM:", p)
        print("validation:", "OK" if not problems else f"{len(problems)} problem(s)")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
