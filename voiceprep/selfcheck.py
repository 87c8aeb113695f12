"""``voiceprep --self-check``: does this install work, end to end, on this machine?

It runs what a practice session runs, with real parts and no network: the question banks load,
the data folder takes a write, text-to-speech synthesises a phrase, the bundled Whisper model
transcribes that audio, the embedding model embeds, the answer analysis scores the transcript
against a bank question, PortAudio is present and lists devices, and Qt imports. Each check
prints one aligned line (PASS / WARN / FAIL / SKIP), a one-line reason, a fix for anything that
is not a pass, and its time.

Exit code: 0 when nothing essential failed, 1 otherwise. What counts as essential: everything
that is part of the *installation* (libraries, models, banks, a writable data folder). No
microphone or speaker is a WARN, not a FAIL: a headless machine, a laptop with its headset
unplugged, or a CI runner is a correctly installed machine, and the fix is to plug something in,
not to reinstall. A missing PortAudio library is a FAIL (the install is incomplete; the fix names
the Debian package ``libportaudio2``). Transcription that comes back garbled, or an analysis that
covers no key point of a phrase written to cover them, is a WARN: the parts ran, the quality is
suspect.

Heavy imports happen inside each check, so a broken library fails its own check, not the tool.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import platform
import re
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

PASS, WARN, FAIL, SKIP = "pass", "warn", "fail", "skip"

# What the self-check says aloud and then transcribes. Plain words that espeak-ng pronounces
# clearly and tiny.en knows, written to hit key points of the question below by their cues.
PHRASE = (
    "Some members browse for a long time and give up without watching anything. "
    "I would segment them by mood, and test a shuffle button in an experiment."
)
QUESTION_REF = "netflix-pm/home-discovery"
WHISPER_RATE = 16_000


@dataclass
class CheckResult:
    """One line of the report."""

    name: str
    status: str  # pass / warn / fail / skip
    detail: str
    fix: str = ""
    seconds: float = 0.0
    essential: bool = True
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return self.status == FAIL and self.essential


@dataclass
class SelfCheckReport:
    checks: list[CheckResult]
    seconds: float
    version: str
    platform: str
    frozen: bool

    @property
    def ok(self) -> bool:
        return not any(c.failed for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "version": self.version,
            "platform": self.platform,
            "frozen": self.frozen,
            "seconds": round(self.seconds, 3),
            "checks": [
                {**asdict(c), "seconds": round(c.seconds, 3)} for c in self.checks
            ],
        }


class _Fail(Exception):
    """Raised inside a check: becomes a FAIL line with this reason and fix."""

    def __init__(self, detail: str, fix: str = "") -> None:
        super().__init__(detail)
        self.detail, self.fix = detail, fix


@dataclass
class _Context:
    """What later checks reuse from earlier ones (one model load, one synthesis)."""

    audio: np.ndarray | None = None  # 16 kHz mono float32 of PHRASE
    transcript: Any = None  # voiceprep.analysis.transcript.Transcript
    bank: Any = None  # voiceprep.bank.Bank holding ``question``
    question: Any = None  # voiceprep.bank.Question
    banks: Any = None


def _is_linux() -> bool:
    return sys.platform.startswith("linux")


# --- checks ------------------------------------------------------------------------------------


def check_banks(ctx: _Context) -> CheckResult:
    from voiceprep import paths
    from voiceprep.bank import load_default_banks
    from voiceprep.settings import load_settings

    settings, _ = load_settings()
    bank_set = load_default_banks(settings.data_path)
    ctx.banks = bank_set
    builtin_dir = paths.builtin_questions_dir()
    shipped = [b for b in bank_set.banks if b.builtin]
    own = [b for b in bank_set.banks if not b.builtin]
    n_questions = sum(len(b.questions) for b in bank_set.banks)
    builtin_problems = [p for p in bank_set.problems if _under(p.file, builtin_dir)]
    user_problems = [p for p in bank_set.problems if p not in builtin_problems]
    resolved = bank_set.resolve(QUESTION_REF)
    if resolved:
        ctx.bank, ctx.question = resolved
    else:
        ctx.bank, ctx.question = next(((b, q) for b in shipped for q in b.questions if q.key_points), (None, None))
    data = {"banks": len(bank_set.banks), "questions": n_questions, "builtin_dir": str(builtin_dir)}
    if not shipped:
        raise _Fail(
            f"no built-in question bank found in {builtin_dir}",
            "reinstall voiceprep: the shipped questions/ folder is missing",
        )
    if builtin_problems:
        raise _Fail(
            f"{len(builtin_problems)} problem(s) in the shipped banks, first: {builtin_problems[0]}",
            "reinstall voiceprep; if it persists, report it as a bug",
        )
    detail = f"{len(shipped)} shipped + {len(own)} own bank(s), {n_questions} questions"
    if user_problems:
        return CheckResult(
            "Question banks", WARN,
            f"{detail}; {len(user_problems)} problem(s) in your banks, first: {user_problems[0]}",
            f"run 'voiceprep questions validate' and fix the files in {paths.user_banks_dir(settings.data_path)}",
            data=data,
        )
    return CheckResult("Question banks", PASS, detail, data=data)


def _under(file: str, folder: Path) -> bool:
    try:
        Path(file).resolve().relative_to(folder.resolve())
        return True
    except (ValueError, OSError):
        return not os.path.isabs(file) and (folder / file).exists()


def check_data_folder(ctx: _Context) -> CheckResult:
    import shutil

    from voiceprep import paths
    from voiceprep.settings import load_settings

    settings, notes = load_settings()
    folder = settings.data_path
    try:
        paths.ensure_private_dir(folder)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".selfcheck-", suffix=".tmp")
        payload = os.urandom(64 * 1024)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(payload)
                fh.flush()
                os.fsync(fh.fileno())
            if Path(tmp).read_bytes() != payload:
                raise _Fail(f"{folder}: a test file read back different bytes", "check the disk for errors")
        finally:
            Path(tmp).unlink(missing_ok=True)
    except OSError as exc:
        raise _Fail(
            f"cannot write to the data folder {folder} ({exc.strerror or exc})",
            "make it writable, or set another folder with VOICEPREP_DATA_DIR or in Settings",
        ) from exc
    free_mb = shutil.disk_usage(folder).free / 1e6
    data = {"path": str(folder), "free_mb": round(free_mb)}
    detail = f"{folder} writable, {free_mb / 1000:.1f} GB free"
    if notes:
        return CheckResult("Data folder", WARN, f"{detail}; settings: {notes[0]}",
                           "open Settings and save, or delete the settings file", data=data)
    if free_mb < 200:  # about 100 minutes of 16 kHz recordings
        return CheckResult("Data folder", WARN, f"{detail}: little space left for recordings",
                           "free some disk space", data=data)
    return CheckResult("Data folder", PASS, detail, data=data)


def _missing_espeak() -> bool:
    import ctypes.util

    return _is_linux() and ctypes.util.find_library("espeak-ng") is None and ctypes.util.find_library("espeak") is None


def check_tts(ctx: _Context) -> CheckResult:
    if _missing_espeak():
        raise _Fail(
            "espeak-ng (the speech synthesiser) is not installed",
            "install it: sudo apt install espeak-ng (Fedora: sudo dnf install espeak-ng)",
        )
    try:
        samples, rate, attempts, engine = _synthesize(PHRASE)
    except _Fail:
        raise
    except Exception as exc:
        if _is_linux() and "espeak" in str(exc).lower():
            raise _Fail(f"espeak-ng (the speech synthesiser) could not be loaded: {exc}", _tts_fix()) from exc
        raise _Fail(f"text-to-speech failed ({type(exc).__name__}: {exc})", _tts_fix()) from exc
    if samples.size == 0 or float(np.max(np.abs(samples))) < 1e-3:
        raise _Fail("text-to-speech produced silence", _tts_fix())
    from voiceprep.speech.audio import resample

    ctx.audio = resample(samples, rate, WHISPER_RATE)
    seconds = samples.size / rate
    data = {"audio_s": round(seconds, 2), "rate": rate, "attempts": attempts, "engine": engine}
    detail = f"{seconds:.1f} s of speech at {rate} Hz ({engine})"
    if attempts > 1:
        return CheckResult("Text-to-speech", WARN, f"{detail}, but only on attempt {attempts}",
                           "text-to-speech is unreliable here: questions may not be read aloud every time; "
                           "report this with your OS and espeak-ng version", data=data)
    return CheckResult("Text-to-speech", PASS, detail, data=data)


def _tts_fix() -> str:
    if _is_linux():
        return "install espeak-ng (sudo apt install espeak-ng)"
    if sys.platform == "win32":
        return "check that Windows speech (SAPI5) voices are installed in Settings > Time & Language > Speech"
    return "check System Settings > Accessibility > Spoken Content has a voice"


TTS_ATTEMPTS = 3


def _synthesize(text: str) -> tuple[np.ndarray, int, int, str]:
    """Speech for ``text``: (mono float32, rate, attempts needed, engine description).

    Uses the app's own speaker (``voiceprep.speech.tts.TtsSpeaker``, what the app really uses)
    with the user's voice and rate; a build without it falls back to pyttsx3 straight to a WAV
    file. pyttsx3 2.99's espeak driver
    runs the ``endLoop`` that ``runAndWait`` queues as soon as the queue is pumped, so
    ``runAndWait`` can return while espeak-ng is still synthesising on its own thread; the
    file then appears a few tens of milliseconds later. So: wait for a complete file, and
    only if none comes, retry (and report the retry).
    """
    from voiceprep.settings import load_settings

    settings = load_settings()[0]
    speaker = _project_speaker(settings)
    if speaker is not None:
        from voiceprep.speech.protocols import NoTtsEngine

        for attempt in range(1, TTS_ATTEMPTS + 1):
            try:
                samples, rate = speaker.synthesize(text)
            except NoTtsEngine as exc:
                if "no audio" not in str(exc) or attempt == TTS_ATTEMPTS:
                    raise _Fail(str(exc), _tts_fix()) from exc
                continue  # an empty file: the engine's race, retried and reported
            return np.asarray(samples, dtype=np.float32).reshape(-1), int(rate), attempt, type(speaker).__name__
    import pyttsx3

    from voiceprep.speech.audio import read_wav

    with tempfile.TemporaryDirectory(prefix="voiceprep-selfcheck-") as tmp:
        for attempt in range(1, TTS_ATTEMPTS + 1):
            path = Path(tmp) / f"phrase-{attempt}.wav"
            with contextlib.redirect_stdout(io.StringIO()):  # pyttsx3 prints "Audio saved to ..."
                engine = pyttsx3.init()
                engine.setProperty("rate", settings.rate_wpm)
                engine.save_to_file(text, str(path))
                engine.runAndWait()
            if _wait_for_file(path):
                samples, rate = read_wav(path)
                return samples, rate, attempt, "pyttsx3"
    raise _Fail(f"text-to-speech wrote no audio in {TTS_ATTEMPTS} attempts", _tts_fix())


def _wait_for_file(path: Path, timeout_s: float = 5.0) -> bool:
    """True once ``path`` holds more than a WAV header and has stopped growing."""
    deadline = time.monotonic() + timeout_s
    last = -1
    while time.monotonic() < deadline:
        size = path.stat().st_size if path.is_file() else -1
        if size > 44 and size == last:
            return True
        last = size
        time.sleep(0.05)
    return False


def _project_speaker(settings: Any) -> Any:
    """The app's Speaker implementation, if this build has one (None otherwise)."""
    import importlib

    try:
        tts = importlib.import_module("voiceprep.speech.tts")
    except ModuleNotFoundError as exc:
        if exc.name == "voiceprep.speech.tts":
            return None
        raise
    cls = getattr(tts, "TtsSpeaker", None)
    if cls is None:
        return None
    # No cache folder: the self-check must really synthesise, not replay yesterday's audio.
    return cls(voice=settings.voice, rate_wpm=settings.rate_wpm, output_device=settings.output_device)


def check_transcription(ctx: _Context) -> CheckResult:
    """The app's own transcriber (VAD, filler prompt, chunking) on the bundled tiny.en."""
    from voiceprep.settings import load_settings
    from voiceprep.speech.protocols import SpeechError
    from voiceprep.speech.transcriber import WhisperTranscriber, bundled_model_path

    try:
        bundled_model_path()
        transcriber = WhisperTranscriber(model="", cpu_threads=min(4, os.cpu_count() or 1))
        transcriber.load()
    except SpeechError as exc:
        raise _Fail(f"the bundled Whisper model did not load: {exc}",
                    "reinstall voiceprep; on x86-64 the CPU must support AVX") from exc
    load_s = transcriber.load_s
    chosen = load_settings()[0].model
    note = f"; Settings choose {chosen!r}, not checked here" if chosen else ""
    if ctx.audio is None:
        # No speech to test with: prove the model runs on a second of silence.
        transcriber.transcribe(np.zeros(WHISPER_RATE, dtype=np.float32))
        return CheckResult("Transcription", WARN, f"model loaded in {load_s:.1f} s; not tested on speech (no TTS audio){note}",
                           "fix text-to-speech above, then run the self-check again", data={"load_s": round(load_s, 2)})
    transcript = transcriber.transcribe(ctx.audio)
    run_s = transcript.timings.get("total_s", 0.0) - transcript.timings.get("load_s", 0.0)
    ctx.transcript = transcript
    heard = transcript.full_text.strip()
    recall = word_recall(PHRASE, heard)
    extra = len(_words(heard)) / max(1, len(_words(PHRASE)))
    data = {"model": transcriber.model_name, "load_s": round(load_s, 2), "transcribe_s": round(run_s, 2),
            "text": heard, "word_recall": round(recall, 2), "length_ratio": round(extra, 2)}
    quoted = f'"{_short(heard)}"'
    timing = f"(load {load_s:.1f} s, transcribe {run_s:.1f} s){note}"
    if not heard:
        raise _Fail(f"the model heard nothing in clear synthetic speech {timing}", "reinstall voiceprep")
    if recall < 0.6:
        return CheckResult("Transcription", WARN, f"only {recall:.0%} of the words recognised: {quoted} {timing}",
                           "the model runs but its output looks wrong; reinstall voiceprep", data=data)
    if _words(PHRASE)[-1] not in _words(heard)[-4:]:
        return CheckResult("Transcription", WARN, f"the end of the phrase is missing: {quoted} {timing}",
                           "the speech synthesiser may cut off the last second of what it says "
                           "(a known pyttsx3 2.99 espeak problem); report it with this output", data=data)
    if extra > 1.5:  # the model invented text (a repetition loop or a made-up ending)
        return CheckResult("Transcription", WARN,
                           f"{len(_words(heard))} words heard for {len(_words(PHRASE))} spoken: {quoted} {timing}",
                           "the model adds words that were not said; report this with the output of --self-check",
                           data=data)
    return CheckResult("Transcription", PASS, f"{recall:.0%} of words right: {quoted} {timing}", data=data)


def word_recall(reference: str, heard: str) -> float:
    """Share of the reference's words that appear in what was heard (order-free, case-free)."""
    ref = _words(reference)
    got = set(_words(heard))
    return sum(1 for w in ref if w in got) / len(ref) if ref else 0.0


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def _short(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def check_embeddings(ctx: _Context) -> CheckResult:
    from voiceprep.analysis.embeddings import EmbeddingUnavailable, get_embedder

    t0 = time.perf_counter()
    try:
        embedder = get_embedder()
        vecs = embedder.embed([
            "Members give up after browsing for a long time without playing anything.",
            "People scroll the home page forever and never start watching.",
            "The quarterly budget for office furniture was approved.",
        ])
    except EmbeddingUnavailable as exc:
        raise _Fail(f"the embedding model is unavailable: {exc}", "reinstall voiceprep") from exc
    seconds = time.perf_counter() - t0
    norms = np.linalg.norm(vecs, axis=1)
    if vecs.shape != (3, 384) or not np.allclose(norms, 1.0, atol=1e-3):
        raise _Fail(f"the embedding model returned bad vectors (shape {vecs.shape})", "reinstall voiceprep")
    close, far = float(vecs[0] @ vecs[1]), float(vecs[0] @ vecs[2])
    data = {"paraphrase": round(close, 3), "unrelated": round(far, 3), "seconds": round(seconds, 2)}
    detail = f"paraphrase {close:.2f} vs unrelated {far:.2f} cosine"
    if close <= far:
        return CheckResult("Embeddings", WARN, f"{detail}: paraphrases do not score higher",
                           "reinstall voiceprep; key-point matching will rely on cue phrases", data=data)
    return CheckResult("Embeddings", PASS, detail, data=data)


def check_analysis(ctx: _Context) -> CheckResult:
    from voiceprep.analysis.transcript import Transcript
    from voiceprep.settings import load_settings

    if ctx.question is None:
        raise _Fail("no bank question to analyse against", "see the question-bank check above")
    transcript = ctx.transcript or Transcript.from_text(PHRASE, source="typed")
    source = "the transcript" if ctx.transcript is not None else "the phrase as text (no transcript)"
    try:
        from voiceprep.analysis import AnalysisOptions, analyze
    except ImportError:
        return CheckResult("Answer analysis", SKIP, "voiceprep.analysis.analyze is not in this build", essential=False)
    try:
        report = analyze(transcript, ctx.bank, ctx.question, options=AnalysisOptions.from_settings(load_settings()[0]))
    except Exception as exc:
        raise _Fail(f"analysis of {source} failed ({type(exc).__name__}: {exc})", "report this as a bug") from exc
    points = list(report.coverage.points)
    covered = [p.id for p in points if p.status == "covered"]
    found = [p.id for p in points if p.status in ("covered", "partial")]  # a one-line phrase is shallow
    ref = f"{ctx.bank.id}/{ctx.question.id}"
    data = {"question": ref, "found": found, "covered": covered, "key_points": len(points),
            "method": report.coverage.method, "score": round(report.coverage.score, 3)}
    detail = (f"{len(found)} of {len(points)} key points of {ref} found "
              f"({len(covered)} covered, {len(found) - len(covered)} partial; {report.coverage.method})")
    if ctx.transcript is None:
        detail += ", in the phrase as text (no transcript)"
    if points and not found:
        return CheckResult("Answer analysis", WARN, f"{detail}; the phrase was written to touch some",
                           "the analysis runs but found nothing; check the transcription above", data=data)
    if not report.coverage.embeddings_used:
        return CheckResult("Answer analysis", WARN, f"{detail}: {report.coverage.embedding_error}",
                           "see the embeddings check above", data=data)
    return CheckResult("Answer analysis", PASS, detail, data=data)


def check_audio_library(ctx: _Context) -> CheckResult:
    from voiceprep.speech import devices
    from voiceprep.speech.protocols import NoAudioDevice

    try:
        sd = devices.sounddevice()
    except NoAudioDevice as exc:
        fix = ("install it: sudo apt install libportaudio2 (Fedora: sudo dnf install portaudio)"
               if _is_linux() else "reinstall voiceprep (its PortAudio library is missing)")
        cause = exc.__cause__ or exc
        raise _Fail(f"the PortAudio library (libportaudio2) could not be loaded: {cause}", fix) from exc
    return CheckResult("Audio library", PASS, sd.get_portaudio_version()[1].split(",")[0])


def check_audio_devices(ctx: _Context) -> CheckResult:
    """Devices present and the default input opens; never essential (see module docstring)."""
    from voiceprep.settings import load_settings
    from voiceprep.speech import devices
    from voiceprep.speech.protocols import NoAudioDevice

    try:
        sd = devices.sounddevice()
        found = devices.list_devices()
    except NoAudioDevice as exc:
        if "PortAudio could not be loaded" in str(exc):
            return CheckResult("Audio devices", SKIP, "PortAudio is missing (see above)", essential=False)
        return CheckResult("Audio devices", WARN, str(exc), "check the system sound settings", essential=False)
    settings, _ = load_settings()
    inputs = [d for d in found if d.max_input_channels > 0]
    outputs = [d for d in found if d.max_output_channels > 0]
    in_name = next((d.name for d in inputs if d.is_default_input), inputs[0].name if inputs else None)
    out_name = next((d.name for d in outputs if d.is_default_output), outputs[0].name if outputs else None)
    data: dict[str, Any] = {"inputs": len(inputs), "outputs": len(outputs),
                            "default_input": in_name, "default_output": out_name}
    problems: list[str] = []
    fixes: list[str] = []
    if not inputs:
        problems.append("no microphone (input device)")
        fixes.append("plug in a microphone or headset" + (" and check PulseAudio/PipeWire is running" if _is_linux() else ""))
    if not outputs:
        problems.append("no speaker (output device)")
        fixes.append("connect speakers or headphones to hear the questions")
    chosen: dict[str, int | None] = {"input": None, "output": None}
    for kind, wanted, pool in (("input", settings.input_device, inputs), ("output", settings.output_device, outputs)):
        if pool and wanted:
            try:
                chosen[kind] = devices.resolve_device(wanted, kind)
            except NoAudioDevice as exc:
                problems.append(str(exc).rstrip("."))
                fixes.append(f"reconnect it or pick another {kind} device in Settings")
    if inputs:
        err = _try_record(sd, chosen["input"])
        if err:
            problems.append(f"the microphone did not open ({err})")
            fixes.append("close other apps using it and allow microphone access in the system privacy settings")
    if outputs:
        err = _try_play(sd, chosen["output"])
        if err:
            problems.append(f"the speaker did not open ({err})")
            fixes.append("check the output device in the system sound settings and in Settings")
    names = f"in: {in_name or '-'}, out: {out_name or '-'} ({len(inputs)} in / {len(outputs)} out)"
    if problems:
        return CheckResult("Audio devices", WARN, f"{'; '.join(problems)}; {names}", "; ".join(fixes),
                           essential=False, data=data)
    return CheckResult("Audio devices", PASS, names, essential=False, data=data)


def _try_record(sd: Any, device: int | None = None, seconds: float = 0.1) -> str | None:
    """Open the input for a moment and read from it: catches busy or permission-blocked mics."""
    try:
        rate = int(sd.query_devices(device, kind="input")["default_samplerate"]) or 48_000
        with sd.InputStream(device=device, samplerate=rate, channels=1, dtype="float32") as stream:
            frames, _overflowed = stream.read(int(rate * seconds))
        return None if len(frames) > 0 else "no samples arrived"
    except Exception as exc:
        return str(exc).splitlines()[0][:120]


def _try_play(sd: Any, device: int | None = None, seconds: float = 0.05) -> str | None:
    """Open the output and write a moment of silence (a real stream, no sound)."""
    try:
        rate = int(sd.query_devices(device, kind="output")["default_samplerate"]) or 48_000
        with sd.OutputStream(device=device, samplerate=rate, channels=1, dtype="float32") as stream:
            stream.write(np.zeros((int(rate * seconds), 1), dtype=np.float32))
        return None
    except Exception as exc:
        return str(exc).splitlines()[0][:120]


def check_qt(ctx: _Context) -> CheckResult:
    try:
        from PySide6 import QtCore, QtGui, QtWidgets  # noqa: F401
    except ImportError as exc:
        raise _Fail(f"Qt (PySide6) does not import ({exc})", "reinstall voiceprep") from exc
    plugins = Path(QtCore.QLibraryInfo.path(QtCore.QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
    found = sorted(p.name for p in plugins.glob("*")) if plugins.is_dir() else []
    if not found:
        raise _Fail(f"Qt's platform plugins are missing ({plugins})", "reinstall voiceprep")
    try:
        import voiceprep.app  # noqa: F401
    except ModuleNotFoundError as exc:
        if exc.name != "voiceprep.app":
            raise _Fail(f"the desktop app does not import ({exc})", "reinstall voiceprep") from exc
        return CheckResult("Desktop UI", SKIP, "Qt imports; voiceprep.app is not in this build", essential=False)
    except ImportError as exc:
        raise _Fail(f"the desktop app does not import ({exc})", "reinstall voiceprep") from exc
    detail = f"Qt {QtCore.qVersion()}, app imports"
    if _is_linux() and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return CheckResult("Desktop UI", PASS, f"{detail} (no display here: the window needs a desktop session)")
    return CheckResult("Desktop UI", PASS, detail)


CHECKS: tuple[tuple[str, Callable[[_Context], CheckResult], bool], ...] = (
    ("Question banks", check_banks, True),
    ("Data folder", check_data_folder, True),
    ("Audio library", check_audio_library, True),
    ("Audio devices", check_audio_devices, False),
    ("Text-to-speech", check_tts, True),
    ("Transcription", check_transcription, True),
    ("Embeddings", check_embeddings, True),
    ("Answer analysis", check_analysis, True),
    ("Desktop UI", check_qt, True),
)


# --- running and printing ----------------------------------------------------------------------


def run_checks(on_result: Callable[[CheckResult], None] | None = None) -> SelfCheckReport:
    """Run every check in order; one check's crash becomes its FAIL line, never the tool's."""
    from voiceprep import __version__

    ctx = _Context()
    results: list[CheckResult] = []
    start = time.perf_counter()
    for name, fn, essential in CHECKS:
        t0 = time.perf_counter()
        try:
            result = fn(ctx)
        except _Fail as exc:
            result = CheckResult(name, FAIL, exc.detail, exc.fix, essential=essential)
        except Exception as exc:  # a bug or a broken install: report it, keep going
            result = CheckResult(name, FAIL, f"unexpected {type(exc).__name__}: {exc}",
                                 "report this as a bug, with this output", essential=essential)
        result.name = name
        result.seconds = time.perf_counter() - t0
        results.append(result)
        if on_result:
            on_result(result)
    return SelfCheckReport(results, time.perf_counter() - start, __version__,
                           f"{platform.system()} {platform.machine()}", bool(getattr(sys, "frozen", False)))


NAME_WIDTH = max(len(n) for n, _, _ in CHECKS)


def format_result(r: CheckResult) -> str:
    label = r.status.upper() if r.essential or r.status != FAIL else "WARN"
    line = f"  {label:<4}  {r.name:<{NAME_WIDTH}}  {r.seconds:5.2f} s  {r.detail}"
    if r.fix and r.status != PASS:
        line += f"\n        {'':<{NAME_WIDTH}}           fix: {r.fix}"
    return line


def format_summary(report: SelfCheckReport) -> str:
    counts = {s: sum(1 for c in report.checks if c.status == s) for s in (PASS, WARN, FAIL, SKIP)}
    parts = [f"{n} {s}" for s, n in counts.items() if n]
    verdict = "OK" if report.ok else "PROBLEMS FOUND"
    return f"{verdict}: {', '.join(parts)} in {report.seconds:.1f} s"


def run_self_check(json_output: bool = False) -> int:
    """Print the report (lines as they finish, or one JSON document); 0 if nothing essential failed."""
    from voiceprep import __version__

    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for the network
    if json_output:
        with contextlib.redirect_stdout(sys.stderr):  # keep stdout pure JSON
            report = run_checks()
        print(json.dumps(report.to_dict(), indent=2))
        return 0 if report.ok else 1
    frozen = " (bundle)" if getattr(sys, "frozen", False) else ""
    print(f"voiceprep {__version__}{frozen} self-check on {platform.system()} {platform.machine()}", flush=True)
    report = run_checks(lambda r: print(format_result(r), flush=True))
    print(format_summary(report))
    return 0 if report.ok else 1


def main(argv: list[str] | None = None) -> int:
    """``python -m voiceprep.selfcheck [--json]``."""
    import argparse

    parser = argparse.ArgumentParser(prog="voiceprep-self-check", description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    args = parser.parse_args(argv)
    return run_self_check(json_output=args.json)


if __name__ == "__main__":
    raise SystemExit(main())
