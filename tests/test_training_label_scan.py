"""The training-set label scan as a person runs it: estimate, start, watch progress, get candidates, or cancel."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from k49desk.gui.state import AppState
from k49desk.gui.training_label_scan import TrainingLabelScan, about
from tiny_data import tiny_data


@pytest.fixture
def scan(qtbot, tmp_path):
    state = AppState(tmp_path / "data", tmp_path / "runs")
    widget = TrainingLabelScan(state)
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    assert state.cancel_all_and_wait(30)


def click(qtbot, button) -> None:
    assert button.isEnabled(), button.objectName()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_estimate_then_scan_gives_candidates_for_suspicious_labels(qtbot, scan):
    data = tiny_data(train_per_class=12, test_per_class=1)
    scan.set_data(data)
    assert not scan.start_button.isEnabled() and "Estimate the time first" in scan.status.text()
    scan.folds.setValue(2)
    scan.epochs.setValue(1)
    click(qtbot, scan.estimate_button)
    qtbot.waitUntil(lambda: "The scan will take about" in scan.status.text(), timeout=60_000)
    assert "2 folds × 1 epochs of seed-cnn on 588 images" in scan.status.text()
    results = []
    scan.scanFinished.connect(lambda ev, images, issues: results.append((ev, images, issues)))
    click(qtbot, scan.start_button)
    assert scan.cancel_button.isEnabled() and not scan.estimate_button.isEnabled()
    qtbot.waitUntil(lambda: bool(results) or "failed" in scan.status.text(), timeout=120_000)
    assert results, scan.status.text()
    ev, images, issues = results[0]
    assert images is data.x_train and ev.probs.shape == (588, 49)
    assert np.allclose(ev.probs.sum(axis=1), 1, atol=1e-4) and np.array_equal(ev.y_true, data.y_train)
    assert all(issue.given == data.y_train[issue.index] for issue in issues)
    assert scan.progress.value() == 1000 and "suspicious training labels" in scan.status.text()


def test_cancel_stops_the_scan_and_keeps_nothing(qtbot, scan):
    scan.set_data(tiny_data(train_per_class=12, test_per_class=1))
    scan.folds.setValue(2)
    click(qtbot, scan.estimate_button)
    qtbot.waitUntil(lambda: scan.start_button.isEnabled(), timeout=60_000)
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


def test_durations_read_as_people_say_them():
    assert [about(s) for s in (40, 720, 9000)] == ["about 40 s", "about 12 min", "about 2.5 h"]


def test_a_training_set_of_one_class_says_why_before_any_training(qtbot, scan):
    from k49desk.dataset import K49Data

    data = tiny_data(train_per_class=4, test_per_class=1)
    one = data.y_train == 7
    scan.set_data(K49Data(data.x_train[one], data.y_train[one], data.x_test, data.y_test, data.classes,
                          data.data_dir, data.practice, data.practice_info))
    assert "no suspicious labels can be ranked: all 4 images are of one class" in scan.status.text()
    assert not scan.estimate_button.isEnabled() and not scan.start_button.isEnabled()
    scan.set_data(data)
    assert scan.estimate_button.isEnabled() and "Estimate the time first" in scan.status.text()
