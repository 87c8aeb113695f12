"""The crash-safe WAV writer: valid after every append, cut back cleanly on a full disk."""

from __future__ import annotations

import errno
import wave

import numpy as np
import pytest

from voiceprep.speech.wavfile import IncrementalWavWriter, marker_path


def frames_on_disk(path) -> int:  # noqa: ANN001
    with wave.open(str(path)) as w:
        return w.getnframes()


def test_file_is_valid_after_every_append(tmp_path) -> None:  # noqa: ANN001
    p = tmp_path / "r.wav"
    w = IncrementalWavWriter(p, 16000)
    assert marker_path(p).exists()
    assert frames_on_disk(p) == 0
    for i in range(1, 4):
        w.append(np.full(1600, 0.1, np.float32))
        assert frames_on_disk(p) == 1600 * i  # readable while still open
    w.close()
    assert not marker_path(p).exists()
    assert frames_on_disk(p) == 4800


class FullDisk:
    """Wraps the real file; writes after ``allow`` bytes fail with ENOSPC after a partial write."""

    def __init__(self, fh, allow: int) -> None:  # noqa: ANN001
        self.fh, self.allow = fh, allow

    def write(self, data) -> int:  # noqa: ANN001
        if self.fh.tell() >= 44 and self.allow <= 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        if self.fh.tell() >= 44 and len(data) > self.allow:
            self.fh.write(bytes(data[: self.allow // 2]))  # a partial write lands first
            self.allow = 0
            raise OSError(errno.ENOSPC, "No space left on device")
        if self.fh.tell() >= 44:
            self.allow -= len(data)
        return self.fh.write(data)

    def __getattr__(self, name):  # noqa: ANN001, ANN204
        return getattr(self.fh, name)


def test_disk_full_keeps_the_last_whole_write(tmp_path) -> None:  # noqa: ANN001
    p = tmp_path / "r.wav"
    w = IncrementalWavWriter(p, 16000)
    w.append(np.full(1000, 0.2, np.float32))
    w._fh = FullDisk(w._fh, allow=1000)  # room for 500 more samples, not 1000
    with pytest.raises(OSError) as info:
        w.append(np.full(1000, 0.2, np.float32))
    assert info.value.errno == errno.ENOSPC
    assert w.frames == 1000
    assert p.stat().st_size == 44 + 2000  # the partial write was cut off
    assert frames_on_disk(p) == 1000
    w.close()


def test_recording_is_readable_only_by_the_user(tmp_path) -> None:  # noqa: ANN001
    p = tmp_path / "private.wav"
    p.write_bytes(b"stale")
    p.chmod(0o644)
    w = IncrementalWavWriter(p, 16000)
    w.append(np.zeros(160, np.float32))
    w.close()
    assert p.stat().st_mode & 0o777 == 0o600
