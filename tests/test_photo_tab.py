"""Photo tab: a picture is opened, a rectangle dragged around one character with the mouse, the candidates follow."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog

from gui_helpers import ml_ready
from photos import PhotoStyle, character_on_paper, page_of_characters
from strokes import STROKES

PAGE = ["の", "し", "あ"]


@pytest.fixture
def photo_tab(qtbot, window):
    ml_ready(qtbot, window)
    tab = window.findChild(object, "photoTab")
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.predictor.predictor is not None, timeout=60_000)
    return tab


def settled(qtbot, tab) -> None:
    qtbot.waitUntil(lambda: not tab.is_busy(), timeout=20_000)


def top_char(tab) -> str | None:
    rows = tab.candidates.list
    return rows.item(0).data(Qt.ItemDataRole.UserRole)[0].char if rows.count() and rows.isVisible() else None


def drag(view, start: tuple[float, float], end: tuple[float, float], steps: int = 8) -> None:
    """A real mouse drag between two points of the picture (picture pixels)."""
    a, b = view.to_widget(*start), view.to_widget(*end)
    QTest.mousePress(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a.toPoint())
    for i in range(1, steps + 1):
        t = i / steps
        QTest.mouseMove(view, QPoint(round(a.x() + (b.x() - a.x()) * t), round(a.y() + (b.y() - a.y()) * t)))
    QTest.mouseRelease(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b.toPoint())


def canvas_answer(tab, char: str) -> str:
    from k49desk.rasterize import rasterize_strokes

    return tab.predictor.predictor.top_k(rasterize_strokes(STROKES[char]), 1)[0][0].char


def test_a_page_is_refused_until_a_rectangle_picks_one_character(qtbot, photo_tab, tmp_path, monkeypatch):
    path = tmp_path / "page.png"
    Image.fromarray(page_of_characters([STROKES[c] for c in PAGE], PhotoStyle(size=(600, 200), noise=4.0))).save(path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    qtbot.mouseClick(photo_tab.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: photo_tab.crop.has_image(), timeout=10_000)
    settled(qtbot, photo_tab)
    assert "found more than one character" in photo_tab.candidates.hint.text().lower()
    assert top_char(photo_tab) is None

    drag(photo_tab.crop, (5, 5), (195, 195))  # around the first character
    settled(qtbot, photo_tab)
    assert photo_tab.crop.region()[2] <= 200
    assert top_char(photo_tab) == canvas_answer(photo_tab, PAGE[0])
    assert photo_tab.preview.pixmap() is not None and not photo_tab.preview.pixmap().isNull()

    drag(photo_tab.crop, (100, 100), (300, 100))  # inside the rectangle: moves it onto the second character
    settled(qtbot, photo_tab)
    left, _, right, _ = photo_tab.crop.region()
    assert 190 <= left and right <= 410
    assert top_char(photo_tab) == canvas_answer(photo_tab, PAGE[1])

    qtbot.mouseClick(photo_tab.whole_button, Qt.MouseButton.LeftButton)
    settled(qtbot, photo_tab)
    assert photo_tab.crop.covers_everything() and "found more than one character" in photo_tab.candidates.hint.text().lower()


def test_a_corner_drag_resizes_the_rectangle(qtbot, photo_tab):
    photo_tab.set_picture(np.full((200, 300), 230, np.float32), "a test picture")
    photo_tab.crop.set_region((50, 50, 150, 150))
    drag(photo_tab.crop, (150, 150), (250, 180))
    left, top, right, bottom = photo_tab.crop.region()
    assert (left, top) == (50, 50) and abs(right - 250) <= 2 and abs(bottom - 180) <= 2
    settled(qtbot, photo_tab)
    assert "no character found" in photo_tab.candidates.hint.text().lower()


def test_pasted_and_dropped_pictures_are_read(qtbot, photo_tab, tmp_path):
    from k49desk.gui.images import to_qimage

    picture = character_on_paper(STROKES["の"], PhotoStyle(noise=3.0))
    # setImage copies the picture; clipboard mime data made here would be owned twice (Qt and Python) at exit.
    QGuiApplication.clipboard().setImage(to_qimage(picture))
    photo_tab.paste_button.click()
    settled(qtbot, photo_tab)
    assert "the clipboard" in photo_tab.source_label.text()
    assert top_char(photo_tab) == canvas_answer(photo_tab, "の")

    path = tmp_path / "dropped.png"
    Image.fromarray(character_on_paper(STROKES["し"], PhotoStyle(noise=3.0))).save(path)
    urls = QMimeData()
    urls.setUrls([QUrl.fromLocalFile(str(path))])
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QDropEvent

    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, urls, Qt.MouseButton.NoButton,
                      Qt.KeyboardModifier.NoModifier)
    photo_tab.dropEvent(drop)
    qtbot.waitUntil(lambda: "dropped.png" in photo_tab.source_label.text() and "Opening" not in
                    photo_tab.source_label.text(), timeout=10_000)
    settled(qtbot, photo_tab)
    assert top_char(photo_tab) == canvas_answer(photo_tab, "し")
    QGuiApplication.clipboard().clear()


def test_a_weak_first_candidate_says_the_model_is_unsure(qtbot, photo_tab):
    from k49desk.classes import CLASSES

    photo_tab.candidates.show_top([(CLASSES[0], 0.31), (CLASSES[1], 0.2)], "")
    assert photo_tab.candidates.unsure.isVisibleTo(photo_tab)
    assert "unsure" in photo_tab.candidates.unsure.text() and "31%" in photo_tab.candidates.unsure.text()
    photo_tab.candidates.show_top([(CLASSES[0], 0.91)], "")
    assert not photo_tab.candidates.unsure.isVisibleTo(photo_tab)


def error_box(qtbot, tab) -> str:
    """The text of the message box the tab shows (the project's one style), closed after reading."""
    from PySide6.QtWidgets import QMessageBox

    qtbot.waitUntil(lambda: any(b.isVisible() for b in tab.findChildren(QMessageBox, "errorMessage")), timeout=10_000)
    (box,) = [b for b in tab.findChildren(QMessageBox, "errorMessage") if b.isVisible()]
    text = box.text()
    box.close()
    return text


def test_an_unreadable_file_is_named(qtbot, photo_tab, tmp_path):
    bad = tmp_path / "notes.png"
    bad.write_text("not a picture")
    photo_tab.open_file(bad)
    settled(qtbot, photo_tab)
    assert "notes.png: not a readable image" in error_box(qtbot, photo_tab)
    assert "Could not open notes.png" in photo_tab.source_label.text()


def test_a_huge_picture_or_a_folder_gets_a_readable_message(qtbot, photo_tab, tmp_path):
    from photos import huge_blank_png

    huge = tmp_path / "huge.png"
    huge_blank_png(huge, 30000, 30000)
    for path, expected in ((huge, "huge.png: picture too large (900 megapixels"), (tmp_path, "is a folder, not an image")):
        photo_tab.open_file(path)
        settled(qtbot, photo_tab)
        text = error_box(qtbot, photo_tab)
        assert expected in text and "Error" not in text and "unexpectedly" not in text, text


def test_a_phone_portrait_photo_is_shown_cropped_and_read_upright(qtbot, photo_tab, tmp_path):
    from photos import save_as_phone_portrait

    picture = character_on_paper(STROKES["し"], PhotoStyle(size=(300, 400), noise=3.0), seed=1)
    path = tmp_path / "phone.jpg"
    save_as_phone_portrait(picture, path)
    photo_tab.open_file(path)
    qtbot.waitUntil(lambda: photo_tab.crop.has_image(), timeout=10_000)
    settled(qtbot, photo_tab)
    assert photo_tab.crop.region() == (0, 0, 300, 400)  # the upright picture, as the model is given it
    shown = photo_tab.crop._image
    assert (shown.width(), shown.height()) == (300, 400)
    assert top_char(photo_tab) == "し" == canvas_answer(photo_tab, "し")
    drag(photo_tab.crop, (10, 10), (290, 390))
    settled(qtbot, photo_tab)
    assert top_char(photo_tab) == "し"
