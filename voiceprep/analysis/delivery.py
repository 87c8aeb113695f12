"""Delivery: speaking rate, rolling pace, silent pauses, answer length against targets.

Default comfortable band 120-165 WPM. Sources: conversational English is commonly measured at
about 120-150+ WPM (Yuan, Liberman & Cieri 2006, "Towards an integrated understanding of
speaking rate in conversation", Interspeech: mean ~173 syllables... ~ 150 WPM on the Fisher
corpus); the US National Center for Voice and Speech gives ~150 WPM as the average for
conversational English; public-speaking guidance (Toastmasters; Barnard, "Public speaking" texts)
places comfortable presentation pace at ~120-160 WPM; audiobook narration is recommended at
150-160 WPM. Interview answers under stress drift fast, so the upper edge sits at 165.
Both ends are user settings (``wpm_low``/``wpm_high``).

WPM counts words spoken with fillers excluded, over speaking time (first word start to last
word end): pauses inside the answer count as speaking time, think time before it does not.
"""

from __future__ import annotations

from voiceprep.analysis.report import Pace, PaceWindow, Pause, Pauses, Timing
from voiceprep.analysis.transcript import Transcript

MIN_RATE_SPAN_S = 1.0  # below this a per-minute rate is noise (and can overflow): reported as None
MAX_WINDOWS = 500  # rolling-pace windows at most (a 20-minute answer at 5 s steps has 237)


def timed_words(transcript: Transcript) -> list[tuple[int, float, float]]:
    """(word index, start, end) of words that have timings and some letters or digits, in time
    order (a transcript merged from pieces may list them out of order)."""
    out = []
    for i, w in enumerate(transcript.words):
        if w.start is None or w.end is None or not any(c.isalnum() for c in w.text):
            continue
        out.append((i, float(w.start), float(max(w.end, w.start))))
    return sorted(out, key=lambda x: (x[1], x[2], x[0]))


def speaking_span(transcript: Transcript) -> tuple[float, float] | None:
    tw = timed_words(transcript)
    if not tw or not transcript.has_timings:
        return None
    return tw[0][1], max(e for _, _, e in tw)


def find_pauses(transcript: Transcript, long_pause_s: float, question_end_s: float = 0.0) -> Pauses:
    res = Pauses(threshold_s=long_pause_s)
    tw = timed_words(transcript) if transcript.has_timings else []
    if not tw:
        return res
    res.time_to_first_word_s = max(0.0, tw[0][1] - question_end_s)
    longest = 0.0
    last, end = tw[0][0], tw[0][2]  # the word that ends latest so far: a gap is silence after all of them
    for j, start, stop in tw[1:]:
        gap, i = start - end, last
        if stop > end:
            last, end = j, stop
        if gap <= 0:
            continue
        longest = max(longest, gap)
        if gap >= 1.0:
            res.count_over_1s += 1
        if gap >= long_pause_s:
            res.long.append(Pause(start=start - gap, end=start, seconds=gap, after_word=i))
    res.longest_s = longest
    return res


def pace(
    transcript: Transcript,
    counted: set[int],
    low: int,
    high: int,
    window_s: float = 20.0,
    step_s: float = 5.0,
) -> Pace:
    """Overall WPM and rolling-window WPM. ``counted`` = word indices that count as words
    (fillers excluded). A word belongs to the window holding its midpoint."""
    res = Pace(low=low, high=high, window_s=window_s)
    span = speaking_span(transcript)
    if span is None:
        return res
    t0, t1 = span
    mids = [((w.start + w.end) / 2) for i, w in enumerate(transcript.words) if i in counted and w.start is not None and w.end is not None]  # type: ignore[operator]
    dur = t1 - t0
    if dur < MIN_RATE_SPAN_S or not mids:
        return res
    res.wpm = len(mids) / dur * 60.0
    res.verdict = "slow" if res.wpm < low else "fast" if res.wpm > high else "in-band"
    if dur <= window_s:
        res.series = [PaceWindow(t0, t1, res.wpm, len(mids))]
    else:
        # by index, not by repeated addition (which stalls at large times), and at most
        # MAX_WINDOWS windows however long the span (a corrupt time must not eat the memory)
        step = max(step_s, (dur - window_s) / MAX_WINDOWS)
        n = int((dur - window_s) / step + 1e-9) + 1
        starts = [t0 + k * step for k in range(n)]
        if starts[-1] + window_s < t1 - 1e-9:  # end on a full window rather than a noisy short tail
            starts.append(t1 - window_s)
        for a in starts:
            b = a + window_s
            n = sum(1 for m in mids if a <= m < b or (m == b == t1))
            res.series.append(PaceWindow(a, b, n / window_s * 60.0, n))
    if len(res.series) > 1:
        res.fastest = max(res.series, key=lambda w: w.wpm)
        res.slowest = min(res.series, key=lambda w: w.wpm)
    return res


def timing(
    answer_s: float | None, target_s: int | None, round_target_s: int | None, tolerance: float
) -> Timing:
    """Short below target*(1-tolerance), long above target*(1+tolerance), else on target.
    The question's own target decides the verdict; the round's gets its own verdict."""
    res = Timing(target_s=target_s, round_target_s=round_target_s, answer_s=answer_s, tolerance=tolerance)
    main = target_s or round_target_s
    if main:
        res.low_s, res.high_s = main * (1 - tolerance), main * (1 + tolerance)
    if answer_s is None:
        return res
    res.verdict = _verdict(answer_s, main, tolerance)
    res.round_verdict = _verdict(answer_s, round_target_s, tolerance)
    return res


def _verdict(answer_s: float, target: int | None, tolerance: float) -> str | None:
    if not target:
        return None
    if answer_s < target * (1 - tolerance):
        return "short"
    if answer_s > target * (1 + tolerance):
        return "long"
    return "on-target"
