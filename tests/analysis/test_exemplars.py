"""Round 16's exemplar gate: an answer whose closest labelled answers belong to another question
gets nothing covered, and the report says which question it sounds like."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from voiceprep.analysis import coverage as cov
from voiceprep.analysis.analyzer import analyze
from voiceprep.analysis.embeddings import model_path
from voiceprep.analysis.exemplars import MIN_OWN, ExemplarTable, exemplars_path, load_exemplars, prompt_key
from voiceprep.analysis.options import AnalysisOptions
from voiceprep.analysis.report import AnswerReport, Coverage
from voiceprep.analysis.transcript import Transcript
from voiceprep.bank.loader import load_banks

from tests.analysis.test_coverage_accuracy import SEALED


def _unit(v: list[float]) -> np.ndarray:
    a = np.asarray(v, dtype=np.float32)
    return a / np.linalg.norm(a)


def _table(rows: list[tuple[str, list[float]]]) -> ExemplarTable:
    return ExemplarTable(tuple(prompt_key(q) for q, _ in rows), tuple(f"b/{q}" for q, _ in rows),
                         tuple(q for q, _ in rows), np.stack([_unit(v) for _, v in rows]), "sha")


QUESTIONS = Path(__file__).resolve().parents[2] / "questions"
TABLE = _table([("A", [1, 0, 0]), ("A", [0.9, 0.1, 0]), ("A", [0.8, 0, 0.2]),
                ("B", [0, 1, 0]), ("B", [0.1, 0.9, 0]), ("B", [0, 0.8, 0.2]), ("C", [0, 0, 1])])


def test_an_answer_closest_to_another_questions_answers_has_a_negative_margin() -> None:
    c = TABLE.closest(_unit([0.05, 1, 0]), prompt_key("A"), 3)
    assert c is not None and c.margin < -0.5
    assert (c.other, c.other_prompt) == ("b/B", "B")
    own = TABLE.closest(_unit([1, 0.05, 0]), prompt_key("A"), 3)
    assert own is not None and own.margin > 0.5 and own.other == "b/B"


def test_k_averages_the_k_closest_exemplars() -> None:
    v = _unit([1, 0, 0])
    sims_a = sorted((TABLE.vectors[:3] @ v).tolist(), reverse=True)
    best_other = max(float((TABLE.vectors[3:6] @ v).max()), float(TABLE.vectors[6] @ v))
    assert TABLE.closest(v, prompt_key("A"), 1).margin == pytest.approx(sims_a[0] - best_other, abs=1e-6)
    sims_b = sorted((TABLE.vectors[3:6] @ v).tolist(), reverse=True)
    other2 = max(np.mean(sims_b[:2]), float(TABLE.vectors[6] @ v))  # C has one exemplar: its mean is it
    assert TABLE.closest(v, prompt_key("A"), 2).margin == pytest.approx(np.mean(sims_a[:2]) - other2, abs=1e-6)


def test_no_margin_without_enough_exemplars_of_the_question() -> None:
    assert MIN_OWN == 3
    assert TABLE.closest(_unit([0, 0, 1]), prompt_key("C"), 3) is None  # one exemplar
    assert TABLE.closest(_unit([0, 0, 1]), prompt_key("an edited prompt"), 3) is None


def test_the_file_round_trips_and_a_bad_file_turns_the_gate_off(tmp_path) -> None:
    p = tmp_path / "ex.npz"
    TABLE.save(p, {"k": 3})
    back = load_exemplars(str(p))
    assert back is not None and back.keys == TABLE.keys and back.prompts == TABLE.prompts
    assert np.allclose(back.vectors, TABLE.vectors, atol=2e-3)
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    assert load_exemplars(str(bad)) is None
    assert load_exemplars(str(tmp_path / "missing.npz")) is None


def test_the_gate_closes_only_below_the_threshold() -> None:
    model = cov.load_models()["embeddings"]
    sig = cov.AnswerSignals([], [], [])
    for margin, closed in ((-0.5, True), (model.exemplar_gate - 0.001, True), (model.exemplar_gate, False), (0.1, False)):
        sig.exemplar = cov.Closest(margin, "b/B", "B")
        assert cov.exemplar_closed(sig, model) is closed
    sig.exemplar = None
    assert not cov.exemplar_closed(sig, model)
    assert not cov.exemplar_closed(replace(sig, exemplar=cov.Closest(-0.5, "b/B")), replace(model, exemplar_gate=None))


def test_the_gate_survives_the_calibration_round_trip() -> None:
    for name in ("embeddings", "embeddings-trained"):
        m = cov.load_models()[name]
        assert m.exemplar_gate is not None and m.exemplar_k >= 1
        assert cov.CoverageModel.from_dict(json.loads(json.dumps(m.to_dict()))) == m


def test_the_note_names_the_other_question() -> None:
    c = Coverage(closer_to="b/B", closer_to_prompt="Tell me about B.")
    assert "\u201cTell me about B.\u201d" in c.off_question_note()
    assert Coverage(exemplar_margin=0.1).off_question_note() is None
    assert "b/B" in Coverage(closer_to="b/B").off_question_note()


def test_the_shipped_exemplars_belong_to_the_shipped_encoder_and_cover_the_built_in_banks() -> None:
    table = load_exemplars()
    assert table is not None, f"{exemplars_path()} missing or unreadable"
    assert table.encoder_sha256 == hashlib.sha256(model_path().read_bytes()).hexdigest(), (
        "answer-exemplars.npz was built with another encoder: run bench/choose_exemplar_gate.py --write")
    built_in = [q for b in load_banks(QUESTIONS).banks for q in b.questions]
    with_exemplars = [q for q in built_in if len(table.groups.get(prompt_key(q.prompt), ())) >= MIN_OWN]
    assert len(with_exemplars) == len(built_in) == 52
    # no sealed evaluation set leaked into the exemplars
    z = np.load(exemplars_path(), allow_pickle=False)
    sets = json.loads(str(z["meta"]))["sets"]
    assert not SEALED & set(sets)
    assert "coverage-holdout17" in sets  # spent in round 20, rebuilt in with round 21


FEEDBACK_STORY = (
    "So, um, the hardest feedback I've had to give was to a senior engineer on my team who kept "
    "interrupting people in design reviews. It was hurting the team, the junior folks had just stopped "
    "speaking up. I didn't want to do it in the meeting, so I asked him for a one on one that week. I told "
    "him what I'd seen, two specific reviews, and the effect, that two people had told me they didn't "
    "bother sharing ideas anymore. I kept it about the behaviour, not about him as a person. He was "
    "defensive at first, he said he was just trying to move fast. I listened, and then we agreed he'd hold "
    "his comments until the presenter finished. Over the next month the reviews got a lot better, and one "
    "of the juniors ended up leading the next design. What I learned is that giving feedback early and "
    "privately is kinder than letting it build up.")

MISTAKE_ANSWER = (
    "Um, so, a couple of years ago I pushed a pricing change to our billing config on a Friday afternoon "
    "and I got the currency wrong for our Canadian customers, so about two thousand people were charged in "
    "US dollars. That was my mistake, nobody else's, I skipped the second review because I was in a hurry. "
    "I noticed it on Monday from a support ticket, and I went straight to my manager and told her what I'd "
    "done before anyone asked. Then I worked with finance to refund the difference that same day and we "
    "emailed every affected customer with an apology. Afterwards I added a check to the deploy script that "
    "blocks any billing change without a second approver, and we stopped shipping config changes on "
    "Fridays. What I learned is to own it fast and fix the process, not just the one bug.")


@pytest.mark.model
def test_a_story_for_another_question_covers_nothing_and_says_so() -> None:
    """Through the real encoder and the shipped exemplars: a hard-feedback story given for "a
    mistake" covers three of its points without the gate (a story has the mistake's shape); with it,
    none, and the report names the question it answers. A real answer to the question passes.
    Close stories often pass too (a disagreement story for "an ambiguous project" sits at about
    -0.04): the gate is set where no strong answer of the development sets fell."""
    bank, q = load_banks(QUESTIONS).resolve("general-behavioral/mistake")
    ungated = analyze(Transcript.from_text(FEEDBACK_STORY), bank, q, None,
                      AnalysisOptions(exemplar_gate=False, point_review=False))
    assert "covered" in {p.status for p in ungated.coverage.points}
    assert ungated.coverage.exemplar_margin is None and ungated.coverage.closer_to is None

    r = analyze(Transcript.from_text(FEEDBACK_STORY), bank, q, None, AnalysisOptions())
    assert r.coverage.closer_to not in (None, "general-behavioral/mistake")
    assert r.coverage.exemplar_margin < cov.load_models()["embeddings"].exemplar_gate
    assert "covered" not in {p.status for p in r.coverage.points}
    assert r.coverage.off_question_note() and r.coverage.closer_to_prompt
    # the interviewer steers back to the question asked
    assert r.follow_up == f"Let me bring you back to the question I asked. {q.prompt}" and r.follow_up_point is None
    back = AnswerReport.from_dict(json.loads(json.dumps(r.to_dict())))
    assert (back.coverage.closer_to, back.coverage.closer_to_prompt) == (r.coverage.closer_to, r.coverage.closer_to_prompt)

    r2 = analyze(Transcript.from_text(MISTAKE_ANSWER), bank, q, None, AnalysisOptions())
    assert r2.coverage.closer_to is None and r2.coverage.exemplar_margin > 0
    assert "covered" in {p.status for p in r2.coverage.points}
    assert r2.follow_up and not r2.follow_up.startswith("Let me bring you back")
