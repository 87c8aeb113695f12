"""The question-bank data model.

Banks are plain data (TOML files in ``questions/`` or the user's bank folder); these frozen
dataclasses are what every other layer sees after loading and validation, so nothing outside
``voiceprep.bank`` ever touches raw TOML dictionaries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class KeyPoint:
    """One thing a strong answer should cover.

    ``cues`` are phrases whose presence in the transcript is direct evidence (any one suffices);
    ``cue_groups`` are concepts that must co-occur in the same stretch of speech (one phrase
    from every group). Cue phrases are case-insensitive; a trailing ``*`` matches any word ending
    ("experiment*" matches "experiments", "experimentation").
    """

    id: str
    text: str
    cues: tuple[str, ...] = ()
    cue_groups: tuple[tuple[str, ...], ...] = ()
    weight: float = 1.0


@dataclass(frozen=True)
class Question:
    id: str
    category: str
    prompt: str
    key_points: tuple[KeyPoint, ...]
    target_s: int
    rounds: tuple[str, ...] = ()
    tips: tuple[str, ...] = ()
    follow_ups: tuple[str, ...] = ()
    source: str = ""

    def key_point(self, point_id: str) -> KeyPoint | None:
        return next((p for p in self.key_points if p.id == point_id), None)


@dataclass(frozen=True)
class Category:
    """A question type (product sense, behavioral, ...).

    ``structure`` names the content-structure analysis that fits the type ("star" for
    behavioral stories, "" for none); ``checks`` are ids of the bank's content checks that
    apply to answers in this category.
    """

    id: str
    name: str
    description: str = ""
    structure: str = ""
    checks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Check:
    """A bank-level content check, e.g. "names a guardrail metric" or "closes with an experiment".

    Kept in data rather than code so each company's bank can say what its interviewers probe.
    ``avoid`` cues flag the opposite (e.g. vanity metrics) and are reported as a warning.
    """

    id: str
    label: str
    cues: tuple[str, ...]
    advice: str = ""
    avoid: tuple[str, ...] = ()


@dataclass(frozen=True)
class Round:
    """An interview stage. Practice rounds can be run as timed mock rounds; the others
    (``practice = false``, e.g. reference checks) are shown as information only."""

    id: str
    name: str
    interviewers: tuple[str, ...] = ()
    duration_min: tuple[int, int] | None = None
    categories: tuple[str, ...] = ()
    questions_per_mock: int = 0
    answer_target_s: int | None = None
    description: str = ""
    practice: bool = True


@dataclass(frozen=True)
class Guidance:
    """Bank-level advice the app shows beside practice."""

    overview: str = ""
    look_for: tuple[str, ...] = ()
    values: tuple[str, ...] = ()
    do: tuple[str, ...] = ()
    red_flags: tuple[str, ...] = ()
    checklist: tuple[str, ...] = ()
    preparation: tuple[str, ...] = ()


@dataclass(frozen=True)
class Bank:
    id: str
    title: str
    company: str
    description: str
    categories: tuple[Category, ...]
    rounds: tuple[Round, ...]
    questions: tuple[Question, ...]
    checks: tuple[Check, ...] = ()
    guidance: Guidance = field(default_factory=Guidance)
    role: str = ""
    language: str = "en"
    version: str = "1"
    source: str = ""
    path: Path | None = None
    builtin: bool = True

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def round(self, round_id: str) -> Round | None:
        return next((r for r in self.rounds if r.id == round_id), None)

    def category(self, category_id: str) -> Category | None:
        return next((c for c in self.categories if c.id == category_id), None)

    def check(self, check_id: str) -> Check | None:
        return next((c for c in self.checks if c.id == check_id), None)

    @property
    def practice_rounds(self) -> tuple[Round, ...]:
        return tuple(r for r in self.rounds if r.practice)

    def questions_for_round(self, round_id: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if round_id in q.rounds)

    def checks_for(self, question: Question) -> tuple[Check, ...]:
        category = self.category(question.category)
        if category is None:
            return ()
        return tuple(c for c in self.checks if c.id in category.checks)


@dataclass(frozen=True)
class Problem:
    """One validation problem, located as precisely as the loader can."""

    file: str
    message: str
    question: str | None = None
    field: str | None = None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        parts = [where]
        if self.question:
            parts.append(f"question {self.question!r}")
        if self.field:
            parts.append(f"field {self.field!r}")
        return ": ".join([", ".join(parts), self.message])


@dataclass(frozen=True)
class BankSet:
    """Every bank that loaded, plus every problem found on the way (broken files included)."""

    banks: tuple[Bank, ...]
    problems: tuple[Problem, ...] = ()

    def get(self, bank_id: str) -> Bank | None:
        return next((b for b in self.banks if b.id == bank_id), None)

    def resolve(self, ref: str) -> tuple[Bank, Question] | None:
        """Look up "BANK/QUESTION"."""
        bank_id, sep, question_id = ref.partition("/")
        if not sep:
            return None
        bank = self.get(bank_id)
        if bank is None:
            return None
        question = bank.question(question_id)
        return (bank, question) if question else None
