"""Long work (training, evaluation, downloads, data loading) on its own QThread, with progress and cancel.

A task wraps a core function called as ``fn(progress=callback, cancel=event)``: the function reports
through ``callback(event)`` and raises ``Cancelled`` soon after ``event.is_set()``. Signals are emitted
from the worker thread and delivered queued, so every slot runs on the GUI thread.

Views do not wire tasks by hand: each owner of long work holds a TaskSlot (one running task at a time;
whatever a replaced or dropped task still reports is ignored).
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal

from k49desk.errors import Cancelled, K49Error
from k49desk.progress import throttled

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


def unexpected_reason(error: BaseException) -> str:
    """What an unexpected error says, as words for a person; the exception's class goes to the log only."""
    if isinstance(error, MemoryError):
        return QCoreApplication.translate("Task", "not enough memory")
    return str(error).strip() or QCoreApplication.translate("Task", "no details given (see the log)")


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
            self.failed.emit(self.tr("{task} failed unexpectedly: {error}").format(task=self.name,
                                                                                  error=unexpected_reason(e)))
        else:
            if self._cancel.is_set() and result is None:
                self.cancelled.emit()
            else:
                self.succeeded.emit(result)


class TaskSlot(QObject):
    """Where one owner runs its long work: one task at a time, started through AppState (so closing the window
    cancels and waits for it), its late reports dropped.

    ``run`` starts a task, dropping the one running; ``cancel`` asks the running task to stop and still delivers
    how it ended (a training run that stops returns the epochs it kept); ``drop`` cancels it and ignores everything
    it still reports. Callbacks run on the GUI thread, and only while this slot (a child of its owner) lives.
    """

    busyChanged = Signal(bool)  # False once the current task has ended or was dropped

    def __init__(self, state, parent: QObject | None = None):
        super().__init__(parent)
        self._state = state  # AppState: start() and closing
        self._task: Task | None = None
        self._on_progress = self._on_success = self._on_failure = self._on_cancelled = None

    @property
    def task(self) -> Task | None:
        """The running task, None when idle."""
        return self._task

    @property
    def busy(self) -> bool:
        return self._task is not None

    @property
    def cancel_requested(self) -> bool:
        return self._task is not None and self._task.cancel_requested

    def run(
        self,
        name: str,
        fn: Callable[..., Any],
        *,
        on_progress: Callable[[Any], None] | None = None,
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[str], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        user_work: bool = False,
        throttle_progress: bool = True,
    ) -> Task | None:
        """Run ``fn(progress=..., cancel=...)`` as task `name` in place of any task running; None while closing.

        throttle_progress: progress events between a start and an end reach on_progress at most every 0.1 s (see
        k49desk.progress); False for owners that need every event (training curves).
        """
        if self._state.closing:
            return None
        was_busy = self._detach()
        task = Task(name, fn, user_work=user_work)
        # Bound methods, not lambdas: Qt drops the connections when this slot (and its owner) is destroyed.
        task.progress.connect(self._progress)
        task.succeeded.connect(self._succeeded)
        task.failed.connect(self._failed)
        task.cancelled.connect(self._cancelled)
        task.finished.connect(self._finished)
        self._task = task
        self._on_progress = throttled(on_progress) if on_progress and throttle_progress else on_progress
        self._on_success, self._on_failure, self._on_cancelled = on_success, on_failure, on_cancelled
        self._state.start(task)
        if not was_busy:
            self.busyChanged.emit(True)
        return task

    def cancel(self) -> None:
        """Ask the running task to stop; how it ends (cancelled, or a result it still returns) is delivered."""
        if self._task is not None:
            self._task.cancel()

    def drop(self) -> None:
        """Cancel the running task and ignore whatever it still reports."""
        if self._detach():
            self.busyChanged.emit(False)

    def _detach(self) -> bool:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
        return task is not None

    def _current(self) -> bool:
        return self._task is not None and self.sender() is self._task

    def _progress(self, event) -> None:
        if self._current() and self._on_progress is not None:
            self._on_progress(event)

    def _succeeded(self, result) -> None:
        if self._current() and self._on_success is not None:
            self._on_success(result)

    def _failed(self, message: str) -> None:
        if self._current() and self._on_failure is not None:
            self._on_failure(message)

    def _cancelled(self) -> None:
        if self._current() and self._on_cancelled is not None:
            self._on_cancelled()

    def _finished(self) -> None:
        if self._current():
            self._task = None
            self.busyChanged.emit(False)
