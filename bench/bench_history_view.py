"""Benchmark: opening the History screen with 5,000 stored attempts, in the real widget.

bench_history.py times the store's queries; this one times what the user waits for: from
"open history" (Ctrl+H) to the view painted with its list, counts and trend charts, on a real
SQLite file of 5,000 realistic attempts, in the real MainWindow (offscreen Qt; speech faked,
since nothing here speaks). Baselines in the same run: the same action on an empty history, and
switching to the home screen. Prints JSON; ``open_5000_s.median_s`` is the number for the 0.5 s
target, the ratios are what to compare across machines.

    .venv/bin/python bench/bench_history_view.py [--attempts 5000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench_history import populate  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from tests.ui.fakes import make_services  # noqa: E402
from voiceprep.ui import history_adapter  # noqa: E402
from voiceprep.ui.main_window import MainWindow  # noqa: E402


def build_window(tmp: Path) -> MainWindow:
    svc = make_services(tmp, None)  # real built-in banks, fake speech
    svc.open_store = history_adapter.open_store
    w = MainWindow(svc)
    w.resize(1280, 720)
    w.show()
    w.after_show()
    QApplication.processEvents()
    return w


def time_action(w: MainWindow, action: str, repeat: int) -> dict[str, float]:
    runs = []
    for _ in range(repeat):
        w.go_home()
        QApplication.processEvents()
        t = time.perf_counter()
        getattr(w, action)()
        w.repaint()  # synchronous paint of the whole window, as the user sees it
        QApplication.processEvents()
        runs.append(time.perf_counter() - t)
    return {"first_s": round(runs[0], 4), "median_s": round(statistics.median(runs), 4), "max_s": round(max(runs), 4)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--attempts", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as full_dir, tempfile.TemporaryDirectory() as empty_dir:
        full, empty = Path(full_dir), Path(empty_dir)
        setup_s = populate(full / "data", args.attempts)
        os.environ["VOICEPREP_CONFIG_DIR"] = str(full / "config")
        w_full = build_window(full)
        open_full = time_action(w_full, "show_history", args.repeat)
        rows_shown = w_full.history_view.table.rowCount()
        count_text = w_full.history_view.count.text()
        home_full = time_action(w_full, "go_home", args.repeat)
        w_full.close()
        w_empty = build_window(empty)
        open_empty = time_action(w_empty, "show_history", args.repeat)
        w_empty.close()
    result = {
        "attempts": args.attempts,
        "setup_s": round(setup_s, 2),
        "rows_shown": rows_shown,
        "count_label": count_text,
        "open_5000_s": open_full,
        "open_empty_s": open_empty,
        "go_home_s": home_full,
        "ratio_open_5000_vs_empty": round(open_full["median_s"] / max(open_empty["median_s"], 1e-6), 2),
        "ratio_open_5000_vs_go_home": round(open_full["median_s"] / max(home_full["median_s"], 1e-6), 2),
        "target_s": 0.5,
        "meets_target": open_full["median_s"] < 0.5,
    }
    print(json.dumps(result, indent=2))
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
