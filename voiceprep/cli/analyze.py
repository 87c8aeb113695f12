"""``voiceprep analyze INPUT --question BANK/QUESTION [--round ROUND] [--json]``.

INPUT is an audio file (transcribed like ``voiceprep transcribe``), a ``.txt`` transcript (no
timings, so timing fields are null) or the JSON that ``voiceprep transcribe --json`` writes.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from voiceprep.analysis.report import PARTIAL_HINT
from voiceprep.analysis.text import as_written

if TYPE_CHECKING:  # pragma: no cover
    from voiceprep.bank.model import Bank, BankSet, Question
    from voiceprep.analysis.report import AnswerReport
    from voiceprep.analysis.transcript import Transcript


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "analyze",
        help="analyse an answer (audio, .txt or transcript JSON) against a bank question",
        description="Key-point coverage with evidence, fillers, hedges, pace, pauses, timing, structure "
        "and a follow-up question for one answer.",
    )
    p.add_argument("input", type=Path, metavar="INPUT", help="audio file, .txt transcript or transcript .json")
    p.add_argument("--question", "-q", required=True, metavar="BANK/QUESTION", help='e.g. "netflix-pm/home-discovery"')
    p.add_argument("--round", "-r", metavar="ROUND", help="round id, for the round's per-answer time target")
    p.add_argument("--json", action="store_true", help="print the report as one JSON object")
    p.add_argument("--no-embeddings", action="store_true", help="cue phrases only (no embedding model)")
    p.set_defaults(func=cmd_analyze)


def cmd_analyze(args: argparse.Namespace) -> int:
    from voiceprep.analysis.analyzer import analyze
    from voiceprep.analysis.options import AnalysisOptions
    from voiceprep.bank.loader import load_default_banks
    from voiceprep.settings import load_settings

    settings, _notes = load_settings()
    banks = load_default_banks(settings.data_path)
    bank, question = resolve_question(banks, args.question)
    round_id = resolve_round(bank, args.round)
    transcript = read_input(args.input, settings)
    options = AnalysisOptions.from_settings(settings, use_embeddings=not args.no_embeddings)
    report = analyze(transcript, bank, question, round_id, options)
    if args.json:
        _emit(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
    else:
        _emit(format_report(report, question.prompt))
    return 0


def _emit(text: str) -> None:
    """Print, replacing what the console's encoding cannot show (a legacy code page must not
    turn the report into a traceback)."""
    try:
        print(text)
    except UnicodeEncodeError:
        encoding = getattr(sys.stdout, "encoding", None) or "ascii"
        sys.stdout.flush()
        print(text.encode(encoding, errors="replace").decode(encoding))


def resolve_question(banks: "BankSet", ref: str) -> "tuple[Bank, Question]":
    """``BANK/QUESTION`` as typed (case, spaces and a trailing slash forgiven); CliError with a
    "did you mean" for a bare or misspelt id."""
    import difflib

    from voiceprep.cli import CliError

    clean = ref.strip().strip("/").lower()
    found = banks.resolve(clean) or banks.resolve(ref)
    if found is not None:
        return found
    refs = {f"{b.id}/{q.id}": q.id for b in banks.banks for q in b.questions}
    wanted = clean.rpartition("/")[2]
    close = [r for r, qid in refs.items() if qid == wanted] or difflib.get_close_matches(clean, list(refs), n=3,
                                                                                            cutoff=0.75)
    if close:
        raise CliError(f"unknown question {ref!r}: did you mean {' or '.join(close)}?")
    known = ", ".join(b.id for b in banks.banks) or "none"
    raise CliError(f"unknown question {ref!r} (expected BANK/QUESTION; banks: {known}; "
                   "'voiceprep questions list' shows them all)")


def resolve_round(bank: "Bank", ref: str | None) -> str | None:
    """The round id for ``--round`` (case and spaces forgiven); CliError listing the rounds."""
    from voiceprep.cli import CliError

    if ref is None or not ref.strip():
        return None
    for candidate in (ref, ref.strip().lower()):
        if bank.round(candidate) is not None:
            return candidate
    rounds = ", ".join(r.id for r in bank.rounds)
    raise CliError(f"unknown round {ref!r} in bank {bank.id!r} (rounds: {rounds})")


def read_input(path: Path, settings: object | None = None) -> "Transcript":
    """A transcript from a .txt, a transcript .json or an audio file; CliError for bad input."""
    from voiceprep.analysis.transcript import Transcript
    from voiceprep.cli import CliError

    if not path.exists():
        raise CliError(f"input not found: {path}")
    if path.is_dir():
        raise CliError(f"input is a folder, not a file: {path}")
    suffix = path.suffix.lower()
    if suffix in (".txt", ".json"):
        text = _read_text(path)
        if suffix == ".txt":
            t = Transcript.from_text(text)
        else:
            try:
                data = json.loads(text)
                if not isinstance(data, dict) or not isinstance(data.get("words", []), list):
                    raise ValueError("expected the object that 'voiceprep transcribe --json' writes")
                _check_words(data["words"] if "words" in data else [])
                t = Transcript.from_dict(data)
                if not t.words and t.text.strip():
                    t = Transcript.from_text(t.text, source="json")
            except (ValueError, KeyError, TypeError) as exc:
                raise CliError(f"not a transcript JSON file: {path} ({exc})") from exc
            _check_times(t, path)
        if not any(any(c.isalnum() for c in w.text) for w in t.words):
            raise CliError(f"the transcript is empty: {path}")
        return t
    return _transcribe(path, settings)


def _read_text(path: Path) -> str:
    """Text as editors save it: UTF-8 (BOM or not), UTF-16 with a BOM, else Windows-1252."""
    from voiceprep.cli import CliError

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in data:
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
    raise CliError(f"cannot read {path}: it is not a text file (save the transcript as UTF-8 text)")


def _check_words(words: list[object]) -> None:
    """ValueError naming the first malformed word (a hand-edited or foreign JSON file)."""
    for i, w in enumerate(words, 1):
        if not isinstance(w, dict):
            raise ValueError(f"word {i} is not an object with text, start and end")
        if not isinstance(w.get("text"), str):
            raise ValueError(f"word {i} has no text")
        for name in ("start", "end", "probability"):
            v = w.get(name)
            if v is None or isinstance(v, (int, float)) and not isinstance(v, bool):
                continue
            try:
                float(v)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                raise ValueError(f"word {i} {w['text'].strip()!r} has {name} {v!r}, not a number of seconds") from None


MAX_TIME_S = 24 * 3600.0  # a word time beyond a day is a corrupt file, not an interview answer


def _check_times(t: "Transcript", path: Path) -> None:
    """Word times must be finite seconds within a day (json reads NaN/Infinity, and a huge time
    would make every rate meaningless)."""
    import math

    from voiceprep.cli import CliError

    for i, w in enumerate(t.words):
        for name, v in (("start", w.start), ("end", w.end)):
            if v is not None and not (math.isfinite(v) and 0.0 <= v <= MAX_TIME_S):
                raise CliError(f"not a transcript JSON file: {path} (word {i + 1} {w.text.strip()!r} has {name} time {v})")


def _transcribe(path: Path, settings: object | None) -> "Transcript":
    from voiceprep.cli import CliError

    try:
        from voiceprep.speech.protocols import SpeechError
        from voiceprep.speech.transcriber import WhisperTranscriber
    except ImportError as exc:
        raise CliError(f"cannot transcribe audio here ({exc}); pass a .txt or transcript .json instead") from exc
    try:
        transcriber = WhisperTranscriber.from_settings(settings) if settings is not None else WhisperTranscriber()
        transcript = transcriber.transcribe(path)
    except SpeechError as exc:
        raise CliError(str(exc)) from exc
    if not any(any(c.isalnum() for c in w.text) for w in transcript.words):
        raise CliError(f"no speech found in {path}")
    return transcript


# ---- terminal report ------------------------------------------------------------------------------


def _t(v: float | None) -> str:
    if v is None:
        return "-"
    m, s = divmod(int(round(v)), 60)
    return f"{m}:{s:02d}"


def _n(v: float | None, fmt: str = "{:.0f}") -> str:
    return "-" if v is None else fmt.format(v)


MAX_LISTED = 5  # long pauses listed in the terminal report (the longest ones)


def format_report(r: "AnswerReport", prompt: str = "") -> str:
    out: list[str] = []
    mark = {"covered": "[x]", "partial": "[~]", "missed": "[ ]"}
    out.append(f"Question  {r.question}" + (f"  (round {r.round_id})" if r.round_id else ""))
    if prompt:
        out.append(f"          {prompt}")
    out.append("")
    out.append(f"Coverage  {r.coverage.score:.0%}  ({r.coverage.method})")
    if r.coverage.embedding_error and r.coverage.method == "cues-only":
        out.append(f"          note: {r.coverage.embedding_error}")
    off = r.coverage.off_question_note()
    if off:
        out.append(f"          note: {off}")
    for p in r.coverage.points:
        out.append(f"  {mark.get(p.status, '[?]')} {p.id}: {p.status} (confidence {p.confidence:.0%})")
        if p.evidence is not None:
            at = f" at {_t(p.evidence.start)}" if p.evidence.start is not None else ""
            out.append(f'        "{_clip(p.evidence.text, 100)}"{at}')
    if any(p.status == "partial" for p in r.coverage.points):
        out.append(f"  [~] partial: {PARTIAL_HINT[0].lower()}{PARTIAL_HINT[1:]}")
    out.append("")
    tm = r.timing
    # the verdict follows the target it was judged against; the round's target gets its own line
    main_target = tm.target_s or tm.round_target_s
    label = "target" if tm.target_s else "round target"
    out.append(
        f"Timing    answer {_t(tm.answer_s)}, {label} {_t(main_target) if main_target else '-'}"
        + (f": {tm.verdict}" if tm.verdict else (" (no timings)" if tm.answer_s is None else ""))
    )
    if tm.target_s and tm.round_target_s and tm.round_target_s != tm.target_s:
        out.append(f"          round target {_t(tm.round_target_s)}" + (f": {tm.round_verdict}" if tm.round_verdict else ""))
    pace = r.pace
    band = f"{pace.low}-{pace.high}"
    out.append(f"Pace      {_n(r.wpm)} WPM (comfortable {band})" + (f": {pace.verdict}" if pace.verdict else ""))
    if pace.fastest and pace.slowest:
        out.append(
            f"          fastest {pace.fastest.wpm:.0f} WPM at {_t(pace.fastest.start)}, "
            f"slowest {pace.slowest.wpm:.0f} WPM at {_t(pace.slowest.start)}"
        )
    out.append(f"Words     {r.word_count} (fillers excluded)")
    f = r.fillers
    per = ", ".join(x for x in (f"{f.per_minute:.1f}/min" if f.per_minute is not None else "",
                                f"{f.per_100_words:.1f} per 100 words" if f.per_100_words is not None else "") if x)
    top = ", ".join(f"{as_written(k)} {v}" for k, v in f.by_word.items())
    out.append(f"Fillers   {f.count}" + (f" ({per})" if per else "") + (f": {top}" if top else ""))
    for c in f.clusters:
        out.append(f"          cluster of {c.count} at {_t(c.start)}-{_t(c.end)}")
    h = r.hedges
    out.append(f"Hedges    {h.count}" + (": " + ", ".join(f"{as_written(k)} {v}" for k, v in h.by_word.items()) if h.by_word else ""))
    for w in h.warnings:
        out.append(f"          {w}")
    pz = r.pauses
    if r.has_timings:
        out.append(
            f"Pauses    {len(pz.long)} over {pz.threshold_s:g}s, longest {_n(pz.longest_s, '{:.1f}')}s, "
            f"first word after {_n(pz.time_to_first_word_s, '{:.1f}')}s"
        )
        shown = sorted(sorted(pz.long, key=lambda p: -p.seconds)[:MAX_LISTED], key=lambda p: p.start)
        for p in shown:  # the longest ones, in time order
            out.append(f"          {p.seconds:.1f}s at {_t(p.start)}")
        if len(pz.long) > len(shown):
            out.append(f"          and {len(pz.long) - len(shown)} more")
    s = r.structure
    if s.star is not None:
        out.append("")
        out.append("STAR")
        for part in s.star.parts:
            secs = f"{part.seconds:.0f}s, " if part.seconds is not None else ""
            state = f"{secs}{part.share:.0%}" if part.present else "not found"
            out.append(f"  {part.name:<10}{state}")
        out.append(f"  I/we      {s.star.i_count}/{s.star.we_count} ({s.star.ownership})")
        out.append(f"  numbers   {', '.join(s.star.numbers) if s.star.numbers else 'none'}")
    if s.checks:
        out.append("")
        out.append("Checks")
        for c in s.checks:
            out.append(f"  {'[x]' if c.passed else '[ ]'} {c.label}" + ("" if c.passed or not c.advice else f": {c.advice}"))
            if c.avoid_hits:
                out.append(f"      careful: {', '.join(c.avoid_hits)}")
    if s.warnings:
        out.append("")
        for w in s.warnings:
            out.append(f"! {w}")
    if r.follow_up:
        out.append("")
        out.append(f"Follow-up {r.follow_up}")
    return "\n".join(out)


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 3].rstrip() + "..."


if __name__ == "__main__":  # pragma: no cover
    from voiceprep.cli import main

    sys.exit(main(["analyze", *sys.argv[1:]]))
