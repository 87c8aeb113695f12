"""Finding and repairing recordings that a crash or kill left unfinished."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import wave

import numpy as np

from voiceprep.speech.recovery import discard, find_unfinished, mark_recovered
from voiceprep.speech.wavfile import IncrementalWavWriter, marker_path


def killed_recording(folder, seconds: float = 1.0, corrupt_header: bool = True):  # noqa: ANN001, ANN201
    """A recording whose writer never closed: marker left, header stale, half a sample at the end."""
    p = folder / "answer.wav"
    w = IncrementalWavWriter(p, 16000)
    w.append(np.full(int(16000 * seconds), 0.1, np.float32))
    w._fh.close()  # the process died here: no close(), marker stays
    with open(p, "r+b") as fh:
        if corrupt_header:
            fh.seek(40)
            fh.write(struct.pack("<I", 0))  # kill landed between the data write and the header patch
        fh.seek(0, 2)
        fh.write(b"\x01")  # half of a 16-bit sample
    return p


def test_repairs_header_and_returns_recording(tmp_path) -> None:  # noqa: ANN001
    p = killed_recording(tmp_path)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    info = json.loads(marker_path(p).read_text())
    info["pid"] = int(dead.stdout)  # written by a process that no longer exists
    marker_path(p).write_text(json.dumps(info))
    found = find_unfinished(tmp_path)
    assert len(found) == 1
    rec = found[0]
    assert rec.path == p and rec.repaired and rec.samplerate == 16000
    assert rec.duration_s == 1.0
    with wave.open(str(p)) as w:
        assert w.getnframes() == 16000
    mark_recovered(rec)
    assert find_unfinished(tmp_path) == []
    assert p.exists()


def test_clean_recordings_are_not_offered(tmp_path) -> None:  # noqa: ANN001
    w = IncrementalWavWriter(tmp_path / "ok.wav", 16000)
    w.append(np.zeros(1600, np.float32))
    w.close()
    assert find_unfinished(tmp_path) == []


def test_recording_of_a_live_process_is_left_alone(tmp_path) -> None:  # noqa: ANN001
    p = killed_recording(tmp_path)
    info = json.loads(marker_path(p).read_text())
    info["pid"] = os.getppid()  # alive, and not us
    marker_path(p).write_text(json.dumps(info))
    before = p.read_bytes()
    assert find_unfinished(tmp_path) == []
    assert p.read_bytes() == before


def test_damaged_marker_and_missing_wav(tmp_path) -> None:  # noqa: ANN001
    p = killed_recording(tmp_path, corrupt_header=False)
    marker_path(p).write_text("{not json")
    (tmp_path / "gone.wav.partial").write_text("{}")
    found = find_unfinished(tmp_path)
    assert [r.path for r in found] == [p]
    assert not (tmp_path / "gone.wav.partial").exists()


def test_discard_deletes(tmp_path) -> None:  # noqa: ANN001
    p = killed_recording(tmp_path)
    marker_path(p).write_text("{}")
    (rec,) = find_unfinished(tmp_path)
    discard(rec)
    assert not p.exists() and not marker_path(p).exists()


def test_mark_and_discard_by_path(tmp_path) -> None:  # noqa: ANN001
    p = killed_recording(tmp_path)
    marker_path(p).write_text("{}")
    mark_recovered(p)
    assert find_unfinished(tmp_path) == [] and p.exists()
    discard(p)
    assert not p.exists()
