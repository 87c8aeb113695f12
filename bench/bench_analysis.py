"""Time to analyse one answer, and how much of it is the embedding step.

Prints JSON: model load time (once per process), per-answer analyze() time with embeddings and
cue-only, the embedding forward pass alone, and their ratios, over the answers of the labelled
coverage set given synthetic word timings at 150 WPM. Ratios within one run are what to
compare across machines; absolute times depend on the CPU and its load.

    .venv/bin/python bench/bench_analysis.py [--repeat 2]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from voiceprep.analysis.analyzer import analyze  # noqa: E402
from voiceprep.analysis.coverage import _window_vectors, load_models, make_windows  # noqa: E402
from voiceprep.analysis.embeddings import get_embedder  # noqa: E402
from voiceprep.analysis.fillers import find_fillers  # noqa: E402
from voiceprep.analysis.options import AnalysisOptions  # noqa: E402
from voiceprep.analysis.text import tokenize  # noqa: E402
from voiceprep.analysis.transcript import Transcript, Word  # noqa: E402
from voiceprep.bank.loader import load_banks  # noqa: E402
from voiceprep.settings import DEFAULT_FILLERS  # noqa: E402


def timed(text: str, wpm: float = 150.0) -> Transcript:
    per = 60.0 / wpm
    words = tuple(Word(" " + w, 1 + i * per, 1 + i * per + 0.8 * per, 0.9) for i, w in enumerate(text.split()))
    return Transcript(words=words, text=text, duration_s=words[-1].end + 1 if words else 0.0)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    banks = load_banks(ROOT / "questions")
    cases = []
    for f in sorted((ROOT / "tests" / "data" / "coverage").glob("*.json")):
        d = json.loads(f.read_text())
        found = banks.resolve(d["question"])
        if found:
            cases += [(found[0], found[1], timed(a["text"])) for a in d["answers"]]
    t0 = time.perf_counter()
    emb = get_embedder()
    load_s = time.perf_counter() - t0
    models = load_models(None)
    full, cues_only, embed_only = [], [], []
    for _ in range(args.repeat):
        for bank, q, t in cases:
            a = time.perf_counter()
            analyze(t, bank, q)
            b = time.perf_counter()
            analyze(t, bank, q, None, AnalysisOptions(use_embeddings=False))
            c = time.perf_counter()
            tokens = tokenize(t)
            skip = {k for h in find_fillers(tokens, DEFAULT_FILLERS) for k in range(h.tok_start, h.tok_end)}
            wins = make_windows(tokens, models["embeddings"].windows, skip)
            d0 = time.perf_counter()
            _window_vectors(emb, wins)
            d1 = time.perf_counter()
            full.append(b - a)
            cues_only.append(c - b)
            embed_only.append(d1 - d0)
    words = [len(t.words) for _, _, t in cases]
    med = statistics.median
    out = {
        "answers": len(cases),
        "words_median": med(words),
        "words_max": max(words),
        "embedding_model_load_s": round(load_s, 3),
        "analyze_s_median": round(med(full), 4),
        "analyze_s_p95": round(sorted(full)[int(0.95 * (len(full) - 1))], 4),
        "analyze_s_max": round(max(full), 4),
        "analyze_cues_only_s_median": round(med(cues_only), 4),
        "embedding_pass_s_median": round(med(embed_only), 4),
        "ratio_analyze_to_embedding_pass": round(med(full) / med(embed_only), 2),
        "ratio_cues_only_to_full": round(med(cues_only) / med(full), 3),
    }
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
