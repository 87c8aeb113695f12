"""Print the label counts of the coverage-train8 set; --validate checks it against the bank.

Why: the training round reads these files blindly, so a typo in a key-point id or a
missing answer kind must fail loudly here rather than silently skew the fine-tune.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABELS = ("covered", "partial", "missed")
KINDS = {"negation": 2, "average": 2, "strong": 1, "off-topic": 1}


def load_sets() -> list[tuple[Path, dict]]:
    """Every question file in this folder, parsed."""
    return [(p, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(HERE.glob("*.json"))]


def counts_table(sets: list[tuple[Path, dict]]) -> str:
    """One row per question: answers, asr answers, and label totals; then a kind x label total."""
    lines = [f"{'question':42} {'ans':>3} {'asr':>3} {'cov':>4} {'part':>4} {'miss':>4}"]
    by_kind: dict[str, Counter] = {k: Counter() for k in KINDS}
    tot = Counter()
    n_ans = n_asr = 0
    for _, data in sets:
        c = Counter()
        asr = 0
        for a in data["answers"]:
            c.update(a["labels"].values())
            by_kind.setdefault(a["kind"], Counter()).update(a["labels"].values())
            asr += bool(a.get("asr_errors"))
        n_ans += len(data["answers"])
        n_asr += asr
        tot.update(c)
        lines.append(f"{data['question']:42} {len(data['answers']):>3} {asr:>3} "
                     f"{c['covered']:>4} {c['partial']:>4} {c['missed']:>4}")
    lines.append(f"{'TOTAL':42} {n_ans:>3} {n_asr:>3} "
                 f"{tot['covered']:>4} {tot['partial']:>4} {tot['missed']:>4}")
    lines.append("")
    lines.append(f"{'kind':42} {'':>3} {'':>3} {'cov':>4} {'part':>4} {'miss':>4}")
    for kind, c in by_kind.items():
        lines.append(f"{kind:42} {'':>3} {'':>3} {c['covered']:>4} {c['partial']:>4} {c['missed']:>4}")
    return "\n".join(lines)


def validate(sets: list[tuple[Path, dict]]) -> list[str]:
    """Problems found; empty when the set is consistent with the bank."""
    from voiceprep.bank.loader import load_default_banks

    banks = load_default_banks()
    problems: list[str] = []
    seen: set[str] = set()
    for path, data in sets:
        qref = data.get("question", "")
        expected_name = qref.replace("/", "--") + ".json"
        if path.name != expected_name:
            problems.append(f"{path.name}: file name should be {expected_name}")
        try:
            _, q = banks.resolve(qref)
        except Exception as exc:  # unknown question: report, keep checking the rest
            problems.append(f"{path.name}: cannot resolve {qref!r}: {exc}")
            continue
        ids = {k.id for k in q.key_points}
        kinds = Counter()
        for a in data["answers"]:
            aid = a.get("id", "?")
            if aid in seen:
                problems.append(f"{path.name}: duplicate answer id {aid}")
            seen.add(aid)
            kinds[a.get("kind")] += 1
            if not isinstance(a.get("asr_errors"), bool):
                problems.append(f"{aid}: asr_errors must be true or false")
            if not a.get("text", "").strip():
                problems.append(f"{aid}: empty text")
            labels = a.get("labels", {})
            if set(labels) != ids:
                problems.append(f"{aid}: label ids {sorted(labels)} != bank ids {sorted(ids)}")
            for kp, lab in labels.items():
                if lab not in LABELS:
                    problems.append(f"{aid}: {kp} has invalid label {lab!r}")
            for kp in a.get("notes", {}):
                if kp not in ids:
                    problems.append(f"{aid}: note for unknown key point {kp}")
        if dict(kinds) != KINDS:
            problems.append(f"{path.name}: kinds {dict(kinds)} != {KINDS}")
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--validate", action="store_true", help="check ids, labels and kinds against the bank")
    args = ap.parse_args(argv)
    sets = load_sets()
    print(counts_table(sets))
    if args.validate:
        problems = validate(sets)
        for p in problems:
            print("PROBLEM:", p)
        print("validation:", "OK" if not problems else f"{len(problems)} problem(s)")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
