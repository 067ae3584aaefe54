"""Evaluation: metrics equal sklearn's, confused pairs, exports, and models that do not fit K49 are refused."""

from __future__ import annotations

import csv
import json
import threading

import numpy as np
import pytest

from k49desk import evaluation, files, modelio
from k49desk.classes import CHARS, CLASSES
from k49desk.errors import Cancelled


def random_evaluation(seed=0, n=600):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 49, n)
    logits = rng.normal(size=(n, 49)).astype(np.float32)
    logits[np.arange(n), y_true] += 2.5  # mostly right, with plenty of confusions
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return evaluation.from_probabilities(y_true, probs, data_name="practice set", practice=True, model_name="m")


def test_metrics_equal_sklearn():
    from sklearn.metrics import accuracy_score, balanced_accuracy_score, classification_report, confusion_matrix

    ev = random_evaluation()
    assert np.array_equal(ev.y_pred, ev.probs.argmax(axis=1))
    assert ev.accuracy == pytest.approx(accuracy_score(ev.y_true, ev.y_pred))
    assert ev.balanced_accuracy == pytest.approx(balanced_accuracy_score(ev.y_true, ev.y_pred))
    expected = classification_report(ev.y_true, ev.y_pred, labels=list(range(49)), output_dict=True, zero_division=0)
    for c in ev.report:
        want = expected[str(c.index)]
        assert (c.char, c.romaji) == (CLASSES[c.index].char, CLASSES[c.index].romaji)
        assert (c.precision, c.recall, c.f1) == pytest.approx((want["precision"], want["recall"], want["f1-score"]))
        assert c.support == want["support"]
    for name, avg in (("macro avg", ev.macro), ("weighted avg", ev.weighted)):
        assert (avg["precision"], avg["recall"], avg["f1"]) == pytest.approx(
            (expected[name]["precision"], expected[name]["recall"], expected[name]["f1-score"]))
    assert np.array_equal(ev.confusion, confusion_matrix(ev.y_true, ev.y_pred, labels=range(49)))
    rows = ev.confusion_normalized.sum(axis=1)
    assert np.allclose(rows[ev.confusion.sum(axis=1) > 0], 1)
    assert np.allclose(np.diag(ev.confusion_normalized), [c.recall for c in ev.report])


def test_confused_pairs_by_count_and_by_rate():
    # 10 images of あ (0): 3 read as い (1); 2 images of う (2): both read as え (3); one お (4) read right.
    y_true = [0] * 10 + [2, 2, 4]
    y_pred = [0] * 7 + [1] * 3 + [3, 3, 4]
    by_count = evaluation.confused_pairs(y_true, y_pred, top=10, by="count")
    assert [(p.true, p.pred, p.count) for p in by_count] == [(0, 1, 3), (2, 3, 2)]
    assert by_count[0].rate == pytest.approx(0.3)
    by_rate = evaluation.confused_pairs(y_true, y_pred, by="rate")
    assert [(p.true, p.pred, p.rate) for p in by_rate] == [(2, 3, 1.0), (0, 1, 0.3)]
    assert evaluation.confused_pairs(y_true, y_pred, top=1) == by_count[:1]
    with pytest.raises(ValueError, match="by must be"):
        evaluation.confused_pairs(y_true, y_pred, by="size")


def test_pairs_misclassified_and_top_k_agree():
    ev = random_evaluation()
    pairs = ev.pairs()
    assert pairs and all(p.true != p.pred for p in pairs)
    assert sum(p.count for p in pairs) == int((ev.y_true != ev.y_pred).sum())
    worst = pairs[0]
    indices = ev.misclassified(worst.true, worst.pred)
    assert len(indices) == worst.count
    assert np.all(ev.y_true[indices] == worst.true) and np.all(ev.y_pred[indices] == worst.pred)
    top = ev.top_k(int(indices[0]), k=5)
    assert top[0][0] == worst.pred and len(top) == 5
    assert [p for _, p in top] == sorted((p for _, p in top), reverse=True)


def test_write_evaluation_files(tmp_path):
    ev = random_evaluation(n=200)
    written = evaluation.write_evaluation(ev, tmp_path / "out")
    assert sorted(p.name for p in written) == sorted(
        ["report.csv", "confusion.csv", "confusion_normalized.csv", "pairs.csv", "predictions.csv",
         "label_issues.csv", "y_pred.npy", "probs.npy", "summary.txt", "summary.json"]) == sorted(
        evaluation.EVALUATION_FILES)
    assert all(p.parent == tmp_path / "out" and p.is_file() for p in written)
    figures = json.loads((tmp_path / "out" / "summary.json").read_text())
    top5 = np.argsort(ev.probs, axis=1)[:, -5:]
    assert figures == {"model": "m", "data": "practice set", "practice": True, "test_images": 200,
                       "accuracy": pytest.approx(ev.accuracy), "balanced_accuracy": pytest.approx(ev.balanced_accuracy),
                       "top5_accuracy": pytest.approx(np.mean([y in row for y, row in zip(ev.y_true, top5)]))}
    assert ev.accuracy < figures["top5_accuracy"] < 1
    assert not [p for p in tmp_path.rglob(".*")], "no staging folder or temporary file is left behind"
    with open(tmp_path / "out" / "label_issues.csv", encoding="utf-8") as f:
        issues = list(csv.reader(f))
    assert issues[0] == ["rank", "index", "given", "suggested", "given_char", "suggested_char", "self_confidence",
                         "suggested_confidence"]
    assert all(int(row[2]) == ev.y_true[int(row[1])] for row in issues[1:])
    with open(tmp_path / "out" / "report.csv", encoding="utf-8") as f:
        report = list(csv.reader(f))
    assert report[0] == ["index", "char", "romaji", "precision", "recall", "f1", "support"]
    assert report[1][:3] == ["0", "あ", "a"] and report[49][1:3] == ["ゝ", "iteration mark"]
    assert [r[1] for r in report[50:]] == ["macro avg", "weighted avg"]
    assert float(report[50][5]) == pytest.approx(ev.macro["f1"], abs=1e-6)
    with open(tmp_path / "out" / "confusion.csv", encoding="utf-8") as f:
        confusion = list(csv.reader(f))
    assert confusion[0][1:] == list(CHARS) and [r[0] for r in confusion[1:]] == list(CHARS)
    assert np.array_equal(np.array([r[1:] for r in confusion[1:]], dtype=int), ev.confusion)
    with open(tmp_path / "out" / "confusion_normalized.csv", encoding="utf-8") as f:
        normalized = list(csv.reader(f))
    assert normalized[0] == confusion[0] and [r[0] for r in normalized[1:]] == list(CHARS)
    shares = np.array([r[1:] for r in normalized[1:]], dtype=float)
    assert np.allclose(shares, ev.confusion_normalized, atol=1e-6)
    present = ev.confusion.sum(axis=1) > 0
    assert np.allclose(shares[present].sum(axis=1), 1, atol=1e-4) and not shares[~present].any()
    with open(tmp_path / "out" / "pairs.csv", encoding="utf-8") as f:
        pairs = list(csv.DictReader(f))
    assert list(pairs[0]) == ["true", "predicted", "true_char", "predicted_char", "count", "rate", "indices"]
    expected = ev.pairs()
    assert [(int(r["true"]), int(r["predicted"]), int(r["count"])) for r in pairs] == [
        (q.true, q.pred, q.count) for q in expected]
    counts = [int(r["count"]) for r in pairs]
    assert counts == sorted(counts, reverse=True) and sum(counts) == int((ev.y_true != ev.y_pred).sum())
    for r, q in zip(pairs, expected):
        assert (r["true_char"], r["predicted_char"]) == (CHARS[q.true], CHARS[q.pred])
        assert float(r["rate"]) == pytest.approx(q.rate, abs=1e-6)
        indices = [int(i) for i in r["indices"].split()]
        assert indices == ev.misclassified(q.true, q.pred).tolist() and len(indices) == q.count
    with open(tmp_path / "out" / "predictions.csv", encoding="utf-8") as f:
        predictions = list(csv.DictReader(f))
    assert len(predictions) == 200
    row = predictions[7]
    assert (int(row["true"]), int(row["predicted"])) == (ev.y_true[7], ev.y_pred[7])
    assert row["predicted_char"] == CHARS[ev.y_pred[7]]
    assert float(row["confidence"]) == pytest.approx(ev.probs[7].max(), abs=1e-6)
    assert np.array_equal(np.load(tmp_path / "out" / "y_pred.npy"), ev.y_pred)
    text = (tmp_path / "out" / "summary.txt").read_text(encoding="utf-8")
    assert "PRACTICE SET - not K49" in text
    top = expected[0]
    assert f"{CLASSES[top.true].label} -> {CLASSES[top.pred].label}: {top.count}" in text.split("Most confused")[1]


def test_unwritable_output_is_a_data_error_and_leaves_nothing(tmp_path):
    from k49desk.errors import DataError

    ev = random_evaluation(n=100)
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way")
    with pytest.raises(DataError, match="a-file: is a file, not a folder"):
        evaluation.write_evaluation(ev, blocker)
    with pytest.raises(DataError, match=r"a-file/ev: cannot be created: .*a-file is a file"):
        evaluation.write_evaluation(ev, blocker / "ev")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"] and blocker.read_text() == "in the way"
    assert files.check_output_folder(tmp_path / "new" / "deeper") == tmp_path / "new" / "deeper"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"], "the check creates nothing"


def test_evaluate_a_run_model_with_progress_and_cancel(trained_run, practice_dir):
    from k49desk import dataset

    data = dataset.load(practice_dir)
    events = []
    ev = evaluation.evaluate(trained_run / "model.keras", data, progress=events.append)
    assert ev.probs.shape == (len(data.y_test), 49) and ev.probs.dtype == np.float32
    assert np.allclose(ev.probs.sum(axis=1), 1, atol=1e-4)
    assert events[-1] == evaluation.EvalProgress(len(data.y_test), len(data.y_test))
    assert ev.model_name == trained_run.name and ev.data_name == "practice set" and ev.practice
    assert ev.balanced_accuracy > 1 / 49  # one epoch on the practice set already beats chance
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        evaluation.evaluate(trained_run / "model.keras", data, cancel=cancel)


def test_a_model_ending_in_logits_gets_softmax(tmp_path):
    import keras

    logits = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(49)], name="lg")
    assert not modelio.outputs_probabilities(logits)
    images = np.random.default_rng(1).integers(0, 256, (30, 28, 28)).astype(np.uint8)
    probs = evaluation.predict_probabilities(logits, images)
    assert probs.min() >= 0 and probs.max() <= 1 and np.allclose(probs.sum(axis=1), 1, atol=1e-5)
    raw = np.asarray(logits(images[..., None].astype(np.float32), training=False))
    assert np.array_equal(probs.argmax(axis=1), raw.argmax(axis=1))
    ev = evaluation.evaluate(logits, type("D", (), {"x_test": images, "y_test": np.zeros(30, int), "name": "x",
                                                    "practice": True})())
    assert np.allclose(ev.probs.sum(axis=1), 1, atol=1e-5)
    softmax = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(), keras.layers.Dense(49, "softmax")])
    assert modelio.outputs_probabilities(softmax)
