"""The training-set label scan as a person runs it: estimate, start, watch progress, get candidates, or cancel; it
trains in the window's training process (a child process), never in the window's own, and waits for no other job."""

from __future__ import annotations

import os
import threading
from functools import partial

import numpy as np
import pytest
from PySide6.QtCore import Qt

from k49desk import dataset, label_scan, training
from k49desk.errors import Cancelled
from k49desk.gui.state import AppState
from k49desk.gui.training_label_scan import TrainingLabelScan, about
from k49desk.train_process import TrainJob

import train_child_hooks


@pytest.fixture
def state(tmp_path):
    state = AppState(tmp_path / "data", tmp_path / "runs")
    yield state
    assert state.cancel_all_and_wait(30)
    state.end_training_process()


@pytest.fixture
def scan(qtbot, state, monkeypatch):
    # The scan must train and time in the child: here in the window's process, training or timing fails the test.
    def not_here(*args, **kwargs):
        raise AssertionError("trained in the window's process")

    monkeypatch.setattr(training.Trainer, "run", not_here)
    monkeypatch.setattr(training, "time_steps", not_here)
    monkeypatch.setattr(label_scan, "cross_validated_probabilities", not_here)
    widget = TrainingLabelScan(state)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def click(qtbot, button) -> None:
    assert button.isEnabled(), button.objectName()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_estimate_then_scan_in_the_training_process_gives_candidates(qtbot, scan, state, practice_dir):
    data = dataset.load(practice_dir)
    scan.set_data(data)
    assert not scan.start_button.isEnabled() and "Estimate the time first" in scan.status.text()
    scan.folds.setValue(2)
    scan.epochs.setValue(1)
    click(qtbot, scan.estimate_button)
    qtbot.waitUntil(lambda: "The scan will take about" in scan.status.text(), timeout=120_000)
    assert "2 folds × 1 epochs of seed-cnn on 1,176 images" in scan.status.text()
    child = state.training_process.pid
    assert child is not None and child != os.getpid()
    results = []
    scan.scanFinished.connect(lambda ev, images, issues: results.append((ev, images, issues)))
    click(qtbot, scan.start_button)
    assert scan.cancel_button.isEnabled() and not scan.estimate_button.isEnabled()
    qtbot.waitUntil(lambda: bool(results) or "failed" in scan.status.text(), timeout=180_000)
    assert results, scan.status.text()
    ev, images, issues = results[0]
    assert images is data.x_train and ev.probs.shape == (1176, 49)
    assert np.allclose(ev.probs.sum(axis=1), 1, atol=1e-4) and np.array_equal(ev.y_true, data.y_train)
    assert all(issue.given == data.y_train[issue.index] for issue in issues)
    assert scan.progress.value() == 1000 and "suspicious training labels" in scan.status.text()
    assert state.training_process.pid == child, "the same warm child as the estimate"


def test_cancel_stops_the_scan_and_keeps_nothing(qtbot, scan, practice_dir):
    scan.set_data(dataset.load(practice_dir))
    scan.folds.setValue(2)
    click(qtbot, scan.estimate_button)
    qtbot.waitUntil(lambda: scan.start_button.isEnabled(), timeout=120_000)
    scan.epochs.setValue(20)
    assert not scan.start_button.isEnabled() and "estimate the time again" in scan.status.text()
    click(qtbot, scan.estimate_button)
    qtbot.waitUntil(lambda: scan.start_button.isEnabled(), timeout=60_000)
    finished = []
    scan.scanFinished.connect(lambda *result: finished.append(result))
    click(qtbot, scan.start_button)
    qtbot.waitUntil(lambda: scan.status.text().startswith("Fold 1 of 2"), timeout=60_000)
    click(qtbot, scan.cancel_button)
    qtbot.waitUntil(lambda: not scan.is_running(), timeout=60_000)
    assert scan.status.text() == "Scan cancelled; nothing was kept." and not finished


def test_the_scan_is_refused_while_a_training_run_goes_on(qtbot, scan, state, practice_dir, tmp_path):
    data = dataset.load(practice_dir)
    control = tmp_path / "child-control"
    control.write_text("hold 1 1")  # the run holds after its first batch until it is stopped
    state.training_process.initializer = partial(train_child_hooks.obey, control)
    stop, outcome = threading.Event(), []

    def train():
        job = TrainJob(practice_dir, data.fingerprint, training.TrainSettings(epochs=1, batch_size=64),
                       tmp_path / "runs")
        try:
            state.training_process.run(job, progress=outcome.append, cancel=stop)
        except Cancelled as e:
            outcome.append(e)

    scan.set_data(data)
    scan.folds.setValue(2)
    click(qtbot, scan.estimate_button)
    qtbot.waitUntil(lambda: scan.start_button.isEnabled(), timeout=120_000)
    runner = threading.Thread(target=train)
    runner.start()
    try:
        qtbot.waitUntil(lambda: any(isinstance(e, training.BatchProgress) for e in outcome), timeout=120_000)
        click(qtbot, scan.start_button)
        assert "Another training job" in scan.status.text() and not scan.is_running()
    finally:
        stop.set()
        runner.join(60)
    assert isinstance(outcome[-1], Cancelled), "the run stopped in its first epoch, as asked"


def test_durations_read_as_people_say_them():
    assert [about(s) for s in (40, 720, 9000)] == ["about 40 s", "about 12 min", "about 2.5 h"]


def test_a_training_set_of_one_class_says_why_before_any_training(qtbot, scan):
    from k49desk.dataset import K49Data
    from tiny_data import tiny_data

    data = tiny_data(train_per_class=4, test_per_class=1)
    one = data.y_train == 7
    scan.set_data(K49Data(data.x_train[one], data.y_train[one], data.x_test, data.y_test, data.classes,
                          data.data_dir, data.practice, data.practice_info))
    assert "no suspicious labels can be ranked: all 4 images are of one class" in scan.status.text()
    assert not scan.estimate_button.isEnabled() and not scan.start_button.isEnabled()
    scan.set_data(data)
    assert scan.estimate_button.isEnabled() and "Estimate the time first" in scan.status.text()
