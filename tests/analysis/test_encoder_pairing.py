"""The coverage thresholds (assets/analysis/coverage-calibration.json) are fitted on one sentence
encoder (assets/models/minilm-coverage/model.onnx): retraining the encoder without refitting them
would leave every similarity threshold meaning something else, silently."""

from __future__ import annotations

import hashlib
import json

from voiceprep.analysis.coverage import calibration_path
from voiceprep.analysis.embeddings import model_path, tokenizer_path


def test_the_shipped_encoder_is_the_one_the_calibration_was_fitted_on() -> None:
    doc = json.loads(calibration_path().read_text(encoding="utf-8"))
    shipped = hashlib.sha256(model_path().read_bytes()).hexdigest()
    assert doc.get("encoder_sha256") == shipped, (
        "the encoder changed since the coverage model was fitted: run bench/bench_coverage.py --write")


def test_the_encoder_and_its_tokenizer_ship_together() -> None:
    assert model_path().parent == tokenizer_path().parent
    assert model_path().stat().st_size > 10_000_000 and tokenizer_path().stat().st_size > 100_000
