"""Print the counts table of this sealed held-out set; --validate checks its structure.

Why: the set is scored once, later, by someone else; a structural slip found then
would waste it, so every commit is checked against the bank's key-point ids.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
KINDS = {"strong": 1, "average": 2, "weak": 1, "negation": 1, "wrong-question": 1, "off-topic": 1}
LABELS = ("covered", "partial", "missed")


def load_sets() -> list[dict]:
    """Every question file in this folder, sorted by name."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(HERE.glob("*--*.json"))]


def table(sets: list[dict]) -> str:
    """Answers, ASR-style answers and label counts per question file."""
    rows = [f"{'question':42} {'ans':>4} {'asr':>4} {'cov':>4} {'part':>4} {'miss':>4}"]
    tot = Counter()
    for s in sets:
        c = Counter()
        for a in s["answers"]:
            c["ans"] += 1
            c["asr"] += bool(a.get("asr_errors"))
            c.update(a["labels"].values())
        tot.update(c)
        rows.append(f"{s['question']:42} {c['ans']:>4} {c['asr']:>4} {c['covered']:>4} "
                    f"{c['partial']:>4} {c['missed']:>4}")
    rows.append(f"{'TOTAL':42} {tot['ans']:>4} {tot['asr']:>4} {tot['covered']:>4} "
                f"{tot['partial']:>4} {tot['missed']:>4}")
    return "\n".join(rows)


def validate(sets: list[dict]) -> list[str]:
    """Problems found: key-point ids, label values, unique ids, kinds per question."""
    from voiceprep.bank.loader import load_default_banks

    banks = load_default_banks()
    errors: list[str] = []
    seen: set[str] = set()
    for s in sets:
        qref = s["question"]
        try:
            _, q = banks.resolve(qref)
        except Exception as exc:  # noqa: BLE001 - report any resolution failure
            errors.append(f"{qref}: cannot resolve ({exc})")
            continue
        ids = {k.id for k in q.key_points}
        kinds = Counter(a["kind"] for a in s["answers"])
        if dict(kinds) != KINDS:
            errors.append(f"{qref}: kinds {dict(kinds)} != {KINDS}")
        for a in s["answers"]:
            aid = a["id"]
            if aid in seen:
                errors.append(f"{aid}: duplicate id")
            seen.add(aid)
            if set(a["labels"]) != ids:
                errors.append(f"{aid}: labels {sorted(a['labels'])} != key points {sorted(ids)}")
            bad = [v for v in a["labels"].values() if v not in LABELS]
            if bad:
                errors.append(f"{aid}: invalid labels {bad}")
            extra = set(a.get("notes", {})) - ids
            if extra:
                errors.append(f"{aid}: notes for unknown key points {sorted(extra)}")
            if not isinstance(a.get("asr_errors"), bool) or not a.get("text", "").strip():
                errors.append(f"{aid}: asr_errors must be bool and text non-empty")
    return errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--validate", action="store_true")
    args = parser.parse_args(argv)
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
