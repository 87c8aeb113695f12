"""PortAudio access through sounddevice, imported lazily with user-facing errors.

``import sounddevice`` raises OSError when the PortAudio library is missing; that must become
a message that says what to install, never a crash at start-up.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from voiceprep.speech.protocols import NoAudioDevice


def sounddevice() -> ModuleType:
    try:
        import sounddevice as sd
    except OSError as exc:  # PortAudio shared library not found
        hint = (
            "install the system package libportaudio2 (Debian/Ubuntu: sudo apt install libportaudio2)"
            if sys.platform.startswith("linux")
            else "reinstall voiceprep (the bundled PortAudio library is missing)"
        )
        raise NoAudioDevice(f"Audio is unavailable: PortAudio could not be loaded ({exc}); {hint}.") from exc
    return sd


@dataclass(frozen=True)
class AudioDevice:
    index: int
    name: str
    max_input_channels: int
    max_output_channels: int
    default_samplerate: float
    is_default_input: bool = False
    is_default_output: bool = False


def list_devices() -> list[AudioDevice]:
    sd = sounddevice()
    try:
        raw = sd.query_devices()
        default_in, default_out = _defaults(sd)
    except Exception as exc:  # noqa: BLE001 - PortAudio errors vary by host API
        raise NoAudioDevice(f"Could not list audio devices: {exc}") from exc
    return [
        AudioDevice(
            index=i,
            name=str(d["name"]),
            max_input_channels=int(d["max_input_channels"]),
            max_output_channels=int(d["max_output_channels"]),
            default_samplerate=float(d["default_samplerate"]),
            is_default_input=i == default_in,
            is_default_output=i == default_out,
        )
        for i, d in enumerate(raw)
    ]


def _defaults(sd: Any) -> tuple[int, int]:
    dev = sd.default.device
    try:
        return int(dev[0]), int(dev[1])
    except (TypeError, IndexError):
        return int(dev), int(dev)


def resolve_device(name: str | int | None, kind: str) -> int | None:
    """A device index from a settings value (name, index or None = system default).

    Raises NoAudioDevice when the named device is gone or there is no device of that kind.
    """
    devices = list_devices()
    channels = (lambda d: d.max_input_channels) if kind == "input" else (lambda d: d.max_output_channels)
    usable = [d for d in devices if channels(d) > 0]
    what = "microphone" if kind == "input" else "audio output"
    if not usable:
        raise NoAudioDevice(f"No {what} was found. Connect one and try again.")
    if name is None or name == "":
        return None
    if isinstance(name, int) or (isinstance(name, str) and name.isdigit()):
        idx = int(name)
        if any(d.index == idx for d in usable):
            return idx
    for d in usable:
        if d.name == name:
            return d.index
    for d in usable:
        if str(name).lower() in d.name.lower():
            return d.index
    raise NoAudioDevice(f"The {what} {name!r} is not connected; choose another one in Settings.")
