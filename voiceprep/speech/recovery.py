"""Find recordings a crash or kill left unfinished, repair them, and hand them back.

A recording in progress has a ``NAME.wav.partial`` JSON marker beside it (see
:mod:`voiceprep.speech.wavfile`); a clean stop removes it. On start-up the app calls
:func:`find_unfinished`: each marked WAV gets its header rewritten from the file size (the
kill may have landed between a write and the header patch) and is returned so the user can
keep or discard it. Markers whose process is still running are left alone.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from voiceprep.speech.audio import WAV_HEADER_BYTES, wav_header
from voiceprep.speech.wavfile import PARTIAL_SUFFIX


@dataclass(frozen=True)
class RecoveredRecording:
    path: Path
    duration_s: float
    samplerate: int
    started_at: float | None  # epoch seconds, from the marker
    repaired: bool  # the header had to be rewritten


def find_unfinished(folder: Path, repair: bool = True) -> list[RecoveredRecording]:
    """Unfinished recordings under ``folder`` (recursively), oldest first, repaired in place."""
    found: list[RecoveredRecording] = []
    if not folder.is_dir():
        return found
    for marker in sorted(folder.rglob("*" + PARTIAL_SUFFIX)):
        wav = marker.with_name(marker.name[: -len(PARTIAL_SUFFIX)])
        info = _read_marker(marker)
        pid = info.get("pid")
        if isinstance(pid, int) and pid != os.getpid() and _alive(pid) and _recent(info):
            continue  # another voiceprep is recording this right now
        if not wav.exists():
            marker.unlink(missing_ok=True)
            continue
        rec = repair_wav(wav, info) if repair else _describe(wav, info)
        if rec is not None:
            found.append(rec)
    found.sort(key=lambda r: r.started_at or 0.0)
    return found


def repair_wav(wav: Path, info: dict[str, object] | None = None) -> RecoveredRecording | None:
    """Rewrite the 44-byte header of a mono 16-bit PCM WAV from its real size."""
    info = info or {}
    rate = int(info.get("samplerate", 16000) or 16000)  # type: ignore[arg-type]
    size = wav.stat().st_size
    data = max(0, size - WAV_HEADER_BYTES)
    data -= data % 2  # drop a half-written sample
    with open(wav, "r+b") as fh:
        old = fh.read(WAV_HEADER_BYTES)
        new = wav_header(rate, data)
        repaired = old != new
        if repaired:
            fh.seek(0)
            fh.write(new)
        if size != WAV_HEADER_BYTES + data:
            fh.truncate(WAV_HEADER_BYTES + data)
            repaired = True
        fh.flush()
        os.fsync(fh.fileno())
    return RecoveredRecording(
        path=wav,
        duration_s=data / 2 / rate,
        samplerate=rate,
        started_at=_float(info.get("started_at")),
        repaired=repaired,
    )


def _describe(wav: Path, info: dict[str, object]) -> RecoveredRecording:
    rate = int(info.get("samplerate", 16000) or 16000)  # type: ignore[arg-type]
    data = max(0, wav.stat().st_size - WAV_HEADER_BYTES)
    return RecoveredRecording(wav, data / 2 / rate, rate, _float(info.get("started_at")), False)


def mark_recovered(rec: RecoveredRecording | Path) -> None:
    """The user kept (or the app imported) the recording: forget that it was unfinished."""
    path = rec.path if isinstance(rec, RecoveredRecording) else Path(rec)
    path.with_name(path.name + PARTIAL_SUFFIX).unlink(missing_ok=True)


def discard(rec: RecoveredRecording | Path) -> None:
    """The user discarded it: delete the audio and its marker."""
    path = rec.path if isinstance(rec, RecoveredRecording) else Path(rec)
    path.unlink(missing_ok=True)
    mark_recovered(path)


def _read_marker(marker: Path) -> dict[str, object]:
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}  # the kill may have hit while the marker was written; defaults are fine


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _recent(info: dict[str, object], max_age_s: float = 24 * 3600) -> bool:
    started = _float(info.get("started_at"))
    return started is not None and time.time() - started < max_age_s


def _float(v: object) -> float | None:
    try:
        return None if v is None else float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
