"""The analysis result: plain dataclasses the UI, the history store and ``voiceprep analyze --json``
all share.

``AnswerReport.to_dict()`` is the JSON contract (documented field by field in
``docs/analysis-report.md`` text handed to the lead, and in the class docstrings here);
``AnswerReport.from_dict()`` reads it back, tolerating missing keys from older versions so
history saved by an earlier release still opens. Word indices always refer to
``Transcript.words`` of the analysed transcript (``words`` is carried in the report so a saved
report can be highlighted without the transcript).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Literal

REPORT_VERSION = 1

Status = Literal["covered", "partial", "missed"]
Verdict = Literal["short", "on-target", "long"]


@dataclass
class ReportWord:
    """A transcript word as the report keeps it (times are None without timings)."""

    text: str
    start: float | None = None
    end: float | None = None


@dataclass
class FillerItem:
    """One filler occurrence. ``kind`` is "filler" (um, like...) or "repetition" ("I I")."""

    text: str
    start: float | None
    end: float | None = None
    word_start: int = 0  # index of the first word in Transcript.words
    word_end: int = 0  # index one past the last word
    kind: str = "filler"


@dataclass
class FillerCluster:
    """``count`` fillers within ``window_s`` seconds (a stretch where the speaker lost their thread)."""

    start: float
    end: float
    count: int
    words: list[str] = field(default_factory=list)


@dataclass
class Fillers:
    count: int = 0
    per_minute: float | None = None  # None without timings
    per_100_words: float | None = None  # None for an empty answer
    by_word: dict[str, int] = field(default_factory=dict)
    items: list[FillerItem] = field(default_factory=list)
    clusters: list[FillerCluster] = field(default_factory=list)


@dataclass
class Hedges:
    """Hedging phrases ("I guess", "maybe"): reported apart from fillers because indirectness,
    not disfluency, is what an interviewer screening for candor hears."""

    count: int = 0
    per_100_words: float | None = None
    by_word: dict[str, int] = field(default_factory=dict)
    items: list[FillerItem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # e.g. "I think" said 7 times


@dataclass
class Pause:
    start: float
    end: float
    seconds: float
    after_word: int = -1  # index of the word before the gap (-1: before the first word)


@dataclass
class Pauses:
    long: list[Pause] = field(default_factory=list)
    longest_s: float | None = None
    time_to_first_word_s: float | None = None  # from the end of the question (offset option)
    threshold_s: float = 2.0
    count_over_1s: int = 0


@dataclass
class PaceWindow:
    """Words per minute in one rolling window ``[start, end)`` of the recording."""

    start: float
    end: float
    wpm: float
    words: int


@dataclass
class Pace:
    wpm: float | None = None
    low: int = 120
    high: int = 165
    verdict: str | None = None  # "slow" | "in-band" | "fast" | None without timings
    window_s: float = 20.0
    series: list[PaceWindow] = field(default_factory=list)
    fastest: PaceWindow | None = None
    slowest: PaceWindow | None = None


@dataclass
class Evidence:
    """The stretch of the transcript that earned a key point its status."""

    text: str
    start: float | None
    end: float | None = None
    word_start: int = 0
    word_end: int = 0
    source: str = "cue"  # "cue", "cue-group", "embedding", "cue+embedding", "fuzzy-cue"


# On answers the method was never fitted on, a point shown as partial was one a marker credited
# about one time in five and found missing three times in five (holdouts 6, 7 and 11; README.md
# in this folder): "partial" means the words came up, not that half the point was made. The app
# and the terminal report both say so.
PARTIAL_HINT = "Touched on, not clearly made: say it in so many words next time."


@dataclass
class PointResult:
    id: str
    text: str
    status: str  # Status
    confidence: float
    evidence: Evidence | None = None
    weight: float = 1.0
    similarity: float | None = None  # best window cosine, None when embeddings were unavailable
    cues_matched: list[str] = field(default_factory=list)
    negated: bool = False  # the best cue hit sat under a negation ("I wouldn't run a test")
    # round 19: the second look's P(covered) (voiceprep.analysis.review); None when it did not
    # re-decide this point (missed by the first pass, a gated answer, or no review model)
    review_p: float | None = None


@dataclass
class Coverage:
    score: float = 0.0  # weighted: covered = 1, partial = 0.5
    points: list[PointResult] = field(default_factory=list)
    method: str = "cues+embeddings"  # or "cues-only" when the embedding model could not load
    embeddings_used: bool = True
    embedding_error: str | None = None
    # which fitted coverage model judged it: "trained-question" (the encoder was fine-tuned on
    # this question's key points), "new-question" (it was not: a user's own or edited question),
    # or "cues-only"
    model: str = "new-question"
    # round 16: how this answer sits among the labelled answers to the built-in questions
    # (voiceprep.analysis.exemplars): this question's closeness minus the closest other
    # question's, and that question ("bank/id"). ``closer_to`` is set only when the margin closed
    # the gate (nothing covered): the answer sounds like an answer to that question instead.
    exemplar_margin: float | None = None
    closer_to: str | None = None
    closer_to_prompt: str | None = None
    # which second look re-decided covered/partial points: "point-review-exemplars" (round 25, questions
    # with point exemplars), "point-review" (round 24's, any other question), or None
    review: str | None = None

    def off_question_note(self) -> str | None:
        """What to tell the user when the exemplar gate closed: which question the answer sounds
        like, and that nothing was counted as covered for this one."""
        if not self.closer_to:
            return None
        other = f"\u201c{self.closer_to_prompt}\u201d" if self.closer_to_prompt else self.closer_to
        return (f"This sounds more like an answer to {other} than to the question asked, so no key "
                "point was counted as covered. Answer the question you were asked.")


@dataclass
class StarPart:
    """One part of a behavioural story (situation, task, action or result)."""

    name: str
    present: bool = False
    start: float | None = None
    end: float | None = None
    seconds: float | None = None
    share: float = 0.0  # fraction of the answer's words (or seconds, with timings)
    word_start: int = 0
    word_end: int = 0
    text: str = ""


@dataclass
class StarAnalysis:
    parts: list[StarPart] = field(default_factory=list)
    i_count: int = 0
    we_count: int = 0
    ownership: str = "none"  # "i" | "we" | "mixed" | "none"
    quantified: bool = False
    numbers: list[str] = field(default_factory=list)  # quantities found in the result part
    warnings: list[str] = field(default_factory=list)


@dataclass
class CheckResult:
    """A bank check (``Bank.checks_for``): did the answer do it, and any ``avoid`` hits."""

    id: str
    label: str
    passed: bool
    evidence: Evidence | None = None
    avoid_hits: list[str] = field(default_factory=list)
    advice: str = ""


@dataclass
class Structure:
    kind: str = "none"  # "star" | "checks" | "none"
    star: StarAnalysis | None = None
    checks: list[CheckResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Timing:
    """Answer length against the question's and the round's targets.

    ``verdict`` uses the question target if present else the round's: "short" below
    ``low_s`` (= target * (1 - tolerance)), "long" above ``high_s`` (= target * (1 + tolerance)).
    """

    target_s: int | None = None
    round_target_s: int | None = None
    answer_s: float | None = None
    verdict: str | None = None  # Verdict, None without timings
    round_verdict: str | None = None
    tolerance: float = 0.25
    low_s: float | None = None
    high_s: float | None = None


@dataclass
class Annotation:
    """A highlightable span of words for the UI: kind is "filler", "repetition", "hedge",
    "evidence" (label = key-point id), "pause" (after word_start - 1) or "star" (label = part)."""

    kind: str
    word_start: int
    word_end: int
    label: str = ""


@dataclass
class AnswerReport:
    question: str  # "bank/question"
    transcript: str
    bank_id: str = ""
    question_id: str = ""
    round_id: str | None = None
    category: str = ""
    duration_s: float | None = None
    speaking_s: float | None = None
    word_count: int = 0  # words spoken, fillers excluded
    wpm: float | None = None
    has_timings: bool = False
    fillers: Fillers = field(default_factory=Fillers)
    hedges: Hedges = field(default_factory=Hedges)
    pauses: Pauses = field(default_factory=Pauses)
    pace: Pace = field(default_factory=Pace)
    coverage: Coverage = field(default_factory=Coverage)
    structure: Structure = field(default_factory=Structure)
    timing: Timing = field(default_factory=Timing)
    follow_up: str | None = None
    follow_up_point: str | None = None  # key-point id the follow-up probes, None if from the bank list
    annotations: list[Annotation] = field(default_factory=list)
    words: list[ReportWord] = field(default_factory=list)
    analysis_ms: float = 0.0
    version: int = REPORT_VERSION

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict (floats rounded to milliseconds)."""
        return _round_floats(dataclasses.asdict(self))

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "AnswerReport":
        return _from_value(cls, d)

    def point(self, point_id: str) -> PointResult | None:
        return next((p for p in self.coverage.points if p.id == point_id), None)



def _round_floats(v: Any) -> Any:
    if isinstance(v, float):
        return round(v, 3)
    if isinstance(v, dict):
        return {k: _round_floats(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_round_floats(x) for x in v]
    return v


_HINTS: dict[type, dict[str, Any]] = {}


def _from_value(tp: Any, v: Any) -> Any:
    """Build ``tp`` from JSON data, following the dataclass type hints (missing keys -> defaults)."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if v is None:
            return None
        return _from_value(args[0], v) if len(args) == 1 else v
    if origin is list:
        (item,) = typing.get_args(tp)
        return [_from_value(item, x) for x in (v or [])]
    if origin is dict:
        _, val = typing.get_args(tp)
        return {str(k): _from_value(val, x) for k, x in (v or {}).items()}
    if origin is Literal:
        return v
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        if not isinstance(v, dict):
            raise ValueError(f"expected an object for {tp.__name__}, got {type(v).__name__}")
        hints = _HINTS.get(tp)
        if hints is None:
            hints = _HINTS[tp] = typing.get_type_hints(tp)
        kwargs = {f.name: _from_value(hints[f.name], v[f.name]) for f in dataclasses.fields(tp) if f.name in v}
        return tp(**kwargs)
    if tp is float and isinstance(v, int):
        return float(v)
    return v
