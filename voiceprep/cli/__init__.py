"""The ``voiceprep`` command line: the same core the desktop app uses.

Each command group lives in its own module with ``register(subparsers)``; the module sets
``func`` on its parser, which receives the parsed args and returns the exit code. Exit codes:
0 success, 1 a check failed (e.g. validation problems), 2 bad input or a user-facing error.
Users never see a traceback: :class:`CliError` and unexpected errors become one-line messages.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from voiceprep import __version__

# Command modules under voiceprep.cli, in the order --help lists them.
COMMANDS: tuple[str, ...] = (
    "questions",
    "transcribe",
    "analyze",
    "history",
    "paths",
)


class CliError(Exception):
    """A user-facing error: printed as one line, exit code ``code``."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="voiceprep",
        description="Practise job-interview answers out loud. With no command, opens the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"voiceprep {__version__}")
    parser.add_argument(
        "--self-check",
        action="store_true",
        help="check text-to-speech, audio devices, the transcription and embedding models and the data folder, then exit",
    )
    parser.add_argument("--json", action="store_true", dest="self_check_json", help="with --self-check: print JSON")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"voiceprep.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"voiceprep.cli.{name}":
                continue  # command not built yet
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.self_check:
            from voiceprep.selfcheck import run_self_check

            return run_self_check(json_output=args.self_check_json)
        if args.command is None:
            from voiceprep.app import main as app_main

            return app_main([])
        return int(args.func(args) or 0)
    except CliError as exc:
        print(f"voiceprep: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("voiceprep: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
