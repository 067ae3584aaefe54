"""Photo tab: open, paste or drop a photo or scan, drag a rectangle around one character, see its top-5 live.

The picture goes through the same image path as `k49desk predict` (k49desk.photo): what the model sees is shown
beside the candidates, and a picture that holds no character or several says so.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QImage, QKeySequence, QPainter, QPen, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from k49desk.gui.active_predictor import shared_predictor
from k49desk.gui.candidates import CandidateList, no_prediction_hint, prediction_panel
from k49desk.gui.images import to_pixmap, to_qimage
from k49desk.gui.messages import show_as_note, show_error, show_problem
from k49desk.gui.model_banner import ModelBanner
from k49desk.gui.settings import PHOTO_FOLDER_KEY, app_settings
from k49desk.gui.state import AppState
from k49desk.gui.workers import TaskSlot
from k49desk.photo import frame_photo, read_image, to_grey
from k49desk.predictor import TOP_K

PREVIEW_SIZE = 168
IMAGE_PATTERNS = "*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff *.webp"
HANDLE_PX = 8  # how close to a corner of the rectangle a press grabs that corner, in screen pixels
MIN_REGION_PX = 4  # the smallest rectangle, in picture pixels


def qimage_to_grey(image: QImage) -> np.ndarray:
    """A QImage (any format, e.g. from the clipboard) as float32 grey 0..255, transparency composited like a file's."""
    rgba = image.convertToFormat(QImage.Format.Format_RGBA8888)
    w, h = rgba.width(), rgba.height()
    data = np.frombuffer(rgba.constBits(), np.uint8, count=rgba.bytesPerLine() * h)
    pixels = data.reshape(h, rgba.bytesPerLine())[:, : 4 * w].reshape(h, w, 4)
    return to_grey(Image.fromarray(pixels.copy(), "RGBA"))


class CropView(QWidget):
    """A picture scaled to fit, with a rectangle the user drags: inside it moves the rectangle, on a corner resizes
    it, elsewhere (or anywhere while it covers the whole picture) draws a new one. Regions are in picture pixels."""

    regionChanged = Signal(tuple)  # (left, top, right, bottom), live while dragging

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("cropView")
        self.setMinimumSize(320, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self._image: QImage | None = None
        self._size = (0, 0)  # (width, height) of the picture
        self._region = QRectF()
        self._drag: tuple[str, QPointF, QRectF] | None = None  # (mode, press point in picture pixels, region then)

    def sizeHint(self) -> QSize:
        return QSize(640, 480)

    def set_image(self, grey: np.ndarray) -> None:
        self._image = to_qimage(np.clip(grey, 0, 255).astype(np.uint8))
        self._size = (grey.shape[1], grey.shape[0])
        self.set_region((0, 0, *self._size))

    def has_image(self) -> bool:
        return self._image is not None

    def region(self) -> tuple[int, int, int, int]:
        r = self._region
        return round(r.left()), round(r.top()), round(r.right()), round(r.bottom())

    def set_region(self, region) -> None:
        left, top, right, bottom = region
        self._region = self._clamped(QRectF(QPointF(left, top), QPointF(right, bottom)).normalized())
        self.update()
        self.regionChanged.emit(self.region())

    def covers_everything(self) -> bool:
        return self.region() == (0, 0, *self._size)

    def image_rect(self) -> QRectF:
        """Where the picture is drawn, in widget pixels (scaled to fit, centred)."""
        w, h = self._size
        if not w or not h:
            return QRectF()
        scale = min(self.width() / w, self.height() / h)
        return QRectF((self.width() - w * scale) / 2, (self.height() - h * scale) / 2, w * scale, h * scale)

    def to_widget(self, x: float, y: float) -> QPointF:
        """A point of the picture (picture pixels) in widget pixels."""
        r = self.image_rect()
        return QPointF(r.left() + x * r.width() / self._size[0], r.top() + y * r.height() / self._size[1])

    def _to_picture(self, pos: QPointF) -> QPointF:
        r = self.image_rect()
        return QPointF((pos.x() - r.left()) * self._size[0] / r.width(), (pos.y() - r.top()) * self._size[1] / r.height())

    def _clamped(self, rect: QRectF) -> QRectF:
        w, h = self._size
        return rect.intersected(QRectF(0, 0, w, h))

    def mousePressEvent(self, event) -> None:
        if self._image is None or event.button() != Qt.MouseButton.LeftButton:
            return
        p = self._to_picture(event.position())
        self._drag = (self._grab_mode(event.position()), p, QRectF(self._region))

    def _grab_mode(self, pos: QPointF) -> str:
        if self.covers_everything():
            return "new"
        r = self._region
        corners = {"top-left": r.topLeft(), "top-right": r.topRight(), "bottom-left": r.bottomLeft(),
                   "bottom-right": r.bottomRight()}
        for name, corner in corners.items():
            c = self.to_widget(corner.x(), corner.y())
            if abs(c.x() - pos.x()) <= HANDLE_PX and abs(c.y() - pos.y()) <= HANDLE_PX:
                return name
        return "move" if r.contains(self._to_picture(pos)) else "new"

    def mouseMoveEvent(self, event) -> None:
        if self._drag is None:
            return
        mode, start, was = self._drag
        p = self._to_picture(event.position())
        if mode == "move":
            w, h = self._size
            dx = min(max(p.x() - start.x(), -was.left()), w - was.right())
            dy = min(max(p.y() - start.y(), -was.top()), h - was.bottom())
            rect = was.translated(dx, dy)
        elif mode == "new":
            rect = QRectF(start, p).normalized()
        else:
            fixed = {"top-left": was.bottomRight(), "top-right": was.bottomLeft(), "bottom-left": was.topRight(),
                     "bottom-right": was.topLeft()}[mode]
            rect = QRectF(fixed, p).normalized()
        rect = self._clamped(rect)
        if rect.width() >= MIN_REGION_PX and rect.height() >= MIN_REGION_PX:
            self._region = rect
            self.update()
            self.regionChanged.emit(self.region())

    def mouseReleaseEvent(self, event) -> None:
        self._drag = None

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().window())
        if self._image is None:
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self.tr("Open, paste (Ctrl+V) or drop a photo or scan of a character"))
            return
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        target = self.image_rect()
        painter.drawImage(target, self._image)
        top_left = self.to_widget(self._region.left(), self._region.top())
        bottom_right = self.to_widget(self._region.right(), self._region.bottom())
        selection = QRectF(top_left, bottom_right)
        # Dim what is outside the rectangle, so the character the model is given stands out.
        shade = QColor(0, 0, 0, 110)
        for part in (QRectF(target.left(), target.top(), target.width(), selection.top() - target.top()),
                     QRectF(target.left(), selection.bottom(), target.width(), target.bottom() - selection.bottom()),
                     QRectF(target.left(), selection.top(), selection.left() - target.left(), selection.height()),
                     QRectF(selection.right(), selection.top(), target.right() - selection.right(), selection.height())):
            if part.width() > 0 and part.height() > 0:
                painter.fillRect(part, shade)
        painter.setPen(QPen(QColor("#2f7de1"), 2))
        painter.drawRect(selection)
        painter.setBrush(QColor("#2f7de1"))
        for corner in (selection.topLeft(), selection.topRight(), selection.bottomLeft(), selection.bottomRight()):
            painter.drawRect(QRectF(corner.x() - 4, corner.y() - 4, 8, 8))


class PhotoTab(QWidget):
    def __init__(self, state: AppState, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.setAcceptDrops(True)
        self._grey: np.ndarray | None = None
        self._framing = TaskSlot(state, self)
        self._frame_pending = False
        self._opening = TaskSlot(state, self)
        self._framing.busyChanged.connect(self._next_frame)
        self.predictor = shared_predictor(state)

        self.crop = CropView(self)
        self.crop.regionChanged.connect(self._on_region)
        self.open_button = QPushButton(self.tr("Open image…"), objectName="openImageButton")
        self.open_button.setToolTip(self.tr("Open a photo or scan of a character (PNG, JPEG, …)"))
        self.open_button.clicked.connect(self.choose_file)
        self.paste_button = QPushButton(self.tr("Paste"), objectName="pasteImageButton")
        self.paste_button.setToolTip(self.tr("Paste a picture from the clipboard (Ctrl+V)"))
        self.paste_button.clicked.connect(self.paste)
        self.whole_button = QPushButton(self.tr("Whole picture"), objectName="wholeImageButton")
        self.whole_button.setToolTip(self.tr("Give the model the whole picture again"))
        self.whole_button.clicked.connect(self._select_whole)
        self.source_label = QLabel(objectName="photoSource")
        self.source_label.setWordWrap(True)
        show_as_note(self.source_label)

        self.banner = ModelBanner(state, "photo", self)
        self.model_label = QLabel(objectName="photoModelStatus")
        self.model_label.setWordWrap(True)
        self.preview = QLabel(objectName="photoPreview")
        self.preview.setFixedSize(PREVIEW_SIZE, PREVIEW_SIZE)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setStyleSheet("QLabel#photoPreview { background: black; color: #9a9a9a; }")
        self.preview.setToolTip(self.tr("The 28×28 image the model is given: white ink on black, framed like K49"))
        self.candidates = CandidateList("photo", self)
        self.candidates.classChosen.connect(self.state.classSelected)

        tools = QHBoxLayout()
        for button in (self.open_button, self.paste_button, self.whole_button):
            tools.addWidget(button)
        tools.addStretch(1)
        left = QVBoxLayout()
        left.addLayout(tools)
        left.addWidget(self.crop, 1)
        left.addWidget(self.source_label)
        preview_box = QGroupBox(self.tr("What the model sees"))
        QVBoxLayout(preview_box).addWidget(self.preview, 0, Qt.AlignmentFlag.AlignHCenter)
        candidates_box = QGroupBox(self.tr("Top {k} candidates").format(k=TOP_K))
        QVBoxLayout(candidates_box).addWidget(self.candidates)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addWidget(prediction_panel(self.banner, self.model_label, preview_box, candidates_box))

        paste = QShortcut(QKeySequence(QKeySequence.StandardKey.Paste), self)
        paste.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        paste.activated.connect(self.paste)
        self.predictor.statusChanged.connect(self._show_model_status)
        # Bound methods, not lambdas: Qt drops the connection with this tab, the shared predictor outlives it.
        self.predictor.changed.connect(self._on_predictor)
        self._show_model_status(self.predictor.status, self.predictor.status_is_problem)
        self._show_result(None, self.tr("Open, paste or drop a picture"))
        self._update_buttons()

    # Getting a picture ------------------------------------------------------------------------------

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open a photo or scan of a character"), str(self.last_folder()),
            self.tr("Images ({patterns});;All files (*)").format(patterns=IMAGE_PATTERNS))
        if path:
            self.open_file(Path(path))

    @staticmethod
    def last_folder() -> Path:
        """The folder of the last picture opened (kept between starts), else the home folder."""
        saved = app_settings().value(PHOTO_FOLDER_KEY)
        return Path(saved) if isinstance(saved, str) and saved and Path(saved).is_dir() else Path.home()

    def open_file(self, path: Path) -> None:
        """Read a picture file on a worker (large photos take a while), then show it whole."""
        name = Path(path).name
        app_settings().setValue(PHOTO_FOLDER_KEY, str(Path(path).resolve().parent))
        self.source_label.setText(self.tr("Opening {file}…").format(file=name))
        self._opening.run(self.tr("open {file}").format(file=name), lambda progress, cancel: read_image(path),
                          on_success=lambda grey: self.set_picture(grey, name),
                          on_failure=lambda message: self._open_failed(name, message))

    def _open_failed(self, name: str, message: str) -> None:
        """The picture could not be read: said in the project's message box; the picture shown before stays."""
        self.source_label.setText(self.tr("Could not open {0}").format(name) if self._grey is None else
                                  self.tr("Could not open {0}; still showing the picture before").format(name))
        show_error(self, self.tr("Could not open the picture"), message[:1].upper() + message[1:])

    def paste(self) -> None:
        data = QGuiApplication.clipboard().mimeData()
        if data is not None and data.hasImage():
            self.set_picture(qimage_to_grey(QImage(data.imageData())), self.tr("the clipboard"))
        elif data is not None and data.hasUrls() and data.urls()[0].isLocalFile():
            self.open_file(Path(data.urls()[0].toLocalFile()))
        else:
            self.source_label.setText(self.tr("The clipboard holds no picture"))

    def dragEnterEvent(self, event) -> None:
        data = event.mimeData()
        if data.hasImage() or (data.hasUrls() and data.urls()[0].isLocalFile()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        data = event.mimeData()
        if data.hasUrls() and data.urls()[0].isLocalFile():
            self.open_file(Path(data.urls()[0].toLocalFile()))
        elif data.hasImage():
            self.set_picture(qimage_to_grey(QImage(data.imageData())), self.tr("a dropped picture"))
        event.acceptProposedAction()

    def set_picture(self, grey: np.ndarray, source: str) -> None:
        self._grey = np.asarray(grey, np.float32)
        h, w = self._grey.shape
        self.source_label.setText(self.tr("{source}: {w}×{h} pixels. Drag a rectangle around one character.").format(
            source=source, w=w, h=h))
        self.crop.set_image(self._grey)
        self._update_buttons()

    def _select_whole(self) -> None:
        if self._grey is not None:
            self.crop.set_region((0, 0, self._grey.shape[1], self._grey.shape[0]))

    def _update_buttons(self) -> None:
        self.whole_button.setEnabled(self._grey is not None)

    # Framing and predicting -------------------------------------------------------------------------

    def _on_predictor(self, _predictor) -> None:
        self._request_frame()

    def _on_region(self, _region) -> None:
        self._request_frame()

    def _request_frame(self) -> None:
        """Frame the current region on a worker; while one is framed, only the latest region waits its turn."""
        if self._grey is None:
            return
        if self._framing.busy:
            self._frame_pending = True
            return
        grey, region, predictor = self._grey, self.crop.region(), self.predictor.predictor
        self._frame_pending = False
        self._framing.run(self.tr("frame the picture"),
                          lambda progress, cancel: _frame_and_predict(grey, region, predictor),
                          on_success=self._on_framed, on_failure=self._on_frame_failed)

    def _on_framed(self, result) -> None:
        framed, top = result
        self._show_result(framed.image, "" if top else no_prediction_hint(self.predictor), top or [])
        self.preview.setToolTip(self.tr("The 28×28 image the model is given (dark ink on light paper in the picture)")
                                if framed.dark_on_light else
                                self.tr("The 28×28 image the model is given (light ink on a dark ground in the picture)"))

    def _on_frame_failed(self, message: str) -> None:
        self._show_result(None, message[:1].upper() + message[1:])

    def _next_frame(self, busy: bool) -> None:
        """Once a framing has ended, frame the region that waited for it."""
        if self._frame_pending and not busy:
            self._request_frame()

    def _show_result(self, image: np.ndarray | None, hint: str, top: list | None = None) -> None:
        if image is None:
            self.preview.clear()
            self.preview.setText(self.tr("No character"))
        else:
            self.preview.setPixmap(to_pixmap(image, PREVIEW_SIZE))
        self.candidates.show_top(top or [], hint)

    def _show_model_status(self, text: str, problem: bool) -> None:
        self.model_label.setText(text)
        show_problem(self.model_label, problem)

    def is_busy(self) -> bool:
        """True while a picture is being opened or framed (tests wait on it)."""
        return self._framing.busy or self._opening.busy or self._frame_pending


def _frame_and_predict(grey: np.ndarray, region, predictor):
    """(Framed, top-k or None) for `region` of the picture; K49Error says why there is no character."""
    framed = frame_photo(grey, region)
    return framed, (predictor.top_k(framed.image, k=TOP_K) if predictor is not None else None)

