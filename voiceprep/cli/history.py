"""``voiceprep history``, ``voiceprep export`` and ``voiceprep import``: the history store on the command line."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from voiceprep.cli import CliError


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("history", help="list your past attempts", description="List past attempts, newest first.")
    p.add_argument("--json", action="store_true", help="print JSON (one object with an attempts list)")
    p.add_argument("--bank", metavar="BANK", help="only this bank")
    p.add_argument("--question", metavar="BANK/Q", help="only this question")
    p.add_argument("--search", metavar="TEXT", help="only attempts whose transcript contains these words")
    p.add_argument("--limit", type=int, default=50, metavar="N", help="at most N attempts (default 50; 0 = all)")
    p.set_defaults(func=cmd_history)

    e = subparsers.add_parser(
        "export", help="export an attempt, a mock round or all history",
        description="Export one attempt or mock round as an HTML or Markdown report, or all history as JSON "
        "(recordings are copied into a folder beside the JSON unless --no-recordings).",
    )
    which = e.add_mutually_exclusive_group(required=True)
    which.add_argument("--attempt", metavar="ID", help="attempt id (or uuid)")
    which.add_argument("--round", metavar="ID", help="mock round id (or uuid)")
    which.add_argument("--all", action="store_true", help="all history (JSON only)")
    e.add_argument("--format", choices=("html", "md", "json"), required=True)
    e.add_argument("-o", "--output", required=True, metavar="PATH", type=Path)
    e.add_argument("--no-recordings", action="store_true", help="with --all: do not copy the audio files")
    e.set_defaults(func=cmd_export)

    i = subparsers.add_parser(
        "import", help="import history exported with 'export --all'",
        description="Import a JSON history export. Attempts already present are skipped, so importing twice is safe.",
    )
    i.add_argument("path", type=Path, metavar="PATH")
    i.set_defaults(func=cmd_import)


def _open_store() -> Any:
    from voiceprep.settings import load_settings
    from voiceprep.store.errors import StoreError
    from voiceprep.store.history import HistoryStore

    settings, notes = load_settings()
    for note in notes:
        print(f"voiceprep: {note}", file=sys.stderr)
    try:
        store = HistoryStore.open(settings.data_path)
    except StoreError as exc:
        raise CliError(str(exc)) from None
    for note in store.notes:
        print(f"voiceprep: {note}", file=sys.stderr)
    return store


def _store_call(fn: Any, *args: Any, **kwargs: Any) -> Any:
    from voiceprep.store.errors import StoreError

    try:
        return fn(*args, **kwargs)
    except StoreError as exc:
        raise CliError(str(exc)) from None


def _attempt_json(a: Any) -> dict[str, Any]:
    d = asdict(a)
    for k in ("started_at", "ended_at"):
        d[k] = d[k].isoformat() if d[k] else None
    d["recording_path"] = str(d["recording_path"]) if d["recording_path"] else None
    d["question"] = a.question
    return d


def cmd_history(args: argparse.Namespace) -> int:
    from voiceprep.store.progress import AttemptFilter, count_attempts, list_attempts

    if args.limit < 0:
        raise CliError("--limit must be 0 or more")
    if args.question and "/" not in args.question:
        raise CliError(f"--question must look like BANK/QUESTION, not {args.question!r}")
    store = _open_store()
    try:
        flt = AttemptFilter(bank_id=args.bank, question=args.question, search=args.search)
        rows = _store_call(list_attempts, store, flt, limit=args.limit or None)
        total = _store_call(count_attempts, store, flt)
        if args.json:
            json.dump({"total": total, "attempts": [_attempt_json(a) for a in rows]}, sys.stdout, indent=2)
            sys.stdout.write("\n")
            return 0
        if not rows:
            print("No attempts yet." if total == 0 and not (args.bank or args.question or args.search) else "No matching attempts.")
            return 0
        print(f"{'ID':>5}  {'WHEN':16}  {'QUESTION':40}  {'COVER':>5}  {'WPM':>4}  {'FILL/M':>6}  {'TIME':>5}")
        for a in rows:
            cov = f"{a.coverage * 100:.0f}%" if a.coverage is not None else "–"
            wpm = f"{a.wpm:.0f}" if a.wpm is not None else "–"
            fil = f"{a.fillers_per_min:.1f}" if a.fillers_per_min is not None else "–"
            t = f"{int(a.answer_s) // 60}:{int(a.answer_s) % 60:02d}" if a.answer_s is not None else "–"
            print(f"{a.id:>5}  {a.started_at.astimezone():%Y-%m-%d %H:%M}  {a.question[:40]:40}  {cov:>5}  {wpm:>4}  {fil:>6}  {t:>5}")
        if total > len(rows):
            print(f"({len(rows)} of {total} shown; use --limit 0 for all)")
        return 0
    finally:
        store.close()


def _bank_context(store: Any, round_ref: str | None) -> tuple[dict[str, Any], str | None]:
    """The questions' tips and the round's readable title, as the app's own export has them
    (best effort: the report is still written from the history alone if banks cannot load)."""
    try:
        from voiceprep.bank.loader import load_default_banks
        from voiceprep.settings import load_settings

        banks = load_default_banks(load_settings()[0].data_path).banks
        tips = {f"{b.id}/{q.id}": q.tips for b in banks for q in b.questions}
        title = None
        if round_ref is not None:
            rec = store.get_mock_round(round_ref)
            bank = next((b for b in banks if b.id == rec.bank_id), None)
            rnd = bank.round(rec.round_id) if bank else None
            if bank and rnd:
                title = f"{rnd.name} \u00b7 {bank.title}"
        return tips, title
    except Exception:  # noqa: BLE001 - a missing round is reported by the export itself
        return {}, None


def cmd_export(args: argparse.Namespace) -> int:
    from voiceprep.store.reports import export_report
    from voiceprep.store.transfer import export_json

    out: Path = args.output
    if args.all and args.format != "json":
        raise CliError("--all exports JSON only: use --format json (reports are per attempt or per round)")
    if not args.all and args.format == "json":
        raise CliError("--format json exports all history: use --all (or html/md for one attempt or round)")
    if out.exists() and out.is_dir():
        raise CliError(f"{out} is a folder; give a file name")
    store = _open_store()
    try:
        if args.all:
            res = _store_call(export_json, store, out, include_recordings=not args.no_recordings)
            msg = f"Exported {res.attempts} attempts to {out}"
            if res.recordings_dir:
                msg += f" (recordings in {res.recordings_dir})"
            print(msg)
            for m in res.missing_recordings:
                print(f"voiceprep: recording missing, not exported: {m}", file=sys.stderr)
        else:
            tips, title = _bank_context(store, args.round)
            _store_call(export_report, store, out, attempt_id=args.attempt, mock_round_id=args.round, fmt=args.format,
                        tips=tips, title=title)
            print(f"Wrote {out}")
        return 0
    finally:
        store.close()


def cmd_import(args: argparse.Namespace) -> int:
    from voiceprep.store.transfer import import_json

    store = _open_store()
    try:
        res = _store_call(import_json, store, args.path)
        print(f"Imported {res.attempts} attempts, {res.mock_rounds} mock rounds, {res.sessions} sessions, "
              f"{res.recordings} recordings; {res.skipped} already present.")
        for p in res.problems:
            print(f"voiceprep: {p}", file=sys.stderr)
        return 0
    finally:
        store.close()
