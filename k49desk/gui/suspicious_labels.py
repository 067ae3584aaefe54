"""Suspicious labels: every image ranked by how likely its given label is wrong (k49desk.label_issues, the order of
label_issues.csv), confident learning's flag as a column and a filter, with correct examples and saliency.

A listed image is a candidate for a person to check, not a verdict: the model may be the one that is wrong.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from k49desk.classes import CLASSES
from k49desk.errors import K49Error
from k49desk.gui import i18n
from k49desk.gui.fonts import hiragana_font
from k49desk.gui.images import to_pixmap
from k49desk.gui.messages import show_as_note, show_error
from k49desk.gui.saliency_view import SaliencyView, class_picker
from k49desk.gui.tables import RowsTableModel
from k49desk.label_issues import LabelIssue, write_label_issues_csv

THUMBNAIL = 40
EXAMPLES = 6  # correct examples shown of each character
ISSUE = Qt.ItemDataRole.UserRole  # the LabelIssue of a row
SORT = Qt.ItemDataRole.UserRole + 1  # the value a column sorts by


class IssuesModel(RowsTableModel):
    """One LabelIssue per row: rank, the image, its label, what the model reads and how sure it is."""

    COLUMNS = (QT_TRANSLATE_NOOP("IssuesModel", "Rank"), QT_TRANSLATE_NOOP("IssuesModel", "Image"),
               QT_TRANSLATE_NOOP("IssuesModel", "Label"), QT_TRANSLATE_NOOP("IssuesModel", "Model reads"),
               QT_TRANSLATE_NOOP("IssuesModel", "Sure"), QT_TRANSLATE_NOOP("IssuesModel", "P(label)"),
               QT_TRANSLATE_NOOP("IssuesModel", "Flagged"))

    def __init__(self, parent=None):
        super().__init__([QCoreApplication.translate("IssuesModel", c) for c in self.COLUMNS], parent)
        self.images: np.ndarray | None = None
        self._pixmaps: dict[int, object] = {}

    def set_issues(self, issues: list[LabelIssue], images: np.ndarray | None) -> None:
        self.images = images
        self._pixmaps.clear()
        self.set_rows(issues)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        q: LabelIssue = self.rows[index.row()]
        column = index.column()
        if role == ISSUE:
            return q
        if role == SORT:
            return (q.rank, q.rank, q.given, q.suggested, -q.suggested_confidence, q.self_confidence,
                    (not q.flagged, q.rank))[column]
        if role == Qt.ItemDataRole.DisplayRole:
            return (str(q.rank), None, f"{CLASSES[q.given].char}  {CLASSES[q.given].romaji}",
                    f"{CLASSES[q.suggested].char}  {CLASSES[q.suggested].romaji}",
                    i18n.percent(q.suggested_confidence, 0), i18n.percent(q.self_confidence),
                    self.tr("flagged") if q.flagged else "")[column]
        if role == Qt.ItemDataRole.DecorationRole and column == 1 and self.images is not None:
            pixmap = self._pixmaps.get(q.index)
            if pixmap is None:
                pixmap = self._pixmaps[q.index] = to_pixmap(self.images[q.index], THUMBNAIL)
            return pixmap
        if role == Qt.ItemDataRole.FontRole and column in (2, 3):
            return hiragana_font(14)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tr("image #{n}: labelled {given}, the model reads {suggested} ({sure}); its probability for "
                           "the label is {p}").format(n=q.index, given=i18n.char_label(CLASSES[q.given]),
                                                      suggested=i18n.char_label(CLASSES[q.suggested]),
                                                      sure=i18n.percent(q.suggested_confidence),
                                                      p=i18n.percent(q.self_confidence, 2))
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (0, 4, 5):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class CharacterFilter(QSortFilterProxyModel):
    """Keeps the rows whose label or reading is one character (None: all), and only the flagged ones when asked;
    sorts by each column's SORT value."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.character: int | None = None
        self.flagged_only = False
        self.setSortRole(SORT)

    def set_character(self, character: int | None) -> None:
        self.beginFilterChange()
        self.character = character
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_flagged_only(self, flagged_only: bool) -> None:
        self.beginFilterChange()
        self.flagged_only = flagged_only
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row, parent) -> bool:
        q = self.sourceModel().rows[row]
        if self.flagged_only and not q.flagged:
            return False
        return self.character is None or self.character in (q.given, q.suggested)


class ExampleStrip(QGroupBox):
    """A few test images the model reads right for one character."""

    def __init__(self, object_name: str, parent=None):
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setFont(hiragana_font(11))
        self.cells = [QLabel() for _ in range(EXAMPLES)]
        layout = QHBoxLayout(self)
        for cell in self.cells:
            cell.setFixedSize(THUMBNAIL + 8, THUMBNAIL + 8)
            cell.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(cell)
        layout.addStretch(1)

    def show_examples(self, title: str, images: list[np.ndarray]) -> None:
        self.setTitle(title)
        for i, cell in enumerate(self.cells):
            if i < len(images):
                cell.setPixmap(to_pixmap(images[i], THUMBNAIL + 8))
            else:
                cell.clear()

    def shown_count(self) -> int:
        return sum(not cell.pixmap().isNull() for cell in self.cells)


class SuspiciousLabels(QWidget):
    """The ranked label issues of an evaluation: sortable, filterable by character, exportable to CSV.

    set_issues(evaluation, images, issues) fills it; set_model(keras model) enables the saliency overlay. state: the
    AppState that runs (and on closing waits for) the saliency maps.
    """

    imageSelected = Signal(int)  # index of the image in the selected row
    imageActivated = Signal(int)  # a row double-clicked or Enter pressed

    def __init__(self, state, parent=None):
        super().__init__(parent)
        self.setObjectName("suspiciousLabels")
        self.evaluation = None
        self.images: np.ndarray | None = None

        self.issues_model = IssuesModel(self)
        self.proxy = CharacterFilter(self)
        self.proxy.setSourceModel(self.issues_model)
        self.table = QTableView(objectName="suspiciousTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(THUMBNAIL + 6)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._on_row)
        self.table.activated.connect(self._on_activated)

        self.filter_picker = class_picker("suspiciousFilter", self.tr("All characters"))
        self.filter_picker.setToolTip(self.tr("Only rows labelled as, or read as, this character"))
        self.filter_picker.currentIndexChanged.connect(lambda _: self.proxy.set_character(
            self.filter_picker.currentData()))
        self.flagged_only = QCheckBox(self.tr("Flagged only"), objectName="suspiciousFlaggedOnly")
        self.flagged_only.setToolTip(self.tr("Only the images confident learning flags as label issues, in the same "
                                             "order"))
        self.flagged_only.toggled.connect(self.proxy.set_flagged_only)
        self.count_label = QLabel(objectName="suspiciousCount")
        self.export_button = QPushButton(self.tr("Export CSV…"), objectName="suspiciousExport")
        self.export_button.setToolTip(self.tr("Save the rows shown (label_issues.csv format)"))
        self.export_button.clicked.connect(self._choose_export_path)
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.layoutChanged.connect(self._update_count)

        note = QLabel(self.tr("Each row is a candidate for a person to check, not a verdict: the label may be wrong, "
                              "or the model may be. Every image, ranked by the model's probability for the given label "
                              "(lowest first); “flagged” marks those confident learning picks out as label issues."),
                      objectName="suspiciousNote")
        note.setWordWrap(True)
        show_as_note(note)

        self.given_examples = ExampleStrip("givenExamples")
        self.suggested_examples = ExampleStrip("suggestedExamples")
        self.saliency_toggle = QCheckBox(self.tr("Show what the model looks at"), objectName="suspiciousSaliencyToggle")
        self.saliency_toggle.setToolTip(self.tr("Heat overlay: why the model reads its character and not the label"))
        self.saliency_toggle.toggled.connect(self._show_saliency)
        self.saliency = SaliencyView(state, size=196)
        self.saliency.setVisible(False)
        self.selected_picture = QLabel(objectName="suspiciousImage")
        self.selected_picture.setFixedSize(196, 196)
        self.selected_picture.setStyleSheet("QLabel#suspiciousImage { background: black; }")
        self.selected_caption = QLabel(objectName="suspiciousCaption")
        self.selected_caption.setFont(hiragana_font(12))
        self.selected_caption.setWordWrap(True)

        self._build_layout(note)
        self._update_count()

    def _build_layout(self, note: QLabel) -> None:
        tools = QHBoxLayout()
        tools.addWidget(QLabel(self.tr("Character")))
        tools.addWidget(self.filter_picker)
        tools.addWidget(self.flagged_only)
        tools.addWidget(self.count_label, 1)
        tools.addWidget(self.export_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(tools)
        left_layout.addWidget(note)
        left_layout.addWidget(self.table, 1)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.selected_picture, 0, Qt.AlignmentFlag.AlignHCenter)
        right_layout.addWidget(self.saliency, 0, Qt.AlignmentFlag.AlignHCenter)
        right_layout.addWidget(self.selected_caption)
        right_layout.addWidget(self.saliency_toggle)
        right_layout.addWidget(self.given_examples)
        right_layout.addWidget(self.suggested_examples)
        right_layout.addStretch(1)

        splitter = QSplitter(Qt.Orientation.Horizontal, objectName="suspiciousSplitter")
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    # Public API ---------------------------------------------------------------------------------------

    def set_issues(self, evaluation, images: np.ndarray | None, issues: list[LabelIssue]) -> None:
        """Show `issues` (indices into `images`, the images `evaluation` was computed on); None clears."""
        self.evaluation = evaluation
        self.images = images
        self.issues_model.set_issues(list(issues or []), images)
        self.table.resizeColumnsToContents()
        if self.proxy.rowCount():
            self.table.selectRow(0)
        else:
            self._on_row(QModelIndex())

    def set_model(self, model) -> None:
        """The Keras model for the saliency overlay (None: no overlay)."""
        self.saliency.set_model(model)

    def visible_issues(self) -> list[LabelIssue]:
        """The rows shown, in their shown order."""
        return [self.proxy.index(r, 0).data(ISSUE) for r in range(self.proxy.rowCount())]

    def selected_issue(self) -> LabelIssue | None:
        index = self.table.currentIndex()
        return index.data(ISSUE) if index.isValid() else None

    def export_csv(self, path) -> Path:
        """Write the rows shown to `path` in label_issues.csv's format."""
        return write_label_issues_csv(self.visible_issues(), path)

    # Behaviour ----------------------------------------------------------------------------------------

    def _update_count(self, *args) -> None:
        total, shown = len(self.issues_model.rows), self.proxy.rowCount()
        flagged = sum(q.flagged for q in self.issues_model.rows)
        if not total:
            self.count_label.setText(self.tr("No suspicious labels"))
        else:
            self.count_label.setText(
                (self.tr("{shown} of {total} images, {flagged} flagged") if shown != total
                 else self.tr("{total} images, {flagged} flagged")).format(
                    shown=i18n.number(shown), total=i18n.number(total), flagged=i18n.number(flagged)))
        self.export_button.setEnabled(shown > 0)

    def _on_row(self, current: QModelIndex, previous: QModelIndex | None = None) -> None:
        q = current.data(ISSUE) if current.isValid() else None
        if q is None or self.images is None:
            self.selected_picture.clear()
            self.selected_caption.setText("")
            self.given_examples.show_examples("", [])
            self.suggested_examples.show_examples("", [])
            self.saliency.set_image(None)
            return
        given, suggested = CLASSES[q.given], CLASSES[q.suggested]
        self.selected_picture.setPixmap(to_pixmap(self.images[q.index], 196))
        self.selected_caption.setText(self.tr("#{n}: labelled {given}, the model reads {suggested} ({sure})").format(
            n=q.index, given=given.char, suggested=suggested.char, sure=i18n.percent(q.suggested_confidence, 0)))
        self.given_examples.show_examples(self.tr("{label} read right").format(label=i18n.char_label(given)),
                                          self._examples(q.given, q.index))
        self.suggested_examples.show_examples(self.tr("{label} read right").format(label=i18n.char_label(suggested)),
                                              self._examples(q.suggested, q.index))
        self._show_saliency()
        self.imageSelected.emit(q.index)

    def _examples(self, character: int, exclude: int) -> list[np.ndarray]:
        ev = self.evaluation
        if ev is None:
            return []
        right = np.flatnonzero((ev.y_true == character) & (ev.y_pred == character))
        return [self.images[i] for i in right[right != exclude][:EXAMPLES]]

    def _show_saliency(self) -> None:
        q = self.selected_issue()
        on = self.saliency_toggle.isChecked()
        self.saliency.setVisible(on)
        self.selected_picture.setVisible(not on)
        if on and q is not None:
            # Why the model reads its character and not the label: the question a person checking the label asks.
            self.saliency.set_image(self.images[q.index], q.suggested, q.given if q.given != q.suggested else None)

    def _on_activated(self, index: QModelIndex) -> None:
        q = index.data(ISSUE)
        if q is not None:
            self.imageActivated.emit(q.index)

    def _choose_export_path(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export suspicious labels"), "label_issues.csv",
                                              self.tr("CSV files (*.csv)"))
        if not path:
            return
        try:
            self.export_csv(path)
        except (K49Error, OSError) as e:
            show_error(self, self.tr("Could not export"), str(e))
