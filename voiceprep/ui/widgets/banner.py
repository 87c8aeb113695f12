"""An in-window message strip (errors, notices, recovered recordings) with action buttons.

Errors are never a dialog-and-forget or a console traceback: they sit at the top of the window
saying what happened and what to do, with buttons that do it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from voiceprep.ui.style import colour

ACTION_LABELS = {
    "retry": "&Try again",
    "typed": "T&ype my answer",
    "settings": "Open &settings",
    "home": "Back to &home",
    "dismiss": "&Dismiss",
    "recover": "&Analyse it",
    "discard": "Delete it",
}


class Banner(QFrame):
    actionTriggered = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("banner")
        self.setAccessibleName("Message")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(10, 6, 6, 6)
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        f = self.title.font()
        f.setBold(True)
        self.title.setFont(f)
        lay.addWidget(self.title)
        lay.addWidget(self.text, 1)
        self._buttons: list[QPushButton] = []
        self._lay = lay
        self.kind = ""
        self.hide()

    def show_message(self, title: str, text: str, actions: tuple[str, ...] = ("dismiss",), kind: str = "error") -> None:
        for b in self._buttons:
            b.deleteLater()
        self._buttons = []
        self.kind = kind
        self.title.setText(title)
        self.title.setVisible(bool(title))
        self.text.setText(text)
        c = colour("bad" if kind == "error" else "warn" if kind == "warning" else "accent", self)
        self.setStyleSheet(f"QFrame#banner {{ border: 2px solid {c.name()}; border-radius: 6px; }}")
        if "dismiss" not in actions:
            actions = (*actions, "dismiss")
        for a in actions:
            b = QPushButton(ACTION_LABELS.get(a, a))
            b.setAccessibleName(ACTION_LABELS.get(a, a).replace("&", ""))
            b.clicked.connect(lambda _=False, a=a: self._trigger(a))
            self._lay.addWidget(b)
            self._buttons.append(b)
        self.setAccessibleDescription(f"{title} {text}")
        self.show()
        if self._buttons and kind == "error":
            self._buttons[0].setFocus()

    def buttons(self) -> list[QPushButton]:
        return list(self._buttons)

    def _trigger(self, action: str) -> None:
        self.hide()
        self.actionTriggered.emit(action)
