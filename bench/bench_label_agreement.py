"""How far two labellers of the coverage sets agree: the ceiling any coverage method can be held to.

A method scored F1 0.72 against labeller A means little until we know how well labeller B, reading
the same answers with the same rules, matches A. The second labels live in
tests/data/coverage-agreement/ (one file per labelled set, answer ids as in the set).

    .venv/bin/python bench/bench_label_agreement.py [--second FILE] [--set DIR]

Prints JSON: F1 of `covered` between the two (A as reference; F1 is symmetric), Cohen's kappa
(three classes, and covered vs not), the confusion table, and the same by answer kind and question.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLASSES = ("covered", "partial", "missed")


def f1_covered(pairs: list[tuple[str, str]]) -> dict:
    tp = sum(a == "covered" and b == "covered" for a, b in pairs)
    fp = sum(a != "covered" and b == "covered" for a, b in pairs)
    fn = sum(a == "covered" and b != "covered" for a, b in pairs)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "n": len(pairs)}


def kappa(pairs: list[tuple[str, str]], classes: tuple[str, ...]) -> float:
    n = len(pairs)
    if not n:
        return 0.0
    po = sum(a == b for a, b in pairs) / n
    pe = sum((sum(a == c for a, _ in pairs) / n) * (sum(b == c for _, b in pairs) / n) for c in classes)
    return round((po - pe) / (1 - pe), 3) if pe < 1 else 1.0


def agreement(set_dir: Path, second: Path) -> dict:
    first: dict[str, tuple[str, str, dict[str, str]]] = {}
    for f in sorted(set_dir.glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        for a in d["answers"]:
            first[a["id"]] = (d["question"], a.get("kind", ""), a["labels"])
    other = json.loads(second.read_text(encoding="utf-8"))["answers"]
    rows: list[tuple[str, str, str, str]] = []  # (label A, label B, kind, question)
    missing = []
    for b in other:
        if b["id"] not in first:
            missing.append(b["id"])
            continue
        q, kind, la = first[b["id"]]
        for pid, lb in b["labels"].items():
            if pid in la:
                rows.append((la[pid], lb, kind, q))
            else:
                missing.append(f"{b['id']}:{pid}")
    pairs = [(a, b) for a, b, _, _ in rows]
    binary = [("covered" if a == "covered" else "not", "covered" if b == "covered" else "not") for a, b in pairs]
    out = {
        "set": str(set_dir.relative_to(ROOT)) if set_dir.is_relative_to(ROOT) else str(set_dir),
        "second_labels": str(second.relative_to(ROOT)) if second.is_relative_to(ROOT) else str(second),
        "answers": len({b["id"] for b in other} - {m for m in missing if ":" not in m}),
        "covered": f1_covered(pairs),
        "exact_agreement": round(sum(a == b for a, b in pairs) / len(pairs), 3) if pairs else 0.0,
        "kappa_3_class": kappa(pairs, CLASSES),
        "kappa_covered_vs_not": kappa(binary, ("covered", "not")),
        "confusion_a_b": {f"{a}->{b}": n for (a, b), n in sorted(Counter(pairs).items())},
        "by_kind": {k: f1_covered([(a, b) for a, b, kk, _ in rows if kk == k]) for k in sorted({r[2] for r in rows})},
        "by_question": {q: f1_covered([(a, b) for a, b, _, qq in rows if qq == q]) for q in sorted({r[3] for r in rows})},
        "unmatched": missing,
    }
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", type=Path, default=ROOT / "tests" / "data" / "coverage-holdout3")
    ap.add_argument("--second", type=Path, default=ROOT / "tests" / "data" / "coverage-agreement" / "holdout3-labeller-b.json")
    args = ap.parse_args()
    if not args.second.exists():
        print(f"no second labels at {args.second}", file=sys.stderr)
        return 2
    print(json.dumps(agreement(args.set.resolve(), args.second.resolve()), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
