"""Print the counts table of the sealed coverage-holdout9 set; --validate checks its structure.

Kept next to the data so the one final scorer can check the set is intact before using it.
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


def load_files() -> list[tuple[Path, dict]]:
    """Every question file of the set, sorted by name."""
    return [(p, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(HERE.glob("*.json"))]


def table(files: list[tuple[Path, dict]]) -> str:
    """Answers per kind and labels per value, one row per question plus a total."""
    head = ["question", "answers", *KINDS, "asr", *LABELS]
    rows: list[list[str]] = []
    tot: Counter = Counter()
    for _, data in files:
        c: Counter = Counter()
        for a in data["answers"]:
            c["answers"] += 1
            c[a["kind"]] += 1
            c["asr"] += bool(a.get("asr_errors"))
            c.update(a["labels"].values())
        tot.update(c)
        rows.append([data["question"], *(str(c[h]) for h in head[1:])])
    rows.append(["TOTAL", *(str(tot[h]) for h in head[1:])])
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    fmt = lambda r: "| " + " | ".join(x.ljust(w) for x, w in zip(r, widths)) + " |"
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([fmt(head), sep, *(fmt(r) for r in rows)])


def validate(files: list[tuple[Path, dict]]) -> list[str]:
    """Problems found: key-point ids against the bank, labels, ids, kinds per question."""
    from voiceprep.bank.loader import load_default_banks

    banks = load_default_banks()
    errors: list[str] = []
    seen_ids: set[str] = set()
    for path, data in files:
        qref = data.get("question", "")
        expected_name = qref.replace("/", "--") + ".json"
        if path.name != expected_name:
            errors.append(f"{path.name}: file name should be {expected_name}")
        try:
            _, q = banks.resolve(qref)
        except Exception as exc:  # noqa: BLE001 - report any resolution failure
            errors.append(f"{path.name}: cannot resolve {qref!r}: {exc}")
            continue
        kp_ids = {k.id for k in q.key_points}
        kinds: Counter = Counter()
        for a in data.get("answers", []):
            aid = a.get("id", "?")
            if aid in seen_ids:
                errors.append(f"{aid}: duplicate answer id")
            seen_ids.add(aid)
            kind = a.get("kind")
            if kind not in KINDS:
                errors.append(f"{aid}: unknown kind {kind!r}")
            kinds[kind] += 1
            if not isinstance(a.get("asr_errors"), bool):
                errors.append(f"{aid}: asr_errors must be true/false")
            if not str(a.get("text", "")).strip():
                errors.append(f"{aid}: empty text")
            labels = a.get("labels", {})
            if set(labels) != kp_ids:
                errors.append(f"{aid}: labels {sorted(labels)} != key points {sorted(kp_ids)}")
            for kp, lab in labels.items():
                if lab not in LABELS:
                    errors.append(f"{aid}: {kp} has invalid label {lab!r}")
            for kp in a.get("notes", {}):
                if kp not in kp_ids:
                    errors.append(f"{aid}: note for unknown key point {kp!r}")
        if kinds != EXPECTED_KINDS:
            errors.append(f"{path.name}: kinds {dict(kinds)} != {dict(EXPECTED_KINDS)}")
    return errors


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--validate", action="store_true", help="check the set against the bank")
    args = ap.parse_args(argv)
    files = load_files()
    print(table(files))
    if args.validate:
        errors = validate(files)
        for e in errors:
            print("ERROR:", e)
        print(f"validate: {len(files)} files, {len(errors)} problems")
        return 1 if errors else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
