"""Print the counts table of the sealed held-out set; `--validate` checks its structure.

Validation reads the key-point ids from the built-in bank so that a label set
that drifts from the bank is caught before the set is ever scored.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABELS = ("covered", "partial", "missed")
KINDS = {"strong": 1, "average": 2, "weak": 1, "negation": 1,
         "wrong-question": 1, "off-topic": 1}


def load() -> list[dict]:
    """All question files of the set, in name order."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(HERE.glob("*--*.json"))]


def table(files: list[dict]) -> str:
    """Markdown table: answers, ASR-style answers and label counts per question."""
    rows = ["| question | answers | asr_errors | covered | partial | missed |",
            "|---|---|---|---|---|---|"]
    tot = Counter()
    for f in files:
        c = Counter(lab for a in f["answers"] for lab in a["labels"].values())
        n, asr = len(f["answers"]), sum(bool(a.get("asr_errors")) for a in f["answers"])
        rows.append(f"| {f['question']} | {n} | {asr} | {c['covered']} | {c['partial']} | {c['missed']} |")
        tot.update(c)
        tot["answers"] += n
        tot["asr"] += asr
    rows.append(f"| **total** | {tot['answers']} | {tot['asr']} | {tot['covered']} | "
                f"{tot['partial']} | {tot['missed']} |")
    return "\n".join(rows)


def validate(files: list[dict]) -> list[str]:
    """Return a list of problems (empty when the set is well formed)."""
    from voiceprep.bank.loader import load_default_banks

    banks = load_default_banks()
    errors: list[str] = []
    seen: set[str] = set()
    for f in files:
        qref = f["question"]
        try:
            _, q = banks.resolve(qref)
        except Exception as exc:  # noqa: BLE001 - report any resolve failure
            errors.append(f"{qref}: cannot resolve ({exc})")
            continue
        kp = {k.id for k in q.key_points}
        kinds = Counter()
        for a in f["answers"]:
            aid = a.get("id", "?")
            if aid in seen:
                errors.append(f"{qref}: duplicate id {aid}")
            seen.add(aid)
            kinds[a.get("kind")] += 1
            if not isinstance(a.get("asr_errors"), bool):
                errors.append(f"{aid}: asr_errors must be true/false")
            if not str(a.get("text", "")).strip():
                errors.append(f"{aid}: empty text")
            labels = a.get("labels", {})
            if set(labels) != kp:
                errors.append(f"{aid}: labels {sorted(labels)} != key points {sorted(kp)}")
            bad = {k: v for k, v in labels.items() if v not in LABELS}
            if bad:
                errors.append(f"{aid}: invalid labels {bad}")
            extra = set(a.get("notes", {})) - kp
            if extra:
                errors.append(f"{aid}: notes for unknown key points {sorted(extra)}")
        if dict(kinds) != KINDS:
            errors.append(f"{qref}: kinds {dict(kinds)} != {KINDS}")
    return errors


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--validate", action="store_true", help="check structure against the bank")
    args = ap.parse_args(argv)
    files = load()
    print(table(files))
    if args.validate:
        errors = validate(files)
        for e in errors:
            print("ERROR:", e)
        print(f"validate: {len(files)} files, {'OK' if not errors else f'{len(errors)} problem(s)'}")
        return 1 if errors else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
