"""Model presets: parameter counts, shapes, and the error for an unknown name."""

from __future__ import annotations

import numpy as np
import pytest

from k49desk import models
from k49desk.errors import ModelError


def test_seed_cnn_has_exactly_the_seed_parameter_count():
    assert models.param_count("seed-cnn") == 97_265
    assert models.param_count("seed-cnn-dropout") == 97_265  # dropout adds no parameters


@pytest.mark.parametrize("name", list(models.ARCHITECTURES))
def test_every_preset_maps_28x28x1_pixels_to_49_probabilities(name):
    model = models.build_model(name)
    assert model.input_shape == (None, 28, 28, 1)
    assert model.output_shape == (None, 49)
    images = np.random.default_rng(0).integers(0, 256, (3, 28, 28, 1)).astype(np.float32)
    probs = np.asarray(model(images, training=False))
    assert probs.shape == (3, 49)
    assert np.allclose(probs.sum(axis=1), 1, atol=1e-5)


def test_augmentation_is_off_at_inference():
    model = models.build_model("resnet-small")
    image = np.zeros((1, 28, 28, 1), np.float32)
    image[0, 4:24, 10:18] = 255
    first, second = (np.asarray(model(image, training=False)) for _ in range(2))
    assert np.array_equal(first, second)


def test_describe_lists_every_preset_with_its_size():
    rows = models.describe()
    assert [r[0] for r in rows] == list(models.ARCHITECTURES)
    assert rows[0] == ("seed-cnn", 97_265, models.ARCHITECTURES["seed-cnn"].description)
    assert models.param_count("resnet-small") > 97_265


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ModelError, match="unknown architecture 'vgg99'.*seed-cnn, seed-cnn-dropout, resnet-small"):
        models.build_model("vgg99")
