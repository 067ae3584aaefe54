"""Draw tab: write a hiragana, see what the model sees and its top-5 candidates while drawing, and teach it your
hand (keep corrected drawings, fine-tune on them: gui/teach_panel.py)."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from k49desk.errors import EmptyDrawing
from k49desk.gui import i18n
from k49desk.gui.active_predictor import shared_predictor
from k49desk.gui.candidates import CandidateList, no_prediction_hint, prediction_panel
from k49desk.gui.canvas import DrawCanvas
from k49desk.gui.images import to_pixmap
from k49desk.gui.messages import show_as_note, show_problem
from k49desk.gui.model_banner import ModelBanner
from k49desk.gui.saliency_view import SaliencyRequests, overlay_pixmap, saliency_legend
from k49desk.gui.state import AppState
from k49desk.gui.teach_panel import TeachPanel
from k49desk.predictor import TOP_K
from k49desk.rasterize import rasterize_strokes

PREVIEW_SIZE = 168  # 6 screen pixels per model pixel
# Rasterise + predict normally takes ~1-2 ms. When an update costs more than this, later updates during
# the same drag are dropped for as long as the slow one took, so drawing stays fluid on a busy machine.
UPDATE_BUDGET_MS = 8.0


class DrawTab(QWidget):
    def __init__(self, state: AppState, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.predictor = shared_predictor(state)
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
        self.pen_slider.setToolTip(self.tr("Width of the pen on the canvas (the model always sees K49's stroke width)"))
        self.pen_slider.valueChanged.connect(self.canvas.set_pen_width)
        self.undo_button = QPushButton(self.tr("Undo"), objectName="undoButton")
        self.undo_button.setToolTip(self.tr("Remove the last stroke (Ctrl+Z)"))
        self.undo_button.clicked.connect(self.canvas.undo)
        self.clear_button = QPushButton(self.tr("Clear"), objectName="clearButton")
        self.clear_button.setToolTip(self.tr("Remove every stroke (Esc)"))
        self.clear_button.clicked.connect(self.canvas.clear)

        self.banner = ModelBanner(state, parent=self)
        self.model_label = QLabel(objectName="modelStatus")
        self.model_label.setWordWrap(True)
        self.model_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.preview = QLabel(objectName="previewImage")
        self.preview.setFixedSize(PREVIEW_SIZE, PREVIEW_SIZE)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setStyleSheet("QLabel#previewImage { background: black; color: #9a9a9a; }")
        self.preview.setToolTip(self.tr("The 28×28 image the model is given: white ink on black, framed like K49"))

        # The map is computed in a worker, one at a time, newest drawing first: while a map is being computed the
        # strokes keep flowing and the overlay shows the last finished map until the next one arrives.
        self.saliency = SaliencyRequests(state, parent=self)
        self.saliency.ready.connect(self._on_saliency)
        self.saliency.failed.connect(self._on_saliency_failed)
        self.saliency_toggle = QCheckBox(self.tr("Show what the model looks at"), objectName="saliencyToggle")
        self.saliency_toggle.setToolTip(self.tr("Heat overlay on the preview, live while drawing ({legend})").format(
            legend=saliency_legend()))
        self.saliency_toggle.toggled.connect(self._on_saliency_toggled)

        self.candidates = CandidateList(parent=self)
        self.candidates.classChosen.connect(self._on_candidate)
        self.timing = QLabel(objectName="predictTime")
        show_as_note(self.timing)
        self.teach = TeachPanel(state, parent=self)
        self._cooldown = QTimer(self, singleShot=True)
        self._cooldown.timeout.connect(self._flush)

        self._build_layout()
        # On the tab rather than the canvas, so they still work after a click on a button or a candidate.
        for keys, slot in ((QKeySequence.StandardKey.Undo, self.canvas.undo), (Qt.Key.Key_Escape, self.canvas.clear)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self.predictor.statusChanged.connect(self._show_model_status)
        # Bound methods, not lambdas: Qt drops the connection with this tab, the shared predictor outlives it.
        self.predictor.changed.connect(self._on_predictor)
        self._show_model_status(self.predictor.status, self.predictor.status_is_problem)
        self._update_prediction()

    def _build_layout(self) -> None:
        tools = QHBoxLayout()
        tools.addWidget(QLabel(self.tr("Pen width")))
        tools.addWidget(self.pen_slider, 1)
        tools.addSpacing(12)
        tools.addWidget(self.undo_button)
        tools.addWidget(self.clear_button)
        left = QVBoxLayout()
        left.addWidget(self.canvas, 1)
        left.addLayout(tools)
        teach_box = QGroupBox(self.tr("Teach it your hand"))
        QVBoxLayout(teach_box).addWidget(self.teach)
        left.addWidget(teach_box)

        preview_box = QGroupBox(self.tr("What the model sees"))
        preview_layout = QVBoxLayout(preview_box)
        preview_layout.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignHCenter)
        preview_layout.addWidget(self.saliency_toggle)
        candidates_box = QGroupBox(self.tr("Top {k} candidates").format(k=TOP_K))
        candidates_layout = QVBoxLayout(candidates_box)
        candidates_layout.addWidget(self.candidates)
        candidates_layout.addWidget(self.timing)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addWidget(prediction_panel(self.banner, self.model_label, preview_box, candidates_box))

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
            self.preview.setText(self.tr("Nothing drawn"))
            hint = self.tr("Draw a character") if not self._strokes else str(e).capitalize()
            self.candidates.show_top([], hint)
            self.timing.clear()
            self.teach.set_drawing(None, [], None)
            return
        self._image = image
        self._show_preview()
        predictor = self.predictor.predictor
        if predictor is None:
            self.candidates.show_top([], no_prediction_hint(self.predictor))
            self.teach.set_drawing(image, self._strokes, None)
            return
        top = predictor.top_k(image, k=TOP_K)
        cost_ms = (time.perf_counter() - start) * 1000
        if self.saliency_toggle.isChecked():
            self.saliency.set_model(predictor.model)
            self.saliency.request(None, image)
        self.candidates.show_top(top, "")
        self.teach.set_drawing(image, self._strokes, top[0][0].index)
        self.timing.setText(self.tr("rasterise + predict: {ms} ms").format(ms=i18n.number(cost_ms, 1)))
        if cost_ms > UPDATE_BUDGET_MS:
            self._cooldown.start(round(cost_ms))

    # Saliency overlay --------------------------------------------------------------------------------

    def _on_saliency_toggled(self, on: bool) -> None:
        self._saliency = None
        if on and self._image is not None and self.predictor.predictor is not None:
            self.saliency.set_model(self.predictor.predictor.model)
            self.saliency.request(None, self._image)
        self._show_preview()

    def _on_saliency(self, key, saliency) -> None:
        if self.saliency_toggle.isChecked() and self._image is not None:
            self._saliency = saliency
            self._show_preview()

    def _on_saliency_failed(self, key, message: str) -> None:
        self._saliency = None
        self._show_preview()
        self.timing.setText(self.tr("overlay: {error}").format(error=message))

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

    def _on_predictor(self, _predictor) -> None:
        self._update_prediction()

    def _on_candidate(self, index: int) -> None:
        """A clicked candidate: copied (CandidateList), chosen as what the drawing is, selected everywhere."""
        self.teach.choose(index)
        self.state.classSelected.emit(index)

    def _show_model_status(self, text: str, problem: bool) -> None:
        self.model_label.setText(text)
        show_problem(self.model_label, problem)
        if self.state.model is not None:
            self.model_label.setToolTip(str(self.state.model.path))

    def is_loading(self) -> bool:
        """True while a model is being loaded for this tab."""
        return self.predictor.loading
