"""Suspicious labels: every image ranked by how likely its given label is wrong (cleanlab's label-quality score),
with confident learning's verdict beside it.

A list people read top-down is ranked over every image (cleanlab.rank.get_label_quality_scores): with 40 labels
flipped in a practice set, 38-40 of them were in its first 80 rows, against 29-31 when only the images confident
learning flags (cleanlab.filter.find_label_issues) were listed. The flag stays as a column and a filter.
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

CSV_HEADER = ["rank", "index", "given", "suggested", "given_char", "suggested_char", "self_confidence", "flagged",
              "suggested_confidence"]
# cleanlab's label-quality method: the model's probability for the given label (its default).
QUALITY_METHOD = "self_confidence"


@dataclass(frozen=True)
class LabelIssue:
    rank: int  # 1 = most suspicious
    index: int  # into the image set the probabilities belong to
    given: int  # the label in the data
    suggested: int  # the class the model reads
    self_confidence: float  # the label-quality score: the model's probability for the given label (low = suspicious)
    suggested_confidence: float  # its probability for the suggested class
    flagged: bool = False  # confident learning's filter picks it out as a label issue


def find_label_issues(labels, probs) -> list[LabelIssue]:
    """Every image, the most suspicious label first: ranked by cleanlab's label-quality score (QUALITY_METHOD; ties
    by index), each with confident learning's flag (prune_by_noise_rate). labels: (N,) class indices; probs: (N, 49)
    out-of-sample probabilities."""
    import warnings

    from cleanlab.filter import find_label_issues as cleanlab_find
    from cleanlab.rank import get_label_quality_scores

    labels = np.asarray(labels).astype(np.int64)
    probs = np.asarray(probs, dtype=np.float32)
    if probs.shape != (len(labels), NUM_CLASSES):
        raise DataError(f"probabilities have shape {probs.shape}, expected ({len(labels)}, {NUM_CLASSES})")
    if len(labels) == 0:
        return []
    with warnings.catch_warnings():
        # Classes with very few images make cleanlab warn that its estimates there are rough; the ranking stands.
        warnings.simplefilter("ignore")
        flagged = cleanlab_find(labels, probs, filter_by="prune_by_noise_rate", n_jobs=1)
    quality = get_label_quality_scores(labels, probs, method=QUALITY_METHOD)
    suggested = probs.argmax(axis=1)
    return [LabelIssue(rank, int(i), int(labels[i]), int(suggested[i]), float(quality[i]),
                       float(probs[i, suggested[i]]), bool(flagged[i]))
            for rank, i in enumerate(np.argsort(quality, kind="stable"), start=1)]


def issue_rows(issues: list[LabelIssue]) -> list[list]:
    """CSV_HEADER then one row per issue, the hiragana beside the class indices."""
    return [CSV_HEADER] + [[q.rank, q.index, q.given, q.suggested, CLASSES[q.given].char, CLASSES[q.suggested].char,
                            f"{q.self_confidence:.6f}", int(q.flagged), f"{q.suggested_confidence:.6f}"]
                           for q in issues]


def write_label_issues_csv(issues: list[LabelIssue], path) -> Path:
    """label_issues.csv: rank, index, given and suggested class (index and character), label quality, confident
    learning's flag (1/0), the probability of the suggested class; atomic."""
    from k49desk.files import write_csv

    return write_csv(Path(path), issue_rows(issues))
