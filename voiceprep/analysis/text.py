"""Tokens and sentences over a transcript, keeping the link back to ``Transcript.words``.

Whisper words carry leading spaces and punctuation (" retention,"), typed text splits on
whitespace; every analyser works on these normalised tokens so a cue, a filler or an evidence
span can always be mapped back to word indices and times.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from voiceprep.analysis.transcript import Transcript

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2014": " ", "\u2013": " "})
_SPLIT = re.compile(r"[/\-\u2010\u2011]+|\s+")
_STRIP = re.compile(r"^[^\w%$']+|[^\w%']+$")
_SENTENCE_END = re.compile(r"[.?!]+[\"')\]]*$")


@dataclass(frozen=True)
class Token:
    norm: str  # lower-case, punctuation stripped ("don't", "a", "b", "20%")
    word: int  # index into Transcript.words
    start: float | None
    end: float | None
    comma_after: bool = False  # the word ended with , ; : or a dash (a spoken pause marker)
    sentence_end: bool = False  # the word ended a sentence (. ? !)
    question: bool = False  # the word ended with ?


def normalize(text: str) -> list[str]:
    """The normalised tokens of a phrase (same rules as transcript words)."""
    out: list[str] = []
    for part in _SPLIT.split(text.translate(_QUOTES).lower()):
        part = _STRIP.sub("", part)
        if part:
            out.append(part)
    return out


def tokenize(transcript: Transcript) -> list[Token]:
    tokens: list[Token] = []
    for i, w in enumerate(transcript.words):
        raw = w.text.strip().translate(_QUOTES)
        parts = normalize(raw)
        if not parts:
            continue
        tail = raw.rstrip("\"')]")
        sent = bool(_SENTENCE_END.search(raw))
        for j, p in enumerate(parts):
            last = j == len(parts) - 1
            tokens.append(
                Token(
                    norm=p,
                    word=i,
                    start=w.start,
                    end=w.end,
                    comma_after=last and tail.endswith((",", ";", ":", "-", "\u2014")),
                    sentence_end=last and sent,
                    question=last and tail.endswith("?"),
                )
            )
    return tokens


@dataclass(frozen=True)
class Sentence:
    tok_start: int  # token index range [tok_start, tok_end)
    tok_end: int


def sentences(tokens: list[Token], max_tokens: int = 40) -> list[Sentence]:
    """Sentences by end punctuation; run-ons (or unpunctuated text) are cut every ``max_tokens``
    at the nearest comma or conjunction so no window is a whole monologue."""
    out: list[Sentence] = []
    start = 0
    for i, t in enumerate(tokens):
        if t.sentence_end or i == len(tokens) - 1:
            out.extend(_cut(tokens, start, i + 1, max_tokens))
            start = i + 1
    return out


_BREAK_WORDS = {"and", "but", "so", "because", "then", "which", "or"}


def _cut(tokens: list[Token], a: int, b: int, max_tokens: int) -> list[Sentence]:
    out: list[Sentence] = []
    while b - a > max_tokens:
        # best break between half and full length: a comma, else a conjunction, else hard cut
        lo, hi = a + max_tokens // 2, a + max_tokens
        cut = next((k + 1 for k in range(hi - 1, lo - 1, -1) if tokens[k].comma_after), None)
        if cut is None:
            cut = next((k for k in range(hi - 1, lo - 1, -1) if tokens[k].norm in _BREAK_WORDS), hi)
        out.append(Sentence(a, cut))
        a = cut
    if b > a:
        out.append(Sentence(a, b))
    return out


def as_written(phrase: str) -> str:
    """A normalised phrase as a person writes it ("i think" -> "I think"): fillers and hedges are
    counted lower-case, but shown to the user."""
    return re.sub(r"\bi\b", "I", phrase)
