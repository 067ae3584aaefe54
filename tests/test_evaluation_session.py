"""The evaluation session on its own, with no tab: it follows the model and data, caches, and holds the selection."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from k49desk import dataset
from k49desk.gui.evaluation_session import evaluation_key
from k49desk.gui.state import ActiveModel, AppState


@pytest.fixture
def state(tmp_path, practice_dir):
    state = AppState(Path(practice_dir), tmp_path / "runs")
    state.set_data(dataset.load(practice_dir))
    for name in ("a", "b"):
        (tmp_path / f"{name}.keras").write_bytes(name.encode())
    state.set_model(ActiveModel("a", tmp_path / "a.keras"))
    return state


def test_a_model_or_data_change_clears_the_evaluation_and_going_back_restores_it(state, tmp_path):
    session = state.evaluation_session
    shown = []
    session.evaluationChanged.connect(shown.append)
    evaluation = object()  # the session never looks inside an evaluation
    key = evaluation_key(state.model.path, state.data)
    session.cache[key] = evaluation
    session.set_evaluation(evaluation, key)

    model_a = state.model
    state.set_model(ActiveModel("b", tmp_path / "b.keras"))
    assert session.evaluation is None and session.key is None
    state.set_model(model_a)
    assert session.evaluation is evaluation and session.key == key

    data = state.data
    state.set_data(dataclasses.replace(data, x_test=255 - data.x_test))  # other images, same labels
    assert session.evaluation is None
    state.set_data(data)
    assert session.evaluation is evaluation
    assert shown == [evaluation, None, evaluation, None, evaluation]


def test_selection_changes_are_announced_once_and_cleared_with_the_evaluation(state):
    session = state.evaluation_session
    heard = []
    session.classSelected.connect(lambda c: heard.append(("class", c)))
    session.pairSelected.connect(lambda t, p: heard.append(("pair", t, p)))
    session.imageSelected.connect(lambda i: heard.append(("image", i)))

    session.select_class(3)  # nothing evaluated: nothing to select in
    assert heard == [] and session.selected_class is None

    session.set_evaluation(object())
    session.select_class(3)
    session.select_class(3)
    session.select_pair(3, 7)
    session.select_pair(3, 7)
    session.select_image(42)
    assert heard == [("class", 3), ("pair", 3, 7), ("image", 42)]
    assert (session.selected_class, session.selected_pair, session.selected_image) == (3, (3, 7), 42)

    session.select_class(3)  # the same class again leaves the pair: announced, so views show the class
    assert heard[-1] == ("class", 3) and session.selected_pair is None

    session.set_evaluation(object())
    assert (session.selected_class, session.selected_pair, session.selected_image) == (None, None, None)


def test_a_class_chosen_outside_the_evaluation_views_is_selected(state):
    session = state.evaluation_session
    session.set_evaluation(object())
    state.classSelected.emit(5)
    assert session.selected_class == 5
