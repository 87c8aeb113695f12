"""Print the counts table of the sealed held-out set; with --validate, check its structure.

Validation reads the bank only for key-point ids, so the set can be checked without looking
at anything the coverage analysis is built from.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
KINDS = ("strong", "average", "weak", "negation", "wrong-question", "off-topic")
EXPECTED_KINDS = Counter({"strong": 1, "average": 2, "weak": 1, "negation": 1,
                          "wrong-question": 1, "off-topic": 1})
LABELS = ("covered", "partial", "missed")


def load_sets() -> list[tuple[Path, dict]]:
    """All question files of the set, sorted by name."""
    return [(p, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(HERE.glob("*--*.json"))]


def print_table(sets: list[tuple[Path, dict]]) -> None:
    """Answers per kind and labels per value, per question and in total."""
    head = f"{'question':40} {'ans':>3} {'asr':>3} " + " ".join(f"{k[:6]:>6}" for k in KINDS)
    head += " " + " ".join(f"{v:>7}" for v in LABELS)
    print(head)
    tot_k: Counter = Counter()
    tot_l: Counter = Counter()
    tot_a = tot_asr = 0
    for _, data in sets:
        answers = data["answers"]
        kinds = Counter(a["kind"] for a in answers)
        labels = Counter(v for a in answers for v in a["labels"].values())
        asr = sum(1 for a in answers if a.get("asr_errors"))
        tot_k += kinds
        tot_l += labels
        tot_a += len(answers)
        tot_asr += asr
        row = f"{data['question']:40} {len(answers):>3} {asr:>3} "
        row += " ".join(f"{kinds[k]:>6}" for k in KINDS) + " " + " ".join(f"{labels[v]:>7}" for v in LABELS)
        print(row)
    row = f"{'TOTAL':40} {tot_a:>3} {tot_asr:>3} "
    row += " ".join(f"{tot_k[k]:>6}" for k in KINDS) + " " + " ".join(f"{tot_l[v]:>7}" for v in LABELS)
    print(row)


def validate(sets: list[tuple[Path, dict]]) -> list[str]:
    """Problems found; empty when the set is well formed."""
    from voiceprep.bank.loader import load_default_banks

    banks = load_default_banks()
    problems: list[str] = []
    seen_ids: set[str] = set()
    for path, data in sets:
        qref = data.get("question", "")
        bank, _, qid = qref.partition("/")
        if path.name != f"{bank}--{qid}.json":
            problems.append(f"{path.name}: file name does not match question {qref!r}")
        try:
            _, question = banks.resolve(qref)
        except Exception as exc:  # noqa: BLE001 - report any lookup failure as a problem
            problems.append(f"{path.name}: cannot resolve {qref!r}: {exc}")
            continue
        kp_ids = {k.id for k in question.key_points}
        kinds: Counter = Counter()
        for ans in data.get("answers", []):
            aid = ans.get("id", "?")
            if aid in seen_ids:
                problems.append(f"{aid}: duplicate id")
            seen_ids.add(aid)
            kind = ans.get("kind")
            if kind not in KINDS:
                problems.append(f"{aid}: bad kind {kind!r}")
            kinds[kind] += 1
            if not isinstance(ans.get("asr_errors"), bool):
                problems.append(f"{aid}: asr_errors must be true or false")
            if not str(ans.get("text", "")).strip():
                problems.append(f"{aid}: empty text")
            labels = ans.get("labels", {})
            if set(labels) != kp_ids:
                problems.append(f"{aid}: labels {sorted(labels)} != key points {sorted(kp_ids)}")
            for kp, val in labels.items():
                if val not in LABELS:
                    problems.append(f"{aid}: bad label {val!r} for {kp}")
            for kp in ans.get("notes", {}):
                if kp not in kp_ids:
                    problems.append(f"{aid}: note for unknown key point {kp!r}")
        if kinds != EXPECTED_KINDS:
            problems.append(f"{path.name}: kinds {dict(kinds)} != {dict(EXPECTED_KINDS)}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--validate", action="store_true", help="check the set's structure")
    args = parser.parse_args()
    sets = load_sets()
    print_table(sets)
    if args.validate:
        problems = validate(sets)
        for p in problems:
            print("PROBLEM:", p)
        print("valid" if not problems else f"{len(problems)} problem(s)")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
