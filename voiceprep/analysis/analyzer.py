"""``analyze()``: one answer transcript + its bank question -> :class:`AnswerReport`."""

from __future__ import annotations

import dataclasses
import math
import time

from voiceprep.analysis import coverage as cov
from voiceprep.analysis.delivery import MIN_RATE_SPAN_S, find_pauses, pace, speaking_span, timing
from voiceprep.analysis.embeddings import EmbeddingUnavailable, get_embedder
from voiceprep.analysis.exemplars import ExemplarTable, load_exemplars
from voiceprep.analysis.fillers import Hit, count_by_phrase, find_fillers, find_hedges
from voiceprep.analysis.followup import follow_up
from voiceprep.analysis.options import AnalysisOptions
from voiceprep.analysis.point_exemplars import PointExemplars, load_point_exemplars
from voiceprep.analysis.review import EXEMPLAR_FILE, PointReview, load_review, record_key, review_path
from voiceprep.analysis.review import apply as apply_review
from voiceprep.analysis.report import (
    Annotation,
    AnswerReport,
    Coverage,
    FillerCluster,
    FillerItem,
    Fillers,
    Hedges,
    ReportWord,
)
from voiceprep.analysis.structure import analyse_structure
from voiceprep.analysis.trained import question_trained
from voiceprep.analysis.text import Token, tokenize
from voiceprep.analysis.transcript import Transcript, Word
from voiceprep.bank.model import Bank, Question

HEDGE_DENSITY_WARN = 3.0  # hedges per 100 words
I_THINK_WARN = 3


def analyze(
    transcript: Transcript,
    bank: Bank,
    question: Question,
    round_id: str | None = None,
    options: AnalysisOptions | None = None,
) -> AnswerReport:
    """Analyse one answer. Never raises for odd input: an empty transcript gives an empty report
    (every point missed); a missing embedding model gives cue-only coverage, flagged."""
    options = options or AnalysisOptions()
    t_start = time.perf_counter()
    transcript = _finite_times(transcript)
    tokens = tokenize(transcript)
    filler_hits = find_fillers(tokens, options.fillers)
    filler_tokens = {k for h in filler_hits for k in range(h.tok_start, h.tok_end)}
    hedge_hits = find_hedges(tokens, options.hedges, filler_tokens)

    # words that count: have letters/digits and are not wholly filler
    word_tokens: dict[int, list[int]] = {}
    for k, t in enumerate(tokens):
        word_tokens.setdefault(t.word, []).append(k)
    counted = {w for w, ks in word_tokens.items() if not all(k in filler_tokens for k in ks)}
    word_count = len(counted)

    report = AnswerReport(
        question=f"{bank.id}/{question.id}",
        transcript=transcript.full_text,
        bank_id=bank.id,
        question_id=question.id,
        round_id=round_id,
        category=question.category,
        duration_s=transcript.duration_s,
        word_count=word_count,
        has_timings=transcript.has_timings,
        words=[ReportWord(w.text.strip(), w.start, w.end) for w in transcript.words],
    )
    span = speaking_span(transcript)
    speaking_s = (span[1] - span[0]) if span else None
    report.speaking_s = speaking_s
    report.pace = pace(transcript, counted, options.wpm_low, options.wpm_high, options.pace_window_s, options.pace_step_s)
    report.wpm = report.pace.wpm
    report.pauses = find_pauses(transcript, options.long_pause_s, options.question_end_s)
    report.fillers = _fillers(filler_hits, tokens, transcript, len(word_tokens), speaking_s, options)
    report.hedges = _hedges(hedge_hits, tokens, transcript, word_count)

    report.coverage = judge_coverage(transcript, tokens, filler_tokens, bank, question, options)

    report.structure = analyse_structure(bank, question, transcript, tokens, filler_tokens)
    rnd = bank.round(round_id) if round_id else None
    report.timing = timing(speaking_s, question.target_s, rnd.answer_target_s if rnd else None, options.timing_tolerance)
    category = bank.category(question.category)
    story = category is not None and category.structure == "star"
    report.follow_up, report.follow_up_point = follow_up(question, report.coverage.points, story=story,
                                                         off_question=report.coverage.closer_to is not None)
    report.annotations = _annotations(report)
    report.analysis_ms = (time.perf_counter() - t_start) * 1000.0
    return report


def coverage_signals(
    tokens: list[Token],
    filler_tokens: set[int],
    bank: Bank,
    question: Question,
    options: AnalysisOptions,
    table: ExemplarTable | None = None,
) -> tuple[cov.AnswerSignals, str, cov.CoverageModel]:
    """The first pass's signals and the coverage model that judges them. ``table``: exemplars to
    use instead of the shipped file (the bench judges each set against the other sets' answers)."""
    embedder, error = None, None
    if options.use_embeddings:
        try:
            embedder = get_embedder()
        except EmbeddingUnavailable as exc:
            error = str(exc)
    else:
        error = "embeddings switched off"
    models = cov.load_models(options.calibration)
    trained = embedder is not None and question_trained(question, options.trained_points)
    model_name, model = cov.pick_model(models, embedder is not None, trained)
    review = options.point_review and embedder is not None
    needed = frozenset(model.covered.names) | frozenset(model.any.names) | (
        frozenset({"topic_gate"}) if model.topic_gate is not None else frozenset()) | (
        frozenset({"topic_margin"}) if model.margin_open is not None or review else frozenset())
    if table is None and embedder is not None and options.exemplar_gate and model.exemplar_gate is not None:
        table = load_exemplars(options.exemplars)
    signals = cov.extract(question, tokens, filler_tokens, embedder, model.windows, error, bank.questions, needed,
                          table, model.exemplar_k)
    return signals, model_name, model


def judge_coverage(transcript: Transcript, tokens: list[Token], filler_tokens: set[int], bank: Bank,
                   question: Question, options: AnalysisOptions) -> Coverage:
    """Coverage: the first pass (voiceprep.analysis.coverage), then round 20's second look at the
    points it called covered or partial (voiceprep.analysis.review), when the model is there."""
    signals, model_name, model = coverage_signals(tokens, filler_tokens, bank, question, options)
    result = cov.decide(signals, model, transcript)
    result.model = model_name
    if options.point_review and signals.embeddings_used:
        width = signals.window_vecs.shape[1] if signals.window_vecs is not None else None
        review, exemplars = pick_review(question, options, width)
        if review is not None:
            apply_review(review, question.prompt, signals, model, result, exemplars)
    return result


def pick_review(question: Question, options: AnalysisOptions,
                width: int | None = None) -> tuple[PointReview | None, PointExemplars | None]:
    """Round 25's second look where every key point of the question has point exemplars, else
    round 24's (a user's own question, an edited point, a missing or damaged file, or a table that
    does not belong with the review or with the encoder's vectors of ``width``)."""
    if options.exemplar_review:
        exemplars = load_point_exemplars(options.point_exemplars, options.exemplars_without)
        keys = [record_key(question.prompt, kp.text) for kp in question.key_points]
        if exemplars is not None and exemplars.covers(keys) and width in (None, exemplars.vectors.shape[1]):
            review = load_review(options.review_exemplars or str(review_path(EXEMPLAR_FILE)))
            if review is not None and review.uses_exemplars and review.encoder_sha256 == exemplars.encoder_sha256:
                return review, exemplars
    return load_review(options.review), None


def _finite_times(transcript: Transcript) -> Transcript:
    """A NaN or infinite word time (a corrupt file) becomes None, so the report is valid JSON and
    the answer is analysed as untimed rather than with nonsense rates."""

    def ok(v: float | None) -> float | None:
        return v if v is None or math.isfinite(v) else None

    if all(ok(w.start) == w.start and ok(w.end) == w.end for w in transcript.words) and (
        ok(transcript.duration_s) == transcript.duration_s
    ):
        return transcript
    words = tuple(Word(w.text, ok(w.start), ok(w.end), w.probability) for w in transcript.words)
    return dataclasses.replace(transcript, words=words, duration_s=ok(transcript.duration_s))


def _item(h: Hit, tokens: list[Token], transcript: Transcript) -> FillerItem:
    w0, w1 = tokens[h.tok_start].word, tokens[h.tok_end - 1].word + 1
    return FillerItem(
        text=h.phrase,
        start=transcript.words[w0].start,
        end=transcript.words[w1 - 1].end,
        word_start=w0,
        word_end=w1,
        kind=h.kind,
    )


def _fillers(
    hits: list[Hit], tokens: list[Token], transcript: Transcript, total_words: int, speaking_s: float | None,
    options: AnalysisOptions,
) -> Fillers:
    """``total_words``: every spoken word, fillers included (a two-word filler is two words)."""
    items = [_item(h, tokens, transcript) for h in hits]
    by_word = count_by_phrase([h if h.kind != "repetition" else Hit("(repetition)", 0, 0) for h in hits])
    res = Fillers(count=len(items), by_word=by_word, items=items)
    res.per_100_words = len(items) * 100.0 / total_words if total_words else None
    if speaking_s is not None and speaking_s >= MIN_RATE_SPAN_S:
        res.per_minute = len(items) / (speaking_s / 60.0)
    res.clusters = _clusters(items, options.cluster_window_s, options.cluster_min)
    return res


def _clusters(items: list[FillerItem], window: float, minimum: int) -> list[FillerCluster]:
    """Maximal runs where ``minimum``+ fillers fall within ``window`` seconds (merged)."""
    timed = [i for i in items if i.start is not None]
    out: list[FillerCluster] = []
    j = 0
    for i in range(len(timed)):
        j = max(j, i)
        while j + 1 < len(timed) and timed[j + 1].start - timed[i].start <= window:  # type: ignore[operator]
            j += 1
        if j - i + 1 >= minimum:
            start, end = timed[i].start, timed[j].end or timed[j].start
            group = timed[i : j + 1]
            if out and start <= out[-1].end:  # type: ignore[operator]
                last = out[-1]
                new = [g.text for g in group if g.start > last.end]  # type: ignore[operator]
                last.end = max(last.end, end)  # type: ignore[type-var]
                last.words.extend(new)
                last.count += len(new)
            else:
                out.append(FillerCluster(start=start, end=end, count=len(group), words=[g.text for g in group]))  # type: ignore[arg-type]
    return out


def _hedges(hits: list[Hit], tokens: list[Token], transcript: Transcript, words: int) -> Hedges:
    res = Hedges(count=len(hits), by_word=count_by_phrase(hits), items=[_item(h, tokens, transcript) for h in hits])
    res.per_100_words = len(hits) * 100.0 / words if words else None
    n_think = res.by_word.get("i think", 0)
    if n_think >= I_THINK_WARN:
        res.warnings.append(f'"I think" {n_think} times: state your view directly.')
    if res.per_100_words is not None and res.per_100_words > HEDGE_DENSITY_WARN and len(hits) >= 3:
        res.warnings.append(f"{res.per_100_words:.1f} hedges per 100 words: it sounds unsure; commit to a position.")
    return res


def _annotations(r: AnswerReport) -> list[Annotation]:
    out = [Annotation(i.kind, i.word_start, i.word_end, i.text) for i in r.fillers.items]
    out += [Annotation("hedge", i.word_start, i.word_end, i.text) for i in r.hedges.items]
    for p in r.coverage.points:
        if p.evidence is not None:
            out.append(Annotation("evidence", p.evidence.word_start, p.evidence.word_end, p.id))
    for pause in r.pauses.long:
        out.append(Annotation("pause", pause.after_word + 1, pause.after_word + 1, f"{pause.seconds:.1f}s"))
    if r.structure.star is not None:
        for part in r.structure.star.parts:
            if part.word_end > part.word_start:
                out.append(Annotation("star", part.word_start, part.word_end, part.name))
    out.sort(key=lambda a: (a.word_start, a.kind))
    return out
