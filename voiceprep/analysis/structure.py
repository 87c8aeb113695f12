"""Content structure: STAR parts for behavioural stories, the bank's checks for the rest.

STAR: every sentence gets a score per part from cue phrases ("at the time" -> situation,
"my goal was" -> task, "I decided" -> action, "as a result", numbers -> result) plus a prior
for where that part usually sits; a small dynamic programme then cuts the answer into
Situation <= Task <= Action <= Result in order, maximising the total score. A part counts as
present only when at least one of its sentences carries a cue for it. The point is the
proportions: "two minutes of situation, ten seconds of result" is the classic failure.
"""

from __future__ import annotations

import re

from voiceprep.analysis.cues import CueHit, CueMatcher
from voiceprep.analysis.report import CheckResult, Evidence, StarAnalysis, StarPart, Structure
from voiceprep.analysis.text import Token, sentences
from voiceprep.analysis.transcript import Transcript
from voiceprep.bank.model import Bank, Question

PARTS = ("situation", "task", "action", "result")
_CENTRES = (0.1, 0.25, 0.55, 0.88)
STAR_CUES: dict[str, tuple[str, ...]] = {
    "situation": (
        "at the time", "back in", "a few years ago", "years ago", "last year", "when i was", "i was working",
        "i was at", "i was the", "in my last role", "in my previous role", "at my previous", "at my last",
        "our team was", "we were", "the context", "situation", "there was", "the company", "we had a", "background",
        "the problem was", "the issue was", "was struggling", "the setup", "working on", "i joined",
    ),
    "task": (
        "my job was", "my role was", "my task", "i was responsible", "i was asked", "i was tasked", "my goal",
        "the goal was", "our goal", "i needed to", "i had to", "we needed to", "we had to", "the challenge was",
        "responsible for", "i owned", "the task", "the ask was", "objective", "it was on me", "i was accountable",
        "the question was", "deadline",
    ),
    "action": (
        "i decided", "i started", "i built", "i ran", "i talked", "i proposed", "i pushed", "so i", "first i",
        "i went", "i set up", "i worked with", "i wrote", "i led", "i convinced", "i made", "then i", "i created",
        "i analyzed", "i analysed", "i brought", "i called", "i sat down", "i told", "i asked", "i pulled",
        "i dug", "i organized", "i organised", "i scheduled", "i reached out", "i gathered", "i presented",
        "i changed", "i designed", "i launched", "i shipped", "i killed", "i cut", "i chose", "i escalated",
        "my approach", "what i did", "i took",
    ),
    "result": (
        "as a result", "the result", "in the end", "ultimately", "outcome", "we ended up", "it led to", "led to",
        "increased", "decreased", "reduced", "improved", "grew", "percent", "learned", "lesson", "looking back",
        "since then", "saved", "we launched", "we shipped", "it worked", "impact", "went from", "doubled", "halved",
        "the upshot", "afterwards", "eventually", "in hindsight", "what i learned", "takeaway",
    ),
}
_NUMBER = re.compile(r"^(\d[\d,.]*(%|x)?|\$\d[\d,.]*[kmb]?)$")  # "20", "20%", "3x", "$2m"
_NUMBER_WORDS = {"percent", "doubled", "tripled", "halved", "million", "millions", "billion", "thousand",
                 "thousands", "hundred", "twice", "half", "ten", "twenty", "thirty", "forty", "fifty"}
_SMALL_NUMBERS = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "eleven", "twelve",
                  "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "sixty",
                  "seventy", "eighty", "ninety"}
_UNITS = {"percent", "percentage", "points", "x", "times", "fold", "k", "seconds", "minutes", "hours", "days",
          "weeks", "months", "years", "users", "customers", "members", "people", "dollars"}
_I = {"i", "i'm", "i'd", "i've", "i'll", "me", "my", "myself", "mine"}
_WE = {"we", "we're", "we'd", "we've", "we'll", "us", "our", "ours", "ourselves"}


def analyse_structure(
    bank: Bank, question: Question, transcript: Transcript, tokens: list[Token], fillers: set[int]
) -> Structure:
    category = bank.category(question.category)
    matcher = CueMatcher(tokens, fillers)
    res = Structure(kind="none")
    if category is not None and category.structure == "star":
        res.kind = "star"
        res.star = star(transcript, tokens, matcher)
        res.warnings.extend(res.star.warnings)
    checks = bank.checks_for(question)
    if checks:
        if res.kind == "none":
            res.kind = "checks"
        for c in checks:
            hits = [h for h in matcher.match(c.cues) if not h.negated]
            avoid = [h for h in matcher.match(c.avoid) if not h.negated and not h.fuzzy]
            best = next((h for h in hits if not h.fuzzy), hits[0] if hits else None)
            res.checks.append(
                CheckResult(
                    id=c.id,
                    label=c.label,
                    passed=best is not None,
                    evidence=_span(transcript, tokens, best) if best else None,
                    avoid_hits=sorted({h.cue for h in avoid}),
                    advice=c.advice,
                )
            )
            if avoid:
                res.warnings.append(f"{c.label}: the answer leans on {', '.join(sorted({h.cue for h in avoid}))}.")
    return res


def _span(transcript: Transcript, tokens: list[Token], hit: CueHit) -> Evidence:
    w0, w1 = tokens[hit.tok_start].word, tokens[hit.tok_end - 1].word + 1
    words = transcript.words
    return Evidence(
        text=" ".join(w.text.strip() for w in words[w0:w1]),
        start=words[w0].start,
        end=words[w1 - 1].end,
        word_start=w0,
        word_end=w1,
        source="cue",
    )


def star(transcript: Transcript, tokens: list[Token], matcher: CueMatcher) -> StarAnalysis:
    res = StarAnalysis()
    res.i_count = sum(1 for t in tokens if t.norm in _I)
    res.we_count = sum(1 for t in tokens if t.norm in _WE)
    if res.i_count + res.we_count == 0:
        res.ownership = "none"
    elif res.i_count >= 2 * res.we_count:
        res.ownership = "i"
    elif res.we_count >= 2 * res.i_count:
        res.ownership = "we"
    else:
        res.ownership = "mixed"
    sents = sentences(tokens)
    if not sents:
        res.parts = [StarPart(name) for name in PARTS]
        return res
    # cue counts per sentence and part
    counts = [[0] * 4 for _ in sents]
    for k, part in enumerate(PARTS):
        for h in matcher.match(STAR_CUES[part]):
            if h.negated:
                continue
            for s_i, s in enumerate(sents):
                if s.tok_start <= h.tok_start < s.tok_end:
                    counts[s_i][k] += 1
    for s_i, s in enumerate(sents):
        counts[s_i][3] += sum(1 for t in tokens[s.tok_start : s.tok_end] if _NUMBER.match(t.norm))
    n = len(sents)
    score = [[min(c[k], 2) * 1.0 - 2.0 * abs((i + 0.5) / n - _CENTRES[k]) for k in range(4)] for i, c in enumerate(counts)]
    assign = _monotone(score)
    weights = [_sentence_weight(tokens, s) for s in sents]
    total = sum(weights) or 1.0
    for k, part in enumerate(PARTS):
        idx = [i for i, a in enumerate(assign) if a == k]
        p = StarPart(part)
        if idx:
            s0, s1 = sents[idx[0]], sents[idx[-1]]
            p.present = any(counts[i][k] > 0 for i in idx)
            p.word_start, p.word_end = tokens[s0.tok_start].word, tokens[s1.tok_end - 1].word + 1
            p.share = sum(weights[i] for i in idx) / total
            p.text = " ".join(w.text.strip() for w in transcript.words[p.word_start : p.word_end])
            p.start, p.end = tokens[s0.tok_start].start, tokens[s1.tok_end - 1].end
            if p.start is not None and p.end is not None:
                p.seconds = max(0.0, p.end - p.start)
        res.parts.append(p)
    result = res.parts[3]
    scope = range(result.word_start, result.word_end) if result.present else range(
        int(len(transcript.words) * 2 / 3), len(transcript.words)
    )
    res.numbers = list(dict.fromkeys(quantities([t for t in tokens if t.word in scope])))
    res.quantified = bool(res.numbers)
    sit = res.parts[0]
    if sit.share > 0.4 and (not result.present or result.share < 0.15):
        res.warnings.append(
            f"Set-up took {sit.share:.0%} of the answer and the result {result.share:.0%}: cut the context, land the result."
        )
    for p in res.parts:
        if not p.present:
            res.warnings.append(f"No clear {p.name} part.")
    if res.ownership == "we":
        res.warnings.append(f'"We" ({res.we_count}) outnumbers "I" ({res.i_count}): say what you did.')
    if not res.quantified:
        res.warnings.append("The result has no number: quantify the impact.")
    return res


def quantities(tokens: list[Token]) -> list[str]:
    """Quantities as spoken, a number with its unit ("12 percent", "five percent", "3x",
    "two hundred hours", "doubled"). A lone small number word is not one ("the one thing")."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        t = tokens[i].norm
        if not (_NUMBER.match(t) or t in _NUMBER_WORDS or t in _SMALL_NUMBERS):
            i += 1
            continue
        j = i
        while j < len(tokens) and (_NUMBER.match(tokens[j].norm) or tokens[j].norm in _NUMBER_WORDS
                                   or tokens[j].norm in _SMALL_NUMBERS) and (j == i or not tokens[j - 1].sentence_end):
            j += 1
            if tokens[j - 1].norm in ("percent", "doubled", "tripled", "halved", "twice"):
                break  # a unit or a verb closes the quantity
        unit = j < len(tokens) and tokens[j].norm in _UNITS and not tokens[j - 1].sentence_end
        words = [x.norm for x in tokens[i : j + (1 if unit else 0)]]
        if unit or any(_NUMBER.match(w) or w in _NUMBER_WORDS for w in words):
            out.append(" ".join(words))
        i = j + (1 if unit else 0)
    return out


def _sentence_weight(tokens: list[Token], s: object) -> float:
    a, b = s.tok_start, s.tok_end  # type: ignore[attr-defined]
    t0, t1 = tokens[a].start, tokens[b - 1].end
    if t0 is not None and t1 is not None:
        return max(t1 - t0, 0.01)
    return float(b - a)


def _monotone(score: list[list[float]]) -> list[int]:
    """Best non-decreasing assignment of sentences to parts 0..3 (Viterbi)."""
    n = len(score)
    best = [[float("-inf")] * 4 for _ in range(n)]
    back = [[0] * 4 for _ in range(n)]
    best[0] = list(score[0])
    for i in range(1, n):
        for k in range(4):
            j = max(range(k + 1), key=lambda j: best[i - 1][j])
            best[i][k] = best[i - 1][j] + score[i][k]
            back[i][k] = j
    k = max(range(4), key=lambda k: best[n - 1][k])
    out = [0] * n
    for i in range(n - 1, -1, -1):
        out[i] = k
        k = back[i][k]
    return out
