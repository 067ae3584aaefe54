"""Application state shared by the tabs: data, active model, the evaluation session, running tasks."""

from __future__ import annotations

import time
from pathlib import Path

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Signal

from k49desk.gui.evaluation_session import EvaluationSession
from k49desk.gui.workers import Task
from k49desk.model_choices import ActiveModel, ModelChoice, model_at, model_choices

__all__ = ["ActiveModel", "AppState"]


class AppState(QObject):
    dataDirChanged = Signal(object)  # Path
    dataChanged = Signal(object)  # k49desk.dataset.K49Data or None
    modelChanged = Signal(object)  # ActiveModel or None
    # A model the user has not chosen yet (a run that just finished): offered, never made active unasked; None once
    # it was taken or dismissed.
    modelOffered = Signal(object)  # ActiveModel or None
    # A class chosen outside the evaluation views (a Draw tab candidate); the evaluation session selects it.
    classSelected = Signal(int)
    runsChanged = Signal()  # a run was written or removed
    mlReady = Signal()  # TensorFlow and matplotlib have been imported in the background
    tasksChanged = Signal()

    def __init__(self, data_dir: Path, runs_dir: Path, parent: QObject | None = None):
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.runs_dir = Path(runs_dir)
        self.data = None
        self.model: ActiveModel | None = None
        self.offered_model: ActiveModel | None = None
        self.opened_models: list[ActiveModel] = []  # .keras files opened by hand, listed among the choices
        self.ml_ready = False
        self._tasks: set[Task] = set()
        self._training_process = None
        self.closing = False  # set once the window is closing: no new task starts from then on
        # The current evaluation and the selection in it; follows modelChanged and dataChanged itself.
        self.evaluation_session = EvaluationSession(self, self)
        self.classSelected.connect(self.evaluation_session.select_class)

    def set_data_dir(self, path: Path) -> None:
        self.data_dir = Path(path)
        self.dataDirChanged.emit(self.data_dir)

    def set_data(self, data) -> None:
        self.data = data
        self.dataChanged.emit(data)

    def set_model(self, model: ActiveModel | None) -> None:
        if model is not None and model.run_dir is None and not model.is_starter and model not in self.opened_models:
            self.opened_models.append(model)
        self.model = model
        self.modelChanged.emit(model)
        if model is not None and model == self.offered_model:
            self.dismiss_offered_model()

    def open_model_file(self, path) -> ActiveModel:
        """Make the model in a .keras file active (a run's, the starter or a bare file); ModelError naming the file
        when it is missing or not a .keras file."""
        model = model_at(path)
        self.set_model(model)
        return model

    def model_choices(self) -> list[ModelChoice]:
        """What the user can make active: the starter, every run with a saved model, the files opened by hand."""
        return model_choices(self.runs_dir, self.opened_models)

    def offer_model(self, model: ActiveModel | None) -> None:
        """Tell the user a new model is there to use (the active model stays until they take it)."""
        self.offered_model = model if model != self.model else None
        self.modelOffered.emit(self.offered_model)

    def use_offered_model(self) -> None:
        if self.offered_model is not None:
            self.set_model(self.offered_model)

    def dismiss_offered_model(self) -> None:
        self.offer_model(None)

    def set_ml_ready(self) -> None:
        self.ml_ready = True
        self.mlReady.emit()

    @property
    def training_process(self):
        """The one child process that trains (Train tab runs, fine-tuning, the label scan), created on first use."""
        if self._training_process is None:
            from k49desk.train_process import TrainingProcess

            self._training_process = TrainingProcess()
        return self._training_process

    def end_training_process(self) -> None:
        """End the training process, if one was made (the window is closing; its tasks have ended)."""
        if self._training_process is not None:
            self._training_process.close()

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
