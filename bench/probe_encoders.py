"""Probe: compare sentence encoders on labelled answers to questions none of them was trained on.

Why: a fine-tuned encoder can rank a question's points better (AUC) and still cost recall, because
the coverage model only calls a point covered with a window more similar than any off-topic talk
reached (coverage.CoverageModel.cue_or_sim). So besides the AUC of each labelled point's best
two-sentence window (covered vs not, off-topic answers left out), this prints the highest
similarity any key point reaches in the sets' off-topic answers and the share of covered points
above it: what the fitted threshold would let through.

    .venv/bin/python bench/probe_encoders.py --sets coverage-holdout6,coverage-holdout7 \
        assets/models/minilm-coverage/model.onnx OTHER/model.onnx

(An encoder that never saw those sets' questions: bench/train_coverage_encoder.py
--hold-out-sets-questions coverage-holdout6,coverage-holdout7.) Prints JSON, one object per encoder.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

import probe_finetune as probe  # noqa: E402


def compare(encoder: Path, items: list[dict]) -> dict:
    from voiceprep.analysis.embeddings import load_embedder

    vec = load_embedder(encoder).embed_cached  # windows and points repeat across answers
    score, y, kind, off = [], [], [], []
    for it in items:
        best = (vec([t for t, _ in it["points"]]) @ vec(it["windows"]).T).max(axis=1)
        for b, (_, label) in zip(best, it["points"]):
            if it["kind"] == "off-topic":
                off.append(float(b))
            else:
                score.append(float(b))
                y.append(1 if label == "covered" else 0)
                kind.append(it["kind"])
    s, lab = np.array(score), np.array(y)
    top = max(off) if off else float("nan")
    out = {"auc": round(probe.auc(s, lab), 4), "off_topic_max": round(top, 3),
           "covered_mean": round(float(s[lab == 1].mean()), 3), "rest_mean": round(float(s[lab == 0].mean()), 3),
           "covered_above_off_topic_max": round(float((s[lab == 1] > top).mean()), 3),
           "rest_above_off_topic_max": round(float((s[lab == 0] > top).mean()), 3)}
    for k in ("average", "negation"):
        m = np.array([x == k for x in kind])
        out[f"auc_{k}"] = round(probe.auc(s[m], lab[m]), 4)
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets", required=True, help="comma-separated labelled sets (never a sealed one)")
    ap.add_argument("encoders", nargs="+", type=Path)
    args = ap.parse_args()
    items = probe.load(tuple(args.sets.split(",")))
    print(json.dumps({str(e): compare(e, items) for e in args.encoders}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
