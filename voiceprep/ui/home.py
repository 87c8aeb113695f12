"""Home: choose a bank, read its guidance, start a mock round or practise one question."""

from __future__ import annotations

import html
import random

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from voiceprep.bank.model import Bank, BankSet, Question, Round
from voiceprep.ui.style import fmt_clock, scaled_font


def guidance_html(bank: Bank) -> str:
    g = bank.guidance
    parts = [f"<h3>{html.escape(bank.title)}</h3>"]
    if bank.role or bank.company:
        who = " \u00b7 ".join(x for x in (bank.company, bank.role) if x)
        parts.append(f"<p><i>{html.escape(who)}</i></p>")
    if g.overview or bank.description:
        parts.append(f"<p>{html.escape(g.overview or bank.description)}</p>")
    for title, items in (
        ("What they look for", g.look_for),
        ("Values", g.values),
        ("Do", g.do),
        ("Red flags", g.red_flags),
        ("Know before you go", g.checklist),
        ("Preparation", g.preparation),
    ):
        if items:
            lis = "".join(f"<li>{html.escape(x)}</li>" for x in items)
            parts.append(f"<h4>{title}</h4><ul>{lis}</ul>")
    info_rounds = [r for r in bank.rounds if not r.practice]
    if info_rounds:
        parts.append("<h4>Other stages</h4><ul>" + "".join(
            f"<li><b>{html.escape(r.name)}</b>: {html.escape(r.description)}</li>" for r in info_rounds) + "</ul>")
    return "".join(parts)


def round_details(bank: Bank, r: Round) -> str:
    bits = []
    if r.interviewers:
        bits.append("With: " + ", ".join(r.interviewers))
    if r.duration_min:
        bits.append(f"Real round: {r.duration_min[0]}\u2013{r.duration_min[1]} min")
    n = r.questions_per_mock or 3
    target = f", about {fmt_clock(r.answer_target_s)} each" if r.answer_target_s else ""
    bits.append(f"Mock: {n} questions{target}")
    cats = [bank.category(c).name if bank.category(c) else c for c in r.categories]
    if cats:
        bits.append("Types: " + ", ".join(cats))
    text = "\n".join(bits)
    if r.description:
        text = r.description + "\n" + text
    return text


class HomeView(QWidget):
    startQuestion = Signal(object, object, bool, object)  # bank, question, typed, queue
    startRound = Signal(object, object, bool)  # bank, round, typed
    analyseRecording = Signal(object, object)  # bank, question
    weakestRequested = Signal(object)  # bank

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.banks: BankSet = BankSet(banks=())
        self.weakest: list[str] = []  # question ids, weakest first, from history

        self.bank_combo = QComboBox()
        self.bank_combo.setAccessibleName("Question bank")
        self.bank_combo.setMinimumContentsLength(28)
        bank_label = QLabel("&Question bank:")
        bank_label.setBuddy(self.bank_combo)
        self.bank_desc = QLabel()
        self.bank_desc.setWordWrap(True)
        self.bank_desc.setTextFormat(Qt.TextFormat.PlainText)
        self.typed_check = QCheckBox("&Type answers instead of speaking (no microphone)")
        self.typed_check.setAccessibleName("Type answers instead of speaking")

        top = QHBoxLayout()
        top.addWidget(bank_label)
        top.addWidget(self.bank_combo)
        top.addWidget(self.bank_desc, 1)

        # --- mock rounds
        self.round_list = QListWidget()
        self.round_list.setAccessibleName("Interview rounds")
        self.round_list.setSpacing(3)
        self.round_details = QLabel()
        self.round_details.setWordWrap(True)
        self.round_details.setTextFormat(Qt.TextFormat.PlainText)
        self.round_details.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.start_round_btn = QPushButton("Start &mock round")
        self.start_round_btn.setAccessibleName("Start mock round")
        f = scaled_font(self.start_round_btn, 1.1, bold=True)
        self.start_round_btn.setFont(f)
        rounds_box = QGroupBox("Mock interview rounds")
        rl = QVBoxLayout(rounds_box)
        rl.addWidget(self.round_list, 2)
        rl.addWidget(self.round_details, 1)
        rl.addWidget(self.start_round_btn)

        # --- single question
        self.category_combo = QComboBox()
        self.category_combo.setAccessibleName("Question type filter")
        self.round_combo = QComboBox()
        self.round_combo.setAccessibleName("Round filter")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search questions")
        self.search.setAccessibleName("Search questions")
        self.search.setClearButtonEnabled(True)
        self.question_list = QListWidget()
        self.question_list.setAccessibleName("Questions")
        self.question_list.setWordWrap(True)
        self.question_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.question_list.setAlternatingRowColors(True)
        self.question_list.setSpacing(2)
        self.practise_btn = QPushButton("&Practise selected")
        self.practise_btn.setAccessibleName("Practise selected question")
        self.practise_btn.setFont(f)
        self.surprise_btn = QPushButton("S&urprise me")
        self.surprise_btn.setAccessibleName("Surprise me: a random question")
        self.weakest_btn = QPushButton("&Weakest first")
        self.weakest_btn.setAccessibleName("Practise your weakest question first")
        self.weakest_btn.setToolTip("The question you did worst on, from your history")
        self.analyse_btn = QPushButton("&Analyse a recording\u2026")
        self.analyse_btn.setAccessibleName("Analyse a recording file against the selected question")
        self.count_label = QLabel()

        filters = QFormLayout()
        type_label = QLabel("T&ype:")
        type_label.setBuddy(self.category_combo)
        round_label = QLabel("&Round:")
        round_label.setBuddy(self.round_combo)
        filters.addRow(type_label, self.category_combo)
        filters.addRow(round_label, self.round_combo)
        filters.addRow("", self.search)
        buttons = QHBoxLayout()
        buttons.addWidget(self.practise_btn)
        buttons.addWidget(self.surprise_btn)
        buttons.addWidget(self.weakest_btn)
        buttons.addStretch(1)
        buttons.addWidget(self.analyse_btn)
        q_box = QGroupBox("Practise a question")
        ql = QVBoxLayout(q_box)
        ql.addLayout(filters)
        ql.addWidget(self.count_label)
        ql.addWidget(self.question_list, 1)
        ql.addLayout(buttons)

        # --- guidance
        self.guidance = QTextBrowser()
        self.guidance.setAccessibleName("Bank guidance: what they look for, red flags, preparation")
        self.guidance.setOpenExternalLinks(False)
        g_box = QGroupBox("Guidance")
        gl = QVBoxLayout(g_box)
        gl.addWidget(self.guidance)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(rounds_box)
        split.addWidget(q_box)
        split.addWidget(g_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 5)
        split.setStretchFactor(2, 4)
        split.setChildrenCollapsible(False)

        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.problems_label.setTextFormat(Qt.TextFormat.PlainText)
        self.problems_label.hide()

        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.typed_check)
        lay.addWidget(split, 1)
        lay.addWidget(self.problems_label)

        self.bank_combo.currentIndexChanged.connect(self._on_bank)
        self.round_list.currentRowChanged.connect(self._on_round)
        self.round_list.itemActivated.connect(lambda _i: self._start_round())
        self.category_combo.currentIndexChanged.connect(self._refresh_questions)
        self.round_combo.currentIndexChanged.connect(self._refresh_questions)
        self.search.textChanged.connect(self._refresh_questions)
        self.question_list.itemActivated.connect(lambda _i: self._practise_selected())
        self.question_list.currentRowChanged.connect(lambda _r: self._update_buttons())
        self.practise_btn.clicked.connect(self._practise_selected)
        self.surprise_btn.clicked.connect(self._surprise)
        self.weakest_btn.clicked.connect(self._weakest)
        self.start_round_btn.clicked.connect(self._start_round)
        self.analyse_btn.clicked.connect(self._analyse)
        self.set_banks(self.banks)

    # ------------------------------------------------------------------ data
    def set_banks(self, banks: BankSet) -> None:
        self.banks = banks
        current = self.current_bank().id if self.current_bank() else None
        self.bank_combo.blockSignals(True)
        self.bank_combo.clear()
        for b in banks.banks:
            label = b.title + ("" if b.builtin else " (yours)")
            self.bank_combo.addItem(label, b.id)
        idx = max(0, self.bank_combo.findData(current)) if current else 0
        self.bank_combo.setCurrentIndex(idx if banks.banks else -1)
        self.bank_combo.blockSignals(False)
        if banks.problems:
            n = len(banks.problems)
            shown = "\n".join(str(p) for p in banks.problems[:4])
            more = f"\n\u2026and {n - 4} more (run: voiceprep questions validate FILE)" if n > 4 else ""
            self.problems_label.setText(f"{n} problem(s) in question banks; the rest loaded:\n{shown}{more}")
            self.problems_label.show()
        else:
            self.problems_label.hide()
        if not banks.banks:
            self.bank_desc.setText("No question banks found. Put .toml banks in your data folder's banks/ "
                                   "(see docs/bank-format.md).")
        self._on_bank()

    def set_weakest(self, question_ids: list[str]) -> None:
        self.weakest = list(question_ids)
        self._update_buttons()

    def current_bank(self) -> Bank | None:
        bid = self.bank_combo.currentData()
        return self.banks.get(bid) if bid else None

    def select_bank(self, bank_id: str) -> bool:
        i = self.bank_combo.findData(bank_id)
        if i >= 0:
            self.bank_combo.setCurrentIndex(i)
        return i >= 0

    def current_round(self) -> Round | None:
        item = self.round_list.currentItem()
        bank = self.current_bank()
        return bank.round(item.data(Qt.ItemDataRole.UserRole)) if item and bank else None

    def filtered_questions(self) -> list[Question]:
        bank = self.current_bank()
        if bank is None:
            return []
        cat = self.category_combo.currentData()
        rnd = self.round_combo.currentData()
        needle = self.search.text().strip().lower()
        out = []
        for q in bank.questions:
            if cat and q.category != cat:
                continue
            if rnd and rnd not in q.rounds:
                continue
            if needle and needle not in q.prompt.lower() and needle not in q.id:
                continue
            out.append(q)
        return out

    def selected_question(self) -> Question | None:
        item = self.question_list.currentItem()
        bank = self.current_bank()
        return bank.question(item.data(Qt.ItemDataRole.UserRole)) if item and bank else None

    # ------------------------------------------------------------------ reactions
    def _on_bank(self, *_: object) -> None:
        bank = self.current_bank()
        self.round_list.clear()
        for combo in (self.category_combo, self.round_combo):
            combo.blockSignals(True)
            combo.clear()
        self.category_combo.addItem("All types", "")
        self.round_combo.addItem("Any round", "")
        if bank is None:
            self.guidance.setHtml("")
            for combo in (self.category_combo, self.round_combo):
                combo.blockSignals(False)
            self._refresh_questions()
            return
        self.bank_desc.setText(bank.description)
        for c in bank.categories:
            self.category_combo.addItem(c.name, c.id)
        for r in bank.practice_rounds:
            self.round_combo.addItem(r.name, r.id)
            item = QListWidgetItem(r.name)
            item.setData(Qt.ItemDataRole.UserRole, r.id)
            n = r.questions_per_mock or 3
            item.setToolTip(round_details(bank, r))
            item.setText(f"{r.name}\n{n} questions" + (f" \u00b7 {fmt_clock(r.answer_target_s)} each" if r.answer_target_s else ""))
            self.round_list.addItem(item)
        for combo in (self.category_combo, self.round_combo):
            combo.blockSignals(False)
        self.guidance.setHtml(guidance_html(bank))
        if self.round_list.count():
            self.round_list.setCurrentRow(0)
        else:
            self.round_details.setText("This bank has no practice rounds.")
        self._refresh_questions()

    def _on_round(self, _row: int) -> None:
        bank, r = self.current_bank(), self.current_round()
        self.round_details.setText(round_details(bank, r) if bank and r else "")
        self._update_buttons()

    def _refresh_questions(self, *_: object) -> None:
        bank = self.current_bank()
        self.question_list.clear()
        qs = self.filtered_questions()
        for q in qs:
            cat = bank.category(q.category) if bank else None
            item = QListWidgetItem(f"{q.prompt}\n{cat.name if cat else q.category} \u00b7 target {fmt_clock(q.target_s)}"
                                   f" \u00b7 {len(q.key_points)} key points")
            item.setData(Qt.ItemDataRole.UserRole, q.id)
            self.question_list.addItem(item)
        total = len(bank.questions) if bank else 0
        self.count_label.setText(f"{len(qs)} of {total} questions")
        if qs:
            self.question_list.setCurrentRow(0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        has_q = self.selected_question() is not None
        self.practise_btn.setEnabled(has_q)
        self.analyse_btn.setEnabled(has_q)
        self.surprise_btn.setEnabled(bool(self.filtered_questions()))
        bank = self.current_bank()
        has_weak = bool(bank and any(bank.question(q) for q in self.weakest))
        self.weakest_btn.setEnabled(bool(bank and bank.questions))
        self.weakest_btn.setToolTip("Your weakest question from history" if has_weak
                                    else "No history yet for this bank: starts with questions you have not tried")
        self.start_round_btn.setEnabled(self.current_round() is not None)

    def _practise_selected(self) -> None:
        bank, q = self.current_bank(), self.selected_question()
        if bank and q:
            self.startQuestion.emit(bank, q, self.typed_check.isChecked(), self.filtered_questions())

    def _surprise(self) -> None:
        bank, qs = self.current_bank(), self.filtered_questions()
        if bank and qs:
            q = random.choice(qs)
            queue = random.sample(qs, len(qs))
            self.startQuestion.emit(bank, q, self.typed_check.isChecked(), queue)

    def _weakest(self) -> None:
        bank = self.current_bank()
        if bank is None:
            return
        self.weakestRequested.emit(bank)
        ordered = [bank.question(i) for i in self.weakest if bank.question(i)]
        tried = set(self.weakest)
        untried = [q for q in bank.questions if q.id not in tried]
        queue = [q for q in ordered if q] + untried
        if queue:
            self.startQuestion.emit(bank, queue[0], self.typed_check.isChecked(), queue)

    def _start_round(self) -> None:
        bank, r = self.current_bank(), self.current_round()
        if bank and r:
            self.startRound.emit(bank, r, self.typed_check.isChecked())

    def _analyse(self) -> None:
        bank, q = self.current_bank(), self.selected_question()
        if bank and q:
            self.analyseRecording.emit(bank, q)
