"""The transcript: the one data type that speech produces and analysis, store and UI consume.

Pure data with no imports from the rest of voiceprep, so the Qt-free and audio-free layers can
share it. Times are seconds from the start of the recording; ``None`` where the source had no
timings (a typed answer or a plain ``.txt`` transcript).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Word:
    text: str
    start: float | None = None
    end: float | None = None
    probability: float | None = None


@dataclass(frozen=True)
class Transcript:
    words: tuple[Word, ...]
    text: str = ""
    duration_s: float | None = None
    language: str = "en"
    model: str = ""
    source: str = ""  # "audio", "text", "json", "typed", "recording"
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def has_timings(self) -> bool:
        return bool(self.words) and all(w.start is not None and w.end is not None for w in self.words)

    @property
    def full_text(self) -> str:
        return self.text or " ".join(w.text.strip() for w in self.words)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["words"] = [asdict(w) for w in self.words]
        d["text"] = self.full_text
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Transcript":
        words = tuple(
            Word(
                text=str(w["text"]),
                start=_opt_float(w.get("start")),
                end=_opt_float(w.get("end")),
                probability=_opt_float(w.get("probability")),
            )
            for w in d.get("words", [])
        )
        return cls(
            words=words,
            text=str(d.get("text", "")),
            duration_s=_opt_float(d.get("duration_s")),
            language=str(d.get("language", "en")),
            model=str(d.get("model", "")),
            source=str(d.get("source", "json")),
            timings={str(k): float(v) for k, v in (d.get("timings") or {}).items()},
        )

    @classmethod
    def from_text(cls, text: str, source: str = "text") -> "Transcript":
        """A transcript without timings, from typed or pasted text."""
        return cls(words=tuple(Word(t) for t in text.split()), text=text.strip(), source=source)


def _opt_float(v: Any) -> float | None:
    return None if v is None else float(v)
