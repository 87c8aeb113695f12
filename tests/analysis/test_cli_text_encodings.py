"""A .txt transcript saved by common editors: UTF-8 (with or without BOM), UTF-16 with BOM
(Windows Notepad's "Unicode"), Windows-1252 ("ANSI"); binary data is refused in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from voiceprep.cli import CliError
from voiceprep.cli.analyze import read_input

TEXT = "The café metric is retention, and I’d run an A/B test."


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        TEXT.encode("utf-8-sig"),
        TEXT.encode("utf-16"),  # BOM + UTF-16 LE on this platform
        "\ufeff".encode("utf-16-be") + TEXT.encode("utf-16-be"),
        TEXT.encode("cp1252"),
    ],
)
def test_common_encodings_read_the_same_words(tmp_path: Path, data: bytes) -> None:
    src = tmp_path / "answer.txt"
    src.write_bytes(data)
    t = read_input(src)
    assert [w.text for w in t.words] == TEXT.split()


def test_binary_data_is_a_one_line_error(tmp_path: Path) -> None:
    src = tmp_path / "answer.txt"
    src.write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)
    with pytest.raises(CliError) as e:
        read_input(src)
    assert "answer.txt" in str(e.value) and "text" in str(e.value) and "\n" not in str(e.value)


@pytest.mark.parametrize("as_json", [False, True])
def test_report_prints_on_a_console_that_cannot_encode_the_text(tmp_path: Path, as_json: bool) -> None:
    """A console in a legacy code page must not turn the report into a traceback."""
    import os
    import subprocess
    import sys

    src = tmp_path / "answer.txt"
    src.write_text("Die Kennzahl für café-Nutzer ist retention, 你好.", encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "VOICEPREP_DATA_DIR": str(tmp_path / "d"),
           "VOICEPREP_CONFIG_DIR": str(tmp_path / "c")}
    args = [sys.executable, "-m", "voiceprep", "analyze", str(src), "-q", "netflix-pm/home-discovery", "--no-embeddings"]
    out = subprocess.run(args + (["--json"] if as_json else []), capture_output=True, text=True, env=env, timeout=120,
                         encoding="utf-8", errors="replace")
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
    assert "retention" in out.stdout
