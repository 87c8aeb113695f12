"""Where voiceprep keeps things on disk.

Everything a user creates lives under one data folder (recordings, history database, their own
question banks), created readable only by the user. ``VOICEPREP_DATA_DIR`` overrides it (tests,
portable installs); the settings file can move it too.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "voiceprep"
PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent


def _first_existing(*candidates: Path) -> Path:
    for c in candidates:
        if c.exists():
            return c
    return candidates[0]


def builtin_questions_dir() -> Path:
    """The shipped banks: ``questions/`` in a checkout, or beside the package in a bundle."""
    return _first_existing(PROJECT_DIR / "questions", PACKAGE_DIR / "questions")


def assets_dir() -> Path:
    return _first_existing(PROJECT_DIR / "assets", PACKAGE_DIR / "assets")


def config_dir() -> Path:
    env = os.environ.get("VOICEPREP_CONFIG_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def default_data_dir() -> Path:
    env = os.environ.get("VOICEPREP_DATA_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) with mode 0700; tighten it if it already exists."""
    path.mkdir(parents=True, exist_ok=True)
    try:
        path.chmod(0o700)
    except OSError:
        pass
    return path


def user_banks_dir(data_dir: Path | None = None) -> Path:
    return (data_dir or default_data_dir()) / "banks"


def recordings_dir(data_dir: Path | None = None) -> Path:
    return (data_dir or default_data_dir()) / "recordings"


def database_path(data_dir: Path | None = None) -> Path:
    return (data_dir or default_data_dir()) / "history.sqlite3"
