"""A WAV file that is valid on disk after every write, so a crash or kill -9 keeps the audio.

The header's two size fields are patched after each append and the file is flushed to the OS at
once (a killed process loses nothing already written) and fsynced at least every
``fsync_interval_s`` (a power cut loses at most that much). A ``NAME.wav.partial`` JSON marker
sits beside the file while it is being written; :mod:`voiceprep.speech.recovery` looks for it.
"""

from __future__ import annotations

import json
import os
import struct
import time
from pathlib import Path

import numpy as np

from voiceprep.speech.audio import WAV_HEADER_BYTES, float_to_pcm16, wav_header

PARTIAL_SUFFIX = ".partial"


def marker_path(wav_path: Path) -> Path:
    return wav_path.with_name(wav_path.name + PARTIAL_SUFFIX)


class IncrementalWavWriter:
    """Append-only mono 16-bit PCM WAV writer. Not thread-safe: one writer thread owns it."""

    def __init__(self, path: Path, rate: int, fsync_interval_s: float = 0.5) -> None:
        self.path = Path(path)
        self.rate = int(rate)
        self.fsync_interval_s = fsync_interval_s
        self.data_bytes = 0
        self._closed = False
        self.path.parent.mkdir(parents=True, exist_ok=True)
        marker = {
            "wav": self.path.name,
            "samplerate": self.rate,
            "channels": 1,
            "sampwidth": 2,
            "started_at": time.time(),
            "pid": os.getpid(),
        }
        marker_path(self.path).write_text(json.dumps(marker), encoding="utf-8")
        # A recording is the user's voice: readable by them only (0600), like the history database.
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)  # the mode above is ignored when the file already existed
        self._fh = os.fdopen(fd, "wb", buffering=0)  # noqa: SIM115 - lives as long as the writer
        self._fh.write(wav_header(self.rate, 0))
        self._sync()

    @property
    def frames(self) -> int:
        return self.data_bytes // 2

    @property
    def duration_s(self) -> float:
        return self.frames / self.rate

    def append(self, samples: np.ndarray) -> None:
        """Append float32 samples. On OSError (e.g. ENOSPC) the file is cut back to the last
        whole write with a correct header, and the error is re-raised for the caller."""
        data = float_to_pcm16(samples)
        if not data:
            return
        try:
            self._fh.seek(WAV_HEADER_BYTES + self.data_bytes)
            written = 0
            view = memoryview(data)
            while written < len(data):
                n = self._fh.write(view[written:])
                if not n:
                    raise OSError("short write")
                written += n
        except OSError:
            self._rollback()
            raise
        self.data_bytes += len(data)
        self._patch_header()
        if time.monotonic() - self._last_sync >= self.fsync_interval_s:
            self._sync()

    def _patch_header(self) -> None:
        self._fh.seek(4)
        self._fh.write(struct.pack("<I", 36 + self.data_bytes))
        self._fh.seek(40)
        self._fh.write(struct.pack("<I", self.data_bytes))

    def _rollback(self) -> None:
        try:
            self._fh.truncate(WAV_HEADER_BYTES + self.data_bytes)
            self._patch_header()
        except OSError:
            pass  # recovery repairs the header from the file size on the next start

    def _sync(self) -> None:
        self._last_sync = time.monotonic()
        try:
            os.fsync(self._fh.fileno())
        except OSError:
            pass

    def close(self, remove_marker: bool = True) -> None:
        """Finish the file. The marker is removed only after the data is safely on disk."""
        if self._closed:
            return
        self._closed = True
        try:
            self._patch_header()
            self._sync()
        finally:
            self._fh.close()
        if remove_marker:
            marker_path(self.path).unlink(missing_ok=True)
