"""HTML and Markdown reports of an attempt and of a mock round."""

from __future__ import annotations

import re
import stat
from html.parser import HTMLParser
from pathlib import Path

import pytest

from voiceprep.store.errors import StoreError
from voiceprep.store.history import HistoryStore
from voiceprep.store.reports import attempt_html, attempt_markdown, export_report, pace_svg, round_html, round_markdown
from tests.store.helpers import add, make_report

TEXT = "so um I think we should measure weekly retention and run an experiment <script>alert(1)</script>"


class _Spans(HTMLParser):
    """Collects (classes, text) for every <span> and checks the document is well nested."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str]] = []
        self.spans: list[tuple[str, str]] = []
        self.tags: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag in ("meta", "br", "hr", "rect", "line", "polyline", "circle"):
            return
        self.open.append(tag)
        if tag == "span":
            self.stack.append((dict(attrs).get("class") or "", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("rect", "line", "polyline", "circle"):
            return
        assert self.open and self.open[-1] == tag, f"</{tag}> closes {self.open[-1:]}"
        self.open.pop()
        if tag == "span":
            self.spans.append(self.stack.pop())

    def handle_data(self, data: str) -> None:
        if self.stack:
            cls, text = self.stack[-1]
            self.stack[-1] = (cls, text + data)


def _parse(html: str) -> _Spans:
    p = _Spans()
    p.feed(html)
    p.close()
    assert p.open == [], p.open
    return p


def _attempt(store: HistoryStore):
    return add(store, "netflix/retention", text=TEXT, statuses=("covered", "missed", "partial"),
               filler_words=(1,), hedge_words=((2, 4),), pause_after=4, longest_pause_s=3.2)


def test_attempt_html_is_self_contained_and_highlights_everything(store: HistoryStore) -> None:
    rec = _attempt(store)
    html = attempt_html(rec, tips=["Lead with the metric, then the why."])
    _parse(html)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html)  # no external resources
    assert "<style>" in html and "<svg" in html
    body = html[html.index('<div class="transcript">'):]
    body = body[: body.index("</div>") + 6]
    spans = _parse(body).spans
    assert ("filler", "um") in spans
    assert [t for c, t in spans if c == "hedge"] == ["I", "think"]
    evidence = [t for c, t in spans if "evidence" in c]
    words = TEXT.split()
    assert evidence == words[5:7] + words[7:9]  # p0 -> words 5-6, p2 -> words 7-8
    pause = [t for c, t in spans if c == "pause"]
    assert pause == ["⏸ 3.2 s"]
    # the pause marker sits after word 4 ("we") and before word 5 ("should")
    assert re.search(r"we <span class=\"pause\"[^>]*>⏸ 3.2 s</span> <span[^>]*>should</span>", body)
    assert "<script>" not in html and "&lt;script&gt;" in html  # transcript text is escaped
    assert "Key point number 0" in html and "✓ covered" in html and "✗ missed" in html and "◐ partial" in html
    assert "Lead with the metric" in html and "How would you know the experiment worked?" in html
    assert "1:20 against a target of 1:30" in html and "on-target" in html
    assert "Names a guardrail metric" in html


def test_pace_chart_shades_the_comfortable_band() -> None:
    svg = pace_svg(make_report())
    rect = re.search(r'<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"', svg)
    assert rect is not None
    assert "comfortable 120–165 wpm" in svg
    points = re.search(r'<polyline points="([^"]+)"', svg)
    assert points is not None and len(points.group(1).split()) == 3
    ys = [float(pt.split(",")[1]) for pt in points.group(1).split()]
    top, height = float(rect.group(1)), float(rect.group(2))
    # 130 wpm inside the band, 172 above it (smaller y), 110 below it
    assert top <= ys[0] <= top + height and ys[1] < top and ys[2] > top + height
    assert pace_svg({"pace": {"series": []}}) == "" and pace_svg(None) == ""


def test_attempt_markdown(store: HistoryStore) -> None:
    md = attempt_markdown(_attempt(store), tips=["Pause instead of saying um."])
    assert md.startswith("# Prompt of netflix/retention")
    assert "~~um~~" in md and "_I_ _think_" in md and "**weekly**" in md and "⏸(3.2s)" in md
    assert "- [x] Key point number 0 (covered)" in md and "- [ ] Key point number 1 (missed)" in md
    assert "- [~] Key point number 2 (partial)" in md
    assert "\\<script\\>" in md
    assert "- Pause instead of saying um." in md


def test_report_without_analysis_still_exports(store: HistoryStore) -> None:
    rec = store.add_attempt(bank_id="b", question_id="q", transcript={"text": "just typed words", "words": []})
    html = attempt_html(rec)
    _parse(html)
    assert "just typed words" in html and "<svg" not in html
    assert "just typed words" in attempt_markdown(rec)


def test_round_reports(store: HistoryStore) -> None:
    r = store.start_mock_round("netflix", "recruiter-screen")
    for q in ("why", "retention"):
        store.add_attempt(bank_id="netflix", question_id=q, mock_round_id=r.id, prompt=f"Question {q}?",
                          report=make_report(f"netflix/{q}", text=f"answer about {q} " * 5))
    store.end_mock_round(r.id, summary={"overall coverage": "75%"})
    add(store, "netflix/other")  # not in the round
    html = round_html(store, r.id, tips={"netflix/why": ["Tie it to the culture memo."]})
    _parse(html)
    assert "recruiter-screen" in html and "Question why?" in html and "Question retention?" in html
    assert "Prompt of netflix/other" not in html
    assert html.count("<svg") == 2 and "Tie it to the culture memo." in html and "overall coverage" in html
    md = round_markdown(store, r.uuid)
    assert md.count("## Question") == 2 and "| 1 | Question why? |" in md


def test_export_report_writes_private_files(store: HistoryStore, tmp_path: Path) -> None:
    rec = _attempt(store)
    out = export_report(store, tmp_path / "out" / "report.html", attempt_id=rec.id)
    assert out.read_text().startswith("<!DOCTYPE html>")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    md = export_report(store, tmp_path / "r.md", attempt_id=str(rec.id), fmt="md")
    assert md.read_text().startswith("# ")
    with pytest.raises(StoreError, match="no attempt"):
        export_report(store, tmp_path / "x.html", attempt_id=999)
    with pytest.raises(StoreError, match="format"):
        export_report(store, tmp_path / "x.pdf", attempt_id=rec.id, fmt="pdf")
    with pytest.raises(StoreError, match="either"):
        export_report(store, tmp_path / "x.html")
    assert not (tmp_path / "x.html").exists()


def test_star_warnings_listed_once(store: HistoryStore) -> None:
    """The analysis repeats STAR warnings under structure.warnings; the report printed each twice."""
    report = make_report("netflix/star", text="we shipped it and it went well " * 3)
    warn = ["No clear situation part.", "No clear task part."]
    report["structure"] = {"kind": "star", "star": {"parts": [{"name": "task", "present": False}], "warnings": warn},
                           "checks": [], "warnings": [*warn, "Say I, not we."]}
    rec = store.add_attempt(bank_id="netflix", question_id="star", report=report, prompt="Tell me about a time?")
    for out in (attempt_html(store.get_attempt(rec.id)), attempt_markdown(store.get_attempt(rec.id))):
        assert out.count("No clear situation part.") == 1 and out.count("No clear task part.") == 1
        assert "Say I, not we." in out


def test_round_report_title_and_markdown_summary(store: HistoryStore) -> None:
    """Round reports were titled "Mock round: general-behavioral / phone-screen" (ids), and the
    Markdown one left out the round summary that the HTML one had."""
    r = store.start_mock_round("netflix", "recruiter-screen")
    store.add_attempt(bank_id="netflix", question_id="why", mock_round_id=r.id, prompt="Why?",
                      report=make_report("netflix/why", text="because " * 5))
    store.end_mock_round(r.id, summary={"mean coverage": "40%", "things to work on": "1. Say more.\n2. Fewer fillers."})
    title = "Recruiter Screen \u00b7 Netflix"
    html = round_html(store, r.id, title=title)
    assert "<h1>Mock round: Recruiter Screen \u00b7 Netflix</h1>" in html and "pre-line" in html
    md = round_markdown(store, r.id, title=title)
    assert md.startswith("# Mock round: Recruiter Screen \u00b7 Netflix")
    assert "## Round summary" in md and "- **mean coverage**: 40%" in md and "1. Say more.\n2. Fewer fillers." in md
