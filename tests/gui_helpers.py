"""Helpers shared by the GUI tests."""

from __future__ import annotations

from k49desk.gui import app


def ml_ready(qtbot, window) -> None:
    """Import TensorFlow on a worker as the app does at start-up, and wait for it."""
    app.start_ml_import(window)
    qtbot.waitUntil(lambda: window.state.ml_ready, timeout=120_000)
