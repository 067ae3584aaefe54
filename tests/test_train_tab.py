"""The Train tab driven through its widgets: Start/Stop, live curves and progress, the runs table, reopening runs."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
from dataclasses import asdict
from functools import partial
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from k49desk import models, runs, training
from k49desk.gui import app
from k49desk.gui.state import ActiveModel

import train_child_hooks
from gui_helpers import ml_ready

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def window(window, monkeypatch):
    # pytest-qt closes the window before fixtures are torn down: a test failing mid-training must not leave the
    # close waiting on the modal "Stop and quit?" question.
    monkeypatch.setattr(app.MainWindow, "confirm_close", lambda self, tasks: True)
    return window


@pytest.fixture
def tab(window):
    window.show_tab(window.train_tab)
    return window.train_tab


class ChildControl:
    """Tells the training child process to hold, fail or die right after it reports batch (epoch, batch).

    On two shared cores the GUI thread may see a whole epoch's events at once; holding the child makes
    "Stop in the middle of epoch 2" land exactly there instead of wherever the race puts it.
    """

    def __init__(self, tab, folder: Path):
        assert tab.training_process.pid is None, "the child must start after the hook is in place"
        self.file = folder / "child-control"
        tab.training_process.initializer = partial(train_child_hooks.obey, self.file)

    def order(self, action: str, epoch: int, batch: int) -> None:
        """action: hold (until Stop) or raise (an unexpected error); the child reads it at each Start."""
        self.file.write_text(f"{action} {epoch} {batch}")

    def clear(self) -> None:
        self.file.unlink(missing_ok=True)


@pytest.fixture
def child(tab, tmp_path) -> ChildControl:
    return ChildControl(tab, tmp_path)


def load_with_data_tab(qtbot, window, data_dir: Path) -> None:
    """Point the Data tab at a folder and press Load, as a person would."""
    window.state.set_data_dir(data_dir)
    data_tab = window.data_tab
    qtbot.waitUntil(data_tab.load_button.isEnabled)
    qtbot.mouseClick(data_tab.load_button, LEFT)
    qtbot.waitUntil(lambda: window.state.data is not None, timeout=30_000)


def ready(qtbot, window, practice_dir: Path) -> None:
    """TensorFlow imported and the practice set loaded through the Data tab: Start can be pressed."""
    ml_ready(qtbot, window)
    load_with_data_tab(qtbot, window, practice_dir)


def train(qtbot, tab, epochs: int, batch_size: int) -> None:
    tab.epochs_spin.setValue(epochs)
    tab.batch_spin.setValue(batch_size)
    qtbot.mouseClick(tab.start_button, LEFT)
    assert tab.is_training()


def wait_done(qtbot, tab, timeout: int = 60_000) -> None:
    qtbot.waitUntil(lambda: not tab.is_training(), timeout=timeout)


def settings_enabled(tab) -> bool:
    return all(w.isEnabled() for w in tab.settings_widgets)


def active_run(info) -> ActiveModel:
    return ActiveModel(info.name, Path(info.path) / runs.MODEL_FILE, Path(info.path))


def error_box(tab) -> QMessageBox:
    """The one error box on show (an accepted one lingers until its deferred delete)."""
    (box,) = [b for b in tab.findChildren(QMessageBox, "errorMessage") if b.isVisible()]
    return box


def test_start_waits_for_tensorflow_and_data_and_form_shows_the_defaults(qtbot, window, tab, practice_dir):
    defaults = training.TrainSettings()
    assert tab.settings() == defaults
    assert tab.arch_combo.currentData() == "seed-cnn"
    assert tab.lr_spin.value() == pytest.approx(defaults.learning_rate)
    assert tab.val_spin.value() == pytest.approx(0.3)
    assert (tab.epochs_spin.value(), tab.batch_spin.value(), tab.seed_spin.value()) == (
        defaults.epochs, defaults.batch_size, defaults.seed)

    assert not tab.start_button.isEnabled() and not tab.stop_button.isEnabled()
    assert "TensorFlow" in tab.hint_label.text()
    load_with_data_tab(qtbot, window, practice_dir)
    assert not tab.start_button.isEnabled(), "data alone is not enough: TensorFlow is still loading"

    ml_ready(qtbot, window)
    assert tab.start_button.isEnabled()
    assert "practice set" in tab.hint_label.text()

    window.state.set_data(None)
    assert not tab.start_button.isEnabled()
    assert "Load data" in tab.hint_label.text()


def choose_preset(tab, arch: str) -> None:
    tab.arch_combo.setCurrentIndex(tab.arch_combo.findData(arch))


@pytest.mark.slow
def test_each_preset_fills_the_form_with_its_recipe_and_its_run_trains_with_it(qtbot, window, tab, practice_dir):
    """The recipe as the command line resolves it (TrainSettings.for_arch), in the form and in the run it writes;
    only the epochs are changed (to 1, to keep the test short)."""
    ready(qtbot, window, practice_dir)
    for arch, spec in models.ARCHITECTURES.items():
        choose_preset(tab, arch)
        recipe = training.TrainSettings.for_arch(arch)
        assert tab.settings() == recipe, arch
        assert (tab.epochs_spin.value(), tab.batch_spin.value()) == (spec.recipe.epochs, spec.recipe.batch_size)
        assert tab.lr_spin.value() == pytest.approx(spec.recipe.learning_rate)
        assert spec.recipe.describe() in tab.recipe_note.text() and "changed" not in tab.recipe_note.text()
        assert not tab.recipe_button.isEnabled(), "the form shows the recipe already"

        tab.epochs_spin.setValue(1)
        assert tab.recipe_button.isEnabled() and "changed" in tab.recipe_note.text()
        qtbot.mouseClick(tab.start_button, LEFT)
        wait_done(qtbot, tab, timeout=300_000)
        run = runs.load_run(window.state.offered_model.run_dir)  # offered, not made active
        assert (run.info.arch, run.info.status, run.info.epochs_planned) == (arch, "completed", 1)
        assert run.info.recipe == json.loads(json.dumps(asdict(spec.recipe)))
        assert run.info.sizes["batch_per_device"] == spec.recipe.batch_size
        assert run.settings == {**recipe.to_dict(), "epochs": 1}

    qtbot.mouseClick(tab.recipe_button, LEFT)
    assert tab.settings() == training.TrainSettings.for_arch(tab.arch_combo.currentData())


def test_the_form_keeps_each_presets_values_across_launches_until_recipe_defaults(qtbot, window, tab):
    choose_preset(tab, "resnet-small")
    tab.epochs_spin.setValue(7)
    tab.lr_spin.setValue(0.002)
    choose_preset(tab, "preact-resnet-mid")
    assert tab.settings() == training.TrainSettings.for_arch("preact-resnet-mid")

    def launch():
        again = app.create_window(window.state.data_dir, window.state.runs_dir)
        qtbot.addWidget(again)
        return again.train_tab

    second = launch()
    assert second.settings() == training.TrainSettings.for_arch("preact-resnet-mid"), "the last preset chosen"
    choose_preset(second, "resnet-small")
    assert second.settings() == training.TrainSettings.for_arch("resnet-small", epochs=7, learning_rate=0.002)
    assert "changed" in second.recipe_note.text()
    qtbot.mouseClick(second.recipe_button, LEFT)
    assert second.settings() == training.TrainSettings.for_arch("resnet-small")
    assert not second.recipe_button.isEnabled()

    third = launch()
    choose_preset(third, "resnet-small")
    assert third.settings() == training.TrainSettings.for_arch("resnet-small"), "Recipe defaults is kept too"


def test_one_epoch_fills_curves_progress_log_runs_table_and_offers_the_model(qtbot, window, tab, practice_dir):
    ready(qtbot, window, practice_dir)
    before = window.state.model
    assert tab.runs_table.rowCount() == 0

    train(qtbot, tab, epochs=1, batch_size=32)
    assert not tab.start_button.isEnabled() and tab.stop_button.isEnabled()
    assert not any(w.isEnabled() for w in tab.settings_widgets), "settings are locked while training"
    qtbot.waitUntil(lambda: tab.plots.points("batch_loss") > 0, timeout=60_000)
    wait_done(qtbot, tab)

    assert tab.plots.points("batch_loss") > 0 and tab.plots.points("batch_accuracy") > 0
    assert tab.plots.points("val_accuracy") == 1 and tab.plots.points("loss") == 1
    assert tab.progress_bar.value() == tab.progress_bar.maximum()
    log = tab.log.toPlainText()
    assert "Epoch 1/1" in log and "Finished" in log

    (info,) = runs.list_runs(window.state.runs_dir)
    assert info.status == "completed" and info.epochs_done == 1 and info.practice
    assert tab.runs_table.rowCount() == 1
    assert tab.runs_table.item(0, 0).text() == info.name
    assert tab.runs_table.item(0, 5).text() == "practice"
    assert window.state.model == before, "a new run does not silently replace the model in use"
    assert window.state.offered_model == active_run(info) and window.model_notice.isVisible()
    qtbot.mouseClick(window.model_notice.use_button, LEFT)
    assert window.state.model == active_run(info)
    assert window.model_picker.combo.currentText().startswith(info.name)
    assert tab.start_button.isEnabled() and not tab.stop_button.isEnabled() and settings_enabled(tab)


def test_stop_mid_epoch_keeps_completed_epochs_then_start_again_makes_a_second_run(qtbot, window, tab, practice_dir,
                                                                                 child):
    ready(qtbot, window, practice_dir)
    child.order("hold", 2, 3)
    train(qtbot, tab, epochs=5, batch_size=8)
    qtbot.waitUntil(lambda: len(tab._history["val_accuracy"]) == 1 and tab._last_batch.epoch >= 2, timeout=60_000)
    # The plots and the progress bar catch up on their next coalesced redraw.
    qtbot.waitUntil(lambda: tab.plots.points("val_accuracy") == 1, timeout=5_000)
    qtbot.waitUntil(lambda: tab.progress_bar.text().startswith("epoch 2/5"), timeout=5_000)
    assert 0 < tab.progress_bar.value() < tab.progress_bar.maximum() // 2
    assert "Epoch 1/5" in tab.log.toPlainText()

    qtbot.mouseClick(tab.stop_button, LEFT)
    assert not tab.stop_button.isEnabled(), "one Stop is enough"
    tab._dirty = True
    tab._redraw()  # batch events still arriving must not hide that a stop is on its way
    assert tab.progress_label.text() == "Stopping after this batch…"
    wait_done(qtbot, tab, timeout=5_000)

    (stopped,) = runs.list_runs(window.state.runs_dir)
    assert stopped.status == "stopped" and stopped.epochs_done == 1 and stopped.epochs_planned == 5
    assert len(runs.load_run(stopped.path).history["val_accuracy"]) == 1
    assert window.state.offered_model == active_run(stopped)
    assert "Stopped" in tab.progress_label.text()
    assert "stopped" in tab.runs_table.item(0, 3).text()
    assert settings_enabled(tab) and tab.start_button.isEnabled() and not tab.stop_button.isEnabled()
    assert not [p for p in window.state.runs_dir.iterdir() if p.name.startswith(".")]

    child.clear()
    train(qtbot, tab, epochs=1, batch_size=32)
    wait_done(qtbot, tab)
    listed = runs.list_runs(window.state.runs_dir)
    assert len(listed) == 2 and stopped.path in {i.path for i in listed}
    (second,) = [i for i in listed if i.path != stopped.path]
    assert second.status == "completed" and second.epochs_done == 1
    assert tab.runs_table.rowCount() == 2
    assert {tab.runs_table.item(r, 0).text() for r in range(2)} == {stopped.name, second.name}
    assert window.state.offered_model == active_run(second)


def test_stop_in_the_first_epoch_writes_no_run(qtbot, window, tab, practice_dir, child):
    ready(qtbot, window, practice_dir)
    before = window.state.model
    child.order("hold", 1, 1)
    train(qtbot, tab, epochs=1, batch_size=8)
    clicked = []

    def stop_on_the_first_batch(event):
        # Pressed as soon as the first batch is reported, before the plots' next redraw takes it in.
        if isinstance(event, training.BatchProgress) and not clicked:
            clicked.append(event)
            qtbot.mouseClick(tab.stop_button, LEFT)

    tab.run_slot.task.progress.connect(stop_on_the_first_batch)
    qtbot.waitUntil(lambda: bool(clicked), timeout=60_000)
    wait_done(qtbot, tab, timeout=5_000)

    runs_dir = window.state.runs_dir
    assert not runs_dir.exists() or list(runs_dir.iterdir()) == [], "no run folder, no hidden .partial folder"
    assert runs.list_runs(runs_dir) == []
    assert "no run written" in tab.progress_label.text()
    assert "nothing was kept" in tab.log.toPlainText()
    assert window.state.model == before
    assert tab.runs_table.rowCount() == 0
    assert settings_enabled(tab) and tab.start_button.isEnabled()
    assert not tab.findChildren(QMessageBox, "errorMessage"), "a stop is not an error"


def no_hidden_folders(runs_dir: Path) -> bool:
    return not runs_dir.exists() or not [p for p in runs_dir.iterdir() if p.name.startswith(".")]


def test_the_training_process_stays_warm_and_survives_its_crashes(qtbot, window, tab, practice_dir, child):
    ready(qtbot, window, practice_dir)
    qtbot.waitUntil(lambda: tab.training_process.pid is not None, timeout=10_000)  # started before any Start
    warm = tab.training_process.pid
    runs_dir = window.state.runs_dir

    # Killed from outside mid-run, as an out-of-memory killer or a segfault would.
    child.order("hold", 1, 2)
    train(qtbot, tab, epochs=2, batch_size=8)
    qtbot.waitUntil(lambda: tab._last_batch is not None and tab._last_batch.batch == 2, timeout=120_000)
    assert tab.training_process.pid == warm, "the run went to the warm process"
    os.kill(warm, signal.SIGKILL)
    wait_done(qtbot, tab, timeout=20_000)
    box = error_box(tab)
    assert "ended unexpectedly" in box.text() and "SIGKILL" in box.text()
    box.accept()
    assert tab.progress_label.text() == "Training failed." and "Training failed" in tab.log.toPlainText()
    assert window.isVisible() and tab.start_button.isEnabled() and settings_enabled(tab)
    assert runs.list_runs(runs_dir) == [] and no_hidden_folders(runs_dir), "no half-written run is left"

    # The next Start brings up a fresh process; an exception there is reported the same way.
    child.order("raise", 1, 1)
    train(qtbot, tab, epochs=1, batch_size=8)
    wait_done(qtbot, tab, timeout=120_000)
    box = error_box(tab)
    assert "RuntimeError: test hook: failing on purpose" in box.text()
    box.accept()
    fresh = tab.training_process.pid
    assert fresh not in (None, warm) and runs.list_runs(runs_dir) == [] and no_hidden_folders(runs_dir)

    # That process lived through the exception: it trains the next run.
    child.clear()
    train(qtbot, tab, epochs=1, batch_size=32)
    wait_done(qtbot, tab)
    (info,) = runs.list_runs(runs_dir)
    assert info.status == "completed" and tab.runs_table.rowCount() == 1
    assert window.state.offered_model == active_run(info)
    assert tab.training_process.pid == fresh


def test_closing_the_window_mid_run_keeps_the_completed_epochs_and_ends_the_process(qtbot, window, tab, practice_dir,
                                                                                   child):
    ready(qtbot, window, practice_dir)
    child.order("hold", 2, 1)
    train(qtbot, tab, epochs=3, batch_size=8)
    qtbot.waitUntil(lambda: len(tab._history["val_accuracy"]) == 1 and tab._last_batch.epoch == 2, timeout=120_000)
    pid = tab.training_process.pid
    assert pid is not None

    window.close()  # the "Stop and quit?" question is answered Yes by the window fixture
    assert not window.isVisible()
    assert multiprocessing.active_children() == []
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    (info,) = runs.list_runs(window.state.runs_dir)
    assert info.status == "stopped" and info.epochs_done == 1
    assert no_hidden_folders(window.state.runs_dir)


def test_before_start_the_tab_shows_the_precision_automatic_picks_the_devices_and_the_time_per_epoch(
        qtbot, window, tab, practice_dir):
    ready(qtbot, window, practice_dir)
    assert tab.settings().precision == "auto" and tab.precision_combo.currentText() == "automatic"
    qtbot.waitUntil(lambda: tab.precision_note.text().startswith("Automatic precision here:"), timeout=120_000)
    auto = training.choose_precision("auto")
    assert auto.reason in tab.precision_note.text()
    devices = training.describe_devices()
    assert tab.device_label.text().startswith(devices[:1].upper() + devices[1:] + ". Training uses one machine")
    assert tab.precision_note.text() == f"Automatic precision here: {auto.reason}", "the window words it as the CLI"
    assert "several machines are not supported with Keras 3 (keras-team/keras#20585)" in tab.device_label.text()
    qtbot.waitUntil(lambda: "Time per epoch here" in tab.estimate_label.text(), timeout=120_000)
    assert "batches of 256" in tab.estimate_label.toolTip() and "for 8 epoch(s)" in tab.estimate_label.text()
    assert "validation images" in tab.estimate_label.toolTip()

    # Another batch size: measured again (in the training process), the label follows.
    tab.batch_spin.setValue(64)
    qtbot.waitUntil(lambda: "measuring" in tab.estimate_label.text(), timeout=5_000)
    qtbot.waitUntil(lambda: "batches of 64" in tab.estimate_label.toolTip(), timeout=120_000)
    tab.epochs_spin.setValue(3)
    assert "for 3 epoch(s)" in tab.estimate_label.text(), "the total follows the epochs without a new measurement"
    tab.batch_spin.setValue(256)  # measured before: shown again at once
    qtbot.waitUntil(lambda: "batches of 256" in tab.estimate_label.toolTip(), timeout=2_000)
    assert not tab._estimating.busy and "for 3 epoch(s)" in tab.estimate_label.text()

    # A precision chosen by hand is what the run uses and records.
    tab.precision_combo.setCurrentIndex(tab.precision_combo.findData("float32"))
    assert tab.settings().precision == "float32"
    train(qtbot, tab, epochs=1, batch_size=64)
    wait_done(qtbot, tab)
    (info,) = runs.list_runs(window.state.runs_dir)
    assert info.precision == "float32" and info.devices
    assert "precision float32 (float32, as requested)" in tab.log.toPlainText()
    assert tab.device_label.text() == f"Training on {', '.join(info.devices)}"


def test_continue_a_crashed_then_a_stopped_run_in_place_with_its_curves(qtbot, window, tab, practice_dir, child):
    ready(qtbot, window, practice_dir)
    runs_dir = window.state.runs_dir

    # The training process is killed in epoch 2: epoch 1 was checkpointed, so the run is kept as crashed.
    child.order("hold", 2, 1)
    train(qtbot, tab, epochs=3, batch_size=16)
    qtbot.waitUntil(lambda: len(tab._history["val_accuracy"]) == 1 and tab._last_batch.epoch == 2, timeout=120_000)
    os.kill(tab.training_process.pid, signal.SIGKILL)
    wait_done(qtbot, tab, timeout=20_000)
    box = error_box(tab)
    assert "1 completed epoch(s) as a crashed run, which Continue resumes" in box.text()
    box.accept()
    qtbot.waitUntil(lambda: tab.runs_table.rowCount() == 1, timeout=5_000)
    (crashed,) = runs.list_runs(runs_dir)
    assert crashed.status == "crashed" and crashed.epochs_done == 1 and no_hidden_folders(runs_dir)
    assert "crashed" in tab.runs_table.item(0, 3).text()

    # Continue: epoch 2 runs to its end, Stop in epoch 3.
    child.order("hold", 3, 1)
    tab.runs_table.selectRow(0)
    assert tab.continue_button.isEnabled()
    qtbot.mouseClick(tab.continue_button, LEFT)
    assert tab.is_training() and not tab.continue_button.isEnabled()
    assert tab.plots.points("val_accuracy") == 1, "the curves go on from the run's history"
    qtbot.waitUntil(lambda: len(tab._history["val_accuracy"]) == 2 and tab._last_batch.epoch == 3, timeout=120_000)
    qtbot.mouseClick(tab.stop_button, LEFT)
    wait_done(qtbot, tab, timeout=20_000)
    (stopped,) = runs.list_runs(runs_dir)
    assert stopped.path == crashed.path and stopped.status == "stopped" and stopped.epochs_done == 2
    assert len(runs.load_run(stopped.path).history["val_accuracy"]) == 2, "the history grew by one row"
    assert "Continuing run" in tab.log.toPlainText()

    # Continue again: to the planned 3 epochs.
    child.clear()
    tab.runs_table.selectRow(0)
    qtbot.mouseClick(tab.continue_button, LEFT)
    wait_done(qtbot, tab)
    (done,) = runs.list_runs(runs_dir)
    run = runs.load_run(done.path)
    assert done.path == crashed.path and done.status == "completed" and done.epochs_done == 3
    assert len(run.history["val_accuracy"]) == 3 and len(run.info.resumed) == 2
    assert tab.plots.points("val_accuracy") == 3 and tab.runs_table.rowCount() == 1
    assert window.state.offered_model == active_run(done)
    tab.runs_table.selectRow(0)
    assert not tab.continue_button.isEnabled(), "a completed run has nothing to continue"


def copy_run(source: Path, runs_dir: Path, name: str, epochs: int) -> Path:
    """A copy of a real run folder whose history (and run.json) claims `epochs` epochs."""
    folder = runs_dir / name
    shutil.copytree(source, folder)
    history = json.loads((folder / runs.HISTORY_JSON).read_text(encoding="utf-8"))
    history = {k: [v[0] + 0.01 * i for i in range(epochs)] for k, v in history.items()}
    (folder / runs.HISTORY_JSON).write_text(json.dumps(history), encoding="utf-8")
    meta = json.loads((folder / runs.RUN_FILE).read_text(encoding="utf-8"))
    meta.update(epochs_done=epochs, epochs_planned=epochs)
    (folder / runs.RUN_FILE).write_text(json.dumps(meta), encoding="utf-8")
    return folder


def select_run(qtbot, tab, name: str) -> None:
    (row,) = [r for r in range(tab.runs_table.rowCount()) if tab.runs_table.item(r, 0).text() == name]
    tab.runs_table.selectRow(row)
    assert tab.open_run_button.isEnabled()
    qtbot.mouseClick(tab.open_run_button, LEFT)


def test_reopen_runs_from_the_table(qtbot, window, tab, trained_run):
    runs_dir = window.state.runs_dir
    runs_dir.mkdir(parents=True)
    one = copy_run(trained_run, runs_dir, "run-one", 1)
    three = copy_run(trained_run, runs_dir, "run-three", 3)
    ml_ready(qtbot, window)
    qtbot.mouseClick(tab.refresh_runs_button, LEFT)
    assert tab.runs_table.rowCount() == 2
    assert not tab.open_run_button.isEnabled(), "nothing selected yet"

    select_run(qtbot, tab, "run-three")
    assert window.state.model == ActiveModel("run-three", three / runs.MODEL_FILE, three)
    for key in ("val_accuracy", "accuracy", "loss", "val_loss"):
        assert tab.plots.points(key) == 3, key
    assert list(tab.plots.lines["val_accuracy"].get_ydata()) == pytest.approx(
        runs.load_run(three).history["val_accuracy"])
    assert tab.plots.points("batch_loss") == 0, "an opened run has no per-batch curve"
    assert "run-three" in tab.progress_label.text()

    select_run(qtbot, tab, "run-one")
    assert window.state.model == ActiveModel("run-one", one / runs.MODEL_FILE, one)
    assert tab.plots.points("val_accuracy") == 1

    # Opened another way (File > Open run…): its row is selected, so the table shows which run is on show.
    tab.runs_table.clearSelection()
    assert tab.open_run(three)
    (selected,) = tab.runs_table.selectionModel().selectedRows()
    assert tab.runs_table.item(selected.row(), 0).text() == "run-three"


def test_opening_something_that_is_no_run_shows_an_error_and_changes_nothing(qtbot, window, tab, trained_run,
                                                                          tmp_path):
    runs_dir = window.state.runs_dir
    runs_dir.mkdir(parents=True)
    good = copy_run(trained_run, runs_dir, "good", 3)
    broken = copy_run(trained_run, runs_dir, "broken", 1)
    ml_ready(qtbot, window)
    tab.refresh_runs()
    select_run(qtbot, tab, "good")
    before_model, before_points = window.state.model, tab.plots.points("val_accuracy")
    assert before_points == 3

    # A folder that is no run at all.
    not_a_run = tmp_path / "holiday photos"
    not_a_run.mkdir()
    (not_a_run / "notes.txt").write_text("hello")
    assert tab.open_run(not_a_run) is False
    box = error_box(tab)
    assert str(not_a_run) in box.text() and "run" in box.text()
    box.accept()
    assert window.state.model == before_model and tab.plots.points("val_accuracy") == before_points

    # A run listed in the table whose files went missing since.
    (broken / runs.MODEL_FILE).unlink()
    select_run(qtbot, tab, "broken")
    box = error_box(tab)
    assert str(broken) in box.text() and runs.MODEL_FILE in box.text()
    box.accept()
    assert window.state.model == before_model and tab.plots.points("val_accuracy") == before_points
    assert window.state.model.run_dir == good


def test_the_form_cannot_hold_invalid_settings(tab):
    for spin, low, high in ((tab.epochs_spin, 0, 10**6), (tab.batch_spin, 0, 10**7), (tab.lr_spin, 0.0, 5.0),
                            (tab.val_spin, 0.0, 1.0), (tab.seed_spin, -1, None)):
        spin.setValue(low)
        assert spin.value() > low, spin.objectName()
        tab.settings()  # TrainSettings validates: no ValueError at the extremes
        if high is not None:
            spin.setValue(high)
            assert spin.value() < high, spin.objectName()
            tab.settings()
    assert 0 < tab.val_spin.minimum() and tab.val_spin.maximum() < 1


def test_live_updates_redraw_only_the_lines(qtbot, window, tab):
    """Between changes of the axes the curves are blitted over the saved axes; the pixels still show the new data."""
    import numpy as np

    ml_ready(qtbot, window)
    window.show_tab(window.train_tab)
    plots = tab.plots
    curves = {"accuracy": training_curve(), "loss": training_curve()}
    curves["accuracy"].add(0.0, 0.0)
    curves["loss"].add(0.0, 1.0)  # the loss axis is set by the losses shown
    plots.set_curves({}, curves, epochs=3)
    qtbot.waitUntil(lambda: plots._limits[0] == 3 and plots._backgrounds is not None, timeout=5000)
    qtbot.wait(300)  # the window's own resizes and pending redraws settle
    full_draws = plots.full_draws
    before = np.asarray(plots.canvas.buffer_rgba()).copy()
    for i in range(1, 40):
        curves["accuracy"].add(i / 20, i / 40)
        curves["loss"].add(i / 20, 1.0)
        plots.set_curves({}, curves, epochs=3)
    qtbot.wait(50)
    assert plots.full_draws == full_draws and plots.blits >= 39
    assert plots.points("batch_accuracy") == 40
    assert (np.asarray(plots.canvas.buffer_rgba()) != before).any()
    # A loss above the loss axis, or another number of epochs, changes the axes: one full redraw.
    top = plots.axes["loss"].get_ylim()[1]
    curves["loss"].add(2.0, 50.0)
    plots.set_curves({}, curves, epochs=3)
    qtbot.waitUntil(lambda: plots.full_draws == full_draws + 1, timeout=5000)
    assert plots.axes["loss"].get_ylim()[1] >= max(curves["loss"].y) > top


def test_a_new_runs_first_losses_fit_the_axes_as_they_are(qtbot, window, tab):
    """A fresh model starts near ln(49) = 3.9: the loss axis is ready for it, so the first batches need no full
    redraw (~100 ms of the GUI thread while training competes for the CPU)."""
    ml_ready(qtbot, window)
    window.show_tab(window.train_tab)
    plots = tab.plots
    curves = {"accuracy": training_curve(), "loss": training_curve()}
    plots.set_curves({}, curves, epochs=5)  # Start: an empty run of 5 epochs
    qtbot.waitUntil(lambda: plots._limits[0] == 5 and plots._backgrounds is not None, timeout=5000)
    qtbot.wait(300)
    full_draws = plots.full_draws
    for i, loss in enumerate((4.1, 3.95, 3.8, 3.5), start=1):
        curves["accuracy"].add(i / 100, 0.02 * i)
        curves["loss"].add(i / 100, loss)
        plots.set_curves({}, curves, epochs=5)
    qtbot.wait(50)
    assert plots.full_draws == full_draws and plots.axes["loss"].get_ylim()[1] > 4.1


def training_curve():
    from k49desk.gui.train_tab import SmoothedCurve

    return SmoothedCurve()


def test_the_windows_preset_descriptions_are_the_presets_own():
    """The Train tab translates the presets' descriptions from its own copy: it must say what models.py says."""
    from k49desk.gui.train_tab import PRESET_DESCRIPTIONS

    assert PRESET_DESCRIPTIONS == {name: spec.description for name, spec in models.ARCHITECTURES.items()}


def test_the_window_words_every_reason_automatic_precision_gives():
    from k49desk.gui.train_tab import PRECISION_REASON_TEXTS

    assert set(PRECISION_REASON_TEXTS) == set(training.PRECISION_REASONS)
