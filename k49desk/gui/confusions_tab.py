"""Confusions tab: the ranked confused pairs, and the test images behind each, so a person can see why."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSlider,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from k49desk.classes import CLASSES, by_char
from k49desk.gui import i18n
from k49desk.gui.fonts import hiragana_font
from k49desk.gui.images import to_pixmap, to_qimage
from k49desk.gui.active_predictor import shared_predictor
from k49desk.gui.messages import OK_COLOR
from k49desk.gui.saliency_view import SaliencyView
from k49desk.gui.state import AppState
from k49desk.gui.suspicious_labels import SuspiciousLabels
from k49desk.gui.tables import SORT, RowsTableModel, rows_table, show_selected_row
from k49desk.gui.training_label_scan import TrainingLabelScan
from k49desk.gui.workers import TaskSlot
from k49desk.predictor import TOP_K

EXAMPLE_PAIR = (by_char("ふ").index, by_char("ぬ").index)  # a pair models often confuse: the worked example
CORRECT_PER_CLASS = 12
DETAIL_SIZE = 196  # 7 screen pixels per model pixel


def class_for_text(text: str) -> int | None:
    """The class a user means by one token: the character itself or its romaji (case-insensitive)."""
    token = text.strip().lower()
    for c in CLASSES:
        if token in (c.char, c.romaji):
            return c.index
    return None


def filter_classes(text: str) -> list[int] | None:
    """Classes named in a filter ('ふ', 'fu', 'ふ ぬ', 'fu→nu'); None when a token names no class."""
    tokens = text.replace("→", " ").replace(",", " ").split()
    if len(tokens) == 1 and len(tokens[0]) > 1 and all(class_for_text(ch) is not None for ch in tokens[0]):
        tokens = list(tokens[0])  # 'ふぬ' typed without a space
    classes = [class_for_text(t) for t in tokens]
    return None if any(c is None for c in classes) else classes


# The confused pairs ---------------------------------------------------------------------------------


class PairsModel(RowsTableModel):
    """Confused pairs (true → predicted), one per row."""

    def __init__(self, parent=None):
        super().__init__((self.tr("True"), self.tr("Predicted"), self.tr("Count"), self.tr("Rate")), parent)
        self.char_font = hiragana_font(13)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        p = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (f"{CLASSES[p.true].char} {CLASSES[p.true].romaji}", f"→ {CLASSES[p.pred].char} {CLASSES[p.pred].romaji}",
                    i18n.number(p.count), i18n.percent(p.rate))[col]
        if role == SORT:
            return (p.true, p.pred, p.count, p.rate)[col]
        if role == Qt.ItemDataRole.FontRole and col < 2:
            return self.char_font
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= 2:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tr("{n} test images of {true} were read as {pred} ({rate} of all {char})").format(
                n=i18n.number(p.count), true=i18n.char_label(CLASSES[p.true]), pred=i18n.char_label(CLASSES[p.pred]),
                rate=i18n.percent(p.rate), char=CLASSES[p.true].char)
        return None


class PairFilter(QSortFilterProxyModel):
    """Keeps the pairs whose true or predicted character is each of the named classes."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.classes: list[int] | None = []

    def set_classes(self, classes: list[int] | None) -> None:
        self.beginFilterChange()
        self.classes = classes
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row, parent) -> bool:
        if self.classes is None:
            return False
        pair = self.sourceModel().rows[row]
        return all(c in (pair.true, pair.pred) for c in self.classes)


# Image grids ----------------------------------------------------------------------------------------

HEADER, IMAGE = 0, 1


@dataclass(frozen=True)
class GridItem:
    kind: int  # HEADER: a group title spanning the row; IMAGE: one test image
    text: str = ""
    test_index: int = -1
    caption: str = ""
    correct: bool = False


class GridModel(QAbstractListModel):
    """Test images (and group headers) for an ImageGrid; images are made only when a cell is painted."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.items: list[GridItem] = []
        self.images: np.ndarray | None = None
        self._cache: dict[int, object] = {}

    def set_items(self, items: list[GridItem], images: np.ndarray | None) -> None:
        self.beginResetModel()
        self.items = items
        self.images = images
        self._cache.clear()
        self.endResetModel()

    def image_count(self) -> int:
        return sum(item.kind == IMAGE for item in self.items)

    def qimage(self, test_index: int):
        image = self._cache.get(test_index)
        if image is None:
            image = self._cache[test_index] = to_qimage(self.images[test_index])
        return image

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.items)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        item = self.items[index.row()]
        if role == SORT:
            return item
        if role == Qt.ItemDataRole.ToolTipRole and item.kind == IMAGE:
            return self.tr("test image #{n} · {caption}").format(n=item.test_index,
                                                                  caption=item.caption.replace(chr(10), " · "))
        return None

    def flags(self, index):
        if index.isValid() and self.items[index.row()].kind == HEADER:
            return Qt.ItemFlag.ItemIsEnabled
        return super().flags(index)


class GridDelegate(QStyledItemDelegate):
    """Paints a test image scaled without smoothing, with a two-line caption under it."""

    def __init__(self, grid: ImageGrid):
        super().__init__(grid)
        self.grid = grid
        self.caption_font = hiragana_font(8)
        self.header_font = hiragana_font(12, bold=True)

    def sizeHint(self, option, index) -> QSize:
        item = index.data(SORT)
        if item.kind == HEADER:
            return QSize(max(60, self.grid.viewport().width() - 2 * self.grid.spacing() - 2), 30)
        size = self.grid.cell_size
        if self.grid.captions:
            return QSize(max(size, 64) + 6, size + 34)
        return QSize(size + 4, size + 6)

    def paint(self, painter: QPainter, option, index) -> None:
        item = index.data(SORT)
        painter.save()
        rect = option.rect
        if item.kind == HEADER:
            painter.setFont(self.header_font)
            painter.setPen(option.palette.color(QPalette.ColorRole.WindowText))
            painter.drawText(rect.adjusted(4, 0, 0, 0), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, item.text)
            painter.drawLine(rect.bottomLeft(), rect.bottomRight())
            painter.restore()
            return
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(rect, option.palette.color(QPalette.ColorRole.Highlight))
        size = self.grid.cell_size
        target = QRect(rect.x() + (rect.width() - size) // 2, rect.y() + 3, size, size)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        painter.drawImage(target, self.grid.grid_model.qimage(item.test_index))
        if self.grid.captions:
            painter.setFont(self.caption_font)
            selected = option.state & QStyle.StateFlag.State_Selected
            painter.setPen(option.palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text))
            text_rect = QRect(rect.x(), target.bottom() + 2, rect.width(), rect.bottom() - target.bottom() - 2)
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, item.caption)
        painter.restore()


class ImageGrid(QListView):
    """A wrapping grid of test images for thousands of items: one delegate paints only what is visible."""

    imageClicked = Signal(int)  # test index
    zoomRequested = Signal(int)  # +1 / -1 from Ctrl+wheel

    def __init__(self, object_name: str, cell_size: int = 56, captions: bool = True, parent=None):
        super().__init__(parent)
        self.setObjectName(object_name)
        self.cell_size = cell_size
        self.captions = captions
        self.grid_model = GridModel(self)
        self.setModel(self.grid_model)
        self.setItemDelegate(GridDelegate(self))
        self.setViewMode(QListView.ViewMode.ListMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setSpacing(2)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setMouseTracking(True)
        self.clicked.connect(self._on_clicked)

    def set_items(self, items: list[GridItem], images) -> None:
        self.grid_model.set_items(items, images)
        self.scrollToTop()

    def set_cell_size(self, size: int) -> None:
        self.cell_size = size
        self.scheduleDelayedItemsLayout()

    def image_count(self) -> int:
        return self.grid_model.image_count()

    def test_indices(self) -> list[int]:
        return [item.test_index for item in self.grid_model.items if item.kind == IMAGE]

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.scheduleDelayedItemsLayout()  # group headers span the new width

    def wheelEvent(self, event) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoomRequested.emit(1 if event.angleDelta().y() > 0 else -1)
            event.accept()
        else:
            super().wheelEvent(event)

    def _on_clicked(self, index) -> None:
        item = index.data(SORT)
        if item.kind == IMAGE:
            self.imageClicked.emit(item.test_index)


# One image, large ------------------------------------------------------------------------------------


class ImageDetail(QWidget):
    """A test image at 7x with its true label and the model's top 5."""


    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.setObjectName("imageDetail")
        self.predictor = shared_predictor(state)
        # On demand: why the model read what it read (and not the true character), as a heat overlay.
        self.saliency_toggle = QCheckBox(self.tr("Show what the model looks at"), objectName="detailSaliencyToggle")
        self.saliency_toggle.setToolTip(self.tr("A heat overlay: why the model reads its answer and not the true "
                                                "character"))
        self.saliency_toggle.toggled.connect(self._show_saliency)
        self.saliency = SaliencyView(state, size=DETAIL_SIZE)
        self.saliency.setVisible(False)
        self._shown = None  # (image, true, predicted) of the image on show
        self.picture = QLabel(objectName="detailImage")
        self.picture.setFixedSize(DETAIL_SIZE, DETAIL_SIZE)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = QLabel(objectName="detailTitle")
        self.title.setWordWrap(True)
        self.title.setFont(hiragana_font(11))
        self.rows = []
        top = QGridLayout()
        for r in range(TOP_K):
            char = QLabel()
            char.setFont(hiragana_font(18))
            name = QLabel()
            bar = QProgressBar()
            bar.setRange(0, 1000)
            bar.setTextVisible(False)
            bar.setFixedHeight(10)
            prob = QLabel()
            prob.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            top.addWidget(char, 2 * r, 0, 2, 1)
            top.addWidget(name, 2 * r, 1)
            top.addWidget(prob, 2 * r, 2)
            top.addWidget(bar, 2 * r + 1, 1, 1, 2)
            self.rows.append((char, name, prob, bar))
        top.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        layout.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.saliency, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.title)
        layout.addWidget(self.saliency_toggle)
        layout.addLayout(top)
        layout.addStretch(1)
        self.test_index: int | None = None
        self.predictor.changed.connect(self._on_predictor)
        self.show_image(None, None, None)

    def show_image(self, ev, images, test_index: int | None) -> None:
        self.test_index = test_index
        self._shown = None if test_index is None else (
            images[test_index], int(ev.y_true[test_index]), int(ev.y_pred[test_index]))
        self._show_saliency()
        if test_index is None:
            self.picture.clear()
            self.picture.setText(self.tr("no image selected"))
            self.picture.setStyleSheet("color: palette(mid); border: 1px dashed palette(mid)")
            self.title.setText(self.tr("Click an image to see it large with the model's top 5."))
            for widgets in self.rows:
                for w in widgets:
                    w.setVisible(False)
            return
        self.picture.setStyleSheet("background: black")
        self.picture.setPixmap(to_pixmap(images[test_index], DETAIL_SIZE))
        true, pred = int(ev.y_true[test_index]), int(ev.y_pred[test_index])
        verdict = self.tr("read correctly") if true == pred else self.tr("read as {char}").format(char=CLASSES[pred].char)
        self.title.setText(self.tr("Test image #{n}: {label}, {verdict}").format(
            n=test_index, label=i18n.char_label(CLASSES[true]), verdict=verdict))
        for (char, name, prob, bar), (k, p) in zip(self.rows, ev.top_k(test_index, k=TOP_K)):
            char.setText(CLASSES[k].char)
            char.setStyleSheet(f"color: {OK_COLOR}" if k == true else "")
            name.setText(CLASSES[k].romaji + (self.tr("  ✓ true") if k == true else ""))
            prob.setText(i18n.percent(p))
            bar.setValue(round(p * 1000))
            for w in (char, name, prob, bar):
                w.setVisible(True)

    def _on_predictor(self, _predictor) -> None:
        self._show_saliency()

    def _show_saliency(self, *_toggled) -> None:
        """The overlay in place of the plain picture while the toggle is on: the prediction, and not the truth."""
        on = self.saliency_toggle.isChecked() and self._shown is not None
        self.saliency.setVisible(on)
        self.picture.setVisible(not on)
        if not on:
            return
        image, true, pred = self._shown
        predictor = self.predictor.predictor
        self.saliency.set_model(predictor.model if predictor is not None else None)
        self.saliency.set_image(image, target=pred, versus=true if true != pred else None)


# The tab --------------------------------------------------------------------------------------------


class ConfusionsTab(QWidget):
    """Renders the evaluation session's selection: a class (its misreadings, grouped) or a pair (its images), and
    one image large. Choosing here (typing a character, clicking a pair or an image) goes to the session."""

    def __init__(self, state: AppState, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.session = session = state.evaluation_session
        self._top2: np.ndarray | None = None  # each test image's two likeliest classes, for the captions

        self.filter_edit = QLineEdit(objectName="pairFilter")
        self.filter_edit.setPlaceholderText(self.tr("Filter: ふ or fu"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setToolTip(self.tr("A character or its romaji (ふ, fu) matches either side; two (ふ ぬ) match "
                                            "a pair"))
        self.filter_edit.setFont(hiragana_font(11))
        self.filter_edit.textChanged.connect(self._on_filter)
        self.example_button = QPushButton("ふ → ぬ", objectName="exampleButton")
        self.example_button.setFont(hiragana_font(11))
        self.example_button.setToolTip(self.tr("A worked example: test images of ふ (fu) the model read as ぬ (nu)"))
        self.example_button.clicked.connect(lambda: session.select_pair(*EXAMPLE_PAIR))

        self.pairs_model = PairsModel(self)
        self.pairs_proxy = PairFilter(self)
        self.pairs_table = rows_table(
            "pairsTable", self.pairs_model, self.pairs_proxy, widths=(84, 96, 50, 58), stretch_column=1,
            row_height=28, sort_column=2, sort_order=Qt.SortOrder.DescendingOrder,
        )
        self.pairs_table.setWordWrap(False)
        pairs_width = self._fit_pair_columns()
        self.pairs_table.selectionModel().currentRowChanged.connect(self._on_pair_row)
        self.pairs_count = QLabel(objectName="pairsCount")

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        filter_row = QHBoxLayout()
        filter_row.addWidget(self.filter_edit, 1)
        filter_row.addWidget(self.example_button)
        left_layout.addLayout(filter_row)
        left_layout.addWidget(self.pairs_table, 1)
        left_layout.addWidget(self.pairs_count)

        self.title = QLabel(self.tr("Evaluate a model to see which characters it confuses."), objectName="confusionTitle")
        self.title.setFont(hiragana_font(13, bold=True))
        self.title.setWordWrap(True)
        self.zoom_slider = QSlider(Qt.Orientation.Horizontal, objectName="zoomSlider")
        self.zoom_slider.setRange(1, 8)  # screen pixels per model pixel
        self.zoom_slider.setValue(2)
        self.zoom_slider.setFixedWidth(140)
        self.zoom_slider.setToolTip(self.tr("Image size (Ctrl+wheel over the images)"))
        self.zoom_slider.valueChanged.connect(self._on_zoom)
        self.grid = ImageGrid("misclassifiedGrid", cell_size=56)
        self.grid.zoomRequested.connect(lambda step: self.zoom_slider.setValue(self.zoom_slider.value() + step))
        self.grid.imageClicked.connect(session.select_image)
        self.correct_label = QLabel(self.tr("Read correctly"), objectName="correctLabel")
        self.correct_grid = ImageGrid("correctExamples", cell_size=36, captions=False)
        self.correct_grid.setFixedHeight(2 * (30 + 42 + 4) + 8)
        self.correct_grid.imageClicked.connect(session.select_image)

        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        title_row = QHBoxLayout()
        title_row.addWidget(self.title, 1)
        title_row.addWidget(QLabel(self.tr("Zoom")))
        title_row.addWidget(self.zoom_slider)
        centre_layout.addLayout(title_row)
        centre_layout.addWidget(self.grid, 1)
        centre_layout.addWidget(self.correct_label)
        centre_layout.addWidget(self.correct_grid)

        self.detail = ImageDetail(state)
        self.detail.setMinimumWidth(220)

        splitter = QSplitter(Qt.Orientation.Horizontal, objectName="confusionsSplitter")
        splitter.addWidget(left)
        splitter.addWidget(centre)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([pairs_width, 1020 - pairs_width, 240])

        # Suspicious labels: the evaluation's test images whose label the model disputes most (confident learning),
        # or the training set's, scanned with cross-validated models on request.
        self.suspicious = SuspiciousLabels(state)
        self.suspicious.imageActivated.connect(self._open_suspicious)
        self.suspicious_source = QLabel(objectName="suspiciousSource")
        self.suspicious_source.setWordWrap(True)
        self.training_scan = TrainingLabelScan(state)
        self.training_scan.scanFinished.connect(self._show_training_issues)
        self.training_scan.set_data(state.data)
        state.dataChanged.connect(self.training_scan.set_data)
        scan_box = QGroupBox(self.tr("Scan the training set (cross-validated: where label errors matter most)"))
        QVBoxLayout(scan_box).addWidget(self.training_scan)
        suspicious_page = QWidget()
        suspicious_layout = QVBoxLayout(suspicious_page)
        suspicious_layout.addWidget(self.suspicious_source)
        suspicious_layout.addWidget(self.suspicious, 1)
        suspicious_layout.addWidget(scan_box)
        self._issues = TaskSlot(state, self)
        self._issues_are_test = True
        self.predictor = shared_predictor(state)
        self.predictor.changed.connect(self._on_predictor)

        self.pages = QTabWidget(objectName="confusionsPages")
        self.pages.addTab(splitter, self.tr("Confused pairs"))
        # Scrolled: the page's table, pictures and scan settings need more height than a small window has.
        suspicious_scroll = QScrollArea(objectName="suspiciousScroll")
        suspicious_scroll.setWidgetResizable(True)
        suspicious_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        suspicious_scroll.setWidget(suspicious_page)
        self.pages.addTab(suspicious_scroll, self.tr("Suspicious labels"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)

        session.evaluationChanged.connect(self._show_evaluation)
        session.pairSelected.connect(self._show_pair)
        session.classSelected.connect(self._show_class)
        session.imageSelected.connect(self._show_image)
        self._show_evaluation(session.evaluation)
        if session.selected_pair is not None:
            self._show_pair(*session.selected_pair)
        elif session.selected_class is not None:
            self._show_class(session.selected_class)
        if session.selected_image is not None:
            self._show_image(session.selected_image)

    def _fit_pair_columns(self) -> int:
        """The True column as wide as its longest text ("ゝ iteration mark"); returns the width the list needs for the
        Predicted column ("→ ゝ iteration mark") to fit too."""
        metrics = QFontMetrics(self.pairs_model.char_font)
        padding = 16
        true_width, pred_width = (max(metrics.horizontalAdvance(f"{prefix}{c.char} {c.romaji}") for c in CLASSES)
                                  + padding for prefix in ("", "→ "))
        header = self.pairs_table.horizontalHeader()
        header.resizeSection(0, true_width)
        rest = header.sectionSize(2) + header.sectionSize(3)
        scroll_bar = self.pairs_table.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        # The room the list starts with (a narrower window elides, the row's tooltip says it all).
        return true_width + pred_width + rest + scroll_bar + 2 * self.pairs_table.frameWidth()

    @property
    def evaluation(self):
        return self.session.evaluation

    @property
    def images(self) -> np.ndarray | None:
        return self.session.images

    @property
    def view(self) -> tuple | None:
        """What the grid shows: ("pair", true, pred), ("class", true) or None."""
        if self.session.selected_pair is not None:
            return ("pair", *self.session.selected_pair)
        if self.session.selected_class is not None:
            return ("class", self.session.selected_class)
        return None

    # Evaluation --------------------------------------------------------------------------------------

    def _show_evaluation(self, ev) -> None:
        self._find_test_issues(ev)
        self._top2 = np.argsort(ev.probs, axis=1)[:, -2:][:, ::-1] if ev is not None else None
        self.pairs_model.set_rows(ev.pairs(top=None, by="count") if ev is not None else [])
        self.pairs_table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
        self.example_button.setEnabled(ev is not None)
        self.grid.set_items([], None)
        self.correct_grid.set_items([], None)
        self.detail.show_image(None, None, None)
        self.title.setText(
            self.tr("Choose a pair or type a character to see the test images behind it.")
            if ev is not None
            else self.tr("Evaluate a model to see which characters it confuses.")
        )
        self._update_count()

    # Filtering and selection ------------------------------------------------------------------------

    def _on_filter(self, text: str) -> None:
        classes = filter_classes(text) if text.strip() else []
        self._filter_pairs(classes)
        if classes is not None and len(classes) == 1:
            self.session.select_class(classes[0])

    def _filter_pairs(self, classes: list[int] | None) -> None:
        self.pairs_proxy.set_classes(classes)
        self._update_count()

    def _show_filter(self, text: str, classes: list[int]) -> None:
        """Show the filter a selection made elsewhere implies, without it counting as typing."""
        self.filter_edit.blockSignals(True)
        try:
            self.filter_edit.setText(text)
        finally:
            self.filter_edit.blockSignals(False)
        self._filter_pairs(classes)

    def _update_count(self) -> None:
        shown, total = self.pairs_proxy.rowCount(), self.pairs_model.rowCount()
        if self.pairs_proxy.classes is None:
            self.pairs_count.setText(self.tr("No character matches the filter"))
        else:
            self.pairs_count.setText(self.tr("{shown} of {total} confused pairs").format(
                shown=i18n.number(shown), total=i18n.number(total)))

    def _on_pair_row(self, current, _previous) -> None:
        if current.isValid():
            pair = self.pairs_model.rows[self.pairs_proxy.mapToSource(current).row()]
            self.session.select_pair(pair.true, pair.pred)

    def _proxy_row(self, true: int, pred: int):
        for r, p in enumerate(self.pairs_model.rows):
            if (p.true, p.pred) == (true, pred):
                proxy = self.pairs_proxy.mapFromSource(self.pairs_model.index(r, 0))
                return proxy if proxy.isValid() else None
        return None

    # Grids ------------------------------------------------------------------------------------------

    def _caption(self, i: int) -> str:
        first, second = self._top2[i]
        probs = self.evaluation.probs[i]
        return self.tr("{first} {p1}\n2nd {second} {p2}").format(
            first=CLASSES[first].char, p1=i18n.percent(probs[first], 0), second=CLASSES[second].char,
            p2=i18n.percent(probs[second], 0))

    def _images(self, indices) -> list[GridItem]:
        return [GridItem(IMAGE, test_index=int(i), caption=self._caption(int(i))) for i in indices]

    def _show_pair(self, true: int, pred: int) -> None:
        """The pair (true → pred) selected in the list, clearing a filter that hides it, and its images."""
        row = self._proxy_row(true, pred)
        if row is None and self.filter_edit.text():
            self._show_filter("", [])
            row = self._proxy_row(true, pred)
        show_selected_row(self.pairs_table, row)
        ev = self.evaluation
        indices = ev.misclassified(true, pred)
        t, p = CLASSES[true], CLASSES[pred]
        rate = ev.confusion_normalized[true, pred]
        self.title.setText(self.tr("{true} read as {pred}: {n} test images ({rate} of {char})").format(
            n=i18n.number(len(indices)), true=i18n.char_label(t), pred=i18n.char_label(p), rate=i18n.percent(rate),
            char=t.char))
        self.grid.set_items(self._images(indices), self.images)
        self._show_correct([true, pred])

    def _show_class(self, true: int) -> None:
        """Every misclassification of one character, grouped by what the model read instead; the list filtered to it."""
        if filter_classes(self.filter_edit.text()) != [true]:
            self._show_filter(CLASSES[true].char, [true])
        show_selected_row(self.pairs_table, None)
        ev = self.evaluation
        t = CLASSES[true]
        row = ev.confusion[true].copy()
        row[true] = 0
        preds = [int(p) for p in np.argsort(-row, kind="stable") if row[p] > 0]
        items = []
        for pred in preds:
            indices = ev.misclassified(true, pred)
            items.append(GridItem(HEADER, text=self.tr("read as {label}: {n}").format(
                label=i18n.char_label(CLASSES[pred]), n=i18n.number(len(indices)))))
            items.extend(self._images(indices))
        total = int(row.sum())
        self.title.setText(self.tr("{label}: {n} misread test images, by what the model read").format(
            n=i18n.number(total), label=i18n.char_label(t)))
        self.grid.set_items(items, self.images)
        self._show_correct([true] + preds[:1])

    def _show_correct(self, classes: list[int]) -> None:
        ev = self.evaluation
        items = []
        correct = ev.y_true == ev.y_pred
        for c in classes:
            indices = np.flatnonzero(correct & (ev.y_true == c))[:CORRECT_PER_CLASS]
            label = i18n.char_label(CLASSES[c])
            heading = (self.tr("{label} read correctly").format(label=label) if len(indices) else
                       self.tr("{label} read correctly: none among the test images").format(label=label))
            items.append(GridItem(HEADER, text=heading))
            items.extend(GridItem(IMAGE, test_index=int(i), correct=True) for i in indices)
        self.correct_label.setText(self.tr("For comparison, images the model read correctly:"))
        self.correct_grid.set_items(items, self.images)

    def _on_zoom(self, value: int) -> None:
        self.grid.set_cell_size(28 * value)

    def _show_image(self, test_index: int) -> None:
        self.detail.show_image(self.evaluation, self.images, test_index)

    # Suspicious labels -------------------------------------------------------------------------------

    def _find_test_issues(self, ev) -> None:
        """Rank the evaluation's test images by how much the model disputes their labels (on a worker)."""
        self._issues.drop()
        self._issues_are_test = True
        self.suspicious.set_issues(None, None, [])
        if ev is None:
            self.suspicious_source.setText(self.tr("Evaluate a model to see the test images whose labels it disputes."))
            return
        if ev.label_issues_note:
            # The note comes from the core (why there is no list): English.
            self.suspicious_source.setText(self.tr("Test images of {0}: {1}.").format(i18n.data_name(ev.data_name),
                                                                                        ev.label_issues_note))
            return
        images = self.session.images
        self.suspicious_source.setText(self.tr("Looking for suspicious labels…"))

        def find(progress, cancel):
            return ev.label_issues()

        def show(issues) -> None:
            self.suspicious.set_issues(ev, images, issues)
            self.suspicious_source.setText(self.tr(
                "The test images of {data}, the label {model} disputes most first (label quality from the "
                "evaluation's probabilities): {total} candidates for a person to check, {flagged} flagged by "
                "confident learning.").format(data=i18n.data_name(ev.data_name), model=i18n.model_name(ev.model_name),
                                              total=i18n.number(len(issues)),
                                              flagged=i18n.number(sum(q.flagged for q in issues))))

        self._issues.run(self.tr("find suspicious labels"), find, on_success=show,
                         on_failure=lambda message: self.suspicious_source.setText(message))

    def _show_training_issues(self, ev, images, issues) -> None:
        self._issues.drop()
        self._issues_are_test = False
        self.suspicious.set_issues(ev, images, issues)
        self.suspicious_source.setText(self.tr(
            "The training images, the label the cross-validated models dispute most first: {total} candidates for "
            "a person to check, {flagged} flagged by confident learning.").format(
                total=i18n.number(len(issues)), flagged=i18n.number(sum(q.flagged for q in issues))))

    def _open_suspicious(self, index: int) -> None:
        """A test image's row opened: shown large, with its neighbours, in the Confused pairs page."""
        if self._issues_are_test and self.evaluation is not None:
            self.session.select_image(index)
            self.pages.setCurrentIndex(0)

    def _on_predictor(self, predictor) -> None:
        self.suspicious.set_model(predictor.model if predictor is not None else None)
