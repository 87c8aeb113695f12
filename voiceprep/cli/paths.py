"""``voiceprep paths``: where voiceprep keeps settings, banks, recordings and history."""

from __future__ import annotations

import argparse
import json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("paths", help="show where settings, your question banks, recordings and history live")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_paths)


def cmd_paths(args: argparse.Namespace) -> int:
    from voiceprep import paths
    from voiceprep.settings import load_settings, settings_path

    settings, _ = load_settings()
    data = settings.data_path
    info = {
        "settings": str(settings_path()),
        "data": str(data),
        "banks": str(paths.user_banks_dir(data)),
        "recordings": str(paths.recordings_dir(data)),
        "history": str(paths.database_path(data)),
        "builtin_banks": str(paths.builtin_questions_dir()),
    }
    if args.json:
        print(json.dumps(info, indent=2))
    else:
        for k, v in info.items():
            print(f"{k:<14} {v}")
    return 0
