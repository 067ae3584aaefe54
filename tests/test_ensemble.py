"""models.ensemble_of: two resnet-small models read as one (the shipped starter is such a pair)."""

from __future__ import annotations

import numpy as np
import pytest

from k49desk import models
from k49desk.errors import ModelError


@pytest.fixture(scope="module")
def members():
    import keras

    from k49desk import training

    keras.utils.set_random_seed(3)
    # One member in mixed bfloat16, as the starter's members were trained; the ensemble computes in float32.
    return [training.build_for_training("resnet-small", "mixed_bfloat16"), models.build_model("resnet-small")]


@pytest.fixture(scope="module")
def images():
    return np.random.default_rng(1).integers(0, 256, (6, 28, 28, 1)).astype(np.float32)


def test_the_ensemble_gives_the_normalized_geometric_mean_of_its_members(members, images, tmp_path):
    from k49desk.modelio import load_model

    ensemble = models.ensemble_of(members, name="pair")
    ensemble.save(tmp_path / "pair.keras")
    loaded = load_model(tmp_path / "pair.keras")  # an ordinary Keras file: no custom objects needed
    # The members' weights, with one output layer: their kernels stacked, one bias (49 numbers fewer).
    assert loaded.count_params() == sum(m.count_params() for m in members) - 49
    assert all(layer.compute_dtype == "float32" for layer in loaded.layers)
    probs = [np.asarray(models.float32_copy(m)(images, training=False), np.float64) for m in members]
    geometric = np.exp(np.mean(np.log(probs), axis=0))
    geometric /= geometric.sum(axis=1, keepdims=True)
    got = np.asarray(loaded(images, training=False))
    assert np.allclose(got, geometric, atol=1e-5)
    # Not the arithmetic mean (the two differ for members that disagree).
    assert not np.allclose(got, np.mean(probs, axis=0), atol=1e-5)


def test_a_member_without_pooling_dropout_and_softmax_is_refused():
    with pytest.raises(ModelError, match="must end in global pooling, dropout and the 49-way softmax"):
        models.ensemble_of([models.build_model("resnet-small"), models.build_model("seed-cnn")])


def test_grad_cam_explains_both_members_feature_maps(members, images):
    """Grad-CAM takes the last convolutional block: for the ensemble, both members' maps side by side."""
    from k49desk.explain import Explainer, _last_conv_output

    ensemble = models.ensemble_of(members)
    block = _last_conv_output(ensemble)
    assert tuple(block.shape[1:]) == (7, 7, 2 * 128)
    saliency = Explainer(ensemble, "gradcam").explain(images[0, ..., 0])
    assert saliency.map.shape == (28, 28) and np.isfinite(saliency.map).all() and np.abs(saliency.map).max() > 0
