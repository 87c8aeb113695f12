"""The bank loader against real files: valid banks load, each kind of problem is reported
with file, question and field, every problem at once, and one broken bank never blocks others."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from voiceprep.bank import load_bank_file, load_banks
from voiceprep.bank.loader import load_bank_text

DOCS_EXAMPLE = re.search(r"```toml\n(.*?)```", (Path(__file__).parents[2] / "docs/bank-format.md").read_text(), re.S)

VALID = '''
format = 1
id = "mini"
title = "Mini bank"
company = "Acme"
description = "A small bank for tests."

[guidance]
look_for = ["Judgment"]
red_flags = ["Rambling"]

[[checks]]
id = "experiment"
label = "Closes with an experiment"
cues = ["a/b test", "experiment*"]

[[categories]]
id = "product-sense"
name = "Product Sense"
checks = ["experiment"]

[[categories]]
id = "behavioral"
name = "Behavioral"
structure = "star"

[[rounds]]
id = "screen"
name = "Screen"
interviewers = ["Recruiter"]
duration_min = [30, 45]
categories = ["product-sense", "behavioral"]
questions_per_mock = 2
answer_target_s = 120

[[rounds]]
id = "refs"
name = "Reference checks"
practice = false

[[questions]]
id = "improve-search"
category = "product-sense"
rounds = ["screen"]
prompt = "How would you improve search?"
target_s = 240
tips = ["Start with the user."]

[[questions.key_points]]
id = "user"
text = "Name the user problem"
cues = ["user problem", "pain point"]

[[questions.key_points]]
id = "metric"
text = "Pick a success metric"
cue_groups = [["metric"], ["success", "north star"]]
weight = 2

[[questions]]
id = "conflict"
category = "behavioral"
rounds = ["screen"]
prompt = "Tell me about a conflict."
target_s = 120

[[questions.key_points]]
id = "result"
text = "Say how it ended"
cues = ["result*"]
'''


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_bank_loads_with_all_fields(tmp_path: Path) -> None:
    bank, problems = load_bank_file(write(tmp_path, "mini.toml", VALID))
    assert problems == []
    assert bank is not None
    assert bank.id == "mini" and bank.company == "Acme"
    assert [r.id for r in bank.practice_rounds] == ["screen"]
    assert bank.round("refs") is not None and not bank.round("refs").practice
    q = bank.question("improve-search")
    assert q is not None and q.target_s == 240 and q.rounds == ("screen",)
    assert [p.id for p in q.key_points] == ["user", "metric"]
    assert q.key_points[1].cue_groups == (("metric",), ("success", "north star"))
    assert q.key_points[1].weight == 2.0
    assert [c.id for c in bank.checks_for(q)] == ["experiment"]
    assert bank.category("behavioral").structure == "star"
    assert bank.guidance.look_for == ("Judgment",)


def test_docs_example_is_valid() -> None:
    assert DOCS_EXAMPLE is not None
    bank, problems = load_bank_text(DOCS_EXAMPLE.group(1), "docs-example")
    assert problems == [] and bank is not None


@pytest.mark.parametrize(
    ("old", "new", "question", "field", "message"),
    [
        ('tips = ["Start with the user."]', 'tips = ["Start with the user."]\ncolour = "red"', "improve-search", "questions[0].colour", "unknown key 'colour'"),
        ('prompt = "Tell me about a conflict."\n', "", "conflict", "questions[1].prompt", "missing required field"),
        ('id = "conflict"', 'id = "improve-search"', None, "questions", "duplicate question id 'improve-search'"),
        ('id = "metric"', 'id = "user"', "improve-search", "questions[0].key_points", "duplicate key point id 'user'"),
        ('rounds = ["screen"]\nprompt = "How', 'rounds = ["screen", "final"]\nprompt = "How', "improve-search", "questions[0].rounds", "round 'final' does not exist"),
        ('rounds = ["screen"]\nprompt = "Tell', 'rounds = ["screen", "refs"]\nprompt = "Tell', "conflict", "questions[1].rounds", "round 'refs' is not a practice round"),
        ("target_s = 240", "target_s = 0", "improve-search", "questions[0].target_s", "target_s must be positive"),
        ('conflict."\ntarget_s = 120', 'conflict."\ntarget_s = -30', "conflict", "questions[1].target_s", "target_s must be positive"),
        ('text = "Say how it ended"', 'text = "   "', "conflict", "questions[1].key_points[0].text", "key point text must not be empty"),
        ('cues = ["result*"]', "cues = []", "conflict", "questions[1].key_points[0].cues", "needs cues or cue_groups"),
        ('category = "behavioral"\nrounds', 'category = "culture"\nrounds', "conflict", "questions[1].category", "category 'culture' does not exist"),
        ("target_s = 240", 'target_s = "four minutes"', "improve-search", "questions[0].target_s", "must be a whole number"),
        ("weight = 2", "weight = -1", "improve-search", "questions[0].key_points[1].weight", "weight must be positive"),
        ('checks = ["experiment"]', 'checks = ["guardrails"]', None, "categories[0].checks", "check 'guardrails' is not defined"),
        ('structure = "star"', 'structure = "haiku"', None, "categories[1].structure", "unknown structure 'haiku'"),
        ("questions_per_mock = 2", "questions_per_mock = 3", None, "rounds", "asks 3 questions per mock round but only 2"),
        ("answer_target_s = 120", "answer_target_s = 0", None, "rounds[0].answer_target_s", "must be positive"),
        ("duration_min = [30, 45]", "duration_min = [45, 30]", None, "rounds[0].duration_min", "0 < min <= max"),
        ("format = 1", "format = 2", None, "format", "unsupported format 2"),
        ('id = "mini"', 'id = "Mini Bank!"', None, "id", "must use only a-z"),
    ],
)
def test_each_kind_of_problem_is_located(tmp_path: Path, old: str, new: str, question: str | None, field: str, message: str) -> None:
    assert old in VALID, old
    path = write(tmp_path, "bad.toml", VALID.replace(old, new, 1))
    bank, problems = load_bank_file(path)
    assert bank is None
    matching = [p for p in problems if message in p.message]
    assert matching, [str(p) for p in problems]
    p = matching[0]
    assert p.file == str(path)
    assert p.field == field
    assert p.question == question
    assert message in str(p) and str(path) in str(p)


def test_empty_key_point_list_is_reported(tmp_path: Path) -> None:
    text = VALID.split("[[questions]]")[0] + '''
[[questions]]
id = "lonely"
category = "behavioral"
rounds = ["screen"]
prompt = "Why?"
target_s = 60
key_points = []
'''
    _, problems = load_bank_file(write(tmp_path, "b.toml", text))
    assert any(p.question == "lonely" and "at least one key point" in p.message for p in problems)


def test_invalid_toml_reports_line_and_column(tmp_path: Path) -> None:
    text = VALID.replace('title = "Mini bank"', 'title = "Mini bank', 1)
    path = write(tmp_path, "broken.toml", text)
    bank, problems = load_bank_file(path)
    assert bank is None and len(problems) == 1
    p = problems[0]
    assert "not valid TOML" in p.message
    assert p.line == 4  # the title line (line 1 is empty)
    assert p.column is not None
    assert f"{path}:4:" in str(p)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = (
        VALID.replace("target_s = 240", "target_s = 0")
        .replace('colour = "x"', "")
        .replace('id = "conflict"', 'id = "improve-search"')
        .replace('tips = ["Start with the user."]', 'tips = ["Start with the user."]\nmood = 3')
    )
    _, problems = load_bank_file(write(tmp_path, "many.toml", text))
    messages = " | ".join(p.message for p in problems)
    assert "target_s must be positive" in messages
    assert "duplicate question id" in messages
    assert "unknown key 'mood'" in messages


def test_not_utf8_and_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes('title = "café"'.encode("latin-1"))
    bank, problems = load_bank_file(path)
    assert bank is None and "not UTF-8" in problems[0].message
    bank, problems = load_bank_file(tmp_path / "missing.toml")
    assert bank is None and "cannot read file" in problems[0].message


def test_broken_bank_does_not_stop_others_and_user_bank_overrides(tmp_path: Path) -> None:
    builtin = tmp_path / "builtin"
    user = tmp_path / "user"
    builtin.mkdir()
    user.mkdir()
    write(builtin, "mini.toml", VALID)
    write(builtin, "other.toml", VALID.replace('id = "mini"', 'id = "other"').replace('title = "Mini bank"', 'title = "Other"'))
    write(builtin, "broken.toml", "this is = = not toml")
    write(user, "mine.toml", VALID.replace('title = "Mini bank"', 'title = "My own mini"'))
    bank_set = load_banks(builtin, user)
    assert sorted(b.id for b in bank_set.banks) == ["mini", "other"]
    mini = bank_set.get("mini")
    assert mini is not None and mini.title == "My own mini" and not mini.builtin
    assert len(bank_set.problems) == 1 and bank_set.problems[0].file.endswith("broken.toml")
    resolved = bank_set.resolve("other/conflict")
    assert resolved is not None and resolved[1].id == "conflict"
    assert bank_set.resolve("other/nope") is None and bank_set.resolve("nonsense") is None


def test_duplicate_bank_ids_in_one_folder(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", VALID)
    write(tmp_path, "b.toml", VALID)
    bank_set = load_banks(tmp_path)
    assert [b.id for b in bank_set.banks] == ["mini"]
    assert any("also used by a.toml" in p.message for p in bank_set.problems)
