"""Resident memory of the GUI process (and of its training child) over repeated train/stop cycles in the main window.

Each cycle clicks Start in the Train tab, waits until the first epoch has ended and the second has begun, clicks
Stop, and waits until the stopped run is listed and its model active (the Draw tab then loads it, as it does for a
person). After each cycle the GUI idles for a moment, and the resident memory of both processes is read. Goal: the
GUI's series levels off (the slope over the last 10 cycles near 0 MB per cycle); before training moved to a child
process it grew ~12 MB per run without a plateau.

    nice python bench/gui_memory.py [--cycles 20] [--per-class 30] [--batch-size 64]
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from pathlib import Path

from _common import add_smoke_flag, machine

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
TIMEOUT_S = 300


def wait_until(app, condition, what: str) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what}")
        app.processEvents()
        time.sleep(0.005)


def idle(app, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def slope(values: list[float]) -> float:
    """Least-squares slope of values against their index; NaN for fewer than two values (one cycle)."""
    import numpy as np

    if len(values) < 2:
        return float("nan")
    return float(np.polyfit(np.arange(len(values)), values, 1)[0])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=20)
    parser.add_argument("--per-class", type=int, default=30, help="training images per class of the practice set")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--retire-mb", type=float, help="replace the training process once it grew this much "
                        "(default: k49desk.train_process.RETIRE_GROWTH_MB)")
    add_smoke_flag(parser)
    args = parser.parse_args(argv)
    if args.smoke:
        args.cycles, args.per_class, args.batch_size = 1, 4, 16

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from k49desk import dataset, paths, synth
    from k49desk.gui import app as gui_app
    from k49desk.train_process import resident_mb

    qt_app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory(prefix="k49bench-") as tmp:
        tmp = Path(tmp)
        os.environ.setdefault("K49DESK_SETTINGS", str(tmp / "settings.ini"))  # the window's, not the user's
        data_dir = tmp / "practice"
        synth.synthesize(data_dir, train_per_class=args.per_class, test_per_class=1 if args.smoke else 10, seed=0,
                         fonts=[paths.hiragana_font_path()])
        window = gui_app.create_window(data_dir, tmp / "runs")
        window.show()
        window._ml_imported(gui_app.import_ml())
        data = dataset.load(data_dir)
        data.fingerprint  # noqa: B018 - hashed as the Data tab does on load
        window.state.set_data(data)
        tab = window.train_tab
        window.show_tab(tab)
        tab.epochs_spin.setValue(50)
        tab.batch_spin.setValue(args.batch_size)
        if args.retire_mb is not None:
            tab.training_process.retire_growth_mb = args.retire_mb
        wait_until(qt_app, lambda: not window.state.running_tasks(), "the start-up tasks")

        gui, child, pids = [], [], []
        for cycle in range(1, args.cycles + 1):
            QTest.mouseClick(tab.start_button, Qt.MouseButton.LeftButton)
            wait_until(qt_app, lambda: tab._history["val_accuracy"] and tab._last_batch.epoch >= 2,
                       "the second epoch")
            QTest.mouseClick(tab.stop_button, Qt.MouseButton.LeftButton)
            wait_until(qt_app, lambda: not window.state.running_tasks(), "the stop and the model load")
            idle(qt_app, 0.5)
            gc.collect()
            gui.append(resident_mb())
            child.append(resident_mb(tab.training_process.pid))
            pids.append(tab.training_process.pid)
            print(f"cycle {cycle:2}: GUI {gui[-1]:7,.0f} MB   training process {child[-1]:7,.0f} MB (pid {pids[-1]})",
                  flush=True)
        runs_kept = tab.runs_table.rowCount()
        window.close()

    last = min(10, len(gui))
    print(f"machine: {machine()}")
    print(f"data: practice set rendered from IPAexGothic (not K49), {args.per_class} training images per class; "
          f"seed-cnn, batch {args.batch_size}; {args.cycles} cycles of Start, Stop in epoch 2 ({runs_kept} runs kept)")
    print("GUI MB:   " + " ".join(f"{v:.0f}" for v in gui))
    print("child MB: " + " ".join(f"{v:.0f}" for v in child))
    print(f"GUI: {gui[0]:,.0f} -> {gui[-1]:,.0f} MB; slope over the last {last} cycles "
          f"{slope(gui[-last:]):+.2f} MB/cycle (goal: levels off, near 0)")
    print(f"training process: {child[0]:,.0f} -> {child[-1]:,.0f} MB, {len(set(pids))} process(es) in turn "
          f"(one is replaced once it grew {tab.training_process.retire_growth_mb:.0f} MB since its first run)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
