"""``voiceprep questions``: browse and validate question banks."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path

from voiceprep.bank import load_bank_file
from voiceprep.bank.model import BankSet
from voiceprep.bank.serialize import bank_summary, problem_json, question_detail, question_summary


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("questions", help="list, show and validate question banks")
    qsub = p.add_subparsers(dest="questions_command", metavar="SUBCOMMAND", required=True)

    lst = qsub.add_parser("list", help="list questions")
    lst.add_argument("--bank", help="only this bank id")
    lst.add_argument("--category", help="only this question type, e.g. product-sense")
    lst.add_argument("--round", dest="round_id", help="only questions asked in this round")
    lst.add_argument("--json", action="store_true", help="machine-readable output")
    lst.set_defaults(func=cmd_list)

    show = qsub.add_parser("show", help="show one question with its key points and tips")
    show.add_argument("ref", metavar="BANK/QUESTION")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=cmd_show)

    banks = qsub.add_parser("banks", help="list the banks with their rounds")
    banks.add_argument("--json", action="store_true")
    banks.set_defaults(func=cmd_banks)

    val = qsub.add_parser("validate", help="check bank files and list every problem")
    val.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="bank files or folders of them")
    val.add_argument("--json", action="store_true")
    val.set_defaults(func=cmd_validate)


def _banks() -> BankSet:
    from voiceprep.bank import load_default_banks
    from voiceprep.settings import load_settings

    settings, _ = load_settings()
    bank_set = load_default_banks(settings.data_path)
    for problem in bank_set.problems:
        print(f"voiceprep: warning: skipped a broken bank: {problem}", file=sys.stderr)
    return bank_set


def cmd_list(args: argparse.Namespace) -> int:
    from voiceprep.cli import CliError

    bank_set = _banks()
    banks = bank_set.banks
    if args.bank:
        bank = bank_set.get(args.bank)
        if bank is None:
            raise CliError(f"no bank {args.bank!r}; known banks: {', '.join(b.id for b in banks) or 'none'}")
        banks = (bank,)
    # A mistyped type or round is bad input (exit 2, with the known ids), not "no questions".
    known_cats = sorted({c.id for b in banks for c in b.categories})
    if args.category and args.category not in known_cats:
        raise CliError(f"no question type {args.category!r}; known types: {', '.join(known_cats) or 'none'}")
    known_rounds = sorted({r.id for b in banks for r in b.rounds})
    if args.round_id and args.round_id not in known_rounds:
        raise CliError(f"no round {args.round_id!r}; known rounds: {', '.join(known_rounds) or 'none'}")
    rows = [
        (bank, q)
        for bank in banks
        for q in bank.questions
        if (not args.category or q.category == args.category) and (not args.round_id or args.round_id in q.rounds)
    ]
    if args.json:
        print(json.dumps([question_summary(b, q) for b, q in rows], indent=2))
        return 0
    if not rows:
        print("No questions match.")
        return 0
    width = max(len(f"{b.id}/{q.id}") for b, q in rows)
    for b, q in rows:
        ref = f"{b.id}/{q.id}"
        print(f"{ref:<{width}}  {q.category:<14} {q.target_s // 60}:{q.target_s % 60:02d}  {_shorten(q.prompt, 70)}")
    print(f"\n{len(rows)} questions")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from voiceprep.cli import CliError

    found = _banks().resolve(args.ref)
    if found is None:
        raise CliError(f"no question {args.ref!r} (use BANK/QUESTION, e.g. netflix-pm/home-discovery; see 'voiceprep questions list')")
    bank, q = found
    if args.json:
        print(json.dumps(question_detail(bank, q), indent=2))
        return 0
    category = bank.category(q.category)
    print(f"{bank.title}: {category.name if category else q.category} ({q.target_s // 60}:{q.target_s % 60:02d} target)")
    print(textwrap.fill(q.prompt, 88))
    print("\nKey points:")
    for i, p in enumerate(q.key_points, 1):
        print(textwrap.fill(p.text, 88, initial_indent=f"  {i}. ", subsequent_indent="     "))
    if q.tips:
        print("\nTips:")
        for t in q.tips:
            print(textwrap.fill(t, 88, initial_indent="  - ", subsequent_indent="    "))
    if q.follow_ups:
        print("\nFollow-ups:")
        for t in q.follow_ups:
            print(textwrap.fill(t, 88, initial_indent="  - ", subsequent_indent="    "))
    if q.rounds:
        print(f"\nRounds: {', '.join(q.rounds)}")
    return 0


def cmd_banks(args: argparse.Namespace) -> int:
    bank_set = _banks()
    if args.json:
        print(json.dumps([bank_summary(b) for b in bank_set.banks], indent=2))
        return 0
    for b in bank_set.banks:
        origin = "built-in" if b.builtin else f"yours: {b.path}"
        print(f"{b.id}  {b.title} ({len(b.questions)} questions, {origin})")
        for r in b.rounds:
            dur = f"{r.duration_min[0]}-{r.duration_min[1]} min" if r.duration_min else ""
            kind = f"{r.questions_per_mock} questions, {r.answer_target_s}s per answer" if r.practice else "information only"
            print(f"  {r.id:<24} {r.name} ({', '.join(x for x in (dur, kind) if x)})")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    files: list[Path] = []
    problems = []
    for path in args.paths:
        if path.is_dir():
            found = sorted(path.glob("*.toml"))
            if not found:
                from voiceprep.bank.model import Problem

                problems.append(Problem(str(path), "no .toml bank files in this folder"))
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            from voiceprep.bank.model import Problem

            problems.append(Problem(str(path), "no such file or folder"))
    ok: list[str] = []
    for f in files:
        bank, found = load_bank_file(f, builtin=False)
        problems.extend(found)
        if bank is not None:
            ok.append(f"{f}: ok ({bank.id}, {len(bank.questions)} questions)")
    if args.json:
        print(json.dumps({"valid": not problems, "files": [str(f) for f in files], "problems": [problem_json(p) for p in problems]}, indent=2))
    else:
        for line in ok:
            print(line)
        for p in problems:
            print(p)
        if problems:
            print(f"\n{len(problems)} problem{'s' if len(problems) != 1 else ''} found.")
    return 1 if problems else 0


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
