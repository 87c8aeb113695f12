"""Print the counts table of the sealed coverage-holdout17 set; --validate checks its structure.

Why: the set is scored once, later, by someone else; a structural slip (missing key point,
typo in a label, duplicate id) must be caught before commit, without running the analysis.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABELS = ("covered", "partial", "missed")
KINDS = ("strong", "average", "weak", "negation", "wrong-question", "off-topic")
EXPECTED_KINDS = Counter({"strong": 1, "average": 2, "weak": 1, "negation": 1,
                          "wrong-question": 1, "off-topic": 1})


def load_sets() -> list[tuple[Path, dict]]:
    """Every question file in this folder, sorted by name."""
    return [(p, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(HERE.glob("*.json"))]


def table(sets: list[tuple[Path, dict]]) -> str:
    """Counts of answers, kinds, ASR-style answers and labels per question, plus a total row."""
    head = ["question", "answers", "asr", *KINDS, *LABELS]
    rows = []
    total = Counter()
    for _, data in sets:
        c = Counter()
        for a in data["answers"]:
            c["answers"] += 1
            c["asr"] += bool(a.get("asr_errors"))
            c[a["kind"]] += 1
            c.update(a["labels"].values())
        total.update(c)
        rows.append([data["question"], *(str(c[h]) for h in head[1:])])
    rows.append(["TOTAL", *(str(total[h]) for h in head[1:])])
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    fmt = lambda r: " | ".join(x.ljust(w) for x, w in zip(r, widths))  # noqa: E731
    lines = [fmt(head), "-+-".join("-" * w for w in widths), *map(fmt, rows)]
    return "\n".join(lines)


def validate(sets: list[tuple[Path, dict]]) -> list[str]:
    """Problems found; empty when the set is well formed against the built-in bank."""
    from voiceprep.bank.loader import load_default_banks

    banks = load_default_banks()
    problems: list[str] = []
    seen_ids: set[str] = set()
    for path, data in sets:
        qref = data.get("question", "")
        expected_name = qref.replace("/", "--") + ".json"
        if path.name != expected_name:
            problems.append(f"{path.name}: file name should be {expected_name}")
        try:
            _, q = banks.resolve(qref)
        except Exception as exc:  # unknown question reference
            problems.append(f"{path.name}: cannot resolve {qref!r}: {exc}")
            continue
        kp_ids = {k.id for k in q.key_points}
        kinds = Counter()
        for a in data.get("answers", []):
            aid = a.get("id", "?")
            if aid in seen_ids:
                problems.append(f"{aid}: duplicate answer id")
            seen_ids.add(aid)
            kind = a.get("kind")
            if kind not in KINDS:
                problems.append(f"{aid}: unknown kind {kind!r}")
            kinds[kind] += 1
            if not isinstance(a.get("asr_errors"), bool):
                problems.append(f"{aid}: asr_errors must be true or false")
            text = str(a.get("text", ""))
            if not text.strip():
                problems.append(f"{aid}: empty text")
            if a.get("asr_errors") is True and re.search(r"[^a-z0-9' ]", text):
                problems.append(f"{aid}: asr_errors answer must be lowercase without punctuation")
            labels = a.get("labels", {})
            if set(labels) != kp_ids:
                problems.append(f"{aid}: labels {sorted(labels)} != key points {sorted(kp_ids)}")
            for kp, lab in labels.items():
                if lab not in LABELS:
                    problems.append(f"{aid}: {kp} has invalid label {lab!r}")
            for kp in a.get("notes", {}):
                if kp not in kp_ids:
                    problems.append(f"{aid}: note for unknown key point {kp!r}")
        if kinds != EXPECTED_KINDS:
            problems.append(f"{path.name}: kinds {dict(kinds)} != {dict(EXPECTED_KINDS)}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--validate", action="store_true", help="check structure against the bank")
    args = parser.parse_args(argv)
    sets = load_sets()
    print(table(sets))
    if args.validate:
        problems = validate(sets)
        for p in problems:
            print("PROBLEM:", p)
        print(f"validation: {'OK' if not problems else f'{len(problems)} problem(s)'} "
              f"({len(sets)} files, {sum(len(d['answers']) for _, d in sets)} answers)")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
