"""The feedback screen says so when an answer sounds like an answer to another question (round 16's
exemplar gate: voiceprep/analysis/exemplars.py), instead of leaving the user to wonder why no key
point was counted."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.gui


def _result(bank, closer_to: str | None):
    from voiceprep.analysis.report import AnswerReport, Coverage, PointResult
    from voiceprep.analysis.transcript import Transcript
    from voiceprep.ui.session import AttemptResult, QuestionContext

    q = bank.questions[0]
    points = [PointResult(kp.id, kp.text, "partial", 0.6, None) for kp in q.key_points]
    cov = Coverage(score=0.5, points=points, exemplar_margin=-0.2 if closer_to else 0.05, closer_to=closer_to,
                   closer_to_prompt="Tell me about a time you gave someone hard feedback." if closer_to else None)
    rep = AnswerReport(question=f"{bank.id}/{q.id}", transcript="", coverage=cov)
    return AttemptResult(1, QuestionContext(bank, q), Transcript(words=()), rep)


def test_the_feedback_names_the_question_the_answer_sounds_like(qtbot, window, bank) -> None:
    fb = window.feedback
    fb.show_result(_result(bank, "general-behavioral/giving-hard-feedback"))
    window.stack.setCurrentWidget(fb)
    text = fb.off_question.text()
    assert "Tell me about a time you gave someone hard feedback." in text
    assert "no key point was counted as covered" in text
    assert fb.off_question.isVisible()
    assert fb.points.count() == len(bank.questions[0].key_points)

    fb.show_result(_result(bank, None))
    assert fb.off_question.text() == "" and not fb.off_question.isVisible()
