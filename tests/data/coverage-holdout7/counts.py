"""Print label and kind counts for this sealed set (summary only, no scoring)."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABELS = ("covered", "partial", "missed")


def main() -> None:
    """Print a markdown table: answers, ASR answers and label counts per question."""
    total: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    print("| question | answers | asr_errors | covered | partial | missed |")
    print("|---|---|---|---|---|---|")
    for path in sorted(HERE.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        answers = data["answers"]
        labels = Counter(v for a in answers for v in a["labels"].values())
        asr = sum(1 for a in answers if a["asr_errors"])
        kinds.update(a["kind"] for a in answers)
        total.update(labels)
        total["answers"] += len(answers)
        total["asr"] += asr
        print(f"| {data['question']} | {len(answers)} | {asr} | "
              + " | ".join(str(labels[k]) for k in LABELS) + " |")
    print(f"| **total** | {total['answers']} | {total['asr']} | "
          + " | ".join(str(total[k]) for k in LABELS) + " |")
    print()
    print("kinds: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))


if __name__ == "__main__":
    main()
