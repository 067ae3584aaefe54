"""A compact grid of the 49 characters to say what a drawing really is: click one, or type its romaji and Enter."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QGridLayout, QLineEdit, QToolButton, QVBoxLayout, QWidget

from k49desk.classes import CLASSES
from k49desk.gui import i18n
from k49desk.gui.fonts import hiragana_font

COLUMNS = 10  # あいうえお rows read in pairs: the gojūon table's rows stay together


class CharacterPicker(QWidget):
    """`chosen(index)` when a character is clicked or typed (romaji, then Enter); `current()` is the one checked."""

    chosen = Signal(int)

    def __init__(self, name_prefix: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.typing = QLineEdit(objectName=f"{name_prefix}RomajiInput")
        self.typing.setPlaceholderText(self.tr("Type romaji (e.g. nu), then Enter"))
        self.typing.setClearButtonEnabled(True)
        self.typing.textChanged.connect(self._on_typed)
        self.typing.returnPressed.connect(self._choose_typed)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        grid = QGridLayout()
        grid.setSpacing(2)
        font = hiragana_font(15)
        for cls in CLASSES:
            button = QToolButton(objectName=f"{name_prefix}Char{cls.index}")
            button.setText(cls.char)
            button.setFont(font)
            button.setCheckable(True)
            button.setFixedSize(30, 30)
            button.setToolTip(i18n.char_label(cls))
            self.group.addButton(button, cls.index)
            grid.addWidget(button, cls.index // COLUMNS, cls.index % COLUMNS)
        self.group.idClicked.connect(self._on_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.typing)
        layout.addLayout(grid)

    def current(self) -> int | None:
        index = self.group.checkedId()
        return None if index < 0 else index

    def set_current(self, index: int | None) -> None:
        """Check `index` (None: none) without emitting `chosen`."""
        if index is None:
            checked = self.group.checkedButton()
            if checked is not None:
                self.group.setExclusive(False)
                checked.setChecked(False)
                self.group.setExclusive(True)
            return
        self.group.button(index).setChecked(True)

    def matches(self, text: str) -> list[int]:
        """Classes whose romaji starts with `text` (all of them for an empty text), exact matches first."""
        wanted = text.strip().lower()
        if not wanted:
            return [c.index for c in CLASSES]
        exact = [c.index for c in CLASSES if c.romaji == wanted or c.char == wanted]
        return exact + [c.index for c in CLASSES if c.romaji.startswith(wanted) and c.index not in exact]

    def _on_typed(self, text: str) -> None:
        shown = set(self.matches(text))
        for button in self.group.buttons():
            button.setEnabled(self.group.id(button) in shown)

    def _choose_typed(self) -> None:
        found = self.matches(self.typing.text())
        if self.typing.text().strip() and found:
            self.set_current(found[0])
            self.typing.clear()
            self.chosen.emit(found[0])

    def _on_clicked(self, index: int) -> None:
        self.chosen.emit(index)

    def keyPressEvent(self, event) -> None:
        # Letters typed anywhere over the grid go to the romaji box.
        if event.text().isalpha() and not self.typing.hasFocus():
            self.typing.setFocus(Qt.FocusReason.OtherFocusReason)
            self.typing.setText(self.typing.text() + event.text())
            return
        super().keyPressEvent(event)
