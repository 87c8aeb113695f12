"""Counts table and format check for the sealed held-out set coverage-holdout13.

Run from the repository root with the project's venv:
    .venv/bin/python tests/data/coverage-holdout13/counts.py            # print the table
    .venv/bin/python tests/data/coverage-holdout13/counts.py --validate # also check the files

Validation only checks structure against the built-in bank (key-point ids, label values, unique
answer ids, one answer of each kind per question, two of kind average). It never scores anything:
this set is for one final evaluation only.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABELS = ("covered", "partial", "missed")
KINDS = {"strong": 1, "average": 2, "weak": 1, "negation": 1, "wrong-question": 1, "off-topic": 1}
PREFIX = "h13-"


def load_sets() -> list[tuple[Path, dict]]:
    """Every question file in this folder, parsed."""
    return [(p, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(HERE.glob("*--*.json"))]


def bank_point_ids(ref: str) -> list[str] | None:
    """Key-point ids of a built-in bank question, or None when the bank does not have it."""
    from voiceprep.bank.loader import load_default_banks

    found = load_default_banks().resolve(ref)
    if found is None:
        return None
    return [k.id for k in found[1].key_points]


def validate(sets: list[tuple[Path, dict]]) -> list[str]:
    """All problems found, as readable lines; empty when the set is well formed."""
    problems: list[str] = []
    seen_ids: set[str] = set()
    for path, data in sets:
        ref = data.get("question", "")
        expected_name = ref.replace("/", "--") + ".json"
        if path.name != expected_name:
            problems.append(f"{path.name}: file name should be {expected_name}")
        points = bank_point_ids(ref)
        if points is None:
            problems.append(f"{path.name}: question {ref!r} is not in the built-in bank")
            continue
        kinds = Counter()
        for ans in data.get("answers", []):
            aid = ans.get("id", "?")
            where = f"{path.name}:{aid}"
            if not aid.startswith(PREFIX):
                problems.append(f"{where}: id must start with {PREFIX}")
            if aid in seen_ids:
                problems.append(f"{where}: duplicate answer id")
            seen_ids.add(aid)
            kind = ans.get("kind")
            if kind not in KINDS:
                problems.append(f"{where}: unknown kind {kind!r}")
            kinds[kind] += 1
            if not isinstance(ans.get("asr_errors"), bool):
                problems.append(f"{where}: asr_errors must be true or false")
            if not isinstance(ans.get("text"), str) or not ans["text"].strip():
                problems.append(f"{where}: empty text")
            labels = ans.get("labels", {})
            if sorted(labels) != sorted(points):
                missing = sorted(set(points) - set(labels))
                extra = sorted(set(labels) - set(points))
                problems.append(f"{where}: labels must be exactly the bank's key points "
                                f"(missing {missing}, extra {extra})")
            for pid, lab in labels.items():
                if lab not in LABELS:
                    problems.append(f"{where}: {pid} has invalid label {lab!r}")
            for pid in ans.get("notes", {}):
                if pid not in points:
                    problems.append(f"{where}: note on unknown key point {pid!r}")
        for kind, n in KINDS.items():
            if kinds[kind] != n:
                problems.append(f"{path.name}: expected {n} answer(s) of kind {kind}, found {kinds[kind]}")
    return problems


def table(sets: list[tuple[Path, dict]]) -> str:
    """Per question: answers, ASR-style answers, and label counts."""
    head = f"{'question':42} {'answers':>7} {'asr':>4} {'covered':>8} {'partial':>8} {'missed':>7}"
    lines = [head, "-" * len(head)]
    tot = Counter()
    for _, data in sets:
        c = Counter()
        for ans in data["answers"]:
            c["answers"] += 1
            c["asr"] += bool(ans.get("asr_errors"))
            c.update(ans["labels"].values())
        tot.update(c)
        lines.append(f"{data['question']:42} {c['answers']:>7} {c['asr']:>4} {c['covered']:>8} "
                     f"{c['partial']:>8} {c['missed']:>7}")
    lines.append("-" * len(head))
    lines.append(f"{'total':42} {tot['answers']:>7} {tot['asr']:>4} {tot['covered']:>8} "
                 f"{tot['partial']:>8} {tot['missed']:>7}")
    by_kind = Counter()
    kind_labels: dict[str, Counter] = {}
    for _, data in sets:
        for ans in data["answers"]:
            by_kind[ans["kind"]] += 1
            kind_labels.setdefault(ans["kind"], Counter()).update(ans["labels"].values())
    lines.append("")
    lines.append(f"{'kind':16} {'answers':>7} {'covered':>8} {'partial':>8} {'missed':>7}")
    for kind in KINDS:
        k = kind_labels.get(kind, Counter())
        lines.append(f"{kind:16} {by_kind[kind]:>7} {k['covered']:>8} {k['partial']:>8} {k['missed']:>7}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--validate", action="store_true", help="check the files against the bank")
    args = parser.parse_args(argv)
    sets = load_sets()
    print(table(sets))
    if args.validate:
        problems = validate(sets)
        for line in problems:
            print("PROBLEM:", line)
        print("validate: OK" if not problems else f"validate: {len(problems)} problem(s)")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
