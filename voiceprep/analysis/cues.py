"""Cue-phrase matching (docs/bank-format.md): case-insensitive, whole words, a trailing ``*``
matches any ending, filler words and punctuation ignored; ``cue_groups`` need one phrase from
every group close together.

Two tolerances beyond the syntax, because the transcripts come from a small ASR model:
- a multi-word cue with exactly one word misheard ("route abandonment" for "browse
  abandonment") still hits, as a weaker *fuzzy* hit, when the other words carry most of it and
  the misheard word looks alike;
- a long single word with one or two letters wrong ("retension") hits fuzzily too.
And one guard: a hit under a negation in the same clause ("I wouldn't run an A/B test") is
marked ``negated`` so coverage can discount it.

The number rule: tiny.en writes "20%", "$2 million", "3x" as single tokens, and a cue only
matches whole words or word starts, so "percent" would never match "20%". A *numeric cue* (one
whose words are number words: "percent", "per cent", "percentage point*", "million*", "times
more", "fold", ...) also hits any single token holding a digit and a %, x or $ sign.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
import re
from difflib import SequenceMatcher
from functools import lru_cache

from voiceprep.analysis.text import Token, normalize

GROUP_WINDOW = 30  # content tokens: "close together" for cue_groups (about two spoken sentences)
NEGATION_LOOKBACK = 8
NEGATION_LOOKAHEAD = 4
_NEGATORS = {"not", "no", "never", "nothing", "none", "nor", "instead", "cannot", "skip", "dismiss", "ignore"}
_CLAUSE_BREAK = {"but", "because", "so", "then", "which", "although", "though", "while", "until", "unless", "if",
                 "before", "when", "after", "once", "since", "whether", "except", "only"}
# after the cue, in the same clause: "retention is noise", "novelty doesn't matter"
_POST_NEGATORS = {"isn't", "aren't", "doesn't", "don't", "noise", "irrelevant", "overrated", "overkill", "unnecessary",
                  "pointless", "meaningless", "noisy", "wasn't", "won't", "not"}
_STOP = {"the", "a", "an", "of", "to", "in", "on", "for", "and", "or", "is", "are", "we", "i", "it", "that", "this",
         "be", "by", "with", "at", "as", "our", "my", "you", "they", "what", "how", "do", "if"}


# words a numeric cue is made of; the cue must hold at least one of _NUMBER_HEADS
_NUMBER_HEADS = {"percent", "percentage", "percentages", "million", "millions", "billion", "billions", "thousand",
                 "thousands", "hundred", "hundreds", "dollar", "dollars", "times", "fold", "x", "cent"}
_NUMBER_TAILS = {"per", "point", "points", "basis", "more", "faster", "less", "fewer", "cheaper", "bigger", "higher",
                 "lower", "as", "many", "much", "of", "a"}
# a digit together with a %, x or $ sign: "20%", "$2", "$1.5m", "3x", "2.5x", "10x"
_SYMBOL_NUMBER = re.compile(r"^(\$\d[\d,.]*[kmb]?|\d[\d,.]*%|\d[\d,.]*x)$")


def is_symbol_number(tok: str) -> bool:
    """A token such as "20%", "$2" or "3x" (digit plus %, x or $)."""
    return bool(_SYMBOL_NUMBER.match(tok))


@dataclass(frozen=True)
class CueWord:
    text: str
    stem: bool


@dataclass(frozen=True)
class Cue:
    raw: str
    words: tuple[CueWord, ...]

    @property
    def chars(self) -> int:
        return sum(len(w.text) for w in self.words)

    @property
    def numeric(self) -> bool:
        """Made of number words ("percent", "per cent", "million*", "times more"): the number rule applies."""
        texts = [w.text for w in self.words]
        return any(t in _NUMBER_HEADS for t in texts) and all(t in _NUMBER_HEADS or t in _NUMBER_TAILS for t in texts)


@dataclass(frozen=True)
class CueHit:
    cue: str
    tok_start: int  # index into the full token list
    tok_end: int  # one past the last token
    fuzzy: bool = False
    negated: bool = False


@lru_cache(maxsize=4096)
def parse_cue(raw: str) -> Cue | None:
    words: list[CueWord] = []
    for piece in raw.split():
        stem = piece.endswith("*")
        parts = normalize(piece.rstrip("*"))
        for j, p in enumerate(parts):
            words.append(CueWord(p, stem and j == len(parts) - 1))
    return Cue(raw, tuple(words)) if words else None


def _word_match(cw: CueWord, tok: str) -> bool:
    if cw.stem:
        return tok.startswith(cw.text)
    return tok == cw.text or (tok.endswith("'s") and tok[:-2] == cw.text)


def _similar(cw: CueWord, tok: str, threshold: float) -> bool:
    target = cw.text
    if cw.stem:
        tok = tok[: len(target) + 2]
    if abs(len(tok) - len(target)) > 3 or tok in _STOP:
        return False
    sm = SequenceMatcher(None, target, tok)
    return sm.real_quick_ratio() >= threshold and sm.quick_ratio() >= threshold and sm.ratio() >= threshold


@lru_cache(maxsize=8192)
def _fuzzy_shape_ok(cue: Cue, miss: int) -> bool:
    """Whether a miss of word ``miss`` can be forgiven at all, whatever was said instead: the
    rest of the cue must carry it (checked once per cue and word, not once per token)."""
    cw = cue.words[miss]
    if len(cue.words) == 1:
        return len(cw.text) >= 8
    anchor = cue.chars - len(cw.text)
    longest = max(len(w.text) for k, w in enumerate(cue.words) if k != miss)
    return anchor >= 8 and longest >= 7 and len(cw.text) >= 4


def _fuzzy_tok_ok(cue: Cue, miss: int, tok: str) -> bool:
    cw = cue.words[miss]
    if len(cue.words) == 1:
        return abs(len(tok) - len(cw.text)) <= 1 and tok[:1] == cw.text[:1] and _similar(cw, tok, 0.85)
    return _similar(cw, tok, 0.5)


class CueMatcher:
    """Matches cue phrases over the content tokens of one transcript (fillers removed)."""

    def __init__(self, tokens: list[Token], skip: set[int] | None = None) -> None:
        skip = skip or set()
        self.tokens = tokens
        self.content = [i for i in range(len(tokens)) if i not in skip]  # content position -> token index
        self.norms = [tokens[i].norm for i in self.content]
        self._cache: dict[str, list[tuple[int, int, bool]]] = {}
        # where each word is said, so a cue is looked up, not slid over the whole answer (a
        # 3,000-word answer against a bank's cues was seconds of work)
        self._at: dict[str, list[int]] = {}
        for i, t in enumerate(self.norms):
            self._at.setdefault(t, []).append(i)
        self._vocab = sorted(self._at)
        self._by_first: dict[str, list[int]] = {}
        for i, t in enumerate(self.norms):
            self._by_first.setdefault(t[:1], []).append(i)

    def _positions(self, cw: CueWord) -> list[int]:
        """Content positions whose token matches ``cw`` exactly (as :func:`_word_match`)."""
        if cw.stem:
            lo = bisect_left(self._vocab, cw.text)
            hi = bisect_left(self._vocab, cw.text + "\U0010ffff")
            found = [i for t in self._vocab[lo:hi] for i in self._at[t]]
        else:
            found = self._at.get(cw.text, []) + self._at.get(cw.text + "'s", [])
        return sorted(found)

    def _find(self, cue: Cue) -> list[tuple[int, int, bool]]:
        """(content start, content end, fuzzy) of every hit of ``cue``."""
        if cue.raw in self._cache:
            return self._cache[cue.raw]
        n, out = len(cue.words), []
        norms = self.norms
        words = cue.words
        if n == 1:
            exact = self._positions(words[0])
            out = [(i, i + 1, False) for i in exact]
            if _fuzzy_shape_ok(cue, 0):
                seen = set(exact)
                out += [(i, i + 1, True) for i in self._by_first.get(words[0].text[:1], [])
                        if i not in seen and _fuzzy_tok_ok(cue, 0, norms[i])]
                out.sort()
            starts: list[int] = []
        else:  # at most one word may miss, so the first or the second word is there
            last = len(norms) - n
            starts = sorted({p - k for k in (0, 1) for p in self._positions(words[k]) if 0 <= p - k <= last})
        for i in starts:
            miss = -1  # the one word that does not match; -2: two or more (no hit, stop looking)
            for k in range(n):
                if not _word_match(words[k], norms[i + k]):
                    if miss != -1:
                        miss = -2
                        break
                    miss = k
            if miss == -1:
                out.append((i, i + n, False))
            elif miss >= 0 and self._fuzzy_ok(cue, miss, norms[i + miss]):
                out.append((i, i + n, True))
        if cue.numeric:  # the number rule: "20%" is a percent, "3x" three times, "$2" an amount
            have = {a for a, _, _ in out}
            out.extend((i, i + 1, False) for i, t in enumerate(norms)
                       if i not in have and i + 1 not in have and is_symbol_number(t))  # "$2 million" hits once
            out.sort()
        self._cache[cue.raw] = out
        return out

    @staticmethod
    def _fuzzy_ok(cue: Cue, miss: int, tok: str) -> bool:
        return _fuzzy_shape_ok(cue, miss) and _fuzzy_tok_ok(cue, miss, tok)

    def _negated(self, c_start: int) -> bool:
        tokens = self.tokens
        for back in range(1, NEGATION_LOOKBACK + 1):
            c = c_start - back
            if c < 0:
                return False
            tok = tokens[self.content[c]]
            if tok.sentence_end or tok.comma_after or tok.norm in _CLAUSE_BREAK:
                return False
            if tok.norm in _NEGATORS or tok.norm.endswith("n't"):
                return True
        return False

    def _post_negated(self, c_end: int) -> bool:
        tokens = self.tokens
        if c_end > 0 and (tokens[self.content[c_end - 1]].sentence_end or tokens[self.content[c_end - 1]].comma_after):
            return False
        for c in range(c_end, min(c_end + NEGATION_LOOKAHEAD, len(self.content))):
            tok = tokens[self.content[c]]
            if tok.norm in _CLAUSE_BREAK or tok.norm in {"and", "or"}:
                return False
            if tok.norm in _POST_NEGATORS:
                nxt = self.norms[c + 1] if c + 1 < len(self.norms) else ""
                # "churn doesn't go up" is a guardrail, not a dismissal: only verdict-like words count
                return tok.norm not in {"doesn't", "don't", "won't", "isn't", "aren't", "wasn't", "not"} or nxt in {
                    "matter", "matters", "relevant", "important", "meaningful", "useful", "worth", "needed", "necessary",
                    "the", "a", "really", "an", "that"}
            if tok.sentence_end or tok.comma_after:
                return False
        return False

    def _hit(self, cue: str, c0: int, c1: int, fuzzy: bool) -> CueHit:
        return CueHit(cue, self.content[c0], self.content[c1 - 1] + 1, fuzzy, self._negated(c0) or self._post_negated(c1))

    def match(self, cues: tuple[str, ...] | list[str]) -> list[CueHit]:
        hits: list[CueHit] = []
        for raw in cues:
            cue = parse_cue(raw)
            if cue is None:
                continue
            hits.extend(self._hit(raw, a, b, f) for a, b, f in self._find(cue))
        hits.sort(key=lambda h: (h.tok_start, h.fuzzy))
        return hits

    def match_groups(self, groups: tuple[tuple[str, ...], ...]) -> list[CueHit]:
        """Spans where every group has a hit within GROUP_WINDOW content tokens (one per anchor)."""
        if not groups:
            return []
        per_group: list[list[tuple[int, int, bool, bool]]] = []
        for group in groups:
            found = []
            for raw in group:
                cue = parse_cue(raw)
                if cue is None:
                    continue
                for a, b, f in self._find(cue):
                    found.append((a, b, f, self._negated(a) or self._post_negated(b)))
            if not found:
                return []
            per_group.append(sorted(found))
        out: list[CueHit] = []
        last_end = -1
        for a0, b0, f0, n0 in per_group[0]:
            parts = [(a0, b0, f0, n0)]
            for other in per_group[1:]:
                near = [h for h in other if abs(h[0] - a0) <= GROUP_WINDOW]
                if not near:
                    break
                parts.append(min(near, key=lambda h: abs(h[0] - a0)))
            else:
                a = min(p[0] for p in parts)
                b = max(p[1] for p in parts)
                if a < last_end:
                    continue
                last_end = b
                label = " + ".join(" ".join(self.norms[p[0] : p[1]]) for p in parts)
                out.append(CueHit(label, self.content[a], self.content[b - 1] + 1,
                                  any(p[2] for p in parts), any(p[3] for p in parts)))
        return out
