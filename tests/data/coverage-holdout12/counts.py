"""Print the counts table of the sealed held-out set; with --validate, check it against the bank.

Why: the set is scored once, later, by someone else; a malformed file must be caught when written.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
KINDS = ("strong", "average", "weak", "negation", "wrong-question", "off-topic")
EXPECTED = {"strong": 1, "average": 2, "weak": 1, "negation": 1, "wrong-question": 1, "off-topic": 1}
LABELS = ("covered", "partial", "missed")


def load_files() -> list[tuple[Path, dict]]:
    """Every question file in this folder, sorted by name."""
    return [(p, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(HERE.glob("*--*.json"))]


def table(files: list[tuple[Path, dict]]) -> str:
    """Markdown table: answers per kind, ASR-style answers and label totals per question."""
    head = ["question", *KINDS, "asr", "covered", "partial", "missed"]
    rows = [head, ["---"] * len(head)]
    total: Counter[str] = Counter()
    for _, data in files:
        c: Counter[str] = Counter()
        for a in data["answers"]:
            c[a["kind"]] += 1
            c["asr"] += bool(a.get("asr_errors"))
            c.update(a["labels"].values())
        total.update(c)
        rows.append([data["question"], *(str(c[k]) for k in head[1:])])
    rows.append(["**total**", *(str(total[k]) for k in head[1:])])
    return "\n".join("| " + " | ".join(r) + " |" for r in rows)


def validate(files: list[tuple[Path, dict]]) -> list[str]:
    """Problems found: key-point ids, labels, ids, kinds, notes."""
    from voiceprep.bank.loader import load_default_banks

    banks = load_default_banks()
    errors: list[str] = []
    seen: set[str] = set()
    for path, data in files:
        qref = data.get("question", "")
        if path.name != qref.replace("/", "--") + ".json":
            errors.append(f"{path.name}: file name does not match question {qref!r}")
        try:
            _, q = banks.resolve(qref)
        except Exception as exc:  # noqa: BLE001 - report any resolution failure
            errors.append(f"{path.name}: cannot resolve {qref!r}: {exc}")
            continue
        kp_ids = {k.id for k in q.key_points}
        kinds = Counter(a.get("kind") for a in data["answers"])
        if dict(kinds) != EXPECTED:
            errors.append(f"{path.name}: kinds {dict(kinds)} != {EXPECTED}")
        for a in data["answers"]:
            aid = a.get("id", "?")
            if aid in seen:
                errors.append(f"{aid}: duplicate id")
            seen.add(aid)
            if not str(a.get("text", "")).strip():
                errors.append(f"{aid}: empty text")
            if not isinstance(a.get("asr_errors"), bool):
                errors.append(f"{aid}: asr_errors must be true/false")
            labels = a.get("labels", {})
            if set(labels) != kp_ids:
                errors.append(f"{aid}: labels {sorted(labels)} != key points {sorted(kp_ids)}")
            bad = {k: v for k, v in labels.items() if v not in LABELS}
            if bad:
                errors.append(f"{aid}: invalid labels {bad}")
            stray = set(a.get("notes", {})) - kp_ids
            if stray:
                errors.append(f"{aid}: notes for unknown key points {sorted(stray)}")
    return errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--validate", action="store_true", help="check files against the bank")
    args = parser.parse_args()
    files = load_files()
    print(table(files))
    if args.validate:
        errors = validate(files)
        for e in errors:
            print("ERROR", e)
        print(f"validate: {len(files)} files, {sum(len(d['answers']) for _, d in files)} answers, "
              f"{len(errors)} errors")
        return 1 if errors else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
