"""Messages to the user: one clear, window-modal box per problem, never a traceback; and the one look of a problem,
a success and a side note in the window's text (every view styles its labels through here)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

PROBLEM_COLOR = "#b3261e"  # text that reports a problem: a missing file, a model that cannot be used, a warning
OK_COLOR = "#1e7b34"  # text that confirms: a file that checks out, the right answer
NOTE_STYLE = "color: palette(mid);"  # side notes and hints, greyed in the current palette


def show_problem(label: QLabel, problem: bool) -> None:
    """Colour `label`'s text as a problem (PROBLEM_COLOR) or back to normal."""
    label.setStyleSheet(f"color: {PROBLEM_COLOR};" if problem else "")


def show_as_note(label: QLabel) -> None:
    """Grey `label`'s text as a side note."""
    label.setStyleSheet(NOTE_STYLE)


def show_error(parent: QWidget, title: str, text: str) -> QMessageBox:
    """Show `text` in a window-modal warning box (objectName "errorMessage") without blocking the caller."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorMessage")
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    # open() rather than exec(): the event loop keeps running, so workers keep reporting and tests can read it.
    box.open()
    return box
