"""Loading and validating question banks.

Every problem in a file is collected and reported at once (file, question id, field, and for
TOML syntax errors line and column) so a user editing a bank can fix them in one pass. A broken
bank never stops the others from loading, and nothing in a bank is ever executed: files are
parsed with ``tomllib`` and checked field by field against the spec below.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voiceprep.bank.model import (
    Bank,
    BankSet,
    Category,
    Check,
    Guidance,
    KeyPoint,
    Problem,
    Question,
    Round,
)

FORMAT_VERSION = 1
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
MAX_FILE_BYTES = 5 * 1024 * 1024


# --- field specs ---------------------------------------------------------------------------
# kind: "str", "int", "num", "bool", "strs" (list of strings), "groups" (list of lists of
# strings), "range" ([min, max] ints), "table", "tables" (array of tables).


@dataclass(frozen=True)
class F:
    kind: str
    required: bool = False


TOP = {
    "format": F("int", True),
    "id": F("str", True),
    "title": F("str", True),
    "company": F("str", True),
    "description": F("str", True),
    "role": F("str"),
    "language": F("str"),
    "version": F("str"),
    "source": F("str"),
    "guidance": F("table"),
    "categories": F("tables", True),
    "checks": F("tables"),
    "rounds": F("tables", True),
    "questions": F("tables", True),
}
GUIDANCE = {
    "overview": F("str"),
    "look_for": F("strs"),
    "values": F("strs"),
    "do": F("strs"),
    "red_flags": F("strs"),
    "checklist": F("strs"),
    "preparation": F("strs"),
}
CATEGORY = {
    "id": F("str", True),
    "name": F("str", True),
    "description": F("str"),
    "structure": F("str"),
    "checks": F("strs"),
}
CHECK = {
    "id": F("str", True),
    "label": F("str", True),
    "cues": F("strs", True),
    "avoid": F("strs"),
    "advice": F("str"),
}
ROUND = {
    "id": F("str", True),
    "name": F("str", True),
    "interviewers": F("strs"),
    "duration_min": F("range"),
    "categories": F("strs"),
    "questions_per_mock": F("int"),
    "answer_target_s": F("int"),
    "description": F("str"),
    "practice": F("bool"),
}
QUESTION = {
    "id": F("str", True),
    "category": F("str", True),
    "rounds": F("strs"),
    "prompt": F("str", True),
    "target_s": F("int", True),
    "tips": F("strs"),
    "follow_ups": F("strs"),
    "source": F("str"),
    "key_points": F("tables", True),
}
KEY_POINT = {
    "id": F("str", True),
    "text": F("str", True),
    "cues": F("strs"),
    "cue_groups": F("groups"),
    "weight": F("num"),
}
STRUCTURES = {"", "star"}


class _Collector:
    """Accumulates problems for one file."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, message: str, question: str | None = None, field: str | None = None) -> None:
        self.problems.append(Problem(self.file, message, question=question, field=field))


def _type_ok(kind: str, value: Any) -> bool:
    if kind == "str":
        return isinstance(value, str)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "num":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "strs":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == "groups":
        return isinstance(value, list) and all(
            isinstance(g, list) and all(isinstance(v, str) for v in g) for g in value
        )
    if kind == "range":
        return (
            isinstance(value, list)
            and len(value) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        )
    if kind == "table":
        return isinstance(value, dict)
    if kind == "tables":
        return isinstance(value, list) and all(isinstance(v, dict) for v in value)
    return False


_KIND_WORDS = {
    "str": "a string",
    "int": "a whole number",
    "num": "a number",
    "bool": "true or false",
    "strs": "a list of strings",
    "groups": "a list of lists of strings",
    "range": "a [min, max] pair of whole numbers",
    "table": "a table",
    "tables": "an array of tables",
}


def _check_fields(
    raw: dict[str, Any],
    spec: dict[str, F],
    out: _Collector,
    prefix: str,
    question: str | None = None,
) -> dict[str, Any]:
    """Return only the well-typed known fields; report unknown, missing and mistyped ones."""
    clean: dict[str, Any] = {}
    for key, value in raw.items():
        name = f"{prefix}{key}"
        if key not in spec:
            out.add(f"unknown key {key!r}", question, name)
        elif not _type_ok(spec[key].kind, value):
            out.add(f"must be {_KIND_WORDS[spec[key].kind]}, got {type(value).__name__}", question, name)
        else:
            clean[key] = value
    for key, f in spec.items():
        if f.required and key not in raw:
            out.add("missing required field", question, f"{prefix}{key}")
    return clean


def _nonempty_strs(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(v.strip() for v in values if v.strip())


def _check_id(value: Any, out: _Collector, field: str, question: str | None = None) -> bool:
    if not isinstance(value, str):
        return False
    if not ID_RE.match(value):
        out.add(f"id {value!r} must use only a-z, 0-9, '-' and '_'", question, field)
        return False
    return True


def _dupes(ids: list[str], out: _Collector, what: str, field: str, question: str | None = None) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            out.add(f"duplicate {what} id {i!r}", question, field)
        seen.add(i)


def parse_bank(data: Any, file: str, path: Path | None = None, builtin: bool = True) -> tuple[Bank | None, list[Problem]]:
    """Validate parsed TOML data; a Bank only when there are no problems."""
    out = _Collector(file)
    if not isinstance(data, dict):
        out.add("a bank must be a TOML table")
        return None, out.problems
    top = _check_fields(data, TOP, out, "")
    if "format" in top and top["format"] != FORMAT_VERSION:
        out.add(f"unsupported format {top['format']}; this version of voiceprep reads format {FORMAT_VERSION}", field="format")
    if "id" in top:
        _check_id(top["id"], out, "id")
    for key in ("title", "description"):
        if key in top and not top[key].strip():
            out.add("must not be empty", field=key)

    guidance = Guidance()
    if "guidance" in top:
        g = _check_fields(top["guidance"], GUIDANCE, out, "guidance.")
        guidance = Guidance(
            overview=g.get("overview", "").strip(),
            **{k: _nonempty_strs(g.get(k, [])) for k in GUIDANCE if k != "overview"},
        )

    checks: list[Check] = []
    for i, raw in enumerate(top.get("checks", [])):
        c = _check_fields(raw, CHECK, out, f"checks[{i}].")
        if not {"id", "label", "cues"} <= c.keys() or not _check_id(c["id"], out, f"checks[{i}].id"):
            continue
        cues = _nonempty_strs(c["cues"])
        if not cues:
            out.add("a check needs at least one cue", field=f"checks[{i}].cues")
        checks.append(Check(c["id"], c["label"], cues, c.get("advice", ""), _nonempty_strs(c.get("avoid", []))))
    _dupes([c.id for c in checks], out, "check", "checks")
    check_ids = {c.id for c in checks}

    categories: list[Category] = []
    for i, raw in enumerate(top.get("categories", [])):
        c = _check_fields(raw, CATEGORY, out, f"categories[{i}].")
        if not {"id", "name"} <= c.keys() or not _check_id(c["id"], out, f"categories[{i}].id"):
            continue
        structure = c.get("structure", "")
        if structure not in STRUCTURES:
            out.add(f"unknown structure {structure!r} (known: {', '.join(sorted(s for s in STRUCTURES if s))})", field=f"categories[{i}].structure")
        for ref in c.get("checks", []):
            if ref not in check_ids:
                out.add(f"check {ref!r} is not defined in [[checks]]", field=f"categories[{i}].checks")
        categories.append(Category(c["id"], c["name"], c.get("description", ""), structure, tuple(c.get("checks", []))))
    if "categories" in top and not top["categories"]:
        out.add("a bank needs at least one category", field="categories")
    _dupes([c.id for c in categories], out, "category", "categories")
    category_ids = {c.id for c in categories}

    rounds: list[Round] = []
    for i, raw in enumerate(top.get("rounds", [])):
        r = _check_fields(raw, ROUND, out, f"rounds[{i}].")
        if not {"id", "name"} <= r.keys() or not _check_id(r["id"], out, f"rounds[{i}].id"):
            continue
        f = f"rounds[{i}]"
        practice = r.get("practice", True)
        dur = r.get("duration_min")
        if dur is not None and not (0 < dur[0] <= dur[1]):
            out.add("duration_min must be [min, max] with 0 < min <= max", field=f"{f}.duration_min")
        for ref in r.get("categories", []):
            if ref not in category_ids:
                out.add(f"category {ref!r} does not exist", field=f"{f}.categories")
        if practice:
            for key in ("questions_per_mock", "answer_target_s"):
                if key not in r:
                    out.add("missing (required for a practice round)", field=f"{f}.{key}")
                elif r[key] <= 0:
                    out.add("must be positive", field=f"{f}.{key}")
        rounds.append(
            Round(
                id=r["id"],
                name=r["name"],
                interviewers=_nonempty_strs(r.get("interviewers", [])),
                duration_min=(dur[0], dur[1]) if dur else None,
                categories=tuple(r.get("categories", [])),
                questions_per_mock=r.get("questions_per_mock", 0),
                answer_target_s=r.get("answer_target_s"),
                description=r.get("description", ""),
                practice=practice,
            )
        )
    _dupes([r.id for r in rounds], out, "round", "rounds")
    round_by_id = {r.id: r for r in rounds}

    questions: list[Question] = []
    for i, raw in enumerate(top.get("questions", [])):
        qid = raw.get("id") if isinstance(raw.get("id"), str) else None
        f = f"questions[{i}]"
        q = _check_fields(raw, QUESTION, out, f"{f}.", qid)
        if "id" in q and not _check_id(q["id"], out, f"{f}.id", qid):
            continue
        if "prompt" in q and not q["prompt"].strip():
            out.add("must not be empty", qid, f"{f}.prompt")
        if "target_s" in q and q["target_s"] <= 0:
            out.add(f"target_s must be positive, got {q['target_s']}", qid, f"{f}.target_s")
        if "category" in q and q["category"] not in category_ids:
            out.add(f"category {q['category']!r} does not exist", qid, f"{f}.category")
        for ref in q.get("rounds", []):
            rnd = round_by_id.get(ref)
            if rnd is None:
                out.add(f"round {ref!r} does not exist", qid, f"{f}.rounds")
            elif not rnd.practice:
                out.add(f"round {ref!r} is not a practice round", qid, f"{f}.rounds")
        points = _parse_key_points(q.get("key_points", []), out, f, qid)
        if "key_points" in q and not q["key_points"]:
            out.add("a question needs at least one key point", qid, f"{f}.key_points")
        if {"id", "category", "prompt", "target_s", "key_points"} <= q.keys():
            questions.append(
                Question(
                    id=q["id"],
                    category=q["category"],
                    prompt=" ".join(q["prompt"].split()),
                    key_points=points,
                    target_s=q["target_s"],
                    rounds=tuple(q.get("rounds", [])),
                    tips=_nonempty_strs(q.get("tips", [])),
                    follow_ups=_nonempty_strs(q.get("follow_ups", [])),
                    source=q.get("source", ""),
                )
            )
    if "questions" in top and not top["questions"]:
        out.add("a bank needs at least one question", field="questions")
    _dupes([q.id for q in questions], out, "question", "questions")

    for rnd in rounds:
        if rnd.practice and rnd.questions_per_mock > 0 and questions:
            have = sum(1 for q in questions if rnd.id in q.rounds)
            if have < rnd.questions_per_mock:
                out.add(
                    f"round {rnd.id!r} asks {rnd.questions_per_mock} questions per mock round but only {have} questions belong to it",
                    field="rounds",
                )

    if out.problems:
        return None, out.problems
    bank = Bank(
        id=top["id"],
        title=top["title"].strip(),
        company=top["company"].strip(),
        description=" ".join(top["description"].split()),
        categories=tuple(categories),
        rounds=tuple(rounds),
        questions=tuple(questions),
        checks=tuple(checks),
        guidance=guidance,
        role=top.get("role", ""),
        language=top.get("language", "en"),
        version=top.get("version", "1"),
        source=top.get("source", ""),
        path=path,
        builtin=builtin,
    )
    return bank, []


def _parse_key_points(raws: list[dict[str, Any]], out: _Collector, f: str, qid: str | None) -> tuple[KeyPoint, ...]:
    points: list[KeyPoint] = []
    for j, raw in enumerate(raws):
        pf = f"{f}.key_points[{j}]"
        k = _check_fields(raw, KEY_POINT, out, f"{pf}.", qid)
        if "id" not in k or not _check_id(k["id"], out, f"{pf}.id", qid):
            continue
        text = k.get("text", "").strip()
        if "text" in k and not text:
            out.add("key point text must not be empty", qid, f"{pf}.text")
        cues = _nonempty_strs(k.get("cues", []))
        groups = tuple(g for g in (_nonempty_strs(g) for g in k.get("cue_groups", [])) if g)
        if not cues and not groups:
            out.add("a key point needs cues or cue_groups (phrases that show it was covered)", qid, f"{pf}.cues")
        weight = k.get("weight", 1.0)
        if weight <= 0:
            out.add(f"weight must be positive, got {weight}", qid, f"{pf}.weight")
        points.append(KeyPoint(k["id"], text, cues, groups, float(weight)))
    _dupes([p.id for p in points], out, "key point", f"{f}.key_points", qid)
    return tuple(points)


_TOML_POS = re.compile(r"\(at line (\d+), column (\d+)\)")


def load_bank_file(path: Path, builtin: bool = True) -> tuple[Bank | None, list[Problem]]:
    """Read and validate one file; never raises for bad content."""
    file = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [Problem(file, f"file is {size} bytes; a bank may be at most {MAX_FILE_BYTES} bytes")]
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(file, f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    except OSError as exc:
        return None, [Problem(file, f"cannot read file: {exc.strerror or exc}")]
    return load_bank_text(text, file, path=path, builtin=builtin)


def load_bank_text(text: str, file: str, path: Path | None = None, builtin: bool = True) -> tuple[Bank | None, list[Problem]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _TOML_POS.search(msg)
        line, col = (int(m.group(1)), int(m.group(2))) if m else (None, None)
        reason = _TOML_POS.sub("", msg).strip()
        return None, [Problem(file, f"not valid TOML: {reason}", line=line, column=col)]
    except (RecursionError, ValueError) as exc:  # pathological nesting
        return None, [Problem(file, f"not valid TOML: {exc}")]
    try:
        return parse_bank(data, file, path=path, builtin=builtin)
    except RecursionError:
        return None, [Problem(file, "bank is nested too deeply")]


def load_banks(builtin_dir: Path | None, user_dir: Path | None = None) -> BankSet:
    """All banks: built-in ones first, then the user's, which replace built-ins with the same id."""
    by_id: dict[str, Bank] = {}
    problems: list[Problem] = []
    for folder, builtin in ((builtin_dir, True), (user_dir, False)):
        if folder is None or not folder.is_dir():
            continue
        seen_here: dict[str, Path] = {}
        for path in sorted(folder.glob("*.toml")):
            bank, found = load_bank_file(path, builtin=builtin)
            problems.extend(found)
            if bank is None:
                continue
            if bank.id in seen_here:
                problems.append(Problem(str(path), f"bank id {bank.id!r} is also used by {seen_here[bank.id].name}; this file was skipped", field="id"))
                continue
            seen_here[bank.id] = path
            by_id[bank.id] = bank
    return BankSet(banks=tuple(sorted(by_id.values(), key=lambda b: (not b.builtin, b.title.lower()))), problems=tuple(problems))


def load_default_banks(data_dir: Path | None = None) -> BankSet:
    """The shipped banks plus the user's own from ``<data dir>/banks``."""
    from voiceprep import paths

    return load_banks(paths.builtin_questions_dir(), paths.user_banks_dir(data_dir))
