"""Training through the Train tab vs. the core Trainer alone: samples/s ratio and the GUI event loop's longest stall.

GUI side: a TrainTab in a shown 1280x800 window under a QApplication (offscreen unless DISPLAY is given), its
Start button clicked, training in the tab's warm child process (k49desk.train_process) while the curves and progress
bar update. Core side: training.Trainer(...).run() in this process on the same data and settings, no Qt and no
progress callback. Each side trains a fresh model after one warm-up run of its own (TensorFlow's one-time start-up
costs land there: the core's in this process, the GUI's in the child); --reps > 1 alternates the sides and reports
medians.

"fit samples/s" is the run's own measure (training samples over the fitting time of each epoch, validation excluded,
from run.json); "end to end" counts training samples over the wall time from Start (or run()) until the run is
written and, for the GUI, the tab shows it finished. Goal: GUI / core >= 0.95.
While the GUI trains, a QTimer ticks every --heartbeat-ms on the GUI thread; the longest gap between two ticks is
the longest the window could not react (goal < 100 ms).

    python bench/gui_training.py [--data-dir DIR] [--per-class 300] [--epochs 1] [--batch-size 256] [--reps 1]
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

from _common import add_smoke_flag, machine, percentile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def rates(info, seconds: float) -> tuple[float, float, int]:
    """(fit samples/s from the run's run.json, end-to-end samples/s over `seconds`, training samples) of a run."""
    from k49desk import runs

    meta = json.loads((Path(info.path) / runs.RUN_FILE).read_text(encoding="utf-8"))
    n, per_epoch = int(meta["sizes"]["train"]), meta["timings"]["train_samples_per_s"]
    fit = n * len(per_epoch) / sum(n / r for r in per_epoch)
    return fit, n * info.epochs_done / seconds, n


def core_run(data, settings, runs_dir: Path) -> tuple[float, float, int]:
    """Trainer.run alone: see rates()."""
    from k49desk.training import Trainer

    start = time.perf_counter()
    info = Trainer(data, settings, runs_dir).run()
    return rates(info, time.perf_counter() - start)


class Gui:
    """A TrainTab over its own AppState in a shown window, with the plots made as after TensorFlow has loaded."""

    def __init__(self, data, runs_dir: Path, settings):
        from PySide6.QtWidgets import QApplication

        from k49desk.gui.app import import_ml
        from k49desk.gui.fonts import register_qt_font
        from k49desk.gui.state import AppState
        from k49desk.gui.train_tab import TrainTab

        self.app = QApplication.instance() or QApplication(sys.argv)
        register_qt_font()
        import_ml()
        self.state = AppState(data.data_dir, runs_dir)
        self.state.set_data(data)
        self.tab = TrainTab(self.state)
        self.tab.resize(1280, 800)
        self.tab.show()
        self.state.set_ml_ready()
        self._wait_for_tasks()  # the parameter counts, built on a worker once TensorFlow is ready
        tab = self.tab
        tab.arch_combo.setCurrentIndex(tab.arch_combo.findData(settings.arch))
        tab.epochs_spin.setValue(settings.epochs)
        tab.batch_spin.setValue(settings.batch_size)
        tab.lr_spin.setValue(settings.learning_rate)
        tab.val_spin.setValue(settings.validation_split)
        tab.seed_spin.setValue(settings.seed)
        assert tab.settings() == settings, (tab.settings(), settings)
        self.draws = 0
        tab.plots.canvas.mpl_connect("draw_event", self._count_draw)

    def _count_draw(self, _event) -> None:
        self.draws += 1

    def close(self) -> None:
        self.state.end_training_process()

    def _wait_for_tasks(self) -> None:
        while self.state.running_tasks():
            self.app.processEvents()
            time.sleep(0.005)
        self.app.processEvents()

    def run(self, heartbeat_ms: int) -> dict:
        """Click Start, run the event loop until the tab shows the run finished; rates and event-loop gaps."""
        from PySide6.QtCore import QEventLoop, Qt, QTimer
        from PySide6.QtTest import QTest

        from k49desk.training import BatchProgress

        ticks: list[float] = []
        heartbeat = QTimer(interval=heartbeat_ms, timerType=Qt.TimerType.PreciseTimer)
        heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
        loop = QEventLoop()
        infos = []
        self.state.runsChanged.connect(loop.quit)  # emitted once the tab has taken in the finished run
        self.draws = 0

        heartbeat.start()
        start = time.perf_counter()
        QTest.mouseClick(self.tab.start_button, Qt.MouseButton.LeftButton)
        task = self.tab.run_slot.task
        failures = []
        task.succeeded.connect(infos.append)
        task.failed.connect(failures.append)
        task.failed.connect(loop.quit)
        first_batch = []

        def note_first_batch(event):
            if isinstance(event, BatchProgress) and not first_batch:
                first_batch.append(time.perf_counter())

        task.progress.connect(note_first_batch)
        loop.exec()
        seconds = time.perf_counter() - start
        heartbeat.stop()
        self.state.runsChanged.disconnect(loop.quit)
        self._wait_for_tasks()
        if failures or not infos:
            raise RuntimeError(f"training in the GUI failed: {failures}")
        fit, end_to_end, _n = rates(infos[0], seconds)
        gaps = [(1000 * (b - a), b) for a, b in zip(ticks, ticks[1:])]  # (gap, when it ended)
        # Before the first batch the child builds the model and traces the training step.
        split = first_batch[0] if first_batch else float("inf")
        gaps_ms = [g for g, _ in gaps]
        return {
            "fit": fit,
            "end_to_end": end_to_end,
            "max_gap_ms": max(gaps_ms),
            "max_gap_start_ms": max((g for g, end in gaps if end <= split), default=0.0),
            "max_gap_batches_ms": max((g for g, end in gaps if end > split), default=0.0),
            "p99_gap_ms": percentile(gaps_ms, 99),
            "gaps_over_100": sum(g > 100 for g in gaps_ms),
            "ticks": len(ticks),
            "draws": self.draws,
            "batch_points": self.tab.plots.points("batch_loss"),
        }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="a K49-format folder (default: a practice set made here)")
    parser.add_argument("--per-class", type=int, default=300, help="training images per class of the practice set")
    parser.add_argument("--arch", default="seed-cnn")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--reps", type=int, default=1, help="runs of each side after the warm-up (alternating)")
    parser.add_argument("--heartbeat-ms", type=int, default=10)
    add_smoke_flag(parser)
    args = parser.parse_args(argv)
    if args.smoke:
        args.per_class, args.batch_size, args.epochs, args.reps = 4, 16, 1, 1

    from k49desk import dataset, paths, synth
    from k49desk.training import TrainSettings

    settings = TrainSettings(arch=args.arch, epochs=args.epochs, batch_size=args.batch_size)
    with tempfile.TemporaryDirectory(prefix="k49bench-") as tmp:
        tmp = Path(tmp)
        os.environ.setdefault("K49DESK_SETTINGS", str(tmp / "settings.ini"))  # the Train form's, not the user's
        data_dir = args.data_dir
        if data_dir is None:
            data_dir = tmp / "practice"
            synth.synthesize(data_dir, train_per_class=args.per_class, test_per_class=2 if args.smoke else 20, seed=0,
                             fonts=[paths.hiragana_font_path()])
        data = dataset.load(data_dir)
        data.fingerprint  # hashed once here, as the Data tab does on load; part of neither timing

        if not args.smoke:  # warm-ups: TensorFlow's one-time costs in this process and in the child
            core_run(data, settings, tmp / "warm-up")
        gui = Gui(data, tmp / "gui-runs", settings)
        if not args.smoke:
            gui.run(args.heartbeat_ms)
        core, ui = [], []
        n = 0
        for _ in range(args.reps):
            fit, end_to_end, n = core_run(data, settings, tmp / "core-runs")
            core.append((fit, end_to_end))
            ui.append(gui.run(args.heartbeat_ms))
        gui.close()

    def med(values):
        return statistics.median(values)

    core_fit, core_e2e = med([c[0] for c in core]), med([c[1] for c in core])
    gui_fit, gui_e2e = med([u["fit"] for u in ui]), med([u["end_to_end"] for u in ui])
    kind = "practice set rendered from IPAexGothic (not K49)" if data.practice else data.name
    print(f"machine: {machine()}")
    print(f"data: {kind}, {len(data.y_train):,} training images -> {n:,} trained on, the rest validation; "
          f"{settings.arch}, batch {settings.batch_size}, {settings.epochs} epoch(s); "
          f"{args.reps} run(s) of each side after a warm-up{', medians' if args.reps > 1 else ''}")
    print(f"{'':28}{'fit samples/s':>15}{'end to end samples/s':>23}")
    print(f"{'core Trainer alone':28}{core_fit:>15,.0f}{core_e2e:>23,.0f}")
    print(f"{'GUI (TrainTab, child)':28}{gui_fit:>15,.0f}{gui_e2e:>23,.0f}")
    print(f"{'ratio GUI / core':28}{gui_fit / core_fit:>15.3f}{gui_e2e / core_e2e:>23.3f}   (goal >= 0.95)")
    worst = max(ui, key=lambda u: u["max_gap_ms"])
    print(f"GUI event loop, {args.heartbeat_ms} ms heartbeat: longest gap {worst['max_gap_ms']:.0f} ms "
          f"(goal < 100 ms), p99 {worst['p99_gap_ms']:.0f} ms, {worst['gaps_over_100']} gap(s) over 100 ms "
          f"in {worst['ticks']:,} ticks")
    print(f"  longest gap until the first batch is reported (model build, tracing): "
          f"{worst['max_gap_start_ms']:.0f} ms; after it (batches, validation, saving): "
          f"{worst['max_gap_batches_ms']:.0f} ms")
    print(f"plots: {worst['draws']} redraws during the run, {worst['batch_points']} per-batch points at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
