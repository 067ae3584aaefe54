"""Suspicious labels: images whose given label the model disputes, ranked by confident learning (cleanlab).

A listed image is a candidate for a person to look at, not a verdict: the model may be the one that is wrong.
On the test set the probabilities come from the evaluated model; on the training set they must be out of sample,
so `cross_validated_probabilities` trains one model per fold (the Trainer, as in the Train tab) and predicts the
fold it did not see.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from k49desk.classes import CLASSES, NUM_CLASSES
from k49desk.errors import Cancelled, DataError

CSV_HEADER = ["rank", "index", "given", "suggested", "given_char", "suggested_char", "self_confidence",
              "suggested_confidence"]
DEFAULT_FOLDS = 5


@dataclass(frozen=True)
class LabelIssue:
    rank: int  # 1 = most suspicious
    index: int  # into the image set the probabilities belong to
    given: int  # the label in the data
    suggested: int  # the class the model reads
    self_confidence: float  # the model's probability for the given label (low = suspicious)
    suggested_confidence: float  # its probability for the suggested class


def find_label_issues(labels, probs) -> list[LabelIssue]:
    """Images whose label looks wrong, most suspicious first (cleanlab's confident learning, ranked by
    self-confidence). labels: (N,) class indices; probs: (N, 49) out-of-sample probabilities."""
    import warnings

    from cleanlab.filter import find_label_issues as cleanlab_find

    labels = np.asarray(labels).astype(np.int64)
    probs = np.asarray(probs, dtype=np.float32)
    if probs.shape != (len(labels), NUM_CLASSES):
        raise DataError(f"probabilities have shape {probs.shape}, expected ({len(labels)}, {NUM_CLASSES})")
    if len(labels) == 0:
        return []
    with warnings.catch_warnings():
        # Classes with very few images make cleanlab warn that its estimates there are rough; the ranking stands.
        warnings.simplefilter("ignore")
        ranked = cleanlab_find(labels, probs, filter_by="prune_by_noise_rate",
                               return_indices_ranked_by="self_confidence", n_jobs=1)
    suggested = probs.argmax(axis=1)
    return [LabelIssue(rank, int(i), int(labels[i]), int(suggested[i]), float(probs[i, labels[i]]),
                       float(probs[i, suggested[i]]))
            for rank, i in enumerate(ranked, start=1)]


def issue_rows(issues: list[LabelIssue]) -> list[list]:
    """CSV_HEADER then one row per issue, the hiragana beside the class indices."""
    return [CSV_HEADER] + [[q.rank, q.index, q.given, q.suggested, CLASSES[q.given].char, CLASSES[q.suggested].char,
                            f"{q.self_confidence:.6f}", f"{q.suggested_confidence:.6f}"] for q in issues]


def write_label_issues_csv(issues: list[LabelIssue], path) -> Path:
    """label_issues.csv: rank, index, given and suggested class (index and character), confidences; atomic."""
    from k49desk.files import write_csv

    return write_csv(Path(path), issue_rows(issues))


# Cross-validation over the training set -------------------------------------------------------------------

@dataclass(frozen=True)
class FoldProgress:
    fold: int  # 1-based
    folds: int
    event: object  # the fold's training event (k49desk.training.BatchProgress, EpochEnd, ...)


def _fold_indices(labels: np.ndarray, folds: int, seed: int) -> list[np.ndarray]:
    """Held-out indices of each fold, stratified by class."""
    from sklearn.model_selection import StratifiedKFold

    if folds < 2:
        raise ValueError(f"cross-validation needs at least 2 folds, not {folds}")
    counts = np.bincount(labels, minlength=NUM_CLASSES)
    present = counts[counts > 0]
    if len(present) == 0 or present.min() < folds:
        raise DataError(f"{folds} folds need at least {folds} training images of every character; the smallest "
                        f"class has {int(present.min()) if len(present) else 0}")
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    return [held for _, held in splitter.split(np.zeros(len(labels)), labels)]


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
    from k49desk import evaluation
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
            model = evaluation.load_model(info.path / "model.keras")
            probs[held] = evaluation.predict_probabilities(model, data.x_train[held], cancel=cancel)
    return probs


def training_label_issues(data, settings, folds: int = DEFAULT_FOLDS, *, progress=None, cancel=None
                          ) -> list[LabelIssue]:
    """Suspicious labels in data's training set from cross-validated probabilities (indices into x_train)."""
    probs = cross_validated_probabilities(data, settings, folds, progress=progress, cancel=cancel)
    return find_label_issues(data.y_train, probs)


def estimate_cross_validation_seconds(data, settings, folds: int = DEFAULT_FOLDS, measured_batches: int = 3) -> float:
    """Seconds `cross_validated_probabilities` will take, from a few training batches timed on this machine.

    Training dominates: folds x epochs x the batches of (folds - 1)/folds of the images, plus Keras' validation
    and the prediction of the held-out fold (forward passes, counted at a third of a training step per image).
    """
    import keras

    from k49desk import models

    if folds < 2:
        raise ValueError(f"cross-validation needs at least 2 folds, not {folds}")
    model = models.build_model(settings.arch)
    model.compile(optimizer=keras.optimizers.Adam(settings.learning_rate), loss="sparse_categorical_crossentropy")
    rng = np.random.default_rng(0)
    batch = min(settings.batch_size, max(len(data.y_train), 1))
    x = data.x_train[rng.integers(0, len(data.y_train), batch)][..., None].astype(np.float32)
    y = rng.integers(0, NUM_CLASSES, batch)
    model.train_on_batch(x, y)  # the first step traces the graph: not part of the rate
    start = time.perf_counter()
    for _ in range(measured_batches):
        model.train_on_batch(x, y)
    per_image = (time.perf_counter() - start) / (measured_batches * batch)
    n = len(data.y_train)
    fold_train = n * (folds - 1) / folds
    trained = fold_train * (1 - settings.validation_split) * settings.epochs
    forward = fold_train * settings.validation_split * settings.epochs + n / folds
    return folds * per_image * (trained + forward / 3)

