"""Glue between the UI and the history store (:mod:`voiceprep.store`), kept in one place.

An attempt is begun in the store *before* recording starts (status "recording", the store picks
the file), so a crash mid-answer leaves a row the next start can offer back; it is finished with
the transcript and report once analysed. Typed answers and analysed files are added in one go.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from voiceprep.bank.model import Bank, BankSet
from voiceprep.settings import Settings
from voiceprep.ui.session import AttemptResult, QuestionContext

SOURCE = {"recording": "recorded", "typed": "typed", "file": "imported"}


def open_store(settings: Settings) -> Any:
    from voiceprep.store import HistoryStore

    return HistoryStore.open(settings.data_path)


def begin_attempt(store: Any, ctx: QuestionContext, settings: Settings, mock_round_id: int | None) -> tuple[int, Path]:
    s = store.begin_attempt(
        bank_id=ctx.bank.id, question_id=ctx.question.id, bank_version=ctx.bank.version,
        category=ctx.question.category, prompt=ctx.question.prompt, mock_round_id=mock_round_id,
        settings=settings, source="recorded", target_s=float(ctx.target_s),
    )
    return int(s.id), Path(s.recording_path)


def finish_attempt(store: Any, attempt_id: int, result: AttemptResult) -> None:
    store.finish_attempt(attempt_id, transcript=result.transcript, report=result.report)


def add_attempt(store: Any, result: AttemptResult, settings: Settings, mock_round_id: int | None) -> int:
    ctx = result.context
    rec = store.add_attempt(
        bank_id=ctx.bank.id, question_id=ctx.question.id, transcript=result.transcript, report=result.report,
        bank_version=ctx.bank.version, category=ctx.question.category, prompt=ctx.question.prompt,
        mock_round_id=mock_round_id, recording_path=result.recording, settings=settings,
        source=SOURCE.get(result.source, "imported"), target_s=float(ctx.target_s),
    )
    return int(rec.id)


def discard_attempt(store: Any, attempt_id: int) -> None:
    store.delete_attempt(attempt_id)


def start_round(store: Any, bank: Bank, round_id: str) -> int:
    return int(store.start_mock_round(bank.id, round_id).id)


def end_round(store: Any, mock_round_id: int, summary: Any) -> None:
    """Close the stored mock round with a flat summary (the round report prints it as a table)."""
    cov = summary.mean_coverage
    store.end_mock_round(mock_round_id, {
        "round time": f"{int(summary.total_s) // 60}:{int(summary.total_s) % 60:02d}",
        "answers analysed": f"{sum(1 for r in summary.rows if r.result)} of {len(summary.rows)}",
        "mean coverage": "" if cov is None else f"{cov * 100:.0f}%",
        "things to work on": "\n".join(f"{i}. {t}" for i, t in enumerate(summary.work_on, 1)),
    })


def export_round(store: Any, mock_round_id: int, bank: Bank, path: Path) -> Path:
    from voiceprep.store.reports import export_report

    tips = {f"{bank.id}/{q.id}": q.tips for q in bank.questions}
    fmt = "md" if path.suffix.lower() == ".md" else "html"
    rnd = bank.round(store.get_mock_round(mock_round_id).round_id)
    title = f"{rnd.name if rnd else 'mock round'} \u00b7 {bank.title}"
    return export_report(store, path, mock_round_id=mock_round_id, fmt=fmt, tips=tips, title=title)


def weakest_questions(store: Any, bank: Bank) -> list[str]:
    """Question ids of ``bank`` to practise next: due ones weakest first (never-practised among
    them, by the store's spaced repetition), then the rest by due date."""
    from voiceprep.store.progress import weakest_questions as weakest

    items = weakest(store, [f"{bank.id}/{q.id}" for q in bank.questions], limit=len(bank.questions),
                    include_not_due=True)
    return [i.question_id for i in items]


def unfinished(store: Any) -> list[Any]:
    return list(store.unfinished_attempts())


def load_result(store: Any, attempt_id: int, banks: BankSet) -> AttemptResult | None:
    """A stored attempt as the feedback view shows it (None when its bank/question is gone)."""
    from voiceprep.analysis.report import AnswerReport
    from voiceprep.analysis.transcript import Transcript

    rec = store.get_attempt(attempt_id)
    bank = banks.get(rec.bank_id)
    question = bank.question(rec.question_id) if bank else None
    if bank is None or question is None or rec.report is None:
        return None
    transcript = Transcript.from_dict(rec.transcript) if rec.transcript else Transcript.from_text(rec.transcript_text)
    report = AnswerReport.from_dict(rec.report)
    rnd = bank.round(report.round_id) if report.round_id else None
    source = {"recorded": "recording", "typed": "typed", "imported": "file"}.get(rec.source, "recording")
    return AttemptResult(job_id=-rec.id, context=QuestionContext(bank, question, rnd), transcript=transcript,
                         report=report, recording=rec.recording_path, source=source, attempt_id=rec.id)
