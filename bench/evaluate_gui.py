"""How much the Evaluate and Confusions tabs add to an evaluation: press Evaluate -> every view drawn, vs. the core alone.

On a 38,547-image practice set (real K49 test class counts from ../shared/k49 when present), with a seed-cnn
trained for one epoch on a small practice set. Core and GUI runs alternate in one process; medians are reported.
Also times hover feedback over the 49x49 heatmap and repainting the largest image grid.

    QT_QPA_PLATFORM=offscreen PYTHONPATH=. python bench/evaluate_gui.py [--repeats 3]   (from the repo root)
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
from _common import add_smoke_flag

from k49desk import dataset, synth
from k49desk.classes import NUM_CLASSES

TEST_SIZE = 38_547
SHARED_LABELS = Path(__file__).resolve().parents[2] / "shared" / "k49" / "k49-test-labels.npz"


def test_class_counts() -> tuple[np.ndarray, str]:
    """K49's real per-class test counts when the shared labels are here, else 38,547 spread evenly."""
    if SHARED_LABELS.is_file():
        counts = np.bincount(dataset.load_labels(SHARED_LABELS), minlength=NUM_CLASSES)
        return counts, "real K49 test class counts"
    counts = np.full(NUM_CLASSES, TEST_SIZE // NUM_CLASSES)
    counts[: TEST_SIZE % NUM_CLASSES] += 1
    return counts, "equal class counts"


def prepare(work: Path, smoke: bool = False) -> tuple[dataset.K49Data, Path, str]:
    """The big practice set to evaluate (2 images per class with smoke), and a model trained one epoch on a small
    practice set."""
    from k49desk.training import Trainer, TrainSettings

    counts, counts_note = (np.full(NUM_CLASSES, 2), "2 per class (--smoke)") if smoke else test_class_counts()
    t = time.perf_counter()
    synth.synthesize(work / "big", class_counts=(np.full(NUM_CLASSES, 1), counts), seed=1)
    print(f"synthesised {int(counts.sum()):,} test images ({counts_note}) in {time.perf_counter() - t:.0f} s")
    synth.synthesize(work / "small", train_per_class=4 if smoke else 60, test_per_class=1 if smoke else 5, seed=2)
    t = time.perf_counter()
    settings = TrainSettings(arch="seed-cnn", epochs=1)
    run = Trainer(dataset.load(work / "small"), settings, work / "runs").run()
    print(f"trained seed-cnn for 1 epoch on the small practice set in {time.perf_counter() - t:.0f} s")
    return dataset.load(work / "big"), Path(run.path) / "model.keras", counts_note


def time_core(model_path: Path, data) -> float:
    from k49desk.evaluation import evaluate

    t = time.perf_counter()
    evaluate(model_path, data)
    return time.perf_counter() - t


class Gui:
    """The two tabs in a 1280x800 window, sharing one AppState, as the main window holds them."""

    def __init__(self, model_path: Path, data):
        from PySide6.QtWidgets import QApplication, QTabWidget

        from k49desk.gui.confusions_tab import ConfusionsTab
        from k49desk.gui.evaluate_tab import EvaluateTab
        from k49desk.gui.fonts import register_qt_font
        from k49desk.gui.state import ActiveModel, AppState

        self.app = QApplication.instance() or QApplication(sys.argv)
        register_qt_font()
        self.state = AppState(data.data_dir, model_path.parent)
        self.state.set_data(data)
        self.state.set_model(ActiveModel("bench", model_path, model_path.parent))
        self.session = self.state.evaluation_session
        self.window = QTabWidget()
        self.evaluate_tab = EvaluateTab(self.state)
        self.confusions_tab = ConfusionsTab(self.state)
        self.window.addTab(self.evaluate_tab, "Evaluate")
        self.window.addTab(self.confusions_tab, "Confusions")
        self.window.resize(1280, 800)
        self.window.show()
        self.app.processEvents()

    def time_evaluate(self) -> float:
        """Seconds from the click on Evaluate until the summary, table, all three plots and the pair list are drawn."""
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        self.session.cache.clear()
        done = []
        self.session.evaluationChanged.connect(done.append)
        # Every plot page draws (draw_idle) after an evaluation, shown or not: the timing waits for all three.
        drawn = set()
        ids = {}
        if self.evaluate_tab.confusion_plot.canvas is not None:  # the first evaluation creates the canvases
            ids = {key: self.evaluate_tab.plots[key].canvas.mpl_connect("draw_event", lambda _e, k=key: drawn.add(k))
                   for key in ("confusion", "per_class", "scatter")}
        t = time.perf_counter()
        QTest.mouseClick(self.evaluate_tab.evaluate_button, Qt.MouseButton.LeftButton)
        while not done:
            self.app.processEvents()
            time.sleep(0.002)
        if not ids:
            for key in ("confusion", "per_class", "scatter"):
                self.evaluate_tab.plots[key].canvas.draw()
        while len(drawn) < len(ids):
            self.app.processEvents()
            time.sleep(0.002)
        for key, cid in ids.items():
            self.evaluate_tab.plots[key].canvas.mpl_disconnect(cid)
        self.evaluate_tab.repaint()
        self.window.setCurrentWidget(self.confusions_tab)
        self.confusions_tab.repaint()
        self.window.setCurrentWidget(self.evaluate_tab)
        self.app.processEvents()
        elapsed = time.perf_counter() - t
        self.session.evaluationChanged.disconnect(done.append)
        while self.state.running_tasks():
            self.app.processEvents()
        return elapsed

    def time_hover(self, moves: int = 400) -> float:
        """Median milliseconds per mouse move across the heatmap (hover label update)."""
        from PySide6.QtCore import QPoint
        from PySide6.QtTest import QTest

        tab = self.evaluate_tab
        tab.plot_tabs.setCurrentIndex(0)
        canvas = tab.confusion_plot.canvas
        canvas.draw()
        self.app.processEvents()
        ax = tab.confusion_plot.axes
        ratio = canvas.devicePixelRatioF()
        height = canvas.figure.bbox.height
        cells = np.linspace(0, NUM_CLASSES - 1, moves)
        times = []
        for k, c in enumerate(cells):
            x, y = ax.transData.transform((c, cells[-1 - k]))
            t = time.perf_counter()
            QTest.mouseMove(canvas, QPoint(round(x / ratio), round((height - y) / ratio)))
            self.app.processEvents()
            times.append(time.perf_counter() - t)
        return 1000 * statistics.median(times)

    def time_grid_scroll(self, steps: int = 30) -> tuple[float, int]:
        """Median milliseconds to scroll and repaint the misread-image grid of the most misread character."""
        ev = self.session.evaluation
        row_errors = ev.confusion.sum(axis=1) - np.diag(ev.confusion)
        true = int(row_errors.argmax())
        self.window.setCurrentWidget(self.confusions_tab)
        self.session.select_class(true)
        grid = self.confusions_tab.grid
        self.app.processEvents()
        bar = grid.verticalScrollBar()
        times = []
        for k in range(steps):
            t = time.perf_counter()
            bar.setValue(bar.maximum() * k // max(1, steps - 1))
            grid.viewport().repaint()
            times.append(time.perf_counter() - t)
        self.window.setCurrentWidget(self.evaluate_tab)
        return 1000 * statistics.median(times), grid.image_count()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    add_smoke_flag(parser)
    args = parser.parse_args(argv)
    if args.smoke:
        args.repeats = 1

    with tempfile.TemporaryDirectory(prefix="k49bench-") as tmp:
        data, model_path, counts_note = prepare(Path(tmp), args.smoke)
        data.fingerprint  # hashed once up front, as the Data tab does on load; not part of either timing
        gui = Gui(model_path, data)
        time_core(model_path, data)  # warm-up: TensorFlow's first graph build is paid by whichever runs first
        first_gui = gui.time_evaluate()  # includes building the plots (importing matplotlib) once
        core, gui_times = [], []
        for _ in range(args.repeats):
            core.append(time_core(model_path, data))
            gui_times.append(gui.time_evaluate())
        hover_ms = gui.time_hover(20 if args.smoke else 400)
        scroll_ms, grid_images = gui.time_grid_scroll(3 if args.smoke else 30)

    core_s, gui_s = statistics.median(core), statistics.median(gui_times)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, CPU only"
          f" (TensorFlow sees {'a GPU' if _has_gpu() else 'no GPU'})")
    print(f"data: practice set, {len(data.y_test):,} test images ({counts_note}); model: seed-cnn, 1 epoch")
    print(f"core evaluate():            median {core_s:6.2f} s  ({', '.join(f'{t:.2f}' for t in core)})")
    print(f"GUI click -> views drawn:   median {gui_s:6.2f} s  ({', '.join(f'{t:.2f}' for t in gui_times)})")
    print(f"GUI overhead:               {gui_s - core_s:+.2f} s = {100 * (gui_s / core_s - 1):+.1f}% (goal < 25%)")
    print(f"first GUI evaluation (builds the plots, imports matplotlib): {first_gui:.2f} s")
    print(f"hover over the heatmap: median {hover_ms:.2f} ms per mouse move")
    print(f"grid of {grid_images:,} misread images: median {scroll_ms:.1f} ms per scroll + repaint")
    return 0


def _has_gpu() -> bool:
    import tensorflow as tf

    return bool(tf.config.list_physical_devices("GPU"))


if __name__ == "__main__":
    sys.exit(main())
