"""History and progress (built on the store API)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from voiceprep.bank.model import BankSet
from voiceprep.ui.controller import PracticeController


class HistoryView(QWidget):
    home = Signal()

    def __init__(self, controller: PracticeController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.c = controller
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("History is not available yet."))

    def refresh(self, banks: BankSet) -> None:
        pass
