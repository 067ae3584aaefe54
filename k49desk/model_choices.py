"""The models a person can make active: the starter model, every run in the runs folder that saved a model, and
`.keras` files opened by hand. Qt-free: the window's model picker, and any view that names the model answering,
read the same list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from k49desk import runs
from k49desk.errors import ModelError, RunError
from k49desk.paths import starter_model_path

STARTER_NAME = "starter model"


@dataclass(frozen=True)
class ActiveModel:
    """The model the Evaluate, Confusions, Draw and Photo tabs use."""

    name: str  # "starter model", the run's name, or a bare file's name
    path: Path  # the .keras file
    run_dir: Path | None = None  # None for the starter model or a bare .keras file

    @property
    def is_starter(self) -> bool:
        return self.path == starter_model_path()


@dataclass(frozen=True)
class ModelChoice:
    """One entry of the model picker: the model and what is known about it."""

    model: ActiveModel
    kind: str  # "starter", "run" or "file"
    created: datetime | None = None  # when the run started
    accuracy: float | None = None  # the run's best validation accuracy
    practice: bool = False  # trained on a practice set (its accuracy is a practice-set figure)


def starter_model() -> ActiveModel | None:
    """The shipped starter model, None when it is not installed."""
    path = starter_model_path()
    return ActiveModel(STARTER_NAME, path) if path.is_file() else None


def model_at(path) -> ActiveModel:
    """The model in a `.keras` file: the starter, a run's best model (its folder holds run.json) or a bare file.

    ModelError naming the file when it is missing or not a `.keras` file."""
    path = Path(path)
    if path.suffix != ".keras":
        raise ModelError(f"{path}: not a Keras model file (.keras)")
    if not path.is_file():
        raise ModelError(f"{path}: model file not found")
    starter = starter_model()
    if starter is not None and path.resolve() == starter.path.resolve():
        return starter
    if path.name == runs.MODEL_FILE and (path.parent / runs.RUN_FILE).is_file():
        return ActiveModel(path.parent.name, path, path.parent)
    return ActiveModel(path.name, path)


def model_choices(runs_dir, opened=()) -> list[ModelChoice]:
    """The starter, then the runs of `runs_dir` that saved a model (newest first), then the `opened` files
    (paths or ActiveModels) not listed already. An unreadable runs folder lists no runs."""
    choices = []
    starter = starter_model()
    if starter is not None:
        choices.append(ModelChoice(starter, "starter"))
    try:
        infos = runs.list_runs(runs_dir)
    except RunError:
        infos = []
    for info in infos:
        path = Path(info.path) / runs.MODEL_FILE
        if info.damaged is None and path.is_file():
            choices.append(ModelChoice(ActiveModel(info.name, path, Path(info.path)), "run", info.created,
                                       info.best_val_accuracy, info.practice))
    listed = {c.model.path.resolve() for c in choices}
    for item in opened:
        model = item if isinstance(item, ActiveModel) else _opened(item)
        if model is not None and model.path.resolve() not in listed:
            listed.add(model.path.resolve())
            choices.append(ModelChoice(model, "file"))
    return choices


def _opened(path) -> ActiveModel | None:
    try:
        return model_at(path)
    except ModelError:
        return None  # gone since it was opened: nothing to choose
