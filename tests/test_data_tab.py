"""Data tab driven as a person would: choose a folder, load it, look at it; download from a local mirror; practice set."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from k49desk import dataset
from k49desk.classes import NUM_CLASSES
from k49desk.dataset import OfficialFile
from k49desk.gui.fonts import register_qt_font
from k49desk.paths import hiragana_font_path

from http_mirror import serving, specs_of
from tiny_data import k49_files


def choose(monkeypatch, folder: Path) -> None:
    """Answer the next folder dialog with `folder`."""
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kwargs: str(folder))


def error_box(widget) -> QMessageBox | None:
    box = widget.findChild(QMessageBox, "errorMessage")
    return box if box is not None and box.isVisible() else None


def test_empty_folder_lists_five_missing_files(window):
    tab = window.data_tab
    table = tab.files_table
    assert [table.item(r, 0).text() for r in range(5)] == list(dataset.FILE_NAMES)
    assert all(table.item(r, 3).text() == "missing" for r in range(5))
    assert not tab.load_button.isEnabled()
    assert tab.download_button.isEnabled()


def test_choose_practice_set_load_and_look(qtbot, window, monkeypatch, practice_dir):
    tab = window.data_tab
    choose(monkeypatch, practice_dir)
    qtbot.mouseClick(tab.choose_button, Qt.MouseButton.LeftButton)
    assert tab.folder_edit.text() == str(practice_dir)
    assert str(practice_dir) in window.data_label.text()
    qtbot.waitUntil(lambda: not tab.checksums.busy, timeout=10_000)
    assert [tab.files_table.item(r, 3).text() for r in range(5)] == ["OK"] * 5

    qtbot.mouseClick(tab.load_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.state.data is not None, timeout=20_000)
    data = window.state.data
    assert data.practice
    assert tab.banner.isVisible() and "PRACTICE SET" in tab.banner.text()
    assert f"{len(data.y_train):,} training" in tab.summary_label.text()
    # Every class shows its samples (2x crisp pixels) under a hiragana caption.
    assert tab.sample_captions[0].text().startswith("あ")
    assert not tab.sample_images[48].pixmap().isNull()
    # The grid reflows to the width it is given: it scrolls down, never sideways, and keeps all 49 cells.
    scroll = tab.sample_scroll
    for width in (1280, 900):
        window.resize(width, 860)
        qtbot.waitUntil(lambda: tab.sample_grid.width() <= scroll.viewport().width(), timeout=2_000)
        assert not scroll.horizontalScrollBar().isVisible()
    assert len({tab.sample_grid.layout().getItemPosition(i)[:2] for i in range(49)}) == 49

    window.state.set_ml_ready()  # matplotlib only; TensorFlow is not needed for the chart
    qtbot.waitUntil(lambda: tab.chart is not None, timeout=10_000)
    train_axes, test_axes = tab.chart.figure.axes
    heights = [int(p.get_height()) for p in train_axes.patches]
    assert heights == data.train_counts().tolist()
    assert [int(p.get_height()) for p in test_axes.patches] == data.test_counts().tolist()
    assert [t.get_text() for t in test_axes.get_xticklabels()][:3] == ["あ", "い", "う"]


def test_create_practice_set_then_loads_it(qtbot, window, tmp_path):
    tab = window.data_tab
    out = tmp_path / "practice"
    tab.practice_options = dict(train_per_class=2, test_per_class=1, strokes_per_class=0, test_strokes_per_class=0,
                                fonts=[hiragana_font_path()])
    qtbot.mouseClick(tab.practice_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.practice_dialog is not None and tab.practice_dialog.isVisible(), timeout=5_000)
    tab.practice_dialog.folder_edit.setText(str(out))
    qtbot.mouseClick(tab.practice_dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.state.data is not None, timeout=60_000)
    assert window.state.data_dir == out
    assert window.state.data.practice and len(window.state.data.y_train) == 2 * NUM_CLASSES
    assert tab.banner.isVisible()


# Download from a local mirror ------------------------------------------------------------------------------


@pytest.fixture
def mirror():
    with serving(k49_files()) as server:
        yield server


def test_download_from_mirror_then_loads(qtbot, window, mirror):
    tab = window.data_tab
    tab.base_url, tab.download_files = mirror.url, specs_of(mirror.files)
    qtbot.mouseClick(tab.download_button, Qt.MouseButton.LeftButton)
    assert tab.cancel_button.isEnabled() and not tab.download_button.isEnabled()
    qtbot.waitUntil(lambda: window.state.data is not None, timeout=20_000)
    assert sorted(p.name for p in window.state.data_dir.iterdir()) == sorted(dataset.FILE_NAMES)
    assert len(window.state.data.y_test) == NUM_CLASSES and not window.state.data.practice
    assert not tab.banner.isVisible()


def test_download_cancel_leaves_no_file(qtbot, window, mirror):
    tab = window.data_tab
    big = np.random.default_rng(1).integers(0, 256, 2_000_000, dtype=np.uint8).tobytes()
    mirror.files[dataset.TRAIN_IMAGES] = big
    mirror.chunk_delay_s = 0.05
    tab.base_url, tab.download_files = mirror.url, specs_of(mirror.files)
    qtbot.mouseClick(tab.download_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "KB/s" in tab.status_label.text() or "MB/s" in tab.status_label.text(), timeout=10_000)
    assert "left" in tab.status_label.text() and tab.progress_bar.isVisible()
    qtbot.mouseClick(tab.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not tab.busy(), timeout=5_000)
    assert "cancelled" in tab.status_label.text()
    assert not (window.state.data_dir / dataset.TRAIN_IMAGES).exists()
    assert tab.download_button.isEnabled() and error_box(tab) is None


def test_download_checksum_error_shows_message(qtbot, window, mirror):
    tab = window.data_tab
    wrong = specs_of(mirror.files)
    wrong[dataset.TRAIN_LABELS] = OfficialFile(dataset.TRAIN_LABELS, len(mirror.files[dataset.TRAIN_LABELS]), "0" * 32)
    tab.base_url, tab.download_files = mirror.url, wrong
    qtbot.mouseClick(tab.download_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: error_box(tab) is not None, timeout=20_000)
    box = error_box(tab)
    assert dataset.TRAIN_LABELS in box.text() and "checksum" in box.text()
    assert "failed" in tab.status_label.text()
    assert not (window.state.data_dir / dataset.TRAIN_LABELS).exists()
    assert window.state.data is None
    box.accept()


def test_status_follows_the_folder_after_a_failed_load(qtbot, window, monkeypatch, tmp_path, practice_dir):
    import shutil

    tab = window.data_tab
    broken = shutil.copytree(practice_dir, tmp_path / "broken")
    np.savez(broken / dataset.TEST_LABELS, np.zeros(3, np.uint8))  # fewer labels than test images
    choose(monkeypatch, broken)
    qtbot.mouseClick(tab.choose_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not tab.checksums.busy, timeout=10_000)
    qtbot.mouseClick(tab.load_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: error_box(tab) is not None, timeout=20_000)
    error_box(tab).accept()
    assert tab.status_label.text() == "Load data failed."

    choose(monkeypatch, practice_dir)
    qtbot.mouseClick(tab.choose_button, Qt.MouseButton.LeftButton)
    assert "failed" not in tab.status_label.text()
    qtbot.mouseClick(tab.load_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.state.data is not None, timeout=20_000)
    assert tab.status_label.text() == f"Loaded practice set from {practice_dir}."


def test_loading_labels_that_miss_classes_warns_naming_them(qtbot, window, monkeypatch, tmp_path, practice_dir):
    import shutil

    tab = window.data_tab
    folder = shutil.copytree(practice_dir, tmp_path / "two-missing")
    labels = dataset.load_labels(practice_dir / dataset.TRAIN_LABELS)
    labels[np.isin(labels, [1, 2])] = 0
    np.savez(folder / dataset.TRAIN_LABELS, labels)
    for path, warned in ((practice_dir, False), (folder, True)):
        choose(monkeypatch, path)
        qtbot.mouseClick(tab.choose_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not tab.checksums.busy and tab.load_button.isEnabled(), timeout=10_000)
        qtbot.mouseClick(tab.load_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.state.data is not None and window.state.data.data_dir == path, timeout=20_000)
        assert tab.coverage_label.isVisible() == warned
    text = tab.coverage_label.text()
    assert text.startswith("Warning: the training labels cover 47 of 49 classes; missing 2: い (i), う (u)")
    assert register_qt_font() in tab.coverage_label.font().families()  # renders hiragana without Japanese fonts
