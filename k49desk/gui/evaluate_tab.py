"""Evaluate tab: run the active model on the test set, then explore the report, per-class plots and confusion matrix.

The tab renders the evaluation session (gui/evaluation_session.py) and calls it: it keeps neither the evaluation nor
the selection. Its parts: the run controls, the summary and report table, the three plots (gui/evaluation_plots.py)
and the export row.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from k49desk.classes import CLASSES
from k49desk.gui import i18n
from k49desk.gui.evaluation_plots import ConfusionMatrixPlot, PerClassPlot, PrecisionRecallPlot
from k49desk.gui.fonts import hiragana_font
from k49desk.gui.messages import PROBLEM_COLOR, show_error
from k49desk.gui.state import AppState
from k49desk.gui.tables import SORT, RowsTableModel, rows_table, show_selected_row

COLUMNS = (QT_TRANSLATE_NOOP("ReportModel", "Char"), QT_TRANSLATE_NOOP("ReportModel", "Romaji"), "#",
           QT_TRANSLATE_NOOP("ReportModel", "Precision"), QT_TRANSLATE_NOOP("ReportModel", "Recall"),
           QT_TRANSLATE_NOOP("ReportModel", "F1"), QT_TRANSLATE_NOOP("ReportModel", "Support"))
COLUMN_WIDTHS = (44, 80, 34, 72, 64, 56, 64)  # fit the left pane at the default window size without scrolling
F1_COLUMN = COLUMNS.index("F1")
PLOTS = {"confusion": QT_TRANSLATE_NOOP("EvaluateTab", "Confusion matrix"),
         "per_class": QT_TRANSLATE_NOOP("EvaluateTab", "Per class"),
         "scatter": QT_TRANSLATE_NOOP("EvaluateTab", "Precision vs recall")}
NOTHING_EVALUATED = QT_TRANSLATE_NOOP("EvaluateTab", "Press <b>Evaluate</b> to measure the active model on the test set.")


def f1_colour(f1: float) -> QColor:
    """A light tint from red (F1 0.5 or less) through yellow to green (F1 1): readable under black text."""
    # Below 0.5 every class is simply bad; spending the whole hue range on 0.5..1 separates the ones that matter.
    return QColor.fromHsvF(max(0.0, min(1.0, 2.0 * f1 - 1.0)) / 3.0, 0.4, 1.0)


class ReportModel(RowsTableModel):
    """The per-class classification report, one row per character."""

    def __init__(self, parent=None):
        super().__init__([QCoreApplication.translate("ReportModel", c) for c in COLUMNS], parent)
        self._char_font = hiragana_font(20)

    def class_index(self, row: int) -> int:
        return self.rows[row].index

    def row_of_class(self, class_index: int) -> int:
        return next(r for r, c in enumerate(self.rows) if c.index == class_index)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        c = self.rows[index.row()]
        col = index.column()
        values = (c.char, c.romaji, c.index, c.precision, c.recall, c.f1, c.support)
        if role == Qt.ItemDataRole.DisplayRole:
            value = values[col]
            return i18n.number(value, 3) if isinstance(value, float) else str(value)
        if role == SORT:
            return c.index if col == 0 else values[col]
        if role == Qt.ItemDataRole.BackgroundRole:
            return f1_colour(c.f1)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor("black")
        if role == Qt.ItemDataRole.FontRole and col == 0:
            return self._char_font
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter if col < 2 else Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tr("{label}: precision {precision}, recall {recall}, F1 {f1}, {n} test images").format(
                label=i18n.char_label(CLASSES[c.index]), precision=i18n.number(c.precision, 3),
                recall=i18n.number(c.recall, 3), f1=i18n.number(c.f1, 3), n=i18n.number(c.support))
        return None


class ExportRow(QWidget):
    """The export buttons: report, predictions and confusion matrix as CSV, the plot on show as PNG or SVG."""

    def __init__(self, session, plots: dict, plot_tabs: QTabWidget, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.plots = plots
        self.plot_tabs = plot_tabs
        self.buttons = []
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel(self.tr("Export:")))
        for text, name, slot in (
            (self.tr("Report CSV"), "exportReportButton",
             lambda: self._ask_and_export("report.csv", self.export_report_csv)),
            (self.tr("Predictions CSV"), "exportPredictionsButton",
             lambda: self._ask_and_export("predictions.csv", self.export_predictions_csv)),
            (self.tr("Confusion CSV"), "exportConfusionButton",
             lambda: self._ask_and_export("confusion.csv", self.export_confusion_csv)),
            (self.tr("Plot PNG/SVG"), "exportPlotButton", self._ask_and_export_plot),
        ):
            button = QPushButton(text, objectName=name)
            button.clicked.connect(slot)
            button.setEnabled(False)
            row.addWidget(button)
            self.buttons.append(button)
        row.addStretch(1)
        session.evaluationChanged.connect(self._on_evaluation)

    def _on_evaluation(self, evaluation) -> None:
        for button in self.buttons:
            button.setEnabled(evaluation is not None)

    def export_report_csv(self, path) -> Path:
        from k49desk.evaluation import write_report_csv

        return write_report_csv(self.session.evaluation, path)

    def export_predictions_csv(self, path) -> Path:
        from k49desk.evaluation import write_predictions_csv

        return write_predictions_csv(self.session.evaluation, path)

    def export_confusion_csv(self, path) -> Path:
        from k49desk.evaluation import write_confusion_csv

        return write_confusion_csv(self.session.evaluation, path)

    def export_plot(self, key: str, path) -> Path:
        """Save one plot ('confusion', 'per_class', 'scatter') as PNG or SVG, chosen by the file's suffix."""
        return self.plots[key].save(path)

    def _ask_and_export(self, default_name: str, export) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export"), default_name, self.tr("CSV files (*.csv)"))
        if path:
            self._export(export, path)

    def _ask_and_export_plot(self) -> None:
        key = list(PLOTS)[self.plot_tabs.currentIndex()]
        path, chosen = QFileDialog.getSaveFileName(
            self, self.tr("Save the plot: {plot}").format(plot=QCoreApplication.translate("EvaluateTab", PLOTS[key])),
            f"{key}.png", self.tr("PNG image (*.png);;SVG image (*.svg)")
        )
        if not path:
            return
        if Path(path).suffix.lower() not in (".png", ".svg"):
            path += ".svg" if "svg" in chosen.lower() else ".png"
        self._export(lambda p: self.export_plot(key, p), path)

    def _export(self, export, path: str) -> None:
        try:
            export(path)
        except OSError as e:
            show_error(self, self.tr("Export failed"),
                       self.tr("{file}: cannot write ({error})").format(file=path, error=e.strerror or e))


class EvaluateTab(QWidget):
    pairOpened = Signal(int, int)  # a confused pair was clicked to see its images: the window shows the Confusions tab

    def __init__(self, state: AppState, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.session = session = state.evaluation_session

        self.target_label = QLabel(objectName="evaluationTarget")
        self.evaluate_button = QPushButton(self.tr("Evaluate"), objectName="evaluateButton")
        self.evaluate_button.setToolTip(self.tr("Run the active model on every test image of the loaded data"))
        self.evaluate_button.clicked.connect(session.evaluate)
        self.progress_bar = QProgressBar(objectName="evaluationProgress")
        self.progress_bar.setVisible(False)
        self.progress_label = QLabel(objectName="evaluationProgressLabel")
        self.cancel_button = QPushButton(self.tr("Cancel"), objectName="cancelEvaluationButton")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel)

        top = QHBoxLayout()
        top.addWidget(self.target_label, 1)
        top.addWidget(self.progress_bar, 1)
        top.addWidget(self.progress_label)
        top.addWidget(self.cancel_button)
        top.addWidget(self.evaluate_button)

        self.summary = QLabel(objectName="evaluationSummary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setText(self.tr(NOTHING_EVALUATED))

        self.report_model = ReportModel(self)
        self.report_proxy = QSortFilterProxyModel(self)
        self.table = rows_table(
            "reportTable", self.report_model, self.report_proxy, widths=COLUMN_WIDTHS,
            stretch_column=COLUMNS.index("Romaji"), row_height=34, sort_column=F1_COLUMN,
            sort_order=Qt.SortOrder.AscendingOrder,
        )
        # Selection, not the current index: a table getting the focus makes its first row current, unselected.
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.summary)
        left_layout.addWidget(self.table, 1)

        self.confusion_plot = ConfusionMatrixPlot()
        self.per_class_plot = PerClassPlot()
        self.scatter_plot = PrecisionRecallPlot()
        self.plots = {"confusion": self.confusion_plot, "per_class": self.per_class_plot, "scatter": self.scatter_plot}
        self.plot_tabs = QTabWidget(objectName="evaluationPlots")
        for key, title in PLOTS.items():
            self.plot_tabs.addTab(self.plots[key], self.tr(title))
        self.confusion_plot.classClicked.connect(session.select_class)
        self.confusion_plot.pairClicked.connect(self._open_pair)
        self.scatter_plot.classClicked.connect(session.select_class)

        splitter = QSplitter(Qt.Orientation.Horizontal, objectName="evaluateSplitter")
        splitter.addWidget(left)
        splitter.addWidget(self.plot_tabs)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([440, 820])

        self.export = ExportRow(session, self.plots, self.plot_tabs)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.export)

        state.modelChanged.connect(self._show_target)
        state.dataChanged.connect(self._show_target)
        session.busyChanged.connect(self._on_busy)
        session.progressed.connect(self._on_progress)
        session.reported.connect(self.progress_label.setText)
        session.failed.connect(lambda title, message: show_error(self, title, message))
        session.evaluationChanged.connect(self.show_evaluation)
        session.classSelected.connect(self._show_class)
        self._show_target()
        self.show_evaluation(session.evaluation)
        if session.selected_class is not None:
            self._show_class(session.selected_class)

    @property
    def evaluation(self):
        return self.session.evaluation

    # Running ----------------------------------------------------------------------------------------

    def _show_target(self, *_) -> None:
        model, data = self.state.model, self.state.data
        self.target_label.setText(
            self.tr("Model: <b>{model}</b> · Data: <b>{data}</b>").format(
                model=i18n.model_name(model.name) if model else self.tr("none"),
                data=i18n.data_name(data.name) if data else self.tr("none loaded"))
        )
        self.evaluate_button.setEnabled(self.session.can_evaluate())

    def cancel(self) -> None:
        if self.session.busy:
            self.session.cancel()
            self.progress_label.setText(self.tr("Cancelling…"))

    def _on_busy(self, busy: bool) -> None:
        self.progress_bar.setVisible(busy)
        self.cancel_button.setVisible(busy)
        if busy:
            self.progress_bar.setRange(0, 0)
            self.progress_label.setText(self.tr("Loading the model…"))
        self._show_target()

    def _on_progress(self, event) -> None:
        if event.done >= event.total:
            # Every image predicted; the report is still being computed: a full bar over an empty table would say
            # "done" too early.
            self.progress_bar.setRange(0, 0)
            self.progress_label.setText(self.tr("{n} images read; computing the report…").format(n=i18n.number(event.total)))
            return
        self.progress_bar.setRange(0, event.total)
        self.progress_bar.setValue(event.done)
        text = self.tr("{done} / {total} images").format(done=i18n.number(event.done), total=i18n.number(event.total))
        if 0 < event.done < event.total:
            text += " · " + i18n.time_left(self.session.elapsed_s() * (event.total - event.done) / event.done)
        self.progress_label.setText(text)

    # Showing ----------------------------------------------------------------------------------------

    def show_evaluation(self, evaluation) -> None:
        """Fill the summary, table and plots with `evaluation` (None clears the summary and table)."""
        self.plot_tabs.setVisible(evaluation is not None)  # no plots of another model's or data's results
        if evaluation is None:
            self.summary.setText(self.tr(NOTHING_EVALUATED))
            self.report_model.set_rows([])
            return
        self.summary.setText(summary_html(evaluation))
        self.report_model.set_rows(evaluation.report)
        for plot in self.plots.values():
            plot.set_evaluation(evaluation)

    def _open_pair(self, true: int, pred: int) -> None:
        self.session.select_pair(true, pred)
        self.pairOpened.emit(true, pred)

    # Selection --------------------------------------------------------------------------------------

    def _on_table_selection(self, *_) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.session.select_class(self.report_model.class_index(self.report_proxy.mapToSource(rows[0]).row()))

    def _show_class(self, class_index: int) -> None:
        source = self.report_model.index(self.report_model.row_of_class(class_index), 0)
        show_selected_row(self.table, self.report_proxy.mapFromSource(source))
        for plot in self.plots.values():
            plot.highlight(class_index)


def summary_html(ev) -> str:
    """The headline numbers, balanced accuracy first: it is the metric K49 results are reported in."""
    practice = f"<p style='color:{PROBLEM_COLOR}'><b>⚠ " + QCoreApplication.translate(
        "summary_html", "Practice set — not K49.</b> These numbers say nothing about real Kuzushiji.") + "</p>"
    headline = QCoreApplication.translate(
        "summary_html", "<span style='font-size:20pt'><b>{balanced}</b></span> balanced accuracy <span "
        "style='color:#555'>(the metric K49 results are reported in)</span><br><b>{accuracy}</b> accuracy on "
        "<b>{n}</b> test images").format(balanced=i18n.percent(ev.balanced_accuracy, 2),
                                          accuracy=i18n.percent(ev.accuracy, 2), n=i18n.number(len(ev.y_true)))
    names = (QCoreApplication.translate("summary_html", "precision"),
             QCoreApplication.translate("summary_html", "recall"), QCoreApplication.translate("summary_html", "F1"))
    averages = ((QCoreApplication.translate("summary_html", "macro"), ev.macro),
                (QCoreApplication.translate("summary_html", "weighted"), ev.weighted))
    rows = "".join(
        f"<tr><td>{name}&nbsp;</td>"
        + "".join(f"<td align='right'>{i18n.number(scores[k], 3)}</td>" for k in ("precision", "recall", "f1"))
        + "</tr>"
        for name, scores in averages
    )
    evaluated = QCoreApplication.translate("summary_html", "Evaluated: model <b>{model}</b> on the <b>{data}</b>")
    return (
        (practice if ev.practice else "")
        + f"<p>{headline}</p><table cellspacing='0' cellpadding='2'><tr><td></td>"
        + "".join(f"<td align='right'><i>{name}</i></td>" for name in names)
        + f"</tr>{rows}</table><p>{evaluated.format(model=i18n.model_name(ev.model_name), data=i18n.data_name(ev.data_name))}</p>"
    )
