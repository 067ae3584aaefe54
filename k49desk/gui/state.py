"""Application state shared by the tabs: data, active model, evaluation, running tasks."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Signal

from k49desk.gui.workers import Task


@dataclass(frozen=True)
class ActiveModel:
    """The model the Evaluate, Confusions and Draw tabs use."""

    name: str  # "starter model" or the run's name
    path: Path  # the .keras file
    run_dir: Path | None = None  # None for the starter model or a bare .keras file


class AppState(QObject):
    dataDirChanged = Signal(object)  # Path
    dataChanged = Signal(object)  # k49desk.dataset.K49Data or None
    modelChanged = Signal(object)  # ActiveModel or None
    evaluationChanged = Signal(object)  # k49desk.evaluation.Evaluation or None
    classSelected = Signal(int)  # a class index chosen anywhere (table, scatter, canvas candidate)
    pairRequested = Signal(int, int)  # (true, predicted): show this confused pair in the Confusions tab
    tabRequested = Signal(str)  # objectName of the tab to bring forward
    runsChanged = Signal()  # a run was written or removed
    mlReady = Signal()  # TensorFlow and matplotlib have been imported in the background
    tasksChanged = Signal()

    def __init__(self, data_dir: Path, runs_dir: Path, parent: QObject | None = None):
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.runs_dir = Path(runs_dir)
        self.data = None
        self.model: ActiveModel | None = None
        self.evaluation = None
        self.evaluation_key = None  # what the current evaluation was computed on (see evaluate_tab.evaluation_key)
        self.ml_ready = False
        # Evaluations per (model file, its mtime, data fingerprint), so reopening one is instant.
        self.evaluation_cache: dict[Any, Any] = {}
        self._tasks: set[Task] = set()
        self.closing = False  # set once the window is closing: no new task starts from then on

    def set_data_dir(self, path: Path) -> None:
        self.data_dir = Path(path)
        self.dataDirChanged.emit(self.data_dir)

    def set_data(self, data) -> None:
        self.data = data
        self.dataChanged.emit(data)

    def set_model(self, model: ActiveModel | None) -> None:
        self.model = model
        self.modelChanged.emit(model)

    def set_evaluation(self, evaluation, key=None) -> None:
        self.evaluation, self.evaluation_key = evaluation, (key if evaluation is not None else None)
        self.evaluationChanged.emit(evaluation)

    def set_ml_ready(self) -> None:
        self.ml_ready = True
        self.mlReady.emit()

    # Tasks ------------------------------------------------------------------------------------------

    def start(self, task: Task) -> Task:
        """Start a task and keep it alive (and cancellable on close) until it has finished.

        While closing, the task is not started: a result delivered during the close (a training run that stopped and
        makes its model active) must not set off work that nothing would wait for.
        """
        if self.closing:
            return task
        self._tasks.add(task)
        task.finished.connect(lambda t=task: self._forget(t))
        task.start()
        self.tasksChanged.emit()
        return task

    def _forget(self, task: Task) -> None:
        self._tasks.discard(task)
        task.deleteLater()
        self.tasksChanged.emit()

    def running_tasks(self) -> list[Task]:
        return [t for t in self._tasks if t.isRunning()]

    def cancel_all_and_wait(self, timeout_s: float = 10.0, *, closing: bool = False) -> bool:
        """Cancel every task and wait for their threads; True when all ended within the timeout.

        closing: refuse new tasks from now on (see start). Either way, a task started while waiting (by a result
        delivered meanwhile) is cancelled and waited for too.
        """
        self.closing = self.closing or closing
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            running = [t for t in list(self._tasks) if _running(t)]
            if not running:
                return True
            for t in running:
                t.cancel()
            # Queued signals from the workers must still be delivered for them to finish their hand-off.
            QCoreApplication.processEvents()
            if _running(running[0]):
                running[0].wait(20)
        return not any(_running(t) for t in list(self._tasks))


def _running(task: Task) -> bool:
    """Whether a task's thread still runs; a finished task may already be deleted (deleteLater ran while waiting)."""
    return shiboken6.isValid(task) and task.isRunning()
