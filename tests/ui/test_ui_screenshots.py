"""Screenshots of the main screens under a real X display (Xvfb), for a reviewer to look at.

The window is driven in a subprocess with the xcb platform (this test session runs offscreen);
PNG files land in tests/artifacts/screenshots/. Each must be a real picture, not a blank frame.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "artifacts" / "screenshots"
SCREENS = ("home", "question-recording", "feedback", "feedback-dark", "round-summary")

pytestmark = [pytest.mark.gui, pytest.mark.slow]


def _need_display() -> None:
    if not os.environ.get("DISPLAY"):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but no DISPLAY: run the suite under xvfb-run -a")
        pytest.skip("no X display (DISPLAY unset): run under `xvfb-run -a` to take screenshots")


def image_stats(path: Path) -> tuple[int, float, tuple[int, int]]:
    """Distinct colours (sampled) and luminance variance of an image."""
    img = QImage(str(path))
    assert not img.isNull(), f"{path} is not a readable image"
    w, h = img.width(), img.height()
    colours: set[int] = set()
    lum: list[float] = []
    for y in range(0, h, 4):
        for x in range(0, w, 4):
            rgb = img.pixel(x, y) & 0xFFFFFF
            colours.add(rgb)
            r, g, b = (rgb >> 16) & 255, (rgb >> 8) & 255, rgb & 255
            lum.append(0.299 * r + 0.587 * g + 0.114 * b)
    mean = sum(lum) / len(lum)
    var = sum((v - mean) ** 2 for v in lum) / len(lum)
    return len(colours), var, (w, h)


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    _need_display()
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "xcb"
    env["VOICEPREP_DATA_DIR"] = str(tmp_path_factory.mktemp("shots-data"))
    env["VOICEPREP_CONFIG_DIR"] = str(tmp_path_factory.mktemp("shots-config"))
    proc = subprocess.run([sys.executable, "-m", "tests.ui.screenshot_driver", str(OUT)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-3000:]
    written = json.loads(proc.stdout.strip().splitlines()[-1])
    return {k: Path(v) for k, v in written.items()}


@pytest.mark.parametrize("screen", SCREENS)
def test_screenshot_is_a_real_picture(screenshots: dict[str, Path], screen: str) -> None:
    path = screenshots[screen]
    assert path.is_file() and path.parent == OUT
    colours, variance, (w, h) = image_stats(path)
    assert (w, h) == (1280, 720) or (w >= 1280 and h >= 720)
    assert colours >= 20, f"{screen}: only {colours} colours, looks blank"
    assert variance > 100, f"{screen}: luminance variance {variance:.0f}, looks blank"


def test_blank_image_is_detected(tmp_path: Path) -> None:
    """The check above can fail: a flat grey frame does not pass it."""
    img = QImage(320, 200, QImage.Format.Format_RGB32)
    img.fill(0x808080)
    p = tmp_path / "blank.png"
    img.save(str(p))
    colours, variance, _ = image_stats(p)
    assert colours < 20 and variance <= 100
