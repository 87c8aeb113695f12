"""Print the counts table for the sealed coverage-holdout26 set; `--validate` checks its shape.

Why: the set is scored once, later, by someone else; this lets anyone confirm it is complete
and well-formed without reading (or tuning on) the answers themselves.
Run from the repository root: `.venv/bin/python tests/data/coverage-holdout26/counts.py [--validate]`.
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


def print_table(sets: list[tuple[Path, dict]]) -> None:
    """Per question: answers, ASR-style answers and label totals; then totals by kind."""
    header = f"{'question':45} {'answers':>7} {'asr':>4} {'covered':>8} {'partial':>8} {'missed':>7}"
    print(header)
    print("-" * len(header))
    tot = Counter()
    by_kind: dict[str, Counter] = {k: Counter() for k in KINDS}
    for _path, data in sets:
        row = Counter()
        for ans in data["answers"]:
            row["answers"] += 1
            row["asr"] += bool(ans.get("asr_errors"))
            kind_row = by_kind.setdefault(ans.get("kind", "?"), Counter())
            kind_row["answers"] += 1
            for label in ans["labels"].values():
                row[label] += 1
                kind_row[label] += 1
        tot.update(row)
        print(f"{data['question']:45} {row['answers']:>7} {row['asr']:>4} {row['covered']:>8} "
              f"{row['partial']:>8} {row['missed']:>7}")
    print("-" * len(header))
    print(f"{'TOTAL':45} {tot['answers']:>7} {tot['asr']:>4} {tot['covered']:>8} "
          f"{tot['partial']:>8} {tot['missed']:>7}")
    print()
    print(f"{'kind':20} {'answers':>7} {'covered':>8} {'partial':>8} {'missed':>7}")
    for kind, row in by_kind.items():
        print(f"{kind:20} {row['answers']:>7} {row['covered']:>8} {row['partial']:>8} {row['missed']:>7}")


def validate(sets: list[tuple[Path, dict]]) -> list[str]:
    """Return a list of problems (empty when the set is well-formed)."""
    sys.path.insert(0, str(HERE.parents[2]))
    from voiceprep.bank.loader import load_default_banks

    banks = load_default_banks()
    problems: list[str] = []
    seen_ids: set[str] = set()
    for path, data in sets:
        qref = data.get("question", "")
        try:
            _bank, question = banks.resolve(qref)
        except Exception as exc:  # noqa: BLE001 - report any resolution failure as a problem
            problems.append(f"{path.name}: cannot resolve {qref!r}: {exc}")
            continue
        expected_name = qref.replace("/", "--") + ".json"
        if path.name != expected_name:
            problems.append(f"{path.name}: file name should be {expected_name}")
        kp_ids = {kp.id for kp in question.key_points}
        kinds = Counter()
        for ans in data.get("answers", []):
            aid = ans.get("id", "<no id>")
            if aid in seen_ids:
                problems.append(f"{path.name}: duplicate answer id {aid}")
            seen_ids.add(aid)
            kind = ans.get("kind")
            if kind not in KINDS:
                problems.append(f"{path.name}:{aid}: bad kind {kind!r}")
            kinds[kind] += 1
            if not isinstance(ans.get("asr_errors"), bool):
                problems.append(f"{path.name}:{aid}: asr_errors must be true/false")
            if not isinstance(ans.get("text"), str) or not ans["text"].strip():
                problems.append(f"{path.name}:{aid}: empty text")
            labels = ans.get("labels", {})
            if set(labels) != kp_ids:
                problems.append(f"{path.name}:{aid}: labels {sorted(labels)} != key points {sorted(kp_ids)}")
            for kp, label in labels.items():
                if label not in LABELS:
                    problems.append(f"{path.name}:{aid}: bad label {label!r} for {kp}")
            for kp in ans.get("notes", {}):
                if kp not in kp_ids:
                    problems.append(f"{path.name}:{aid}: note for unknown key point {kp}")
        if kinds != EXPECTED_KINDS:
            problems.append(f"{path.name}: kinds {dict(kinds)} != {dict(EXPECTED_KINDS)}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--validate", action="store_true", help="check shape against the bank")
    args = parser.parse_args(argv)
    sets = load_sets()
    print_table(sets)
    if args.validate:
        problems = validate(sets)
        print()
        if problems:
            print(f"INVALID: {len(problems)} problem(s)")
            for p in problems:
                print("  " + p)
            return 1
        print(f"OK: {len(sets)} question file(s), {sum(len(d['answers']) for _, d in sets)} answers valid")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
