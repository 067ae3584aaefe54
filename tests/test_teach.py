"""Teach it your hand, in the Draw tab with the mouse: correct a drawing through the grid, keep it, see the count,
relabel and delete in My samples, fine-tune on a tiny practice set, and the active model changes (and back)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from k49desk.classes import by_char
from k49desk.gui.state import ActiveModel
from k49desk.samples import SampleStore
from strokes import STROKES
from test_draw_tab import child, draw, make_tab, state  # noqa: F401  (state is a fixture)
from test_samples_dialog import click_item


def pick_through_grid(qtbot, tab, char: str) -> None:
    """Open the 'It is' grid with a click and click the character in it."""
    button = child(tab, "trueCharacterButton")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    picker = tab.teach.picker
    qtbot.waitUntil(picker.isVisible, timeout=5_000)
    qtbot.mouseClick(picker.group.button(by_char(char).index), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not picker.isVisible(), timeout=5_000)


def test_correct_keep_count_relabel_delete_and_finetune(qtbot, state, trained_run, practice_dir):  # noqa: F811
    from k49desk import dataset

    state.data = dataset.load(practice_dir)
    model = ActiveModel("practice run", Path(trained_run) / "model.keras", Path(trained_run))
    tab = make_tab(qtbot, state, model)
    store = tab.teach.store
    keep = child(tab, "keepSampleButton")
    assert not keep.isEnabled()  # nothing drawn yet

    draw(child(tab, "drawCanvas"), STROKES["ぬ"])
    qtbot.waitUntil(keep.isEnabled, timeout=5_000)
    pick_through_grid(qtbot, tab, "ふ")  # the person says it is ふ, whatever the model read
    assert child(tab, "trueCharacterButton").text().startswith("ふ")
    qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)
    samples = store.read()
    assert samples.labels.tolist() == [by_char("ふ").index] and samples.strokes[0] is not None
    assert "Kept: 1" in child(tab, "keptCount").text()

    # More drawings, each corrected by typing its romaji into the grid, then Enter.
    for char in ["の", "し", "あ", "の", "し", "あ", "ぬ"]:
        QTest.keyClick(child(tab, "drawCanvas"), Qt.Key.Key_Escape)
        draw(child(tab, "drawCanvas"), STROKES[char])
        qtbot.mouseClick(child(tab, "trueCharacterButton"), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(tab.teach.picker.isVisible, timeout=5_000)
        QTest.keyClicks(tab.teach.picker.typing, by_char(char).romaji)
        QTest.keyClick(tab.teach.picker.typing, Qt.Key.Key_Return)
        qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)
    assert len(store.read()) == 8
    assert child(tab, "keptCount").text().startswith("Kept: 8")

    qtbot.mouseClick(child(tab, "mySamplesButton"), Qt.MouseButton.LeftButton)
    dialog = tab.teach.samples_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5_000)
    assert dialog.grid.count() == 8 and str(store.folder) in dialog.where.text()
    click_item(qtbot, dialog.grid, 0)  # the first あ: really ぬ
    qtbot.mouseClick(dialog.picker.group.button(by_char("ぬ").index), Qt.MouseButton.LeftButton)
    assert store.read().counts()[by_char("ぬ").index] == 2
    click_item(qtbot, dialog.grid, dialog.grid.count() - 1)
    QTest.keyClick(dialog.grid, Qt.Key.Key_Delete)
    assert len(store.read()) == 7
    qtbot.mouseClick(dialog.undo_button, Qt.MouseButton.LeftButton)
    assert len(store.read()) == 8
    dialog.close()

    qtbot.mouseClick(child(tab, "finetuneButton"), Qt.MouseButton.LeftButton)
    assert child(tab, "cancelFinetuneButton").isVisible()
    qtbot.waitUntil(lambda: not tab.teach.busy(), timeout=300_000)
    status = child(tab, "teachStatus").text()
    assert "Fine-tuned" in status and "your held-out samples" in status, status
    process = state.training_process
    assert process.pid not in (None, os.getpid()), "the fine-tuning ran in the training process, not the window's"
    assert state.model != model and state.model.run_dir is not None
    assert state.model.run_dir.parent == state.runs_dir
    from k49desk import runs

    assert runs.load_run(state.model.run_dir).info.fine_tuned_from == str(model.path)
    qtbot.waitUntil(lambda: not tab.is_loading(), timeout=60_000)
    switch = child(tab, "switchBackButton")
    assert switch.isVisible()
    qtbot.mouseClick(switch, Qt.MouseButton.LeftButton)
    assert state.model == model
    assert SampleStore(store.folder).read().labels.size == 8


def keep_drawings(qtbot, tab, chars) -> None:
    """Draw each character with the mouse and keep it as what the model read."""
    keep = child(tab, "keepSampleButton")
    for char in chars:
        QTest.keyClick(child(tab, "drawCanvas"), Qt.Key.Key_Escape)
        draw(child(tab, "drawCanvas"), STROKES[char])
        qtbot.waitUntil(keep.isEnabled, timeout=5_000)
        qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)


def test_finetune_needs_samples_and_says_so_without_a_command_line(qtbot, state, trained_run):  # noqa: F811
    from k49desk.finetune import MIN_SAMPLES

    model = ActiveModel("practice run", Path(trained_run) / "model.keras", Path(trained_run))
    tab = make_tab(qtbot, state, model)
    button = child(tab, "finetuneButton")
    assert not button.isEnabled()
    assert f"at least {MIN_SAMPLES}" in button.toolTip() and "0 kept" in button.toolTip()
    assert "k49desk" not in button.toolTip(), "a GUI user is not sent to the command line"
    keep_drawings(qtbot, tab, ["の", "し", "あ"][: MIN_SAMPLES - 1])
    assert not button.isEnabled() and f"{MIN_SAMPLES - 1} kept" in button.toolTip()
    keep_drawings(qtbot, tab, ["ぬ"])
    assert button.isEnabled()


def test_a_message_under_the_canvas_does_not_move_it(qtbot, state, trained_run):  # noqa: F811
    tab = make_tab(qtbot, state, ActiveModel("practice run", Path(trained_run) / "model.keras", Path(trained_run)))
    canvas = child(tab, "drawCanvas")
    before = canvas.geometry()
    keep_drawings(qtbot, tab, ["の"])  # "Kept as の (no)." appears under the canvas
    assert child(tab, "teachStatus").text().startswith("Kept as")
    QTest.qWait(50)
    assert canvas.geometry() == before
    tab.candidates.show_top([(by_char("の"), 0.3), (by_char("ぬ"), 0.2)], "")  # an unsure reading: its note shows
    QTest.qWait(50)
    assert tab.candidates.unsure.text() and canvas.geometry() == before


def test_finetune_is_refused_while_a_training_run_uses_the_training_process(qtbot, state, trained_run):  # noqa: F811
    model = ActiveModel("practice run", Path(trained_run) / "model.keras", Path(trained_run))
    tab = make_tab(qtbot, state, model)
    keep_drawings(qtbot, tab, ["の", "し", "あ", "ぬ"])
    process = state.training_process
    process._training = True  # as while the Train tab's run goes on in it
    try:
        qtbot.mouseClick(child(tab, "finetuneButton"), Qt.MouseButton.LeftButton)
        assert not tab.teach.busy()
        assert "training run is going on" in child(tab, "teachStatus").text()
        assert state.model == model and process.pid is None, "nothing was started"
    finally:
        process._training = False
