"""Print the counts table of this sealed held-out set; ``--validate`` checks its structure.

Run from the repository root: ``.venv/bin/python tests/data/coverage-holdout21/counts.py --validate``.
Validation needs the built-in bank so that the labels are checked against the real key-point ids.
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
WORDS = {"strong": (250, 400), "average": (100, 250), "off-topic": (150, 220)}
ASR_PUNCT = set(".,;:!?\"()")


def load_sets() -> list[tuple[Path, dict]]:
    """All question files in this folder, sorted by name."""
    return [(p, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(HERE.glob("*.json"))]


def table(sets: list[tuple[Path, dict]]) -> str:
    """Answers per kind and label totals per question, as a Markdown table."""
    head = ["question", "answers", *KINDS, "asr", "covered", "partial", "missed"]
    rows = [head, ["---"] * len(head)]
    total: Counter[str] = Counter()
    for _, data in sets:
        c: Counter[str] = Counter()
        for a in data["answers"]:
            c["answers"] += 1
            c[a["kind"]] += 1
            c["asr"] += bool(a.get("asr_errors"))
            for v in a["labels"].values():
                c[v] += 1
        total.update(c)
        rows.append([data["question"], *(str(c[k]) for k in head[1:])])
    rows.append(["**total**", *(str(total[k]) for k in head[1:])])
    return "\n".join("| " + " | ".join(r) + " |" for r in rows)


def validate(sets: list[tuple[Path, dict]]) -> list[str]:
    """Every structural problem found, empty when the set is well formed."""
    sys.path.insert(0, str(HERE.parents[2]))
    from voiceprep.bank.loader import load_default_banks

    banks = load_default_banks()
    errors: list[str] = []
    seen: set[str] = set()
    for path, data in sets:
        ref = data.get("question", "")
        if path.name != ref.replace("/", "--") + ".json":
            errors.append(f"{path.name}: file name does not match question {ref!r}")
        found = banks.resolve(ref)
        if found is None:
            errors.append(f"{path.name}: unknown question {ref!r}")
            continue
        ids = {k.id for k in found[1].key_points}
        kinds = Counter(a.get("kind") for a in data["answers"])
        if dict(kinds) != EXPECTED:
            errors.append(f"{path.name}: kinds {dict(kinds)} != {EXPECTED}")
        for a in data["answers"]:
            aid = a.get("id", "?")
            where = f"{path.name}:{aid}"
            if aid in seen:
                errors.append(f"{where}: duplicate id")
            seen.add(aid)
            if a.get("kind") not in KINDS:
                errors.append(f"{where}: bad kind {a.get('kind')!r}")
            if not isinstance(a.get("asr_errors"), bool):
                errors.append(f"{where}: asr_errors must be true or false")
            text = a.get("text", "")
            if not text.strip():
                errors.append(f"{where}: empty text")
            if a.get("asr_errors") and (text != text.lower() or ASR_PUNCT & set(text)):
                errors.append(f"{where}: asr answer has capitals or punctuation")
            lo_hi = WORDS.get(a.get("kind", ""))
            n = len(text.split())
            if lo_hi and not lo_hi[0] <= n <= lo_hi[1]:
                errors.append(f"{where}: {n} words, outside {lo_hi}")
            labels = a.get("labels", {})
            if set(labels) != ids:
                errors.append(f"{where}: labels {sorted(labels)} != key points {sorted(ids)}")
            bad = {k: v for k, v in labels.items() if v not in LABELS}
            if bad:
                errors.append(f"{where}: bad labels {bad}")
            stray = set(a.get("notes", {})) - ids
            if stray:
                errors.append(f"{where}: notes for unknown key points {sorted(stray)}")
    return errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--validate", action="store_true", help="check structure against the bank")
    args = parser.parse_args()
    sets = load_sets()
    print(table(sets))
    if args.validate:
        errors = validate(sets)
        for e in errors:
            print("ERROR", e)
        print("validation:", "OK" if not errors else f"{len(errors)} problem(s)")
        return 1 if errors else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
