"""The terminal report of ``voiceprep analyze`` (format_report): nothing counted is hidden and
every verdict says which target it is against."""

from __future__ import annotations

from voiceprep.analysis.analyzer import analyze
from voiceprep.analysis.options import AnalysisOptions
from voiceprep.cli.analyze import format_report

from tests.analysis.analysis_helpers import product_bank, timed

FILLERS = ("So, um, the problem is, uh, browse abandonment. You know, basically members, like, give up. "
           "Actually, I mean, it is, er, kind of literally the thing, right? Hmm, the the test.")


def test_every_filler_word_is_listed() -> None:
    bank, q = product_bank()
    r = analyze(timed(FILLERS), bank, q, None, AnalysisOptions(use_embeddings=False))
    assert len(r.fillers.by_word) > 6  # more kinds than the report used to show
    line = next(x for x in format_report(r).splitlines() if x.startswith("Fillers"))
    for word, n in r.fillers.by_word.items():
        assert f"{word} {n}" in line.lower()


def test_round_verdict_is_shown_apart_from_the_question_verdict() -> None:
    bank, q = product_bank()  # question target 120 s, round "screen" 90 s, tolerance 25%
    t = timed("the problem is browse abandonment and I would run an A/B test", wpm=150, gaps={5: 140.0})
    r = analyze(t, bank, q, "screen", AnalysisOptions(use_embeddings=False, long_pause_s=200.0))
    assert (r.timing.verdict, r.timing.round_verdict) == ("on-target", "long")
    lines = format_report(r).splitlines()
    timing = [x.strip() for x in lines[lines.index(next(x for x in lines if x.startswith("Timing"))):][:2]]
    assert "target 2:00: on-target" in timing[0]
    assert "round target 1:30: long" in timing[1]


def test_long_pause_list_shows_the_longest_and_says_how_many_are_left_out() -> None:
    bank, q = product_bank()
    gaps = {0: 2.5, 1: 3.0, 2: 2.2, 3: 2.4, 4: 2.6, 5: 2.1, 6: 9.0}  # the longest pause comes last
    t = timed("one two three four five six seven eight nine", wpm=150, gaps=gaps)
    r = analyze(t, bank, q, None, AnalysisOptions(use_embeddings=False))
    assert len(r.pauses.long) == 7
    lines = format_report(r).splitlines()
    start = lines.index(next(x for x in lines if x.startswith("Pauses")))
    listed = [x.strip() for x in lines[start + 1 : start + 7] if x.startswith("          ")]
    assert any(x.startswith("9.") for x in listed)  # the longest is never cut
    assert listed[-1] == "and 2 more"
    shown = [float(x.split("s at")[0]) for x in listed[:-1]]
    assert len(shown) == 5


def test_phrases_with_i_are_written_as_spoken() -> None:
    bank, q = product_bank()
    r = analyze(timed("I think, I mean, I guess it is fine, I'd say."), bank, q, None, AnalysisOptions(use_embeddings=False))
    text = format_report(r)
    assert "I mean 1" in text and "I think 1" in text and "I guess 1" in text and "i think" not in text


def test_round_target_equal_to_the_question_target_is_not_repeated() -> None:
    bank, q = product_bank()
    r = analyze(timed("the problem is browse abandonment"), bank, q, "screen", AnalysisOptions(use_embeddings=False))
    r.timing.round_target_s, r.timing.round_verdict = r.timing.target_s, r.timing.verdict
    assert "round target" not in format_report(r)


def test_partial_points_come_with_what_partial_means() -> None:
    from dataclasses import replace

    bank, q = product_bank()
    r = analyze(timed("the problem is browse abandonment and I would run an A/B test"), bank, q, None,
                AnalysisOptions(use_embeddings=False))
    none_partial = replace(r.coverage, points=[replace(p, status="covered") for p in r.coverage.points])
    assert "[~] partial:" not in format_report(replace(r, coverage=none_partial))
    one_partial = replace(r.coverage, points=[replace(r.coverage.points[0], status="partial"), *r.coverage.points[1:]])
    assert "[~] partial: touched on, not clearly made" in format_report(replace(r, coverage=one_partial))


def test_an_answer_to_another_question_is_named_in_the_report() -> None:
    bank, q = product_bank()
    r = analyze(timed("the problem is browse abandonment"), bank, q, None, AnalysisOptions(use_embeddings=False))
    assert "sounds more like" not in format_report(r)
    r.coverage.closer_to, r.coverage.closer_to_prompt = "b/other", "How would you size a test?"
    line = next(x for x in format_report(r).splitlines() if "sounds more like" in x)
    assert "\u201cHow would you size a test?\u201d" in line and "no key point was counted as covered" in line
