"""Settings that stay: folders, splitters and language come back at the next start; a damaged file never stops it."""

from __future__ import annotations

import os

from PySide6.QtWidgets import QMessageBox, QSplitter

from k49desk.gui import app, i18n


def test_runs_folder_and_splitters_come_back(qtbot, tmp_path, isolated_settings, monkeypatch):
    monkeypatch.delenv("K49DESK_DATA", raising=False)
    monkeypatch.delenv("K49DESK_RUNS", raising=False)
    first = app.create_window(tmp_path / "data", tmp_path / "runs")
    qtbot.addWidget(first)
    first.show()
    first.resize(720, 520)
    first.show_tab(first.train_tab)
    splitter = first.findChild(QSplitter, "trainSplitter")
    splitter.setSizes([340, 380])
    sizes = splitter.sizes()
    first.close()

    second = app.create_window(tmp_path / "data")  # no runs folder given: the last session's
    qtbot.addWidget(second)
    assert second.state.runs_dir == tmp_path / "runs"
    second.show()
    # Where the divider was: the left pane's width (the right one takes whatever the window has left).
    assert second.findChild(QSplitter, "trainSplitter").sizes()[0] == sizes[0] != 520  # 520: the tab's own start
    # The environment still wins over the settings, as for the command line.
    monkeypatch.setenv("K49DESK_RUNS", str(tmp_path / "from-env"))
    third = app.create_window(tmp_path / "data")
    qtbot.addWidget(third)
    assert third.state.runs_dir == tmp_path / "from-env"


def test_a_damaged_settings_file_is_set_aside_with_a_message(qtbot, tmp_path, isolated_settings):
    garbage = os.urandom(2000) + b"\n[window\ngeometry=@ByteArray(\x00\x01"
    isolated_settings.write_bytes(garbage)
    window = app.create_window(tmp_path / "data", tmp_path / "runs")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "errorMessage") is not None)
    box = window.findChild(QMessageBox, "errorMessage")
    aside = isolated_settings.with_name(isolated_settings.name + ".damaged")
    assert str(isolated_settings) in box.text() and str(aside) in box.text()
    assert aside.read_bytes() == garbage  # kept for whoever wants to look at it
    assert window.tabs.currentWidget() is window.data_tab and window.width() > 0
    box.accept()
    window.close()
    # The next start reads what this one saved, with no message.
    again = app.create_window(tmp_path / "data", tmp_path / "runs")
    qtbot.addWidget(again)
    assert app.set_aside_damaged_settings() is None


def test_wrong_types_in_a_readable_file_are_ignored(qtbot, tmp_path, isolated_settings):
    isolated_settings.write_text("[window]\ngeometry=not a geometry\ntab=42\n[splitters]\nevaluateSplitter=7\n"
                                 "[ui]\nlanguage=ja_JP\n[folders]\ndata=\n", encoding="utf-8")
    window = app.create_window(None, tmp_path / "runs")
    qtbot.addWidget(window)
    assert app.set_aside_damaged_settings() is None
    assert window.tabs.currentWidget() is window.data_tab
    assert i18n.saved_language(app.app_settings()) is None
