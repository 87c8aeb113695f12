"""Glue between the UI and the history store (voiceprep.store), kept in one place.

The store's API is owned elsewhere; these functions are the only calls the UI makes into it.
"""

from __future__ import annotations

from typing import Any

from voiceprep.settings import Settings
from voiceprep.ui.session import AttemptResult


def save_attempt(store: Any, result: AttemptResult, settings: Settings) -> Any:
    raise NotImplementedError


def weakest_questions(store: Any, bank_id: str) -> list[str]:
    return []
