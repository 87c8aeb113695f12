"""Read questions aloud: pyttsx3 synthesises to samples, :class:`AudioPlayer` plays them.

pyttsx3 is used only through ``save_to_file`` in one dedicated thread that owns the engine
(its run loop hangs or raises when driven from several threads, ``init()`` returns a cached
engine, and ``say()`` plays through an unstoppable ``aplay``). Audio is cached by
(text, voice, rate) in memory and, optionally, as WAV files in a cache folder, so a prepared
question starts sounding at once.
"""

from __future__ import annotations

import hashlib
import queue
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from voiceprep.speech.audio import read_wav, write_wav
from voiceprep.speech.playback import AudioPlayer
from voiceprep.speech.protocols import NoAudioDevice, NoTtsEngine, SpeechError, Voice


class Synthesizer(Protocol):
    def voices(self) -> list[Voice]: ...

    def synthesize(self, text: str, voice: str | None, rate_wpm: int) -> tuple[np.ndarray, int]: ...


class _EngineThread:
    """The one thread that owns the process's pyttsx3 engine (``init()`` caches one per driver,
    so a second owner thread would share and break it)."""

    _instance: "_EngineThread | None" = None
    _instance_lock = threading.Lock()

    @classmethod
    def get(cls) -> "_EngineThread":
        with cls._instance_lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def __init__(self) -> None:
        self._jobs: queue.Queue[tuple[Callable[[Any], Any], Future[Any]]] = queue.Queue()
        self._init_error: NoTtsEngine | None = None
        self._thread = threading.Thread(target=self._run, name="voiceprep-tts", daemon=True)
        self._thread.start()

    def submit(self, fn: Callable[[Any], Any]) -> Future[Any]:
        fut: Future[Any] = Future()
        self._jobs.put((fn, fut))
        return fut

    def _run(self) -> None:
        engine: Any = None
        scratch_dir = tempfile.TemporaryDirectory(prefix="voiceprep-tts-")
        state: dict[str, Any] = {"dir": Path(scratch_dir.name)}
        try:
            engine = _SyncEspeak.create() or _init_engine()
        except NoTtsEngine as exc:
            self._init_error = exc
        while True:
            fn, fut = self._jobs.get()
            if not fut.set_running_or_notify_cancel():
                continue
            if engine is None:
                fut.set_exception(self._init_error or NoTtsEngine("Text-to-speech is unavailable."))
                continue
            try:
                fut.set_result(fn((engine, state)))
            except BaseException as exc:  # noqa: BLE001 - handed to the caller
                fut.set_exception(exc)


class _SyncEspeak:
    """espeak-ng through pyttsx3's own ctypes binding, in synchronous mode.

    pyttsx3's espeak driver runs espeak asynchronously and races with itself: measured on
    this machine, 10-30% of syntheses after a rate or voice change came out at the old rate,
    and some files were never written. In synchronous mode ``Synth`` returns when the audio
    is complete, so rate and voice always apply. Other platforms use the pyttsx3 engine.
    """

    def __init__(self, espeak: Any, rate: int) -> None:
        self._e = espeak
        self.samplerate = rate
        self._buf = bytearray()
        self.default_voice = "en"  # what pyttsx3 picks by default (gmw/en)
        espeak.SetSynthCallback(self._collect)

    @classmethod
    def create(cls) -> "_SyncEspeak | None":
        import sys

        if not sys.platform.startswith("linux"):
            return None
        try:
            from pyttsx3.drivers import _espeak
        except Exception as exc:  # noqa: BLE001 - OSError/RuntimeError when libespeak-ng is missing
            raise NoTtsEngine(
                "Text-to-speech is unavailable: espeak-ng was not found. Install it"
                " (Debian/Ubuntu: sudo apt-get install espeak-ng); until then questions are shown as text."
            ) from exc
        rate = _espeak.Initialize(_espeak.AUDIO_OUTPUT_SYNCHRONOUS, 1000)
        if rate <= 0:
            raise NoTtsEngine("Text-to-speech is unavailable: espeak-ng failed to start.")
        return cls(_espeak, int(rate))

    def _collect(self, wav: Any, numsamples: int, events: Any) -> int:
        import ctypes

        if numsamples > 0:
            self._buf.extend(ctypes.string_at(wav, numsamples * 2))
        return 0

    def voices(self) -> list[Voice]:
        out = []
        for v in self._e.ListVoices(None):
            lang = v.languages[1:].decode("utf-8", "ignore") if v.languages else ""
            out.append(Voice(id=v.identifier.decode("utf-8").lower(), name=v.name.decode("utf-8"), languages=(lang,) if lang else ()))
        return out

    def synthesize(self, text: str, voice: str | None, rate_wpm: int) -> tuple[np.ndarray, int]:
        e = self._e
        if e.SetVoiceByName((voice or self.default_voice).encode("utf-8")) != 0 and voice:
            raise NoTtsEngine(f"The voice {voice!r} is not available; choose another in Settings.")
        e.SetParameter(e.RATE, int(rate_wpm), 0)
        self._buf = bytearray()
        e.Synth(text, flags=e.CHARS_UTF8 | e.ENDPAUSE)
        data = bytes(self._buf)
        if len(data) < 2:
            raise NoTtsEngine("Text-to-speech produced no audio; the question is shown as text instead.")
        return np.frombuffer(data[: len(data) - len(data) % 2], dtype="<i2").astype(np.float32) / 32768.0, self.samplerate


class Pyttsx3Synthesizer:
    """pyttsx3 driven from one worker thread that creates and owns the engine."""

    def _submit(self, fn: Callable[[Any], Any]) -> Future[Any]:
        return _EngineThread.get().submit(fn)

    def voices(self) -> list[Voice]:
        def job(ctx: tuple[Any, dict[str, Any]]) -> list[Voice]:
            engine, _ = ctx
            if isinstance(engine, _SyncEspeak):
                return engine.voices()
            out = []
            for v in engine.getProperty("voices") or ():
                langs = tuple(
                    (lang.decode("utf-8", "replace") if isinstance(lang, bytes) else str(lang)).lstrip("\x05")
                    for lang in (getattr(v, "languages", None) or ())
                )
                out.append(Voice(id=str(v.id), name=str(v.name or v.id), languages=langs))
            return out

        return self._submit(job).result()

    def synthesize(self, text: str, voice: str | None, rate_wpm: int) -> tuple[np.ndarray, int]:
        return self.synthesize_async(text, voice, rate_wpm).result()

    def synthesize_async(self, text: str, voice: str | None, rate_wpm: int) -> Future[tuple[np.ndarray, int]]:
        def job(ctx: tuple[Any, dict[str, Any]]) -> tuple[np.ndarray, int]:
            engine, state = ctx
            if isinstance(engine, _SyncEspeak):
                return engine.synthesize(text, voice, rate_wpm)
            wanted = (voice, int(rate_wpm))
            if state.get("applied") != wanted:
                # A property change can reach espeak only after the next utterance has started,
                # so the first synthesis after a change may come out at the old rate or voice
                # (measured 10-30% of changes). A throwaway utterance absorbs that.
                _apply(engine, voice, rate_wpm)
                engine.save_to_file("a", str(state["dir"] / "warmup.wav"))
                engine.runAndWait()
                state["applied"] = wanted
            _apply(engine, voice, rate_wpm)
            state["n"] = state.get("n", 0) + 1
            out: Path = state["dir"] / f"speech-{state['n']}.wav"
            engine.save_to_file(text, str(out))
            engine.runAndWait()
            if not out.exists() or out.stat().st_size <= 44:
                raise NoTtsEngine("Text-to-speech produced no audio; the question is shown as text instead.")
            audio = read_wav(out)
            for old in state["dir"].glob("speech-*.wav"):
                if old != out:
                    old.unlink(missing_ok=True)
            return audio

        return self._submit(job)


def _apply(engine: Any, voice: str | None, rate_wpm: int) -> None:
    if voice:
        engine.setProperty("voice", voice)
    engine.setProperty("rate", int(rate_wpm))


def _init_engine() -> Any:
    try:
        import pyttsx3
    except ImportError as exc:
        raise NoTtsEngine("Text-to-speech is unavailable (pyttsx3 is not installed).") from exc
    try:
        engine = pyttsx3.init()
    except Exception as exc:  # noqa: BLE001 - RuntimeError/OSError when espeak-ng is missing
        raise NoTtsEngine(
            "Text-to-speech is unavailable: no speech engine was found (on Linux install espeak-ng:"
            " sudo apt-get install espeak-ng); until then questions are shown as text."
        ) from exc
    _silence_driver_prints()
    return engine


def _silence_driver_prints() -> None:
    """The espeak driver prints 'Audio saved to ...' on stdout (breaks ``--json`` output)."""
    import sys

    for name, module in list(sys.modules.items()):
        if name.startswith("pyttsx3.drivers") and module is not None:
            module.print = lambda *a, **k: None  # type: ignore[attr-defined]


def cache_key(text: str, voice: str | None, rate_wpm: int) -> str:
    """Stable key for synthesised audio: same text, voice and rate -> same audio."""
    h = hashlib.sha256()
    for part in (" ".join(text.split()), voice or "", str(int(rate_wpm))):
        h.update(part.encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()[:32]


class TtsSpeaker:
    """Implements the ``Speaker`` protocol: cached synthesis + stoppable playback.

    Errors while speaking (no engine, no output device) go to ``on_error`` once per kind and
    ``on_done`` still runs, so the practice session carries on with the question as text.
    """

    def __init__(
        self,
        voice: str | None = None,
        rate_wpm: int = 175,
        output_device: str | int | None = None,
        cache_dir: Path | None = None,
        synthesizer: Synthesizer | None = None,
        player: AudioPlayer | None = None,
        on_error: Callable[[SpeechError], None] | None = None,
        memory_items: int = 32,
    ) -> None:
        self.voice = voice
        self.rate_wpm = int(rate_wpm)
        self.cache_dir = cache_dir
        self.synthesizer: Synthesizer = synthesizer or Pyttsx3Synthesizer()
        self.player = player or AudioPlayer(output_device)
        self.on_error = on_error
        self.memory_items = memory_items
        self._cache: OrderedDict[str, tuple[np.ndarray, int]] = OrderedDict()
        self._pending: dict[str, Future[tuple[np.ndarray, int]]] = {}
        self._lock = threading.Lock()
        self._generation = 0
        self._reported: set[type] = set()
        self._speaking = threading.Event()

    # -- settings ----------------------------------------------------------------------

    def set_voice(self, voice: str | None) -> None:
        self.voice = voice or None

    def set_rate(self, rate_wpm: int) -> None:
        self.rate_wpm = int(rate_wpm)

    def set_output_device(self, device: str | int | None) -> None:
        self.player.device = device

    def voices(self) -> list[Voice]:
        return self.synthesizer.voices()

    # -- synthesis ---------------------------------------------------------------------

    def _key(self, text: str) -> str:
        return cache_key(text, self.voice, self.rate_wpm)

    def cached(self, text: str) -> bool:
        key = self._key(text)
        path = self._disk_path(key)
        return key in self._cache or (path is not None and path.exists())

    def _disk_path(self, key: str) -> Path | None:
        return self.cache_dir / f"{key}.wav" if self.cache_dir is not None else None

    def _lookup(self, key: str) -> tuple[np.ndarray, int] | None:
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        path = self._disk_path(key)
        if path is not None and path.exists():
            try:
                audio = read_wav(path)
            except (OSError, EOFError, ValueError):
                path.unlink(missing_ok=True)  # a damaged cache file is just re-made
                return None
            self._remember(key, audio)
            return audio
        return None

    def _remember(self, key: str, audio: tuple[np.ndarray, int]) -> None:
        with self._lock:
            self._cache[key] = audio
            self._cache.move_to_end(key)
            while len(self._cache) > self.memory_items:
                self._cache.popitem(last=False)

    def _store(self, key: str, audio: tuple[np.ndarray, int]) -> None:
        self._remember(key, audio)
        path = self._disk_path(key)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(".tmp")
                write_wav(tmp, *audio)
                tmp.replace(path)
            except OSError:
                pass  # the disk cache is an optimisation only

    def _future(self, text: str) -> Future[tuple[np.ndarray, int]]:
        """Cached audio as a done future, or the (shared) pending synthesis."""
        key = self._key(text)
        hit = self._lookup(key)
        if hit is not None:
            done: Future[tuple[np.ndarray, int]] = Future()
            done.set_result(hit)
            return done
        with self._lock:
            pending = self._pending.get(key)
            if pending is not None:
                return pending
        synth = self.synthesizer
        start_async = getattr(synth, "synthesize_async", None)
        if start_async is not None:
            fut = start_async(text, self.voice, self.rate_wpm)
        else:
            fut = Future()
            try:
                fut.set_result(synth.synthesize(text, self.voice, self.rate_wpm))
            except BaseException as exc:  # noqa: BLE001
                fut.set_exception(exc)

        def stored(f: Future[tuple[np.ndarray, int]]) -> None:
            with self._lock:
                self._pending.pop(key, None)
            if f.exception() is None:
                self._store(key, f.result())

        with self._lock:
            self._pending[key] = fut
        fut.add_done_callback(stored)
        return fut

    def synthesize(self, text: str) -> tuple[np.ndarray, int]:
        """Mono float32 samples and rate (from the cache when possible). Raises NoTtsEngine."""
        return self._future(text).result()

    def prepare(self, text: str) -> None:
        """Start synthesising ``text`` in the background (the next question); returns at once."""
        self._future(text)

    # -- playback ----------------------------------------------------------------------

    def speak(self, text: str, on_done: Callable[[], None] | None = None) -> None:
        """Start speaking; returns at once. ``on_done`` runs when playback ends, is stopped,
        or could not happen (then ``on_error`` got the reason)."""
        self.stop()
        with self._lock:
            self._generation += 1
            generation = self._generation
        self._speaking.set()
        fut = self._future(text)

        def finished() -> None:
            if generation == self._generation:
                self._speaking.clear()
            if on_done is not None:
                on_done()

        def ready(f: Future[tuple[np.ndarray, int]]) -> None:
            if generation != self._generation:
                if on_done is not None:
                    on_done()  # stopped before the audio was ready
                return
            exc = f.exception()
            if exc is None:
                try:
                    samples, rate = f.result()
                    self.player.play(samples, rate, on_done=finished)
                    return
                except SpeechError as err:
                    exc = err
                except Exception as err:  # noqa: BLE001
                    exc = NoAudioDevice(f"Could not play sound: {err}")
            self._report(exc if isinstance(exc, SpeechError) else NoTtsEngine(f"Text-to-speech failed: {exc}"))
            finished()

        fut.add_done_callback(ready)

    def stop(self) -> None:
        """Stop speaking now (mid-sentence)."""
        with self._lock:
            self._generation += 1
        self.player.stop()
        self._speaking.clear()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the current speech has finished (scripts/tests); False on timeout."""
        import time

        deadline = None if timeout is None else time.monotonic() + timeout
        while self._speaking.is_set():
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                return False
            self.player.wait(0.05 if remaining is None else min(0.05, remaining))
        return True

    @property
    def speaking(self) -> bool:
        return self._speaking.is_set()

    def _report(self, exc: SpeechError) -> None:
        kind = type(exc)
        if kind in self._reported:
            return  # tell the user once, not before every question
        self._reported.add(kind)
        if self.on_error is not None:
            try:
                self.on_error(exc)
            except Exception:  # noqa: BLE001
                pass

    def check(self) -> None:
        """Raise NoTtsEngine / NoAudioDevice now if speaking cannot work (call at start-up)."""
        self.voices()
        self.player.backend.resolve(self.player.device)
