"""Read-only Qt tables over a list of rows: the model base and the sortable, row-selecting view on it."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QItemSelectionModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

SORT = Qt.ItemDataRole.UserRole  # the value a column sorts by (a number where the display is formatted text)


class RowsTableModel(QAbstractTableModel):
    """One object per row under fixed column titles; subclasses say what each cell shows in data()."""

    def __init__(self, columns, parent=None):
        super().__init__(parent)
        self.columns = tuple(columns)
        self.rows: list = []

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section]
        return None


def rows_table(
    object_name: str,
    model: RowsTableModel,
    proxy: QSortFilterProxyModel,
    *,
    widths: tuple[int, ...],
    stretch_column: int,
    row_height: int,
    sort_column: int,
    sort_order: Qt.SortOrder,
) -> QTableView:
    """A read-only table of `model` seen through `proxy` (sorted by each column's SORT value), one row selected
    at a time; columns start at `widths` pixels and `stretch_column` takes the room left."""
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT)
    table = QTableView(objectName=object_name)
    table.setModel(proxy)
    table.setSortingEnabled(True)
    table.sortByColumn(sort_column, sort_order)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(row_height)
    header = table.horizontalHeader()
    for column, width in enumerate(widths):
        header.resizeSection(column, width)
    header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    return table


def show_selected_row(table: QTableView, row: QModelIndex | None) -> None:
    """Make `row` (an index of the table's model; None: no row) the selected one without emitting the selection
    signals: the selection came from the evaluation session, so it must not be announced back to it."""
    selection = table.selectionModel()
    selection.blockSignals(True)
    try:
        if row is None or not row.isValid():
            selection.clearCurrentIndex()
            selection.clearSelection()
        else:
            selection.setCurrentIndex(
                row, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            )
    finally:
        selection.blockSignals(False)
    if row is not None and row.isValid():
        table.scrollTo(row)
    table.viewport().update()  # the view repaints selections on the signals that were blocked
