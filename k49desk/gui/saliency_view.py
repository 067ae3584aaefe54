"""Saliency in the window: a worker that computes maps one at a time, and a view of any 28x28 image with its map.

SaliencyRequests runs k49desk.explain off the GUI thread (a Grad-CAM map costs 1-11 ms on 2 CPU cores, a
SmoothGrad one up to ~50 ms: longer than a frame). One map is computed at a time; requests that arrive meanwhile
collapse into the newest, so a view fed at drawing speed lags behind visibly but never queues up or blocks.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QLabel, QVBoxLayout, QWidget

from k49desk.classes import CLASSES
from k49desk.errors import K49Error
from k49desk.explain import DEFAULT_METHOD, overlay_rgb
from k49desk.gui import i18n
from k49desk.gui.fonts import hiragana_font
from k49desk.gui.images import to_pixmap
from k49desk.gui.messages import show_as_note
from k49desk.gui.workers import TaskSlot, import_ml_modules



def saliency_legend() -> str:
    return QCoreApplication.translate("SaliencyView", "red: ink here supports it · blue: speaks against it")



def overlay_pixmap(image: np.ndarray, saliency, size: int) -> QPixmap:
    """The image with its saliency map on top, size x size pixels, each model pixel a sharp square."""
    rgb = np.ascontiguousarray(overlay_rgb(image, saliency, size))
    h, w, _ = rgb.shape
    qimage = QImage(rgb.data, w, h, rgb.strides[0], QImage.Format.Format_RGB888).copy()
    return QPixmap.fromImage(qimage).scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio,
                                            Qt.TransformationMode.FastTransformation)


class SaliencyRequests(QObject):
    """Saliency maps for one model, computed one at a time in a TaskSlot; the newest waiting request replaces older
    ones (a map is not dropped half-way: the explainer it uses is not shared between threads).

    state: the AppState whose tasks closing the window waits for.
    """

    ready = Signal(object, object)  # (the request's key, k49desk.explain.Saliency)
    failed = Signal(object, str)  # (the request's key, a message for the user)

    def __init__(self, state, method: str = DEFAULT_METHOD, parent=None):
        super().__init__(parent)
        self.method = method
        self._slot = TaskSlot(state, self)
        self._slot.busyChanged.connect(self._on_busy_changed)
        self._model = None
        self._explainer = None  # built in a worker for self._model; only one task touches it at a time
        self._waiting: tuple | None = None  # the newest request not yet started

    def set_model(self, model) -> None:
        """The Keras model to explain (None: none); its explainer is traced in the worker on the first request."""
        if model is not self._model:
            self._model = model
            self._waiting = None

    @property
    def model(self):
        return self._model

    def request(self, key, image: np.ndarray, target: int | None = None, versus: int | None = None) -> None:
        """Compute the map for `image`; `ready(key, saliency)` follows unless a newer request replaces this one."""
        if self._model is None:
            self.failed.emit(key, self.tr("no model to explain"))
            return
        self._waiting = (key, np.array(image, np.uint8), target, versus, self._model)
        if not self._slot.busy:
            self._start_next()

    def is_busy(self) -> bool:
        return self._slot.busy or self._waiting is not None

    def _start_next(self) -> None:
        key, image, target, versus, model = self._waiting
        self._waiting = None

        def explain(progress, cancel):
            import_ml_modules()
            from k49desk.explain import Explainer

            if self._explainer is None or self._explainer.model is not model:
                self._explainer = Explainer(model, self.method)
            try:
                return self._explainer.explain(image, target, versus)
            except ValueError as e:  # a class pair that cannot be compared (the top candidate against itself)
                raise K49Error(str(e)) from None

        self._slot.run(self.tr("saliency map"), explain, on_success=lambda saliency: self.ready.emit(key, saliency),
                       on_failure=lambda message: self.failed.emit(key, message))

    def _on_busy_changed(self, busy: bool) -> None:
        if not busy and self._waiting is not None:
            self._start_next()


def class_picker(object_name: str, first: str) -> QComboBox:
    """A combo box: `first` (data None), then the 49 characters with their romaji (data: class index)."""
    picker = QComboBox(objectName=object_name)
    picker.setFont(hiragana_font(12))
    picker.addItem(first, None)
    for c in CLASSES:
        picker.addItem(f"{c.char}  {c.romaji}", c.index)
    picker.setMaxVisibleItems(20)
    return picker


class SaliencyView(QWidget):
    """One 28x28 image with its saliency overlay, for the top candidate, any class, or one class and not another.

    Feed it with set_model (a Keras model) and set_image; it computes in a worker and shows the newest map.
    """

    saliencyShown = Signal(object)  # the Saliency now on screen

    def __init__(self, state, size: int = 224, parent=None):
        super().__init__(parent)
        self.setObjectName("saliencyView")
        self.picture_size = size
        self.requests = SaliencyRequests(state, parent=self)
        self.requests.ready.connect(self._on_ready)
        self.requests.failed.connect(self._on_failed)
        self.image: np.ndarray | None = None
        self.saliency = None  # the map on screen, for self.image
        self._generation = 0  # which set_image/picker change the shown map belongs to

        self.picture = QLabel(objectName="saliencyImage")
        self.picture.setFixedSize(size, size)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setStyleSheet("QLabel#saliencyImage { background: black; color: #9a9a9a; }")
        self.target_picker = class_picker("saliencyTarget", self.tr("Top candidate"))
        self.target_picker.setToolTip(self.tr("The class whose evidence is shown"))
        self.versus_picker = class_picker("saliencyVersus", self.tr("— no other class"))
        self.versus_picker.setToolTip(self.tr("Show why the first class and not this one: the difference of the two "
                                              "maps"))
        self.overlay_toggle = QCheckBox(self.tr("Show heat"), objectName="saliencyOverlayToggle", checked=True)
        self.caption = QLabel(objectName="saliencyCaption")
        self.caption.setFont(hiragana_font(11))
        self.caption.setWordWrap(True)
        legend = QLabel(saliency_legend(), objectName="saliencyLegend")
        show_as_note(legend)
        legend.setWordWrap(True)
        # Wrapped labels report their height only for a given width; reserve their lines so that a tight layout
        # never slides the pickers up over the picture.
        self.caption.setMinimumHeight(3 * self.caption.fontMetrics().lineSpacing())
        legend.setMinimumHeight(2 * legend.fontMetrics().lineSpacing())
        self.setMinimumWidth(size + 40)

        pickers = QGridLayout()
        pickers.addWidget(QLabel(self.tr("Why")), 0, 0)
        pickers.addWidget(self.target_picker, 0, 1)
        pickers.addWidget(QLabel(self.tr("and not")), 1, 0)
        pickers.addWidget(self.versus_picker, 1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addLayout(pickers)
        layout.addWidget(self.overlay_toggle)
        layout.addWidget(self.caption)
        layout.addWidget(legend)
        self.target_picker.currentIndexChanged.connect(self._recompute)
        self.versus_picker.currentIndexChanged.connect(self._recompute)
        self.overlay_toggle.toggled.connect(self._show)
        self._show()

    def set_model(self, model) -> None:
        """The Keras model to explain, or None."""
        self.requests.set_model(model)
        self._recompute()

    def set_image(self, image: np.ndarray | None, target: int | None = None, versus: int | None = None) -> None:
        """Show `image` (28x28 uint8) and compute its map; target/versus set the pickers (None: top, no other)."""
        self.image = None if image is None else np.array(image, np.uint8).reshape(28, 28)
        for picker, value in ((self.target_picker, target), (self.versus_picker, versus)):
            picker.blockSignals(True)
            picker.setCurrentIndex(0 if value is None else value + 1)
            picker.blockSignals(False)
        self._recompute()

    def target(self) -> int | None:
        return self.target_picker.currentData()

    def versus(self) -> int | None:
        return self.versus_picker.currentData()

    def _recompute(self) -> None:
        self._generation += 1
        self.saliency = None
        if self.image is None:
            self.caption.setText("")
        elif self.requests.model is None:
            self.caption.setText(self.tr("No model to explain with"))
        elif self.versus() is not None and self.versus() == self.target():
            self.caption.setText(self.tr("Choose two different characters"))
        else:
            self.caption.setText(self.tr("Computing…"))
            self.requests.request(self._generation, self.image, self.target(), self.versus())
        self._show()

    def _on_ready(self, key, saliency) -> None:
        if key != self._generation:
            return
        self.saliency = saliency
        top = int(np.argmax(saliency.probabilities))
        # The description comes from the core (k49desk.explain): English.
        self.caption.setText(self.tr("The model reads {char} ({p}). Heat: {description}.").format(
            char=CLASSES[top].char, p=i18n.percent(saliency.probabilities[top], 0), description=saliency.description))
        self._show()
        self.saliencyShown.emit(saliency)

    def _on_failed(self, key, message: str) -> None:
        if key == self._generation:
            self.caption.setText(message[:1].upper() + message[1:])

    def _show(self) -> None:
        if self.image is None:
            self.picture.clear()
            self.picture.setText(self.tr("No image"))
        elif self.saliency is not None and self.overlay_toggle.isChecked():
            self.picture.setPixmap(overlay_pixmap(self.image, self.saliency, self.picture_size))
        else:
            self.picture.setPixmap(to_pixmap(self.image, self.picture_size))
