"""The Confusions tab driven as a person does: filter the pairs, click one, look at its images, open one large."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from k49desk import dataset
from k49desk.classes import CLASSES, by_char
from k49desk.gui.confusions_tab import HEADER, IMAGE, ConfusionsTab, filter_classes
from k49desk.gui.state import ActiveModel, AppState
from k49desk.gui.tables import SORT

EVALUATE_TIMEOUT_MS = 120_000
_evaluations: dict = {}  # one real evaluation for the whole module (evaluating is the slow part)


@pytest.fixture
def state(tmp_path, practice_dir, trained_run):
    state = AppState(Path(practice_dir), tmp_path / "runs")
    state.set_data(dataset.load(practice_dir))
    state.set_model(ActiveModel("practice run", Path(trained_run) / "model.keras", Path(trained_run)))
    if "ev" not in _evaluations:
        from k49desk.evaluation import evaluate

        _evaluations["ev"] = evaluate(state.model.path, state.data)
    yield state
    assert state.cancel_all_and_wait(30)


@pytest.fixture
def tab(qtbot, state):
    tab = ConfusionsTab(state)
    qtbot.addWidget(tab)
    tab.resize(1280, 760)
    tab.show()
    assert QTest.qWaitForWindowExposed(tab)
    state.evaluation_session.set_evaluation(_evaluations["ev"])
    return tab


def visible_pairs(tab) -> list[tuple[int, int]]:
    model = tab.pairs_table.model()
    return [(model.index(r, 0).data(SORT), model.index(r, 1).data(SORT)) for r in range(model.rowCount())]


def off_diagonal_pairs(ev) -> list[tuple[int, int]]:
    return [(t, p) for t, p in zip(*np.nonzero(ev.confusion)) if t != p]


def type_text(widget, text: str) -> None:
    """Type `text` key by key; QTest.keyClicks only knows ASCII, so each key carries its character as a keyboard would."""
    widget.setFocus()
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch))


def click_row(qtbot, table, row: int) -> None:
    table.scrollTo(table.model().index(row, 0))
    rect = table.visualRect(table.model().index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_pairs_are_ranked_without_the_diagonal(qtbot, tab, state):
    ev = state.evaluation_session.evaluation
    pairs = visible_pairs(tab)
    assert sorted(pairs) == sorted((int(t), int(p)) for t, p in off_diagonal_pairs(ev))
    counts = [tab.pairs_table.model().index(r, 2).data(SORT) for r in range(len(pairs))]
    assert counts == sorted(counts, reverse=True)
    header = tab.pairs_table.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(header.sectionViewportPosition(3) + 10, header.height() // 2))
    rates = [tab.pairs_table.model().index(r, 3).data(SORT) for r in range(len(pairs))]
    assert rates in (sorted(rates), sorted(rates, reverse=True))
    assert header.sortIndicatorSection() == 3


def test_filter_by_character_or_romaji_matches_either_side(qtbot, tab, state):
    ev = state.evaluation_session.evaluation
    true, pred = max(off_diagonal_pairs(ev), key=lambda tp: ev.confusion[tp])
    char = CLASSES[int(true)].char
    type_text(tab.filter_edit, char)
    shown = visible_pairs(tab)
    expected = [tp for tp in off_diagonal_pairs(ev) if true in tp]
    assert len(shown) == len(expected) > 0
    assert all(true in tp for tp in shown)
    assert tab.view == ("class", int(true))  # one character typed: all its misreadings, grouped

    tab.filter_edit.clear()
    type_text(tab.filter_edit, CLASSES[int(true)].romaji.upper())
    assert len(visible_pairs(tab)) == len(expected)

    tab.filter_edit.clear()
    type_text(tab.filter_edit, f"{char} {CLASSES[int(pred)].char}")
    assert set(visible_pairs(tab)) == {(int(true), int(pred))} | ({(int(pred), int(true))} & set(off_diagonal_pairs(ev)))

    tab.filter_edit.clear()
    type_text(tab.filter_edit, "xyz")
    assert visible_pairs(tab) == []
    assert "No character" in tab.pairs_count.text()


def test_filter_understands_characters_romaji_and_arrows():
    fu, nu = by_char("ふ").index, by_char("ぬ").index
    assert filter_classes("ふ") == [fu] == filter_classes(" FU ")
    assert filter_classes("ふ→ぬ") == [fu, nu] == filter_classes("fu nu") == filter_classes("ふぬ")
    assert filter_classes("q") is None


def test_clicking_a_pair_shows_its_images_and_correct_examples(qtbot, tab, state):
    ev = state.evaluation_session.evaluation
    click_row(qtbot, tab.pairs_table, 0)
    true, pred = visible_pairs(tab)[0]
    assert tab.view == ("pair", true, pred)
    assert tab.grid.test_indices() == [int(i) for i in ev.misclassified(true, pred)]
    strip = tab.correct_grid.grid_model.items
    headers = [item.text for item in strip if item.kind == HEADER]
    none = ": none among the test images"
    assert headers == [f"{CLASSES[c].label} read correctly" + ("" if ev.confusion[c, c] else none) for c in (true, pred)]
    assert all(ev.y_true[i.test_index] == ev.y_pred[i.test_index] for i in strip if i.kind == IMAGE)
    first = tab.grid.grid_model.items[0]
    top1, top2 = ev.top_k(first.test_index, k=2)
    assert first.caption.startswith(f"{CLASSES[pred].char} {top1[1]:.0%}")
    assert first.caption.endswith(f"2nd {CLASSES[top2[0]].char} {top2[1]:.0%}")


def test_a_character_never_read_correctly_says_none_under_its_heading(qtbot, tab, state):
    ev = state.evaluation_session.evaluation
    never = [c for c in range(49) if ev.confusion[c, c] == 0 and ev.confusion[c].sum() > 0]
    if not never:  # the quick model reads every class right at least once: make one it never does
        import dataclasses

        c = int(np.argmax(ev.confusion.sum(axis=1) - np.diag(ev.confusion)))
        y_pred = ev.y_pred.copy()
        y_pred[ev.y_true == c] = (c + 1) % 49
        confusion = ev.confusion.copy()
        confusion[c] = 0
        confusion[c, (c + 1) % 49] = np.sum(ev.y_true == c)
        state.evaluation_session.set_evaluation(dataclasses.replace(ev, y_pred=y_pred, confusion=confusion))
        never = [c]
    state.evaluation_session.select_class(never[0])
    strip = tab.correct_grid.grid_model.items
    heading = next(item.text for item in strip if item.kind == HEADER)
    assert heading == f"{CLASSES[never[0]].label} read correctly: none among the test images"


def test_pair_names_are_not_cut(qtbot, tab, state):
    """The longest names ("→ ゝ iteration mark") fit their columns at the default width."""
    from PySide6.QtGui import QFontMetrics

    metrics = QFontMetrics(tab.pairs_model.char_font)
    header = tab.pairs_table.horizontalHeader()
    iteration = CLASSES[-1]
    assert iteration.romaji == "iteration mark"
    assert header.sectionSize(0) > metrics.horizontalAdvance(f"{iteration.char} {iteration.romaji}")
    assert header.sectionSize(1) > metrics.horizontalAdvance(f"→ {iteration.char} {iteration.romaji}")


def test_example_button_shows_fu_read_as_nu(qtbot, tab, state):
    fu, nu = by_char("ふ").index, by_char("ぬ").index
    type_text(tab.filter_edit, "あ")
    qtbot.mouseClick(tab.example_button, Qt.MouseButton.LeftButton)
    assert tab.view == ("pair", fu, nu)
    assert "ふ (fu) read as ぬ (nu)" in tab.title.text()
    assert tab.grid.image_count() == len(state.evaluation_session.evaluation.misclassified(fu, nu))

    # Nothing evaluated: nothing to show, and the button says so by being disabled.
    state.evaluation_session.set_evaluation(None)
    assert not tab.example_button.isEnabled()


def test_pair_requested_selects_the_pair(qtbot, tab, state):
    ev = state.evaluation_session.evaluation
    true, pred = min(off_diagonal_pairs(ev), key=lambda tp: ev.confusion[tp])
    state.evaluation_session.select_pair(int(true), int(pred))
    current = tab.pairs_table.selectionModel().currentIndex()
    assert (current.siblingAtColumn(0).data(SORT), current.siblingAtColumn(1).data(SORT)) == (true, pred)
    assert tab.grid.image_count() == ev.confusion[true, pred]


def test_selecting_a_character_groups_its_misreadings(qtbot, tab, state):
    ev = state.evaluation_session.evaluation
    errors = ev.confusion.sum(axis=1) - np.diag(ev.confusion)
    true = int(errors.argmax())
    state.evaluation_session.select_class(true)
    items = tab.grid.grid_model.items
    groups = [item.text for item in items if item.kind == HEADER]
    preds = [p for p in range(49) if p != true and ev.confusion[true, p] > 0]
    assert len(groups) == len(preds)
    assert tab.grid.image_count() == errors[true]
    assert all(ev.y_true[i] == true and ev.y_pred[i] != true for i in tab.grid.test_indices())
    # Within the grid, each group's images are exactly the ones read as that group's character.
    current = None
    for item in items:
        if item.kind == HEADER:
            current = next(p for p in preds if f"read as {CLASSES[p].label}:" in item.text)
        else:
            assert ev.y_pred[item.test_index] == current


def test_clicking_an_image_shows_it_large_with_top5(qtbot, tab, state):
    ev = state.evaluation_session.evaluation
    click_row(qtbot, tab.pairs_table, 0)
    index = tab.grid.model().index(0, 0)
    qtbot.mouseClick(tab.grid.viewport(), Qt.MouseButton.LeftButton, pos=tab.grid.visualRect(index).center())
    test_index = tab.grid.grid_model.items[0].test_index
    assert tab.detail.test_index == test_index
    assert f"#{test_index}" in tab.detail.title.text()
    shown = [char.text() for char, *_ in tab.detail.rows]
    assert shown == [CLASSES[k].char for k, _ in ev.top_k(test_index, k=5)]
    assert tab.detail.picture.pixmap().width() == 196


def test_zoom_scales_the_grid(qtbot, tab):
    click_row(qtbot, tab.pairs_table, 0)
    before = tab.grid.visualRect(tab.grid.model().index(0, 0)).height()
    tab.zoom_slider.setValue(tab.zoom_slider.value() + 2)
    tab.grid.doItemsLayout()
    assert tab.grid.visualRect(tab.grid.model().index(0, 0)).height() == before + 56


def test_the_large_view_explains_the_misreading_on_a_click(qtbot, tab, state):
    """A misread image opened large, then 'Show what the model looks at' clicked: the heat overlay explains the
    model's answer and not the true character."""
    ev = state.evaluation_session.evaluation
    state.set_ml_ready()  # the window's start-up import does this; the active model then loads
    qtbot.waitUntil(lambda: tab.detail.predictor.predictor is not None, timeout=EVALUATE_TIMEOUT_MS)
    click_row(qtbot, tab.pairs_table, 0)
    index = tab.grid.model().index(0, 0)
    qtbot.mouseClick(tab.grid.viewport(), Qt.MouseButton.LeftButton, pos=tab.grid.visualRect(index).center())
    test_index = tab.detail.test_index
    qtbot.mouseClick(tab.detail.saliency_toggle, Qt.MouseButton.LeftButton)
    assert tab.detail.saliency.isVisible() and not tab.detail.picture.isVisible()
    qtbot.waitUntil(lambda: tab.detail.saliency.saliency is not None, timeout=30_000)
    true, pred = int(ev.y_true[test_index]), int(ev.y_pred[test_index])
    assert (tab.detail.saliency.target(), tab.detail.saliency.versus()) == (pred, true)
    assert CLASSES[pred].char in tab.detail.saliency.caption.text()
    qtbot.mouseClick(tab.detail.saliency_toggle, Qt.MouseButton.LeftButton)
    assert tab.detail.picture.isVisible() and not tab.detail.saliency.isVisible()


def test_suspicious_labels_page_ranks_the_evaluations_test_images(qtbot, tab, state):
    from k49desk.label_issues import find_label_issues

    ev = state.evaluation_session.evaluation
    qtbot.mouseClick(tab.pages.tabBar(), Qt.MouseButton.LeftButton,
                     pos=tab.pages.tabBar().tabRect(1).center())
    assert tab.pages.currentIndex() == 1
    expected = find_label_issues(ev.y_true, ev.probs)
    qtbot.waitUntil(lambda: len(tab.suspicious.visible_issues()) == len(expected), timeout=30_000)
    assert [i.index for i in tab.suspicious.visible_issues()] == [i.index for i in expected]
    assert "candidates for a person to check" in tab.suspicious_source.text()
    first = expected[0].index
    table = tab.suspicious.table
    first_row = table.visualRect(table.model().index(0, 2)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=first_row)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=first_row)
    assert tab.pages.currentIndex() == 0 and tab.detail.test_index == first


def test_suspicious_labels_page_says_why_a_one_class_test_set_has_none(qtbot, tab, state):
    """Confident learning needs two classes: the page says so instead of 'failed unexpectedly: ValueError'."""
    from k49desk.evaluation import from_probabilities

    ev = _evaluations["ev"]
    first = int(np.flatnonzero(ev.y_true == 5)[0])
    one = from_probabilities(ev.y_true[first:first + 1], ev.probs[first:first + 1], data_name=ev.data_name,
                             practice=True, model_name=ev.model_name)
    state.evaluation_session.set_evaluation(one)
    tab.pages.setCurrentIndex(1)
    qtbot.waitUntil(lambda: "no suspicious labels can be ranked" in tab.suspicious_source.text(), timeout=10_000)
    qtbot.wait(200)
    text = tab.suspicious_source.text()
    assert "its one image is of one class (か)" in text and "unexpectedly" not in text and "Error" not in text
    assert tab.suspicious.visible_issues() == []
