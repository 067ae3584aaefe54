"""My samples: every kept sample as a thumbnail grid grouped by character, relabel or delete with undo, and where
they are stored."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
)

from k49desk.classes import CLASSES
from k49desk.errors import K49Error
from k49desk.gui import i18n
from k49desk.gui.char_picker import CharacterPicker
from k49desk.gui.fonts import hiragana_font
from k49desk.gui.images import to_pixmap
from k49desk.samples import Samples, SampleStore

THUMB = 56
INDEX = Qt.ItemDataRole.UserRole  # the sample's position in the store


class SamplesDialog(QDialog):
    """Shows a SampleStore; `changed(Samples)` after every relabel, delete or undo."""

    changed = Signal(object)

    def __init__(self, store: SampleStore, parent=None):
        super().__init__(parent)
        self.setObjectName("samplesDialog")
        self.setWindowTitle(self.tr("My samples"))
        self.resize(760, 560)
        self.store = store
        # ("restore", (removed Samples, their positions)) or ("relabel", (indices, their labels before))
        self._undo: list[tuple[str, tuple]] = []
        self.samples = Samples.empty()

        self.where = QLabel(objectName="samplesWhere")
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.where.setWordWrap(True)
        self.grid = QListWidget(objectName="samplesGrid")
        self.grid.setViewMode(QListView.ViewMode.IconMode)
        self.grid.setIconSize(QSize(THUMB, THUMB))
        self.grid.setGridSize(QSize(THUMB + 14, THUMB + 26))
        self.grid.setResizeMode(QListView.ResizeMode.Adjust)
        self.grid.setMovement(QListView.Movement.Static)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.grid.setFont(hiragana_font(13))
        self.grid.itemSelectionChanged.connect(self._update_buttons)
        self.picker = CharacterPicker("relabel", self)
        self.picker.chosen.connect(self.relabel_selected)
        self.picker.setToolTip(self.tr("Give the selected samples this character"))
        self.delete_button = QPushButton(self.tr("Delete"), objectName="deleteSamplesButton")
        self.delete_button.setToolTip(self.tr("Delete the selected samples (Del)"))
        self.delete_button.clicked.connect(self.delete_selected)
        self.undo_button = QPushButton(self.tr("Undo"), objectName="undoSamplesButton")
        self.undo_button.setToolTip(self.tr("Undo the last relabel or delete (Ctrl+Z)"))
        self.undo_button.clicked.connect(self.undo)
        close = QPushButton(self.tr("Close"), objectName="closeSamplesButton")
        close.clicked.connect(self.accept)

        side = QVBoxLayout()
        side.addWidget(QLabel(self.tr("Relabel the selected samples as:")))
        side.addWidget(self.picker)
        side.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.undo_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        body = QHBoxLayout()
        body.addWidget(self.grid, 1)
        body.addLayout(side)
        layout = QVBoxLayout(self)
        layout.addWidget(self.where)
        layout.addLayout(body, 1)
        layout.addLayout(buttons)
        self.reload()

    def keyPressEvent(self, event) -> None:
        # Keys the grid does not use come here (a QShortcut would need the dialog to be the active window).
        if event.matches(QKeySequence.StandardKey.Delete) or event.key() == Qt.Key.Key_Backspace:
            self.delete_selected()
        elif event.matches(QKeySequence.StandardKey.Undo):
            self.undo()
        else:
            super().keyPressEvent(event)

    def reload(self) -> None:
        try:
            self._show(self.store.read())
        except K49Error as e:
            self._show(Samples.empty())
            self.where.setText(self.tr("The samples in {folder} cannot be read: {error}").format(folder=self.store.folder,
                                                                                                error=e))

    def selected_indices(self) -> list[int]:
        return sorted(item.data(INDEX) for item in self.grid.selectedItems())

    def relabel_selected(self, label: int) -> None:
        indices = self.selected_indices()
        if not indices:
            return
        before = self.samples.labels[indices].copy()
        if self._apply(lambda: self.store.relabel(indices, label)):
            self._undo.append(("relabel", (indices, before)))
            self._update_buttons()

    def delete_selected(self) -> None:
        indices = self.selected_indices()
        if not indices:
            return
        removed: list[tuple] = []

        def delete() -> Samples:
            after, gone, positions = self.store.delete(indices)
            removed.append((gone, positions))
            return after

        if self._apply(delete):
            self._undo.append(("restore", removed[0]))
            self._update_buttons()

    def undo(self) -> None:
        if not self._undo:
            return
        kind, what = self._undo.pop()
        if kind == "restore":
            self._apply(lambda: self.store.restore(*what))
        else:
            indices, labels = np.asarray(what[0]), np.asarray(what[1])

            def relabel_back() -> Samples:
                for label in np.unique(labels):
                    after = self.store.relabel(indices[labels == label], int(label))
                return after

            self._apply(relabel_back)
        self._update_buttons()

    def _apply(self, change) -> bool:
        try:
            after = change()
        except K49Error as e:
            QMessageBox.warning(self, self.tr("My samples"), str(e))
            self.reload()
            return False
        self._show(after)
        self.changed.emit(after)
        return True

    def _show(self, samples: Samples) -> None:
        self.samples = samples
        counts = samples.counts()
        kinds = int((counts > 0).sum())
        self.where.setText(self.tr("{n} samples of {kinds} characters, stored in {folder} (samples-imgs.npz, "
                                   "samples-labels.npz, samples-strokes.jsonl)").format(
            n=i18n.number(len(samples)), kinds=kinds, folder=self.store.folder))
        self.grid.clear()
        # Grouped by character, in class order; within a character, in the order they were kept.
        for index in sorted(range(len(samples)), key=lambda i: (int(samples.labels[i]), i)):
            cls = CLASSES[int(samples.labels[index])]
            item = QListWidgetItem(QIcon(to_pixmap(samples.images[index], THUMB)), cls.char)
            item.setData(INDEX, index)
            item.setToolTip(self.tr("{label}, sample {n}").format(label=i18n.char_label(cls), n=index + 1))
            self.grid.addItem(item)
        self._update_buttons()

    def _update_buttons(self) -> None:
        selected = bool(self.grid.selectedItems())
        self.delete_button.setEnabled(selected)
        self.picker.setEnabled(selected)
        self.undo_button.setEnabled(bool(self._undo))
