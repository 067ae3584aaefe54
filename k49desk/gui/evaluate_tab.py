"""Evaluate tab: run the active model on the test set, then explore the report, per-class plots and confusion matrix."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from PySide6.QtCore import QItemSelectionModel, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from k49desk.classes import CLASSES, NUM_CLASSES
from k49desk.gui.fonts import hiragana_font
from k49desk.gui.messages import show_error
from k49desk.gui.state import AppState
from k49desk.gui.tables import SORT, RowsTableModel, rows_table
from k49desk.gui.workers import TaskSlot

COLUMNS = ("Char", "Romaji", "#", "Precision", "Recall", "F1", "Support")
COLUMN_WIDTHS = (44, 80, 34, 72, 64, 56, 64)  # fit the left pane at the default window size without scrolling
F1_COLUMN = COLUMNS.index("F1")
PLOTS = {"confusion": "Confusion matrix", "per_class": "Per class", "scatter": "Precision vs recall"}
HOVER_PICK_PX = 12  # a scatter point counts as hovered within this many screen pixels
SELECTED_COLOR = "#c44e52"  # the selected class, in every plot


def f1_colour(f1: float) -> QColor:
    """A light tint from red (F1 0.5 or less) through yellow to green (F1 1): readable under black text."""
    # Below 0.5 every class is simply bad; spending the whole hue range on 0.5..1 separates the ones that matter.
    return QColor.fromHsvF(max(0.0, min(1.0, 2.0 * f1 - 1.0)) / 3.0, 0.4, 1.0)


def evaluation_key(model_path: Path, data) -> tuple:
    """What an evaluation depends on: the model file (and its modification time) and the exact data."""
    path = Path(model_path)
    return (str(path.resolve()), path.stat().st_mtime_ns, data.fingerprint)


class ReportModel(RowsTableModel):
    """The per-class classification report, one row per character."""

    def __init__(self, parent=None):
        super().__init__(COLUMNS, parent)
        self._char_font = hiragana_font(20)

    def class_index(self, row: int) -> int:
        return self.rows[row].index

    def row_of_class(self, class_index: int) -> int:
        return next(r for r, c in enumerate(self.rows) if c.index == class_index)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        c = self.rows[index.row()]
        col = index.column()
        values = (c.char, c.romaji, c.index, c.precision, c.recall, c.f1, c.support)
        if role == Qt.ItemDataRole.DisplayRole:
            value = values[col]
            return f"{value:.3f}" if isinstance(value, float) else str(value)
        if role == SORT:
            return c.index if col == 0 else values[col]
        if role == Qt.ItemDataRole.BackgroundRole:
            return f1_colour(c.f1)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor("black")
        if role == Qt.ItemDataRole.FontRole and col == 0:
            return self._char_font
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter if col < 2 else Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{CLASSES[c.index].label}: precision {c.precision:.3f}, recall {c.recall:.3f}, F1 {c.f1:.3f}, {c.support} test images"
        return None


class EvaluateTab(QWidget):
    def __init__(self, state: AppState, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("evaluateTab")
        self.state = state
        self.evaluation_slot = TaskSlot(state, self)
        self.evaluation_slot.busyChanged.connect(self._on_busy)
        self.evaluation = None
        self._task_key = None
        self._started = 0.0
        self._selecting = False  # a selection made here must not bounce back through classSelected
        self._plots = None  # built on the first evaluation, so matplotlib is imported only when needed
        self._highlighted: int | None = None  # the class marked in the plots
        self._stale_plots: set[str] = set()  # plots changed while hidden: drawn when their tab is chosen
        self._hover_cell = None

        self.target_label = QLabel(objectName="evaluationTarget")
        self.evaluate_button = QPushButton("Evaluate", objectName="evaluateButton")
        self.evaluate_button.setToolTip("Run the active model on every test image of the loaded data")
        self.evaluate_button.clicked.connect(self.evaluate)
        self.progress_bar = QProgressBar(objectName="evaluationProgress")
        self.progress_bar.setVisible(False)
        self.progress_label = QLabel(objectName="evaluationProgressLabel")
        self.cancel_button = QPushButton("Cancel", objectName="cancelEvaluationButton")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel)

        self.export_buttons = []
        export_row = QHBoxLayout()
        export_row.addWidget(QLabel("Export:"))
        for text, name, slot in (
            ("Report CSV", "exportReportButton", lambda: self._ask_and_export("report.csv", self.export_report_csv)),
            ("Predictions CSV", "exportPredictionsButton", lambda: self._ask_and_export("predictions.csv", self.export_predictions_csv)),
            ("Confusion CSV", "exportConfusionButton", lambda: self._ask_and_export("confusion.csv", self.export_confusion_csv)),
            ("Plot PNG/SVG", "exportPlotButton", self._ask_and_export_plot),
        ):
            button = QPushButton(text, objectName=name)
            button.clicked.connect(slot)
            button.setEnabled(False)
            export_row.addWidget(button)
            self.export_buttons.append(button)
        export_row.addStretch(1)

        top = QHBoxLayout()
        top.addWidget(self.target_label, 1)
        top.addWidget(self.progress_bar, 1)
        top.addWidget(self.progress_label)
        top.addWidget(self.cancel_button)
        top.addWidget(self.evaluate_button)

        self.summary = QLabel(objectName="evaluationSummary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setText("Press <b>Evaluate</b> to measure the active model on the test set.")

        self.report_model = ReportModel(self)
        self.report_proxy = QSortFilterProxyModel(self)
        self.table = rows_table(
            "reportTable", self.report_model, self.report_proxy, widths=COLUMN_WIDTHS,
            stretch_column=COLUMNS.index("Romaji"), row_height=34, sort_column=F1_COLUMN,
            sort_order=Qt.SortOrder.AscendingOrder,
        )
        # Selection, not the current index: a table getting the focus makes its first row current, unselected.
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.summary)
        left_layout.addWidget(self.table, 1)

        self.plot_tabs = QTabWidget(objectName="evaluationPlots")
        self.plot_tabs.currentChanged.connect(self._on_plot_tab)
        self.plot_pages = {}
        for key, title in PLOTS.items():
            page = QWidget(objectName=f"{key}Page")
            QVBoxLayout(page).setContentsMargins(2, 2, 2, 2)
            self.plot_pages[key] = page
            self.plot_tabs.addTab(page, title)

        self.mode_combo = QComboBox(objectName="confusionModeCombo")
        self.mode_combo.addItems(["Counts", "Row-normalised (recall on the diagonal)"])
        self.mode_combo.setToolTip("Counts of test images, or each row divided by the number of images of that character")
        self.mode_combo.currentIndexChanged.connect(self._draw_confusion)
        self.cell_label = QLabel(objectName="confusionHoverLabel")
        self.cell_label.setFont(hiragana_font(11))
        self.point_label = QLabel(objectName="scatterHoverLabel")
        self.point_label.setFont(hiragana_font(11))
        confusion_bar = QHBoxLayout()
        confusion_bar.addWidget(self.mode_combo)
        confusion_bar.addWidget(self.cell_label, 1)
        self.plot_pages["confusion"].layout().addLayout(confusion_bar)
        self.plot_pages["scatter"].layout().addWidget(self.point_label)

        splitter = QSplitter(Qt.Orientation.Horizontal, objectName="evaluateSplitter")
        splitter.addWidget(left)
        splitter.addWidget(self.plot_tabs)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([440, 820])

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addLayout(export_row)

        state.modelChanged.connect(self._on_target_changed)
        state.dataChanged.connect(self._on_target_changed)
        state.evaluationChanged.connect(self.show_evaluation)
        state.classSelected.connect(self._on_class_selected)
        self._on_target_changed()
        if state.evaluation is not None:
            self.show_evaluation(state.evaluation)

    # Running ----------------------------------------------------------------------------------------

    def _on_target_changed(self, *_):
        model, data = self.state.model, self.state.data
        self.target_label.setText(
            f"Model: <b>{model.name if model else 'none'}</b> · Data: <b>{data.name if data else 'none loaded'}</b>"
        )
        self.evaluate_button.setEnabled(model is not None and data is not None and not self.evaluation_slot.busy)
        key = self._current_key()
        cached = self.state.evaluation_cache.get(key) if key is not None else None
        if cached is not None:
            if cached is not self.state.evaluation:
                self.state.set_evaluation(cached, key)
        elif self.state.evaluation is not None and (key is None or self.state.evaluation_key != key):
            # Another model or other data: the results on show no longer describe them.
            self.state.set_evaluation(None)

    def _current_key(self):
        """evaluation_key of the active model and loaded data; None when either is missing or unreadable."""
        model, data = self.state.model, self.state.data
        if model is None or data is None:
            return None
        try:
            return evaluation_key(model.path, data)
        except OSError:
            return None

    def evaluate(self) -> None:
        """Evaluate the active model on the loaded test set; show a cached result at once when there is one."""
        model, data = self.state.model, self.state.data
        if model is None or data is None or self.evaluation_slot.busy:
            return
        try:
            key = evaluation_key(model.path, data)
        except OSError as e:
            show_error(self, "Cannot evaluate", f"{model.path}: model file cannot be read ({e.strerror or e})")
            return
        cached = self.state.evaluation_cache.get(key)
        if cached is not None:
            self.state.set_evaluation(cached, key)
            return

        def run(progress=None, cancel=None):
            from k49desk.evaluation import evaluate

            return evaluate(model.path, data, progress=progress, cancel=cancel)

        self._task_key = key
        self._started = time.monotonic()
        self.progress_bar.setRange(0, 0)
        self.progress_label.setText("Loading the model…")
        self.evaluation_slot.run(
            "evaluation",
            run,
            on_progress=self._on_progress,
            on_success=self._on_succeeded,
            on_failure=self._on_failed,
            on_cancelled=lambda: self.progress_label.setText("Evaluation cancelled"),
            user_work=True,
        )

    @property
    def task(self):
        """The evaluation running, None when none is."""
        return self.evaluation_slot.task

    def cancel(self) -> None:
        if self.evaluation_slot.busy:
            self.evaluation_slot.cancel()
            self.progress_label.setText("Cancelling…")

    def _set_running(self, running: bool) -> None:
        self.progress_bar.setVisible(running)
        self.cancel_button.setVisible(running)
        self.evaluate_button.setEnabled(not running)

    def _on_progress(self, event) -> None:
        self.progress_bar.setRange(0, event.total)
        self.progress_bar.setValue(event.done)
        elapsed = time.monotonic() - self._started
        text = f"{event.done:,} / {event.total:,} images"
        if 0 < event.done < event.total:
            text += f" · {elapsed * (event.total - event.done) / event.done:.0f} s left"
        self.progress_label.setText(text)

    def _on_succeeded(self, evaluation) -> None:
        self.state.evaluation_cache[self._task_key] = evaluation
        if self._task_key != self._current_key():
            # The model or data changed while it ran: keep the result for when they are chosen again.
            self.progress_label.setText("Evaluated a model or data no longer active; press Evaluate for these")
            return
        self.progress_label.setText(f"Evaluated in {time.monotonic() - self._started:.1f} s")
        self.state.set_evaluation(evaluation, self._task_key)

    def _on_failed(self, message: str) -> None:
        self.progress_label.setText("Evaluation failed")
        show_error(self, "Evaluation failed", message)

    def _on_busy(self, busy: bool) -> None:
        self._set_running(busy)
        if not busy:
            self._on_target_changed()

    # Showing ----------------------------------------------------------------------------------------

    def show_evaluation(self, evaluation) -> None:
        """Fill the summary, table and plots with `evaluation` (None clears the summary and table)."""
        self.evaluation = evaluation
        for button in self.export_buttons:
            button.setEnabled(evaluation is not None)
        self.plot_tabs.setVisible(evaluation is not None)  # no plots of another model's or data's results
        if evaluation is None:
            self.summary.setText("Press <b>Evaluate</b> to measure the active model on the test set.")
            self.report_model.set_rows([])
            return
        self.summary.setText(summary_html(evaluation))
        self.report_model.set_rows(evaluation.report)
        if self._plots is None:
            self._plots = self._build_plots()
        self._draw_per_class()
        self._draw_scatter()
        self._draw_confusion()
        self._stale_plots.clear()
        self._highlight_class(self._selected_class(), redraw=False)  # before those draws happen: part of them

    def _build_plots(self) -> dict:
        """Create the three canvases and their artists once; later evaluations only update the artists."""
        from k49desk.gui.plots import make_canvas

        plots = {}
        for key in PLOTS:
            canvas = make_canvas(8, 6, self.plot_pages[key], steady_layout=True)
            canvas.setObjectName(f"{key}Canvas")
            self.plot_pages[key].layout().insertWidget(0, canvas, 1)
            plots[key] = canvas
        plots["confusion"].mpl_connect("motion_notify_event", self._on_confusion_hover)
        plots["confusion"].mpl_connect("button_press_event", self._on_confusion_click)
        plots["scatter"].mpl_connect("motion_notify_event", self._on_scatter_hover)
        plots["scatter"].mpl_connect("button_press_event", self._on_scatter_click)
        self._init_confusion(plots["confusion"].figure)
        self._init_per_class(plots["per_class"].figure)
        self._init_scatter(plots["scatter"].figure)
        return plots

    def canvas(self, key: str):
        """The matplotlib canvas of one plot ('confusion', 'per_class', 'scatter'); None before the first evaluation."""
        return None if self._plots is None else self._plots[key]

    # Confusion matrix -------------------------------------------------------------------------------

    def _init_confusion(self, figure) -> None:
        ax = figure.add_subplot()
        self._confusion_ax = ax
        self._confusion_image = ax.imshow(np.zeros((NUM_CLASSES, NUM_CLASSES)), cmap="Blues", interpolation="nearest")
        self._colorbar = figure.colorbar(self._confusion_image, ax=ax, shrink=0.8, pad=0.01)
        ticks = range(NUM_CLASSES)
        chars = [c.char for c in CLASSES]
        ax.set_xticks(ticks, chars, fontsize=7)
        ax.set_yticks(ticks, chars, fontsize=7)
        ax.tick_params(length=0, pad=1)
        ax.set_xlabel("Predicted")
        ax.set_ylabel("True")
        from matplotlib.patches import Rectangle

        # The selected class: its row (as the true character) and its column (as the prediction), outlined.
        self._confusion_marks = [
            ax.add_patch(Rectangle((-0.5, -0.5), w, h, fill=False, ec=SELECTED_COLOR, lw=1.2, visible=False))
            for w, h in ((NUM_CLASSES, 1), (1, NUM_CLASSES))
        ]

    def confusion_normalised(self) -> bool:
        return self.mode_combo.currentIndex() == 1

    def _draw_confusion(self, *_) -> None:
        if self._plots is None or self.evaluation is None:
            return
        from matplotlib.colors import LogNorm, PowerNorm

        ev = self.evaluation
        image = self._confusion_image
        if self.confusion_normalised():
            image.set_data(ev.confusion_normalized)
            # A square-root scale keeps rare confusions (a few %) visible next to a diagonal near 1.
            image.set_norm(PowerNorm(0.5, vmin=0.0, vmax=1.0))
            self._colorbar.set_label("share of the row (true character)")
        else:
            counts = np.ma.masked_equal(ev.confusion, 0)
            image.set_data(counts)
            image.set_norm(LogNorm(vmin=1, vmax=max(2, int(ev.confusion.max()))))
            self._colorbar.set_label("test images (log scale)")
        self._confusion_ax.set_title(f"Confusion matrix · {ev.model_name} on {ev.data_name}", fontsize=10)
        self._plots["confusion"].draw_idle()

    def _cell_at(self, event):
        if event.inaxes is not self._confusion_ax or event.xdata is None:
            return None
        col, row = int(round(event.xdata)), int(round(event.ydata))
        if 0 <= row < NUM_CLASSES and 0 <= col < NUM_CLASSES:
            return row, col
        return None

    def _on_confusion_hover(self, event) -> None:
        cell = self._cell_at(event) if self.evaluation is not None else None
        if cell == self._hover_cell:
            return
        self._hover_cell = cell
        self.cell_label.setText(cell_text(self.evaluation, *cell) if cell else "")

    def _on_confusion_click(self, event) -> None:
        cell = self._cell_at(event) if self.evaluation is not None else None
        if cell is None or event.button != 1:
            return
        true, pred = cell
        if true == pred:
            self.state.classSelected.emit(true)
        elif self.evaluation.confusion[true, pred] > 0:  # an empty cell has no images to show
            self.state.pairRequested.emit(true, pred)
            self.state.tabRequested.emit("confusionsTab")

    # Per-class bars ---------------------------------------------------------------------------------

    def _init_per_class(self, figure) -> None:
        ax = figure.add_subplot()
        self._bars_ax = ax
        x = np.arange(NUM_CLASSES)
        width = 0.28
        self._bars = {
            name: ax.bar(x + offset, np.zeros(NUM_CLASSES), width, label=name.capitalize(), color=colour)
            for name, offset, colour in (
                ("precision", -width, "#4c72b0"),
                ("recall", 0.0, "#dd8452"),
                ("f1", width, "#55a868"),
            )
        }
        self._bars["f1"].set_label("F1")
        ax.set_xlim(-0.6, NUM_CLASSES - 0.4)
        ax.set_ylim(0, 1.0)
        ax.set_xticks(x)
        ax.tick_params(axis="x", labelsize=10, length=0)
        ax.set_ylabel("score")
        ax.grid(axis="y", alpha=0.3)
        ax.legend(loc="lower right", ncols=3, fontsize=9)
        self._bars_mark = ax.axvspan(-0.5, 0.5, color=SELECTED_COLOR, alpha=0.15, lw=0, zorder=0, visible=False)
        self._bar_order: list[int] = []

    def _draw_per_class(self) -> None:
        ev = self.evaluation
        ordered = sorted(ev.report, key=lambda c: (c.f1, c.index))
        self._bar_order = [c.index for c in ordered]
        for name, bars in self._bars.items():
            for bar, c in zip(bars, ordered):
                bar.set_height(getattr(c, name))
        self._bars_ax.set_xticklabels([c.char for c in ordered])
        low = min(min(c.precision, c.recall, c.f1) for c in ordered)
        self._bars_ax.set_ylim(max(0.0, low - 0.05) if low > 0.5 else 0.0, 1.0)
        self._bars_ax.set_title(f"Precision, recall and F1 per character, weakest first · {ev.data_name}", fontsize=10)
        self._plots["per_class"].draw_idle()

    # Precision vs recall scatter --------------------------------------------------------------------

    def _init_scatter(self, figure) -> None:
        ax = figure.add_subplot()
        self._scatter_ax = ax
        self._scatter = ax.scatter(np.zeros(NUM_CLASSES), np.zeros(NUM_CLASSES), s=14, color="#4c72b0", alpha=0.6)
        self._scatter_labels = [
            ax.annotate(c.char, (0, 0), xytext=(3, 3), textcoords="offset points", fontsize=11) for c in CLASSES
        ]
        (self._scatter_selected,) = ax.plot([], [], "o", ms=14, mfc="none", mec=SELECTED_COLOR, mew=2)
        ax.set_xlabel("Recall")
        ax.set_ylabel("Precision")
        ax.grid(alpha=0.3)

    def _draw_scatter(self) -> None:
        ev = self.evaluation
        self._points = np.array([[ev.report[i].recall, ev.report[i].precision] for i in range(NUM_CLASSES)])
        self._scatter.set_offsets(self._points)
        # Classes on the same point (common with few test images per class) share one label, e.g. "わむ",
        # instead of drawing their characters over each other.
        shared: dict[tuple, list[int]] = {}
        for i, point in enumerate(self._points):
            shared.setdefault(tuple(point), []).append(i)
        for i, (label, point) in enumerate(zip(self._scatter_labels, self._points)):
            label.xy = tuple(point)
            group = shared[tuple(point)]
            label.set_text("".join(CLASSES[j].char for j in group) if group[0] == i else "")
        low, high = self._points.min(axis=0), self._points.max(axis=0)
        pad = np.maximum(0.02, 0.06 * (high - low))
        self._scatter_ax.set_xlim(low[0] - pad[0], high[0] + pad[0])
        self._scatter_ax.set_ylim(low[1] - pad[1], high[1] + pad[1])
        self._scatter_ax.set_title(f"Precision vs recall per character · {ev.data_name}", fontsize=10)
        self._plots["scatter"].draw_idle()

    def _point_at(self, event):
        if event.inaxes is not self._scatter_ax or self.evaluation is None:
            return None
        pixels = self._scatter_ax.transData.transform(self._points)
        distances = np.hypot(pixels[:, 0] - event.x, pixels[:, 1] - event.y)
        nearest = int(distances.argmin())
        return nearest if distances[nearest] <= HOVER_PICK_PX * self.devicePixelRatioF() else None

    def _on_scatter_hover(self, event) -> None:
        i = self._point_at(event)
        if i is None:
            self.point_label.setText("")
            return
        c = self.evaluation.report[i]
        text = f"{CLASSES[i].label}: precision {c.precision:.3f} · recall {c.recall:.3f} · F1 {c.f1:.3f} · {c.support} images"
        same = [j for j in np.flatnonzero((self._points == self._points[i]).all(axis=1)) if j != i]
        if same:
            text += " · same point: " + ", ".join(CLASSES[j].label for j in same)
        self.point_label.setText(text)

    def _on_scatter_click(self, event) -> None:
        i = self._point_at(event)
        if i is not None and event.button == 1:
            self.state.classSelected.emit(i)

    def _highlight_class(self, class_index: int | None, redraw: bool = True) -> None:
        """Mark the selected class in every plot: ringed in the scatter, a band behind its bars, its row and column
        outlined in the confusion matrix, its character in the selection colour on the axes."""
        selected = class_index is not None
        self._highlighted = class_index
        if selected:
            recall, precision = self._points[class_index]
            self._scatter_selected.set_data([recall], [precision])
        else:
            self._scatter_selected.set_data([], [])
        position = self._bar_order.index(class_index) if selected and self._bar_order else None
        self._bars_mark.set_visible(position is not None)
        if position is not None:
            self._bars_mark.set_x(position - 0.5)  # an axvspan is a Rectangle in (data x, axes y)
        for i, label in enumerate(self._bars_ax.get_xticklabels()):
            label.set_color(SELECTED_COLOR if i == position else "black")
        for mark, xy in zip(self._confusion_marks, ((-0.5, (class_index or 0) - 0.5), ((class_index or 0) - 0.5, -0.5))):
            mark.set_visible(selected)
            mark.set_xy(xy)
        for labels in (self._confusion_ax.get_xticklabels(), self._confusion_ax.get_yticklabels()):
            for i, label in enumerate(labels):
                label.set_color(SELECTED_COLOR if i == class_index else "black")
        if not redraw:
            return
        # Only the plot on show redraws now (~0.1 s each on 2 cores); the others when their tab is chosen.
        for key, canvas in self._plots.items():
            if canvas.isVisible():
                canvas.draw_idle()
            else:
                self._stale_plots.add(key)

    def _on_plot_tab(self, _index: int) -> None:
        for key in list(self._stale_plots):
            if self._plots[key].isVisible():
                self._stale_plots.discard(key)
                self._plots[key].draw_idle()

    def highlighted_class(self) -> dict:
        """Which class each plot marks as selected (None where none): for tests and accessibility."""
        ring = list(zip(self._scatter_selected.get_xdata(), self._scatter_selected.get_ydata()))
        # Several classes may share a point: the ring is the selected one's when it sits on that class's point.
        scatter = self._highlighted if ring and tuple(self._points[self._highlighted]) == ring[0] else None
        bars = self._bar_order[round(self._bars_mark.get_x() + 0.5)] if self._bars_mark.get_visible() else None
        row = self._confusion_marks[0]
        confusion = round(row.get_y() + 0.5) if row.get_visible() else None
        return {"scatter": scatter, "per_class": bars, "confusion": confusion}

    # Selection --------------------------------------------------------------------------------------

    def _selected_class(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.report_model.class_index(self.report_proxy.mapToSource(rows[0]).row())

    def _on_table_selection(self, *_) -> None:
        selected = self._selected_class()
        if self._selecting or selected is None:
            return
        self.state.classSelected.emit(selected)

    def _on_class_selected(self, class_index: int) -> None:
        if self.evaluation is None:
            return
        source = self.report_model.index(self.report_model.row_of_class(class_index), 0)
        row = self.report_proxy.mapFromSource(source)
        self._selecting = True
        try:
            self.table.selectionModel().setCurrentIndex(
                row, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            )
            self.table.scrollTo(row)
        finally:
            self._selecting = False
        if self._plots is not None:
            self._highlight_class(class_index)

    # Export -----------------------------------------------------------------------------------------

    def export_report_csv(self, path) -> Path:
        from k49desk.evaluation import write_report_csv

        return write_report_csv(self.evaluation, path)

    def export_predictions_csv(self, path) -> Path:
        from k49desk.evaluation import write_predictions_csv

        return write_predictions_csv(self.evaluation, path)

    def export_confusion_csv(self, path) -> Path:
        from k49desk.evaluation import write_confusion_csv

        return write_confusion_csv(self.evaluation, path)

    def export_plot(self, key: str, path) -> Path:
        """Save one plot ('confusion', 'per_class', 'scatter') as PNG or SVG, chosen by the file's suffix."""
        path = Path(path)
        if path.suffix.lower() not in (".png", ".svg"):
            raise ValueError(f"{path}: plots are saved as .png or .svg")
        self._plots[key].figure.savefig(path, dpi=150)
        return path

    def _ask_and_export(self, default_name: str, export) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export", default_name, "CSV files (*.csv)")
        if path:
            self._export(export, path)

    def _ask_and_export_plot(self) -> None:
        key = list(PLOTS)[self.plot_tabs.currentIndex()]
        path, chosen = QFileDialog.getSaveFileName(
            self, f"Save {PLOTS[key].lower()}", f"{key}.png", "PNG image (*.png);;SVG image (*.svg)"
        )
        if not path:
            return
        if Path(path).suffix.lower() not in (".png", ".svg"):
            path += ".svg" if "svg" in chosen.lower() else ".png"
        self._export(lambda p: self.export_plot(key, p), path)

    def _export(self, export, path: str) -> None:
        try:
            export(path)
        except OSError as e:
            show_error(self, "Export failed", f"{path}: cannot write ({e.strerror or e})")


def summary_html(ev) -> str:
    """The headline numbers, balanced accuracy first: it is the metric K49 results are reported in."""
    practice = (
        "<p style='color:#b00020'><b>⚠ Practice set — not K49.</b> These numbers say nothing about real Kuzushiji.</p>"
        if ev.practice
        else ""
    )
    m, w = ev.macro, ev.weighted
    return (
        f"{practice}"
        f"<p><span style='font-size:20pt'><b>{ev.balanced_accuracy:.2%}</b></span> balanced accuracy"
        f" <span style='color:#555'>(the metric K49 results are reported in)</span><br>"
        f"<b>{ev.accuracy:.2%}</b> accuracy on <b>{len(ev.y_true):,}</b> test images</p>"
        "<table cellspacing='0' cellpadding='2'>"
        "<tr><td></td><td align='right'><i>precision</i></td><td align='right'><i>recall</i></td>"
        "<td align='right'><i>F1</i></td></tr>"
        f"<tr><td>macro&nbsp;</td><td align='right'>{m['precision']:.3f}</td><td align='right'>{m['recall']:.3f}</td>"
        f"<td align='right'>{m['f1']:.3f}</td></tr>"
        f"<tr><td>weighted&nbsp;</td><td align='right'>{w['precision']:.3f}</td><td align='right'>{w['recall']:.3f}</td>"
        f"<td align='right'>{w['f1']:.3f}</td></tr></table>"
        f"<p>Evaluated: model <b>{ev.model_name}</b> on the <b>{ev.data_name}</b></p>"
    )


def cell_text(ev, true: int, pred: int) -> str:
    """What one confusion-matrix cell means, in words."""
    count = int(ev.confusion[true, pred])
    rate = float(ev.confusion_normalized[true, pred])
    action = "" if true == pred or count == 0 else " · click to see them"
    return (
        f"true {CLASSES[true].label} → predicted {CLASSES[pred].label}: "
        f"{count:,} images, {rate:.1%} of {CLASSES[true].char}{action}"
    )
