"""Counts table and validator for the sealed coverage-holdout24 set.

Run `python counts.py` to print the counts table, `python counts.py --validate` to also check
that every answer labels exactly the bank's key-point ids with valid labels, that ids are
unique across the set, and that each question has one answer of each kind (two `average`).
Validation reads only the bank (prompt and key-point ids), never the coverage analysis.
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
    """All question files of this set, sorted by name."""
    return [(p, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(HERE.glob("*.json"))]


def key_point_ids(ref: str) -> list[str]:
    """Key-point ids of a built-in bank question, read through the bank loader."""
    root = HERE.parents[2]
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    from voiceprep.bank.loader import load_default_banks

    _, question = load_default_banks().resolve(ref)
    return [k.id for k in question.key_points]


def validate(sets: list[tuple[Path, dict]]) -> list[str]:
    """Every problem found, as readable strings (empty list when the set is valid)."""
    problems: list[str] = []
    seen_ids: set[str] = set()
    for path, data in sets:
        ref = data.get("question", "")
        expected_name = ref.replace("/", "--") + ".json"
        if path.name != expected_name:
            problems.append(f"{path.name}: file name should be {expected_name}")
        try:
            kp_ids = set(key_point_ids(ref))
        except Exception as exc:  # bank lookup failure is a validation problem, not a crash
            problems.append(f"{path.name}: cannot resolve {ref!r}: {exc}")
            continue
        kinds: Counter[str] = Counter()
        for ans in data.get("answers", []):
            aid = ans.get("id", "?")
            where = f"{path.name}:{aid}"
            if aid in seen_ids:
                problems.append(f"{where}: duplicate id")
            seen_ids.add(aid)
            if ans.get("kind") not in KINDS:
                problems.append(f"{where}: bad kind {ans.get('kind')!r}")
            kinds[ans.get("kind")] += 1
            if not isinstance(ans.get("asr_errors"), bool):
                problems.append(f"{where}: asr_errors must be true/false")
            if not str(ans.get("text", "")).strip():
                problems.append(f"{where}: empty text")
            labels = ans.get("labels", {})
            if set(labels) != kp_ids:
                problems.append(f"{where}: labels {sorted(labels)} != key points {sorted(kp_ids)}")
            for kp, lab in labels.items():
                if lab not in LABELS:
                    problems.append(f"{where}: bad label {lab!r} for {kp}")
            for kp in ans.get("notes", {}):
                if kp not in kp_ids:
                    problems.append(f"{where}: note for unknown key point {kp}")
        if kinds != EXPECTED_KINDS:
            problems.append(f"{path.name}: kinds {dict(kinds)} != {dict(EXPECTED_KINDS)}")
    return problems


def table(sets: list[tuple[Path, dict]]) -> str:
    """Markdown counts table: per question, then per kind, then totals."""
    rows = ["| question | answers | asr_errors | covered | partial | missed |",
            "|---|---|---|---|---|---|"]
    by_kind: dict[str, Counter[str]] = {k: Counter() for k in KINDS}
    total: Counter[str] = Counter()
    for _, data in sets:
        c: Counter[str] = Counter()
        for ans in data["answers"]:
            c["answers"] += 1
            c["asr"] += bool(ans.get("asr_errors"))
            for lab in ans["labels"].values():
                c[lab] += 1
            k = by_kind.setdefault(ans["kind"], Counter())
            k["answers"] += 1
            k["asr"] += bool(ans.get("asr_errors"))
            for lab in ans["labels"].values():
                k[lab] += 1
        total.update(c)
        rows.append(f"| {data['question']} | {c['answers']} | {c['asr']} | "
                    f"{c['covered']} | {c['partial']} | {c['missed']} |")
    rows.append(f"| **total** | {total['answers']} | {total['asr']} | "
                f"{total['covered']} | {total['partial']} | {total['missed']} |")
    rows += ["", "| kind | answers | asr_errors | covered | partial | missed |",
             "|---|---|---|---|---|---|"]
    for kind, k in by_kind.items():
        rows.append(f"| {kind} | {k['answers']} | {k['asr']} | "
                    f"{k['covered']} | {k['partial']} | {k['missed']} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--validate", action="store_true", help="check labels, ids and kinds")
    args = parser.parse_args(argv)
    sets = load_sets()
    print(table(sets))
    if args.validate:
        problems = validate(sets)
        for p in problems:
            print("PROBLEM:", p)
        print(f"validate: {len(sets)} files, "
              f"{sum(len(d['answers']) for _, d in sets)} answers, {len(problems)} problems")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
