"""Evaluation: predict the test set in batches with a model that fits K49 (see modelio), compute and export the
metrics."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from k49desk.classes import CLASSES, NUM_CLASSES
from k49desk.errors import Cancelled
from k49desk.files import write_atomic, write_csv, write_folder
from k49desk.modelio import check_model, load_model, model_label, outputs_probabilities, probability_function

PREDICT_BATCH = 1024  # big enough that per-call overhead vanishes, small enough to cancel within a fraction of a second


@dataclass(frozen=True)
class EvalProgress:
    done: int  # test images predicted so far
    total: int


@dataclass(frozen=True)
class ClassReport:
    index: int
    char: str
    romaji: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class ConfusedPair:
    true: int
    pred: int
    count: int  # test images of `true` predicted as `pred`
    rate: float  # count / support of `true`


def predict_probabilities(model, images: np.ndarray, *, progress=None, cancel=None, softmax: bool | None = None
                          ) -> np.ndarray:
    """(N, 49) float32 probabilities for (N, 28, 28) uint8 images, in batches; Cancelled if asked to stop.

    softmax: apply softmax to the model's outputs; None (default) probes the model once and applies it when the
    outputs are not probabilities (a model ending in logits), so that every row sums to 1.
    """
    shape = tuple(model.input_shape[1:])
    if softmax is None:
        softmax = not outputs_probabilities(model)
    call = probability_function(model, (None, *shape), softmax)
    total = len(images)
    probs = np.empty((total, NUM_CLASSES), np.float32)
    for start in range(0, total, PREDICT_BATCH):
        if cancel is not None and cancel.is_set():
            raise Cancelled("evaluation cancelled")
        batch = images[start:start + PREDICT_BATCH].reshape((-1, *shape)).astype(np.float32)
        probs[start:start + len(batch)] = call(batch).numpy()
        if progress is not None:
            progress(EvalProgress(start + len(batch), total))
    return probs


@dataclass(eq=False)
class Evaluation:
    y_true: np.ndarray = field(repr=False)
    y_pred: np.ndarray = field(repr=False)
    probs: np.ndarray = field(repr=False)  # (N, 49) float32
    accuracy: float
    balanced_accuracy: float
    report: list[ClassReport] = field(repr=False)
    macro: dict  # precision, recall, f1, support
    weighted: dict
    confusion: np.ndarray = field(repr=False)  # (49, 49) counts, rows true, columns predicted
    data_name: str
    practice: bool
    model_name: str

    @cached_property
    def confusion_normalized(self) -> np.ndarray:
        """Rows divided by their totals (recall on the diagonal); rows of absent classes stay 0."""
        totals = self.confusion.sum(axis=1, keepdims=True)
        return np.divide(self.confusion, totals, out=np.zeros(self.confusion.shape), where=totals > 0)

    def pairs(self, top: int | None = None, by: str = "count") -> list[ConfusedPair]:
        """Off-diagonal (true, predicted) pairs, most confused first, by "count" or by "rate"."""
        return _pairs(self.confusion, top, by)

    def misclassified(self, true: int, pred: int) -> np.ndarray:
        """Indices into the test set of the images of class `true` predicted as `pred`."""
        return np.flatnonzero((self.y_true == true) & (self.y_pred == pred))

    @cached_property
    def label_issues_note(self) -> str | None:
        """Why no suspicious labels can be ranked on this test set, or None when they can."""
        return label_ranking_problem(self.y_true)

    def label_issues(self) -> list:
        """The test images whose label the model disputes (k49desk.label_issues); none when label_issues_note says
        why they cannot be ranked."""
        from k49desk import label_issues

        return [] if self.label_issues_note else label_issues.find_label_issues(self.y_true, self.probs)

    def top_k(self, i: int, k: int = 5) -> list[tuple[int, float]]:
        """The k most probable (class index, probability) for test image i."""
        order = np.argsort(self.probs[i])[::-1][:k]
        return [(int(c), float(self.probs[i, c])) for c in order]


def label_ranking_problem(labels) -> str | None:
    """Why confident learning cannot rank these labels (it compares the classes present: it needs two at least),
    or None when it can."""
    labels = np.asarray(labels)
    present = np.unique(labels)
    if len(present) != 1:
        return None
    what = "its one image is" if len(labels) == 1 else f"all {len(labels):,} images are"
    return (f"no suspicious labels can be ranked: {what} of one class ({CLASSES[int(present[0])].char}), and "
            f"confident learning needs images of at least two classes to compare")


def _pairs(confusion: np.ndarray, top: int | None, by: str) -> list[ConfusedPair]:
    if by not in ("count", "rate"):
        raise ValueError(f"by must be 'count' or 'rate', not {by!r}")
    support = confusion.sum(axis=1)
    pairs = [
        ConfusedPair(int(t), int(p), int(confusion[t, p]), float(confusion[t, p] / support[t]))
        for t, p in zip(*np.nonzero(confusion))
        if t != p
    ]
    key = (lambda q: (-q.count, -q.rate, q.true, q.pred)) if by == "count" else (
        lambda q: (-q.rate, -q.count, q.true, q.pred))
    pairs.sort(key=key)
    return pairs if top is None else pairs[:top]


def confused_pairs(y_true, y_pred, top: int | None = 10, by: str = "count") -> list[ConfusedPair]:
    """The `top` most frequent off-diagonal (true, predicted) pairs, by "count" or by "rate" (count / support)."""
    from sklearn.metrics import confusion_matrix

    return _pairs(confusion_matrix(y_true, y_pred, labels=range(NUM_CLASSES)), top, by)


def from_probabilities(y_true, probs, *, data_name: str, practice: bool, model_name: str) -> Evaluation:
    """All metrics from true labels and (N, 49) predicted probabilities."""
    import warnings

    from sklearn.metrics import (accuracy_score, balanced_accuracy_score, confusion_matrix,
                                 precision_recall_fscore_support)

    y_true = np.asarray(y_true).astype(np.int64)
    probs = np.asarray(probs, dtype=np.float32)
    y_pred = probs.argmax(axis=1)
    labels = list(range(NUM_CLASSES))
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, zero_division=0)
    averages = {}
    for average in ("macro", "weighted"):
        p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, labels=labels, average=average, zero_division=0)
        averages[average] = {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(len(y_true))}
    with warnings.catch_warnings():
        # A small practice set may lack a class the model predicts; sklearn warns and averages over present ones.
        warnings.simplefilter("ignore", UserWarning)
        balanced = balanced_accuracy_score(y_true, y_pred)
    return Evaluation(
        y_true=y_true,
        y_pred=y_pred,
        probs=probs,
        accuracy=float(accuracy_score(y_true, y_pred)),
        balanced_accuracy=float(balanced),
        report=[ClassReport(c.index, c.char, c.romaji, float(precision[c.index]), float(recall[c.index]),
                            float(f1[c.index]), int(support[c.index])) for c in CLASSES],
        macro=averages["macro"],
        weighted=averages["weighted"],
        confusion=confusion_matrix(y_true, y_pred, labels=labels),
        data_name=data_name,
        practice=practice,
        model_name=model_name,
    )


def evaluate(model_or_path, data, *, progress=None, cancel=None) -> Evaluation:
    """Predict data's test set with a model (or a .keras path) and compute every metric."""
    if isinstance(model_or_path, (str, os.PathLike)):
        model, name = load_model(model_or_path), model_label(model_or_path)
    else:
        model, name = check_model(model_or_path, model_or_path.name), model_or_path.name
    probs = predict_probabilities(model, data.x_test, progress=progress, cancel=cancel)
    return from_probabilities(data.y_test, probs, data_name=data.name, practice=data.practice, model_name=name)


def write_report_csv(ev: Evaluation, path) -> Path:
    """Per-class precision, recall, F1 and support labelled with the hiragana, then macro and weighted averages."""
    rows = [["index", "char", "romaji", "precision", "recall", "f1", "support"]]
    rows += [[c.index, c.char, c.romaji, f"{c.precision:.6f}", f"{c.recall:.6f}", f"{c.f1:.6f}", c.support]
             for c in ev.report]
    rows += [["", f"{name} avg", "", f"{avg['precision']:.6f}", f"{avg['recall']:.6f}", f"{avg['f1']:.6f}",
              avg["support"]] for name, avg in (("macro", ev.macro), ("weighted", ev.weighted))]
    return write_csv(path, rows)


def write_confusion_csv(ev: Evaluation, path) -> Path:
    """Confusion counts: one row per true character, one column per predicted character."""
    rows = [["true \\ predicted", *(c.char for c in CLASSES)]]
    rows += [[c.char, *ev.confusion[c.index].tolist()] for c in CLASSES]
    return write_csv(path, rows)


def write_predictions_csv(ev: Evaluation, path) -> Path:
    """One row per test image: index, true and predicted class and character, confidence of the prediction."""
    confidence = ev.probs[np.arange(len(ev.y_pred)), ev.y_pred]
    rows = [["index", "true", "predicted", "true_char", "predicted_char", "confidence"]]
    rows += [[i, int(t), int(p), CLASSES[t].char, CLASSES[p].char, f"{c:.6f}"]
             for i, (t, p, c) in enumerate(zip(ev.y_true, ev.y_pred, confidence))]
    return write_csv(path, rows)


def _write_npy(path: Path, array: np.ndarray) -> Path:
    return write_atomic(path, lambda f: np.save(f, array))


def write_confusion_normalized_csv(ev: Evaluation, path) -> Path:
    """The confusion matrix with each row divided by its total (the share of the true character's images):
    the layout of confusion.csv, recall on the diagonal, rows of characters absent from the test set all 0."""
    rows = [["true \\ predicted", *(c.char for c in CLASSES)]]
    rows += [[c.char, *(f"{v:.6f}" for v in ev.confusion_normalized[c.index])] for c in CLASSES]
    return write_csv(path, rows)


def write_pairs_csv(ev: Evaluation, path, by: str = "count") -> Path:
    """Every confused (true, predicted) pair, most confused first, with the test-set indices of its images."""
    rows = [["true", "predicted", "true_char", "predicted_char", "count", "rate", "indices"]]
    rows += [[p.true, p.pred, CLASSES[p.true].char, CLASSES[p.pred].char, p.count, f"{p.rate:.6f}",
              " ".join(map(str, ev.misclassified(p.true, p.pred).tolist()))] for p in ev.pairs(by=by)]
    return write_csv(path, rows)


EVALUATION_FILES = ("report.csv", "confusion.csv", "confusion_normalized.csv", "pairs.csv", "predictions.csv",
                    "label_issues.csv", "y_pred.npy", "probs.npy", "summary.txt", "summary.json")


def write_evaluation(ev: Evaluation, out_dir) -> list[Path]:
    """EVALUATION_FILES in out_dir: report, confusion counts and row-normalised, confused pairs with the indices
    of their images, predictions, suspicious labels (k49desk.label_issues), y_pred.npy, probs.npy, summary.txt, and
    summary.json (figures(), for programs: the Draw and Photo tabs say what a run's model was measured on).

    Written into a hidden folder beside out_dir and moved in: never half of them. DataError naming out_dir when
    it cannot be written.
    """
    from k49desk import label_issues

    out_dir = Path(out_dir)
    writers = {
        "report.csv": lambda p: write_report_csv(ev, p),
        "confusion.csv": lambda p: write_confusion_csv(ev, p),
        "confusion_normalized.csv": lambda p: write_confusion_normalized_csv(ev, p),
        "pairs.csv": lambda p: write_pairs_csv(ev, p),
        "predictions.csv": lambda p: write_predictions_csv(ev, p),
        "label_issues.csv": lambda p: label_issues.write_label_issues_csv(ev.label_issues(), p),
        "y_pred.npy": lambda p: _write_npy(p, ev.y_pred.astype(np.uint8)),
        "probs.npy": lambda p: _write_npy(p, ev.probs),
        "summary.txt": lambda p: write_atomic(p, lambda f: f.write((summary(ev) + "\n").encode("utf-8"))),
        "summary.json": lambda p: write_atomic(p, lambda f: f.write(json.dumps(figures(ev), indent=2).encode())),
    }
    return write_folder(out_dir, writers, "the evaluation", "evaluation folder", needed_bytes=_evaluation_bytes(ev))


def _evaluation_bytes(ev: Evaluation) -> int:
    """About the size of EVALUATION_FILES: the arrays, ~32 bytes a predictions.csv row, ~6 an index in pairs.csv,
    ~60 a label_issues.csv row (one per image), two 49x49 tables, a few kB of report and summary."""
    return ev.probs.nbytes + ev.y_pred.size + len(ev.y_true) * (32 + 6 + 60) + 2 * NUM_CLASSES ** 2 * 10 + 16_000


def figures(ev: Evaluation) -> dict:
    """The headline figures and what they were measured on: model, data, test images, top-1, top-5, balanced."""
    top5 = np.argpartition(ev.probs, -5, axis=1)[:, -5:] if len(ev.y_true) else np.zeros((0, 5), int)
    return {"model": ev.model_name, "data": ev.data_name, "practice": bool(ev.practice),
            "test_images": int(len(ev.y_true)), "accuracy": float(ev.accuracy),
            "top5_accuracy": float((top5 == ev.y_true[:, None]).any(axis=1).mean()) if len(ev.y_true) else 0.0,
            "balanced_accuracy": float(ev.balanced_accuracy)}


def summary(ev: Evaluation, top: int = 10) -> str:
    """A readable text summary: headline numbers, weakest characters, most confused pairs."""
    lines = []
    if ev.practice:
        lines.append("PRACTICE SET - not K49: these numbers say nothing about real Kuzushiji.")
    lines += [
        f"Model {ev.model_name} on the {ev.data_name}: {len(ev.y_true):,} test images",
        f"  balanced accuracy {ev.balanced_accuracy:.2%}   accuracy {ev.accuracy:.2%}",
        f"  macro    precision {ev.macro['precision']:.3f}  recall {ev.macro['recall']:.3f}  f1 {ev.macro['f1']:.3f}",
        f"  weighted precision {ev.weighted['precision']:.3f}  recall {ev.weighted['recall']:.3f}"
        f"  f1 {ev.weighted['f1']:.3f}",
        "Weakest characters (F1):",
    ]
    weakest = sorted((c for c in ev.report if c.support), key=lambda c: (c.f1, c.index))[:5]
    lines += [f"  {c.char} ({c.romaji}): f1 {c.f1:.3f}  precision {c.precision:.3f}  recall {c.recall:.3f}"
              f"  support {c.support}" for c in weakest]
    for by, title in (("count", "Most confused pairs (true -> predicted, by count):"),
                      ("rate", "Most confused pairs (by rate = share of the true character's images):")):
        lines.append(title)
        lines += [f"  {CLASSES[p.true].label} -> {CLASSES[p.pred].label}: {p.count} ({p.rate:.1%})"
                  for p in ev.pairs(top=top, by=by)] or ["  none"]
    if ev.label_issues_note:
        lines.append(f"Suspicious labels: {ev.label_issues_note}.")
    return "\n".join(lines)
