"""PySide6 6.12.0 on Python 3.11 drops a reference to None on every call that returns nothing; thousands of such
calls free None and abort the interpreter. The pinned 6.11.3 must survive them with None's count intact."""

from __future__ import annotations

import sys

from PySide6.QtCore import QPoint
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

CALLS = 5_000


def test_thousands_of_void_qt_calls_keep_none_alive(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.resize(200, 200)
    widget.show()
    qtbot.waitExposed(widget)
    before = sys.getrefcount(None)
    for i in range(CALLS):
        QApplication.processEvents()
        QTest.mouseMove(widget, QPoint(i % 200, (i * 7) % 200))
        widget.setToolTip(None if i % 2 else "x")
    after = sys.getrefcount(None)
    # Other code allocates and frees Nones meanwhile; a leak of one per call would show as thousands.
    assert abs(after - before) < CALLS // 10, (before, after)
