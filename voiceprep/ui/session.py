"""Plain data passed between the controller, the worker and the views (no Qt here).

Keeping the practice session as dataclasses lets the round summary and its "three things to
work on" be unit-tested without a window.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from voiceprep.bank.model import Bank, Question, Round
from voiceprep.settings import Settings

if TYPE_CHECKING:
    from voiceprep.analysis.report import AnswerReport
    from voiceprep.analysis.transcript import Transcript


@dataclass(frozen=True)
class QuestionContext:
    """The question on screen and where it sits (single practice or position in a mock round)."""

    bank: Bank
    question: Question
    round: Round | None = None
    index: int = 0  # position in the mock round (0-based)
    total: int = 1
    typed: bool = False  # answer by typing (no microphone)
    follow_up_of: Question | None = None

    @property
    def target_s(self) -> int:
        if self.follow_up_of is not None:
            return self.question.target_s
        if self.round is not None and self.round.answer_target_s:
            return min(self.question.target_s, self.round.answer_target_s) if self.question.target_s else self.round.answer_target_s
        return self.question.target_s

    @property
    def in_round(self) -> bool:
        return self.round is not None and self.total > 1


def follow_up_question(question: Question, text: str, point_id: str | None) -> Question:
    """A follow-up as a question of its own: same key points (or just the probed one), shorter target."""
    points = question.key_points
    if point_id:
        probed = tuple(p for p in points if p.id == point_id)
        points = probed or points
    return dataclasses.replace(
        question,
        id=f"{question.id}--follow-up",
        prompt=text,
        key_points=points,
        target_s=max(30, min(90, question.target_s // 2 or 60)),
        follow_ups=(),
    )


@dataclass(frozen=True)
class Job:
    """One answer for the worker: transcribe ``audio`` (or take ``text``) and analyse it."""

    id: int
    context: QuestionContext
    settings: Settings
    audio: Path | None = None
    text: str | None = None
    source: str = "recording"  # "recording", "typed", "file"
    duration_s: float | None = None
    attempt_id: int | None = None  # the store's row, begun when recording started


@dataclass(frozen=True)
class AttemptResult:
    """A finished, analysed answer: what the feedback view shows and the store keeps."""

    job_id: int
    context: QuestionContext
    transcript: "Transcript"
    report: "AnswerReport"
    recording: Path | None = None
    source: str = "recording"
    transcribe_s: float = 0.0
    analyze_s: float = 0.0
    attempt_id: int | None = None


@dataclass(frozen=True)
class ErrorInfo:
    """A user-facing problem: what happened and what to do, with the actions the view offers.

    Actions: "retry", "typed" (type the answer instead), "settings", "home", "dismiss".
    """

    title: str
    message: str
    actions: tuple[str, ...] = ("dismiss",)


@dataclass
class RoundRun:
    bank: Bank
    round: Round
    questions: list[Question]
    started: float = 0.0  # monotonic
    results: dict[int, AttemptResult] = field(default_factory=dict)
    failed: dict[int, str] = field(default_factory=dict)
    pending: set[int] = field(default_factory=set)  # job ids still in the worker
    job_index: dict[int, int] = field(default_factory=dict)  # job id -> question index
    answered_s: dict[int, float] = field(default_factory=dict)
    ended: float | None = None
    store_id: int | None = None  # the store's mock-round row


@dataclass(frozen=True)
class RoundRow:
    question: Question
    target_s: int
    used_s: float | None
    coverage: float | None
    fillers_per_min: float | None
    wpm: float | None
    result: AttemptResult | None
    error: str | None = None


@dataclass(frozen=True)
class RoundSummary:
    bank: Bank
    round: Round
    rows: tuple[RoundRow, ...]
    total_s: float
    work_on: tuple[str, ...]
    store_id: int | None = None  # the stored mock round (for its report)

    @property
    def mean_coverage(self) -> float | None:
        vals = [r.coverage for r in self.rows if r.coverage is not None]
        return sum(vals) / len(vals) if vals else None


def answer_seconds(rep: Any) -> float | None:
    """The answer length the timing verdict was judged on (first to last word), as history and
    exports store it; the recording length only when the analysis had no word timings."""
    t = getattr(getattr(rep, "timing", None), "answer_s", None)
    return t if t is not None else getattr(rep, "duration_s", None)


def summarise_round(run: RoundRun, settings: Settings) -> RoundSummary:
    rows: list[RoundRow] = []
    for i, q in enumerate(run.questions):
        res = run.results.get(i)
        target = (min(q.target_s, run.round.answer_target_s) if run.round.answer_target_s else q.target_s)
        if res is None:
            rows.append(RoundRow(q, target, run.answered_s.get(i), None, None, None, None, run.failed.get(i)))
            continue
        rep = res.report
        used = answer_seconds(rep)
        used = used if used is not None else run.answered_s.get(i)
        rows.append(RoundRow(q, target, used, rep.coverage.score, rep.fillers.per_minute, rep.wpm, res))
    total = (run.ended or 0.0) - run.started if run.ended else sum(r.used_s or 0.0 for r in rows)
    return RoundSummary(run.bank, run.round, tuple(rows), max(0.0, total), tuple(things_to_work_on(rows, settings)),
                        run.store_id)


def things_to_work_on(rows: list[RoundRow], settings: Settings, limit: int = 3) -> list[str]:
    """The few most important, concrete improvements across a round's answers.

    Each candidate gets a severity so the list is ordered by how much it cost the round rather
    than by a fixed checklist.
    """
    done = [r for r in rows if r.result is not None]
    if not done:
        return ["Answer the questions out loud: no answer in this round could be analysed."]
    found: list[tuple[float, str]] = []

    missed: dict[str, list[str]] = {}
    for r in done:
        for p in r.result.report.coverage.points:  # type: ignore[union-attr]
            if p.status == "missed":
                missed.setdefault(r.question.id, []).append(p.text)
    n_missed = sum(len(v) for v in missed.values())
    if n_missed:
        worst_q = max(missed, key=lambda k: len(missed[k]))
        example = missed[worst_q][0].rstrip(". ")
        found.append((2.0 + n_missed / 2, f"Cover the key points: {n_missed} missed across the round, "
                      f"e.g. \u201c{example}\u201d."))

    long_ = [r for r in done if r.used_s and r.used_s > r.target_s * 1.25]
    short = [r for r in done if r.used_s is not None and r.used_s < r.target_s * 0.5]
    if long_:
        over = sum((r.used_s or 0) - r.target_s for r in long_)
        found.append((1.5 + over / 60, f"Keep to time: {len(long_)} answer(s) ran over target by "
                      f"{_fmt_s(over)} in total. Lead with the answer, then support it."))
    if short:
        found.append((1.2 + len(short) / 2, f"Say more: {len(short)} answer(s) used under half their "
                      "target time. Add an example and a result."))

    fpm = [r.fillers_per_min for r in done if r.fillers_per_min is not None]
    if fpm:
        avg = sum(fpm) / len(fpm)
        if avg > 3:
            words: dict[str, int] = {}
            for r in done:
                for w, c in r.result.report.fillers.by_word.items():  # type: ignore[union-attr]
                    words[w] = words.get(w, 0) + c
            top = ", ".join(f"\u201c{w}\u201d" for w, _ in sorted(words.items(), key=lambda x: -x[1])[:2])
            found.append((1.0 + avg / 3, f"Cut fillers: {avg:.1f} per minute (mostly {top}). "
                          "Pause silently instead."))

    wpms = [r.wpm for r in done if r.wpm]
    if wpms:
        avg = sum(wpms) / len(wpms)
        if avg > settings.wpm_high:
            found.append((1.0 + (avg - settings.wpm_high) / 20, f"Slow down: {avg:.0f} words per minute "
                          f"against a comfortable {settings.wpm_low}-{settings.wpm_high}."))
        elif avg < settings.wpm_low:
            found.append((1.0 + (settings.wpm_low - avg) / 20, f"Pick up the pace: {avg:.0f} words per "
                          f"minute against a comfortable {settings.wpm_low}-{settings.wpm_high}."))

    star_missing: dict[str, int] = {}
    checks_failed: dict[str, tuple[int, str]] = {}
    long_pauses = 0
    for r in done:
        rep = r.result.report  # type: ignore[union-attr]
        long_pauses += len(rep.pauses.long)
        if rep.structure.star is not None:
            for part in rep.structure.star.parts:
                if not part.present:
                    star_missing[part.name] = star_missing.get(part.name, 0) + 1
        for c in rep.structure.checks:
            if not c.passed:
                n, advice = checks_failed.get(c.label, (0, c.advice))
                checks_failed[c.label] = (n + 1, advice)
    if star_missing:
        part, n = max(star_missing.items(), key=lambda x: x[1])
        found.append((1.2 + n / 2, f"Finish your stories: the {part} was missing in {n} answer(s). "
                      "Use Situation, Task, Action, Result."))
    for label, (n, advice) in sorted(checks_failed.items(), key=lambda x: -x[1][0])[:2]:
        found.append((0.9 + n / 2, f"{label}" + (f": {advice}" if advice else f" (missing in {n} answer(s))")))
    if long_pauses >= 2:
        found.append((0.8 + long_pauses / 4, f"Bridge the silences: {long_pauses} long pauses. "
                      "Signpost (\u201cthere are three parts\u2026\u201d) to buy thinking time."))

    found.sort(key=lambda x: -x[0])
    out = [text for _, text in found[:limit]]
    if not out:
        out = ["Strong round. Raise the bar: practise the next round type or a harder bank."]
    return out


def _fmt_s(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 60}:{seconds % 60:02d}"
