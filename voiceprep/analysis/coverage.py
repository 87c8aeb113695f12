"""Key-point coverage: is each key point of the question covered, partly covered or missed,
how sure are we, and which words earned it.

Signals per key point (:func:`extract`, :func:`features`):
- the bank's cue phrases and cue groups (exact, fuzzy for ASR errors, negated; numeric cues also
  match "20%", "3x", "$2");
- cosine similarity between the key point's text (and its listed sub-items) and windows of two
  sentences of the answer (all-MiniLM-L6-v2), and how much the best window stands out;
- depth: the tokens spent on the point, and the answer's *topical* length (tokens in windows
  that are about one of the question's points: a long off-topic story is long, not deep).
- sentence-level dismissal: cue hits inside a stretch that rejects the point ("I wouldn't
  bother with an A/B test", "segmenting is overkill").
A small logistic model over these signals (:class:`CoverageModel`), fitted by
``bench/bench_coverage.py --write`` on every labelled answer of the development data (chosen by
leave-one-question-out cross-validation, trained with cue dropout), turns them into P(covered)
and P(at least partial); a point is covered only with an exact cue hit or a window similar
enough that off-topic talk never reached it (``cue_or_sim``), and only in an answer where at
least two points have *strong* evidence (a cue that is rare across the bank's questions, a cue
group, two cues close together, or a window similar enough: :func:`strong_points`; a single
generic word such as "impact" in a "tell me about yourself" answer covers nothing). The fitted numbers ship in
``assets/analysis/coverage-calibration.json``. Without the embedding model a cue-only model from
the same file is used and the report says so. Other signals here (relative similarity, prompt
margin, topical length, background topicality, ...) were measured and are not in the shipped model.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from voiceprep.analysis.attribution import reported_tokens
from voiceprep.analysis.cues import CueHit, CueMatcher
from voiceprep.analysis.exemplars import Closest, ExemplarTable, prompt_key
from voiceprep.analysis.rejection import negative_point, rejected_tokens
from voiceprep.analysis.report import Coverage, Evidence, PointResult
from voiceprep.analysis.text import Sentence, Token, sentences
from voiceprep.analysis.transcript import Transcript
from voiceprep.bank.model import KeyPoint, Question

DEFAULT_WINDOWS = (1, 2)


@dataclass
class Window:
    tok_start: int
    tok_end: int
    text: str
    size: int = 1  # sentences in the window


@dataclass
class PointSignals:
    point: KeyPoint
    hits: list[CueHit] = field(default_factory=list)  # plain cues
    group_hits: list[CueHit] = field(default_factory=list)
    sims: np.ndarray | None = None  # cosine per window
    sub_sims: np.ndarray | None = None  # (sub-items of the point text, windows)
    cue_sem: dict[str, float] = field(default_factory=dict)  # cue -> best window cosine (meaning, not words)
    # cue -> in how many of the bank's *other* questions its rarest content word appears
    # (:func:`cue_frequencies`): "impact" is everywhere, "keeper" in one question
    cue_df: dict[str, int] = field(default_factory=dict)

    @property
    def exact(self) -> list[CueHit]:
        return [h for h in self.hits + self.group_hits if not h.fuzzy and not h.negated]


@dataclass
class AnswerSignals:
    tokens: list[Token]
    windows: list[Window]
    points: list[PointSignals]
    topic_sim: float | None = None  # whole answer vs prompt + key points
    topic_margin: float | None = None  # topic_sim minus the best other question of the bank
    prompt_sims: np.ndarray | None = None  # cosine of each window to the question prompt
    # per window: best cosine to the bank's *other* questions (prompts and key points), the
    # background an on-topic window must beat
    bg_sims: np.ndarray | None = None
    embeddings_used: bool = False
    embedding_error: str | None = None
    dismissed: set[int] | None = None  # token indices in dismissing stretches (computed on demand)
    reported: set[int] | None = None  # token indices in stretches attributed to others (on demand)
    exemplar: Closest | None = None  # round 16: against the labelled answers to each built-in question
    # round 25: every window built (one- and two-sentence, before restrict_windows) and each key
    # point's cosine to it, for the point exemplars (voiceprep.analysis.point_exemplars)
    window_vecs: np.ndarray | None = None
    window_point_sims: np.ndarray | None = None
    # round 17: token indices in rejection stretches, per variant (with / without generic refusals)
    rejected: dict[bool, set[int]] = field(default_factory=dict)


def make_windows(tokens: list[Token], sizes: tuple[int, ...] = DEFAULT_WINDOWS, skip: set[int] | None = None) -> list[Window]:
    """Sliding windows of ``sizes`` consecutive sentences; text without filler tokens."""
    skip = skip or set()
    sents: list[Sentence] = sentences(tokens)
    out: list[Window] = []
    for n in sizes:
        if n > len(sents) and out:
            continue
        for i in range(max(1, len(sents) - n + 1)):
            group = sents[i : i + n]
            if not group:
                continue
            a, b = group[0].tok_start, group[-1].tok_end
            text = " ".join(tokens[k].norm for k in range(a, b) if k not in skip)
            if text:
                out.append(Window(a, b, text, n))
    return out


def extract(
    question: Question,
    tokens: list[Token],
    filler_tokens: set[int],
    embedder: object | None,
    window_sizes: tuple[int, ...] = DEFAULT_WINDOWS,
    embedding_error: str | None = None,
    others: tuple[Question, ...] = (),
    needed: frozenset[str] | None = None,
    exemplars: ExemplarTable | None = None,
    exemplar_k: int = 3,
) -> AnswerSignals:
    """All coverage signals for one answer. ``others``: the bank's other questions, to notice an
    answer to a different question (it matches one of them better than this one). ``needed``:
    feature names the model uses; optional signals nobody reads are skipped (None = all).
    ``exemplars``: the labelled answers' vectors, for the exemplar gate (k highest per question)."""
    matcher = CueMatcher(tokens, filler_tokens)
    dfs = cue_frequencies(question, others)
    points = [
        PointSignals(kp, matcher.match(kp.cues), matcher.match_groups(kp.cue_groups), cue_df=dfs.get(kp.id, {}))
        for kp in question.key_points
    ]
    # one-sentence windows are always built: longer windows are pooled from them
    windows = make_windows(tokens, tuple(sorted(set(window_sizes) | {1})), filler_tokens)
    sig = AnswerSignals(tokens, windows, points, embedding_error=embedding_error)
    if embedder is not None and windows:
        kp_vecs = embedder.embed_cached([kp.text for kp in question.key_points])  # type: ignore[attr-defined]
        subs = [subitems(kp.text) for kp in question.key_points]
        sub_vecs = embedder.embed_cached([s for group in subs for s in group])  # type: ignore[attr-defined]
        topic_vec = embedder.embed_cached([_topic_text(question)])  # type: ignore[attr-defined]
        win_vecs, full_vec = _window_vectors(embedder, windows)
        sims = kp_vecs @ win_vecs.T
        sig.window_vecs, sig.window_point_sims = win_vecs, sims
        sig.prompt_sims = embedder.embed_cached([question.prompt])[0] @ win_vecs.T  # type: ignore[attr-defined]
        sub_sims = sub_vecs @ win_vecs.T
        k = 0
        for p, row, group in zip(points, sims, subs):
            p.sims = row
            p.sub_sims = sub_sims[k : k + len(group)]
            k += len(group)
        want_sem = needed is None or bool(needed & set(CUE_SEM_FEATURES))
        cue_lists = [[c for c in kp.cues if c.strip("* ")] if want_sem else [] for kp in question.key_points]
        flat = [c for group in cue_lists for c in group]
        if flat:
            cue_vecs = embedder.embed_cached([c.replace("*", "") for c in flat])  # type: ignore[attr-defined]
            best = (cue_vecs @ win_vecs.T).max(axis=1)
            k = 0
            for p, group in zip(points, cue_lists):
                p.cue_sem = {c: float(b) for c, b in zip(group, best[k : k + len(group)])}
                k += len(group)
        sig.topic_sim = float(topic_vec[0] @ full_vec)
        rest = [q for q in others if q.id != question.id]
        if rest and (needed is None or bool(needed & {*BG_FEATURES, "topic_gate"})):
            bg_vecs = embedder.embed_cached(_background_texts(question, rest))  # type: ignore[attr-defined]
            sig.bg_sims = (bg_vecs @ win_vecs.T).max(axis=0)
        if rest and (needed is None or "topic_margin" in needed):
            other_vecs = embedder.embed_cached([_topic_text(q) for q in rest])  # type: ignore[attr-defined]
            sig.topic_margin = sig.topic_sim - float((other_vecs @ full_vec).max())
        if exemplars is not None:
            sig.exemplar = exemplars.closest(full_vec, prompt_key(question.prompt), exemplar_k)
        sig.embeddings_used = True
    return restrict_windows(sig, window_sizes)


def restrict_windows(sig: AnswerSignals, sizes: tuple[int, ...]) -> AnswerSignals:
    """The same signals restricted to windows of the given sentence counts (all windows if
    none has such a size, e.g. a one-sentence answer with 2-sentence windows asked for)."""
    keep = [j for j, w in enumerate(sig.windows) if w.size in sizes] or list(range(len(sig.windows)))
    if len(keep) == len(sig.windows):
        return sig
    pts = []
    if sig.prompt_sims is not None:
        sig = replace(sig, prompt_sims=sig.prompt_sims[keep])
    if sig.bg_sims is not None:
        sig = replace(sig, bg_sims=sig.bg_sims[keep])
    for p in sig.points:
        q = replace(p)
        q.sims = None if p.sims is None else p.sims[keep]
        q.sub_sims = None if p.sub_sims is None else p.sub_sims[:, keep]
        pts.append(q)
    return replace(sig, windows=[sig.windows[j] for j in keep], points=pts)




# ---- cue specificity, from the bank itself -------------------------------------------------------

# words that carry no topic: a cue made only of these ("now I", "I made", "since then") is generic
_SPEC_STOP = frozenset(
    "the a an of to in on for and or is are was were be been we i me my mine it its it's that that's this "
    "these those by with at as our ours you your they them their he she his her us what how do did does "
    "done if so up out from then now when one more very there here about into over than all just would "
    "could can will get got make made have has had i've i'm i'd not no don't didn't since ever still "
    "really also some any each every".split()
)


def _stem(w: str) -> str:
    w = re.sub(r"[^a-z0-9]", "", w.lower())
    for suf in ("ing", "ed", "es", "s", "ly"):
        if w.endswith(suf) and len(w) - len(suf) >= 4:
            return w[: -len(suf)]
    return w


def _question_stems(q: Question) -> frozenset[str]:
    texts = [q.prompt, *(kp.text for kp in q.key_points), *(c for kp in q.key_points for c in kp.cues),
             *(c for kp in q.key_points for g in kp.cue_groups for c in g)]
    return frozenset(_stem(w) for t in texts for w in re.findall(r"[A-Za-z0-9']+", t.replace("*", "")))


_DF_CACHE: dict[tuple[str, ...], dict[str, dict[str, int]]] = {}


def cue_frequencies(question: Question, others: tuple[Question, ...]) -> dict[str, dict[str, int]]:
    """{point id: {cue: df}}: for each cue, the number of the bank's other questions (prompt, key
    points, cues) that contain its *rarest* content word (a starred word matches any ending). A
    cue whose every word is common across the bank ("impact", "I started", "result*") says little
    about this question; one with a rare word ("keeper test", "browse abandonment") says a lot.
    A cue with no content word gets the number of other questions. Computed from the bank, not
    from labelled answers; empty without ``others``."""
    rest = tuple(q for q in others if q.id != question.id)
    if not rest:
        return {}
    key = (question.id, question.prompt, *(q.id for q in rest))
    if key in _DF_CACHE:
        return _DF_CACHE[key]
    vocab = [_question_stems(q) for q in rest]
    out: dict[str, dict[str, int]] = {}
    for kp in question.key_points:
        d: dict[str, int] = {}
        for cue in kp.cues:
            words = [w for w in re.findall(r"[A-Za-z0-9'*]+", cue.lower()) if w.strip("*") and w.strip("*") not in _SPEC_STOP]
            if not words:
                d[cue] = len(rest)
                continue
            counts = []
            for w in words:
                star = w.endswith("*")
                st = _stem(w.strip("*"))
                counts.append(sum(1 for v in vocab if (any(x.startswith(st) for x in v) if star else st in v)))
            d[cue] = min(counts)
        out[kp.id] = d
    if len(_DF_CACHE) > 256:
        _DF_CACHE.clear()
    _DF_CACHE[key] = out
    return out


def subitems(text: str) -> list[str]:
    """The parts of a key point that lists several things ("metrics such as A, B and C, and an
    A/B test" -> the lead clause and each listed item); the whole text if it is not a list."""
    head, sep, rest = text.partition(":")
    body = rest if sep else text
    parts = [p.strip(" .") for p in re.split(r",|;| and | or | such as | like ", body)]
    parts = [p for p in parts if len(p.split()) >= 2]
    if sep and head.strip():
        parts.insert(0, head.strip())
    return parts if len(parts) >= 2 else [text]


def _background_texts(question: Question, rest: list[Question]) -> list[str]:
    """The other questions' prompts and key points, minus any text this question shares."""
    own = {question.prompt, *(kp.text for kp in question.key_points)}
    out = [t for q in rest for t in (q.prompt, *(kp.text for kp in q.key_points)) if t not in own]
    return sorted(set(out))


def _topic_text(q: Question) -> str:
    return q.prompt + " " + " ".join(kp.text for kp in q.key_points)


def _window_vectors(embedder: object, windows: list[Window]) -> tuple[np.ndarray, np.ndarray]:
    """Vectors for every window from its sentences' vectors (each sentence embedded once).

    A multi-sentence window gets the length-weighted mean of its sentences' (mean-pooled)
    vectors, renormalised: the same pooling the model uses, minus cross-sentence attention.
    Embedding each window for real would cost about three times as much for 1-2 sentence
    windows; the whole answer (for on-topic similarity) comes out of the same sentence vectors.
    """
    singles = [w for w in windows if w.size == 1]
    if not singles:  # no one-sentence windows to build on: embed each window as it is
        vecs = embedder.embed([w.text for w in windows])  # type: ignore[attr-defined]
        full = vecs.mean(axis=0)
        return vecs, full / max(float(np.linalg.norm(full)), 1e-9)
    vecs = embedder.embed([w.text for w in singles])  # type: ignore[attr-defined]
    lens = np.array([max(len(w.text.split()), 1) for w in singles], dtype=np.float32)
    by_start = {w.tok_start: i for i, w in enumerate(singles)}
    out = np.zeros((len(windows), vecs.shape[1]), dtype=np.float32)
    for j, w in enumerate(windows):
        if w.size == 1:
            out[j] = vecs[by_start[w.tok_start]]
            continue
        idx = [i for i, s in enumerate(singles) if w.tok_start <= s.tok_start < w.tok_end]
        v = (vecs[idx] * lens[idx, None]).sum(axis=0)
        out[j] = v / max(float(np.linalg.norm(v)), 1e-9)
    full = (vecs * lens[:, None]).sum(axis=0)
    full = full / max(float(np.linalg.norm(full)), 1e-9)
    return out, full


# ---- features -------------------------------------------------------------------------------

CUE_FEATURES = ("cue_exact", "cue_distinct", "cue_group", "cue_fuzzy_only", "cue_negated_only", "cue_negated_frac")
SIM_FEATURES = ("sim_max", "sim_top2", "sim_z", "sim_cue_window", "topic_sim", "sim_rank")
SUB_FEATURES = ("sub_mean", "sub_frac")
DEPTH_FEATURES = ("ans_len", "support_tokens", "cue_hits_total")
CUE_SEM_FEATURES = ("cue_sem_max", "cue_sem_top3")
# relative similarity: is this point what the answer talks about, or does every point light up?
REL_FEATURES = ("sim_margin", "sim_pz", "sub_rel")
PROMPT_FEATURES = ("sim_over_prompt",)  # restating the question is not making the point
NEG_FEATURES = ("neg_best", "neg_near")  # the closest windows dismiss rather than make the point
_DISMISS = {"not", "no", "never", "nothing", "nor", "cannot", "skip", "waste", "wasting", "overthink", "overkill",
            "pointless", "irrelevant", "overrated", "unnecessary", "meaningless", "noise", "bother", "forget"}
CUE_SHAPE_FEATURES = ("cue_words", "cue_share")
# a cue in a window unlike the point ("I wouldn't bother with an A/B test") is weaker evidence
INTERACTION_FEATURES = ("cue_x_sim", "cue_x_margin")
# answer length counted only where the answer talks about the question (a long off-topic story
# is long, not deep): tokens of windows at least TOPIC_WINDOW_SIM similar to some key point
TOPIC_LEN_FEATURES = ("topic_len", "topic_share")
TOPIC_WINDOW_SIM = 0.3
# the answer against the bank's other questions: a window is on topic when it is closer to this
# question (prompt or a key point) than to any other question of the bank
BG_FEATURES = ("bg_margin", "bg_topic_share", "bg_topic_len")
# sentence-level dismissal: every cue hit of the point sits in a stretch that rejects it
# ("I wouldn't bother with an A/B test", "segmenting is overkill"), or its best sentence does
DISMISS_FEATURES = ("cue_dismissed", "best_dismissed")
_DISMISS_FWD = _DISMISS | {"wasted", "overthink", "overthinking"}
_DISMISS_BACK = {"overkill", "pointless", "irrelevant", "overrated", "unnecessary", "meaningless", "noise", "distraction"}
_CONTRAST = {"but", "however", "instead", "rather", "what", "although", "though", "yet"}
DISMISS_AHEAD = 15
DISMISS_BEHIND = 6
SUB_MIN_FEATURES = ("sub_min",)  # the least-mentioned listed item: two-part points need both halves
# round 13: answer-level context for each point (an answer that touches most points is a real attempt)
ANSWER_FEATURES = ("evidence_share", "answer_best_sim")
SUB_THRESHOLD = 0.4  # a listed item counts as mentioned when some window is this similar


def features(sig: AnswerSignals, i: int, names: tuple[str, ...]) -> list[float]:
    p = sig.points[i]
    exact = p.exact
    distinct = _spans(exact)
    n_tok = max(len(sig.tokens), 1)
    all_hits = p.hits + p.group_hits
    vals: dict[str, float] = {
        "cue_exact": 1.0 if exact else 0.0,
        "cue_distinct": math.log1p(distinct),
        "cue_group": 1.0 if any(not h.negated for h in p.group_hits) else 0.0,
        "cue_fuzzy_only": 1.0 if not exact and any(h.fuzzy and not h.negated for h in p.hits + p.group_hits) else 0.0,
        "cue_negated_only": 1.0 if not exact and any(h.negated for h in p.hits + p.group_hits) else 0.0,
        "cue_density": len(exact) * 100.0 / n_tok,
        "cue_negated_frac": sum(h.negated for h in all_hits) / len(all_hits) if all_hits else 0.0,
        "cue_hits_total": math.log1p(len(exact)),
        "ans_len": math.log1p(n_tok),
        "support_tokens": math.log1p(_support(sig, p)),
    }
    if p.sub_sims is not None and p.sub_sims.size:
        best = p.sub_sims.max(axis=1)
        vals["sub_mean"] = float(best.mean())
        vals["sub_frac"] = float((best >= SUB_THRESHOLD).mean())
        vals["sub_min"] = float(best.min())
    if p.sims is not None and len(p.sims):
        s = np.sort(p.sims)[::-1]
        vals["sim_max"] = float(s[0])
        vals["sim_top2"] = float(s[:2].mean())
        vals["sim_z"] = float((s[0] - p.sims.mean()) / (p.sims.std() + 0.05))
        vals["sim_cue_window"] = _cue_window_sim(sig, p)
        vals["topic_sim"] = sig.topic_sim or 0.0
        vals["topic_margin"] = sig.topic_margin or 0.0
        sem = sorted(p.cue_sem.values(), reverse=True)
        vals["cue_sem_max"] = sem[0] if sem else 0.0
        vals["cue_sem_top3"] = float(np.mean(sem[:3])) if sem else 0.0
        # is this point the one its best window talks about most? (1 = yes)
        best = int(np.argmax(p.sims))
        col = [q.sims[best] for q in sig.points if q.sims is not None]
        vals["sim_rank"] = 1.0 if p.sims[best] >= max(col) - 1e-6 else 0.0
        wanted = set(names)
        if wanted & {*REL_FEATURES, "cue_x_margin"}:  # measured options: computed only when asked
            vals.update(_relative(sig, i))
        if wanted & set(TOPIC_LEN_FEATURES):
            on_topic = _topic_tokens(sig)
            vals["topic_len"] = math.log1p(on_topic)
            vals["topic_share"] = on_topic / n_tok
        vals["cue_x_sim"] = vals["cue_exact"] * vals["sim_cue_window"]
        vals["cue_x_margin"] = vals["cue_exact"] * vals.get("sim_margin", 0.0)
        if wanted & set(BG_FEATURES):
            vals.update(_bg_signals(sig, p))
        if wanted & {"best_dismissed"}:
            vals.update(_dismiss_signals(sig, p))
        if set(NEG_FEATURES) & set(names):  # measured, not shipped: computed only when asked
            neg = _window_negation(sig)
            vals["neg_best"] = float(neg[best])
            near = [j for j in range(len(p.sims)) if p.sims[j] >= p.sims[best] - 0.05]
            vals["neg_near"] = float(np.mean([neg[j] for j in near]))
        if sig.prompt_sims is not None and len(sig.prompt_sims) == len(p.sims):
            vals["sim_over_prompt"] = float((p.sims - sig.prompt_sims).max())
    if "cue_dismissed" in names:
        vals["cue_dismissed"] = _dismiss_signals(sig, p)["cue_dismissed"]
    if exact:
        vals["cue_words"] = float(min(max(len(h.cue.split()) for h in exact), 3))
    with_cue = sum(1 for q in sig.points if q.exact)
    vals["cue_share"] = with_cue / max(len(sig.points), 1)
    if wanted_answer := set(names) & set(ANSWER_FEATURES):  # round 13, measured: how the answer as a whole reads
        if "evidence_share" in wanted_answer:
            vals["evidence_share"] = points_with_evidence(sig) / max(len(sig.points), 1)
        if "answer_best_sim" in wanted_answer:
            vals["answer_best_sim"] = best_similarity(sig)
    return [vals.get(n, 0.0) for n in names]


def dismissed_tokens(tokens: list[Token]) -> set[int]:
    """Token indices inside a stretch that dismisses what it names: from a negation or
    dismissal word forward to the sentence end, a contrast word ("but", "instead") or
    DISMISS_AHEAD tokens; and DISMISS_BEHIND tokens back from a verdict word ("... is overkill",
    "... doesn't matter"). Commas do not end it ("I wouldn't bother, segmenting is pointless")."""
    out: set[int] = set()
    n = len(tokens)
    for i, t in enumerate(tokens):
        w = t.norm
        fwd = w in _DISMISS_FWD or (w.endswith("n't") and w not in {"can't"})
        nxt = tokens[i + 1].norm if i + 1 < n else ""
        if w == "not" and nxt in {"only", "just"}:
            fwd = False
        back = w in _DISMISS_BACK or (w in {"matter", "matters"} and i and (tokens[i - 1].norm.endswith("n't") or tokens[i - 1].norm == "not"))
        if fwd:
            for k in range(i, min(n, i + DISMISS_AHEAD + 1)):
                if k > i and tokens[k].norm in _CONTRAST:
                    break
                out.add(k)
                if tokens[k].sentence_end:
                    break
        if back:
            for k in range(i, max(-1, i - DISMISS_BEHIND - 1), -1):
                if k < i and tokens[k].sentence_end:
                    break
                out.add(k)
    return out


def dismissed_of(sig: AnswerSignals) -> set[int]:
    """Token indices in dismissing stretches (dismissed_tokens), cached on ``sig``."""
    if sig.dismissed is None:
        sig.dismissed = dismissed_tokens(sig.tokens)
    return sig.dismissed


def reported_of(sig: AnswerSignals) -> set[int]:
    """Token indices in stretches attributed to others (attribution.reported_tokens), cached on ``sig``."""
    if sig.reported is None:
        sig.reported = reported_tokens(sig.tokens)
    return sig.reported


def _dismiss_signals(sig: AnswerSignals, p: PointSignals) -> dict[str, float]:
    """cue_dismissed: the point has exact cue hits and every one lies in a dismissing stretch
    (no later hit re-affirms it); best_dismissed: its most similar one-sentence window is
    mostly dismissing."""
    d = dismissed_of(sig)
    exact = p.exact
    out = {"cue_dismissed": 1.0 if exact and all(h.tok_start in d for h in exact) else 0.0, "best_dismissed": 0.0}
    if p.sims is not None and len(p.sims):
        one = _one_sentence_windows(sig)
        j = max(one, key=lambda j: p.sims[j])
        w = sig.windows[j]
        span = range(w.tok_start, w.tok_end)
        out["best_dismissed"] = sum(k in d for k in span) / max(len(span), 1)
    return out


def _bg_signals(sig: AnswerSignals, p: PointSignals) -> dict[str, float]:
    """bg_margin: the point's best lead over the bank's other questions on one window;
    bg_topic_share / bg_topic_len: the answer's tokens in windows (of the smallest size) closer to
    this question than to any other question of the bank."""
    if sig.bg_sims is None or p.sims is None or not len(p.sims):
        return {}
    bg = sig.bg_sims
    out = {"bg_margin": float((p.sims - bg).max())}
    share, n_on = topical_share(sig)
    out["bg_topic_share"] = share
    out["bg_topic_len"] = math.log1p(n_on)
    return out


def topical_share(sig: AnswerSignals) -> tuple[float, int]:
    """(share, count) of the answer's tokens in windows closer to this question (its prompt or
    a key point) than to any other question of the bank; (1.0, all) without the background."""
    n_tok = max(len(sig.tokens), 1)
    pts = [q.sims for q in sig.points if q.sims is not None and len(q.sims)]
    if sig.bg_sims is None or not pts or not sig.windows:
        return 1.0, n_tok
    own = np.vstack(pts + ([sig.prompt_sims] if sig.prompt_sims is not None else [])).max(axis=0)
    smallest = min(w.size for w in sig.windows)
    toks: set[int] = set()
    for j, w in enumerate(sig.windows):
        if w.size == smallest and own[j] > sig.bg_sims[j]:
            toks.update(range(w.tok_start, w.tok_end))
    return len(toks) / n_tok, len(toks)


def _topic_tokens(sig: AnswerSignals) -> int:
    """Tokens of the answer in windows (of the smallest size in use) at least TOPIC_WINDOW_SIM
    similar to one of the question's key points; overlapping windows count once."""
    pts = [q.sims for q in sig.points if q.sims is not None and len(q.sims)]
    if not pts or not sig.windows:
        return 0
    best = np.vstack(pts).max(axis=0)
    smallest = min(w.size for w in sig.windows)
    toks: set[int] = set()
    for j, w in enumerate(sig.windows):
        if w.size == smallest and best[j] >= TOPIC_WINDOW_SIM:
            toks.update(range(w.tok_start, w.tok_end))
    return len(toks)


def _window_negation(sig: AnswerSignals) -> list[bool]:
    """Whether each window holds a negation or a dismissal word ("I wouldn't bother with ...")."""
    out = []
    for w in sig.windows:
        toks = (sig.tokens[k].norm for k in range(w.tok_start, w.tok_end))
        out.append(any(t in _DISMISS or t.endswith("n't") for t in toks))
    return out


def _relative(sig: AnswerSignals, i: int) -> dict[str, float]:
    """Similarity of point ``i`` relative to the question's other points, in this answer.

    ``sim_margin``: the best window's lead over the most similar *other* point on that same
    window (max over windows of sim(i) - max_j!=i sim(j)): a window that is about this point
    rather than about the question in general. ``sim_pz``: this point's best similarity as a
    z-score across the question's points, so a generic on-topic answer that is equally close to
    every point gives none of them a lead. ``sub_rel``: the same for the listed sub-items.
    """
    pts = [q for q in sig.points if q.sims is not None and len(q.sims)]
    p = sig.points[i]
    if len(pts) < 2 or p.sims is None:
        return {}
    M = np.vstack([q.sims for q in pts])
    k = next(j for j, q in enumerate(pts) if q is p)
    others = np.delete(M, k, axis=0).max(axis=0)
    maxes = M.max(axis=1)
    out = {
        "sim_margin": float((M[k] - others).max()),
        "sim_pz": float((maxes[k] - maxes.mean()) / (maxes.std() + 0.05)),
    }
    subs = [float(q.sub_sims.max(axis=1).mean()) for q in pts if q.sub_sims is not None and q.sub_sims.size]
    if len(subs) == len(pts):
        out["sub_rel"] = subs[k] - float(np.mean(subs))
    return out


def _support(sig: AnswerSignals, p: PointSignals) -> int:
    """Tokens the answer spends on the point: the union of the windows (of the smallest size
    in use) holding an exact cue hit or at least SUB_THRESHOLD similar to the point (a
    one-clause mention vs an elaborated point). Overlapping windows count their tokens once."""
    if not sig.windows:
        return 0
    smallest = min(w.size for w in sig.windows)
    starts = [h.tok_start for h in p.exact]
    toks: set[int] = set()
    for j, w in enumerate(sig.windows):
        if w.size != smallest:
            continue
        near = p.sims is not None and p.sims[j] >= SUB_THRESHOLD
        if near or any(w.tok_start <= s < w.tok_end for s in starts):
            toks.update(range(w.tok_start, w.tok_end))
    return len(toks)


def _spans(hits: list[CueHit]) -> int:
    """Distinct places the cues hit (overlapping cues such as "algorithm*" and
    "recommendation algorithm*" on the same words count once)."""
    n, end = 0, -1
    for h in sorted(hits, key=lambda h: h.tok_start):
        if h.tok_start >= end:
            n += 1
        end = max(end, h.tok_end)
    return n


def _cue_window_sim(sig: AnswerSignals, p: PointSignals) -> float:
    """Similarity of the best window that contains an exact cue hit (0 without one)."""
    if p.sims is None:
        return 0.0
    best = 0.0
    for h in p.exact:
        for j, w in enumerate(sig.windows):
            if w.tok_start <= h.tok_start < w.tok_end:
                best = max(best, float(p.sims[j]))
    return best


# ---- the calibrated decision -------------------------------------------------------------------


@dataclass(frozen=True)
class Logistic:
    names: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    std: tuple[float, ...]
    threshold: float

    def prob(self, x: list[float]) -> float:
        z = self.bias + sum(w * (v - m) / s for w, v, m, s in zip(self.weights, x, self.mean, self.std))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_dict(self) -> dict[str, object]:
        return {"names": list(self.names), "weights": list(self.weights), "bias": self.bias,
                "mean": list(self.mean), "std": list(self.std), "threshold": self.threshold}

    @classmethod
    def from_dict(cls, d: dict[str, object]) -> "Logistic":
        return cls(tuple(d["names"]), tuple(d["weights"]), float(d["bias"]), tuple(d["mean"]),  # type: ignore[arg-type]
                   tuple(d["std"]), float(d["threshold"]))  # type: ignore[arg-type]


@dataclass(frozen=True)
class CoverageModel:
    """P(covered) and P(covered or partial), each with its decision threshold."""

    covered: Logistic
    any: Logistic
    windows: tuple[int, ...] = DEFAULT_WINDOWS
    topic_floor: float | None = None  # answers less on-topic than this get nothing "covered"
    # an exact, non-negated cue hit makes a point at least "partial": the model, fitted on
    # answers of 40-330 words, would otherwise miss a point named in a very short answer
    cue_partial: bool = False
    # answers whose share of on-topic tokens (closer to this question than to the bank's other
    # questions: :func:`topical_share`) is below this get nothing "covered"
    topic_gate: float | None = None
    # a point whose cue hits all sit in dismissing stretches and whose best sentence dismisses
    # it is at most "partial"
    dismiss_rule: bool = False
    # a point is "covered" only with an exact cue hit or a window at least this similar to it:
    # MiniLM similarity alone (0.3-0.45) is what small talk and off-topic stories reach
    cue_or_sim: float | None = None
    # evidence strength: a cue whose rarest word appears in at least this many of the bank's
    # other questions is *generic*; a point whose only evidence is one generic cue (no specific
    # cue, no second distinct cue, no cue group, no window ``cue_or_sim`` similar) is at most
    # "partial", unless the window holding the cue is at least ``generic_sim`` similar to it
    generic_df: int | None = None
    generic_sim: float | None = None
    # answer-level topicality: fewer than this many of the question's points with any evidence
    # (an exact cue hit or a window SUB_THRESHOLD similar) and nothing is "covered"
    min_points: int = 0
    # two distinct generic cues count as strong evidence only this many tokens apart at most
    # (None: anywhere in the answer; 0: never)
    pair_span: int | None = None
    # fewer than this many points with strong evidence (not :func:`weak_evidence`, and a cue or
    # a window ``cue_or_sim`` similar) and nothing is "covered": a real answer makes several
    min_strong: int = 0
    # False: the evidence-strength rule only feeds the answer-level gate (``min_strong``); a
    # point of an answer that passes it may be covered on a generic cue
    weak_per_point: bool = True
    # round 5: an answer that fails ``min_strong`` still opens when it is about *this* question
    # (whole-answer similarity to it beats every other question of the bank by ``margin_open``:
    # ``AnswerSignals.topic_margin``) and has at least ``margin_min_strong`` strong points. Short,
    # plain answers make their points in generic words; "tell me about yourself" talk is closer to
    # another question (or to none) than to this one.
    margin_open: float | None = None
    margin_min_strong: int = 1
    # round 9: a point named only inside a stretch attributed to others ("people always say you
    # have to A/B test this", "the textbook answer is ...": voiceprep.analysis.attribution) is at
    # most "partial": every exact cue hit is in such a stretch, or (no cue hit) half its best window is
    reported_rule: bool = False
    # round 12: the per-point cue-or-similarity rule with its own, lower threshold. ``cue_or_sim``
    # (above what any off-topic talk reaches) still decides which points count as strong for the
    # answer-level gate; a point of an answer that passed the gate needs only this, fitted above
    # what the off-topic answers that pass the gate reach. None: ``cue_or_sim`` for both.
    cue_or_sim_point: float | None = None
    # round 13: an answer that fails ``min_strong`` still opens when one of its points has a
    # window at least this similar (fitted like ``cue_or_sim``: above every off-topic window of
    # the training data). One point made that plainly is not off-topic talk; the two-point gate
    # was closing answers that make one point well and the others in plain words.
    open_sim: float | None = None
    # round 14: in an answer that only the topic margin let through (fewer than ``min_strong``
    # strong points), a cue covers a point only in a window at least ``generic_sim`` similar to
    # it, however specific the cue (else a window ``cue_or_sim`` similar is needed): a team lead's
    # career story is on topic for "helped someone grow" and says "mentor" in passing (h13-dev-04)
    margin_strict: bool = False
    # round 16: an answer whose labelled-answer margin (``AnswerSignals.exemplar``: closeness to
    # the answers people gave to this question minus the closest other question's, each the mean
    # of the ``exemplar_k`` highest cosines) is below this answers another question: nothing is
    # "covered". Only for questions with exemplars (built-in, prompt unchanged).
    exemplar_gate: float | None = None
    exemplar_k: int = 3
    # round 17: a point touched by a rejection stretch (voiceprep.analysis.rejection) or a reported
    # one, with no support outside them, is at most "partial"; ``reject_refusals``: the generic
    # "I wouldn't + verb" trigger counts too
    reject_rule: bool = False
    reject_refusals: bool = True
    # round 18: judge the rejection by the sentences that carry the point (near-best similarity,
    # specific cue or cue group): "half" (a sentence rejects if half its tokens are in stretches) or
    # "any" (if it holds any); None: round 17's cue-level rule. ``reject_exempt``: points worded
    # in the negative are exempt
    reject_carriers: str | None = None
    reject_exempt: bool = True

    def to_dict(self) -> dict[str, object]:
        return {"covered": self.covered.to_dict(), "any": self.any.to_dict(), "windows": list(self.windows),
                "topic_floor": self.topic_floor, "cue_partial": self.cue_partial, "topic_gate": self.topic_gate,
                "dismiss_rule": self.dismiss_rule, "cue_or_sim": self.cue_or_sim, "generic_df": self.generic_df,
                "generic_sim": self.generic_sim, "min_points": self.min_points,
                "pair_span": self.pair_span, "min_strong": self.min_strong, "weak_per_point": self.weak_per_point,
                "margin_open": self.margin_open, "margin_min_strong": self.margin_min_strong,
                "reported_rule": self.reported_rule, "cue_or_sim_point": self.cue_or_sim_point,
                "open_sim": self.open_sim, "margin_strict": self.margin_strict,
                "exemplar_gate": self.exemplar_gate, "exemplar_k": self.exemplar_k,
                "reject_rule": self.reject_rule, "reject_refusals": self.reject_refusals,
                "reject_carriers": self.reject_carriers, "reject_exempt": self.reject_exempt}

    @classmethod
    def from_dict(cls, d: dict[str, object]) -> "CoverageModel":
        return cls(Logistic.from_dict(d["covered"]), Logistic.from_dict(d["any"]),  # type: ignore[arg-type]
                   tuple(d.get("windows", DEFAULT_WINDOWS)), d.get("topic_floor"),  # type: ignore[arg-type]
                   bool(d.get("cue_partial", False)), d.get("topic_gate"),  # type: ignore[arg-type]
                   bool(d.get("dismiss_rule", False)), d.get("cue_or_sim"),  # type: ignore[arg-type]
                   d.get("generic_df"), d.get("generic_sim"), int(d.get("min_points", 0) or 0),  # type: ignore[arg-type]
                   d.get("pair_span"), int(d.get("min_strong", 0) or 0),  # type: ignore[arg-type]
                   bool(d.get("weak_per_point", True)), d.get("margin_open"),  # type: ignore[arg-type]
                   int(d.get("margin_min_strong", 1) or 0), bool(d.get("reported_rule", False)),
                   d.get("cue_or_sim_point"), d.get("open_sim"),  # type: ignore[arg-type]
                   bool(d.get("margin_strict", False)), d.get("exemplar_gate"),  # type: ignore[arg-type]
                   int(d.get("exemplar_k", 3) or 3), bool(d.get("reject_rule", False)),
                   bool(d.get("reject_refusals", True)), d.get("reject_carriers"),  # type: ignore[arg-type]
                   bool(d.get("reject_exempt", True)))


def lacks_evidence(sig: AnswerSignals, i: int, model: CoverageModel) -> bool:
    """The cue-or-similarity rule: no exact cue hit and no window ``cue_or_sim`` similar
    (``cue_or_sim_point`` when the model has one)."""
    threshold = model.cue_or_sim_point if model.cue_or_sim_point is not None else model.cue_or_sim
    if threshold is None:
        return False
    p = sig.points[i]
    if p.exact:
        return False
    return p.sims is None or not len(p.sims) or float(p.sims.max()) < threshold


def strong_cue(sig: AnswerSignals, i: int, generic_df: int, pair_span: int | None = None) -> bool:
    """Cue evidence that does not rest on one generic word: a specific cue (its rarest word in
    fewer than ``generic_df`` of the bank's other questions), a cue group, or two distinct cues at
    two places (at most ``pair_span`` tokens apart; None: anywhere, 0: pairs do not count)."""
    p = sig.points[i]
    exact = p.exact
    if not exact:
        return False
    if any(not h.negated and not h.fuzzy for h in p.group_hits):
        return True
    plain = [h for h in exact if h in p.hits]
    if any(p.cue_df.get(h.cue, 0) < generic_df for h in plain):
        return True
    if pair_span == 0:
        return False
    if pair_span is None:
        return len({h.cue for h in plain}) >= 2 and _spans(plain) >= 2
    return any(a.cue != b.cue and b.tok_start >= a.tok_end and b.tok_start - a.tok_start <= pair_span
               for a in plain for b in plain)


def weak_evidence(sig: AnswerSignals, i: int, model: CoverageModel) -> bool:
    """The evidence-strength rule: the point's only support is generic cue words, in a window not
    similar enough to the point (``generic_sim``) and no window ``cue_or_sim`` similar."""
    if model.generic_df is None:
        return False
    p = sig.points[i]
    if not p.exact or strong_cue(sig, i, model.generic_df, model.pair_span):
        return False
    if p.sims is not None and len(p.sims):
        if model.cue_or_sim is not None and float(p.sims.max()) >= model.cue_or_sim:
            return False
        if model.generic_sim is not None and _cue_window_sim(sig, p) >= model.generic_sim:
            return False
    return True


def points_with_evidence(sig: AnswerSignals) -> int:
    """How many of the question's points the answer touches at all (an exact cue or a window
    SUB_THRESHOLD similar): an answer about something else touches one by chance, not several."""
    return sum(1 for p in sig.points if p.exact or (p.sims is not None and len(p.sims) and float(p.sims.max()) >= SUB_THRESHOLD))


def strong_points(sig: AnswerSignals, model: CoverageModel) -> int:
    """Points with evidence that passes the cue-or-similarity and evidence-strength rules."""
    return sum(1 for i, p in enumerate(sig.points)
               if (p.exact or (model.cue_or_sim is not None and p.sims is not None and len(p.sims)
                               and float(p.sims.max()) >= model.cue_or_sim))
               and not weak_evidence(sig, i, model))


def best_similarity(sig: AnswerSignals) -> float:
    """The highest similarity any key point reaches in any window of the answer (0 without embeddings)."""
    return max((float(p.sims.max()) for p in sig.points if p.sims is not None and len(p.sims)), default=0.0)


def gate_opening(sig: AnswerSignals, model: CoverageModel) -> str | None:
    """How the answer passes the model's gates: "strong" (enough strong points, or no two-point
    gate), "sim" (one point made plainly: ``open_sim``), "margin" (about this question by
    ``margin_open``), or None: off topic, nothing can be covered."""
    opening = "strong"
    if model.min_strong:
        n = strong_points(sig, model)
        if n < model.min_strong:
            if model.open_sim is not None and best_similarity(sig) >= model.open_sim:
                opening = "sim"
            elif (model.margin_open is not None and sig.topic_margin is not None
                  and sig.topic_margin >= model.margin_open and n >= model.margin_min_strong):
                opening = "margin"
            else:
                return None
    if model.min_points and points_with_evidence(sig) < model.min_points:
        return None
    if model.topic_floor is not None and sig.topic_sim is not None and sig.topic_sim < model.topic_floor:
        return None
    if model.topic_gate is not None and sig.bg_sims is not None and topical_share(sig)[0] < model.topic_gate:
        return None
    if exemplar_closed(sig, model):
        return None
    return opening


def exemplar_closed(sig: AnswerSignals, model: CoverageModel) -> bool:
    """Round 16: the answer's closest labelled answers belong to another question."""
    return (model.exemplar_gate is not None and sig.exemplar is not None
            and sig.exemplar.margin < model.exemplar_gate)


def gated(sig: AnswerSignals, model: CoverageModel) -> bool:
    """Whether the answer is off topic for the model's gates (nothing can be covered)."""
    return gate_opening(sig, model) is None


def margin_blocked(sig: AnswerSignals, i: int, model: CoverageModel) -> bool:
    """Round 14 (``margin_strict``): in a margin-opened answer a point needs a window ``cue_or_sim``
    similar, or a cue in a window ``generic_sim`` similar; a cue's specificity alone is not enough."""
    p = sig.points[i]
    if p.sims is None or not len(p.sims):
        return True
    if model.cue_or_sim is not None and float(p.sims.max()) >= model.cue_or_sim:
        return False
    return not (p.exact and model.generic_sim is not None and _cue_window_sim(sig, p) >= model.generic_sim)


def point_blocked(sig: AnswerSignals, i: int, model: CoverageModel, opening: str | None) -> bool:
    """Whether the model's rules forbid `covered` for point ``i`` whatever its probability (the
    answer-level gate aside; ``opening`` is how the answer passed it, see gate_opening). One place,
    so the bench that fits the thresholds applies exactly what decide() does."""
    return bool((model.dismiss_rule and dismiss_blocked(sig, i)) or lacks_evidence(sig, i, model)
                or (model.weak_per_point and weak_evidence(sig, i, model))
                or (model.reported_rule and reported_blocked(sig, i))
                or (model.margin_strict and opening == "margin" and margin_blocked(sig, i, model))
                or (model.reject_rule and reject_blocked(sig, i, model)))


def reject_blocked(sig: AnswerSignals, i: int, model: CoverageModel) -> bool:
    """Round 17: point ``i`` is named only where the speaker rejects it (or reports others saying
    it): a rejection or reported stretch holds one of its exact cue hits or half its most similar
    sentence, and nothing outside those stretches supports it (no exact cue hit, no sentence mostly
    outside them at least ``cue_or_sim`` similar). Points worded in the negative are exempt."""
    p = sig.points[i]
    if model.reject_exempt and negative_point(p.point.text):
        return False
    if model.reject_carriers is not None:
        return carriers_rejected(sig, i, model)
    out = _rejecting_tokens(sig, model)
    if not out:
        return False
    exact = p.exact
    if any(h.tok_start not in out for h in exact):
        return False
    touched = any(h.tok_start in out for h in exact)
    if p.sims is not None and len(p.sims):
        one = _one_sentence_windows(sig)
        share = {j: _share_in(sig.windows[j], out) for j in one}
        best = max(one, key=lambda j: p.sims[j])
        touched = touched or share[best] >= 0.5
        threshold = model.cue_or_sim if model.cue_or_sim is not None else 1.0
        if any(share[j] < 0.5 and float(p.sims[j]) >= threshold for j in one):
            return False
    return touched


def _rejecting_tokens(sig: AnswerSignals, model: CoverageModel) -> set[int]:
    """Rounds 17-18: tokens in rejection stretches (the model's variant) or reported ones, cached on ``sig``."""
    if model.reject_refusals not in sig.rejected:
        sig.rejected[model.reject_refusals] = rejected_tokens(sig.tokens, model.reject_refusals)
    return sig.rejected[model.reject_refusals] | reported_of(sig)


def _one_sentence_windows(sig: AnswerSignals) -> list[int]:
    """Indices of the smallest windows (one sentence when the model uses them)."""
    smallest = min(w.size for w in sig.windows)
    return [j for j, w in enumerate(sig.windows) if w.size == smallest]


def _share_in(w: Window, tokens: set[int]) -> float:
    return sum(k in tokens for k in range(w.tok_start, w.tok_end)) / max(w.tok_end - w.tok_start, 1)


def dismiss_blocked(sig: AnswerSignals, i: int) -> bool:
    """The dismissal rule: every cue hit of point ``i`` (if any) dismissed, and so is its best sentence."""
    d = _dismiss_signals(sig, sig.points[i])
    return d["best_dismissed"] >= 0.5 and (not sig.points[i].exact or d["cue_dismissed"] == 1.0)


CARRIER_SLACK = 0.03  # round 18: sentences this close to the point's best similarity carry it too


def carriers_rejected(sig: AnswerSignals, i: int, model: CoverageModel) -> bool:
    """Round 18: every sentence that carries point ``i`` rejects it. Carriers: one-sentence windows
    within CARRIER_SLACK of its best similarity, and those holding a specific exact cue hit or a
    cue-group hit. A sentence rejects when half its tokens ("half") or any of them ("any") lie in
    rejection or reported stretches."""
    p = sig.points[i]
    out = _rejecting_tokens(sig, model)
    if not out or not sig.windows:
        return False
    one = _one_sentence_windows(sig)
    carriers: set[int] = set()
    if p.sims is not None and len(p.sims):
        best = max(float(p.sims[j]) for j in one)
        carriers |= {j for j in one if float(p.sims[j]) >= best - CARRIER_SLACK}
    generic = model.generic_df if model.generic_df is not None else 10**9
    anchors = [h.tok_start for h in p.exact if h in p.group_hits or p.cue_df.get(h.cue, 0) < generic]
    carriers |= {j for j in one for t in anchors if sig.windows[j].tok_start <= t < sig.windows[j].tok_end}
    if not carriers:
        return False

    share = {j: _share_in(sig.windows[j], out) for j in carriers}
    return all(share[j] > 0 if model.reject_carriers == "any" else share[j] >= 0.5 for j in carriers)


def reported_blocked(sig: AnswerSignals, i: int) -> bool:
    """The attribution rule: the point is named only as other people's advice. With cue hits:
    every one lies in a reported stretch; without: half its most similar window does."""
    rep = reported_of(sig)
    p = sig.points[i]
    if not rep or p.sims is None or not len(p.sims):
        return False
    if p.exact:
        return all(h.tok_start in rep for h in p.exact)
    w = sig.windows[int(p.sims.argmax())]
    span = range(w.tok_start, w.tok_end)
    return sum(k in rep for k in span) / max(len(span), 1) >= 0.5


def calibration_path() -> Path:
    from voiceprep import paths

    return paths.assets_dir() / "analysis" / "coverage-calibration.json"


@lru_cache(maxsize=8)
def load_models(path: str | None = None) -> dict[str, CoverageModel]:
    """{"embeddings": model, "cues": model} from the calibration file, plus "embeddings-trained"
    (for questions the encoder was fine-tuned on) when the file has it; built-in fallbacks if
    absent."""
    p = Path(path) if path else calibration_path()
    try:
        raw = json.loads(p.read_text(encoding="utf-8"))
        keys = ("embeddings", "cues") + (("embeddings-trained",) if "embeddings-trained" in raw["models"] else ())
        return {k: CoverageModel.from_dict(raw["models"][k]) for k in keys}
    except (OSError, ValueError, KeyError, TypeError):
        return _fallback_models()


def pick_model(models: dict[str, CoverageModel], embeddings: bool, trained: bool) -> tuple[str, CoverageModel]:
    """The coverage model for one answer, and its name for the report."""
    if not embeddings:
        return "cues-only", models["cues"]
    if trained and "embeddings-trained" in models:
        return "trained-question", models["embeddings-trained"]
    return "new-question", models["embeddings"]


def _fallback_models() -> dict[str, CoverageModel]:
    """Hand-set last resort if the calibration file is missing or broken: a cue decides."""
    names = ("cue_exact", "cue_distinct", "cue_fuzzy_only", "cue_negated_only")
    cov = Logistic(names, (3.0, 1.0, 1.0, -1.0), -2.0, (0.0,) * 4, (1.0,) * 4, 0.5)
    anyp = Logistic(names, (3.0, 1.0, 2.0, 1.0), -1.0, (0.0,) * 4, (1.0,) * 4, 0.5)
    m = CoverageModel(cov, anyp)
    return {"embeddings": m, "cues": m}


def point_probs(sig: AnswerSignals, model: CoverageModel, i: int) -> tuple[float, float]:
    """P(covered) and P(covered or partial) of point ``i``; nothing said covers nothing."""
    if not sig.windows:
        return 0.0, 0.0
    pc = model.covered.prob(features(sig, i, model.covered.names))
    return pc, max(pc, model.any.prob(features(sig, i, model.any.names)))


def decide(sig: AnswerSignals, model: CoverageModel, transcript: Transcript) -> Coverage:
    cov = Coverage(
        method="cues+embeddings" if sig.embeddings_used else "cues-only",
        embeddings_used=sig.embeddings_used,
        embedding_error=sig.embedding_error,
    )
    opening = gate_opening(sig, model)
    off_topic = opening is None
    if sig.exemplar is not None:
        cov.exemplar_margin = round(sig.exemplar.margin, 4)
        if exemplar_closed(sig, model):
            cov.closer_to = sig.exemplar.other
            cov.closer_to_prompt = sig.exemplar.other_prompt or None
    total_w = sum(p.point.weight for p in sig.points) or 1.0
    score = 0.0
    empty = not sig.windows  # nothing said (or only fillers): nothing can be covered
    for i, p in enumerate(sig.points):
        pc, pa = point_probs(sig, model, i)
        blocked = not empty and point_blocked(sig, i, model, opening)
        if pc >= model.covered.threshold and not off_topic and not blocked:
            status, conf = "covered", pc
        elif pa >= model.any.threshold:
            status, conf = "partial", pa
        elif model.cue_partial and p.exact:
            status, conf = "partial", max(pa, 0.5)
        else:
            status, conf = "missed", 1.0 - pa
        ev = _evidence(sig, p, transcript) if status != "missed" else None
        cov.points.append(
            PointResult(
                id=p.point.id,
                text=p.point.text,
                status=status,
                confidence=round(conf, 3),
                evidence=ev,
                weight=p.point.weight,
                similarity=None if p.sims is None or not len(p.sims) else round(float(p.sims.max()), 3),
                cues_matched=sorted({h.cue for h in p.hits + p.group_hits if not h.negated}),
                negated=not p.exact and any(h.negated for h in p.hits + p.group_hits),
            )
        )
        score += p.point.weight * (1.0 if status == "covered" else 0.5 if status == "partial" else 0.0)
    cov.score = score / total_w
    return cov


def _evidence(sig: AnswerSignals, p: PointSignals, transcript: Transcript) -> Evidence | None:
    """The window that earned the point: the most similar window holding a cue hit, else the
    most similar window, else the first cue hit's sentence."""
    tokens = sig.tokens
    hits = p.exact or [h for h in p.hits + p.group_hits if not h.negated] or p.hits + p.group_hits
    cand: list[tuple[float, int, int, str]] = []
    if sig.windows:
        one = [j for j, w in enumerate(sig.windows) if w.size == 1] or list(range(len(sig.windows)))
        for j in one:
            w = sig.windows[j]
            has_hit = any(w.tok_start <= h.tok_start < w.tok_end for h in hits)
            sim = float(p.sims[j]) if p.sims is not None else 0.0
            if has_hit or (p.sims is not None and not hits):
                cand.append((sim + (1.0 if has_hit else 0.0), w.tok_start, w.tok_end, "cue" if has_hit else "embedding"))
    if not cand:
        return None
    _, a, b, source = max(cand)
    if source == "cue":  # narrow a multi-sentence window to the sentence holding the cue
        h = min((h for h in hits if a <= h.tok_start < b), key=lambda h: h.tok_start)
        for sent in sentences(tokens):
            if sent.tok_start <= h.tok_start < sent.tok_end:
                a, b = max(a, sent.tok_start), min(b, sent.tok_end)
                break
    if source == "cue" and p.sims is not None:
        source = "cue+embedding"
    if source.startswith("cue") and not p.exact:
        source = source.replace("cue", "fuzzy-cue")
    w0, w1 = tokens[a].word, tokens[b - 1].word + 1
    words = transcript.words
    text = " ".join(w.text.strip() for w in words[w0:w1]).strip()
    return Evidence(text=text, start=words[w0].start, end=words[w1 - 1].end, word_start=w0, word_end=w1, source=source)

