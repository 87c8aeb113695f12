"""Press things in any order: the controller never raises, never gets stuck, and the window
always shows the page for its state (no dead ends)."""

from __future__ import annotations

import random

import pytest
from PySide6.QtWidgets import QApplication

from voiceprep.ui.controller import State
from voiceprep.ui.main_window import MainWindow


def _actions(w: MainWindow, bank):
    c = w.c
    q = bank.questions
    return {
        "start": lambda r: c.start_question(bank, r.choice(q), typed=r.random() < 0.2, queue=list(q)),
        "round": lambda r: c.start_round(bank, bank.round("screen"), typed=r.random() < 0.2, seed=r.randrange(99)),
        "toggle": lambda r: c.toggle_recording(),
        "skip": lambda r: c.skip_think(),
        "replay": lambda r: c.replay_question(),
        "stop_speaking": lambda r: c.stop_speaking(),
        "typed": lambda r: c.submit_typed(r.choice(["", "I would run an experiment on retention."])),
        "cancel": lambda r: c.cancel(),
        "retry": lambda r: c.retry(),
        "next": lambda r: c.next_question(),
        "follow_up": lambda r: c.ask_follow_up(),
        "end_round": lambda r: c.end_round_early(),
        "home": lambda r: w.go_home(),
        "wait": lambda r: None,
    }


@pytest.mark.parametrize("seed", range(3))
def test_random_walk_never_breaks(qtbot, services, bank, seed):
    services.fakes.transcriber.work_s = 0.02
    w = MainWindow(services)
    qtbot.addWidget(w)
    w.show()
    w.after_show()
    rng = random.Random(seed)
    acts = _actions(w, bank)
    names = sorted(acts)
    for _ in range(100):
        name = rng.choice(names)
        acts[name](rng)
        qtbot.wait(rng.choice([0, 5, 30, 80]))
        QApplication.processEvents()
        s = w.c.state
        page = w.stack.currentWidget()
        if s in (State.ASKING, State.THINKING, State.RECORDING, State.TRANSCRIBING):
            assert page is w.question, (name, s)
        elif s == State.FEEDBACK:
            assert page is w.feedback, (name, s)
        elif s == State.IDLE:
            assert page in (w.home, w.summary), (name, s)
    # whatever happened, the user can always get back home and start again
    w.go_home()
    assert w.c.state == State.IDLE and w.stack.currentWidget() is w.home
    w.c.start_question(bank, bank.questions[0])
    qtbot.waitUntil(lambda: w.c.state == State.RECORDING, timeout=5000)
    w.c.toggle_recording()
    qtbot.waitUntil(lambda: w.c.state == State.FEEDBACK, timeout=10000)
    w.close()
