"""The Draw tab driven as a person does: real mouse events on the canvas, shortcuts, clicks on candidates.

Mouse input goes through QTest.mousePress / QTest.mouseMove / QTest.mouseRelease on the shown canvas;
in Qt 6 QTest remembers the pressed button, so the moves in between arrive as mouseMoveEvents with the
left button held, exactly as a drag does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from k49desk.classes import by_char
from k49desk.gui import canvas as canvas_module
from k49desk.gui.draw_tab import DrawTab
from k49desk.gui.state import ActiveModel, AppState
from k49desk.paths import starter_model_path
from strokes import STROKES

LOAD_TIMEOUT_MS = 120_000  # the first load imports Keras: seconds on a busy 2-core machine


@pytest.fixture
def state(tmp_path, qtbot):
    state = AppState(tmp_path / "data", tmp_path / "runs")
    yield state
    assert state.cancel_all_and_wait(30)
    state.end_training_process()  # fine-tuning ran in it


def make_tab(qtbot, state, model: ActiveModel | None) -> DrawTab:
    state.model = model
    state.set_ml_ready()  # in the app the start-up import does this; the tab's own load then imports Keras
    tab = DrawTab(state)
    qtbot.addWidget(tab)
    tab.resize(900, 600)
    tab.show()
    assert QTest.qWaitForWindowExposed(tab)
    qtbot.waitUntil(lambda: not tab.is_loading(), timeout=LOAD_TIMEOUT_MS)
    return tab


@pytest.fixture
def tab(qtbot, state, trained_run):
    return make_tab(qtbot, state, ActiveModel("practice run", Path(trained_run) / "model.keras", Path(trained_run)))


def child(tab, name: str):
    widget = tab.findChild(QWidget, name)
    assert widget is not None, f"no widget named {name!r}"
    return widget


def canvas_points(canvas, strokes) -> list[list[QPoint]]:
    """`strokes` (any coordinate scale) fitted into the canvas's square with a margin, in widget pixels."""
    xs = [p[0] for s in strokes for p in s]
    ys = [p[1] for s in strokes for p in s]
    x0, y0 = min(xs), min(ys)
    extent = max(max(xs) - x0, max(ys) - y0) or 1.0
    square = canvas.square()
    scale = square.width() * 0.8 / extent
    ox = square.x() + (square.width() - (max(xs) - x0) * scale) / 2
    oy = square.y() + (square.height() - (max(ys) - y0) * scale) / 2
    return [[QPoint(round(ox + (p[0] - x0) * scale), round(oy + (p[1] - y0) * scale)) for p in s] for s in strokes]


def press_and_move(canvas, points: list[QPoint]) -> None:
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, points[0])
    for p in points[1:]:
        QTest.mouseMove(canvas, p)


def release(canvas, point: QPoint) -> None:
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)


def draw(canvas, strokes) -> None:
    for points in canvas_points(canvas, strokes):
        press_and_move(canvas, points)
        release(canvas, points[-1])


def candidates(tab) -> list[str]:
    """The characters the person sees in the candidate list, best first."""
    lst = child(tab, "predictionList")
    if not lst.isVisible():
        return []
    return [lst.item(i).text().split()[0] for i in range(lst.count())]


def preview_image(tab) -> QImage | None:
    pixmap = child(tab, "previewImage").pixmap()
    return None if pixmap.isNull() else pixmap.toImage()


def has_ink(image: QImage) -> bool:
    gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
    return any(gray.pixelColor(x, y).value() > 0 for y in range(0, gray.height(), 3) for x in range(0, gray.width(), 3))


def any_char():
    return next(iter(STROKES))


def test_empty_canvas_shows_a_hint_not_a_guess(tab):
    assert candidates(tab) == []
    hint = child(tab, "predictionHint")
    assert hint.isVisible() and hint.text() == "Draw a character"
    assert preview_image(tab) is None
    assert "practice run" in child(tab, "modelStatus").text()


def test_predictions_appear_while_dragging_and_preview_updates(qtbot, tab):
    canvas = child(tab, "drawCanvas")
    strokes = canvas_points(canvas, STROKES[any_char()])
    longest = max(strokes, key=len)
    emitted = []
    canvas.strokesChanged.connect(emitted.append)
    press_and_move(canvas, longest[: max(2, len(longest) // 2)])
    assert emitted == [], "moves within one frame are coalesced, not passed on one by one"
    qtbot.waitUntil(lambda: len(candidates(tab)) == 5, timeout=1000)
    assert len(emitted) == 1 and canvas.stroke_count() == 1
    first = preview_image(tab)
    assert first is not None and has_ink(first)

    for p in longest[len(longest) // 2:]:
        QTest.mouseMove(canvas, p)
    release(canvas, longest[-1])
    qtbot.waitUntil(lambda: preview_image(tab) != first, timeout=1000)
    probs = [child(tab, "predictionList").item(i).text().split()[-1].removesuffix("%") for i in range(5)]
    assert all(0.0 <= float(p) <= 100.0 for p in probs)
    assert not child(tab, "predictionHint").isVisible()


def test_updates_come_once_per_frame_of_the_screen_it_is_on(qtbot, tab):
    assert [canvas_module.frame_ms(hz) for hz in (60, 144, 240, 1000)] == [17, 7, 4, canvas_module.MIN_FRAME_MS]
    assert canvas_module.frame_ms(0) == canvas_module.frame_ms(None) == canvas_module.FRAME_MS  # screen says nothing
    canvas = child(tab, "drawCanvas")
    strokes = canvas_points(canvas, STROKES[any_char()])
    press_and_move(canvas, strokes[0][:3])
    assert canvas._emit_timer.isActive()
    assert canvas._emit_timer.interval() == canvas_module.frame_ms(canvas.screen().refreshRate())
    release(canvas, strokes[0][2])


def test_a_single_click_is_nothing_to_predict(qtbot, tab):
    canvas = child(tab, "drawCanvas")
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=canvas.square().center().toPoint())
    assert canvas.stroke_count() == 1
    assert candidates(tab) == [] and preview_image(tab) is None
    assert "nothing to predict" in child(tab, "predictionHint").text().lower()


def test_undo_removes_the_last_stroke(qtbot, tab):
    canvas = child(tab, "drawCanvas")
    char = max(STROKES, key=lambda c: len(STROKES[c]))
    assert len(STROKES[char]) >= 2, "tests/strokes.py needs a character with two strokes or more"
    draw(canvas, STROKES[char])
    n = canvas.stroke_count()
    assert n == len(STROKES[char])
    full = preview_image(tab)

    qtbot.mouseClick(child(tab, "undoButton"), Qt.MouseButton.LeftButton)
    assert canvas.stroke_count() == n - 1
    assert preview_image(tab) != full
    assert len(candidates(tab)) == 5


def test_clear_empties_canvas_preview_and_predictions(qtbot, tab):
    canvas = child(tab, "drawCanvas")
    draw(canvas, STROKES[any_char()])
    assert len(candidates(tab)) == 5

    qtbot.mouseClick(child(tab, "clearButton"), Qt.MouseButton.LeftButton)
    assert canvas.is_empty()
    assert preview_image(tab) is None
    assert candidates(tab) == [], "no prediction on an empty canvas"
    assert child(tab, "predictionHint").text() == "Draw a character"


def test_escape_clears_and_ctrl_z_undoes(qtbot, tab):
    canvas = child(tab, "drawCanvas")
    char = max(STROKES, key=lambda c: len(STROKES[c]))
    draw(canvas, STROKES[char])
    n = canvas.stroke_count()
    qtbot.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert canvas.stroke_count() == n - 1
    # The shortcuts belong to the whole tab: they still work once a button has taken the focus.
    undo_button = child(tab, "undoButton")
    undo_button.setFocus()
    qtbot.keyClick(undo_button, Qt.Key.Key_Escape)
    assert canvas.is_empty() and candidates(tab) == []


def test_clicking_a_candidate_copies_it(qtbot, tab):
    canvas = child(tab, "drawCanvas")
    draw(canvas, STROKES[any_char()])
    lst = child(tab, "predictionList")
    QGuiApplication.clipboard().clear()
    with qtbot.waitSignal(tab.state.classSelected) as selected:
        qtbot.mouseClick(lst.viewport(), Qt.MouseButton.LeftButton, pos=lst.visualItemRect(lst.item(1)).center())
    second = candidates(tab)[1]
    assert QGuiApplication.clipboard().text() == second
    assert second in child(tab, "copyMessage").text()
    assert selected.args == [by_char(second).index]


def test_model_change_reloads_the_predictor(qtbot, state, trained_run):
    tab = make_tab(qtbot, state, None)
    assert "No model" in child(tab, "modelStatus").text()
    canvas = child(tab, "drawCanvas")
    draw(canvas, STROKES[any_char()])
    assert candidates(tab) == [] and preview_image(tab) is not None

    state.set_model(ActiveModel("practice run", Path(trained_run) / "model.keras", Path(trained_run)))
    assert "Loading" in child(tab, "modelStatus").text()
    qtbot.waitUntil(lambda: not tab.is_loading(), timeout=LOAD_TIMEOUT_MS)
    assert child(tab, "modelStatus").text() == "Model: practice run"
    assert len(candidates(tab)) == 5, "the drawing is predicted as soon as the model is ready"


def test_a_broken_model_file_shows_an_error(qtbot, tab, tmp_path):
    broken = tmp_path / "broken.keras"
    broken.write_bytes(b"this is not a keras file")
    draw(child(tab, "drawCanvas"), STROKES[any_char()])
    tab.state.set_model(ActiveModel("broken", broken))
    qtbot.waitUntil(lambda: not tab.is_loading(), timeout=LOAD_TIMEOUT_MS)
    status = child(tab, "modelStatus")
    assert status.text().startswith("Could not load model “broken”")
    assert "broken.keras" in status.text()
    assert candidates(tab) == []
    assert preview_image(tab) is not None, "the drawing and its preview stay"


def test_resize_keeps_the_drawing(qtbot, state):
    tab = make_tab(qtbot, state, None)
    canvas = child(tab, "drawCanvas")
    draw(canvas, STROKES[any_char()])
    before = canvas.strokes()
    side = canvas.square().width()
    tab.resize(1200, 900)
    qtbot.waitUntil(lambda: canvas.square().width() != side, timeout=1000)
    ratio = canvas.square().width() / side
    after = canvas.strokes()
    assert [len(s) for s in after] == [len(s) for s in before]
    assert after[0][0][0] == pytest.approx(before[0][0][0] * ratio, abs=1e-6)


def test_tablet_pressure_is_recorded(qtbot, state):
    from PySide6.QtGui import QPointingDevice, QTabletEvent

    tab = make_tab(qtbot, state, None)
    canvas = child(tab, "drawCanvas")
    device = QPointingDevice.primaryPointingDevice()
    centre = canvas.square().center()
    for kind, dx, pressure in ((QTabletEvent.Type.TabletPress, 0, 0.2), (QTabletEvent.Type.TabletMove, 30, 0.9),
                               (QTabletEvent.Type.TabletRelease, 60, 0.5)):
        pos = QPointF(centre.x() + dx, centre.y())
        event = QTabletEvent(kind, device, pos, canvas.mapToGlobal(pos), pressure, 0, 0, 0, 0, 0,
                             Qt.KeyboardModifier.NoModifier, Qt.MouseButton.LeftButton, Qt.MouseButton.LeftButton)
        QGuiApplication.sendEvent(canvas, event)
        assert event.isAccepted(), "accepted, so Qt does not also send a synthesised mouse event"
    assert [round(p[2], 2) for p in canvas.strokes()[0]] == [0.2, 0.9, 0.5]


def test_starter_model_ranks_drawn_characters_in_its_top_5(qtbot, state):
    starter = starter_model_path()
    if not starter.is_file():
        pytest.skip(f"no starter model yet at {starter}")
    tab = make_tab(qtbot, state, ActiveModel("starter model", starter))
    assert child(tab, "modelStatus").text() == "Model: starter model"
    canvas = child(tab, "drawCanvas")
    misses = {}
    for char, strokes in STROKES.items():
        canvas.clear()
        draw(canvas, strokes)
        top = candidates(tab)
        if char not in top:
            misses[char] = top
    assert not misses, f"drawn character not in the starter model's top 5: {misses}"


def test_model_waits_for_the_start_up_import(qtbot, state, trained_run):
    """Before TensorFlow is imported in the background, the tab names the model but starts no import of its own."""
    state.model = ActiveModel("practice run", Path(trained_run) / "model.keras", Path(trained_run))
    tab = DrawTab(state)
    qtbot.addWidget(tab)
    assert not tab.is_loading() and state.running_tasks() == []
    assert "loads once TensorFlow is ready" in child(tab, "modelStatus").text()
    state.set_ml_ready()
    assert tab.is_loading()
    qtbot.waitUntil(lambda: not tab.is_loading(), timeout=LOAD_TIMEOUT_MS)
    assert child(tab, "modelStatus").text() == "Model: practice run"


def test_stroke_end_undo_and_clear_show_at_once_on_a_slow_machine(qtbot, tab, monkeypatch):
    """Slow updates thin out the live updates of a drag, never the result of releasing, undoing or clearing."""
    from k49desk.gui import draw_tab

    monkeypatch.setattr(draw_tab, "UPDATE_BUDGET_MS", 0.0)  # every update counts as slow and starts a cool-down
    canvas = child(tab, "drawCanvas")
    first = STROKES["い"]
    draw(canvas, first)
    after_first = (candidates(tab), preview_image(tab))
    assert tab._cooldown.isActive() and len(after_first[0]) == 5
    draw(canvas, STROKES["し"])  # one more stroke over the い
    assert not tab._pending and canvas.stroke_count() == len(first) + 1
    assert preview_image(tab) != after_first[1]
    QTest.keyClick(tab, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert preview_image(tab) == after_first[1] and candidates(tab) == after_first[0]
    qtbot.mouseClick(child(tab, "clearButton"), Qt.MouseButton.LeftButton)
    assert candidates(tab) == [] and preview_image(tab) is None


def test_a_model_that_is_unsure_says_so_next_to_the_candidates(qtbot, state, trained_run, tmp_path):
    """A real model file whose answers are all equally weak (its last layer's weights are zero): the Draw tab
    says the model is unsure beside the candidates; a confident model's answers do not."""
    import keras

    flat = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(),
                             keras.layers.Dense(49, activation="softmax", kernel_initializer="zeros")])
    flat.save(tmp_path / "unsure.keras")
    tab = make_tab(qtbot, state, ActiveModel("unsure", tmp_path / "unsure.keras"))
    canvas = child(tab, "drawCanvas")
    draw(canvas, STROKES["の"])
    qtbot.waitUntil(lambda: len(candidates(tab)) == 5, timeout=5000)
    note = child(tab, "unsureMessage")
    assert note.isVisible()
    assert "unsure" in note.text() and "2%" in note.text()  # 1/49 each

    QTest.keyClick(tab, Qt.Key.Key_Escape)
    tab.state.set_model(ActiveModel("starter", starter_model_path()))
    qtbot.waitUntil(lambda: not tab.is_loading(), timeout=LOAD_TIMEOUT_MS)
    draw(canvas, STROKES["の"])
    qtbot.waitUntil(lambda: len(candidates(tab)) == 5, timeout=5000)
    assert candidates(tab)[0] == "の"
    assert not note.isVisible()
