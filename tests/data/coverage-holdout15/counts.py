"""Print the counts table of the sealed holdout-15 set; --validate checks it against the bank.

Why: the set is scored once, later, by someone else; a label for a key-point id the bank no
longer has (or a missing one) must be caught before then, not at scoring time.
Run: .venv/bin/python tests/data/coverage-holdout15/counts.py [--validate]
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABELS = {"covered", "partial", "missed"}
KINDS = Counter({"strong": 1, "average": 2, "weak": 1, "negation": 1,
                 "wrong-question": 1, "off-topic": 1})


def load() -> list[dict]:
    """All question files in this folder, sorted by name."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(HERE.glob("*--*.json"))]


def table(sets: list[dict]) -> str:
    """Answers, ASR-styled answers and label counts per question, with a total row."""
    rows = [("question", "answers", "asr", "covered", "partial", "missed")]
    tot = Counter()
    for s in sets:
        c = Counter(v for a in s["answers"] for v in a["labels"].values())
        row = Counter(answers=len(s["answers"]),
                      asr=sum(bool(a.get("asr_errors")) for a in s["answers"]), **c)
        tot.update(row)
        rows.append((s["question"], *(str(row[k]) for k in rows[0][1:])))
    rows.append(("TOTAL", *(str(tot[k]) for k in rows[0][1:])))
    w = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(x.ljust(w[i]) if i == 0 else x.rjust(w[i])
                               for i, x in enumerate(r)) for r in rows)


def validate(sets: list[dict]) -> list[str]:
    """Problems found (empty when the set is well formed)."""
    from voiceprep.bank.loader import load_default_banks

    banks = load_default_banks()
    errors: list[str] = []
    seen: set[str] = set()
    for s in sets:
        qid = s["question"]
        try:
            _, q = banks.resolve(qid)
        except Exception as exc:  # noqa: BLE001 - report any resolution failure
            errors.append(f"{qid}: cannot resolve ({exc})")
            continue
        want = {k.id for k in q.key_points}
        kinds = Counter(a["kind"] for a in s["answers"])
        if kinds != KINDS:
            errors.append(f"{qid}: kinds {dict(kinds)} != {dict(KINDS)}")
        for a in s["answers"]:
            aid = a["id"]
            if aid in seen:
                errors.append(f"{aid}: duplicate id")
            seen.add(aid)
            if not a.get("text", "").strip():
                errors.append(f"{aid}: empty text")
            got = set(a["labels"])
            if got != want:
                errors.append(f"{aid}: labels missing {sorted(want - got)}, extra {sorted(got - want)}")
            bad = {k: v for k, v in a["labels"].items() if v not in LABELS}
            if bad:
                errors.append(f"{aid}: invalid labels {bad}")
            stray = set(a.get("notes", {})) - want
            if stray:
                errors.append(f"{aid}: notes for unknown key points {sorted(stray)}")
            if not isinstance(a.get("asr_errors"), bool):
                errors.append(f"{aid}: asr_errors must be true or false")
    return errors


def main(argv: list[str]) -> int:
    sets = load()
    print(table(sets))
    if "--validate" in argv:
        errors = validate(sets)
        for e in errors:
            print("ERROR", e)
        print(f"validate: {len(sets)} question files, "
              f"{sum(len(s['answers']) for s in sets)} answers, {len(errors)} problems")
        return 1 if errors else 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
