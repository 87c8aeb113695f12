"""Print the counts table of the sealed coverage-holdout25 set; --validate checks its structure.

Why: the set is scored once, later, by someone else; a structural slip found then would cost the
whole evaluation, so every commit runs this check first. It never reads labels for tuning.
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


def load_files() -> list[tuple[Path, dict]]:
    """Load every question file of the set, sorted by name."""
    return [(p, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(HERE.glob("*.json"))]


def print_table(files: list[tuple[Path, dict]]) -> None:
    """Print answers per question and label totals per question."""
    head = f"{'question':45} {'ans':>4} {'asr':>4} " + " ".join(f"{l:>8}" for l in LABELS)
    print(head)
    print("-" * len(head))
    tot_a = tot_asr = 0
    tot = Counter()
    kinds = Counter()
    for _, data in files:
        answers = data["answers"]
        c = Counter(lab for a in answers for lab in a["labels"].values())
        asr = sum(1 for a in answers if a.get("asr_errors"))
        kinds.update(a["kind"] for a in answers)
        tot.update(c)
        tot_a += len(answers)
        tot_asr += asr
        print(f"{data['question']:45} {len(answers):>4} {asr:>4} "
              + " ".join(f"{c[l]:>8}" for l in LABELS))
    print("-" * len(head))
    print(f"{'TOTAL':45} {tot_a:>4} {tot_asr:>4} " + " ".join(f"{tot[l]:>8}" for l in LABELS))
    print("kinds: " + ", ".join(f"{k}={kinds[k]}" for k in KINDS))


def validate(files: list[tuple[Path, dict]]) -> list[str]:
    """Return a list of problems (empty when the set is well formed)."""
    sys.path.insert(0, str(HERE.parents[2]))
    from voiceprep.bank.loader import load_default_banks

    banks = load_default_banks()
    problems: list[str] = []
    seen_ids: set[str] = set()
    for path, data in files:
        qref = data.get("question", "")
        try:
            _, q = banks.resolve(qref)
        except Exception as exc:  # noqa: BLE001 - report any resolution failure
            problems.append(f"{path.name}: cannot resolve {qref!r}: {exc}")
            continue
        expected_name = qref.replace("/", "--") + ".json"
        if path.name != expected_name:
            problems.append(f"{path.name}: file name should be {expected_name}")
        kp_ids = {k.id for k in q.key_points}
        kinds = Counter()
        for a in data.get("answers", []):
            aid = a.get("id", "?")
            if aid in seen_ids:
                problems.append(f"{path.name}: duplicate id {aid}")
            seen_ids.add(aid)
            if not aid.startswith("h25-"):
                problems.append(f"{path.name}: id {aid} lacks h25- prefix")
            kind = a.get("kind")
            if kind not in KINDS:
                problems.append(f"{path.name}/{aid}: bad kind {kind!r}")
            kinds[kind] += 1
            if not isinstance(a.get("asr_errors"), bool):
                problems.append(f"{path.name}/{aid}: asr_errors must be a bool")
            if not isinstance(a.get("text"), str) or not a["text"].strip():
                problems.append(f"{path.name}/{aid}: empty text")
            labels = a.get("labels", {})
            if set(labels) != kp_ids:
                problems.append(f"{path.name}/{aid}: labels {sorted(labels)} != key points {sorted(kp_ids)}")
            for k, v in labels.items():
                if v not in LABELS:
                    problems.append(f"{path.name}/{aid}: bad label {k}={v!r}")
            for k in a.get("notes", {}):
                if k not in kp_ids:
                    problems.append(f"{path.name}/{aid}: note for unknown key point {k}")
        if kinds != EXPECTED_KINDS:
            problems.append(f"{path.name}: kinds {dict(kinds)} != {dict(EXPECTED_KINDS)}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--validate", action="store_true", help="check structure against the bank")
    args = parser.parse_args()
    files = load_files()
    print_table(files)
    if args.validate:
        problems = validate(files)
        for p in problems:
            print("PROBLEM:", p)
        print(f"validate: {len(files)} files, {len(problems)} problems")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
