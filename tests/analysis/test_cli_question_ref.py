"""``--question`` as people type it: case and stray spaces or slashes are forgiven; a bare or
misspelt id gets a "did you mean" with the full BANK/QUESTION reference."""

from __future__ import annotations

import pytest

from voiceprep.bank.loader import load_default_banks
from voiceprep.cli import CliError
from voiceprep.cli.analyze import resolve_question

BANKS = load_default_banks()


@pytest.mark.parametrize(
    "ref", ["netflix-pm/home-discovery", "Netflix-PM/Home-Discovery", " netflix-pm/home-discovery ",
            "netflix-pm/home-discovery/"],
)
def test_forgiving_spellings_resolve(ref: str) -> None:
    bank, q = resolve_question(BANKS, ref)
    assert (bank.id, q.id) == ("netflix-pm", "home-discovery")


@pytest.mark.parametrize(
    "ref, hint",
    [
        ("home-discovery", "did you mean netflix-pm/home-discovery"),
        ("netflix-pm/home-discovry", "did you mean netflix-pm/home-discovery"),
        ("netflix/home-discovery", "did you mean netflix-pm/home-discovery"),
    ],
)
def test_unknown_question_suggests_the_full_reference(ref: str, hint: str) -> None:
    with pytest.raises(CliError) as e:
        resolve_question(BANKS, ref)
    assert "unknown question" in str(e.value) and hint in str(e.value) and "\n" not in str(e.value)


def test_nothing_close_lists_the_banks_and_the_list_command() -> None:
    with pytest.raises(CliError) as e:
        resolve_question(BANKS, "zzz/qqq")
    assert "netflix-pm" in str(e.value) and "voiceprep questions list" in str(e.value)


@pytest.mark.parametrize("ref", ["onsite-loop", "Onsite-Loop", " onsite-loop "])
def test_round_spellings_resolve(ref: str) -> None:
    from voiceprep.cli.analyze import resolve_round

    bank, _ = resolve_question(BANKS, "netflix-pm/home-discovery")
    assert resolve_round(bank, ref) == "onsite-loop"
    assert resolve_round(bank, None) is None


def test_unknown_round_lists_the_rounds() -> None:
    from voiceprep.cli.analyze import resolve_round

    bank, _ = resolve_question(BANKS, "netflix-pm/home-discovery")
    with pytest.raises(CliError) as e:
        resolve_round(bank, "onsite")
    assert "unknown round" in str(e.value) and "onsite-loop" in str(e.value)
