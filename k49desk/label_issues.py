"""Suspicious labels: images whose given label the model disputes, ranked by confident learning (cleanlab).

A listed image is a candidate for a person to look at, not a verdict: the model may be the one that is wrong.
On the test set the probabilities come from the evaluated model; on the training set they must be out of sample
(k49desk.label_scan trains one model per fold). This module only ranks given probabilities, so that
k49desk.evaluation can write label_issues.csv without an import circle.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from k49desk.classes import CLASSES, NUM_CLASSES
from k49desk.errors import DataError

CSV_HEADER = ["rank", "index", "given", "suggested", "given_char", "suggested_char", "self_confidence",
              "suggested_confidence"]


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
