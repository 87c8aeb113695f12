"""Stretches in which the speaker rejects what they name.

Why: negation answers name a key point in order to turn it down ("I wouldn't bother segmenting
into kids or casual players", "I don't really buy the story that games compete for leisure time",
"pre-registering guardrails, I think that's overkill"). The words match the point, so cues and
sentence similarity both fire, and the point came out `covered` (round 17 in this package's
README). ``coverage.dismissed_tokens`` starts a stretch at any negation, which also catches the
way people *make* points ("we didn't know the demand", "I didn't want to do it in the meeting");
these stretches start only at a first-person refusal or a verdict, and end with the clause.
"""

from __future__ import annotations

import re

from voiceprep.analysis.text import Token

REJECT_AHEAD = 12  # tokens a forward stretch runs at most (ASR text often has no commas)
REJECT_BEHIND = 14  # tokens a verdict reaches back ("segmenting by persona is overkill")

_NEG = frozenset({"don't", "dont", "didn't", "didnt", "wouldn't", "wouldnt", "won't", "wont", "never"})
_NEG2 = frozenset({("do", "not"), ("did", "not"), ("would", "not"), ("will", "not")})
_SOFT = frozenset({"really", "even", "actually", "honestly", "just", "ever", "personally", "necessarily", "much",
                   "too", "bother", "try"})
# verbs that, negated, turn something down whoever says them ("I don't buy", "we never bothered")
_REFUSE = frozenset({"bother", "bothered", "buy", "believe", "waste", "wasted"})
_SUBJ = frozenset({"i", "we"})
_MODAL_NEG = frozenset({"wouldn't", "wouldnt", "won't", "wont"})
_MODAL_NEG2 = frozenset({("would", "not"), ("will", "not")})
_SUBJ_MODAL = frozenset({"i'd", "id", "we'd", "i'll", "we'll"})
# a verdict on what came before ("... is overkill", "that's theatre")
_VERDICT_BACK = frozenset({"overkill", "overblown", "overrated", "pointless", "theatre", "theater", "distraction",
                           "overcomplicate", "overcomplicating", "overthink", "overthinking", "paralysis"})
# "I don't think X works / matters / makes sense / holds up / is worth it"
_VERDICT_AFTER_THINK = frozenset({"works", "work", "matters", "matter", "helps", "help", "holds", "sense", "worth",
                                  "needed", "necessary", "important", "useful", "valuable", "constraint"})
_END = frozenset({"but", "instead", "rather", "however", "though", "although", "so", "because", "since", "then",
                  "what", "where"})


def _negation_at(w: list[str], i: int) -> int:
    """Tokens of the negation starting at ``i`` (0 if none)."""
    if w[i] in _NEG:
        return 1
    if i + 1 < len(w) and (w[i], w[i + 1]) in _NEG2:
        return 2
    return 0


def _skip_soft(w: list[str], k: int) -> int:
    while k < len(w) and w[k] in _SOFT - {"bother"}:
        k += 1
    return k


def _forward_trigger(w: list[str], i: int, refusals: bool) -> bool:
    """Whether a forward rejection starts at token ``i``."""
    n = _negation_at(w, i)
    if n:
        k = _skip_soft(w, i + n)
        nxt = w[k] if k < len(w) else ""
        if nxt in _REFUSE:
            return True
        if nxt == "spend" and any(x == "time" for x in w[k + 1:k + 5]):
            return True
        if nxt == "see" and w[k + 1:k + 3] == ["the", "point"]:
            return True
        if nxt == "think" and w[i] in {"don't", "dont"} | {"do"}:
            return False  # handled by _think_verdict: it needs the verdict word
        # the generic refusal: "I wouldn't ...", "we won't ..." (broadest; a variant leaves it out)
        if refusals and i > 0 and w[i - 1] in _SUBJ and (w[i] in _MODAL_NEG or (w[i], w[i + 1] if i + 1 < len(w) else "") in _MODAL_NEG2):
            return True
        return False
    if w[i] in {"no"} and i + 1 < len(w) and w[i + 1] == "point":
        return True
    if w[i] == "not" and i + 1 < len(w) and w[i + 1] in {"worth", "bother", "bothering"}:
        return True
    # "i'm not going to", "i'm not a big believer", "i'm not someone who", "i'm not sold on"
    if w[i] in {"i'm", "im"} or (w[i] == "am" and i > 0 and w[i - 1] == "i"):
        rest = w[i + 1:i + 5]
        if rest[:1] == ["not"] and (rest[1:3] == ["going", "to"] or (rest[1:2] and rest[1] in {"someone", "sold", "convinced"})
                                    or "believer" in rest[1:4]):
            return True
    # "i'd skip", "i'd not bother", "i'll skip"
    if w[i] in _SUBJ_MODAL or (w[i] == "would" and i > 0 and w[i - 1] in _SUBJ):
        k = _skip_soft(w, i + 1)
        if k < len(w) and (w[k] == "skip" or (w[k] == "not" and k + 1 < len(w) and w[k + 1] in {"bother", "do", "go"})):
            return True
    return False


def _think_verdict(w: list[str], i: int) -> int:
    """"I don't think X works": the index of the verdict word, or -1."""
    n = _negation_at(w, i)
    if not n or w[i] not in {"don't", "dont", "do"}:
        return -1
    k = _skip_soft(w, i + n)
    if k >= len(w) or w[k] != "think":
        return -1
    for j in range(k + 1, min(len(w), k + 1 + REJECT_AHEAD)):
        if w[j] in _VERDICT_AFTER_THINK:
            return j
        if w[j] in _END:
            return -1
    return -1


def _clause_end(tokens: list[Token], w: list[str], start: int) -> int:
    """Exclusive end of the clause that starts at ``start``."""
    for k in range(start, min(len(w), start + REJECT_AHEAD)):
        if k > start and w[k] in _END:
            return k
        if tokens[k].sentence_end or tokens[k].comma_after:
            return k + 1
    return min(len(w), start + REJECT_AHEAD)


def rejected_tokens(tokens: list[Token], refusals: bool = True) -> set[int]:
    """Token indices inside rejection stretches. ``refusals=False`` leaves out the generic "I
    wouldn't + verb" trigger (round 17 measured both)."""
    w = [t.norm for t in tokens]
    out: set[int] = set()
    for i in range(len(w)):
        if _forward_trigger(w, i, refusals):
            out.update(range(i, _clause_end(tokens, w, i)))
            continue
        j = _think_verdict(w, i)
        if j >= 0:
            out.update(range(i, max(j + 1, _clause_end(tokens, w, j))))
            continue
        if w[i] in _VERDICT_BACK:
            out.add(i)
            for k in range(i - 1, max(-1, i - REJECT_BEHIND - 1), -1):
                if tokens[k].sentence_end or (tokens[k].comma_after and not set(w[k + 1:i]) <= _POINTS_BACK):
                    break
                out.add(k)
    return out


# ", I think that's overkill": words between a comma and the verdict that point back past the
# comma to what was named
_POINTS_BACK = frozenset({"i", "think", "honestly", "that's", "thats", "that", "it's", "its", "which", "is", "was",
                          "just", "a", "bit", "kind", "of", "really", "total", "complete", "mostly", "probably",
                          "all", "seems", "feels", "like", "pure", "bit"})


_NEGATIVE_POINT = re.compile(r"\b(not|no|never|avoid|without|rather than|instead of)\b|n't\b")


def negative_point(text: str) -> bool:
    """A key point worded in the negative ("judge on retention, not downloads", "without blaming
    others"): answers make it with negations, so the rejection rule does not apply to it."""
    return bool(_NEGATIVE_POINT.search(text.lower()))
