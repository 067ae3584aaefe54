"""The top-k candidates for one image, as the Draw and Photo tabs show them: the character large, its romaji, a
probability bar; a note when the model is unsure; a click copies the character."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QModelIndex, QRect, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QStyle,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

from k49desk.gui import i18n
from k49desk.gui.fonts import hiragana_font
from k49desk.gui.messages import show_as_note
from k49desk.predictor import TOP_K
CANDIDATE = Qt.ItemDataRole.UserRole  # (Hiragana, probability) of a row
# Below this probability for the first candidate the model is said to be unsure: the first answer is then about as
# likely wrong as right.
UNSURE_BELOW = 0.5
COPIED_MESSAGE_MS = 2000


def prediction_panel(*parts: QWidget, width: int = 320) -> QWidget:
    """The fixed-width column beside a drawing or a picture: the model banner and status, what it sees, its
    candidates.

    In a scroll area: the column's height (candidates, notes) never sets the window's minimum height, so what
    appears in it neither grows the window nor moves the canvas beside it; a short window scrolls it instead."""
    panel = QWidget(objectName="predictionPanel")
    layout = QVBoxLayout(panel)
    for part in parts:
        layout.addWidget(part)
    layout.addStretch(1)
    scroll = QScrollArea(objectName="predictionPanelScroll")
    scroll.setWidget(panel)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setFixedWidth(width)
    return scroll


def no_prediction_hint(predictor) -> str:
    """Why there are no candidates (an ActivePredictor without a model): one is loading, or there is none."""
    if predictor.loading:
        return QCoreApplication.translate("CandidateList", "Loading model…")
    return QCoreApplication.translate("CandidateList", "No model to predict with")


def unsure_message(top: list) -> str:
    """What to tell the user about the first candidate's probability ("" when the model is sure enough)."""
    if not top or top[0][1] >= UNSURE_BELOW:
        return ""
    cls, prob = top[0]
    return QCoreApplication.translate(
        "CandidateList", "The model is unsure: its best guess, {char}, has only {p}. Check the other candidates.").format(
        char=cls.char, p=i18n.percent(prob, 0))


class CandidateList(QWidget):
    """A hint line, the candidate rows, the unsure note and the copy message. `show_top(top, hint)` fills it."""

    classChosen = Signal(int)  # a candidate was clicked (its class index); its character is on the clipboard

    def __init__(self, name_prefix: str = "", parent: QWidget | None = None):
        super().__init__(parent)

        def named(name: str) -> str:  # "predictionList", or "photoPredictionList" with the prefix "photo"
            return name_prefix + name[0].upper() + name[1:] if name_prefix else name

        self.hint = QLabel(objectName=named("predictionHint"))
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.list = QListWidget(objectName=named("predictionList"))
        self.list.setItemDelegate(CandidateDelegate(self.list))
        self.list.setUniformItemSizes(True)
        self.list.setMouseTracking(True)
        self.list.setToolTip(self.tr("Click a candidate to copy the character to the clipboard"))
        self.list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setFixedHeight(TOP_K * CandidateDelegate.ROW_HEIGHT + 2 * self.list.frameWidth() + 4)
        self.list.itemClicked.connect(self._copy)
        self.list.itemActivated.connect(self._copy)  # Enter on a focused row
        self.unsure = QLabel(objectName=named("unsureMessage"))
        self.unsure.setWordWrap(True)
        self.unsure.setStyleSheet("color: #8a5a00;")
        self.copied = QLabel(objectName=named("copyMessage"))
        show_as_note(self.copied)
        self._copied_timer = QTimer(self, singleShot=True, interval=COPIED_MESSAGE_MS)
        self._copied_timer.timeout.connect(self.copied.clear)
        # The rows and the unsure note keep their room while hidden: a first reading or an unsure one appearing must
        # not resize the column, and with it the window and the canvas beside it.
        self.unsure.setMinimumHeight(3 * self.unsure.fontMetrics().lineSpacing())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.hint, self.list, self.unsure, self.copied):
            policy = widget.sizePolicy()
            policy.setRetainSizeWhenHidden(widget in (self.list, self.unsure))
            widget.setSizePolicy(policy)
            layout.addWidget(widget)
        self.show_top([], "")

    def show_top(self, top: list, hint: str) -> None:
        """Rows for `top` ((Hiragana, probability), most probable first), or `hint` alone when there are none."""
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))
        self.list.setVisible(bool(top))
        # Rows are updated in place: rebuilding them at 60 updates a second makes the list flicker.
        while self.list.count() > len(top):
            self.list.takeItem(self.list.count() - 1)
        while self.list.count() < len(top):
            self.list.addItem(QListWidgetItem())
        for row, (cls, prob) in enumerate(top):
            item = self.list.item(row)
            item.setData(CANDIDATE, (cls, float(prob)))
            item.setText(f"{cls.char}  {cls.romaji}  {i18n.percent(prob)}")
            item.setToolTip(self.tr("{label}, {codepoint}: {p}. Click to copy {char}.").format(
                label=i18n.char_label(cls), codepoint=cls.codepoint, p=i18n.percent(prob), char=cls.char))
        note = unsure_message(top)
        self.unsure.setText(note)
        self.unsure.setVisible(bool(note))

    def _copy(self, item: QListWidgetItem) -> None:
        cls, _ = item.data(CANDIDATE)
        QGuiApplication.clipboard().setText(cls.char)
        self.copied.setText(self.tr("Copied {label} to the clipboard").format(label=i18n.char_label(cls)))
        self._copied_timer.start()
        self.classChosen.emit(cls.index)


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
        painter.drawText(pct_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, i18n.percent(prob))

        bar_left = romaji_rect.right() + 4
        bar = QRectF(bar_left, rect.center().y() - 6, max(pct_rect.left() - 8 - bar_left, 10), 12)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#e4e4e4"))
        painter.drawRoundedRect(bar, 3, 3)
        filled = QRectF(bar.left(), bar.top(), bar.width() * min(max(prob, 0.0), 1.0), bar.height())
        painter.setBrush(QColor("#3b6fb6") if index.row() == 0 else QColor("#8aa8d4"))
        painter.drawRoundedRect(filled, 3, 3)
        painter.restore()
