"""Count (and with --validate, check) the sealed coverage-holdout20 set.

Why: the set is scored once, later, by someone else; a malformed file must be
caught when it is written, not at scoring time.
Run: .venv/bin/python tests/data/coverage-holdout20/counts.py [--validate]
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABELS = ("covered", "partial", "missed")
KINDS = {"strong": 1, "average": 2, "weak": 1, "negation": 1,
         "wrong-question": 1, "off-topic": 1}


def load_sets() -> list[tuple[Path, dict]]:
    """Every question file in this folder, sorted by name."""
    return [(p, json.loads(p.read_text(encoding="utf-8")))
            for p in sorted(HERE.glob("*--*.json"))]


def table(sets: list[tuple[Path, dict]]) -> str:
    """Markdown table: answers, ASR answers and label counts per question."""
    rows = ["| question | answers | asr | covered | partial | missed |",
            "|---|---|---|---|---|---|"]
    tot = Counter()
    for _, data in sets:
        c: Counter = Counter()
        for a in data["answers"]:
            c["answers"] += 1
            c["asr"] += bool(a.get("asr_errors"))
            c.update(a["labels"].values())
        tot.update(c)
        rows.append(f"| {data['question']} | {c['answers']} | {c['asr']} | "
                    f"{c['covered']} | {c['partial']} | {c['missed']} |")
    rows.append(f"| **total** | {tot['answers']} | {tot['asr']} | "
                f"{tot['covered']} | {tot['partial']} | {tot['missed']} |")
    return "\n".join(rows)


def validate(sets: list[tuple[Path, dict]]) -> list[str]:
    """Problems found: wrong key-point ids, bad labels, duplicate ids, kind mix."""
    from voiceprep.bank.loader import load_default_banks

    banks = load_default_banks()
    errors: list[str] = []
    seen: set[str] = set()
    for path, data in sets:
        ref = data.get("question", "")
        if path.stem != ref.replace("/", "--"):
            errors.append(f"{path.name}: file name does not match question {ref!r}")
        found = banks.resolve(ref)
        if found is None:
            errors.append(f"{path.name}: unknown question {ref!r}")
            continue
        ids = {k.id for k in found[1].key_points}
        kinds = Counter()
        for a in data["answers"]:
            aid = a.get("id", "?")
            if aid in seen:
                errors.append(f"{path.name}: duplicate answer id {aid}")
            seen.add(aid)
            kinds[a.get("kind")] += 1
            if not isinstance(a.get("asr_errors"), bool):
                errors.append(f"{aid}: asr_errors must be true/false")
            if not str(a.get("text", "")).strip():
                errors.append(f"{aid}: empty text")
            labels = a.get("labels", {})
            if set(labels) != ids:
                errors.append(f"{aid}: labels {sorted(labels)} != key points {sorted(ids)}")
            bad = {k: v for k, v in labels.items() if v not in LABELS}
            if bad:
                errors.append(f"{aid}: invalid labels {bad}")
            stray = set(a.get("notes", {})) - ids
            if stray:
                errors.append(f"{aid}: notes for unknown key points {sorted(stray)}")
        if dict(kinds) != KINDS:
            errors.append(f"{path.name}: kinds {dict(kinds)} != {KINDS}")
    return errors


def main(argv: list[str]) -> int:
    sets = load_sets()
    print(table(sets))
    if "--validate" in argv:
        errors = validate(sets)
        for e in errors:
            print("ERROR:", e)
        print("validate:", "OK" if not errors else f"{len(errors)} error(s)",
              f"({len(sets)} files)")
        return 1 if errors else 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
