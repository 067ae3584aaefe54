"""Draw tab: write a hiragana, see what the model sees and its top-5 candidates while drawing."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QModelIndex, QRect, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QGuiApplication, QKeySequence, QPainter, QPalette, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSlider,
    QStyle,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

from k49desk.errors import EmptyDrawing
from k49desk.gui.canvas import DrawCanvas
from k49desk.gui.fonts import hiragana_font
from k49desk.gui.images import to_pixmap
from k49desk.gui.saliency_view import LEGEND, SaliencyRequests, overlay_pixmap
from k49desk.gui.state import ActiveModel, AppState
from k49desk.gui.workers import Task, import_ml_modules
from k49desk.paths import starter_model_path
from k49desk.rasterize import rasterize_strokes

TOP_K = 5
PREVIEW_SIZE = 168  # 6 screen pixels per model pixel
CANDIDATE = Qt.ItemDataRole.UserRole  # (Hiragana, probability) of a row
# Rasterise + predict normally takes ~1-2 ms. When an update costs more than this, later updates during
# the same drag are dropped for as long as the slow one took, so drawing stays fluid on a busy machine.
UPDATE_BUDGET_MS = 8.0
COPIED_MESSAGE_MS = 2000


class DrawTab(QWidget):
    def __init__(self, state: AppState, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("drawTab")
        self.state = state
        self._predictor = None
        self._predictor_name: str | None = None
        self._load_task: Task | None = None
        self._loading_model: ActiveModel | None = None
        self._strokes: list = []
        self._pending = False  # strokes arrived during a cool-down and are not shown yet
        self._image = None  # the 28x28 image now in the preview, or None
        self._saliency = None  # the newest map computed for the drawing (it may lag a few updates behind)

        self.canvas = DrawCanvas(self)
        self.canvas.strokesChanged.connect(self._on_strokes)

        self.pen_slider = QSlider(Qt.Orientation.Horizontal, objectName="penWidthSlider")
        self.pen_slider.setRange(4, 40)
        self.pen_slider.setValue(round(self.canvas.pen_width()))
        # The model always gets K49's stroke width (rasterize_strokes' default): the pen width is for the eye only.
        self.pen_slider.setToolTip("Width of the pen on the canvas (the model always sees K49's stroke width)")
        self.pen_slider.valueChanged.connect(self.canvas.set_pen_width)
        self.undo_button = QPushButton("Undo", objectName="undoButton")
        self.undo_button.setToolTip("Remove the last stroke (Ctrl+Z)")
        self.undo_button.clicked.connect(self.canvas.undo)
        self.clear_button = QPushButton("Clear", objectName="clearButton")
        self.clear_button.setToolTip("Remove every stroke (Esc)")
        self.clear_button.clicked.connect(self.canvas.clear)

        self.model_label = QLabel(objectName="modelStatus")
        self.model_label.setWordWrap(True)
        self.model_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.preview = QLabel(objectName="previewImage")
        self.preview.setFixedSize(PREVIEW_SIZE, PREVIEW_SIZE)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setStyleSheet("QLabel#previewImage { background: black; color: #9a9a9a; }")
        self.preview.setToolTip("The 28×28 image the model is given: white ink on black, framed like K49")

        # The map is computed in a worker, one at a time, newest drawing first: while a map is being computed the
        # strokes keep flowing and the overlay shows the last finished map until the next one arrives.
        self.saliency = SaliencyRequests(state, parent=self)
        self.saliency.ready.connect(self._on_saliency)
        self.saliency.failed.connect(self._on_saliency_failed)
        self.saliency_toggle = QCheckBox("Show what the model looks at", objectName="saliencyToggle")
        self.saliency_toggle.setToolTip(f"Heat overlay on the preview, live while drawing ({LEGEND})")
        self.saliency_toggle.toggled.connect(self._on_saliency_toggled)

        self.hint = QLabel("Draw a character", objectName="predictionHint")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.candidates = QListWidget(objectName="predictionList")
        self.candidates.setItemDelegate(CandidateDelegate(self.candidates))
        self.candidates.setUniformItemSizes(True)
        self.candidates.setMouseTracking(True)
        self.candidates.setToolTip("Click a candidate to copy the character to the clipboard")
        self.candidates.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.candidates.setFixedHeight(TOP_K * CandidateDelegate.ROW_HEIGHT + 2 * self.candidates.frameWidth() + 4)
        self.candidates.itemClicked.connect(self._copy_candidate)
        self.candidates.itemActivated.connect(self._copy_candidate)  # Enter on a focused row
        self.copied = QLabel(objectName="copyMessage")
        self.timing = QLabel(objectName="predictTime")
        for small in (self.copied, self.timing):
            small.setStyleSheet("color: palette(mid);")
        self._copied_timer = QTimer(self, singleShot=True, interval=COPIED_MESSAGE_MS)
        self._copied_timer.timeout.connect(self.copied.clear)
        self._cooldown = QTimer(self, singleShot=True)
        self._cooldown.timeout.connect(self._flush)

        self._build_layout()
        # On the tab rather than the canvas, so they still work after a click on a button or a candidate.
        for keys, slot in ((QKeySequence.StandardKey.Undo, self.canvas.undo), (Qt.Key.Key_Escape, self.canvas.clear)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        state.modelChanged.connect(self._on_model_changed)
        state.mlReady.connect(self._on_ml_ready)
        self._on_model_changed(state.model)
        self._update_prediction()

    def _build_layout(self) -> None:
        tools = QHBoxLayout()
        tools.addWidget(QLabel("Pen width"))
        tools.addWidget(self.pen_slider, 1)
        tools.addSpacing(12)
        tools.addWidget(self.undo_button)
        tools.addWidget(self.clear_button)
        left = QVBoxLayout()
        left.addWidget(self.canvas, 1)
        left.addLayout(tools)

        preview_box = QGroupBox("What the model sees")
        preview_layout = QVBoxLayout(preview_box)
        preview_layout.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignHCenter)
        preview_layout.addWidget(self.saliency_toggle)
        candidates_box = QGroupBox(f"Top {TOP_K} candidates")
        candidates_layout = QVBoxLayout(candidates_box)
        candidates_layout.addWidget(self.hint)
        candidates_layout.addWidget(self.candidates)
        candidates_layout.addWidget(self.copied)
        candidates_layout.addWidget(self.timing)
        right = QVBoxLayout()
        right.addWidget(self.model_label)
        right.addWidget(preview_box)
        right.addWidget(candidates_box)
        right.addStretch(1)
        right_widget = QWidget()
        right_widget.setLayout(right)
        right_widget.setFixedWidth(320)

        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addWidget(right_widget)

    # Model --------------------------------------------------------------------------------------

    def _on_model_changed(self, model: ActiveModel | None) -> None:
        if self._load_task is not None:
            self._load_task.cancel()  # loading cannot stop half-way; its result is ignored when it arrives
            self._load_task = None
        if model is None:
            self._set_predictor(None, None)
            self._show_model_status(_no_model_message(), error=True)
            return
        if not self.state.ml_ready:
            # Loading imports TensorFlow; the window's own background import comes first so that the window
            # shows at once, and mlReady brings this model back here.
            self._show_model_status(f"Model: {model.name} — loads once TensorFlow is ready…")
            return
        path = Path(model.path)
        task = Task(f"load model {model.name}", lambda progress, cancel: _load_predictor(path))
        # Bound methods, not lambdas: PySide drops them with this tab, should it close while a model loads.
        task.succeeded.connect(self._on_loaded)
        task.failed.connect(self._on_load_failed)
        self._load_task, self._loading_model = task, model
        if self._predictor is None:
            self._show_model_status(f"Loading model “{model.name}”…")
        else:
            self._show_model_status(f"Model: {self._predictor_name} — loading “{model.name}”…")
        self._update_prediction()
        self.state.start(task)

    def _on_ml_ready(self) -> None:
        self._on_model_changed(self.state.model)

    def _on_loaded(self, predictor) -> None:
        if self.sender() is not self._load_task:
            return
        model = self._loading_model
        self._load_task = None
        self._set_predictor(predictor, model.name)
        self._show_model_status(f"Model: {model.name}")
        self.model_label.setToolTip(str(model.path))

    def _on_load_failed(self, message: str) -> None:
        if self.sender() is not self._load_task:
            return
        model = self._loading_model
        self._load_task = None
        self._set_predictor(None, None)
        self._show_model_status(f"Could not load model “{model.name}”: {message}", error=True)

    def _set_predictor(self, predictor, name: str | None) -> None:
        self._predictor = predictor
        self._predictor_name = name
        self._update_prediction()

    def _show_model_status(self, text: str, error: bool = False) -> None:
        self.model_label.setText(text)
        self.model_label.setStyleSheet("color: #b3261e;" if error else "")

    def is_loading(self) -> bool:
        """True while a model is being loaded for this tab."""
        return self._load_task is not None

    # Prediction ---------------------------------------------------------------------------------

    def _on_strokes(self, strokes: list) -> None:
        self._strokes = strokes
        self._pending = True
        # The cool-down only thins out updates during a drag; the end of a stroke, undo and clear show at once.
        if not self._cooldown.isActive() or not self.canvas.is_drawing():
            self._cooldown.stop()
            self._update_prediction()

    def _flush(self) -> None:
        if self._pending:
            self._update_prediction()

    def _update_prediction(self) -> None:
        """Rasterise the current strokes, show them, and show the top-k if a model is ready."""
        self._pending = False
        start = time.perf_counter()
        try:
            image = rasterize_strokes(self._strokes)
        except EmptyDrawing as e:
            self._image = self._saliency = None
            self.preview.clear()
            self.preview.setText("Nothing drawn")
            hint = "Draw a character" if not self._strokes else str(e).capitalize()
            self._show_candidates([], hint)
            self.timing.clear()
            return
        self._image = image
        self._show_preview()
        if self._predictor is None:
            self._show_candidates([], "Loading model…" if self._load_task is not None else "No model to predict with")
            return
        top = self._predictor.top_k(image, k=TOP_K)
        cost_ms = (time.perf_counter() - start) * 1000
        if self.saliency_toggle.isChecked():
            self.saliency.set_model(self._predictor.model)
            self.saliency.request(None, image)
        self._show_candidates(top, "")
        self.timing.setText(f"rasterise + predict: {cost_ms:.1f} ms")
        if cost_ms > UPDATE_BUDGET_MS:
            self._cooldown.start(round(cost_ms))

    # Saliency overlay --------------------------------------------------------------------------------

    def _on_saliency_toggled(self, on: bool) -> None:
        self._saliency = None
        if on and self._image is not None and self._predictor is not None:
            self.saliency.set_model(self._predictor.model)
            self.saliency.request(None, self._image)
        self._show_preview()

    def _on_saliency(self, key, saliency) -> None:
        if self.saliency_toggle.isChecked() and self._image is not None:
            self._saliency = saliency
            self._show_preview()

    def _on_saliency_failed(self, key, message: str) -> None:
        self._saliency = None
        self._show_preview()
        self.timing.setText(f"overlay: {message}")

    def _show_preview(self) -> None:
        if self._image is None:
            return
        if self._saliency is not None and self.saliency_toggle.isChecked():
            self.preview.setPixmap(overlay_pixmap(self._image, self._saliency, PREVIEW_SIZE))
        else:
            self.preview.setPixmap(to_pixmap(self._image, PREVIEW_SIZE))

    def overlay_shown(self) -> bool:
        """True while the preview shows a saliency map over the drawing."""
        return self._saliency is not None and self.saliency_toggle.isChecked() and self._image is not None

    def _show_candidates(self, top: list, hint: str) -> None:
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))
        self.candidates.setVisible(bool(top))
        # Rows are updated in place: rebuilding them at 60 updates a second makes the list flicker.
        while self.candidates.count() > len(top):
            self.candidates.takeItem(self.candidates.count() - 1)
        while self.candidates.count() < len(top):
            self.candidates.addItem(QListWidgetItem())
        for row, (cls, prob) in enumerate(top):
            item = self.candidates.item(row)
            item.setData(CANDIDATE, (cls, float(prob)))
            item.setText(f"{cls.char}  {cls.romaji}  {prob * 100:.1f} %")
            item.setToolTip(f"{cls.label}, {cls.codepoint}: {prob * 100:.1f} %. Click to copy {cls.char}.")

    def _copy_candidate(self, item: QListWidgetItem) -> None:
        cls, _ = item.data(CANDIDATE)
        QGuiApplication.clipboard().setText(cls.char)
        self.copied.setText(f"Copied {cls.char} ({cls.romaji}) to the clipboard")
        self._copied_timer.start()
        self.state.classSelected.emit(cls.index)


def _load_predictor(path: Path):
    import_ml_modules()
    from k49desk.predictor import Predictor

    return Predictor(path)


def _no_model_message() -> str:
    starter = starter_model_path()
    if not starter.is_file():
        return (f"No model yet: the starter model is missing ({starter}). "
                "Train a model in the Train tab or open a run to predict.")
    return "No model is active. Train a model in the Train tab or open a run to predict."


class CandidateDelegate(QStyledItemDelegate):
    """One candidate per row: the character large, its romaji, and its probability as a bar and a percentage."""

    ROW_HEIGHT = 52

    def sizeHint(self, option, index: QModelIndex) -> QSize:
        return QSize(260, self.ROW_HEIGHT)

    def paint(self, painter: QPainter, option, index: QModelIndex) -> None:
        data = index.data(CANDIDATE)
        if data is None:
            return
        cls, prob = data
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = option.palette
        rect: QRect = option.rect
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.Highlight).lighter(170))
        elif option.state & QStyle.StateFlag.State_MouseOver:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.AlternateBase))
        text_color = palette.color(QPalette.ColorRole.Text)

        char_rect = QRect(rect.left() + 4, rect.top(), 48, rect.height())
        painter.setPen(text_color)
        painter.setFont(hiragana_font(26))
        painter.drawText(char_rect, Qt.AlignmentFlag.AlignCenter, cls.char)

        painter.setFont(option.font)
        romaji_rect = QRect(char_rect.right() + 6, rect.top(), 44, rect.height())
        romaji = option.fontMetrics.elidedText(cls.romaji, Qt.TextElideMode.ElideRight, romaji_rect.width())
        painter.drawText(romaji_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, romaji)

        pct_rect = QRect(rect.right() - 58, rect.top(), 54, rect.height())
        painter.drawText(pct_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, f"{prob * 100:.1f} %")

        bar_left = romaji_rect.right() + 4
        bar = QRectF(bar_left, rect.center().y() - 6, max(pct_rect.left() - 8 - bar_left, 10), 12)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#e4e4e4"))
        painter.drawRoundedRect(bar, 3, 3)
        filled = QRectF(bar.left(), bar.top(), bar.width() * min(max(prob, 0.0), 1.0), bar.height())
        painter.setBrush(QColor("#3b6fb6") if index.row() == 0 else QColor("#8aa8d4"))
        painter.drawRoundedRect(filled, 3, 3)
        painter.restore()
