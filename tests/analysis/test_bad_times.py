"""Transcript JSON with broken word times (NaN, Infinity, absurdly large, negative): a clear
error from ``voiceprep analyze``, and ``analyze()`` itself neither hangs, eats memory nor emits
invalid JSON (Python's json module reads NaN/Infinity, so such files do reach us)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from voiceprep.analysis.analyzer import analyze
from voiceprep.analysis.delivery import pace
from voiceprep.analysis.options import AnalysisOptions
from voiceprep.analysis.transcript import Transcript, Word
from voiceprep.cli import CliError
from voiceprep.cli.analyze import read_input

from tests.analysis.analysis_helpers import product_bank, timed

TEXT = "So the problem is browse abandonment and I would run an A/B test on play rate"
BAD = [float("nan"), float("inf"), -float("inf"), 1e300, -3.0]


def _with_time(value: float, field: str = "end", index: int = -1) -> Transcript:
    t = timed(TEXT, wpm=150)
    words = list(t.words)
    w = words[index]
    words[index] = Word(w.text, value if field == "start" else w.start, value if field == "end" else w.end)
    return Transcript(words=tuple(words), text=t.text, duration_s=t.duration_s, source="json")


@pytest.mark.parametrize("value", BAD)
@pytest.mark.parametrize("field", ["start", "end"])
def test_cli_rejects_bad_word_times(tmp_path: Path, value: float, field: str) -> None:
    src = tmp_path / "answer.json"
    src.write_text(json.dumps(_with_time(value, field, index=3).to_dict()))  # NaN/Infinity as Python writes them
    with pytest.raises(CliError) as e:
        read_input(src)
    assert "answer.json" in str(e.value) and "time" in str(e.value) and "\n" not in str(e.value)


def test_cli_accepts_good_times(tmp_path: Path) -> None:
    src = tmp_path / "answer.json"
    src.write_text(json.dumps(timed(TEXT).to_dict()))
    assert read_input(src).has_timings


@pytest.mark.parametrize("value", BAD)
def test_analyze_survives_bad_times_with_valid_json(value: float) -> None:
    bank, q = product_bank()
    r = analyze(_with_time(value), bank, q, "screen", AnalysisOptions(use_embeddings=False))
    d = json.loads(json.dumps(r.to_dict(), allow_nan=False))
    assert d["wpm"] is None or math.isfinite(d["wpm"])
    assert len(r.pace.series) <= 1000


def test_rolling_pace_over_a_huge_span_is_bounded() -> None:
    t = _with_time(1e9)  # one word a billion seconds later (e.g. a corrupt file)
    p = pace(t, set(range(len(t.words))), 120, 165, window_s=20, step_s=5)
    assert p.wpm is not None and 0 < len(p.series) <= 1000


@pytest.mark.parametrize(
    "content, says",
    [
        ('{"words": [{"start": 1.0, "end": 1.2}]}', "word 1 has no text"),
        ('{"words": [1, 2]}', "word 1 is not an object"),
        ('{"words": [{"text": null, "start": 0, "end": 1}]}', "word 1 has no text"),
        ('{"words": [{"text": "hi", "start": "soon", "end": 1}]}', "word 1"),
    ],
)
def test_malformed_words_get_a_plain_message(tmp_path: Path, content: str, says: str) -> None:
    src = tmp_path / "answer.json"
    src.write_text(content)
    with pytest.raises(CliError) as e:
        read_input(src)
    assert says in str(e.value) and "answer.json" in str(e.value)
