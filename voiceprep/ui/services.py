"""What the UI needs from the rest of voiceprep, injected as one bundle.

The window never imports the speech engine, the analysis or the store at start-up: the default
factories below import them on first use (in the worker thread where that is slow). Tests build
a :class:`Services` with fakes that satisfy the same protocols.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from voiceprep import paths
from voiceprep.bank.model import Bank, BankSet, Problem, Question, Round
from voiceprep.settings import Settings

if TYPE_CHECKING:
    from voiceprep.analysis.report import AnswerReport
    from voiceprep.analysis.transcript import Transcript
    from voiceprep.speech.protocols import Recorder, Speaker, Transcriber


class Player(Protocol):
    """Plays a recording from a given second (feedback playback, jump to evidence)."""

    def play(self, path: Path, start_s: float = 0.0) -> None: ...

    def stop(self) -> None: ...

    def position(self) -> float | None:
        """Seconds into the file being played, None when stopped."""
        ...


AnalyzeFn = Callable[["Transcript", Bank, Question, Settings, "Round | None"], "AnswerReport"]


@dataclass
class Services:
    """Factories and functions the controller, the worker and the views call."""

    settings: Settings
    load_banks: Callable[[Settings], BankSet]
    make_speaker: Callable[[Settings], "Speaker"]
    make_recorder: Callable[[Settings], "Recorder"]
    make_transcriber: Callable[[Settings], "Transcriber"]
    analyze: AnalyzeFn
    make_player: Callable[[Settings], Player]
    open_store: Callable[[Settings], Any] | None = None
    find_unfinished: Callable[[Settings], list[Path]] = field(default=lambda s: [])
    warm_imports: Callable[[], None] = field(default=lambda: None)
    save_settings: Callable[[Settings], None] = field(default=lambda s: None)
    list_devices: Callable[[], list[dict[str, Any]]] = field(default=lambda: [])
    # (transcriber, recorder, on_partial) -> object with start()/finish()->Transcript/cancel(), or None
    make_live: Callable[[Any, Any, Callable[[Any], None]], Any] | None = None
    round_pause_s: float = 2.0  # interviewer-style pause between mock-round questions
    think_tick_s: float = 0.1

    def recordings_dir(self) -> Path:
        return paths.ensure_private_dir(paths.recordings_dir(self.settings.data_path))

    def new_recording_path(self, tag: str) -> Path:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in tag)[:60]
        base = self.recordings_dir() / f"{stamp}-{safe}"
        path, n = base.with_suffix(".wav"), 1
        while path.exists():
            n += 1
            path = base.with_name(f"{base.name}-{n}").with_suffix(".wav")
        return path


# ---------------------------------------------------------------------------------------------
# Default (real) implementations: every heavy import happens inside these functions.


def _load_banks(settings: Settings) -> BankSet:
    try:
        from voiceprep.bank.loader import load_default_banks
    except ImportError as exc:
        return BankSet(banks=(), problems=(Problem(file="questions", message=f"bank loader unavailable: {exc}"),))
    return load_default_banks(settings.data_path)


def _make_speaker(settings: Settings) -> "Speaker":
    from voiceprep.speech.tts import TtsSpeaker

    return TtsSpeaker(voice=settings.voice, rate_wpm=settings.rate_wpm, output_device=settings.output_device,
                      cache_dir=settings.data_path / "tts-cache")


def _make_recorder(settings: Settings) -> "Recorder":
    from voiceprep.speech.recorder import SoundRecorder

    return SoundRecorder(device=settings.input_device, max_seconds=float(settings.max_answer_s))


def _make_transcriber(settings: Settings) -> "Transcriber":
    from voiceprep.speech.transcriber import WhisperTranscriber

    return WhisperTranscriber.from_settings(settings)


class FilePlayer:
    """Plays a recording from any second through the speech layer's stoppable AudioPlayer."""

    def __init__(self, device: str | None) -> None:
        from voiceprep.speech.playback import AudioPlayer

        self._player = AudioPlayer(device)
        self._loaded: tuple[Path, Any, int] | None = None
        self._offset = 0.0

    def _samples(self, path: Path) -> tuple[Any, int]:
        if self._loaded is None or self._loaded[0] != path:
            if path.suffix.lower() == ".wav":
                from voiceprep.speech.audio import read_wav

                samples, rate = read_wav(path)
            else:
                from voiceprep.speech.transcriber import load_audio

                samples, rate = load_audio(path), 16000
            self._loaded = (path, samples, rate)
        return self._loaded[1], self._loaded[2]

    def play(self, path: Path, start_s: float = 0.0) -> None:
        samples, rate = self._samples(Path(path))
        start = max(0, min(len(samples), int(start_s * rate)))
        self._offset = start / rate
        self._player.play(samples[start:], rate)

    def stop(self) -> None:
        self._player.stop()

    def position(self) -> float | None:
        return self._offset + self._player.position_s if self._player.playing else None


def _make_player(settings: Settings) -> Player:
    return FilePlayer(settings.output_device)


def _analyze(transcript: "Transcript", bank: Bank, question: Question, settings: Settings,
             round_: Round | None = None) -> "AnswerReport":
    from voiceprep.analysis import analyze
    from voiceprep.analysis.options import AnalysisOptions

    return analyze(transcript, bank, question, round_id=round_.id if round_ else None,
                   options=AnalysisOptions.from_settings(settings))


def _open_store(settings: Settings) -> Any:
    from voiceprep.ui.history_adapter import open_store

    return open_store(settings)


def _find_unfinished(settings: Settings) -> list[Path]:
    try:
        from voiceprep.speech import recovery
    except ImportError:
        return []
    fn = getattr(recovery, "find_unfinished", None) or getattr(recovery, "scan", None)
    if fn is None:
        return []
    found = fn(paths.recordings_dir(settings.data_path))
    return [Path(getattr(x, "path", x)) for x in found]


def _warm_imports() -> None:
    """In the worker thread, after the speech model: import the recorder and load the embedding
    and coverage models, so the first recording starts and the first feedback arrives at once."""
    for name in ("sounddevice", "voiceprep.speech.recorder", "voiceprep.speech.incremental",
                 "voiceprep.analysis.analyzer"):
        try:
            __import__(name)
        except Exception:  # noqa: BLE001 - a missing piece is reported when it is used
            pass
    try:
        from voiceprep.analysis.coverage import load_models
        from voiceprep.analysis.embeddings import get_embedder

        get_embedder().embed(["warm up"])
        load_models()
    except Exception:  # noqa: BLE001 - analysis falls back to cue-only and says so
        pass


def _list_devices() -> list[dict[str, Any]]:
    from dataclasses import asdict

    from voiceprep.speech.devices import list_devices

    return [asdict(d) for d in list_devices()]


def _make_live(transcriber: Any, source: Any, on_partial: Callable[[Any], None]) -> Any:
    """Live transcription while recording, if both the model and the recorder support it."""
    if not (hasattr(source, "read") and hasattr(source, "frames") and hasattr(transcriber, "transcribe_chunk")):
        return None
    from voiceprep.speech.incremental import IncrementalTranscriber

    return IncrementalTranscriber(transcriber, source, on_partial=on_partial)


def _save_settings(settings: Settings) -> None:
    from voiceprep.settings import save_settings

    save_settings(settings)


def default_services(settings: Settings) -> Services:
    return Services(
        settings=settings,
        load_banks=_load_banks,
        make_speaker=_make_speaker,
        make_recorder=_make_recorder,
        make_transcriber=_make_transcriber,
        analyze=_analyze,
        make_player=_make_player,
        open_store=_open_store,
        find_unfinished=_find_unfinished,
        warm_imports=_warm_imports,
        save_settings=_save_settings,
        list_devices=_list_devices,
        make_live=_make_live,
    )
