"""File > Export model… in the window: the active model written in a worker, checked, and the result shown."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QLabel

from k49desk.gui.state import ActiveModel


def open_dialog(qtbot, window) -> QDialog:
    QTest.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.findChild(QDialog, "exportDialog") is not None)
    dialog = window.findChild(QDialog, "exportDialog")
    qtbot.waitUntil(dialog.isVisible)
    return dialog


@pytest.mark.slow
def test_export_from_the_file_menu_writes_a_checked_file(qtbot, window, trained_run, tmp_path):
    window.state.set_model(ActiveModel("practice run", Path(trained_run) / "model.keras", Path(trained_run)))
    dialog = open_dialog(qtbot, window)
    assert dialog.findChild(QLabel, "exportModel").text() == "practice run"
    assert dialog.path_edit.text().endswith("practice-seed-cnn-export.tflite")
    out = tmp_path / "phone.tflite"
    dialog.path_edit.clear()
    qtbot.keyClicks(dialog.path_edit, str(out))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert not dialog.export_button.isEnabled() and "Exporting" in dialog.status.text()
    qtbot.waitUntil(lambda: not dialog.is_exporting(), timeout=120_000)
    assert re.search(r"top-1 agrees with the \.keras model on 6[34]/64", dialog.status.text()) and out.is_file()

    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.is_exporting(), timeout=60_000)
    assert dialog.status.text().startswith("Export failed:") and "already exists" in dialog.status.text()


def test_without_a_model_export_is_not_offered(qtbot, window):
    window.state.set_model(None)
    dialog = open_dialog(qtbot, window)
    assert not dialog.export_button.isEnabled() and "No model is active" in dialog.status.text()
