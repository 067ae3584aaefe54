"""The Draw tab's saliency overlay, toggled with a click: live while drawing, never holding up the strokes."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from k49desk import explain
from k49desk.gui.state import ActiveModel
from strokes import STROKES
from test_draw_tab import (any_char, candidates, canvas_points, child, draw, make_tab, press_and_move,  # noqa: F401
                           preview_image, release, state)


def red_pixels(image) -> int:
    return sum(1 for y in range(0, image.height(), 3) for x in range(0, image.width(), 3)
               if image.pixelColor(x, y).red() > image.pixelColor(x, y).blue() + 60)


def toggle(qtbot, tab) -> None:
    box = child(tab, "saliencyToggle")
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(4, box.height() // 2))


def test_the_overlay_follows_the_drawing_and_goes_with_a_click(qtbot, state, trained_run):
    tab = make_tab(qtbot, state, ActiveModel("practice run", Path(trained_run) / "model.keras", Path(trained_run)))
    canvas = child(tab, "drawCanvas")
    toggle(qtbot, tab)
    assert child(tab, "saliencyToggle").isChecked() and not tab.overlay_shown()
    strokes = STROKES[any_char()]
    draw(canvas, strokes[:1])
    qtbot.waitUntil(tab.overlay_shown, timeout=60_000)
    assert red_pixels(preview_image(tab)) > 0
    first = tab._saliency

    draw(canvas, strokes)
    qtbot.waitUntil(lambda: tab._saliency is not first and tab.overlay_shown(), timeout=30_000)

    toggle(qtbot, tab)
    assert not tab.overlay_shown() and red_pixels(preview_image(tab)) == 0
    QTest.keyClick(tab, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: preview_image(tab) is None)
    assert not tab.overlay_shown()


def test_a_slow_map_never_holds_up_the_strokes(qtbot, state, trained_run, monkeypatch):
    """With maps taking 300 ms each, candidates still follow every stroke, and the overlay arrives after them."""
    tab = make_tab(qtbot, state, ActiveModel("practice run", Path(trained_run) / "model.keras", Path(trained_run)))
    real = explain.Explainer.explain

    def slow(self, *args, **kwargs):
        time.sleep(0.3)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(explain.Explainer, "explain", slow)
    canvas = child(tab, "drawCanvas")
    toggle(qtbot, tab)
    points = canvas_points(canvas, STROKES[any_char()])
    seen = []
    for stroke in points:
        start = time.perf_counter()
        press_and_move(canvas, stroke)
        release(canvas, stroke[-1])
        qtbot.waitUntil(lambda: len(candidates(tab)) == 5, timeout=1000)
        seen.append((time.perf_counter() - start, tab.overlay_shown()))
    assert all(seconds < 0.3 for seconds, _ in seen[1:]), seen
    assert tab.saliency.is_busy()
    qtbot.waitUntil(tab.overlay_shown, timeout=30_000)
    qtbot.waitUntil(lambda: not tab.saliency.is_busy(), timeout=30_000)
