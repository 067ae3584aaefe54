"""Predictor: the fast single-image path agrees with the batched one and explains bad input."""

from __future__ import annotations

import numpy as np
import pytest

from k49desk import dataset, evaluation, modelio
from k49desk.classes import Hiragana
from k49desk.errors import ModelError
from k49desk.predictor import Predictor


@pytest.fixture(scope="module")
def predictor(trained_run):
    return Predictor(trained_run / "model.keras")


def test_top_k_agrees_with_batched_evaluation(predictor, trained_run, practice_dir):
    data = dataset.load(practice_dir)
    probs = evaluation.predict_probabilities(modelio.load_model(trained_run / "model.keras"), data.x_test[:20])
    for image, expected in zip(data.x_test[:20], probs):
        assert np.allclose(predictor.probabilities(image), expected, atol=1e-5)
        top = predictor.top_k(image, k=5)
        assert [h.index for h, _ in top] == list(np.argsort(expected)[::-1][:5])
        assert all(isinstance(h, Hiragana) for h, _ in top)
    assert predictor.probabilities(data.x_test[0][..., None]).shape == (49,)
    assert predictor.name == trained_run.name


def test_one_traced_graph_serves_every_prediction(predictor, monkeypatch):
    """The canvas path never goes through model.predict (~60 ms a call) and never retraces (timings: bench/)."""
    monkeypatch.setattr(predictor.model, "predict", lambda *a, **k: pytest.fail("model.predict was called"))
    image = np.zeros((28, 28), np.uint8)
    image[2:26, 10:18] = 255
    for value in (255, 128, 1):
        image[2:26, 10:18] = value
        predictor.top_k(image)
        predictor.probabilities(image[..., None])
    # One concrete graph: it cannot be traced again, whatever it is called with.
    from tensorflow.python.eager.polymorphic_function.concrete_function import ConcreteFunction

    assert isinstance(predictor._call, ConcreteFunction)


@pytest.mark.parametrize("shape", [(28,), (1, 28, 28), (32, 32), (2, 28, 28, 1)])
def test_wrong_image_shapes_are_explained(predictor, shape):
    with pytest.raises(ValueError, match=r"expected one 28x28 image, got an array of shape"):
        predictor.top_k(np.zeros(shape, np.uint8))


def test_a_model_that_does_not_fit_is_refused(tmp_path):
    import keras

    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(10)], name="ten")
    with pytest.raises(ModelError, match="ten: model output is 10"):
        Predictor(model)
    with pytest.raises(ModelError, match="model file not found"):
        Predictor(tmp_path / "missing.keras")


def test_a_model_ending_in_logits_shows_probabilities():
    """A final Dense without softmax outputs logits: bars would go below 0% and past 100% without the probe."""
    import keras

    logits = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(49)], name="lg")
    predictor = Predictor(logits)
    assert predictor.applies_softmax
    # Faint ink keeps the logits moderate, so that the softmax does not saturate into ties at 0 and 1.
    image = np.random.default_rng(3).integers(0, 2, (28, 28)).astype(np.uint8)
    raw = np.asarray(logits(image[None, ..., None].astype(np.float32), training=False))[0]
    assert raw.min() < 0, "the raw outputs are not probabilities"
    probs = predictor.probabilities(image)
    assert probs.min() >= 0 and probs.max() <= 1 and probs.sum() == pytest.approx(1, abs=1e-5)
    assert np.allclose(probs, np.exp(raw - raw.max()) / np.exp(raw - raw.max()).sum(), atol=1e-5)
    top = predictor.top_k(image, k=5)
    assert [h.index for h, _ in top] == list(np.argsort(raw)[::-1][:5])
    assert all(0 <= p <= 1 for _, p in top)
    assert predictor.trained_on is None and predictor.practice is None


def test_a_softmax_model_is_left_alone_and_knows_its_training_data(predictor, trained_run):
    assert not predictor.applies_softmax
    assert predictor.trained_on["practice"] and predictor.trained_on["name"] == "practice set"
    assert predictor.practice is True


def test_the_starter_model_and_bare_files_training_data(tmp_path, trained_run):
    import shutil

    from k49desk import paths
    from k49desk.predictor import training_data

    starter = paths.starter_model_path()
    if starter.is_file():
        assert training_data(starter)["practice"] is True
        copy = tmp_path / "copy.keras"
        shutil.copyfile(starter, copy)
        assert training_data(copy)["practice"] is True
    bare = tmp_path / "bare.keras"
    shutil.copyfile(trained_run / "model.keras", bare)
    assert training_data(bare) is None
