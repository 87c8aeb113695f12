"""The question screen: read-aloud, think time, the big record/stop control, level, clock, live text."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from voiceprep.ui.controller import PracticeController, State
from voiceprep.ui.session import QuestionContext
from voiceprep.ui.style import colour, fmt_clock, scaled_font
from voiceprep.ui.widgets.clock import TargetClock
from voiceprep.ui.widgets.level_meter import LevelMeter


class QuestionView(QWidget):
    def __init__(self, controller: PracticeController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.c = controller
        self.ctx: QuestionContext | None = None

        self.header = QLabel()
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        self.round_clock = QLabel()
        self.round_clock.setAccessibleName("Round clock")
        self.round_clock.setFont(scaled_font(self, 1.1, bold=True))
        head = QHBoxLayout()
        head.addWidget(self.header, 1)
        head.addWidget(self.round_clock)

        self.prompt = QLabel()
        self.prompt.setWordWrap(True)
        self.prompt.setTextFormat(Qt.TextFormat.PlainText)
        self.prompt.setFont(scaled_font(self, 1.5, bold=True))
        self.prompt.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.prompt.setAccessibleName("Question")
        self.prompt.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

        self.replay_btn = QPushButton("&Replay question")
        self.replay_btn.setAccessibleName("Replay the question aloud")
        self.stop_read_btn = QPushButton("S&top reading")
        self.stop_read_btn.setAccessibleName("Stop reading the question")
        self.skip_btn = QPushButton("Start &now")
        self.skip_btn.setAccessibleName("Skip think time and start answering now")
        self.speaking_label = QLabel()
        read_row = QHBoxLayout()
        read_row.addWidget(self.replay_btn)
        read_row.addWidget(self.stop_read_btn)
        read_row.addWidget(self.skip_btn)
        read_row.addWidget(self.speaking_label, 1)

        self.status = QLabel()
        self.status.setFont(scaled_font(self, 1.2))
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status.setAccessibleName("Status")
        self.status.setWordWrap(True)

        self.record_btn = QPushButton()
        self.record_btn.setAccessibleName("Record or stop answer (Space)")
        self.record_btn.setMinimumHeight(72)
        self.record_btn.setMinimumWidth(280)
        self.record_btn.setFont(scaled_font(self, 1.5, bold=True))
        self.record_btn.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

        self.meter = LevelMeter()
        self.clock = TargetClock("Answer time")
        meter_box = QVBoxLayout()
        meter_label = QLabel("Microphone level")
        meter_box.addWidget(meter_label)
        meter_box.addWidget(self.meter)
        self.meter_hint = QLabel("")
        self._loudest = 0.0  # loudest input level heard in the current recording
        self.meter_hint.setWordWrap(True)
        meter_box.addWidget(self.meter_hint)
        meter_box.addStretch(1)

        mid = QHBoxLayout()
        mid.addLayout(meter_box, 2)
        centre = QVBoxLayout()
        centre.addWidget(self.record_btn, 0, Qt.AlignmentFlag.AlignHCenter)
        centre.addWidget(self.status)
        mid.addLayout(centre, 3)
        mid.addWidget(self.clock, 2)

        self.live_label = QLabel("Live transcript")
        self.live = QPlainTextEdit()
        self.live.setReadOnly(True)
        self.live.setAccessibleName("Live transcript")
        self.live.setFont(scaled_font(self, 1.15))
        self.live.setPlaceholderText("What you say appears here as you speak (once the speech model is ready).")

        self.typed = QPlainTextEdit()
        self.typed.setAccessibleName("Type your answer")
        self.typed.setPlaceholderText("Type your answer as you would say it, then press Ctrl+Enter to submit.")
        self.submit_btn = QPushButton("S&ubmit answer (Ctrl+Enter)")
        self.submit_btn.setAccessibleName("Submit typed answer")

        self.cancel_btn = QPushButton("&Back to home (Esc)")
        self.cancel_btn.setAccessibleName("Cancel and go back to home")
        self.end_round_btn = QPushButton("&End round now")
        self.end_round_btn.setAccessibleName("End the mock round now and see the summary")
        bottom = QHBoxLayout()
        bottom.addWidget(self.cancel_btn)
        bottom.addStretch(1)
        bottom.addWidget(self.submit_btn)
        bottom.addWidget(self.end_round_btn)

        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        lay = QVBoxLayout(self)
        lay.addLayout(head)
        lay.addWidget(self.prompt)
        lay.addLayout(read_row)
        lay.addWidget(line)
        lay.addLayout(mid)
        lay.addWidget(self.live_label)
        lay.addWidget(self.live, 1)
        lay.addWidget(self.typed, 1)
        lay.addLayout(bottom)

        self.space = QShortcut(QKeySequence(Qt.Key.Key_Space), self)
        self.space.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.space.activated.connect(self.c.toggle_recording)
        self.esc = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        self.esc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.esc.activated.connect(self.c.cancel)
        self.submit_sc = QShortcut(QKeySequence("Ctrl+Return"), self)
        self.submit_sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.submit_sc.activated.connect(self._submit)

        self.record_btn.clicked.connect(self.c.toggle_recording)
        self.replay_btn.clicked.connect(self.c.replay_question)
        self.stop_read_btn.clicked.connect(self.c.stop_speaking)
        self.skip_btn.clicked.connect(self.c.skip_think)
        self.cancel_btn.clicked.connect(self.c.cancel)
        self.end_round_btn.clicked.connect(self.c.end_round_early)
        self.submit_btn.clicked.connect(self._submit)

        c = self.c
        c.questionStarted.connect(self.set_context)
        c.stateChanged.connect(self.on_state)
        c.speakingChanged.connect(self.on_speaking)
        c.thinkTick.connect(self.on_think)
        c.recordingTick.connect(self.on_recording)
        c.partialTranscript.connect(self.live.setPlainText)
        c.phaseChanged.connect(self.on_phase)
        c.roundClock.connect(self.on_round_clock)
        c.modelStateChanged.connect(self.on_model_state)
        self.on_state(State.IDLE.value)

    # ------------------------------------------------------------------ slots
    def set_context(self, ctx: QuestionContext) -> None:
        self.ctx = ctx
        cat = ctx.bank.category(ctx.question.category)
        where = f"{ctx.bank.title} \u00b7 {cat.name if cat else ctx.question.category}"
        if ctx.round is not None and ctx.total > 1:
            where = f"Mock round: {ctx.round.name} \u00b7 question {ctx.index + 1} of {ctx.total} \u00b7 {ctx.bank.title}"
        if ctx.follow_up_of is not None:
            where = f"Follow-up to: {ctx.follow_up_of.prompt}"
        self.header.setText(where)
        self.prompt.setText(ctx.question.prompt)
        self.clock.set_target(ctx.target_s)
        self.meter.reset()
        self.live.clear()
        self.typed.clear()
        self.round_clock.setVisible(ctx.in_round)
        self.end_round_btn.setVisible(ctx.in_round)
        typed = ctx.typed
        self.typed.setVisible(typed)
        self.submit_btn.setVisible(typed)
        self.live.setVisible(not typed)
        self.live_label.setVisible(not typed)
        self.meter.setEnabled(not typed)
        self.space.setEnabled(not typed)
        self.meter_hint.setText("Typing mode: no microphone used." if typed else "")

    def on_state(self, state: str) -> None:
        s = State(state)
        typed = bool(self.ctx and self.ctx.typed)
        rec = s == State.RECORDING
        if not typed and (rec or self.meter_hint.text().startswith("No sound")):
            self.meter_hint.setText("")  # a new recording starts unheard; a stopped one says nothing
        if rec:
            self._loudest = 0.0
        self.record_btn.setEnabled(s in (State.ASKING, State.THINKING, State.RECORDING) and not (typed and rec))
        if rec and not typed:
            self.record_btn.setText("\u25a0  Stop  (Space)")
            self.record_btn.setStyleSheet(f"QPushButton {{ color: {colour('bad', self).name()}; }}")
            self.status.setText("Recording\u2026 press Space or the button to stop.")
        else:
            self.record_btn.setText("\u25cf  Start answering  (Space)" if not typed else "Answer below")
            self.record_btn.setStyleSheet("")
        self.replay_btn.setEnabled(s in (State.ASKING, State.THINKING))
        self.skip_btn.setEnabled(s in (State.ASKING, State.THINKING))
        self.stop_read_btn.setEnabled(s == State.ASKING)
        if s == State.ASKING:
            self.status.setText("Listen to the question\u2026" + ("" if typed else " (Space to start answering now)"))
        elif s == State.TRANSCRIBING:
            self.status.setText("Transcribing\u2026")
            self.meter.reset()
        elif s == State.ERROR:
            self.status.setText("Something went wrong: see the message at the top of the window.")
            self.meter.reset()
        elif s == State.RECORDING and typed:
            self.status.setText("Type your answer below.")
            self.typed.setFocus()
        self.submit_btn.setEnabled(s in (State.ASKING, State.THINKING, State.RECORDING))
        if rec and not typed:
            self.record_btn.setFocus()

    def on_speaking(self, speaking: bool) -> None:
        self.speaking_label.setText("Reading the question aloud\u2026" if speaking else "")
        self.stop_read_btn.setEnabled(speaking)

    def on_think(self, left: float) -> None:
        if self.c.state == State.THINKING:
            self.status.setText(f"Think time: {left:0.0f} s \u2013 recording starts automatically (Space to start now)")

    def on_recording(self, elapsed: float, level: float, peak: float) -> None:
        self.clock.set_elapsed(elapsed)
        if not (self.ctx and self.ctx.typed):
            self.meter.set_level(level, peak)
            self._loudest = max(self._loudest, self.meter.level)
            # A dead microphone, not a pause: nothing heard at all since recording started.
            if elapsed > 3 and self._loudest < 0.05:
                self.meter_hint.setText("No sound from the microphone? Check Settings > Audio > Microphone.")
            else:
                self.meter_hint.setText("")

    def on_phase(self, text: str) -> None:
        self.status.setText(text)

    def on_round_clock(self, elapsed: float, planned: float) -> None:
        self.round_clock.setText(f"Round {fmt_clock(elapsed)} / {fmt_clock(planned)}")
        over = elapsed > planned > 0
        self.round_clock.setStyleSheet(f"color: {colour('bad', self).name()};" if over else "")

    def on_model_state(self, state: str, detail: str) -> None:
        if state == "loading":
            self.live.setPlaceholderText("Speech model loading\u2026 your answer will be transcribed when you stop.")
        elif state == "failed":
            self.live.setPlaceholderText("Speech model unavailable: " + detail)
        else:
            self.live.setPlaceholderText("What you say appears here as you speak.")

    def _submit(self) -> None:
        if self.ctx and self.ctx.typed:
            self.c.submit_typed(self.typed.toPlainText())
