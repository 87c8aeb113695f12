"""Which coverage model an answer gets: the one fitted for questions the encoder was fine-tuned
on, or the one for new questions (a user's own, or a built-in question the user reworded)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import pytest

from voiceprep.analysis import coverage as cov
from voiceprep.analysis.analyzer import analyze
from voiceprep.analysis.embeddings import model_path
from voiceprep.analysis.options import AnalysisOptions
from voiceprep.analysis.trained import point_key, question_trained, trained_points, trained_points_path

from .analysis_helpers import product_bank, timed


def _write_points(tmp_path: Path, texts: list[str]) -> str:
    p = tmp_path / "trained-points.json"
    p.write_text(json.dumps({"encoder_sha256": "x", "points": [point_key(t) for t in texts]}), encoding="utf-8")
    return str(p)


def test_point_key_ignores_case_and_spacing_but_not_wording() -> None:
    assert point_key("Run an  A/B test\n on retention.") == point_key("run an a/b test on retention.")
    assert point_key("Run an A/B test on retention.") != point_key("Run an A/B test on engagement.")


def test_a_question_is_trained_only_if_every_key_point_is(tmp_path: Path) -> None:
    _, q = product_bank()
    every = _write_points(tmp_path, [kp.text for kp in q.key_points])
    assert question_trained(q, every)
    reworded = dataclasses.replace(q, key_points=(q.key_points[0], dataclasses.replace(q.key_points[1], text="Ship it.")))
    assert not question_trained(reworded, every)
    (tmp_path / "one").mkdir()
    assert not question_trained(q, _write_points(tmp_path / "one", [q.key_points[0].text]))


@pytest.mark.parametrize("content", [None, "{not json", '{"points": 3}', "[]"])
def test_a_missing_or_broken_list_means_every_question_is_new(tmp_path: Path, content: str | None) -> None:
    _, q = product_bank()
    p = tmp_path / "trained-points.json"
    if content is not None:
        p.write_text(content, encoding="utf-8")
    assert trained_points(str(p)) == frozenset()
    assert not question_trained(q, str(p))


def test_pick_model_names_the_model_it_picked() -> None:
    base = cov._fallback_models()
    both = {**base, "embeddings-trained": base["embeddings"]}
    assert cov.pick_model(both, True, True) == ("trained-question", both["embeddings-trained"])
    assert cov.pick_model(both, True, False)[0] == "new-question"
    assert cov.pick_model(base, True, True)[0] == "new-question"  # a calibration without one
    assert cov.pick_model(both, False, True)[0] == "cues-only"


def test_analyze_uses_the_trained_model_for_a_trained_question(tmp_path: Path) -> None:
    """Through the real encoder: a calibration whose trained model calls everything covered and
    whose new-question model calls nothing covered shows which one judged the answer."""
    bank, q = product_bank()
    base = json.loads(cov.calibration_path().read_text(encoding="utf-8"))
    never = json.loads(json.dumps(base["models"]["embeddings"]))
    never["covered"]["threshold"] = 2.0  # a probability never reaches it
    always = json.loads(json.dumps(never))
    always["covered"].update(threshold=0.0, weights=[0.0] * len(always["covered"]["weights"]), bias=30.0)
    for k in ("topic_floor", "topic_gate", "cue_or_sim", "generic_df", "generic_sim", "margin_open"):
        always[k] = None
    always.update(min_points=0, min_strong=0, dismiss_rule=False, weak_per_point=False)
    calib = tmp_path / "calibration.json"
    calib.write_text(json.dumps({**base, "models": {**base["models"], "embeddings": never, "embeddings-trained": always}}),
                     encoding="utf-8")
    answer = timed("Members scroll for ages and never press play, so I would run an A/B test on retention.")
    trained = _write_points(tmp_path, [kp.text for kp in q.key_points])
    r = analyze(answer, bank, q, None, AnalysisOptions(calibration=str(calib), trained_points=trained))
    assert r.coverage.model == "trained-question"
    assert [p.status for p in r.coverage.points] == ["covered", "covered"]
    (tmp_path / "none").mkdir()
    untrained = _write_points(tmp_path / "none", [])
    r = analyze(answer, bank, q, None, AnalysisOptions(calibration=str(calib), trained_points=untrained))
    assert r.coverage.model == "new-question"
    assert "covered" not in [p.status for p in r.coverage.points]


def test_the_shipped_list_and_the_calibration_agree() -> None:
    """A trained-question model ships with the list that says which questions get it, and the
    list names the shipped encoder; without that model no list ships (round 7 has none)."""
    path = trained_points_path()
    doc = json.loads(cov.calibration_path().read_text(encoding="utf-8"))
    if "embeddings-trained" not in doc["models"]:
        assert not path.exists(), "trained-points.json ships without a model for trained questions"
        return
    points = json.loads(path.read_text(encoding="utf-8"))
    assert points["encoder_sha256"] == hashlib.sha256(model_path().read_bytes()).hexdigest(), (
        "trained-points.json was written for another encoder: copy the one bench/train_coverage_encoder.py wrote")
