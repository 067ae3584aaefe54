"""The active model as a fast Predictor, loaded on a worker whenever the model changes; shared by every tab that
predicts single images (Draw, Photo), so a model is loaded once however many tabs show its candidates."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Signal

from k49desk.gui import i18n
from k49desk.gui.state import ActiveModel, AppState
from k49desk.gui.workers import TaskSlot, import_ml_modules
from k49desk.paths import starter_model_path


class ActivePredictor(QObject):
    """Follows AppState's active model. `predictor` is None while none is loaded; `loading` while one loads."""

    changed = Signal(object)  # the new Predictor, or None
    statusChanged = Signal(str, bool)  # (text for the user, is it a problem)

    def __init__(self, state: AppState, parent: QObject | None = None):
        super().__init__(parent if parent is not None else state)
        self.state = state
        self.predictor = None
        self.name: str | None = None
        self.status, self.status_is_problem = "", False
        self._slot = TaskSlot(state, self)
        self._loading: ActiveModel | None = None
        state.modelChanged.connect(self._on_model_changed)
        state.mlReady.connect(lambda: self._on_model_changed(state.model))
        self._on_model_changed(state.model)

    @property
    def loading(self) -> bool:
        return self._slot.busy

    def _on_model_changed(self, model: ActiveModel | None) -> None:
        self._slot.drop()  # loading cannot stop half-way; its result is ignored when it arrives
        if model is None:
            self._set(None, None)
            self._set_status(no_model_message(), True)
            return
        if not self.state.ml_ready:
            # Loading imports TensorFlow; the window's own background import comes first so that the window
            # shows at once, and mlReady brings this model back here.
            self._set_status(self.tr("Model: {name} — loads once TensorFlow is ready…").format(name=i18n.model_name(model.name)))
            return
        path = Path(model.path)
        self._loading = model
        if self.predictor is None:
            self._set_status(self.tr("Loading model “{name}”…").format(name=i18n.model_name(model.name)))
        else:
            self._set_status(self.tr("Model: {name} — loading “{new}”…").format(name=i18n.model_name(self.name),
                                                                                new=i18n.model_name(model.name)))
        self._slot.run(self.tr("load model {name}").format(name=model.name),
                       lambda progress, cancel: _load_predictor(path),
                       on_success=self._on_loaded, on_failure=self._on_failed)
        self.changed.emit(self.predictor)

    def _on_loaded(self, predictor) -> None:
        self._set(predictor, self._loading.name)
        self._set_status(self.tr("Model: {name}").format(name=i18n.model_name(self._loading.name)))

    def _on_failed(self, message: str) -> None:
        self._set(None, None)
        self._set_status(self.tr("Could not load model “{name}”: {error}").format(name=i18n.model_name(self._loading.name),
                                                                                  error=message), True)

    def _set(self, predictor, name: str | None) -> None:
        self.predictor, self.name = predictor, name
        self.changed.emit(predictor)

    def _set_status(self, text: str, problem: bool = False) -> None:
        self.status, self.status_is_problem = text, problem
        self.statusChanged.emit(text, problem)


def shared_predictor(state: AppState) -> ActivePredictor:
    """The one ActivePredictor of `state`, made on first use."""
    found = state.findChild(ActivePredictor)
    return found if found is not None else ActivePredictor(state)


def _load_predictor(path: Path):
    import_ml_modules()
    from k49desk.predictor import Predictor

    return Predictor(path)


def no_model_message() -> str:
    starter = starter_model_path()
    if not starter.is_file():
        return QCoreApplication.translate(
            "ActivePredictor", "No model yet: the starter model is missing ({path}). Train a model in the Train tab "
            "or open a run to predict.").format(path=starter)
    return QCoreApplication.translate("ActivePredictor",
                                      "No model is active. Train a model in the Train tab or open a run to predict.")
