"""Hand-made banks and timed transcripts for the analysis tests (no files, no models)."""

from __future__ import annotations

from voiceprep.analysis.transcript import Transcript, Word
from voiceprep.bank.model import Bank, Category, Check, KeyPoint, Question, Round


def timed(text: str, wpm: float = 150.0, start: float = 1.0, gaps: dict[int, float] | None = None) -> Transcript:
    """Words spoken evenly at ``wpm`` from ``start``; ``gaps`` adds silence after word index i."""
    gaps = gaps or {}
    per = 60.0 / wpm
    t = start
    words = []
    for i, w in enumerate(text.split()):
        words.append(Word(" " + w, round(t, 3), round(t + per * 0.8, 3), 0.9))
        t += per + gaps.get(i, 0.0)
    return Transcript(words=tuple(words), text=text, duration_s=t + 0.5, source="audio")


def product_bank() -> tuple[Bank, Question]:
    q = Question(
        id="discovery",
        category="product",
        prompt="How would you improve discovery for members who browse for a long time?",
        target_s=120,
        rounds=("screen",),
        follow_ups=("How would you run the experiment, and what would make you ship?",),
        key_points=(
            KeyPoint("problem", "Define the problem as browse abandonment: sessions that end without a play.",
                     cues=("browse abandon*", "never press play"),
                     cue_groups=(("brows*", "scroll*"), ("give up", "abandon*"))),
            KeyPoint("experiment", "Validate with an A/B test on play rate and retention.",
                     cues=("a/b test*", "experiment*", "holdout"), weight=2.0),
        ),
    )
    bank = Bank(
        id="test-bank", title="T", company="", description="",
        categories=(Category("product", "Product", checks=("experiment", "retention")),
                    Category("behavioral", "Behavioral", structure="star", checks=("quantified",))),
        rounds=(Round("screen", "Screen", answer_target_s=90),),
        questions=(q, star_question()),
        checks=(
            Check("experiment", "Closes with an experiment", cues=("a/b test*", "experiment*")),
            Check("retention", "Anchors on retention", cues=("retention", "churn*"), avoid=("time spent", "clicks")),
            Check("quantified", "Quantifies the impact", cues=("percent", "doubled")),
        ),
    )
    return bank, q


def star_question() -> Question:
    return Question(
        id="conflict", category="behavioral", prompt="Tell me about a disagreement.", target_s=120,
        key_points=(KeyPoint("situation", "Describe the disagreement and what was at stake", cues=("disagree*",)),
                    KeyPoint("result", "Say how it ended and what you learned", cues=("result*", "learned"))),
    )
