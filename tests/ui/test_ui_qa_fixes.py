"""Regressions found in a hands-on QA pass of the real window (each test failed before its fix)."""

from __future__ import annotations


def test_long_transcript_lays_out_once(qtbot) -> None:
    """A long answer is inserted in one edit block: the document changes once, not once per word
    (per-word layout was quadratic: a 1,000-word answer froze the feedback screen for seconds)."""
    from voiceprep.ui.widgets.transcript_view import Mark, TranscriptView

    view = TranscriptView()
    qtbot.addWidget(view)
    view.show()
    changes: list[int] = []
    view.document().contentsChanged.connect(lambda: changes.append(1))
    words = [f"w{i}" for i in range(600)]
    marks = [Mark("evidence", i, i + 4, "p") for i in range(0, 600, 12)] + [Mark("filler", 7, 8)]
    view.set_words(words, marks, {i: 2.5 for i in range(50, 600, 100)})
    assert view.word_count() == 600
    assert "w599" in view.toPlainText() and "[2.5 s pause]" in view.toPlainText()
    assert len(changes) <= 2, f"document changed {len(changes)} times while building the transcript"
