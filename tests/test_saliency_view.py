"""The saliency view: an image with its heat overlay, for the top candidate, a chosen class, or one and not another."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from k49desk import dataset, evaluation
from k49desk.classes import by_char
from k49desk.gui.saliency_view import SaliencyView
from k49desk.gui.state import AppState


def pick(qtbot, combo, index: int) -> None:
    """Open a combo box with a click and click the row `index` in its popup, as a person does."""
    qtbot.mouseClick(combo, Qt.MouseButton.LeftButton)
    view = combo.view()
    qtbot.waitUntil(view.isVisible)
    view.scrollTo(view.model().index(index, 0))
    qtbot.wait(QApplication.doubleClickInterval() + 50)  # the popup ignores a release this soon after it opened
    rect = view.visualRect(view.model().index(index, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: combo.currentIndex() == index)


@pytest.fixture
def state(tmp_path):
    s = AppState(tmp_path / "data", tmp_path / "runs")
    yield s
    s.cancel_all_and_wait(10)


@pytest.fixture(scope="module")
def model(trained_run):
    return evaluation.load_model(trained_run / "model.keras")


@pytest.fixture(scope="module")
def image(practice_dir):
    return dataset.load(practice_dir).x_test[3]


def red_share(view) -> float:
    """Share of the shown picture's pixels that are clearly red (the warm end of the overlay)."""
    qimage = view.picture.pixmap().toImage()
    reds = sum(1 for y in range(0, qimage.height(), 4) for x in range(0, qimage.width(), 4)
               if qimage.pixelColor(x, y).red() > qimage.pixelColor(x, y).blue() + 60)
    return reds / ((qimage.height() // 4) * (qimage.width() // 4))


def test_the_overlay_follows_the_chosen_classes(qtbot, state, model, image):
    view = SaliencyView(state)
    qtbot.addWidget(view)
    view.show()
    shown = []
    view.saliencyShown.connect(shown.append)
    view.set_model(model)
    view.set_image(image)
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=30_000)
    assert shown[0].versus is None and shown[0].target == int(np.argmax(shown[0].probabilities))
    assert "The model reads" in view.caption.text() and f"why {shown[0].description[4:]}" in view.caption.text()
    assert red_share(view) > 0.02

    nu, fu = by_char("ぬ").index, by_char("ふ").index
    pick(qtbot, view.target_picker, nu + 1)
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=30_000)
    pick(qtbot, view.versus_picker, fu + 1)
    qtbot.waitUntil(lambda: len(shown) == 3, timeout=30_000)
    assert (shown[2].target, shown[2].versus) == (nu, fu)
    assert "why ぬ and not ふ" in view.caption.text()

    qtbot.mouseClick(view.overlay_toggle, Qt.MouseButton.LeftButton, pos=QPoint(4, view.overlay_toggle.height() // 2))
    assert not view.overlay_toggle.isChecked() and red_share(view) == 0


def test_a_blank_image_shows_a_message(qtbot, state, model):
    view = SaliencyView(state)
    qtbot.addWidget(view)
    view.set_model(model)
    view.set_image(np.zeros((28, 28), np.uint8))
    qtbot.waitUntil(lambda: "blank" in view.caption.text(), timeout=30_000)
    assert view.saliency is None


def test_without_a_model_it_says_so(qtbot, state, image):
    view = SaliencyView(state)
    qtbot.addWidget(view)
    view.set_image(image)
    assert view.caption.text() == "No model to explain with" and not state.running_tasks()
