"""The Evaluate tab's three plots, each a widget over one matplotlib canvas: the confusion matrix, precision /
recall / F1 per class, and precision against recall.

Each plot shows an evaluation (``set_evaluation``), marks one class (``highlight``) and reports clicks as signals;
it never changes the selection itself. A canvas is made on the first evaluation, so matplotlib loads only then.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QToolTip, QVBoxLayout, QWidget

from k49desk.classes import CLASSES, NUM_CLASSES
from k49desk.gui import i18n
from k49desk.gui.fonts import hiragana_font

HOVER_PICK_PX = 12  # a scatter point counts as hovered within this many screen pixels
SELECTED_COLOR = "#c44e52"  # the selected class, in every plot
HOVER_COLOR = "#ff9f1c"  # the confusion-matrix cell under the mouse


class EvaluationPlot(QWidget):
    """One plot of an evaluation; subclasses make their artists (_build), update them (_draw) and mark a class
    (_mark). A change of the marked class redraws a hidden plot only once it is shown (~0.1 s per plot)."""

    def __init__(self, object_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(object_name)
        self.canvas = None  # the FigureCanvasQTAgg, made on the first evaluation
        self.evaluation = None
        self._highlighted: int | None = None
        self._stale = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)

    def set_evaluation(self, evaluation) -> None:
        """Show `evaluation` (not None) with no class marked."""
        if self.canvas is None:
            from k49desk.gui.plots import make_canvas

            self.canvas = make_canvas(8, 6, self, steady_layout=True)
            self.canvas.setObjectName(self.objectName().replace("Page", "Canvas"))
            self.layout().insertWidget(0, self.canvas, 1)
            self._build(self.canvas.figure)
        self.evaluation = evaluation
        self._draw()
        self._highlighted = None
        self._mark(None)
        self._stale = False
        self.canvas.draw_idle()

    def highlight(self, class_index: int | None) -> None:
        """Mark one class (None: none) in this plot."""
        if self.canvas is None:
            return
        self._highlighted = class_index
        self._mark(class_index)
        if self.canvas.isVisible():
            self.canvas.draw_idle()
        else:
            self._stale = True

    @property
    def highlighted_class(self) -> int | None:
        """The class this plot's marks show as selected, read from what is drawn; None where none is."""
        return None

    def save(self, path) -> Path:
        """Save the plot as PNG or SVG, chosen by the file's suffix."""
        path = Path(path)
        if path.suffix.lower() not in (".png", ".svg"):
            raise ValueError(f"{path}: plots are saved as .png or .svg")
        self.canvas.figure.savefig(path, dpi=150)
        return path

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.canvas.draw_idle()

    def _build(self, figure) -> None:
        raise NotImplementedError

    def _draw(self) -> None:
        raise NotImplementedError

    def _mark(self, class_index: int | None) -> None:
        raise NotImplementedError


class ConfusionMatrixPlot(EvaluationPlot):
    """49x49 heatmap of true against predicted characters, as counts or row-normalised; the cell under the mouse is
    outlined and its tooltip says what it holds. A click on the diagonal is a class, off it a confused pair; an empty
    cell (no images to show) selects its true character."""

    classClicked = Signal(int)
    pairClicked = Signal(int, int)  # (true, predicted)

    def __init__(self, parent: QWidget | None = None):
        super().__init__("confusionPage", parent)
        self.mode_combo = QComboBox(objectName="confusionModeCombo")
        self.mode_combo.addItems([self.tr("Counts"), self.tr("Row-normalised (recall on the diagonal)")])
        self.mode_combo.setToolTip(self.tr("Counts of test images, or each row divided by the number of images of "
                                           "that character"))
        self.mode_combo.currentIndexChanged.connect(self._redraw_matrix)
        self.hover_label = QLabel(objectName="confusionHoverLabel")
        self.hover_label.setFont(hiragana_font(11))
        bar = QHBoxLayout()
        bar.addWidget(self.mode_combo)
        bar.addWidget(self.hover_label, 1)
        self.layout().addLayout(bar)
        self._hover_cell = None

    @property
    def axes(self):
        return self._ax

    def normalised(self) -> bool:
        return self.mode_combo.currentIndex() == 1

    def shown_matrix(self) -> np.ndarray:
        """The values the heatmap shows now (counts, or shares of each row)."""
        return np.asarray(self._image.get_array())

    @property
    def highlighted_class(self) -> int | None:
        row = self._marks[0] if self.canvas is not None else None
        return round(row.get_y() + 0.5) if row is not None and row.get_visible() else None

    def _build(self, figure) -> None:
        ax = figure.add_subplot()
        self._ax = ax
        self._image = ax.imshow(np.zeros((NUM_CLASSES, NUM_CLASSES)), cmap="Blues", interpolation="nearest")
        self._colorbar = figure.colorbar(self._image, ax=ax, shrink=0.8, pad=0.01)
        ticks = range(NUM_CLASSES)
        chars = [c.char for c in CLASSES]
        ax.set_xticks(ticks, chars, fontsize=7)
        ax.set_yticks(ticks, chars, fontsize=7)
        ax.tick_params(length=0, pad=1)
        ax.set_xlabel(self.tr("Predicted"))
        ax.set_ylabel(self.tr("True"))
        from matplotlib.patches import Rectangle

        # The selected class: its row (as the true character) and its column (as the prediction), outlined.
        self._marks = [
            ax.add_patch(Rectangle((-0.5, -0.5), w, h, fill=False, ec=SELECTED_COLOR, lw=1.2, visible=False))
            for w, h in ((NUM_CLASSES, 1), (1, NUM_CLASSES))
        ]
        # The ~12 px cells are easy to miss: the one a click would hit is outlined.
        self.hover_mark = ax.add_patch(Rectangle((-0.5, -0.5), 1, 1, fill=False, ec=HOVER_COLOR, lw=1.5,
                                                 visible=False))
        self.canvas.mpl_connect("motion_notify_event", self._on_hover)
        self.canvas.mpl_connect("figure_leave_event", self._on_hover)
        self.canvas.mpl_connect("button_press_event", self._on_click)

    def _draw(self) -> None:
        from matplotlib.colors import LogNorm, PowerNorm

        ev = self.evaluation
        if self.normalised():
            self._image.set_data(ev.confusion_normalized)
            # A square-root scale keeps rare confusions (a few %) visible next to a diagonal near 1.
            self._image.set_norm(PowerNorm(0.5, vmin=0.0, vmax=1.0))
            self._colorbar.set_label(self.tr("share of the row (true character)"))
        else:
            self._image.set_data(np.ma.masked_equal(ev.confusion, 0))
            self._image.set_norm(LogNorm(vmin=1, vmax=max(2, int(ev.confusion.max()))))
            self._colorbar.set_label(self.tr("test images (log scale)"))
        self._ax.set_title(self.tr("Confusion matrix · {model} on {data}").format(model=i18n.model_name(ev.model_name),
                                                                                  data=i18n.data_name(ev.data_name)), fontsize=10)

    def _redraw_matrix(self, *_) -> None:
        if self.evaluation is not None:
            self._draw()
            self.canvas.draw_idle()

    def _mark(self, class_index: int | None) -> None:
        selected = class_index is not None
        at = class_index or 0
        for mark, xy in zip(self._marks, ((-0.5, at - 0.5), (at - 0.5, -0.5))):
            mark.set_visible(selected)
            mark.set_xy(xy)
        for labels in (self._ax.get_xticklabels(), self._ax.get_yticklabels()):
            for i, label in enumerate(labels):
                label.set_color(SELECTED_COLOR if i == class_index else "black")

    def _cell_at(self, event):
        if self.evaluation is None or event.inaxes is not self._ax or event.xdata is None:
            return None
        col, row = int(round(event.xdata)), int(round(event.ydata))
        if 0 <= row < NUM_CLASSES and 0 <= col < NUM_CLASSES:
            return row, col
        return None

    def _on_hover(self, event) -> None:
        cell = self._cell_at(event)
        if cell == self._hover_cell:
            return
        self._hover_cell = cell
        self.hover_label.setText(cell_text(self.evaluation, *cell) if cell else "")
        self.hover_mark.set_visible(cell is not None)
        if cell is not None:
            self.hover_mark.set_xy((cell[1] - 0.5, cell[0] - 0.5))
            QToolTip.showText(QCursor.pos(), cell_tooltip(self.evaluation, *cell), self.canvas)
        else:
            QToolTip.hideText()
        self.canvas.draw_idle()

    def _on_click(self, event) -> None:
        cell = self._cell_at(event)
        if cell is None or event.button != 1:
            return
        true, pred = cell
        if true != pred and self.evaluation.confusion[true, pred] > 0:
            self.pairClicked.emit(true, pred)
        else:
            self.classClicked.emit(true)


class PerClassPlot(EvaluationPlot):
    """Precision, recall and F1 bars for every character, weakest F1 first."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__("per_classPage", parent)
        self.order: list[int] = []  # class index of each bar group, left to right

    @property
    def axes(self):
        return self._ax

    @property
    def highlighted_class(self) -> int | None:
        if self.canvas is None or not self._band.get_visible():
            return None
        return self.order[round(self._band.get_x() + 0.5)]

    def _build(self, figure) -> None:
        ax = figure.add_subplot()
        self._ax = ax
        x = np.arange(NUM_CLASSES)
        width = 0.28
        self._bars = {
            name: ax.bar(x + offset, np.zeros(NUM_CLASSES), width, label=label, color=colour)
            for name, label, offset, colour in (
                ("precision", self.tr("Precision"), -width, "#4c72b0"),
                ("recall", self.tr("Recall"), 0.0, "#dd8452"),
                ("f1", self.tr("F1"), width, "#55a868"),
            )
        }
        ax.set_xlim(-0.6, NUM_CLASSES - 0.4)
        ax.set_ylim(0, 1.0)
        ax.set_xticks(x)
        ax.tick_params(axis="x", labelsize=10, length=0)
        ax.set_ylabel(self.tr("score"))
        ax.grid(axis="y", alpha=0.3)
        ax.legend(loc="lower right", ncols=3, fontsize=9)
        self._band = ax.axvspan(-0.5, 0.5, color=SELECTED_COLOR, alpha=0.15, lw=0, zorder=0, visible=False)

    def _draw(self) -> None:
        ev = self.evaluation
        ordered = sorted(ev.report, key=lambda c: (c.f1, c.index))
        self.order = [c.index for c in ordered]
        for name, bars in self._bars.items():
            for bar, c in zip(bars, ordered):
                bar.set_height(getattr(c, name))
        self._ax.set_xticklabels([c.char for c in ordered])
        low = min(min(c.precision, c.recall, c.f1) for c in ordered)
        self._ax.set_ylim(max(0.0, low - 0.05) if low > 0.5 else 0.0, 1.0)
        self._ax.set_title(self.tr("Precision, recall and F1 per character, weakest first · {data}").format(
            data=i18n.data_name(ev.data_name)), fontsize=10)

    def _mark(self, class_index: int | None) -> None:
        position = self.order.index(class_index) if class_index is not None and self.order else None
        self._band.set_visible(position is not None)
        if position is not None:
            self._band.set_x(position - 0.5)  # an axvspan is a Rectangle in (data x, axes y)
        for i, label in enumerate(self._ax.get_xticklabels()):
            label.set_color(SELECTED_COLOR if i == position else "black")


class PrecisionRecallPlot(EvaluationPlot):
    """Each character as a point at (recall, precision); hovering names it, a click chooses it."""

    classClicked = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__("scatterPage", parent)
        self.hover_label = QLabel(objectName="scatterHoverLabel")
        self.hover_label.setFont(hiragana_font(11))
        self.layout().addWidget(self.hover_label)
        self._points = np.zeros((NUM_CLASSES, 2))

    @property
    def axes(self):
        return self._ax

    @property
    def points(self) -> np.ndarray:
        """(recall, precision) of every class, by class index."""
        return self._points.copy()

    @property
    def highlighted_class(self) -> int | None:
        if self.canvas is None or self._highlighted is None:
            return None
        ring = list(zip(self._ring.get_xdata(), self._ring.get_ydata()))
        # Several classes may share a point: the ring is the selected one's when it sits on that class's point.
        return self._highlighted if ring and tuple(self._points[self._highlighted]) == ring[0] else None

    def _build(self, figure) -> None:
        ax = figure.add_subplot()
        self._ax = ax
        self._scatter = ax.scatter(np.zeros(NUM_CLASSES), np.zeros(NUM_CLASSES), s=14, color="#4c72b0", alpha=0.6)
        self._labels = [
            ax.annotate(c.char, (0, 0), xytext=(3, 3), textcoords="offset points", fontsize=11) for c in CLASSES
        ]
        (self._ring,) = ax.plot([], [], "o", ms=14, mfc="none", mec=SELECTED_COLOR, mew=2)
        ax.set_xlabel(self.tr("Recall"))
        ax.set_ylabel(self.tr("Precision"))
        ax.grid(alpha=0.3)
        self.canvas.mpl_connect("motion_notify_event", self._on_hover)
        self.canvas.mpl_connect("button_press_event", self._on_click)

    def _draw(self) -> None:
        ev = self.evaluation
        self._points = np.array([[ev.report[i].recall, ev.report[i].precision] for i in range(NUM_CLASSES)])
        self._scatter.set_offsets(self._points)
        # Classes on the same point (common with few test images per class) share one label, e.g. "わむ",
        # instead of drawing their characters over each other.
        shared: dict[tuple, list[int]] = {}
        for i, point in enumerate(self._points):
            shared.setdefault(tuple(point), []).append(i)
        for i, (label, point) in enumerate(zip(self._labels, self._points)):
            label.xy = tuple(point)
            group = shared[tuple(point)]
            label.set_text("".join(CLASSES[j].char for j in group) if group[0] == i else "")
        low, high = self._points.min(axis=0), self._points.max(axis=0)
        pad = np.maximum(0.02, 0.06 * (high - low))
        self._ax.set_xlim(low[0] - pad[0], high[0] + pad[0])
        self._ax.set_ylim(low[1] - pad[1], high[1] + pad[1])
        self._ax.set_title(self.tr("Precision vs recall per character · {data}").format(data=i18n.data_name(ev.data_name)),
                           fontsize=10)

    def _mark(self, class_index: int | None) -> None:
        if class_index is None:
            self._ring.set_data([], [])
        else:
            recall, precision = self._points[class_index]
            self._ring.set_data([recall], [precision])

    def _point_at(self, event):
        if self.evaluation is None or event.inaxes is not self._ax:
            return None
        pixels = self._ax.transData.transform(self._points)
        distances = np.hypot(pixels[:, 0] - event.x, pixels[:, 1] - event.y)
        nearest = int(distances.argmin())
        return nearest if distances[nearest] <= HOVER_PICK_PX * self.devicePixelRatioF() else None

    def _on_hover(self, event) -> None:
        i = self._point_at(event)
        if i is None:
            self.hover_label.setText("")
            return
        c = self.evaluation.report[i]
        text = self.tr("{label}: precision {precision} · recall {recall} · F1 {f1} · {n} images").format(
            label=i18n.char_label(CLASSES[i]), precision=i18n.number(c.precision, 3),
            recall=i18n.number(c.recall, 3), f1=i18n.number(c.f1, 3), n=i18n.number(c.support))
        same = [j for j in np.flatnonzero((self._points == self._points[i]).all(axis=1)) if j != i]
        if same:
            text += self.tr(" · same point: {labels}").format(labels=", ".join(i18n.char_label(CLASSES[j])
                                                                                for j in same))
        self.hover_label.setText(text)

    def _on_click(self, event) -> None:
        i = self._point_at(event)
        if i is not None and event.button == 1:
            self.classClicked.emit(i)


def cell_tooltip(ev, true: int, pred: int) -> str:
    """A cell in a few words: "true ふ read as ぬ: 12", "ふ read correctly: 120"."""
    count = i18n.number(int(ev.confusion[true, pred]))
    if true == pred:
        return QCoreApplication.translate("ConfusionMatrixPlot", "{true} read correctly: {count}").format(
            true=CLASSES[true].char, count=count)
    return QCoreApplication.translate("ConfusionMatrixPlot", "true {true} read as {pred}: {count}").format(
        true=CLASSES[true].char, pred=CLASSES[pred].char, count=count)


def cell_text(ev, true: int, pred: int) -> str:
    """What one confusion-matrix cell means, in words."""
    count = int(ev.confusion[true, pred])
    rate = float(ev.confusion_normalized[true, pred])
    action = "" if true == pred or count == 0 else QCoreApplication.translate("cell_text", " · click to see them")
    return QCoreApplication.translate(
        "cell_text", "true {true} → predicted {pred}: {n} images, {rate} of {char}").format(
        true=i18n.char_label(CLASSES[true]), pred=i18n.char_label(CLASSES[pred]), n=i18n.number(count),
        rate=i18n.percent(rate), char=CLASSES[true].char) + action
