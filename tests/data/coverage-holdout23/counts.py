"""Print the counts table of the sealed coverage-holdout23 set; `--validate` checks it.

Validation compares every answer's labels against the key-point ids of the
built-in bank, so a renamed key point shows up here before the one-time scoring.
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
    """Load every question file of the set, sorted by name."""
    return [(p, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(HERE.glob("*.json"))]


def table(files: list[tuple[Path, dict]]) -> str:
    """Return the counts table as Markdown: answers, ASR answers and labels per question."""
    rows = ["| question | answers | asr | key points | covered | partial | missed |",
            "|---|---|---|---|---|---|---|"]
    total = Counter()
    for _, data in files:
        answers = data["answers"]
        labels = Counter(v for a in answers for v in a["labels"].values())
        kps = len(answers[0]["labels"]) if answers else 0
        asr = sum(1 for a in answers if a.get("asr_errors"))
        rows.append(f"| {data['question']} | {len(answers)} | {asr} | {kps} | "
                    f"{labels['covered']} | {labels['partial']} | {labels['missed']} |")
        total.update({"answers": len(answers), "asr": asr, "kps": kps, **labels})
    rows.append(f"| **total** | {total['answers']} | {total['asr']} | {total['kps']} | "
                f"{total['covered']} | {total['partial']} | {total['missed']} |")
    kinds = Counter(a["kind"] for _, d in files for a in d["answers"])
    rows.append("")
    rows.append("kinds: " + ", ".join(f"{k} {kinds[k]}" for k in KINDS))
    return "\n".join(rows)


def validate(files: list[tuple[Path, dict]]) -> list[str]:
    """Return a list of problems (empty when the set is consistent with the bank)."""
    sys.path.insert(0, str(HERE.parents[2]))
    from voiceprep.bank.loader import load_default_banks

    banks = load_default_banks()
    problems: list[str] = []
    seen_ids: set[str] = set()
    for path, data in files:
        qref = data.get("question", "")
        expected_name = qref.replace("/", "--") + ".json"
        if path.name != expected_name:
            problems.append(f"{path.name}: file name should be {expected_name}")
        try:
            _, question = banks.resolve(qref)
        except Exception as exc:  # noqa: BLE001 - report any resolution failure
            problems.append(f"{path.name}: cannot resolve {qref!r}: {exc}")
            continue
        kp_ids = {k.id for k in question.key_points}
        kinds = Counter()
        for ans in data.get("answers", []):
            aid = ans.get("id", "?")
            if aid in seen_ids:
                problems.append(f"{path.name}: duplicate id {aid}")
            seen_ids.add(aid)
            kind = ans.get("kind")
            if kind not in KINDS:
                problems.append(f"{aid}: bad kind {kind!r}")
            kinds[kind] += 1
            if not isinstance(ans.get("asr_errors"), bool):
                problems.append(f"{aid}: asr_errors must be true/false")
            if not str(ans.get("text", "")).strip():
                problems.append(f"{aid}: empty text")
            labels = ans.get("labels", {})
            if set(labels) != kp_ids:
                problems.append(f"{aid}: labels {sorted(labels)} != key points {sorted(kp_ids)}")
            for kp, value in labels.items():
                if value not in LABELS:
                    problems.append(f"{aid}: {kp} has bad label {value!r}")
            for kp in ans.get("notes", {}):
                if kp not in kp_ids:
                    problems.append(f"{aid}: note for unknown key point {kp}")
        if kinds != EXPECTED_KINDS:
            problems.append(f"{path.name}: kinds {dict(kinds)} != {dict(EXPECTED_KINDS)}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--validate", action="store_true", help="check the set against the bank")
    args = parser.parse_args(argv)
    files = load_files()
    print(table(files))
    if args.validate:
        problems = validate(files)
        for p in problems:
            print("PROBLEM:", p)
        print(f"validate: {len(files)} files, {len(problems)} problems")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
