"""A square drawing area for one hiragana: smooth strokes from a mouse or a pen, undo, clear, live updates."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

# Signals while drawing are coalesced to one per display frame: a mouse can report several hundred
# moves a second, and rasterising + predicting more often than the screen refreshes is wasted work.
# The frame is the screen's own (frame_ms); FRAME_MS where the screen does not say (60 Hz).
FRAME_MS = 16
MIN_FRAME_MS = 4  # even a 240 Hz screen gets no more than 250 updates a second


def frame_ms(refresh_hz: float | None) -> int:
    """One display frame in whole milliseconds for a screen refreshing at refresh_hz."""
    if not refresh_hz or refresh_hz <= 0:
        return FRAME_MS
    return max(MIN_FRAME_MS, round(1000.0 / refresh_hz))

PAPER = QColor("#fbfaf6")
INK = QColor("#1b1b1b")
MARGIN = QColor("#d9d6cc")
GUIDE = QColor("#e6e2d6")

# A pen at zero pressure still leaves a visible line, as a brush does when it barely touches paper.
MIN_PRESSURE_SCALE = 0.35


class DrawCanvas(QWidget):
    """Strokes kept in coordinates relative to the square (0..1), so a resize keeps the drawing.

    ``strokesChanged`` carries ``strokes()``: point lists of (x, y, pressure) in pixels of the square as it
    is now shown, the input ``k49desk.rasterize.rasterize_strokes`` expects.
    """

    strokesChanged = Signal(list)
    # Ctrl+Z (undo) and Esc (clear) are bound by the tab that holds the canvas, so they work from its buttons too.

    def __init__(self, parent: QWidget | None = None, pen_width: float = 12.0):
        super().__init__(parent)
        self.setObjectName("drawCanvas")
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setMinimumSize(160, 160)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setAccessibleName(self.tr("Drawing canvas"))
        self.setToolTip(self.tr("Draw one hiragana with the mouse or a pen. Ctrl+Z undoes a stroke, Esc clears."))

        self._strokes: list[list[tuple[float, float, float]]] = []
        self._drawing = False
        self._pen_width = float(pen_width)
        self._emit_timer = QTimer(self)
        self._emit_timer.setSingleShot(True)
        self._emit_timer.timeout.connect(self._emit_strokes)

    # Geometry -------------------------------------------------------------------------------------

    def sizeHint(self) -> QSize:
        return QSize(400, 400)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return width

    def square(self) -> QRectF:
        """The drawing area: the largest square centred in the widget."""
        side = float(min(self.width(), self.height()))
        return QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)

    def pen_width(self) -> float:
        """Displayed pen width in pixels of a 400-pixel square; it scales with the square."""
        return self._pen_width

    def set_pen_width(self, width: float) -> None:
        self._pen_width = float(width)
        self.update()

    def _pixel_pen_width(self) -> float:
        return self._pen_width * self.square().width() / 400.0

    # Strokes --------------------------------------------------------------------------------------

    def strokes(self) -> list[list[tuple[float, float, float]]]:
        """Every stroke as (x, y, pressure) points in pixels of the square shown now."""
        side = self.square().width()
        return [[(x * side, y * side, p) for x, y, p in stroke] for stroke in self._strokes]

    def stroke_count(self) -> int:
        return len(self._strokes)

    def is_drawing(self) -> bool:
        """True while a stroke is under way (button or pen down)."""
        return self._drawing

    def is_empty(self) -> bool:
        return not self._strokes

    def undo(self) -> None:
        """Remove the last stroke."""
        if self._strokes:
            self._strokes.pop()
            self._replaced()

    def clear(self) -> None:
        """Remove every stroke."""
        if self._strokes:
            self._strokes.clear()
            self._replaced()

    def _replaced(self) -> None:
        """After strokes changed other than by drawing: no stroke in progress, repaint, report at once."""
        self._drawing = False
        self.update()
        self._emit_strokes()

    def _relative(self, pos: QPointF, pressure: float) -> tuple[float, float, float]:
        square = self.square()
        side = square.width() or 1.0
        return ((pos.x() - square.x()) / side, (pos.y() - square.y()) / side, pressure)

    def _begin(self, pos: QPointF, pressure: float) -> None:
        self._drawing = True
        self._strokes.append([self._relative(pos, pressure)])
        self.update()
        self._schedule_emit()

    def _extend(self, pos: QPointF, pressure: float) -> None:
        if not self._drawing:
            return
        point = self._relative(pos, pressure)
        if point[:2] != self._strokes[-1][-1][:2]:
            self._strokes[-1].append(point)
            self.update()
            self._schedule_emit()

    def _end(self, pos: QPointF, pressure: float) -> None:
        if not self._drawing:
            return
        self._extend(pos, pressure)
        self._drawing = False
        self._emit_strokes()

    def _schedule_emit(self) -> None:
        if not self._emit_timer.isActive():
            screen = self.screen()
            self._emit_timer.start(frame_ms(screen.refreshRate() if screen is not None else None))

    def _emit_strokes(self) -> None:
        self._emit_timer.stop()
        self.strokesChanged.emit(self.strokes())

    # Input ----------------------------------------------------------------------------------------

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._begin(event.position(), 1.0)
        event.accept()

    def mouseMoveEvent(self, event) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._extend(event.position(), 1.0)
        event.accept()

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._end(event.position(), 1.0)
        event.accept()

    def tabletEvent(self, event) -> None:
        # Accepting a tablet event stops Qt from synthesising the matching mouse event: no doubled points.
        kind = event.type()
        pos, pressure = event.position(), float(event.pressure())
        if kind == event.Type.TabletPress:
            self._begin(pos, pressure)
        elif kind == event.Type.TabletMove:
            self._extend(pos, pressure)
        elif kind == event.Type.TabletRelease:
            self._end(pos, pressure)
        event.accept()

    # Painting -------------------------------------------------------------------------------------

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), MARGIN)
        square = self.square()
        painter.fillRect(square, PAPER)
        self._paint_guides(painter, square)

        painter.translate(square.topLeft())
        side = square.width()
        width = self._pixel_pen_width()
        for stroke in self._strokes:
            for path, scale in _stroke_paths(stroke, side):
                pen = QPen(INK, width * scale, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                           Qt.PenJoinStyle.RoundJoin)
                painter.setPen(pen)
                painter.drawPath(path)
        painter.end()

    def _paint_guides(self, painter: QPainter, square: QRectF) -> None:
        """A faint centre cross, as on practice paper for writing characters."""
        pen = QPen(GUIDE, 1, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        c = square.center()
        painter.drawLine(QPointF(c.x(), square.top()), QPointF(c.x(), square.bottom()))
        painter.drawLine(QPointF(square.left(), c.y()), QPointF(square.right(), c.y()))


def _pressure_scale(pressure: float) -> float:
    return MIN_PRESSURE_SCALE + (1.0 - MIN_PRESSURE_SCALE) * min(max(pressure, 0.0), 1.0)


def _stroke_paths(stroke, side: float) -> list[tuple[QPainterPath, float]]:
    """Smooth paths for one stroke, each with its pen-width scale.

    Samples are joined by quadratic curves through the midpoints between them, which rounds off the
    corners of a jittery mouse trace. A stroke drawn at one pressure is one path; a pen's varying
    pressure needs one path per segment, each with its own width (round caps hide the seams).
    """
    pts = [QPointF(x * side, y * side) for x, y, _ in stroke]
    scales = [_pressure_scale(p) for _, _, p in stroke]
    if len(pts) == 1:
        path = QPainterPath(pts[0])
        path.lineTo(pts[0])  # zero length: with round caps, a dot
        return [(path, scales[0])]

    mids = [(a + b) / 2 for a, b in zip(pts, pts[1:])]
    # (start, control or None for a straight piece, end, scale): p0 -> m0, m(i-1) ~p(i)~> m(i), m(n-2) -> p(n-1)
    segments = [(pts[0], None, mids[0], scales[0])]
    segments += [(mids[i - 1], pts[i], mids[i], scales[i]) for i in range(1, len(pts) - 1)]
    segments.append((mids[-1], None, pts[-1], scales[-1]))

    def add(path: QPainterPath, control, end) -> None:
        if control is None:
            path.lineTo(end)
        else:
            path.quadTo(control, end)

    if len(set(scales)) == 1:
        path = QPainterPath(pts[0])
        for _, control, end, _ in segments:
            add(path, control, end)
        return [(path, scales[0])]
    paths = []
    for start, control, end, scale in segments:
        path = QPainterPath(start)
        add(path, control, end)
        paths.append((path, scale))
    return paths
