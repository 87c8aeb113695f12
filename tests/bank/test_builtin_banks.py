"""The shipped banks: valid, and faithful to the guide they were built from."""

from __future__ import annotations

from collections import Counter

import pytest

from voiceprep import paths
from voiceprep.bank import load_banks
from voiceprep.bank.model import BankSet

GUIDE_QUESTIONS = {
    "home-discovery": ["define-problem", "segment-members", "root-causes", "solutions", "recsys", "metrics-experiment"],
    "engagement-vs-retention": ["metric-definitions", "experiment-validity", "retention-lag", "engagement-quality", "offsetting-effects", "decide-action"],
    "ads-tier-growth": ["strategic-tension", "economics", "protect-experience", "guardrails", "measurement-trust", "experimentation"],
    "autonomous-decision": ["context-ownership", "judgment", "candor", "autonomous-call", "impact", "netflix-fit"],
}
SIX_TYPES = {"product-sense", "metrics", "execution", "strategy", "behavioral", "leadership"}


@pytest.fixture(scope="module")
def builtin() -> BankSet:
    return load_banks(paths.builtin_questions_dir())


def test_builtin_banks_load_without_problems(builtin: BankSet) -> None:
    assert [str(p) for p in builtin.problems] == []
    assert {"netflix-pm", "general-behavioral"} <= {b.id for b in builtin.banks}


def test_netflix_bank_covers_the_guide(builtin: BankSet) -> None:
    bank = builtin.get("netflix-pm")
    assert bank is not None
    assert len(bank.questions) >= 30
    per_type = Counter(q.category for q in bank.questions)
    assert set(per_type) == SIX_TYPES
    assert [r.id for r in bank.practice_rounds] == ["recruiter-screen", "hiring-manager-screen", "onsite-loop"]
    assert bank.round("reference-checks") is not None and not bank.round("reference-checks").practice
    assert bank.round("recruiter-screen").duration_min == (30, 45)
    assert bank.round("hiring-manager-screen").duration_min == (45, 60)
    assert bank.guidance.look_for and bank.guidance.red_flags and bank.guidance.checklist
    for qid, point_ids in GUIDE_QUESTIONS.items():
        q = bank.question(qid)
        assert q is not None, qid
        assert [p.id for p in q.key_points] == point_ids
        assert q.tips
    for q in bank.questions:
        assert 3 <= len(q.key_points) <= 6, q.id
        assert q.rounds, q.id


def test_every_practice_round_can_fill_a_mock(builtin: BankSet) -> None:
    for bank in builtin.banks:
        for r in bank.practice_rounds:
            assert len(bank.questions_for_round(r.id)) >= r.questions_per_mock, (bank.id, r.id)


def test_general_behavioral_bank(builtin: BankSet) -> None:
    bank = builtin.get("general-behavioral")
    assert bank is not None
    assert bank.company == ""
    assert sum(1 for q in bank.questions if q.category == "behavioral") >= 12 or len(bank.questions) >= 12
