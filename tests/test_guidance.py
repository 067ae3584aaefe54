"""From first start to daily use (issue 18): the welcome panel, the practice-set dialog, the data folder and the model
remembered, the model picker and a new run offered, not made active."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFontInfo, QTextLayout
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from k49desk import runs, synth
from k49desk.classes import NUM_CLASSES
from k49desk.gui import app
from k49desk.gui.practice_dialog import strokes_problem
from k49desk.model_choices import ActiveModel, model_choices
from k49desk.paths import hiragana_font_path, starter_model_path

LEFT = Qt.MouseButton.LeftButton


def visible_box(widget, name="errorMessage") -> QMessageBox | None:
    box = widget.findChild(QMessageBox, name)
    return box if box is not None and box.isVisible() else None


# 1. First start ------------------------------------------------------------------------------------------------


def test_first_start_says_what_each_way_gives_and_takes_the_user_there(qtbot, window):
    tab = window.data_tab
    assert tab.welcome.isVisible()
    texts = " ".join(label.text() for label in tab.welcome.findChildren(type(tab.status_label)))
    assert "starter model" in texts and "offline" in texts and "Not K49" in texts
    assert "MB" in tab.welcome_download.text()

    qtbot.mouseClick(tab.welcome_draw, LEFT)
    assert window.tabs.currentWidget() is window.draw_tab

    window.show_tab(tab)
    qtbot.mouseClick(tab.welcome_practice, LEFT)
    qtbot.waitUntil(lambda: tab.practice_dialog is not None and tab.practice_dialog.isVisible(), timeout=5_000)
    tab.practice_dialog.reject()


def test_a_download_without_network_offers_the_practice_set(qtbot, window):
    tab = window.data_tab
    tab.base_url = "http://127.0.0.1:9/k49/"  # the discard port: connection refused, as offline
    qtbot.mouseClick(tab.welcome_download, LEFT)
    qtbot.waitUntil(lambda: visible_box(tab) is not None, timeout=30_000)
    box = visible_box(tab)
    offer = box.findChild(type(tab.download_button), "offerPracticeButton")
    assert offer is not None and "practice set" in box.informativeText()
    qtbot.mouseClick(offer, LEFT)
    qtbot.waitUntil(lambda: tab.practice_dialog is not None and tab.practice_dialog.isVisible(), timeout=5_000)
    tab.practice_dialog.reject()


def test_the_welcome_panel_goes_once_data_is_loaded(qtbot, window, practice_dir):
    tab = window.data_tab
    window.state.set_data_dir(practice_dir)
    assert not tab.welcome.isVisible(), "a complete folder needs no welcome"
    window.state.set_data_dir(practice_dir.parent / "nothing-here")
    assert tab.welcome.isVisible()


# 2. The practice-set dialog ------------------------------------------------------------------------------------


def click_check_box(qtbot, box) -> None:
    qtbot.mouseClick(box, LEFT, pos=QPoint(5, box.height() // 2))


def open_practice_dialog(qtbot, tab):
    qtbot.mouseClick(tab.practice_button, LEFT)
    qtbot.waitUntil(lambda: tab.practice_dialog is not None and tab.practice_dialog.isVisible(), timeout=5_000)
    return tab.practice_dialog


def test_practice_dialog_sizes_estimate_and_a_set_without_strokes(qtbot, window, tmp_path):
    tab = window.data_tab
    tab.practice_options = dict(fonts=[hiragana_font_path()])  # one font: the same in CI, and quick
    dialog = open_practice_dialog(qtbot, tab)
    available = strokes_problem() is None
    assert dialog.strokes_check.isEnabled() == available and dialog.strokes_check.isChecked() == available
    assert dialog.strokes_note.isVisibleTo(dialog) == (not available)
    if available:
        click_check_box(qtbot, dialog.strokes_check)  # off: fonts only
    assert not dialog.strokes_spin.isEnabled(), "stroke counts only with strokes on"

    dialog.folder_edit.setText(str(tmp_path / "mine"))
    dialog.train_spin.setValue(3)
    dialog.test_spin.setValue(0)
    assert not dialog.create_button.isEnabled() and "test part would hold no images" in dialog.estimate_label.text()
    dialog.test_spin.setValue(1)
    dialog.seed_spin.setValue(7)
    expected = synth.estimate(3, 1)
    assert f"{expected.images:,} images" in dialog.estimate_label.text() and expected.images == 4 * NUM_CLASSES

    qtbot.mouseClick(dialog.create_button, LEFT)
    qtbot.waitUntil(lambda: window.state.data is not None, timeout=60_000)
    data = window.state.data
    assert data.data_dir == tmp_path / "mine" and len(data.y_train) == 3 * NUM_CLASSES
    assert data.practice_info["seed"] == 7
    assert tab.banner.isVisible() and "pen strokes" not in tab.banner.text()


@pytest.mark.skipif(strokes_problem() is not None, reason="KanjiVG (the strokes extra) is not installed")
def test_practice_dialog_with_pen_strokes(qtbot, window, tmp_path):
    tab = window.data_tab
    dialog = open_practice_dialog(qtbot, tab)
    dialog.folder_edit.setText(str(tmp_path / "strokes"))
    dialog.train_spin.setValue(0)
    dialog.test_spin.setValue(0)
    assert dialog.strokes_check.isChecked(), "on by default where KanjiVG is installed"
    click_check_box(qtbot, dialog.strokes_check)
    click_check_box(qtbot, dialog.strokes_check)
    assert dialog.strokes_check.isChecked() and dialog.strokes_spin.isEnabled()
    dialog.strokes_spin.setValue(2)
    dialog.test_strokes_spin.setValue(1)
    assert f"{3 * NUM_CLASSES:,} images" in dialog.estimate_label.text()
    qtbot.mouseClick(dialog.create_button, LEFT)
    qtbot.waitUntil(lambda: window.state.data is not None, timeout=60_000)
    assert window.state.data.practice_info["strokes"]["train_per_class"] == 2
    assert "generated from pen strokes;" in tab.banner.text(), "drawings only: no fonts named"


def test_practice_dialog_refuses_a_folder_of_real_k49_files(qtbot, window, tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (real / "k49-train-imgs.npz").write_bytes(b"x")
    dialog = open_practice_dialog(qtbot, window.data_tab)
    dialog.folder_edit.setText(str(real))
    qtbot.mouseClick(dialog.create_button, LEFT)
    box = visible_box(dialog)
    assert box is not None and str(real) in box.text()
    assert dialog.isVisible() and not window.data_tab.busy(), "nothing started; the dialog stays to choose another"
    box.accept()
    dialog.reject()


def test_practice_set_cancelled_leaves_nothing(qtbot, window, tmp_path):
    tab = window.data_tab
    dialog = open_practice_dialog(qtbot, tab)
    dialog.folder_edit.setText(str(tmp_path / "big"))
    dialog.train_spin.setValue(3000)
    qtbot.mouseClick(dialog.create_button, LEFT)
    qtbot.waitUntil(lambda: tab.busy() and tab.progress_bar.isVisible(), timeout=5_000)
    qtbot.mouseClick(tab.cancel_button, LEFT)
    qtbot.waitUntil(lambda: not tab.busy(), timeout=60_000)
    assert "cancelled" in tab.status_label.text()
    assert not (tmp_path / "big").exists()


# 3. The data folder loaded last time ---------------------------------------------------------------------------


def test_the_data_folder_loaded_is_loaded_again_at_the_next_start(qtbot, tmp_path, practice_dir, monkeypatch):
    monkeypatch.delenv("K49DESK_DATA", raising=False)
    first = app.create_window(practice_dir, tmp_path / "runs")
    qtbot.addWidget(first)
    first.show()
    qtbot.waitUntil(lambda: first.data_tab.load_button.isEnabled(), timeout=20_000)
    qtbot.mouseClick(first.data_tab.load_button, LEFT)
    qtbot.waitUntil(lambda: first.state.data is not None, timeout=20_000)
    first.close()

    second = app.create_window(runs_dir=tmp_path / "runs")
    qtbot.addWidget(second)
    assert second.state.data_dir == practice_dir
    qtbot.waitUntil(lambda: second.state.data is not None, timeout=20_000)  # no Load pressed
    assert second.state.data.data_dir == practice_dir and not second.data_tab.welcome.isVisible()
    second.close()


def test_a_folder_chosen_but_never_loaded_is_not_remembered(qtbot, tmp_path, practice_dir, monkeypatch):
    monkeypatch.delenv("K49DESK_DATA", raising=False)
    first = app.create_window(practice_dir, tmp_path / "runs")
    qtbot.addWidget(first)
    first.close()
    second = app.create_window(runs_dir=tmp_path / "runs")
    qtbot.addWidget(second)
    assert second.state.data_dir != practice_dir and second.state.data is None
    second.close()


# 4. The active model under the user's control -------------------------------------------------------------------


def runs_of_one_minute(trained_run: Path, runs_dir: Path) -> list[Path]:
    """Two copies of a trained run, named as training names two runs started in the same minute."""
    made = []
    for name in ("2026-12-06_1305_seed-cnn", "2026-12-06_1305_seed-cnn-2"):
        shutil.copytree(trained_run, runs_dir / name)
        made.append(runs_dir / name)
    return made


def pick(qtbot, picker, index: int) -> None:
    """Open the picker and click entry `index` with the mouse."""
    picker.combo.showPopup()
    view = picker.combo.view()
    qtbot.waitUntil(view.isVisible, timeout=2_000)
    rect = view.visualRect(view.model().index(index, 0))
    qtbot.mouseClick(view.viewport(), LEFT, pos=rect.center())
    qtbot.waitUntil(lambda: not view.isVisible(), timeout=2_000)


def test_the_picker_lists_starter_and_runs_distinctly_and_makes_the_chosen_active(qtbot, tmp_path, trained_run):
    one, two = runs_of_one_minute(trained_run, tmp_path / "runs")
    window = app.create_window(tmp_path / "data", tmp_path / "runs")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    picker = window.model_picker
    texts = [picker.combo.itemText(i) for i in range(picker.combo.count())]
    assert texts[0].startswith("Starter model") == starter_model_path().is_file()
    runs_listed = [t for t in texts if "seed-cnn" in t]
    assert len(runs_listed) == 2 and len(set(runs_listed)) == 2
    assert any(t.startswith(one.name + " ") for t in runs_listed) and any(t.startswith(two.name + " ") for t in texts)
    accuracy = runs.read_info(one).best_val_accuracy
    assert all(f"{accuracy:.1%}" in t and "practice set" in t for t in runs_listed)
    # The combo is wide enough for the longest entry: names are never cut.
    width = max(picker.combo.fontMetrics().horizontalAdvance(t) for t in texts)
    assert picker.combo.width() >= width

    pick(qtbot, picker, texts.index(next(t for t in texts if t.startswith(two.name + " "))))
    assert window.state.model == ActiveModel(two.name, two / runs.MODEL_FILE, two)
    window.close()


def test_open_model_file_lists_it_and_the_choice_survives_a_restart(qtbot, tmp_path, trained_run, monkeypatch):
    mine = tmp_path / "models" / "mine.keras"
    mine.parent.mkdir()
    shutil.copy(trained_run / runs.MODEL_FILE, mine)
    first = app.create_window(tmp_path / "data", tmp_path / "runs")
    qtbot.addWidget(first)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(mine), ""))
    first.open_model_action.trigger()
    assert first.state.model == ActiveModel("mine.keras", mine)
    assert first.model_picker.combo.currentText().startswith("mine.keras")
    first.close()

    second = app.create_window(tmp_path / "data", tmp_path / "runs")
    qtbot.addWidget(second)
    assert second.state.model == ActiveModel("mine.keras", mine), "the model chosen is the model at the next start"
    assert not second.model_notice.isVisible()
    second.close()

    mine.unlink()
    third = app.create_window(tmp_path / "data", tmp_path / "runs")
    qtbot.addWidget(third)
    third.show()
    assert third.state.model == (ActiveModel("starter model", starter_model_path())
                                 if starter_model_path().is_file() else None)
    assert third.model_notice.isVisible() and str(mine) in third.model_notice.text.text()
    third.close()


def test_open_model_file_that_is_no_model(qtbot, window, tmp_path, monkeypatch):
    junk = tmp_path / "notes.txt"
    junk.write_text("hello")
    before = window.state.model
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(junk), ""))
    window.open_model_action.trigger()
    box = visible_box(window)
    assert box is not None and str(junk) in box.text()
    assert window.state.model == before
    box.accept()


def test_a_finished_run_is_offered_not_made_active(qtbot, window, trained_run):
    before = window.state.model
    window.train_tab._on_finished(runs.read_info(trained_run))  # how the Train tab hands over a run that ended
    notice = window.model_notice
    assert notice.isVisible() and trained_run.name in notice.text.text()
    assert window.state.model == before, "the model in use stays until the user takes the new one"
    assert any(c.model.run_dir == trained_run for c in model_choices(trained_run.parent))

    qtbot.mouseClick(notice.use_button, LEFT)
    assert window.state.model == ActiveModel(trained_run.name, trained_run / runs.MODEL_FILE, trained_run)
    assert not notice.isVisible()
    assert window.model_picker.combo.currentText().startswith(trained_run.name)


def test_a_dismissed_offer_keeps_the_model(qtbot, window, trained_run):
    before = window.state.model
    window.train_tab._on_finished(runs.read_info(trained_run))
    qtbot.mouseClick(window.model_notice.dismiss_button, LEFT)
    assert not window.model_notice.isVisible() and window.state.model == before
    assert window.state.offered_model is None


# 7. Fonts, title, About ----------------------------------------------------------------------------------------


def glyph_families(text: str, font) -> dict[str, str]:
    """character -> the family Qt draws it with, for each run of glyphs in one laid-out line."""
    layout = QTextLayout(text, font)
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    families = {}
    for run in layout.glyphRuns(-1, -1, QTextLayout.GlyphRunRetrievalFlag.RetrieveAll):
        for i in run.stringIndexes():
            families[text[i]] = run.rawFont().familyName()
    return families


def test_latin_text_in_the_ui_font_and_hiragana_in_the_japanese_font(window):
    from k49desk.gui.fonts import hiragana_font

    for font in (QApplication.font(), hiragana_font(20)):
        families = glyph_families("Load… ぬ", font)
        assert families["…"] != "IPAexGothic" and families["L"] != "IPAexGothic"
        assert families["ぬ"] == "IPAexGothic" or QFontInfo(font).family() != "IPAexGothic"
    assert QFontInfo(QApplication.font()).family() != "IPAexGothic"


def test_window_title_names_the_app_once_and_about_credits_the_starter(qtbot, window, monkeypatch):
    QApplication.setApplicationDisplayName("k49desk")
    assert "k49desk" not in window.windowTitle()
    shown = []
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: shown.append(text))
    window.about_action.trigger()
    assert "KanjiVG" in shown[0] and "Ulrich Apel" in shown[0] and shown[0].count("CC BY-SA 4.0") == 2
