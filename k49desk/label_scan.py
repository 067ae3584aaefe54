"""The training-set label scan: out-of-sample probabilities for every training image by k-fold cross-validation
(one model per fold, trained by the Trainer with the preset's recipe), then the suspicious labels among them.

Minutes to hours of training: the window runs it as a job of its training process (k49desk.train_process).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass

import numpy as np

from k49desk.classes import NUM_CLASSES
from k49desk.errors import Cancelled, DataError
from k49desk.label_issues import LabelIssue, find_label_issues

DEFAULT_FOLDS = 5


@dataclass(frozen=True)
class FoldProgress:
    fold: int  # 1-based
    folds: int
    event: object  # the fold's training event (k49desk.training.BatchProgress, EpochEnd, ...)


def _fold_indices(labels: np.ndarray, folds: int, seed: int) -> list[np.ndarray]:
    """Held-out indices of each fold, stratified by class."""
    from sklearn.model_selection import StratifiedKFold

    _check_folds(folds)
    counts = np.bincount(labels, minlength=NUM_CLASSES)
    present = counts[counts > 0]
    if len(present) == 0 or present.min() < folds:
        raise DataError(f"{folds} folds need at least {folds} training images of every character; the smallest "
                        f"class has {int(present.min()) if len(present) else 0}")
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    return [held for _, held in splitter.split(np.zeros(len(labels)), labels)]


def _check_folds(folds: int) -> None:
    if folds < 2:
        raise ValueError(f"cross-validation needs at least 2 folds, not {folds}")


def _fold_data(data, held: np.ndarray):
    from k49desk.dataset import K49Data

    keep = np.ones(len(data.y_train), bool)
    keep[held] = False
    return K49Data(data.x_train[keep], data.y_train[keep], data.x_train[held], data.y_train[held], data.classes,
                   data.data_dir, data.practice, data.practice_info)


def cross_validated_probabilities(data, settings, folds: int = DEFAULT_FOLDS, *, progress=None, cancel=None
                                  ) -> np.ndarray:
    """(N, 49) out-of-sample probabilities for data's training images: per fold, a model trained (Trainer with
    `settings`) on the other folds predicts this one. Cancelled when asked to stop (nothing is kept)."""
    from k49desk.evaluation import predict_probabilities
    from k49desk.modelio import load_model
    from k49desk.training import Trainer

    probs = np.zeros((len(data.y_train), NUM_CLASSES), np.float32)
    with tempfile.TemporaryDirectory(prefix="k49desk-cv-") as tmp:
        for fold, held in enumerate(_fold_indices(data.y_train, folds, settings.seed), start=1):
            if cancel is not None and cancel.is_set():
                raise Cancelled("cross-validation cancelled")
            report = None if progress is None else (lambda event, f=fold: progress(FoldProgress(f, folds, event)))
            info = Trainer(_fold_data(data, held), settings, tmp, f"fold-{fold}").run(progress=report, cancel=cancel)
            if info.status != "completed":
                raise Cancelled("cross-validation cancelled")
            probs[held] = predict_probabilities(load_model(info.path / "model.keras"), data.x_train[held],
                                                cancel=cancel)
    return probs


def scan_training_labels(data, settings, folds: int = DEFAULT_FOLDS, *, progress=None, cancel=None
                         ) -> tuple[object, list[LabelIssue]]:
    """(the cross-validated evaluation of data's training images, their suspicious labels, indices into x_train)."""
    from k49desk import evaluation

    probs = cross_validated_probabilities(data, settings, folds, progress=progress, cancel=cancel)
    ev = evaluation.from_probabilities(data.y_train, probs, data_name=data.name, practice=data.practice,
                                       model_name=f"{settings.arch}, {folds}-fold cross-validation")
    return ev, find_label_issues(data.y_train, probs)


def estimate_scan_seconds(settings, train_size: int, folds: int = DEFAULT_FOLDS, measured_batches: int = 3) -> float:
    """Seconds `scan_training_labels` will take on `train_size` images, from real steps timed here by the Train
    tab's estimator (training.time_steps: the preset's model, recipe, pipeline, batch size, precision, strategy).

    Each fold trains `epochs` epochs on (folds - 1)/folds of the images (its validation split included) and then
    predicts its held-out fold.
    """
    from k49desk.training import split_sizes, time_steps

    _check_folds(folds)
    steps = time_steps(settings, measured_batches)
    epoch = steps.epoch_seconds(*split_sizes(int(train_size * (folds - 1) / folds), settings.validation_split))
    return folds * (settings.epochs * epoch + steps.validation_image_s * train_size / folds)
