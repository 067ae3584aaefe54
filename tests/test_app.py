"""The main window: tabs, fonts, status bar, menus and shortcuts, remembered settings, closing while training."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics, QRawFont
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from k49desk import dataset, runs
from k49desk.classes import CHARS
from k49desk.gui import app
from k49desk.gui.fonts import hiragana_font
from k49desk.gui.state import ActiveModel
from k49desk.paths import starter_model_path

from gui_helpers import ml_ready

TABS = [("Data", "dataTab"), ("Train", "trainTab"), ("Evaluate", "evaluateTab"), ("Confusions", "confusionsTab"),
        ("Draw", "drawTab"), ("Photo", "photoTab")]


def test_six_tabs_in_working_order(window):
    tabs = window.tabs
    assert tabs.objectName() == "mainTabs"
    assert [(tabs.tabText(i), tabs.widget(i).objectName()) for i in range(tabs.count())] == TABS
    assert window.findChild(type(window.data_tab), "dataTab") is window.data_tab


def test_hiragana_font_is_registered_and_covers_all_49(window):
    assert "IPAexGothic" in QFontDatabase.families()
    assert "IPAexGothic" in QApplication.font().families()
    font = hiragana_font(14)
    metrics = QFontMetrics(font)
    raw = QRawFont.fromFont(QFont(font.families()[-1]))  # the hiragana fallback behind the UI family
    assert font.families()[-1] == "IPAexGothic"
    for ch in CHARS:
        assert metrics.inFontUcs4(ord(ch)), ch
        assert raw.supportsCharacter(ch), ch
    # The captions a person reads in the Data tab use it.
    caption = window.data_tab.sample_captions[0]
    assert QFontMetrics(caption.font()).inFontUcs4(ord("あ"))


def qt_internal(widget, top) -> bool:
    """A part Qt builds inside a composite widget (a spin box's line edit, a scroll area's scroll bars, a combo
    box's popup list, a line edit's clear button): found through its owner, which has the name."""
    from PySide6.QtWidgets import QAbstractItemView, QAbstractSpinBox, QComboBox, QLineEdit, QTabWidget

    parent = widget.parent()
    if isinstance(parent, (QAbstractSpinBox, QComboBox, QLineEdit, QAbstractItemView, QTabWidget)):
        return True
    while parent is not None and parent is not top:
        if parent.objectName().startswith(("qt_scrollarea_hcontainer", "qt_scrollarea_vcontainer")) or isinstance(
                parent, QComboBox):
            return True
        parent = parent.parent()
    return False


def test_every_interactive_widget_has_an_object_name(window):
    from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QAbstractSlider, QAbstractSpinBox, QComboBox,
                                   QLineEdit, QSplitter, QTabWidget)

    unnamed = []
    for tab in (window.tabs.widget(i) for i in range(window.tabs.count())):
        for cls in (QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit, QAbstractItemView, QAbstractSlider,
                    QSplitter, QTabWidget):
            for w in tab.findChildren(cls):
                internal = qt_internal(w, tab)
                if not w.objectName() and not internal:
                    unnamed.append(f"{type(w).__name__} {getattr(w, 'text', lambda: '')()!r} in {tab.objectName()}")
    assert not unnamed


def test_show_tab_switches_tabs(window):
    window.show_tab(window.confusions_tab)
    assert window.tabs.currentWidget().objectName() == "confusionsTab"
    window.show_tab(window.draw_tab)
    assert window.tabs.currentWidget().objectName() == "drawTab"


def test_a_pair_opened_in_the_evaluate_tab_brings_the_confusions_tab_forward(window):
    window.show_tab(window.evaluate_tab)
    window.evaluate_tab.pairOpened.emit(1, 2)
    assert window.tabs.currentWidget() is window.confusions_tab


def test_status_bar_shows_data_folder_and_loading_and_the_picker_the_model(qtbot, window, tmp_path):
    assert str(tmp_path / "data") in window.data_label.text()
    assert window.loading_label.isVisible()
    window.state.set_model(ActiveModel("run-7", tmp_path / "m.keras", tmp_path))
    assert window.model_picker.combo.currentText() == "run-7"
    window.state.set_data_dir(tmp_path / "elsewhere")
    assert str(tmp_path / "elsewhere") in window.data_label.text()
    window.set_gpus([])
    window.state.set_ml_ready()
    assert not window.loading_label.isVisible()
    assert window.gpu_label.isVisible() and "CPU only" in window.gpu_label.text()


def test_starter_model_is_active_at_first(window):
    if starter_model_path().is_file():
        assert window.state.model.name == "starter model"
        assert window.model_picker.combo.currentText().startswith("Starter model")
    else:
        assert window.state.model is None and window.model_picker.combo.currentIndex() == -1


def test_window_size_and_last_tab_are_remembered(qtbot, tmp_path, isolated_settings):
    first = app.create_window(tmp_path / "data", tmp_path / "runs")
    qtbot.addWidget(first)
    first.show()
    first.resize(720, 580)  # inside the offscreen screen (800 x 600), above the window's minimum height
    first.show_tab(first.draw_tab)
    first.close()
    assert isolated_settings.is_file()

    second = app.create_window(tmp_path / "data", tmp_path / "runs")
    qtbot.addWidget(second)
    assert second.tabs.currentWidget().objectName() == "drawTab"
    assert (second.width(), second.height()) == (720, 580)


def test_ctrl_q_quits_and_f1_shows_about(qtbot, window, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: shown.append(text))
    QTest.keyClick(window, Qt.Key.Key_F1)
    assert shown and "Kuzushiji-49" in shown[0] and "CC BY-SA 4.0" in shown[0]
    QTest.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not window.isVisible()


def test_open_data_folder_menu(qtbot, window, monkeypatch, tmp_path):
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    window.open_data_action.trigger()
    assert window.state.data_dir == tmp_path
    assert window.data_tab.folder_edit.text() == str(tmp_path)


def test_open_run_menu_makes_its_model_active(qtbot, window, monkeypatch, trained_run):
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(trained_run))
    ml_ready(qtbot, window)
    window.open_run_action.trigger()
    run = runs.load_run(trained_run)
    assert window.state.model == ActiveModel(run.info.name, Path(run.model_path), Path(run.info.path))
    assert window.model_picker.combo.currentText().startswith(run.info.name)
    assert window.tabs.currentWidget() is window.train_tab
    assert window.train_tab.plots.points("val_accuracy") == len(run.history["val_accuracy"])


def test_open_run_menu_on_a_folder_that_is_no_run(qtbot, window, monkeypatch, tmp_path):
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    before = window.state.model
    window.open_run_action.trigger()
    box = window.train_tab.findChild(QMessageBox, "errorMessage")
    assert box is not None and box.isVisible() and str(tmp_path) in box.text()
    assert window.state.model == before
    box.accept()


def test_close_during_training_asks_then_stops_cleanly(qtbot, window, monkeypatch, practice_dir):
    ml_ready(qtbot, window)
    window.state.set_data(dataset.load(practice_dir))
    tab = window.train_tab
    tab.epochs_spin.setValue(50)
    tab.batch_spin.setValue(8)
    qtbot.mouseClick(tab.start_button, Qt.MouseButton.LeftButton)
    # One epoch completes (a run to keep), then the close comes in the middle of the next.
    qtbot.waitUntil(lambda: len(tab._history["val_accuracy"]) >= 1 and tab._last_batch.epoch >= 2, timeout=120_000)

    asked = []

    def answer(answer_with):
        def question(*args, **kwargs):
            asked.append(args[2])
            return answer_with
        return question

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.No))
    window.close()
    assert window.isVisible() and tab.is_training() and "training" in asked[0]

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    started_after_close = []
    window.state.tasksChanged.connect(lambda: started_after_close.extend(t.name for t in window.state.running_tasks()))
    began = time.monotonic()
    window.close()
    # No hang: the worker stopped at its next batch, well before the window would give up waiting on it.
    assert time.monotonic() - began < app.CLOSE_TIMEOUT_S
    assert not window.isVisible()
    assert window.state.running_tasks() == []
    (info,) = runs.list_runs(window.state.runs_dir)
    assert info.status == "stopped" and 1 <= info.epochs_done < 50
    # The stopped run's result arrives after the close began and offers its model; that must not start a model load
    # in the Draw tab that nothing waits for (its thread would abort the process at exit).
    qtbot.wait(500)
    assert window.state.offered_model.run_dir == info.path
    assert started_after_close == [] and window.state.running_tasks() == []


def test_close_during_fine_tuning_stops_it_and_ends_the_training_process(qtbot, window, monkeypatch, practice_dir,
                                                                         trained_run):
    """Fine-tuning runs in the training process: closing the window mid-way stops it there, keeps no half-tuned
    model active, and leaves no child process behind."""
    ml_ready(qtbot, window)
    data = dataset.load(practice_dir)
    window.state.set_data(data)
    model = ActiveModel("practice run", Path(trained_run) / "model.keras", Path(trained_run))
    window.state.set_model(model)
    teach = window.draw_tab.teach
    teach.store.add(data.x_train[:40], data.y_train[:40])
    window.show_tab(window.draw_tab)
    qtbot.waitUntil(lambda: teach.finetune_button.isEnabled(), timeout=120_000)
    qtbot.mouseClick(teach.finetune_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: teach.progress.maximum() > 0 and teach.progress.value() > 0, timeout=120_000)
    process = window.state.training_process
    child_pid = process.pid
    assert child_pid is not None

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    began = time.monotonic()
    window.close()
    assert time.monotonic() - began < app.CLOSE_TIMEOUT_S
    assert not window.isVisible() and window.state.running_tasks() == []
    assert process.pid is None, "the training process ended with the window"
    qtbot.wait(300)
    assert window.state.model == model, "a stopped fine-tuning does not replace the active model"
