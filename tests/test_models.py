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


def test_a_model_with_in_model_augmentation_keeps_it_off_at_inference(tmp_path):
    """Earlier k49desk versions (and the earlier starter model) augmented inside the model with Keras' Random* layers;
    such files still load and predict the same image the same way every time."""
    import keras

    from k49desk.evaluation import load_model

    legacy = keras.Sequential([
        keras.Input((28, 28, 1)), keras.layers.RandomRotation(0.1), keras.layers.RandomTranslation(0.1, 0.1),
        keras.layers.Conv2D(4, 3, activation="relu"), keras.layers.Flatten(),
        keras.layers.Dense(49, activation="softmax"),
    ])
    legacy.save(tmp_path / "legacy.keras")
    model = load_model(tmp_path / "legacy.keras")
    assert any(layer.__class__.__name__ == "RandomRotation" for layer in model.layers)
    image = np.zeros((1, 28, 28, 1), np.float32)
    image[0, 4:24, 10:18] = 255
    first, second = (np.asarray(model(image, training=False)) for _ in range(2))
    assert np.array_equal(first, second)
    assert not np.array_equal(first, np.asarray(model(image, training=True))), "the layers do augment in training"


# kuangliu/pytorch-cifar's PreActResNet18 (3 input channels, 10 classes): 11,171,146 parameters (PyTorch counts
# weights only; BatchNorm's running statistics are buffers). Ours takes 1 channel and gives 49 classes.
PREACT18_CIFAR = 11_171_146
PREACT18_OURS = PREACT18_CIFAR - 3 * 3 * (3 - 1) * 64 + (512 + 1) * (49 - 10)


def test_preact_resnet_18_has_the_source_parameter_count():
    model = models.build_model("preact-resnet-18")
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    assert PREACT18_OURS == 11_190_001 and trainable == PREACT18_OURS
    # Two BNs per block, over the block's input and its width: (64+64)*2, 64+128+128*2, 128+256+256*2, 256+512+512*2.
    bn_channels = 256 + 448 + 896 + 1792
    assert model.count_params() - trainable == 2 * bn_channels  # Keras also counts the moving mean and variance
    assert [layer.output.shape[1] for layer in model.layers if layer.__class__.__name__ == "Add"] == \
        [28, 28, 14, 14, 7, 7, 4, 4]
    recipe = models.get_arch("preact-resnet-18").recipe
    assert (recipe.optimizer, recipe.learning_rate, recipe.momentum, recipe.schedule) == ("sgd", 0.1, 0.9, "cosine")
    assert recipe.mixup_alpha == 1.0 and models.PYTORCH_WEIGHT_DECAY_AS_L2 * 2 == 5e-4
    assert "97.04%" in models.get_arch("preact-resnet-18").published


def test_the_strong_preset_trains_an_epoch_on_a_practice_set(tmp_path):
    from tiny_data import tiny_data

    from k49desk import runs
    from k49desk.training import Trainer, TrainSettings

    settings = TrainSettings.for_arch("preact-resnet-18", epochs=1, batch_size=64)
    assert settings.learning_rate == 0.1
    info = Trainer(tiny_data(), settings, tmp_path, "strong").run()
    assert info.status == "completed" and info.epochs_done == 1 and info.params == models.param_count("preact-resnet-18")
    run = runs.load_run(info.path)
    assert all(len(v) == 1 for v in run.history.values()) and 0 <= run.history["val_accuracy"][0] <= 1


def test_describe_lists_every_preset_with_its_size():
    rows = models.describe()
    assert [r[0] for r in rows] == list(models.ARCHITECTURES)
    assert rows[0] == ("seed-cnn", 97_265, models.ARCHITECTURES["seed-cnn"].description)
    assert models.param_count("resnet-small") > 97_265


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ModelError, match="unknown architecture 'vgg99'.*seed-cnn, seed-cnn-dropout, resnet-small, "
                                         "preact-resnet-mid, preact-resnet-18"):
        models.build_model("vgg99")


def multiply_adds(model) -> tuple[int, list[int]]:
    """(multiply-adds per image of the conv and dense layers, the feature-map sizes the convs run at)."""
    import keras

    total, sizes = 0, set()
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            _, height, width, filters = layer.output.shape
            total += height * width * layer.kernel_size[0] * layer.kernel_size[1] * layer.input.shape[-1] * filters
            sizes.add(height)
        elif isinstance(layer, keras.layers.Dense):
            total += layer.input.shape[-1] * layer.units
    return total, sorted(sizes, reverse=True)


def test_the_mid_presets_description_says_its_sizes_and_compute_as_counted():
    mid, mid_sizes = multiply_adds(models.build_model("preact-resnet-mid"))
    full, full_sizes = multiply_adds(models.build_model("preact-resnet-18"))
    assert (mid_sizes, full_sizes) == ([28, 14, 7], [28, 14, 7, 4])
    assert full / mid == pytest.approx(3.4, abs=0.05)
    description = models.get_arch("preact-resnet-mid").description
    assert "(28/14/7 px)" in description and "~1/3.4 of PreActResNet-18's multiply-adds" in description
