"""Print the counts table of the sealed held-out set; `--validate` checks its structure.

Validation uses only the bank loader (the key-point ids of each question), never the
coverage analysis: this set must stay independent of the code it will evaluate.
"""
from __future__ import annotations

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
    """All question files of this folder, sorted by name."""
    return [(p, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(HERE.glob("*.json"))]


def table(sets: list[tuple[Path, dict]]) -> str:
    """Per-question answers, ASR-style answers, and label counts, plus a total row."""
    head = f"{'question':45} {'answers':>7} {'asr':>4} {'labels':>6} {'covered':>7} {'partial':>7} {'missed':>6}"
    rows = [head, "-" * len(head)]
    tot = Counter()
    for _, data in sets:
        c = Counter()
        for a in data["answers"]:
            c["answers"] += 1
            c["asr"] += bool(a.get("asr_errors"))
            for lab in a["labels"].values():
                c["labels"] += 1
                c[lab] += 1
        tot.update(c)
        rows.append(f"{data['question']:45} {c['answers']:7} {c['asr']:4} {c['labels']:6} "
                    f"{c['covered']:7} {c['partial']:7} {c['missed']:6}")
    rows.append("-" * len(head))
    rows.append(f"{'TOTAL':45} {tot['answers']:7} {tot['asr']:4} {tot['labels']:6} "
                f"{tot['covered']:7} {tot['partial']:7} {tot['missed']:6}")
    kinds = Counter(a["kind"] for _, d in sets for a in d["answers"])
    rows.append("kinds: " + ", ".join(f"{k}={kinds[k]}" for k in KINDS))
    return "\n".join(rows)


def validate(sets: list[tuple[Path, dict]]) -> list[str]:
    """Return a list of problems (empty when the set is well formed)."""
    from voiceprep.bank.loader import load_default_banks

    banks = load_default_banks()
    errors: list[str] = []
    seen: set[str] = set()
    for path, data in sets:
        qref = data.get("question", "")
        try:
            _, q = banks.resolve(qref)
        except Exception as exc:  # noqa: BLE001 - report any resolution failure
            errors.append(f"{path.name}: cannot resolve {qref!r}: {exc}")
            continue
        if path.name != qref.replace("/", "--") + ".json":
            errors.append(f"{path.name}: file name does not match question {qref}")
        kp_ids = {k.id for k in q.key_points}
        kinds = Counter()
        for a in data.get("answers", []):
            aid = a.get("id", "?")
            if aid in seen:
                errors.append(f"{path.name}: duplicate id {aid}")
            seen.add(aid)
            kind = a.get("kind")
            if kind not in KINDS:
                errors.append(f"{aid}: bad kind {kind!r}")
            kinds[kind] += 1
            if not isinstance(a.get("asr_errors"), bool):
                errors.append(f"{aid}: asr_errors must be true/false")
            if not str(a.get("text", "")).strip():
                errors.append(f"{aid}: empty text")
            labels = a.get("labels", {})
            if set(labels) != kp_ids:
                errors.append(f"{aid}: labels {sorted(labels)} != key points {sorted(kp_ids)}")
            for k, v in labels.items():
                if v not in LABELS:
                    errors.append(f"{aid}: label {k}={v!r} not in {LABELS}")
            for k in a.get("notes", {}):
                if k not in kp_ids:
                    errors.append(f"{aid}: note for unknown key point {k}")
        if kinds != EXPECTED_KINDS:
            errors.append(f"{path.name}: kinds {dict(kinds)} != {dict(EXPECTED_KINDS)}")
    return errors


def main(argv: list[str]) -> int:
    sets = load_sets()
    print(table(sets))
    if "--validate" in argv:
        errors = validate(sets)
        for e in errors:
            print("ERROR:", e)
        print(f"validate: {len(sets)} files, {'OK' if not errors else str(len(errors)) + ' problem(s)'}")
        return 1 if errors else 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
