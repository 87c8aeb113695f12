"""The answer transcript with fillers, hedges, long pauses and key-point evidence highlighted.

Built with a QTextCursor (not HTML) so each word's character range is known: the current word
during playback and a selected key point's evidence are shown with extra selections, without
re-laying-out the document. Clicking a word emits ``wordClicked(index)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import QTextBrowser, QTextEdit, QWidget

from voiceprep.ui.style import colour


@dataclass(frozen=True)
class Mark:
    kind: str  # "filler", "repetition", "hedge", "evidence", "pause", "star"
    word_start: int
    word_end: int
    label: str = ""


class TranscriptView(QTextBrowser):
    wordClicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setAccessibleName("Transcript of your answer")
        self.anchorClicked.connect(self._on_anchor)
        self._pos: list[tuple[int, int]] = []
        self._current: int | None = None
        self._focus: tuple[int, int] | None = None
        self.kinds: list[set[str]] = []  # per word, the highlight kinds applied (tests read this)

    def set_words(self, words: Sequence[str], marks: Sequence[Mark], pauses: dict[int, float] | None = None) -> None:
        """``pauses`` maps a word index to the silence (s) before it."""
        self._args = (list(words), list(marks), dict(pauses or {}))
        self.clear()
        pauses = pauses or {}
        per_word: list[set[str]] = [set() for _ in words]
        labels: list[list[str]] = [[] for _ in words]
        for m in marks:
            for i in range(max(0, m.word_start), min(len(words), m.word_end)):
                per_word[i].add(m.kind)
                if m.label:
                    labels[i].append(f"{m.kind}: {m.label}")
        self.kinds = per_word
        cur = QTextCursor(self.document())
        base = QTextCharFormat()
        pause_fmt = QTextCharFormat()
        pause_fmt.setBackground(colour("pause", self))
        pause_fmt.setFontItalic(True)
        self._pos = []
        # One edit block: the layout runs once at the end, not after every word (quadratic
        # otherwise: a 1,000-word answer took 3 s, 4,000 words 54 s on the UI thread).
        cur.beginEditBlock()
        for i, w in enumerate(words):
            if i in pauses:
                cur.insertText(" ", base)
                cur.insertText(f"[{pauses[i]:.1f} s pause]", pause_fmt)
            if i > 0 or i in pauses:
                cur.insertText(" ", base)
            fmt = QTextCharFormat()
            kinds = per_word[i]
            if "filler" in kinds or "repetition" in kinds:
                fmt.setBackground(colour("filler", self))
                fmt.setFontStrikeOut("repetition" in kinds)
            elif "evidence" in kinds:
                fmt.setBackground(colour("evidence", self))
            if "hedge" in kinds:
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
                fmt.setUnderlineColor(colour("warn", self))
            fmt.setAnchor(True)
            fmt.setAnchorHref(f"word:{i}")
            if labels[i]:
                fmt.setToolTip("; ".join(labels[i]))
            start = cur.position()
            cur.insertText(w.strip(), fmt)
            self._pos.append((start, cur.position()))
        if not words:
            cur.insertText("(nothing was transcribed)")
        cur.endEditBlock()
        self._current = None
        self._focus = None
        self._apply()
        self.moveCursor(QTextCursor.MoveOperation.Start)

    def changeEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        """Rebuild the highlights in the new colours when the palette switches light/dark."""
        from PySide6.QtCore import QEvent

        super().changeEvent(event)  # type: ignore[arg-type]
        if event.type() == QEvent.Type.PaletteChange and self._args is not None:  # type: ignore[attr-defined]
            current, focus = self._current, self._focus
            self.set_words(*self._args)
            if focus is not None:
                self.focus_span(*focus)
            self.set_current_word(current)

    _args: tuple[list[str], list[Mark], dict[int, float]] | None = None

    def word_count(self) -> int:
        return len(self._pos)

    def set_current_word(self, index: int | None) -> None:
        if index == self._current:
            return
        self._current = index
        self._apply()
        if index is not None and 0 <= index < len(self._pos):
            self._ensure_visible(index)

    def focus_span(self, start: int, end: int) -> None:
        """Mark a key point's evidence strongly and scroll to it."""
        self._focus = (start, end)
        self._apply()
        if 0 <= start < len(self._pos):
            self._ensure_visible(start)

    def selected_span(self) -> tuple[int, int] | None:
        return self._focus

    def _ensure_visible(self, index: int) -> None:
        c = QTextCursor(self.document())
        c.setPosition(self._pos[index][0])
        self.setTextCursor(c)
        self.ensureCursorVisible()

    def _apply(self) -> None:
        sels: list[QTextEdit.ExtraSelection] = []
        if self._focus is not None:
            s, e = self._focus
            if 0 <= s < len(self._pos):
                sels.append(self._selection(self._pos[s][0], self._pos[min(e, len(self._pos)) - 1][1],
                                            colour("evidence-focus", self)))
        if self._current is not None and 0 <= self._current < len(self._pos):
            a, b = self._pos[self._current]
            sels.append(self._selection(a, b, colour("current", self), bold=True))
        self.setExtraSelections(sels)

    def _selection(self, a: int, b: int, c: QColor, bold: bool = False) -> QTextEdit.ExtraSelection:
        sel = QTextEdit.ExtraSelection()
        cur = QTextCursor(self.document())
        cur.setPosition(a)
        cur.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
        sel.cursor = cur
        fmt = QTextCharFormat()
        fmt.setBackground(c)
        if bold:
            fmt.setProperty(QTextFormat.Property.FontWeight, 700)
        sel.format = fmt
        return sel

    def _on_anchor(self, url: QUrl) -> None:
        s = url.toString()
        if s.startswith("word:"):
            try:
                self.wordClicked.emit(int(s[5:]))
            except ValueError:
                pass
