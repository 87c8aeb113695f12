"""Progress queries: filters and search, side-by-side comparison, word diff, trends, spaced repetition."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from voiceprep.store.history import HistoryStore
from voiceprep.store.progress import (
    POOR_INTERVAL_DAYS,
    AttemptFilter,
    attempt_score,
    compare_attempts,
    count_attempts,
    diff_words,
    list_attempts,
    next_interval,
    practised_questions,
    question_attempts,
    review_schedule,
    search_snippets,
    transcript_diff,
    trend,
    trends,
    weakest_questions,
)
from tests.store.helpers import add

T0 = datetime(2026, 3, 1, 18, 0, tzinfo=timezone.utc)


def _day(n: int, hours: float = 0) -> datetime:
    return T0 + timedelta(days=n, hours=hours)


@pytest.fixture
def filled(store: HistoryStore) -> HistoryStore:
    add(store, "netflix/retention", _day(0), text="um I would look at weekly retention cohorts", statuses=("missed", "covered"))
    add(store, "netflix/retention", _day(2), text="I would segment retention cohorts by plan", statuses=("covered", "covered"))
    add(store, "netflix/why", _day(1), text="I love the culture memo", statuses=("partial",))
    add(store, "spotify/metrics", _day(3), text="daily active listeners and skips", statuses=("missed",))
    s = store.add_attempt(bank_id="netflix", question_id="typed-one", category="behavioral", source="typed",
                          started_at=_day(4), transcript={"text": "a typed answer about conflict", "words": []})
    assert s.finished
    store.begin_attempt(bank_id="netflix", question_id="retention", started_at=_day(5))  # unfinished
    return store


def test_list_newest_first_with_filters(filled: HistoryStore) -> None:
    allq = list_attempts(filled)
    assert [a.question for a in allq] == ["netflix/typed-one", "spotify/metrics", "netflix/retention",
                                          "netflix/why", "netflix/retention"]
    assert count_attempts(filled) == 5
    assert count_attempts(filled, AttemptFilter(include_unfinished=True)) == 6
    assert {a.bank_id for a in list_attempts(filled, AttemptFilter(bank_id="spotify"))} == {"spotify"}
    rq = list_attempts(filled, AttemptFilter(question="netflix/retention"), newest_first=False)
    assert [a.started_at for a in rq] == [_day(0), _day(2)]
    assert [a.question_id for a in list_attempts(filled, AttemptFilter(category="behavioral"))] == ["typed-one"]
    assert [a.question_id for a in list_attempts(filled, AttemptFilter(source="typed"))] == ["typed-one"]
    window = list_attempts(filled, AttemptFilter(since=_day(1), until=_day(3)))
    assert [a.started_at for a in window] == [_day(2), _day(1)]  # until is exclusive for a datetime
    # a plain date means through the end of that day (local time)
    local_day = _day(3).astimezone().date()
    through = list_attempts(filled, AttemptFilter(until=local_day))
    assert _day(3) in [a.started_at for a in through] and _day(4) not in [a.started_at for a in through]
    page2 = list_attempts(filled, limit=2, offset=2)
    assert [a.id for a in page2] == [a.id for a in allq[2:4]]


def test_search_transcripts(filled: HistoryStore) -> None:
    hits = list_attempts(filled, AttemptFilter(search="cohorts"))
    assert sorted(a.started_at for a in hits) == [_day(0), _day(2)]
    assert [a.question_id for a in list_attempts(filled, AttemptFilter(search="retention plan"))] == ["retention"]
    assert list_attempts(filled, AttemptFilter(search="cohorts", bank_id="spotify")) == []
    assert len(list_attempts(filled, AttemptFilter(search="cohort"))) == 2  # last word is a prefix
    assert list_attempts(filled, AttemptFilter(search='"unbalanced AND (')) == []  # no FTS syntax error
    snippets = search_snippets(filled, "culture", [a.id for a in list_attempts(filled)])
    assert len(snippets) == 1 and "[culture]" in next(iter(snippets.values()))


def test_question_attempts_and_practised(filled: HistoryStore) -> None:
    side = question_attempts(filled, "netflix", "retention")
    assert [a.started_at for a in side] == [_day(0), _day(2)]
    practised = {q: n for q, n, _ in practised_questions(filled)}
    assert practised == {"netflix/retention": 2, "netflix/why": 1, "spotify/metrics": 1, "netflix/typed-one": 1}


def test_compare_two_attempts(store: HistoryStore) -> None:
    a = add(store, "b/q", _day(0), statuses=("covered", "missed", "partial", "missed"), wpm=180, fillers_per_min=6.0,
            longest_pause_s=4.0, answer_s=150, target_s=90, verdict="long")
    b = add(store, "b/q", _day(1), statuses=("missed", "covered", "partial", "missed"), wpm=150, fillers_per_min=2.0,
            longest_pause_s=1.0, answer_s=95, target_s=90, verdict="on-target")
    c = compare_attempts(store, a.id, b.id)
    assert c.same_question and c.a.id == a.id and c.b.id == b.id
    assert [p.id for p in c.gained] == ["p1"] and [p.id for p in c.lost] == ["p0"]
    assert [p.id for p in c.kept] == ["p2"] and [p.id for p in c.still_missed] == ["p3"]
    assert c.lost[0].status_a == "covered" and c.lost[0].status_b == "missed"
    m = {d.name: d for d in c.metrics}
    assert m["fillers_per_min"].delta == pytest.approx(-4.0) and m["fillers_per_min"].improved is True
    assert m["longest_pause_s"].improved is True
    assert m["coverage"].delta == pytest.approx(0.0) and m["coverage"].improved is None
    assert m["wpm"].delta == pytest.approx(-30) and m["wpm"].improved is None  # judged against a band
    assert m["time_vs_target"].a == pytest.approx(150 / 90 * 100) and m["time_vs_target"].b == pytest.approx(95 / 90 * 100)


def test_word_diff() -> None:
    ops = diff_words("So I would, um, look at retention.", "So I would look at weekly retention!")
    assert "".join(op.op[0] for op in ops) == "edeie"
    assert [op for op in ops if op.op == "delete"][0].a_words == ("um,",)
    assert [op for op in ops if op.op == "insert"][0].b_words == ("weekly",)
    # case and punctuation alone are not differences
    assert [op.op for op in diff_words("Retention, cohorts.", "retention cohorts")] == ["equal"]
    assert diff_words("", "") == []


def test_transcript_diff_between_stored_attempts(filled: HistoryStore) -> None:
    a, b = question_attempts(filled, "netflix", "retention")
    ops = transcript_diff(filled, a.id, b.id)
    removed = [w for op in ops if op.op in ("delete", "replace") for w in op.a_words]
    added = [w for op in ops if op.op in ("insert", "replace") for w in op.b_words]
    assert "um" in removed and "plan" in added
    assert any(op.op == "equal" and "cohorts" in op.a_words for op in ops)


def test_trends_per_metric(store: HistoryStore) -> None:
    add(store, "b/q1", _day(0), statuses=("missed", "missed"), fillers_per_min=6.0)
    add(store, "b/q2", _day(0, 2), statuses=("covered", "missed"), fillers_per_min=4.0, wpm=None)
    add(store, "b/q1", _day(1), statuses=("covered", "covered"), fillers_per_min=2.0, answer_s=45, target_s=90)
    t = trends(store, ("coverage", "fillers_per_min", "wpm", "time_vs_target"))
    assert [p.value for p in t["coverage"]] == [0.0, 50.0, 100.0]
    assert [p.at for p in t["coverage"]] == [_day(0), _day(0, 2), _day(1)]
    assert [p.value for p in t["fillers_per_min"]] == [6.0, 4.0, 2.0]
    assert len(t["wpm"]) == 2  # the attempt without a pace is left out, not plotted as 0
    assert t["time_vs_target"][-1].value == pytest.approx(50.0)
    assert [p.value for p in trend(store, "coverage", question="b/q1")] == [0.0, 100.0]
    daily = trend(store, "coverage", by_day=True)
    assert [(p.value, p.count) for p in daily] == [(25.0, 2), (100.0, 1)]
    with pytest.raises(ValueError, match="unknown metric"):
        trends(store, ("charisma",))


def test_scores_and_intervals() -> None:
    assert next_interval(0.0, 0.2, 2.5)[0] == POOR_INTERVAL_DAYS
    assert next_interval(10.0, 0.2, 2.5)[0] == POOR_INTERVAL_DAYS  # a poor answer resets a long interval
    good1, ease = next_interval(0.0, 0.9, 2.5)
    good2, _ = next_interval(good1, 0.9, ease)
    assert good2 > good1 > next_interval(0.0, 0.6, 2.5)[0] > POOR_INTERVAL_DAYS


def test_attempt_score_penalties(store: HistoryStore) -> None:
    ok = add(store, statuses=("covered", "covered"), verdict="on-target", fillers_per_min=1.0)
    long_and_filled = add(store, statuses=("covered", "covered"), verdict="long", fillers_per_min=8.0)
    assert attempt_score(ok) == 1.0
    assert attempt_score(long_and_filled) == pytest.approx(0.8)
    typed = store.add_attempt(bank_id="b", question_id="x")
    assert attempt_score(typed) is None


def test_weakest_questions_poor_come_back_sooner_and_new_ones_are_offered(store: HistoryStore) -> None:
    add(store, "b/poor", _day(0), statuses=("missed", "missed", "covered"))  # 0.33
    add(store, "b/fair", _day(0), statuses=("covered", "partial", "missed"))  # 0.5
    add(store, "b/good", _day(0), statuses=("covered", "covered"))  # 1.0
    add(store, "b/good", _day(2), statuses=("covered", "covered"))
    add(store, "gone/old", _day(0), statuses=("missed",))  # its bank is no longer loaded

    half_day = _day(0, 12)
    due_now = weakest_questions(store, ["b/poor", "b/fair", "b/good", "b/new"], now=half_day)
    assert [i.question for i in due_now] == ["b/poor", "b/new"]
    assert due_now[1].attempts == 0 and due_now[1].due_at is None and due_now[1].reason == "never practised"

    two_days = _day(1, 1)
    order = [i.question for i in weakest_questions(store, ["b/poor", "b/fair", "b/good", "b/new"], now=two_days)]
    assert order == ["b/poor", "b/fair", "b/new"]  # fair is due after a day; good is not

    everything = weakest_questions(store, ["b/poor", "b/fair", "b/good", "b/new"], now=two_days, include_not_due=True)
    assert everything[-1].question == "b/good" and not everything[-1].due
    sched = {i.question: i for i in review_schedule(store, now=two_days)}
    assert "gone/old" in sched and "b/new" not in sched  # no candidate list: every practised question
    assert sched["b/good"].interval_days > sched["b/fair"].interval_days > sched["b/poor"].interval_days
    assert sched["b/good"].due_at == _day(2) + timedelta(days=sched["b/good"].interval_days)

    # practising the poor question well pushes it back
    add(store, "b/poor", _day(1, 2), statuses=("covered", "covered", "covered"))
    later = weakest_questions(store, ["b/poor", "b/fair", "b/good", "b/new"], now=_day(1, 3))
    assert "b/poor" not in [i.question for i in later]
    assert weakest_questions(store, ["b/poor", "b/fair", "b/good", "b/new"], now=_day(1, 3), limit=1)[0].question == "b/fair"


def test_date_filter_accepts_dates(filled: HistoryStore) -> None:
    since = _day(2).astimezone().date()
    got = list_attempts(filled, AttemptFilter(since=since))
    assert all(a.started_at.astimezone().date() >= since for a in got) and got
    assert isinstance(since, date)


def test_any_search_text_is_safe(store: HistoryStore) -> None:
    """Whatever a user types in the search box, the query runs (no FTS syntax errors) and a word
    that is in a transcript is found, with FTS5 or with the LIKE fallback."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    add(store, "b/q", text="naïve résumé don't 42% cohorts_by_plan")

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.text(max_size=30))
    def check(text: str) -> None:
        for fts in (True, False):
            store.db.fts = fts
            list_attempts(store, AttemptFilter(search=text))

    check()
    for fts in (True, False):
        store.db.fts = fts
        for word in ("naïve", "résumé", "don't", "cohorts_by_plan", "42"):
            assert len(list_attempts(store, AttemptFilter(search=word))) == 1, (fts, word)
    store.db.fts = True
