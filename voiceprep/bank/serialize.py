"""Stable JSON shapes for banks and questions (what `voiceprep questions ... --json` prints).

Documented in README ("JSON output"); scripts and the app's tests rely on them, so fields are
only ever added, never renamed.
"""

from __future__ import annotations

from typing import Any

from voiceprep.bank.model import Bank, Problem, Question, Round


def question_summary(bank: Bank, q: Question) -> dict[str, Any]:
    return {
        "ref": f"{bank.id}/{q.id}",
        "bank": bank.id,
        "id": q.id,
        "category": q.category,
        "rounds": list(q.rounds),
        "prompt": q.prompt,
        "target_s": q.target_s,
        "key_points": len(q.key_points),
    }


def question_detail(bank: Bank, q: Question) -> dict[str, Any]:
    category = bank.category(q.category)
    return {
        **question_summary(bank, q),
        "category_name": category.name if category else q.category,
        "key_points": [
            {"id": p.id, "text": p.text, "cues": list(p.cues), "cue_groups": [list(g) for g in p.cue_groups], "weight": p.weight}
            for p in q.key_points
        ],
        "tips": list(q.tips),
        "follow_ups": list(q.follow_ups),
        "checks": [c.id for c in bank.checks_for(q)],
        "source": q.source,
    }


def round_json(r: Round) -> dict[str, Any]:
    return {
        "id": r.id,
        "name": r.name,
        "practice": r.practice,
        "interviewers": list(r.interviewers),
        "duration_min": list(r.duration_min) if r.duration_min else None,
        "categories": list(r.categories),
        "questions_per_mock": r.questions_per_mock,
        "answer_target_s": r.answer_target_s,
        "description": r.description,
    }


def bank_summary(bank: Bank) -> dict[str, Any]:
    return {
        "id": bank.id,
        "title": bank.title,
        "company": bank.company,
        "role": bank.role,
        "description": bank.description,
        "version": bank.version,
        "builtin": bank.builtin,
        "path": str(bank.path) if bank.path else None,
        "categories": [{"id": c.id, "name": c.name} for c in bank.categories],
        "rounds": [round_json(r) for r in bank.rounds],
        "questions": len(bank.questions),
    }


def problem_json(p: Problem) -> dict[str, Any]:
    return {"file": p.file, "line": p.line, "column": p.column, "question": p.question, "field": p.field, "message": p.message}
