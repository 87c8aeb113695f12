"""``voiceprep transcribe AUDIO``: transcribe an audio file offline, as text or JSON.

JSON output (``--json``), one object:

- ``text`` (str): the transcript, with punctuation as Whisper wrote it.
- ``words`` (list): one object per word, in order: ``text`` (str, no surrounding spaces),
  ``start`` and ``end`` (float, seconds from the start of the audio), ``probability``
  (float 0..1, Whisper's confidence in the word).
- ``duration_s`` (float): length of the audio in seconds.
- ``language`` (str): always ``"en"`` (the bundled model is English-only).
- ``model`` (str): the model used, e.g. ``"tiny.en (bundled)"`` or the name/path given.
- ``source`` (str): ``"audio"``.
- ``timings`` (object, seconds): ``audio_decode_s`` (reading the file), ``load_s`` (loading
  the model), ``vad_s`` (finding speech), ``transcribe_s`` (decoding), ``total_s``.
- ``filler_prompt`` (bool): whether the verbatim prompt that keeps "um"/"uh" was used.

Exit codes: 0 success; 2 a missing or unreadable file, audio with no speech in it, or a model
that cannot be loaded (one line on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from voiceprep.cli import CliError


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "transcribe",
        help="transcribe an audio file offline (wav, flac, mp3, m4a, ogg, ...)",
        description="Transcribe an audio file with the offline Whisper model; fillers like um/uh are kept.",
    )
    p.add_argument("audio", type=Path, help="audio file in any format FFmpeg/PyAV reads")
    p.add_argument(
        "--model",
        default=None,
        metavar="NAME_OR_PATH",
        help="faster-whisper model name (e.g. base.en; downloads when online) or CTranslate2 model folder;"
        " default: the setting, else the bundled tiny.en",
    )
    p.add_argument("--json", action="store_true", help="print JSON (fields documented in the module docstring)")
    p.add_argument(
        "--no-filler-prompt",
        action="store_true",
        help="decode without the verbatim prompt (fillers such as um/uh will mostly be dropped)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from voiceprep.speech.protocols import SpeechError
    from voiceprep.speech.transcriber import DecodeOptions, WhisperTranscriber

    audio: Path = args.audio
    if not audio.exists():
        raise CliError(f"audio file not found: {audio}")
    if audio.is_dir():
        raise CliError(f"not an audio file (a folder): {audio}")
    model = args.model
    if model is None:
        try:
            from voiceprep.settings import load_settings

            model = load_settings()[0].model
        except Exception:  # noqa: BLE001 - a broken settings file must not block the CLI
            model = ""
    transcriber = WhisperTranscriber(model=model or "", options=DecodeOptions(filler_prompt=not args.no_filler_prompt))
    try:
        transcript = transcriber.transcribe(audio)
    except SpeechError as exc:
        raise CliError(str(exc).rstrip(".")) from exc
    if not transcript.words:
        raise CliError(f"no speech found in {audio} (is it silent, or is the microphone muted?)")
    if args.json:
        data = transcript.to_dict()
        data["filler_prompt"] = not args.no_filler_prompt
        json.dump(data, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    out = sys.stdout
    out.write(transcript.full_text + "\n\n")
    for w in transcript.words:
        out.write(f"{w.start:8.2f} {w.end:8.2f}  {w.probability or 0:.2f}  {w.text}\n")
    t = transcript.timings
    out.write(
        f"\nduration {transcript.duration_s or 0:.1f} s, {len(transcript.words)} words, model {transcript.model}; "
        f"load {t.get('load_s', 0):.2f} s, transcribe {t.get('transcribe_s', 0):.2f} s\n"
    )
    return 0
