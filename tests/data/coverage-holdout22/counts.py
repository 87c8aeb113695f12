"""Print the counts table of this sealed held-out set; `--validate` checks it against the bank.

Kept next to the data so the set can be checked without any analysis code (which must not be
tuned on it).
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
    """Every question file in this folder, sorted by name."""
    return [(p, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(HERE.glob("*.json"))]


def table(sets: list[tuple[Path, dict]]) -> str:
    """Markdown table: answers and labels per question."""
    head = "| question | answers | asr | covered | partial | missed |"
    rows = [head, "|---|---|---|---|---|---|"]
    tot = Counter()
    for _, data in sets:
        c = Counter()
        for a in data["answers"]:
            c["answers"] += 1
            c["asr"] += bool(a.get("asr_errors"))
            c.update(a["labels"].values())
        tot.update(c)
        rows.append(f"| {data['question']} | {c['answers']} | {c['asr']} | {c['covered']} | "
                    f"{c['partial']} | {c['missed']} |")
    rows.append(f"| **total** | {tot['answers']} | {tot['asr']} | {tot['covered']} | "
                f"{tot['partial']} | {tot['missed']} |")
    return "\n".join(rows)


def validate(sets: list[tuple[Path, dict]]) -> list[str]:
    """Problems found; empty means the set is well-formed against the built-in bank."""
    from voiceprep.bank.loader import load_default_banks

    banks = load_default_banks()
    problems: list[str] = []
    seen_ids: set[str] = set()
    for path, data in sets:
        qref = data.get("question", "")
        if path.name != qref.replace("/", "--") + ".json":
            problems.append(f"{path.name}: file name does not match question {qref!r}")
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
            kinds[a.get("kind")] += 1
            if a.get("kind") not in KINDS:
                problems.append(f"{aid}: unknown kind {a.get('kind')!r}")
            if not isinstance(a.get("asr_errors"), bool):
                problems.append(f"{aid}: asr_errors must be true or false")
            if not str(a.get("text", "")).strip():
                problems.append(f"{aid}: empty text")
            labels = a.get("labels", {})
            if set(labels) != kp_ids:
                problems.append(f"{aid}: labels {sorted(labels)} != key points {sorted(kp_ids)}")
            bad = {k: v for k, v in labels.items() if v not in LABELS}
            if bad:
                problems.append(f"{aid}: invalid labels {bad}")
            stray = set(a.get("notes", {})) - kp_ids
            if stray:
                problems.append(f"{aid}: notes for unknown key points {sorted(stray)}")
        if kinds != EXPECTED_KINDS:
            problems.append(f"{path.name}: kinds {dict(kinds)} != {dict(EXPECTED_KINDS)}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--validate", action="store_true", help="check against the built-in bank")
    args = parser.parse_args(argv)
    sets = load_sets()
    print(table(sets))
    if args.validate:
        problems = validate(sets)
        for p in problems:
            print("PROBLEM:", p)
        print(f"validate: {len(sets)} files, {'OK' if not problems else f'{len(problems)} problems'}")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
