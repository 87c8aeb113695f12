"""The labelled answer sets every coverage figure and fitted file rests on, checked in one place.

Each set's writer also left a counts.py that validates it; those differ from writer to writer
(and the sealed sets' must not be opened), so this test holds every opened set to one standard:
the question exists in the built-in bank, each answer labels exactly that question's key points,
labels and kinds are known, and answer ids are unique across all sets (the fitters key rows by
them). A bank edit that renames or drops a key point fails here before it silently empties a
point's labels, exemplars and record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.analysis.test_coverage_accuracy import SEALED, _unopened
from voiceprep.bank.loader import load_banks

ROOT = Path(__file__).resolve().parents[2]
LABELS = {"covered", "partial", "missed"}
KINDS = {"strong", "average", "weak", "negation", "wrong-question", "off-topic", "partial", "paraphrase"}
SETS = [d for d in sorted((ROOT / "tests" / "data").glob("coverage*"))
        if d.name not in SEALED and not _unopened(d) and d.name != "coverage-agreement"]  # agreement: a relabelling


@pytest.fixture(scope="module")
def banks():
    return load_banks(ROOT / "questions")


@pytest.mark.parametrize("folder", SETS, ids=lambda d: d.name)
def test_a_labelled_set_labels_every_key_point_of_a_built_in_question(banks, folder: Path) -> None:
    files = sorted(folder.glob("*.json"))
    assert files, folder
    for f in files:
        data = json.loads(f.read_text(encoding="utf-8"))
        found = banks.resolve(data["question"])
        assert found is not None, (f.name, data["question"])
        points = {kp.id for kp in found[1].key_points}
        assert data["answers"], f.name
        for a in data["answers"]:
            assert set(a["labels"]) == points, (f.name, a["id"], set(a["labels"]) ^ points)
            assert set(a["labels"].values()) <= LABELS, (f.name, a["id"])
            assert a.get("kind") in KINDS, (f.name, a["id"], a.get("kind"))
            assert a["text"].strip(), (f.name, a["id"])


def test_answer_ids_are_unique_across_the_sets() -> None:
    ids = [a["id"] for d in SETS for f in sorted(d.glob("*.json"))
           for a in json.loads(f.read_text(encoding="utf-8"))["answers"]]
    assert len(ids) > 1000 and len(ids) == len(set(ids))
