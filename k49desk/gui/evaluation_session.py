"""The evaluation session: the current evaluation, its cache, and what the person has selected in it.

The Evaluate and Confusions tabs (and any view added on top of them) render this one object and call it; none keeps
its own copy. It follows the active model and data itself: when either changes, the evaluation on show is replaced
by the cached one for the new pair, or cleared.

Selection: a class (a report row, a scatter point, a diagonal cell, a character typed in a filter), a confused pair
(true, predicted), and a test image. Choosing a class clears the pair; a new evaluation clears all three. Each
``select_*`` call emits its signal only when the selection changes, so views may call it from their own signal
handlers; views set their widgets from these signals with the widgets' own signals blocked.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from k49desk.gui import i18n
from k49desk.gui.workers import TaskSlot


def evaluation_key(model_path: Path, data) -> tuple:
    """What an evaluation depends on: the model file (and its modification time) and the exact data."""
    path = Path(model_path)
    return (str(path.resolve()), path.stat().st_mtime_ns, data.fingerprint)


class EvaluationSession(QObject):
    evaluationChanged = Signal(object)  # k49desk.evaluation.Evaluation or None; the selection is cleared with it
    classSelected = Signal(int)  # a class index
    pairSelected = Signal(int, int)  # (true, predicted): a confused pair
    imageSelected = Signal(int)  # a test image's index
    busyChanged = Signal(bool)  # an evaluation started (True) or ended (False)
    progressed = Signal(object)  # k49desk.evaluation.EvalProgress, at most every 0.1 s
    reported = Signal(str)  # how the last evaluation ended, in a few words
    failed = Signal(str, str)  # (title, message): an evaluation that could not run or failed

    def __init__(self, state, parent: QObject | None = None):
        super().__init__(parent)
        self.state = state  # AppState: the active model and data, and where tasks start
        self.evaluation = None
        self.key = None  # evaluation_key of what `evaluation` was computed on
        # Evaluations per key, so going back to a model or data evaluated before is instant.
        self.cache: dict[Any, Any] = {}
        self.selected_class: int | None = None
        self.selected_pair: tuple[int, int] | None = None
        self.selected_image: int | None = None
        self._slot = TaskSlot(state, self)
        self._slot.busyChanged.connect(self._on_busy)
        self._running_key = None
        self._started = 0.0
        state.modelChanged.connect(self._follow_target)
        state.dataChanged.connect(self._follow_target)

    # The evaluation ---------------------------------------------------------------------------------------

    def set_evaluation(self, evaluation, key=None) -> None:
        """Show `evaluation` (None clears it), computed on `key`; clears the selection."""
        self.evaluation, self.key = evaluation, (key if evaluation is not None else None)
        self.selected_class = self.selected_pair = self.selected_image = None
        self.evaluationChanged.emit(evaluation)

    def current_key(self):
        """evaluation_key of the active model and loaded data; None when either is missing or unreadable."""
        model, data = self.state.model, self.state.data
        if model is None or data is None:
            return None
        try:
            return evaluation_key(model.path, data)
        except OSError:
            return None

    def _follow_target(self, *_) -> None:
        key = self.current_key()
        cached = self.cache.get(key) if key is not None else None
        if cached is not None:
            if cached is not self.evaluation:
                self.set_evaluation(cached, key)
        elif self.evaluation is not None and (key is None or self.key != key):
            # Another model or other data: the results on show no longer describe them.
            self.set_evaluation(None)

    @property
    def images(self):
        """The test images the evaluation was computed on (the loaded data's), None without an evaluation."""
        data = self.state.data
        return data.x_test if self.evaluation is not None and data is not None else None

    # Running ----------------------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._slot.busy

    @property
    def task(self):
        """The evaluation running, None when none is."""
        return self._slot.task

    def can_evaluate(self) -> bool:
        return self.state.model is not None and self.state.data is not None and not self.busy

    def elapsed_s(self) -> float:
        """Seconds since the running (or last) evaluation started."""
        return time.monotonic() - self._started

    def evaluate(self) -> None:
        """Evaluate the active model on the loaded test set; show a cached result at once when there is one."""
        model, data = self.state.model, self.state.data
        if not self.can_evaluate():
            return
        try:
            key = evaluation_key(model.path, data)
        except OSError as e:
            self.failed.emit(self.tr("Cannot evaluate"), self.tr("{file}: model file cannot be read ({error})").format(
                file=model.path, error=e.strerror or e))
            return
        cached = self.cache.get(key)
        if cached is not None:
            self.set_evaluation(cached, key)
            return

        def run(progress=None, cancel=None):
            from k49desk.evaluation import evaluate

            return evaluate(model.path, data, progress=progress, cancel=cancel)

        self._running_key = key
        self._started = time.monotonic()
        self._slot.run(
            self.tr("evaluation"),
            run,
            on_progress=self.progressed.emit,
            on_success=self._on_succeeded,
            on_failure=self._on_failed,
            on_cancelled=lambda: self.reported.emit(self.tr("Evaluation cancelled")),
            user_work=True,
        )

    def cancel(self) -> None:
        self._slot.cancel()

    def _on_succeeded(self, evaluation) -> None:
        self.cache[self._running_key] = evaluation
        if self._running_key != self.current_key():
            # The model or data changed while it ran: keep the result for when they are chosen again.
            self.reported.emit(self.tr("Evaluated a model or data no longer active; press Evaluate for these"))
            return
        self.reported.emit(self.tr("Evaluated in {time}").format(time=i18n.duration(self.elapsed_s())))
        self.set_evaluation(evaluation, self._running_key)

    def _on_failed(self, message: str) -> None:
        self.reported.emit(self.tr("Evaluation failed"))
        self.failed.emit(self.tr("Evaluation failed"), message)

    def _on_busy(self, busy: bool) -> None:
        self.busyChanged.emit(busy)
        if not busy:
            self._follow_target()

    # Selection --------------------------------------------------------------------------------------------

    def select_class(self, class_index: int) -> None:
        """Choose a class (clearing the pair); ignored without an evaluation."""
        if self.evaluation is None or (self.selected_class == class_index and self.selected_pair is None):
            return
        self.selected_class, self.selected_pair = class_index, None
        self.classSelected.emit(class_index)

    def select_pair(self, true: int, pred: int) -> None:
        """Choose the confused pair (true -> pred); ignored without an evaluation."""
        if self.evaluation is None or self.selected_pair == (true, pred):
            return
        self.selected_pair = (true, pred)
        self.pairSelected.emit(true, pred)

    def select_image(self, test_index: int) -> None:
        """Choose one test image; ignored without an evaluation."""
        if self.evaluation is None or self.selected_image == test_index:
            return
        self.selected_image = test_index
        self.imageSelected.emit(test_index)
