"""Property tests: whatever text or structure reaches the loader, it answers with a bank or a
list of problems, and never raises."""

from __future__ import annotations

import tomllib
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voiceprep.bank.loader import load_bank_text, parse_bank

from .test_loader import VALID

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True), st.text(max_size=20)
)
values: st.SearchStrategy[Any] = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=25,
)
VALID_DATA = tomllib.loads(VALID)
KEYS = sorted(
    set(VALID_DATA)
    | {k for q in VALID_DATA["questions"] for k in q}
    | {k for q in VALID_DATA["questions"] for p in q["key_points"] for k in p}
    | {k for r in VALID_DATA["rounds"] for k in r}
)


def _outcome_ok(bank: object, problems: list) -> bool:
    return (bank is None) != (problems == [])


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_text(text: str) -> None:
    bank, problems = load_bank_text(text, "fuzz.toml")
    assert _outcome_ok(bank, problems)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(VALID.splitlines()), max_size=60))
def test_shuffled_lines_of_a_real_bank(lines: list[str]) -> None:
    bank, problems = load_bank_text("\n".join(lines), "fuzz.toml")
    assert _outcome_ok(bank, problems)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), values, max_size=12))
def test_arbitrary_structures(data: dict[str, Any]) -> None:
    bank, problems = parse_bank(data, "fuzz.toml")
    assert _outcome_ok(bank, problems)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["questions", "rounds", "categories", "checks", "guidance", "format", "id"]),
    values,
    st.integers(0, 1),
)
def test_mutating_one_part_of_a_valid_bank(key: str, value: Any, index: int) -> None:
    data = tomllib.loads(VALID)
    if isinstance(data.get(key), list) and data[key] and isinstance(value, dict):
        data[key][min(index, len(data[key]) - 1)] = value
    else:
        data[key] = value
    bank, problems = parse_bank(data, "fuzz.toml")
    assert _outcome_ok(bank, problems)
