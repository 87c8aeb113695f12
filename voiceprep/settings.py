"""User settings: one dataclass, saved as JSON in the config folder.

Unknown keys in the file are ignored and bad values fall back to defaults (with a note), so a
hand-edited or older settings file never stops the app from starting.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from voiceprep import paths

DEFAULT_FILLERS: tuple[str, ...] = (
    "um", "uh", "er", "ah", "hmm", "erm", "you know", "i mean", "kind of", "sort of",
    "basically", "actually", "literally", "like", "so", "right",
)
DEFAULT_HEDGES: tuple[str, ...] = (
    "i guess", "maybe", "i think", "probably", "just", "perhaps", "i feel like", "sort of",
    "kind of", "i suppose", "hopefully",
)


@dataclass
class Settings:
    # audio
    input_device: str | None = None  # PortAudio device name; None = system default
    output_device: str | None = None
    # text-to-speech
    voice: str | None = None  # engine voice id; None = engine default
    rate_wpm: int = 175
    # transcription
    model: str = ""  # "" = bundled offline tiny.en; else a faster-whisper model name or path
    device: str = "cpu"  # "cpu", "cuda" or "auto"
    compute_type: str = "int8"
    filler_prompt: bool = True
    # analysis
    wpm_low: int = 120
    wpm_high: int = 165
    long_pause_s: float = 2.0
    fillers: list[str] = field(default_factory=lambda: list(DEFAULT_FILLERS))
    hedges: list[str] = field(default_factory=lambda: list(DEFAULT_HEDGES))
    # practice
    think_time_s: int = 5
    max_answer_s: int = 20 * 60
    data_dir: str | None = None  # None = platform default

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir) if self.data_dir else paths.default_data_dir()


def settings_path() -> Path:
    return paths.config_dir() / "settings.json"


def load_settings(path: Path | None = None) -> tuple[Settings, list[str]]:
    """Settings from disk plus human-readable notes about anything that was ignored."""
    path = path or settings_path()
    notes: list[str] = []
    if not path.exists():
        return Settings(), notes
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError) as exc:
        notes.append(f"Settings file {path} could not be read ({exc}); using defaults.")
        return Settings(), notes
    defaults = Settings()
    values: dict[str, Any] = {}
    for f in fields(Settings):
        if f.name not in raw:
            continue
        value, default = raw[f.name], getattr(defaults, f.name)
        if default is None or value is None or isinstance(value, type(default)) or (
            isinstance(default, float) and isinstance(value, int)
        ):
            values[f.name] = value
        else:
            notes.append(f"Setting {f.name!r} has a bad value {value!r}; using {default!r}.")
    return Settings(**values), notes


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write atomically so a crash mid-save never leaves a half-written file."""
    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".settings-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(asdict(settings), fh, indent=2)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
