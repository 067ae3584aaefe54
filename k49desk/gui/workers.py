"""Long work (training, evaluation, downloads, data loading) on its own QThread, with progress and cancel.

A task wraps a core function called as ``fn(progress=callback, cancel=event)``: the function reports
through ``callback(event)`` and raises ``Cancelled`` soon after ``event.is_set()``. Signals are emitted
from the worker thread and delivered queued, so every slot runs on the GUI thread.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QThread, Signal

from k49desk.errors import Cancelled, K49Error

log = logging.getLogger(__name__)

_ML_IMPORT_LOCK = threading.Lock()


def import_ml_modules() -> None:
    """Import TensorFlow and Keras from one worker at a time.

    Two threads importing TensorFlow at once (the start-up import and the Draw tab loading the starter model)
    deadlock in Python's per-module import locks; serialised, the second simply finds them imported.
    """
    with _ML_IMPORT_LOCK:
        import keras  # noqa: F401
        import tensorflow  # noqa: F401


class Task(QThread):
    """Runs ``fn(progress=..., cancel=...)`` once. Exactly one of succeeded/failed/cancelled follows, then finished."""

    progress = Signal(object)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, name: str, fn: Callable[..., Any], parent=None, *, user_work: bool = False):
        super().__init__(parent)
        self.name = name
        # Work a person started and would lose by quitting (training, a download); closing the window asks first.
        # Background chores (imports, checksums, loading a model) are simply cancelled.
        self.user_work = user_work
        self.setObjectName(f"task:{name}")
        self._fn = fn
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Ask the work to stop; it ends at its next check (for training, within one batch)."""
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        try:
            result = self._fn(progress=self.progress.emit, cancel=self._cancel)
        except Cancelled:
            self.cancelled.emit()
        except K49Error as e:
            self.failed.emit(str(e))
        except Exception as e:  # an unexpected failure must reach the user, not vanish with the thread
            log.error("%s failed:\n%s", self.name, traceback.format_exc())
            self.failed.emit(f"{self.name} failed unexpectedly: {type(e).__name__}: {e}")
        else:
            if self._cancel.is_set() and result is None:
                self.cancelled.emit()
            else:
                self.succeeded.emit(result)
