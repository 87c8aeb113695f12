"""What the analysis can be tuned with; defaults come from ``voiceprep.settings``."""

from __future__ import annotations

from dataclasses import dataclass, field

from voiceprep.settings import DEFAULT_FILLERS, DEFAULT_HEDGES, Settings


@dataclass(frozen=True)
class AnalysisOptions:
    """Per-run analysis options.

    ``question_end_s``: time in the recording at which the question finished being read (the
    recording may start before the read-aloud ends); time to first word is measured from it.
    ``use_embeddings``: False forces cue-only coverage (fast, no model).
    ``timing_tolerance``: answer length within target +-25% is "on-target".
    """

    wpm_low: int = 120
    wpm_high: int = 165
    long_pause_s: float = 2.0
    fillers: tuple[str, ...] = DEFAULT_FILLERS
    hedges: tuple[str, ...] = DEFAULT_HEDGES
    question_end_s: float = 0.0
    use_embeddings: bool = True
    timing_tolerance: float = 0.25
    pace_window_s: float = 20.0
    pace_step_s: float = 5.0
    cluster_window_s: float = 10.0
    cluster_min: int = 3
    calibration: str | None = None  # path of a calibration JSON; None = the shipped one
    # path of the encoder's trained-points.json (voiceprep.analysis.trained); None = the shipped one
    trained_points: str | None = None
    # round 16's exemplar gate (voiceprep.analysis.exemplars): False switches it off (the bench
    # that selects it measures the method without it); ``exemplars``: path of the file, None = shipped
    exemplar_gate: bool = True
    exemplars: str | None = None
    # round 19's second look (voiceprep.analysis.review): False keeps the first pass's statuses
    # (the bench that fits it measures the first pass); ``review``: path of the file, None = shipped
    point_review: bool = True
    review: str | None = None
    # round 25's second look for questions with point exemplars (voiceprep.analysis.point_exemplars):
    # False judges every question with round 24's; paths of its review file and its table, None = shipped
    exemplar_review: bool = True
    review_exemplars: str | None = None
    point_exemplars: str | None = None
    # labelled sets whose point exemplars are left out: the accuracy tests judge a labelled set against
    # the other sets' exemplars, as a user's fresh answer is judged (its own are not in the table)
    exemplars_without: frozenset[str] = frozenset()
    extra: dict[str, float] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: object) -> "AnalysisOptions":
        values: dict[str, object] = dict(
            wpm_low=settings.wpm_low,
            wpm_high=settings.wpm_high,
            long_pause_s=settings.long_pause_s,
            fillers=tuple(settings.fillers),
            hedges=tuple(settings.hedges),
        )
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]
