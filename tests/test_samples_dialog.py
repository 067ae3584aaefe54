"""My samples and the character grid, driven with clicks and keys."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from k49desk.classes import by_char
from k49desk.gui.char_picker import CharacterPicker
from k49desk.gui.samples_dialog import SamplesDialog
from k49desk.samples import SampleStore


def click_item(qtbot, grid, row: int, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    rect = grid.visualItemRect(grid.item(row))
    qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def test_typing_romaji_then_enter_chooses_a_character(qtbot):
    picker = CharacterPicker("test")
    qtbot.addWidget(picker)
    picker.show()
    with qtbot.waitSignal(picker.chosen) as chosen:
        QTest.keyClicks(picker.typing, "nu")
        assert picker.group.button(by_char("ぬ").index).isEnabled()
        assert not picker.group.button(by_char("あ").index).isEnabled()
        QTest.keyClick(picker.typing, Qt.Key.Key_Return)
    assert chosen.args == [by_char("ぬ").index] and picker.current() == by_char("ぬ").index
    with qtbot.waitSignal(picker.chosen) as chosen:
        qtbot.mouseClick(picker.group.button(by_char("ふ").index), Qt.MouseButton.LeftButton)
    assert chosen.args == [by_char("ふ").index]


def test_relabel_delete_and_undo_in_my_samples(qtbot, tmp_path):
    store = SampleStore(tmp_path)
    nu, fu, a = by_char("ぬ").index, by_char("ふ").index, by_char("あ").index
    store.add(np.random.default_rng(0).integers(0, 255, (3, 28, 28), dtype=np.uint8), [nu, nu, a])
    dialog = SamplesDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.grid.count() == 3 and str(tmp_path) in dialog.where.text()
    assert [dialog.grid.item(r).text() for r in range(3)] == ["あ", "ぬ", "ぬ"]  # grouped by character

    click_item(qtbot, dialog.grid, 1)  # the first ぬ: it is really ふ
    qtbot.mouseClick(dialog.picker.group.button(fu), Qt.MouseButton.LeftButton)
    assert store.read().labels.tolist() == [fu, nu, a]

    click_item(qtbot, dialog.grid, 0)  # あ, deleted with the Delete key
    QTest.keyClick(dialog.grid, Qt.Key.Key_Delete)
    assert store.read().labels.tolist() == [fu, nu] and dialog.grid.count() == 2

    qtbot.mouseClick(dialog.undo_button, Qt.MouseButton.LeftButton)
    assert store.read().labels.tolist() == [fu, nu, a]
    QTest.keySequence(dialog, "Ctrl+Z")
    assert store.read().labels.tolist() == [nu, nu, a]
    assert not dialog.undo_button.isEnabled()
