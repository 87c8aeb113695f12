"""The next interviewer question: probe the most important key point the answer missed.

Prefers one of the bank's own follow-ups when it is about that point (its words hit the
point's cues), since a human wrote it; otherwise turns the key point into a question. With
nothing missed, asks the bank's first follow-up (if any).
"""

from __future__ import annotations

import re

from voiceprep.analysis.cues import CueMatcher
from voiceprep.analysis.report import PointResult
from voiceprep.analysis.transcript import Transcript
from voiceprep.analysis.text import tokenize
from voiceprep.bank.model import Question

_PRIORITY = {"missed": 0, "partial": 1}


def pick_point(question: Question, points: list[PointResult]) -> PointResult | None:
    gaps = [p for p in points if p.status in _PRIORITY]
    if not gaps:
        return None
    order = {kp.id: i for i, kp in enumerate(question.key_points)}
    return min(gaps, key=lambda p: (_PRIORITY[p.status], -p.weight, order.get(p.id, 99)))


def follow_up(
    question: Question, points: list[PointResult], story: bool = False, off_question: bool = False
) -> tuple[str | None, str | None]:
    """(question text, key-point id it probes or None). ``story``: a behavioural question (the
    bank's category has STAR structure), so the template asks about what happened, not about a
    hypothetical ("can you explain how you found a resolution?"). ``off_question``: the answer
    sounded like an answer to another question (the exemplar gate), so an interviewer would steer
    back to the question asked rather than probe one of its points."""
    if off_question:
        return f"Let me bring you back to the question I asked. {question.prompt}", None
    target = pick_point(question, points)
    if target is None:
        return (question.follow_ups[0] if question.follow_ups else None), None
    kp = question.key_point(target.id)
    if kp is not None:
        for fu in question.follow_ups:
            m = CueMatcher(tokenize(Transcript.from_text(fu)))
            if any(not h.fuzzy for h in m.match(kp.cues)):
                return fu, target.id
    return _from_point(target.text, target.status, story), target.id


# Where a key point's headline ends: its detail follows a colon, "such as", "e.g." or a "like"
# that introduces examples (not "look like", "would like").
_CUT = re.compile(r":|;| such as | e\.g\.|, for example|, including |(?<!look)(?<!looks)(?<!would)(?<!feel) like ")
# Headlines that open with a time or place phrase rather than a verb ("Before the event: ...").
_NOT_A_VERB = {"before", "after", "during", "when", "while", "once", "in", "at", "on", "for", "with", "without"}


def _from_point(text: str, status: str, story: bool = False) -> str:
    core = _CUT.split(text, maxsplit=1)[0].strip().rstrip(" ,.;:-\u2014")
    if not core:
        return "Can you say more about that?"
    core = core[0].lower() + core[1:]
    if core.split()[0] in _NOT_A_VERB:
        ask = f"what {'did' if story else 'would'} you do {core}?"
    elif story:
        ask = f"can you {core}?"
    else:
        ask = f"how would you {core}?"
    if status == "partial":
        return f"Let's go one level deeper. Concretely, {ask}"
    return f"You didn't get to this: {ask}"
