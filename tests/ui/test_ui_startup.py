"""The window appears before any heavy module is imported or any model is loaded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_window_shows_banks_without_heavy_imports(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", VOICEPREP_STARTUP_PROBE="1",
               VOICEPREP_DATA_DIR=str(tmp_path / "data"), VOICEPREP_CONFIG_DIR=str(tmp_path / "config"))
    proc = subprocess.run([sys.executable, "-c", "from voiceprep.app import main; raise SystemExit(main([]))"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    info = json.loads(next(line for line in proc.stdout.splitlines() if line.startswith("{")))
    assert info["heavy_modules_loaded"] == []
    assert info["banks"] >= 2  # the shipped banks are on the home screen
