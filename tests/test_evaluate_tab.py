"""The Evaluate tab driven as a person does: click Evaluate, read the table, sort it, click the plots, export."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QItemSelectionModel, QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QTabWidget, QToolTip

from k49desk import dataset, paths
from k49desk.classes import CLASSES, NUM_CLASSES
from k49desk.gui.confusions_tab import ConfusionsTab
from k49desk.gui.evaluate_tab import COLUMNS, F1_COLUMN, EvaluateTab
from k49desk.gui.evaluation_plots import SELECTED_COLOR
from k49desk.gui.evaluation_session import evaluation_key
from k49desk.gui.state import ActiveModel, AppState
from k49desk.gui.tables import SORT

EVALUATE_TIMEOUT_MS = 120_000  # the first evaluation imports Keras: seconds on a busy 2-core machine
_evaluations: dict = {}  # one real evaluation per model for the whole module; later tests reuse it via the cache


@pytest.fixture
def state(tmp_path, qtbot, practice_dir, trained_run):
    state = AppState(Path(practice_dir), tmp_path / "runs")
    state.set_data(dataset.load(practice_dir))
    state.set_model(ActiveModel("practice run", Path(trained_run) / "model.keras", Path(trained_run)))
    yield state
    assert state.cancel_all_and_wait(30)


def show(qtbot, widget, size=(1280, 760)):
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    assert QTest.qWaitForWindowExposed(widget)
    return widget


def evaluate_through_gui(qtbot, state, tab) -> object:
    """Click Evaluate and wait for the result; a real evaluation the first time, the module's cached one after."""
    key = evaluation_key(state.model.path, state.data)
    if key in _evaluations:
        state.evaluation_session.cache[key] = _evaluations[key]
    with qtbot.waitSignal(state.evaluation_session.evaluationChanged, timeout=EVALUATE_TIMEOUT_MS):
        qtbot.mouseClick(tab.evaluate_button, Qt.MouseButton.LeftButton)
    _evaluations[key] = state.evaluation_session.evaluation
    return state.evaluation_session.evaluation


@pytest.fixture
def tab(qtbot, state):
    tab = show(qtbot, EvaluateTab(state))
    evaluate_through_gui(qtbot, state, tab)
    return tab


def pixel_of(canvas, ax, x: float, y: float) -> QPoint:
    """Widget coordinates of data point (x, y): matplotlib's display pixels start at the bottom, Qt's at the top."""
    QApplication.processEvents()  # pending resizes would move the axes after the position is computed
    canvas.draw()
    px, py = ax.transData.transform((x, y))
    ratio = canvas.devicePixelRatioF()
    return QPoint(round(px / ratio), round((canvas.figure.bbox.height - py) / ratio))


def highlighted(tab) -> dict:
    """Which class each plot marks as selected (None where none)."""
    return {key: plot.highlighted_class for key, plot in tab.plots.items()}


def test_evaluate_runs_in_a_task_and_shows_the_summary(qtbot, state):
    tab = show(qtbot, EvaluateTab(state))
    started = []
    state.tasksChanged.connect(lambda: started.extend(state.running_tasks()))
    state.evaluation_session.cache.clear()
    with qtbot.waitSignal(state.evaluation_session.evaluationChanged, timeout=EVALUATE_TIMEOUT_MS):
        qtbot.mouseClick(tab.evaluate_button, Qt.MouseButton.LeftButton)
        assert tab.cancel_button.isVisible() and not tab.evaluate_button.isEnabled()
    ev = state.evaluation_session.evaluation
    _evaluations[evaluation_key(state.model.path, state.data)] = ev
    assert started, "the evaluation must run in a worker Task"
    qtbot.waitUntil(lambda: tab.evaluate_button.isEnabled())
    assert not tab.cancel_button.isVisible()
    summary = tab.summary.text()
    assert f"{ev.balanced_accuracy:.2%}" in summary and "balanced accuracy" in summary
    assert f"{ev.accuracy:.2%}" in summary
    assert f"{len(state.data.y_test):,}" in summary
    assert "Practice set — not K49" in summary
    assert f"{ev.macro['f1']:.3f}" in summary and f"{ev.weighted['precision']:.3f}" in summary


def test_cancel_stops_the_evaluation(qtbot, state):
    tab = show(qtbot, EvaluateTab(state))
    state.evaluation_session.cache.clear()
    qtbot.mouseClick(tab.evaluate_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(state.evaluation_session.task.cancelled, timeout=EVALUATE_TIMEOUT_MS):
        qtbot.mouseClick(tab.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.evaluate_button.isEnabled())
    assert state.evaluation_session.evaluation is None and not state.evaluation_session.cache
    assert "cancelled" in tab.progress_label.text()


def test_table_matches_sklearn_classification_report(tab, state):
    from sklearn.metrics import classification_report

    ev = state.evaluation_session.evaluation
    expected = classification_report(
        ev.y_true, ev.y_pred, labels=list(range(49)), output_dict=True, zero_division=0
    )
    model = tab.table.model()
    assert model.rowCount() == 49
    column = {name: COLUMNS.index(name) for name in ("Char", "Romaji", "#", "Precision", "Recall", "F1", "Support")}
    for row in range(49):
        index = model.index(row, column["#"]).data(SORT)
        want = expected[str(index)]
        assert model.index(row, column["Char"]).data() == CLASSES[index].char
        assert model.index(row, column["Romaji"]).data() == CLASSES[index].romaji
        for name, key in (("Precision", "precision"), ("Recall", "recall"), ("F1", "f1-score")):
            assert model.index(row, column[name]).data(SORT) == pytest.approx(want[key], abs=1e-9)
            assert model.index(row, column[name]).data() == f"{want[key]:.3f}"
        assert model.index(row, column["Support"]).data(SORT) == want["support"]


def test_sorting_by_f1_puts_the_weakest_on_top(qtbot, tab):
    table = tab.table
    table.sortByColumn(COLUMNS.index("Support"), Qt.SortOrder.DescendingOrder)
    header = table.horizontalHeader()
    f1s = lambda: [table.model().index(r, F1_COLUMN).data(SORT) for r in range(49)]  # noqa: E731
    click = QPoint(header.sectionViewportPosition(F1_COLUMN) + header.sectionSize(F1_COLUMN) // 2, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=click)
    if header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder:
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=click)
    assert header.sortIndicatorSection() == F1_COLUMN
    assert f1s()[0] == min(f1s())
    assert f1s() == sorted(f1s())


def test_second_evaluate_is_instant_from_the_cache(qtbot, tab, state):
    ev = state.evaluation_session.evaluation
    with qtbot.waitSignal(state.evaluation_session.evaluationChanged, timeout=1000) as blocker:
        qtbot.mouseClick(tab.evaluate_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [ev]
    assert state.evaluation_session.task is None and not state.running_tasks()


def test_results_shown_always_belong_to_the_active_model_and_data(qtbot, tab, state):
    ev, data, model = state.evaluation_session.evaluation, state.data, state.model
    confusions = show(qtbot, ConfusionsTab(state))
    assert confusions.evaluation is ev and tab.plot_tabs.isVisible()

    # Same labels, other images (as two practice sets rendered from other fonts with one seed would be).
    other = dataclasses.replace(data, x_test=255 - data.x_test)
    assert np.array_equal(other.y_test, ev.y_true) and other.fingerprint != data.fingerprint
    state.set_data(other)
    assert state.evaluation_session.evaluation is None and confusions.evaluation is None and confusions.images is None
    assert tab.report_model.rowCount() == 0 and not tab.plot_tabs.isVisible()
    assert "Evaluate" in tab.summary.text()

    state.set_data(data)  # back: the cached result, at once
    assert state.evaluation_session.evaluation is ev and confusions.evaluation is ev
    assert tab.report_model.rowCount() == NUM_CLASSES

    state.set_model(ActiveModel("starter model", paths.starter_model_path()))
    assert state.evaluation_session.evaluation is None and confusions.evaluation is None
    state.set_model(model)
    assert state.evaluation_session.evaluation is ev


def test_a_result_for_a_model_no_longer_active_is_cached_but_not_shown(qtbot, state):
    tab = show(qtbot, EvaluateTab(state))
    state.evaluation_session.cache.clear()
    model = state.model
    qtbot.mouseClick(tab.evaluate_button, Qt.MouseButton.LeftButton)
    state.set_model(ActiveModel("starter model", paths.starter_model_path()))  # while it runs
    qtbot.waitUntil(lambda: state.evaluation_session.task is None, timeout=EVALUATE_TIMEOUT_MS)
    assert state.evaluation_session.evaluation is None
    key = evaluation_key(model.path, state.data)
    assert key in state.evaluation_session.cache
    state.set_model(model)
    assert state.evaluation_session.evaluation is state.evaluation_session.cache[key]


def test_clicking_a_confusion_cell_opens_the_pair_with_its_images(qtbot, state):
    window = QTabWidget()
    evaluate, confusions = EvaluateTab(state), ConfusionsTab(state)
    window.addTab(evaluate, "Evaluate")
    window.addTab(confusions, "Confusions")
    evaluate.pairOpened.connect(lambda *_pair: window.setCurrentWidget(confusions))  # as the main window does
    show(qtbot, window, (1280, 800))
    ev = evaluate_through_gui(qtbot, state, evaluate)

    off = ev.confusion.copy()
    np.fill_diagonal(off, -1)
    true, pred = map(int, np.unravel_index(off.argmax(), off.shape))
    assert off[true, pred] > 0, "the quick model must confuse at least one pair"
    evaluate.plot_tabs.setCurrentIndex(0)
    canvas = evaluate.confusion_plot.canvas
    point = pixel_of(canvas, evaluate.confusion_plot.axes, pred, true)  # x is the predicted column, y the true row

    hover = evaluate.confusion_plot.hover_label
    QTest.mouseMove(canvas, point)
    qtbot.waitUntil(lambda: CLASSES[true].label in hover.text())
    assert f"predicted {CLASSES[pred].label}: {int(ev.confusion[true, pred]):,} images" in hover.text()

    with qtbot.waitSignal(state.evaluation_session.pairSelected, timeout=2000) as pair:
        QTest.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=point)
    assert pair.args == [true, pred]
    assert window.currentWidget() is confusions
    assert confusions.view == ("pair", true, pred)
    expected = [int(i) for i in ev.misclassified(true, pred)]
    assert confusions.grid.image_count() == len(expected) == ev.confusion[true, pred]
    assert confusions.grid.test_indices() == expected
    assert all(ev.y_true[i] == true and ev.y_pred[i] == pred for i in confusions.grid.test_indices())
    selected = confusions.pairs_table.selectionModel().currentIndex()
    assert selected.siblingAtColumn(0).data(SORT) == true and selected.siblingAtColumn(1).data(SORT) == pred

    # An empty cell (no test image of that pair) opens no pair and stays in the Evaluate tab, but the click is seen:
    # its true character is selected.
    window.setCurrentWidget(evaluate)
    empty_true, empty_pred = map(int, np.argwhere(ev.confusion == 0)[0])
    requested = []
    state.evaluation_session.pairSelected.connect(lambda *pair: requested.append(pair))
    QTest.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=pixel_of(canvas, evaluate.confusion_plot.axes, empty_pred,
                                                                     empty_true))
    QApplication.processEvents()
    assert (empty_true, empty_pred) not in requested and window.currentWidget() is evaluate
    assert state.evaluation_session.selected_class == empty_true
    assert evaluate.confusion_plot.highlighted_class == empty_true


def test_the_cell_under_the_mouse_is_outlined_and_named_in_a_tooltip(qtbot, tab, state):
    ev = state.evaluation_session.evaluation
    plot = tab.confusion_plot
    tab.plot_tabs.setCurrentIndex(0)
    off = ev.confusion.copy()
    np.fill_diagonal(off, -1)
    true, pred = map(int, np.unravel_index(off.argmax(), off.shape))
    assert not plot.hover_mark.get_visible()
    QTest.mouseMove(plot.canvas, pixel_of(plot.canvas, plot.axes, pred, true))
    qtbot.waitUntil(plot.hover_mark.get_visible)
    assert plot.hover_mark.get_xy() == (pred - 0.5, true - 0.5)
    qtbot.waitUntil(QToolTip.isVisible)
    assert QToolTip.text() == f"true {CLASSES[true].char} read as {CLASSES[pred].char}: {int(ev.confusion[true, pred])}"
    QTest.mouseMove(plot.canvas, pixel_of(plot.canvas, plot.axes, true, true))
    qtbot.waitUntil(lambda: plot.hover_mark.get_xy() == (true - 0.5, true - 0.5))
    assert QToolTip.text() == f"{CLASSES[true].char} read correctly: {int(ev.confusion[true, true])}"


def test_no_full_bar_over_an_empty_table(qtbot, state):
    from k49desk.evaluation import EvalProgress

    tab = show(qtbot, EvaluateTab(state))
    state.evaluation_session.cache.clear()
    seen = []

    def look(event):  # right after the tab has shown this event
        QApplication.processEvents()
        seen.append((event.done, event.total, tab.progress_bar.maximum(), tab.progress_bar.value(),
                     tab.progress_label.text(), tab.report_model.rowCount()))

    state.evaluation_session.progressed.connect(look)
    with qtbot.waitSignal(state.evaluation_session.evaluationChanged, timeout=EVALUATE_TIMEOUT_MS):
        qtbot.mouseClick(tab.evaluate_button, Qt.MouseButton.LeftButton)
    _evaluations[evaluation_key(state.model.path, state.data)] = state.evaluation_session.evaluation
    finished = [s for s in seen if s[0] == s[1]]
    assert finished, "the last progress event reports every image"
    for done, total, maximum, value, label, rows in finished:
        assert rows == 0 and maximum == 0, "a busy bar, not 100%, while the report is computed"
        assert "computing the report" in label
    qtbot.waitUntil(lambda: not tab.progress_bar.isVisible())
    assert tab.report_model.rowCount() == 49


def test_normalised_mode_shows_recall_on_the_diagonal(qtbot, tab, state):
    ev = state.evaluation_session.evaluation
    qtbot.keyClicks(tab.confusion_plot.mode_combo, "R")  # a person picks "Row-normalised" from the combo
    assert tab.confusion_plot.mode_combo.currentIndex() == 1
    shown = tab.confusion_plot.shown_matrix()
    assert np.allclose(np.diag(shown), [c.recall for c in ev.report])
    tab.confusion_plot.mode_combo.setCurrentIndex(0)
    assert tab.confusion_plot.shown_matrix().sum() == ev.confusion.sum()


def test_clicking_a_scatter_point_selects_the_class_everywhere(qtbot, tab, state):
    tab.plot_tabs.setCurrentIndex(2)
    canvas = tab.scatter_plot.canvas
    target = int(np.argsort([c.f1 for c in state.evaluation_session.evaluation.report])[-1])
    # A weak quick model stacks classes on one spot; the first class drawn there is the one picked.
    expected = int(np.flatnonzero((tab.scatter_plot.points == tab.scatter_plot.points[target]).all(axis=1))[0])
    point = pixel_of(canvas, tab.scatter_plot.axes, *tab.scatter_plot.points[target])
    QTest.mouseMove(canvas, point)
    qtbot.waitUntil(lambda: tab.scatter_plot.hover_label.text().startswith(CLASSES[expected].label))
    with qtbot.waitSignal(state.evaluation_session.classSelected, timeout=2000) as selected:
        QTest.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=point)
    assert selected.args == [expected]
    current = tab.table.selectionModel().currentIndex()
    assert current.siblingAtColumn(COLUMNS.index("#")).data(SORT) == expected
    assert highlighted(tab) == {"scatter": expected, "per_class": expected, "confusion": expected}
    assert tab.confusion_plot.axes.get_yticklabels()[expected].get_color() == SELECTED_COLOR

    # Chosen elsewhere (a row of the table): every plot follows, and so does the Confusions tab.
    confusions = show(qtbot, ConfusionsTab(state))
    other = (expected + 1) % NUM_CLASSES
    row = tab.report_proxy.mapFromSource(tab.report_model.index(tab.report_model.row_of_class(other), 0))
    tab.table.selectionModel().setCurrentIndex(
        row, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
    assert highlighted(tab) == {"scatter": other, "per_class": other, "confusion": other}
    assert confusions.view == ("class", other)


def test_focusing_the_table_selects_nothing(qtbot, tab, state):
    """Tabbing into the table makes its first row current; only a selection (click, keys) chooses a class."""
    selected = []
    state.evaluation_session.classSelected.connect(selected.append)
    tab = show(qtbot, EvaluateTab(state))  # a new tab over the evaluation: its table never had a current row
    assert tab.report_model.rowCount() == NUM_CLASSES and not tab.table.currentIndex().isValid()
    tab.table.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(tab.table.hasFocus)
    QApplication.processEvents()
    assert selected == [] and highlighted(tab)["confusion"] is None
    QTest.keyClick(tab.table, Qt.Key.Key_Down)  # a key press does select
    assert len(selected) == 1 and highlighted(tab)["confusion"] == selected[0]


def test_exports_write_csvs_and_plots(tab, tmp_path):
    report = tab.export.export_report_csv(tmp_path / "report.csv")
    predictions = tab.export.export_predictions_csv(tmp_path / "predictions.csv")
    confusion = tab.export.export_confusion_csv(tmp_path / "confusion.csv")
    with open(report, encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert any(CLASSES[27].char in row for row in rows)
    assert sum(1 for _ in open(predictions, encoding="utf-8")) >= len(tab.evaluation.y_true)
    assert sum(1 for _ in open(confusion, encoding="utf-8")) >= 49
    for key in ("confusion", "per_class", "scatter"):
        for suffix in (".png", ".svg"):
            path = tab.export.export_plot(key, tmp_path / f"{key}{suffix}")
            assert path.stat().st_size > 1000


def test_plot_layout_is_kept_between_draws_and_redone_after_a_resize(qtbot, tab):
    """The confusion matrix keeps its layout across redraws (its 98 labels do not change size) but not across resizes."""
    canvas, ax = tab.confusion_plot.canvas, tab.confusion_plot.axes
    tab.plot_tabs.setCurrentIndex(0)
    QApplication.processEvents()
    canvas.draw()
    assert not canvas.layout_pending and canvas.figure.get_layout_engine().__class__.__name__ == "PlaceHolderLayoutEngine"
    before = ax.get_position().bounds
    canvas.draw()
    assert ax.get_position().bounds == before
    tab.resize(1600, 1000)
    qtbot.waitUntil(lambda: canvas.layout_pending, timeout=2000)
    canvas.draw()
    # Margins for the hiragana labels stay the same in pixels, so in figure fractions they shrink.
    assert ax.get_position().width > before[2]
    assert not canvas.layout_pending
    # Tick labels are inside the figure: nothing clipped after the new layout.
    renderer = canvas.get_renderer()
    labels = ax.get_yticklabels() + ax.get_xticklabels()
    assert all(canvas.figure.bbox.contains(*t.get_window_extent(renderer).p0) for t in labels)
