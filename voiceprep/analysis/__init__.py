"""Answer analysis: pure functions over a transcript and a bank question (no Qt, no audio).

Public API: ``analyze(transcript, bank, question, round_id=None, options=AnalysisOptions())``
returning an :class:`~voiceprep.analysis.report.AnswerReport`. Imported lazily so that
``voiceprep.analysis.transcript`` (used everywhere) stays cheap to import.
"""

from __future__ import annotations

from typing import Any

__all__ = ["analyze", "AnalysisOptions", "AnswerReport"]


def __getattr__(name: str) -> Any:
    if name == "analyze":
        from voiceprep.analysis.analyzer import analyze

        return analyze
    if name == "AnalysisOptions":
        from voiceprep.analysis.options import AnalysisOptions

        return AnalysisOptions
    if name == "AnswerReport":
        from voiceprep.analysis.report import AnswerReport

        return AnswerReport
    raise AttributeError(name)
