"""`k49desk PICTURE`: the window opens on the Photo tab with the picture; a second one goes to the running window."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

from PIL import Image
from PySide6.QtWidgets import QMessageBox

from k49desk import cli
from k49desk.gui import app
from k49desk.gui.settings import PHOTO_FOLDER_KEY, app_settings
from k49desk.gui.single_instance import PictureServer, send_to_running, server_name

from photos import PhotoStyle, character_on_paper
from strokes import STROKES

ROOT = Path(__file__).resolve().parents[1]


def picture(path: Path) -> Path:
    Image.fromarray(character_on_paper(STROKES["の"], PhotoStyle(noise=3.0))).save(path)
    return path


def test_the_command_line_picture_goes_to_the_window(monkeypatch, tmp_path):
    seen = {}

    def gui_main(argv=None, smoke_test=False, picture=None):
        seen["p"] = picture
        return 0

    monkeypatch.setattr(app, "main", gui_main)
    monkeypatch.setattr("k49desk.gui.preflight.check_desktop", lambda: None)
    shot = picture(tmp_path / "shot.png")
    assert cli.main([str(shot)]) == 0 and seen["p"] == str(shot)
    assert cli.main(["missing.jpg"]) == 0 and seen["p"] == "missing.jpg"  # the window says it is missing
    assert cli.main(["trian"]) == 2  # a mistyped command stays argparse's error, not a picture


def test_launch_with_a_picture_starts_on_the_photo_tab(qtbot, monkeypatch, tmp_path):
    monkeypatch.setenv("K49DESK_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("K49DESK_RUNS", str(tmp_path / "runs"))
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")  # launch() installs the system's language: English, as the others
    monkeypatch.setattr(app, "start_ml_import", lambda window: None)  # no TensorFlow needed to open a picture
    shot = picture(tmp_path / "shot.png")
    _, window = app.launch([], shot)
    qtbot.addWidget(window)
    assert window.tabs.currentWidget() is window.photo_tab
    assert not window.windowIcon().isNull()
    qtbot.waitUntil(lambda: not window.photo_tab.is_busy(), timeout=10_000)
    assert window.photo_tab.crop.has_image() and "shot.png" in window.photo_tab.source_label.text()
    # The Photo tab's file dialog starts where this picture was.
    assert app_settings().value(PHOTO_FOLDER_KEY) == str(tmp_path)
    assert window.photo_tab.last_folder() == tmp_path


def test_a_missing_picture_is_a_message_in_the_window(qtbot, window, tmp_path):
    window.open_picture(tmp_path / "gone.png")
    assert window.tabs.currentWidget() is window.photo_tab
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "errorMessage") is not None, timeout=10_000)
    box = window.findChild(QMessageBox, "errorMessage")
    assert "gone.png" in box.text() and "image file not found" in box.text() and box.text().count("\n") == 0
    assert "Could not open gone.png" in window.photo_tab.source_label.text()
    box.accept()


def test_no_running_window_means_no_hand_off():
    assert not send_to_running(Path("x.png"), name=f"k49desk-test-{uuid.uuid4().hex}")


def test_a_second_k49desk_hands_its_picture_to_the_running_window(qtbot, window, tmp_path):
    """Two processes: this one's window listens as `k49desk` does; a second `k49desk PICTURE` gives it the picture
    and ends at once, without a window or TensorFlow of its own."""
    server = PictureServer(server_name(), window)
    server.pictureReceived.connect(window.open_picture)
    assert server.listen()
    assert not PictureServer(server_name()).listen()  # a second window would not take the name over
    shot = picture(tmp_path / "second.png")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    second = subprocess.Popen([sys.executable, "-m", "k49desk", str(shot)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    qtbot.waitUntil(lambda: second.poll() is not None, timeout=60_000)
    _, err = second.communicate()
    assert second.returncode == 0, err
    qtbot.waitUntil(lambda: "second.png" in window.photo_tab.source_label.text(), timeout=10_000)
    assert window.tabs.currentWidget() is window.photo_tab
