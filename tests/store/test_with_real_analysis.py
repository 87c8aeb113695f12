"""The store against the real analyser's output (not hand-made dicts): the summary columns, the
report highlights and the weakest-questions list agree with what ``analyze()`` reported."""

from __future__ import annotations

import re

import pytest

from voiceprep.analysis.transcript import Transcript
from voiceprep.store.history import HistoryStore
from voiceprep.store.progress import weakest_questions
from voiceprep.store.reports import attempt_html
from tests.store.helpers import make_transcript

analyzer = pytest.importorskip("voiceprep.analysis.analyzer")
options_mod = pytest.importorskip("voiceprep.analysis.options")


@pytest.fixture(scope="module")
def bank():
    from voiceprep.bank.loader import load_banks
    from voiceprep.paths import builtin_questions_dir

    banks = load_banks(builtin_questions_dir())
    b = banks.get("netflix-pm")
    if b is None:
        pytest.skip("netflix-pm bank not available")
    return b


def test_summary_columns_match_the_real_report(store: HistoryStore, bank) -> None:
    question = bank.questions[0]
    text = ("So, um, I think I would start with the member problem. Uh, I would look at weekly retention "
            "cohorts and, um, run an A/B test with a guardrail metric on cancellations.")
    transcript = Transcript.from_dict(make_transcript(text, gap_after={8: 3.0}))
    report = analyzer.analyze(transcript, bank, question, options=options_mod.AnalysisOptions(use_embeddings=False))
    rec = store.add_attempt(bank_id=bank.id, question_id=question.id, bank_version=bank.version,
                            transcript=transcript, report=report, source="recorded")
    d = report.to_dict()
    assert rec.report == d
    assert rec.coverage == d["coverage"]["score"]
    assert rec.points_total == len(question.key_points)
    assert rec.points_covered == sum(p["status"] == "covered" for p in d["coverage"]["points"])
    assert rec.wpm == d["wpm"] and rec.fillers_per_min == d["fillers"]["per_minute"]
    assert rec.longest_pause_s == d["pauses"]["longest_s"] and rec.longest_pause_s >= 3.0
    assert rec.answer_s == d["timing"]["answer_s"] and rec.target_s == d["timing"]["target_s"]
    assert rec.timing_verdict == d["timing"]["verdict"] and rec.hedges_count == d["hedges"]["count"]
    assert rec.word_count == d["word_count"]

    html = attempt_html(rec)
    body = html[html.index('<div class="transcript">'):]
    fillers_marked = len(re.findall(r'<span class="[^"]*\bfiller\b[^"]*"', body[: body.index("</div>")]))
    filler_words = {i for it in d["fillers"]["items"] if it["kind"] == "filler" for i in range(it["word_start"], it["word_end"])}
    assert fillers_marked == len(filler_words)
    assert fillers_marked >= 3  # um, uh, um
    assert '<span class="pause"' in html

    due = weakest_questions(store, [f"{bank.id}/{q.id}" for q in bank.questions[:3]])
    assert {i.question for i in due} >= {f"{bank.id}/{q.id}" for q in bank.questions[1:3]}  # never practised
