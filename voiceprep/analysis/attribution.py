"""Stretches the speaker attributes to someone else.

Why: a common way to reject a point is to name it as other people's advice first ("people always
say you have to A/B test this", "the textbook answer is you go to the leader directly", "you're
supposed to quantify the impact") and then set it aside. The words match the key point, so cues
and sentence similarity both fire; the labels (and an interviewer) say the point was not made.
Plain negation ("I wouldn't bother with a test") is handled by coverage.dismissed_tokens; this
covers the reported framing, which has no negation word in it.
"""

from __future__ import annotations

from voiceprep.analysis.text import Token

# who says it: "people always say", "everyone tells you", "some people would say", "the textbook says"
_SOURCES = frozenset({"people", "everyone", "everybody", "folks", "others", "pms", "textbook", "textbooks",
                      "consultants", "experts", "gurus", "interviewers"})
_SPEECH = frozenset({"say", "says", "said", "tell", "tells", "talk", "talks", "ask", "asks", "jump", "recommend",
                     "recommends", "suggest", "suggests", "insist", "insists", "preach", "preaches"})
_BETWEEN = frozenset({"always", "usually", "often", "will", "would", "might", "typically", "generally", "all"})
# "the usual advice is", "the textbook answer is", "the standard playbook says"
_STOCK = frozenset({"usual", "textbook", "standard", "classic", "typical", "conventional", "stock", "canned",
                    "generic", "cliche", "expected"})
_STOCK_NOUNS = frozenset({"answer", "advice", "story", "playbook", "wisdom", "line", "script", "framework", "move",
                          "approach"})
# the speaker's own voice resumes ("... i didn't", "... but honestly")
_RESUME = frozenset({"i", "we", "but", "however", "instead", "honestly", "though"})
REPORT_AHEAD = 30  # tokens a reported stretch runs at most (ASR text often has no sentence ends)


def _frame_at(w: list[str], i: int) -> bool:
    a = w[i]
    b = w[i + 1] if i + 1 < len(w) else ""
    c = w[i + 2] if i + 2 < len(w) else ""
    if a in _SOURCES and (b in _SPEECH or (b in _BETWEEN and c in _SPEECH)):
        return True
    if a == "the" and b in _STOCK and (c in _STOCK_NOUNS or (i + 3 < len(w) and w[i + 3] in _STOCK_NOUNS)):
        return True
    return a in {"you're", "youre"} and b in {"supposed", "meant"} and c == "to"


def reported_tokens(tokens: list[Token]) -> set[int]:
    """Token indices inside stretches attributed to others: from the frame ("people say", "the
    usual advice is", "you're supposed to") to the sentence end, the speaker's own voice
    resuming ("I", "we", "but", "honestly") or REPORT_AHEAD tokens."""
    w = [t.norm for t in tokens]
    out: set[int] = set()
    for s in range(len(w)):
        if not _frame_at(w, s):
            continue
        for k in range(s, min(len(w), s + REPORT_AHEAD + 1)):
            if k > s + 1 and w[k] in _RESUME:
                break
            out.add(k)
            if tokens[k].sentence_end:
                break
    return out
