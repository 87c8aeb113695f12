"""Readable reports of an attempt or a mock round: self-contained HTML and Markdown.

The HTML has inline CSS and an inline SVG chart and no external references, so the file can be
mailed or opened anywhere offline. Both renderers read the stored report dict defensively (any
missing section is skipped) so reports from older analyser versions still export.
"""

from __future__ import annotations

import html
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from voiceprep.store.errors import StoreError, translate
from voiceprep.store.history import HistoryStore
from voiceprep.store.models import AttemptRecord, MockRoundRecord

Tips = Mapping[str, Sequence[str]]  # "BANK/QUESTION" -> tips shown under that attempt

_CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2329;max-width:860px;margin:2em auto;padding:0 1em}
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #dde}
h3{font-size:1.05em}.meta{color:#667;font-size:.9em}
table{border-collapse:collapse;margin:.5em 0}td,th{padding:.25em .8em;border-bottom:1px solid #eee;text-align:left}
.transcript{background:#fafbfc;border:1px solid #e3e6ea;border-radius:6px;padding:1em;line-height:1.9}
.filler{background:#ffe1a8;border-radius:3px}.repetition{background:#ffd0d0;border-radius:3px}
.hedge{text-decoration:underline wavy #b07d00}.evidence{background:#d8f3dc;border-bottom:2px solid #2d6a4f}
.pause{display:inline-block;background:#e3e6ff;color:#334;font-size:.8em;border-radius:3px;padding:0 .35em;margin:0 .2em}
.covered{color:#2d6a4f}.partial{color:#9a6700}.missed{color:#b42318}
ul.points{list-style:none;padding-left:0}ul.points li{margin:.4em 0}.quote{color:#445;font-style:italic}
.legend span{margin-right:1em}.warn{color:#9a6700}
"""
_STATUS_MARK = {"covered": "✓", "partial": "◐", "missed": "✗"}


def _e(v: Any) -> str:
    return html.escape(str(v), quote=True)


def _g(d: Any, *keys: str) -> Any:
    for k in keys:
        if not isinstance(d, dict):
            return None
        d = d.get(k)
    return d


def _fmt(v: Any, digits: int = 0, unit: str = "") -> str:
    if v is None:
        return "–"
    if isinstance(v, (int, float)):
        return f"{v:.{digits}f}{unit}"
    return str(v)


def _mmss(seconds: Any) -> str:
    if not isinstance(seconds, (int, float)):
        return "–"
    s = int(round(seconds))
    return f"{s // 60}:{s % 60:02d}"


# -- shared reading of the report ------------------------------------------------------------------


def _words(rec: AttemptRecord) -> list[str]:
    words = _g(rec.report, "words")
    if isinstance(words, list) and words:
        return [str(w.get("text", "")).strip() for w in words if isinstance(w, dict)]
    twords = _g(rec.transcript, "words")
    if isinstance(twords, list) and twords:
        return [str(w.get("text", "")).strip() for w in twords if isinstance(w, dict)]
    return rec.transcript_text.split()


def _marks(rec: AttemptRecord, n: int) -> tuple[list[set[str]], dict[int, str], dict[int, float]]:
    """Per-word highlight kinds, evidence labels and pause seconds before word i."""
    kinds: list[set[str]] = [set() for _ in range(n)]
    labels: dict[int, str] = {}
    pauses: dict[int, float] = {}
    report = rec.report or {}
    anns = report.get("annotations")
    spans: list[tuple[str, int, int, str]] = []
    if isinstance(anns, list) and anns:
        for a in anns:
            if isinstance(a, dict):
                spans.append((str(a.get("kind")), int(a.get("word_start", 0)), int(a.get("word_end", 0)), str(a.get("label", ""))))
    else:  # older reports: rebuild spans from the sections
        for sec, kind in (("fillers", None), ("hedges", "hedge")):
            for it in _g(report, sec, "items") or []:
                if isinstance(it, dict):
                    spans.append((kind or str(it.get("kind", "filler")), int(it.get("word_start", 0)), int(it.get("word_end", 0)), ""))
        for p in _g(report, "coverage", "points") or []:
            ev = p.get("evidence") if isinstance(p, dict) else None
            if isinstance(ev, dict) and "word_end" in ev:
                spans.append(("evidence", int(ev.get("word_start", 0)), int(ev["word_end"]), str(p.get("id", ""))))
    for kind, ws, we, label in spans:
        if kind == "pause":
            continue
        for i in range(max(0, ws), min(n, we)):
            kinds[i].add(kind)
            if kind == "evidence" and label:
                labels[i] = label
    for p in _g(report, "pauses", "long") or []:
        if isinstance(p, dict) and isinstance(p.get("seconds"), (int, float)):
            after = p.get("after_word", -1)
            pauses[int(after) + 1 if isinstance(after, int) else 0] = float(p["seconds"])
    return kinds, labels, pauses


def _points(rec: AttemptRecord) -> list[dict[str, Any]]:
    pts = _g(rec.report, "coverage", "points")
    return [p for p in pts if isinstance(p, dict)] if isinstance(pts, list) else []


def _summary_rows(rec: AttemptRecord) -> list[tuple[str, str]]:
    r: dict[str, Any] = rec.report or {}
    pace: dict[str, Any] = r["pace"] if isinstance(r.get("pace"), dict) else {}
    band = f" (comfortable {pace.get('low')}–{pace.get('high')})" if pace.get("low") and pace.get("high") else ""
    timing: dict[str, Any] = r["timing"] if isinstance(r.get("timing"), dict) else {}
    target = timing.get("target_s") or rec.target_s
    rows = [
        ("Key points", f"{_fmt(rec.coverage * 100 if rec.coverage is not None else None)}% "
         f"({_fmt(rec.points_covered)} of {_fmt(rec.points_total)} covered)"),
        ("Pace", f"{_fmt(rec.wpm)} wpm{band}"),
        ("Fillers", f"{_fmt(_g(r, 'fillers', 'count'))} ({_fmt(rec.fillers_per_min, 1)} per minute)"),
        ("Hedges", _fmt(rec.hedges_count)),
        ("Longest pause", _fmt(rec.longest_pause_s, 1, " s")),
        ("Time", f"{_mmss(rec.answer_s)} against a target of {_mmss(target)}"
         + (f" — {timing.get('verdict')}" if timing.get("verdict") else "")),
    ]
    if _g(r, "pauses", "time_to_first_word_s") is not None:
        rows.append(("Time to first word", _fmt(_g(r, "pauses", "time_to_first_word_s"), 1, " s")))
    return rows


def _structure_lines(rec: AttemptRecord) -> list[str]:
    st = _g(rec.report, "structure")
    if not isinstance(st, dict):
        return []
    lines: list[str] = []
    star = st.get("star")
    if isinstance(star, dict):
        parts = [p for p in star.get("parts") or [] if isinstance(p, dict)]
        if parts:
            lines.append("STAR: " + ", ".join(f"{p.get('name')} {'✓' if p.get('present') else '✗'}" for p in parts))
        lines += [str(w) for w in star.get("warnings") or []]
    for c in st.get("checks") or []:
        if isinstance(c, dict):
            lines.append(f"{'✓' if c.get('passed') else '✗'} {c.get('label', c.get('id'))}"
                         + ("" if c.get("passed") or not c.get("advice") else f" — {c.get('advice')}"))
    lines += [str(w) for w in st.get("warnings") or []]
    return list(dict.fromkeys(lines))  # the analysis lists STAR warnings under both keys


# -- SVG pace chart --------------------------------------------------------------------------------


def pace_svg(report: dict[str, Any] | None, width: int = 640, height: int = 180) -> str:
    """Words per minute over the answer, with the comfortable band shaded; "" without pace data."""
    pace = _g(report, "pace")
    series = [w for w in (pace or {}).get("series") or [] if isinstance(w, dict) and isinstance(w.get("wpm"), (int, float))]
    if not series:
        return ""
    low, high = pace.get("low"), pace.get("high")
    t0 = min(float(w.get("start", 0)) for w in series)
    t1 = max(float(w.get("end", 0)) for w in series) or 1.0
    vmax = max([float(w["wpm"]) for w in series] + [float(high or 0) + 20, 60.0])
    ml, mr, mt, mb = 40, 10, 10, 24
    pw, ph = width - ml - mr, height - mt - mb

    def x(t: float) -> float:
        return ml + (t - t0) / max(t1 - t0, 1e-9) * pw

    def y(v: float) -> float:
        return mt + ph - v / vmax * ph

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             'role="img" aria-label="Pace over the answer in words per minute">']
    if isinstance(low, (int, float)) and isinstance(high, (int, float)):
        parts.append(f'<rect x="{ml}" y="{y(high):.1f}" width="{pw}" height="{y(low) - y(high):.1f}" fill="#d8f3dc">'
                     f'<title>comfortable {low}–{high} wpm</title></rect>')
    for v in range(0, int(vmax) + 1, 50):
        parts.append(f'<line x1="{ml}" x2="{ml + pw}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#eee"/>'
                     f'<text x="{ml - 4}" y="{y(v) + 4:.1f}" font-size="10" text-anchor="end" fill="#667">{v}</text>')
    pts = " ".join(f"{x((float(w.get('start', 0)) + float(w.get('end', 0))) / 2):.1f},{y(float(w['wpm'])):.1f}" for w in series)
    parts.append(f'<polyline points="{pts}" fill="none" stroke="#1f6feb" stroke-width="2"/>')
    for w in series:
        cx = x((float(w.get("start", 0)) + float(w.get("end", 0))) / 2)
        parts.append(f'<circle cx="{cx:.1f}" cy="{y(float(w["wpm"])):.1f}" r="2.5" fill="#1f6feb">'
                     f'<title>{_mmss(w.get("start"))}–{_mmss(w.get("end"))}: {float(w["wpm"]):.0f} wpm</title></circle>')
    parts.append(f'<text x="{ml}" y="{height - 6}" font-size="10" fill="#667">{_mmss(t0)}</text>'
                 f'<text x="{ml + pw}" y="{height - 6}" font-size="10" text-anchor="end" fill="#667">{_mmss(t1)}</text>'
                 f'<text x="{ml + pw / 2:.0f}" y="{height - 6}" font-size="10" text-anchor="middle" fill="#667">time · words per minute</text>')
    parts.append("</svg>")
    return "".join(parts)


# -- HTML ------------------------------------------------------------------------------------------


def _transcript_html(rec: AttemptRecord) -> str:
    words = _words(rec)
    if not words:
        return '<p class="meta">(no words were transcribed)</p>'
    kinds, labels, pauses = _marks(rec, len(words))
    out: list[str] = []
    for i, w in enumerate(words):
        if i in pauses:
            out.append(f'<span class="pause" title="long pause">⏸ {pauses[i]:.1f} s</span>')
        cls = " ".join(sorted(kinds[i]))
        title = f' title="evidence: {_e(labels[i])}"' if i in labels else ""
        out.append(f'<span class="{cls}"{title}>{_e(w)}</span>' if cls else _e(w))
    if len(words) in pauses:
        out.append(f'<span class="pause">⏸ {pauses[len(words)]:.1f} s</span>')
    return '<div class="transcript">' + " ".join(out) + "</div>"


def _attempt_section_html(rec: AttemptRecord, tips: Sequence[str] = (), level: int = 1) -> str:
    h, h2 = f"h{level}", f"h{level + 1}"
    out = [f"<{h}>{_e(rec.prompt or rec.question)}</{h}>",
           f'<p class="meta">{_e(rec.question)} · {_e(rec.started_at.astimezone().strftime("%Y-%m-%d %H:%M"))} · '
           f"{_e(rec.source)}{' · bank version ' + _e(rec.bank_version) if rec.bank_version else ''}</p>"]
    out.append("<table>" + "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in _summary_rows(rec)) + "</table>")
    points = _points(rec)
    if points:
        out.append(f"<{h2}>Key points</{h2}><ul class='points'>")
        for p in points:
            status = str(p.get("status", "missed"))
            ev = p.get("evidence") if isinstance(p.get("evidence"), dict) else None
            quote = (f'<br><span class="quote">“{_e(ev.get("text", ""))}”'
                     + (f" at {_mmss(ev.get('start'))}" if isinstance(ev.get("start"), (int, float)) else "")
                     + "</span>") if ev else ""
            out.append(f'<li class="{_e(status)}"><b>{_STATUS_MARK.get(status, "?")} {_e(status)}</b> — '
                       f"{_e(p.get('text', p.get('id', '')))}{quote}</li>")
        out.append("</ul>")
    svg = pace_svg(rec.report)
    if svg:
        out.append(f"<{h2}>Pace</{h2}>{svg}")
    out.append(f"<{h2}>Transcript</{h2}>")
    out.append('<p class="legend meta"><span class="filler">filler</span><span class="repetition">repetition</span>'
               '<span class="hedge">hedge</span><span class="evidence">key-point evidence</span>'
               '<span class="pause">⏸ long pause</span></p>')
    out.append(_transcript_html(rec))
    structure = _structure_lines(rec)
    if structure:
        out.append(f"<{h2}>Structure</{h2}><ul>" + "".join(f"<li>{_e(s)}</li>" for s in structure) + "</ul>")
    follow = _g(rec.report, "follow_up")
    if follow:
        out.append(f"<{h2}>A follow-up to practise</{h2}><p>{_e(follow)}</p>")
    if tips:
        out.append(f"<{h2}>Tips</{h2}><ul>" + "".join(f"<li>{_e(t)}</li>" for t in tips) + "</ul>")
    return "\n".join(out)


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{_e(title)}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_CSS}</style></head>'
            f"<body>\n{body}\n<p class='meta'>Exported from voiceprep.</p></body></html>\n")


def attempt_html(rec: AttemptRecord, tips: Sequence[str] = ()) -> str:
    return _page(f"voiceprep — {rec.question}", _attempt_section_html(rec, tips))


def _round_title(rnd: MockRoundRecord, title: str | None) -> str:
    """The round's and bank's names when the caller knows them (the store keeps only ids)."""
    return title or f"{rnd.bank_id} / {rnd.round_id}"


def round_html(store: HistoryStore, mock_round_id: int | str, tips: Tips | None = None, title: str | None = None) -> str:
    rnd, recs = _round(store, mock_round_id)
    body = [f"<h1>Mock round: {_e(_round_title(rnd, title))}</h1>",
            f'<p class="meta">{_e(rnd.started_at.astimezone().strftime("%Y-%m-%d %H:%M"))} · {len(recs)} answers</p>',
            "<table><tr><th>#</th><th>Question</th><th>Key points</th><th>Pace</th><th>Fillers/min</th><th>Time</th></tr>"]
    for n, r in enumerate(recs, 1):
        body.append(f"<tr><td>{n}</td><td>{_e(r.prompt or r.question)}</td>"
                    f"<td>{_fmt(r.coverage * 100 if r.coverage is not None else None)}%</td><td>{_fmt(r.wpm)}</td>"
                    f"<td>{_fmt(r.fillers_per_min, 1)}</td><td>{_mmss(r.answer_s)} / {_mmss(r.target_s)}</td></tr>")
    body.append("</table>")
    if rnd.summary:
        body.append("<h2>Round summary</h2><table>" + "".join(
            f"<tr><th>{_e(k)}</th><td style='white-space:pre-line'>{_e(v)}</td></tr>"
            for k, v in rnd.summary.items()) + "</table>")
    for n, r in enumerate(recs, 1):
        body.append(f"<hr><p class='meta'>Answer {n}</p>")
        body.append(_attempt_section_html(r, (tips or {}).get(r.question, ()), level=2))
    return _page(f"voiceprep — mock round {_round_title(rnd, title)}", "\n".join(body))


def _round(store: HistoryStore, mock_round_id: int | str) -> tuple[MockRoundRecord, list[AttemptRecord]]:
    rnd = store.get_mock_round(mock_round_id)
    return rnd, [store.get_attempt(s.id) for s in store.round_attempts(rnd.id) if s.finished]


# -- Markdown --------------------------------------------------------------------------------------


def _md_escape(text: str) -> str:
    return "".join("\\" + ch if ch in "\\`*_[]<>#|~" else ch for ch in text)


def _transcript_md(rec: AttemptRecord) -> str:
    words = _words(rec)
    if not words:
        return "_(no words were transcribed)_"
    kinds, labels, pauses = _marks(rec, len(words))
    out: list[str] = []
    for i, w in enumerate(words):
        if i in pauses:
            out.append(f"⏸({pauses[i]:.1f}s)")
        t = _md_escape(w)
        k = kinds[i]
        if "filler" in k or "repetition" in k:
            t = f"~~{t}~~"
        if "hedge" in k:
            t = f"_{t}_"
        if "evidence" in k:
            t = f"**{t}**"
        out.append(t)
    return " ".join(out)


def _attempt_section_md(rec: AttemptRecord, tips: Sequence[str] = (), level: int = 1) -> str:
    h, h2 = "#" * level, "#" * (level + 1)
    lines = [f"{h} {_md_escape(rec.prompt or rec.question)}", "",
             f"`{rec.question}` · {rec.started_at.astimezone():%Y-%m-%d %H:%M} · {rec.source}", "",
             "| | |", "|---|---|"]
    lines += [f"| {k} | {_md_escape(v)} |" for k, v in _summary_rows(rec)]
    points = _points(rec)
    if points:
        lines += ["", f"{h2} Key points", ""]
        for p in points:
            status = str(p.get("status", "missed"))
            box = "[x]" if status == "covered" else "[~]" if status == "partial" else "[ ]"
            lines.append(f"- {box} {_md_escape(str(p.get('text', p.get('id', ''))))} ({status})")
            ev = p.get("evidence")
            if isinstance(ev, dict) and ev.get("text"):
                at = f" at {_mmss(ev.get('start'))}" if isinstance(ev.get("start"), (int, float)) else ""
                lines.append(f"  > “{_md_escape(str(ev['text']))}”{at}")
    pace = _g(rec.report, "pace")
    series = (pace or {}).get("series") if isinstance(pace, dict) else None
    if series:
        lines += ["", f"{h2} Pace (comfortable {pace.get('low')}–{pace.get('high')} wpm)", ""]
        lines.append(" · ".join(f"{_mmss(w.get('start'))} {float(w.get('wpm', 0)):.0f}" for w in series if isinstance(w, dict)))
    lines += ["", f"{h2} Transcript", "",
              "Legend: ~~filler~~, _hedge_, **key-point evidence**, ⏸ long pause.", "", _transcript_md(rec)]
    structure = _structure_lines(rec)
    if structure:
        lines += ["", f"{h2} Structure", ""] + [f"- {_md_escape(s)}" for s in structure]
    follow = _g(rec.report, "follow_up")
    if follow:
        lines += ["", f"{h2} A follow-up to practise", "", _md_escape(str(follow))]
    if tips:
        lines += ["", f"{h2} Tips", ""] + [f"- {_md_escape(t)}" for t in tips]
    return "\n".join(lines) + "\n"


def attempt_markdown(rec: AttemptRecord, tips: Sequence[str] = ()) -> str:
    return _attempt_section_md(rec, tips)


def round_markdown(store: HistoryStore, mock_round_id: int | str, tips: Tips | None = None,
                   title: str | None = None) -> str:
    rnd, recs = _round(store, mock_round_id)
    lines = [f"# Mock round: {_md_escape(_round_title(rnd, title))}", "",
             f"{rnd.started_at.astimezone():%Y-%m-%d %H:%M} · {len(recs)} answers", "",
             "| # | Question | Key points | Pace | Fillers/min | Time |", "|---|---|---|---|---|---|"]
    for n, r in enumerate(recs, 1):
        lines.append(f"| {n} | {_md_escape(r.prompt or r.question)} | "
                     f"{_fmt(r.coverage * 100 if r.coverage is not None else None)}% | {_fmt(r.wpm)} | "
                     f"{_fmt(r.fillers_per_min, 1)} | {_mmss(r.answer_s)} / {_mmss(r.target_s)} |")
    if rnd.summary:  # the HTML report had it; the Markdown one left it out
        lines += ["", "## Round summary", ""]
        for k, v in rnd.summary.items():
            text = str(v)
            lines += ([f"**{_md_escape(str(k))}**", "", text, ""] if "\n" in text
                      else [f"- **{_md_escape(str(k))}**: {text}"])
    out = "\n".join(lines) + "\n"
    for r in recs:
        out += "\n" + _attempt_section_md(r, (tips or {}).get(r.question, ()), level=2)
    return out


# -- writing files ---------------------------------------------------------------------------------


def write_private(path: Path, text: str) -> Path:
    """Write atomically (temp file + rename) with user-only permissions."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise translate(exc, f"writing {path}") from exc
    return path


def export_report(
    store: HistoryStore, path: Path, *, attempt_id: int | str | None = None,
    mock_round_id: int | str | None = None, fmt: str = "html", tips: Tips | None = None,
    title: str | None = None,
) -> Path:
    """Write one attempt's or one mock round's report as ``fmt`` ("html" or "md") to ``path``."""
    if (attempt_id is None) == (mock_round_id is None):
        raise StoreError("Export either one attempt or one mock round.")
    if fmt not in ("html", "md"):
        raise StoreError(f"Unknown report format {fmt!r} (use html or md).")
    if attempt_id is not None:
        rec = store.get_attempt(attempt_id)
        t = (tips or {}).get(rec.question, ())
        text = attempt_html(rec, t) if fmt == "html" else attempt_markdown(rec, t)
    else:
        assert mock_round_id is not None
        text = (round_html(store, mock_round_id, tips, title) if fmt == "html"
                else round_markdown(store, mock_round_id, tips, title))
    return write_private(path, text)
