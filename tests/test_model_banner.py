"""The Draw and Photo tabs' model banner: what answers and what it was trained and measured on; "Get a K49 model"
end to end against a local mirror serving a tiny K49-format set, driven as a person would (click, read the plan,
Start), cancelled while downloading, and the window closed while it trains."""

from __future__ import annotations

import json
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from k49desk import dataset, quickstart, runs, train_process
from k49desk.classes import NUM_CLASSES
from k49desk.gui.model_banner import measured_text, percent, starter_info
from k49desk.paths import starter_info_path

from http_mirror import serving, specs_of
from tiny_data import k49_files

TRAIN_PER_CLASS, TEST_PER_CLASS = 8, 2
# The training process starts (TensorFlow's import), times a few steps, trains and evaluates resnet-small: seconds on
# a quiet machine, minutes on a shared one.
PLAN_TIMEOUT_MS = 300_000
RUN_TIMEOUT_MS = 600_000


@pytest.fixture(autouse=True)
def quit_without_asking(monkeypatch):
    """A test that fails while the flow runs ends with its window closed, not waiting on the close confirmation."""
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)


@pytest.fixture
def mirror():
    with serving(k49_files(TRAIN_PER_CLASS, TEST_PER_CLASS)) as server:
        yield server


def point_at(window, mirror, **overrides):
    """The window's "Get a K49 model" fetches from the mirror and trains with `overrides` (a short test recipe)."""
    flow = window.draw_tab.banner.flow
    flow.source = quickstart.Source(mirror.url, specs_of(mirror.files), NUM_CLASSES * TRAIN_PER_CLASS)
    flow.overrides = overrides
    return flow


def click_get_and_read_the_plan(qtbot, window) -> QMessageBox:
    banner = window.draw_tab.banner
    window.show_tab(window.draw_tab)
    qtbot.mouseClick(banner.get_button, Qt.MouseButton.LeftButton)
    assert banner.progress.isVisible() and banner.cancel_button.isVisible() and not banner.get_button.isVisible()
    qtbot.waitUntil(lambda: banner.flow.dialog is not None, timeout=PLAN_TIMEOUT_MS)
    box = window.findChild(QMessageBox, "quickStartPlan")
    assert box is banner.flow.dialog and box.isVisible()
    return box


def test_the_starter_banner_says_what_it_was_trained_and_measured_on(window):
    info = starter_info()
    assert json.loads(starter_info_path().read_text(encoding="utf-8")) == info
    for banner in (window.draw_tab.banner, window.photo_tab.banner):
        assert banner.title.text() == "Starter model"
        text = banner.details.text()
        assert "not on K49" in text
        headlines = [f for f in info["measured"] if f.get("headline")]
        assert headlines and all(measured_text(f) in text for f in headlines)
        assert "97.8% on generated sloppy drawings (practice data)" in text
        assert "44% on the first 100 real K49 test images (real data)" in text
        assert all(f["name"] in banner.details.toolTip() for f in info["measured"])
        assert not banner.get_button.isHidden() and banner.progress.isHidden()


def test_the_about_box_labels_the_starter_figures(qtbot, window, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: shown.append(text))
    window.show_about()
    assert "generated sloppy drawings (practice data)" in shown[0] and "real K49 test images" in shown[0]


def test_one_click_downloads_trains_evaluates_and_activates(qtbot, window, mirror):
    flow = point_at(window, mirror, epochs=1, batch_size=32)
    box = click_get_and_read_the_plan(qtbot, window)
    text = box.text()
    assert "resnet-small for 1 epoch(s)" in text and "Time per epoch here: about" in text
    total = sum(len(b) for b in mirror.files.values())
    assert f"{total / 1e3:.1f} kB of {total / 1e3:.1f} kB to fetch" in text  # decimal units, as QLocale writes them
    assert window.state.model.name == "starter model", "nothing changes before Start"

    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.state.model.run_dir is not None, timeout=RUN_TIMEOUT_MS)
    qtbot.waitUntil(lambda: not flow.busy, timeout=10_000)

    run_dir = window.state.model.run_dir
    assert sorted(p.name for p in window.state.data_dir.iterdir()) == sorted(dataset.FILE_NAMES)
    assert all(s.present for s in window.data_tab.statuses), "the Data tab shows the downloaded files"
    info = runs.read_info(run_dir)
    assert info.status == "completed" and info.arch == "resnet-small" and info.data_name == "K49"
    figures = json.loads((run_dir / "evaluation" / "summary.json").read_text())
    for banner in (window.draw_tab.banner, window.photo_tab.banner):
        assert banner.title.text() == f"K49 model: run {info.name} (resnet-small)"
        assert (f"{percent(figures['accuracy'])} top-1, {percent(figures['top5_accuracy'])} top-5 on K49's test "
                f"set ({NUM_CLASSES * TEST_PER_CLASS} images)") in banner.details.text()
        assert banner.get_button.isHidden(), "a K49-trained model exists now"
        assert banner.progress.isHidden() and "is now the active model" in banner.status.text()


def test_cancel_while_downloading_keeps_the_starter_and_no_half_file(qtbot, window, mirror):
    mirror.files[dataset.TRAIN_IMAGES] += bytes(2_000_000)
    mirror.chunk_delay_s = 0.05
    flow = point_at(window, mirror, epochs=1, batch_size=32)
    box = click_get_and_read_the_plan(qtbot, window)
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    banner = window.photo_tab.banner  # the flow is the window's: every banner shows it
    qtbot.waitUntil(lambda: f"downloading {dataset.TRAIN_IMAGES}" in banner.status.text(), timeout=20_000)
    assert not banner.cancel_button.isHidden()

    qtbot.mouseClick(banner.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not flow.busy, timeout=10_000)
    assert "Cancelled" in banner.status.text()
    assert not (window.state.data_dir / dataset.TRAIN_IMAGES).exists()
    assert window.state.model.name == "starter model"
    assert not window.state.runs_dir.exists() or not list(window.state.runs_dir.iterdir())
    assert not window.draw_tab.banner.get_button.isHidden()


def test_closing_the_window_while_it_trains_ends_cleanly(qtbot, window, mirror, monkeypatch):
    flow = point_at(window, mirror, epochs=50, batch_size=8)  # long enough to be caught training
    box = click_get_and_read_the_plan(qtbot, window)
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "training, epoch" in flow.status, timeout=RUN_TIMEOUT_MS)
    process = window.state.training_process
    assert process.pid is not None

    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a) or QMessageBox.StandardButton.Yes)
    began = time.monotonic()
    window.close()
    assert asked, "closing asks first: a K49 model is being made"
    # At most the stop's grace, then the child is ended (a loaded machine may be mid-way through an epoch's end).
    assert time.monotonic() - began < train_process.STOP_GRACE_S + train_process.QUIT_WAIT_S + 5
    assert not window.isVisible() and window.state.running_tasks() == []
    assert process.pid is None, "the training process ended with the window"
    qtbot.wait(300)
    assert window.state.model.name == "starter model"
    assert not list(window.state.runs_dir.glob(".*")), "no hidden half-written run folder"
