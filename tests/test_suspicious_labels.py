"""The Suspicious labels view: every image ranked as in label_issues.csv, sorted and filtered (by character, flagged
only) by clicks, exported, with examples and saliency."""

from __future__ import annotations

import csv

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFileDialog

from k49desk import dataset, evaluation, paths
from k49desk.classes import CLASSES
from k49desk.gui.state import AppState
from k49desk.gui.suspicious_labels import SuspiciousLabels
from k49desk.label_issues import CSV_HEADER, find_label_issues
from test_label_issues import flip
from test_saliency_view import pick


@pytest.fixture(scope="module")
def audited(practice_dir):
    """(evaluation with 20 flipped labels, test images, issues, model): the starter model on the practice set."""
    data = dataset.load(practice_dir)
    model = evaluation.load_model(paths.starter_model_path())
    probs = evaluation.predict_probabilities(model, data.x_test)
    labels, _ = flip(data.y_test, 20, seed=0)
    ev = evaluation.from_probabilities(labels, probs, data_name=data.name, practice=True, model_name="starter")
    return ev, data.x_test, find_label_issues(labels, probs), model


@pytest.fixture
def view(qtbot, tmp_path, audited):
    state = AppState(tmp_path / "data", tmp_path / "runs")
    widget = SuspiciousLabels(state)
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    qtbot.waitExposed(widget)
    ev, images, issues, model = audited
    widget.set_issues(ev, images, issues)
    yield widget
    state.cancel_all_and_wait(10)


def click_row(qtbot, table, row: int, double: bool = False) -> None:
    rect = table.visualRect(table.model().index(row, 2))
    click = qtbot.mouseDClick if double else qtbot.mouseClick
    click(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def flagged_count(issues) -> int:
    return sum(q.flagged for q in issues)


def test_rows_show_the_ranked_candidates_with_examples_of_both_characters(qtbot, view, audited):
    ev, images, issues, _ = audited
    assert len(issues) == len(images), "every image is ranked"
    assert view.proxy.rowCount() == len(issues)
    assert view.count_label.text() == f"{len(issues)} images, {flagged_count(issues)} flagged"
    assert view.visible_issues() == issues, "the order of label_issues.csv"
    selected = []
    view.imageSelected.connect(selected.append)
    click_row(qtbot, view.table, 1)
    q = view.selected_issue()
    assert q == issues[1] and selected == [q.index]
    assert view.proxy.index(1, 2).data().startswith(CLASSES[q.given].char)
    assert view.proxy.index(1, 3).data().startswith(CLASSES[q.suggested].char)
    assert f"labelled {CLASSES[q.given].char}, the model reads {CLASSES[q.suggested].char}" in \
        view.selected_caption.text()
    assert view.given_examples.title().startswith(CLASSES[q.given].char)
    assert view.suggested_examples.title().startswith(CLASSES[q.suggested].char)
    assert view.given_examples.shown_count() > 0 and view.suggested_examples.shown_count() > 0
    activated = []
    view.imageActivated.connect(activated.append)
    click_row(qtbot, view.table, 0)
    click_row(qtbot, view.table, 0, double=True)
    assert activated == [issues[0].index]
    qtbot.keyClick(view.table, Qt.Key.Key_Down)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert activated == [issues[0].index, issues[1].index]


def test_a_header_click_sorts_and_the_filter_keeps_one_character(qtbot, view, audited):
    _, _, issues, _ = audited
    header = view.table.horizontalHeader()
    sure = header.sectionViewportPosition(4) + header.sectionSize(4) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(sure, header.height() // 2))
    shown = view.visible_issues()
    order = [q.suggested_confidence for q in shown]
    assert order in (sorted(order), sorted(order, reverse=True)) and order != [q.suggested_confidence for q in issues]

    character = issues[0].given
    pick(qtbot, view.filter_picker, character + 1)
    kept = view.visible_issues()
    assert kept and all(character in (q.given, q.suggested) for q in kept)
    assert len(kept) == sum(character in (q.given, q.suggested) for q in issues)
    assert view.count_label.text() == f"{len(kept)} of {len(issues)} images, {flagged_count(issues)} flagged"


def test_flagged_only_keeps_confident_learnings_picks_in_the_same_order(qtbot, view, audited):
    _, _, issues, _ = audited
    flagged = [q for q in issues if q.flagged]
    assert 0 < len(flagged) < len(issues)
    toggle = view.flagged_only
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton, pos=QPoint(4, toggle.height() // 2))
    assert view.visible_issues() == flagged
    assert view.proxy.index(0, 6).data() == "flagged"
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton, pos=QPoint(4, toggle.height() // 2))
    assert view.visible_issues() == issues


def test_export_writes_the_rows_shown(qtbot, view, audited, tmp_path, monkeypatch):
    _, _, issues, _ = audited
    pick(qtbot, view.filter_picker, issues[0].given + 1)
    out = tmp_path / "chosen.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "CSV files (*.csv)"))
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    with out.open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == CSV_HEADER
    assert [int(r[1]) for r in rows[1:]] == [q.index for q in view.visible_issues()]


def test_the_saliency_overlay_shows_on_demand(qtbot, view, audited):
    _, _, issues, model = audited
    view.set_model(model)
    click_row(qtbot, view.table, 0)
    assert not view.saliency.isVisible() and view.selected_picture.isVisible()
    shown = []
    view.saliency.saliencyShown.connect(shown.append)
    toggle = view.saliency_toggle
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton, pos=QPoint(4, toggle.height() // 2))
    assert view.saliency.isVisible() and not view.selected_picture.isVisible()
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=30_000)
    q = issues[0]
    assert (shown[0].target, shown[0].versus) == (q.suggested, q.given)
    assert f"why {CLASSES[q.suggested].char} and not {CLASSES[q.given].char}" in view.saliency.caption.text()
    click_row(qtbot, view.table, 1)
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=30_000)
    assert shown[1].target == issues[1].suggested


def test_no_issues_say_so(qtbot, view, audited):
    view.set_issues(audited[0], audited[1], [])
    assert view.count_label.text() == "No suspicious labels" and not view.export_button.isEnabled()
    assert view.selected_caption.text() == ""
    assert view.visible_issues() == []
