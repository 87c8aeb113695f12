"""Filler words and hedges, told apart from the same words used for their meaning.

"like" is a filler in "it's, like, retention" but not in "I like this", "looks like a bug" or
"features like search"; "so" only when it opens a sentence; "right" only as a "right?" tag;
"you know" / "I mean" / "kind of" not when they carry meaning ("do you know", "what I mean is",
"what kind of metric"). Hedges ("I guess", "maybe") are reported apart from fillers. A phrase in
both lists (the defaults put "kind of"/"sort of" in both) counts as a filler only.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from voiceprep.analysis.text import Token, normalize

# Spellings Whisper uses for the same hesitation sound.
_INTERJECTION_FORMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("um", re.compile(r"^u+m+$|^m+$")),
    ("uh", re.compile(r"^u+h+$")),
    ("er", re.compile(r"^e+r+$")),
    ("erm", re.compile(r"^e+r+m+$")),
    ("ah", re.compile(r"^a+h+$")),
    ("hmm", re.compile(r"^h+m+$|^m+h*m+$")),
)

_SUBJECTS = {"i", "you", "we", "they", "he", "she", "people", "users", "members", "customers", "would", "i'd",
             "we'd", "you'd", "they'd", "do", "don't", "didn't", "does", "doesn't", "did", "to", "really", "also",
             "not", "who", "that", "kids", "folks", "viewers", "subscribers", "might", "will", "i'll", "we'll"}
_COMPARATIVE = {"look", "looks", "looked", "looking", "seem", "seems", "seemed", "sound", "sounds", "sounded",
                "feel", "feels", "felt", "just", "more", "less", "much", "exactly", "something", "anything",
                "nothing", "everything", "things", "stuff", "thing", "something's", "lot", "alike", "likely"}
_BE_OR_CONJ = {"is", "was", "are", "were", "it's", "that's", "there's", "he's", "she's", "i'm", "we're", "they're",
               "and", "but", "so", "or", "because", "then", "be", "been", "its", "um", "uh", "just", "it", "was",
               "er", "ah", "hmm", "you", "know", "mean", "basically", "actually", "literally", "being"}
_DETERMINERS = {"what", "this", "that", "the", "a", "an", "any", "some", "every", "which", "one", "same",
                "different", "each", "these", "those", "no", "all", "whatever", "certain", "our", "their", "my",
                "your", "his", "her", "its", "another", "other", "right", "best", "first", "new", "worst"}
_YOU_KNOW_NOT_BEFORE = {"do", "did", "does", "don't", "didn't", "if", "as", "would", "what", "whether", "you'd",
                        "how", "let", "to", "who", "they", "we", "i", "cause"}
_YOU_KNOW_NOT_AFTER = {"what", "how", "that", "why", "whether", "if", "who", "where", "when", "it", "him", "her",
                       "them", "this", "about", "the", "a", "an", "me", "us", "which", "more", "exactly", "your"}
_I_MEAN_NOT_BEFORE = {"what", "which", "than", "do", "did", "if"}
_I_MEAN_NOT_AFTER = {"it", "that", "to", "by", "what", "this", "when", "business", "exactly"}
_RIGHT_NOT_BEFORE = {"the", "is", "that's", "a", "was", "all", "not", "be", "it's", "am", "are", "were", "exactly",
                     "that", "this", "it", "you're", "i'm", "we're", "turn", "go", "left", "get", "do", "did"}
_NO_REPEAT = {"that", "had", "is", "very", "really", "no", "bye", "ha", "so", "far"}


@dataclass(frozen=True)
class Hit:
    """A matched filler/hedge: canonical phrase and token range [tok_start, tok_end)."""

    phrase: str
    tok_start: int
    tok_end: int
    kind: str = "filler"  # "filler" | "repetition" | "hedge"


def _interjection(norm: str) -> str | None:
    for name, pat in _INTERJECTION_FORMS:
        if pat.match(norm):
            return name
    return None


# Words that open a sentence before "so" without making it mid-sentence ("Okay, so ...").
_DISCOURSE = {"okay", "ok", "well", "alright", "right", "yeah", "yes", "anyway", "now"}


def _sentence_start(tokens: list[Token], i: int) -> bool:
    """At a sentence start, hesitation sounds and discourse markers aside ("Um, so ...",
    "Okay, so ...")."""
    while i > 0 and not tokens[i - 1].sentence_end and (
        _interjection(tokens[i - 1].norm) or tokens[i - 1].norm in _DISCOURSE
    ):
        i -= 1
    return i == 0 or tokens[i - 1].sentence_end


_ADVERBS = {"actually", "really", "basically", "literally", "also", "still", "totally", "genuinely", "all",
            "both", "honestly", "definitely", "usually", "generally", "probably", "often", "always", "never"}


def _subject_before(tokens: list[Token], i: int) -> str | None:
    """The word before ``i`` in the sentence with hesitation sounds and adverbs skipped, to find
    the subject of a verb ("we'd, um, like to", "do they actually like")."""
    k = i
    while k > 0 and not tokens[k - 1].sentence_end and (
        _interjection(tokens[k - 1].norm) or tokens[k - 1].norm in _ADVERBS
    ):
        k -= 1
    return _prev(tokens, k)


def _prev(tokens: list[Token], i: int) -> str | None:
    return None if i == 0 or tokens[i - 1].sentence_end else tokens[i - 1].norm


def _next(tokens: list[Token], i: int) -> str | None:
    return tokens[i + 1].norm if i + 1 < len(tokens) and not tokens[i].sentence_end else None


def _is_number(s: str | None, after: str | None = None) -> bool:
    """A quantity starts here: "20", "ten", "maybe", or "a"/"an" before a quantity word
    ("like a hundred"; not "like a shuffle button")."""
    if not s:
        return False
    if s in ("a", "an"):
        return after in _QUANTITY_AFTER_A
    return s[0].isdigit() or s in _NUMBER_WORDS


_NUMBER_WORDS = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twenty", "thirty",
                 "forty", "fifty", "hundred", "half", "maybe"}
_QUANTITY_AFTER_A = {"hundred", "thousand", "million", "billion", "half", "few", "couple", "dozen", "third",
                     "quarter", "bunch", "second", "minute", "hour", "day", "week", "month", "year"}
_PREPOSITIONS = {"for", "of", "in", "on", "at", "with", "about", "from", "into", "by"}  # "in the mood for like ..."
_PRONOUNS = {"i", "we", "you", "they", "he", "she"}
_REPORTING = {"said", "say", "mentioned", "discussed", "noted", "explained", "described", "suggested", "showed"}


def _phrase_ok(phrase: str, tokens: list[Token], i: int, n: int) -> bool:
    """Context rules for phrases that are fillers only in some uses. ``i`` = first token, ``n`` = length."""
    prev, nxt = _prev(tokens, i), _next(tokens, i + n - 1)
    last = tokens[i + n - 1]
    pause_after = last.comma_after or last.sentence_end
    pause_before = prev is None or tokens[i - 1].comma_after
    if phrase == "like":
        after = _next(tokens, i + 1) if nxt is not None else None
        if nxt in _PRONOUNS and after in _REPORTING:
            return False  # "like I said", "like we discussed"
        if pause_before and pause_after:
            return True
        word_before = _subject_before(tokens, i)
        if word_before in _SUBJECTS or word_before in _COMPARATIVE or prev in _COMPARATIVE:
            return False  # "I like", "we'd, um, like to", "they actually like", "looks like"
        if prev == "of" and i > 1 and tokens[i - 2].norm in ("kind", "sort"):
            return False  # "kind of like a shuffle": a comparison ("kind of" is the filler)
        if (prev is None or prev in _BE_OR_CONJ or prev in _PREPOSITIONS or pause_after or pause_before
                or _is_number(nxt, after)):
            return True
        return False  # "features like search", "a day like today", "options like a shuffle button"
    if phrase == "so":
        return _sentence_start(tokens, i) and nxt not in {"that", "far", "much", "many", "long"}
    if phrase == "right":
        if not last.question:
            # a tag Whisper closed with "." or ",": set off by a comma before it ("the metric, right.")
            return i > 0 and tokens[i - 1].comma_after and pause_after and prev not in {"left", "and", "or"}
        return (i > 0 and tokens[i - 1].comma_after) or prev not in _RIGHT_NOT_BEFORE
    if phrase == "you know":
        if pause_before and pause_after:
            return True
        return prev not in _YOU_KNOW_NOT_BEFORE and (nxt not in _YOU_KNOW_NOT_AFTER or pause_after)
    if phrase == "i mean":
        return prev not in _I_MEAN_NOT_BEFORE and (nxt not in _I_MEAN_NOT_AFTER or pause_after)
    if phrase in ("kind of", "sort of"):
        return prev not in _DETERMINERS
    return True


def _phrase_table(phrases: tuple[str, ...] | list[str]) -> list[tuple[str, tuple[str, ...]]]:
    table = [(p.strip().lower(), tuple(normalize(p))) for p in phrases]
    table = [(p, t) for p, t in table if t]
    return sorted(table, key=lambda x: -len(x[1]))  # longest first: "i feel like" before "like"


def find_fillers(tokens: list[Token], fillers: tuple[str, ...] | list[str]) -> list[Hit]:
    table = _phrase_table(fillers)
    interjections = {p for p, t in table if len(t) == 1 and _interjection(t[0]) == t[0]}
    hits: list[Hit] = []
    used = [False] * len(tokens)
    for i, tok in enumerate(tokens):
        if used[i]:
            continue
        form = _interjection(tok.norm)
        if form and (form in interjections or (form == "erm" and "er" in interjections)):
            end = i + 1
            while end < len(tokens) and tokens[end].word == tok.word and _interjection(tokens[end].norm):
                form = _interjection(tokens[end].norm) or form  # "Mm-hmm": one sound, named by its last part
                end += 1
            hits.append(Hit(form, i, end))
            for k in range(i, end):
                used[k] = True
            continue
        for phrase, parts in table:
            n = len(parts)
            if tuple(t.norm for t in tokens[i : i + n]) != parts or any(used[i : i + n]):
                continue
            if any(tokens[k].sentence_end for k in range(i, i + n - 1)):
                continue
            if _phrase_ok(phrase, tokens, i, n):
                hits.append(Hit(phrase, i, i + n))
                for k in range(i, i + n):
                    used[k] = True
                break
    hits.extend(_repetitions(tokens, used))
    hits.sort(key=lambda h: h.tok_start)
    return hits


def _repetitions(tokens: list[Token], used: list[bool]) -> list[Hit]:
    """Immediate repeats ("I I think", "the the", "I, uh, I set up", "I think I think"); the
    first copy is the disfluency. Hesitation sounds between the two copies do not break the repeat."""
    out = _phrase_repetitions(tokens, used)
    for i in range(len(tokens) - 1):
        a = tokens[i]
        j = i + 1
        while j < len(tokens) and used[j] and _interjection(tokens[j].norm):
            j += 1
        if j >= len(tokens):
            break
        b = tokens[j]
        if (
            a.norm == b.norm
            and a.word != b.word
            and not used[i]
            and not used[j]
            and a.norm not in _NO_REPEAT
            and not a.norm[0].isdigit()
            and not a.sentence_end
            and not _interjection(a.norm)
        ):
            out.append(Hit(a.norm, i, i + 1, kind="repetition"))
            used[i] = True
    return out


# A restart repeats the opening of a clause: a pronoun, article, auxiliary or preposition.
_RESTART_START = {"i", "i'd", "i'm", "i'll", "i've", "we", "we'd", "we're", "we'll", "you", "they", "he", "she",
                  "it", "it's", "it'll", "that", "that's", "this", "there", "there's", "the", "a", "an", "my", "our",
                  "to", "in", "on", "of", "for", "with", "can", "could", "would", "will", "should", "is", "was",
                  "do", "did", "if", "what", "how", "when", "so", "but", "because"}


def _phrase_repetitions(tokens: list[Token], used: list[bool], longest: int = 3) -> list[Hit]:
    """Repeated 2- and 3-word phrases ("I think I think", "we need, uh, we need"), longest first;
    marks the first copy used so the single-word pass does not count it again."""
    out: list[Hit] = []
    for n in range(longest, 1, -1):
        for i in range(len(tokens) - 2 * n + 1):
            first = tokens[i : i + n]
            if any(used[i : i + n]) or any(t.sentence_end for t in first) or any(_interjection(t.norm) for t in first):
                continue
            j = i + n
            while j < len(tokens) and used[j] and _interjection(tokens[j].norm):
                j += 1
            second = tokens[j : j + n]
            if len(second) < n or any(used[j : j + n]) or any(t.sentence_end for t in second[:-1]):
                continue
            if [t.norm for t in first] != [t.norm for t in second] or first[-1].word == second[0].word:
                continue
            if first[0].norm not in _RESTART_START or any(t.norm in ("and", "or") for t in first):
                continue  # emphasis, not a restart: "scroll and scroll and", "up and down up and down"
            out.append(Hit(" ".join(t.norm for t in first), i, i + n, kind="repetition"))
            for k in range(i, i + n):
                used[k] = True
    return out


def find_hedges(tokens: list[Token], hedges: tuple[str, ...] | list[str], taken: set[int]) -> list[Hit]:
    """Hedge phrases not already counted as fillers (``taken``: token indices used by fillers)."""
    table = _phrase_table(hedges)
    hits: list[Hit] = []
    used = [i in taken for i in range(len(tokens))]
    for i in range(len(tokens)):
        if used[i]:
            continue
        for phrase, parts in table:
            n = len(parts)
            if tuple(t.norm for t in tokens[i : i + n]) != parts or any(used[i : i + n]):
                continue
            if phrase == "just" and _just_not_a_hedge(_next(tokens, i)):
                continue  # time, comparison or "only" sense
            if phrase in ("kind of", "sort of") and _prev(tokens, i) in _DETERMINERS:
                continue
            hits.append(Hit(phrase, i, i + n, kind="hedge"))
            for k in range(i, i + n):
                used[k] = True
            break
    return hits


_JUST_NOT_BEFORE = {"now", "like", "as", "because", "before", "after", "got", "had", "came", "went", "saw", "made",
                    "did", "built", "began", "left", "joined", "won", "lost", "heard", "met", "told", "found", "sent"}
_SOFTENERS = {"wanted", "needed", "felt", "thought", "hoped", "wondered", "figured", "assumed", "guessed"}


def _just_not_a_hedge(nxt: str | None) -> bool:
    """ "just shipped" (recency), "just one test" (only), "just as" (comparison) are meanings;
    "just wanted to say", "just a small change" soften the claim."""
    if nxt is None:
        return False
    if nxt in _JUST_NOT_BEFORE or _is_number(nxt) and nxt != "maybe":
        return True
    return nxt.endswith("ed") and len(nxt) > 4 and nxt not in _SOFTENERS


def count_by_phrase(hits: list[Hit]) -> dict[str, int]:
    return dict(Counter(h.phrase for h in hits).most_common())
