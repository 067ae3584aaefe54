"""Architecture presets: each builds an uncompiled Keras model from (28, 28, 1) uint8-valued pixels to 49 probabilities."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from k49desk.classes import NUM_CLASSES
from k49desk.errors import ModelError

INPUT_SHAPE = (28, 28, 1)


@dataclass(frozen=True)
class ArchSpec:
    name: str
    description: str
    build: Callable[[], object]  # () -> keras.Model


def _seed_cnn(dropout: float, name: str):
    """The seed recipe: two conv/pool blocks and a softmax; pixels are scaled inside so callers feed 0..255."""
    import keras
    from keras import layers

    inputs = keras.Input(INPUT_SHAPE, name="image")
    x = layers.Rescaling(1 / 255)(inputs)
    for filters in (32, 64):
        x = layers.Conv2D(filters, 3, activation="relu")(x)
        x = layers.MaxPooling2D(2)(x)
        if dropout:
            x = layers.Dropout(dropout)(x)
    x = layers.Flatten()(x)
    outputs = layers.Dense(NUM_CLASSES, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name=name)


def _batch_norm():
    """Batch norm whose inference statistics settle within an epoch: Keras' default momentum (0.99) left them far
    from the batch statistics after a short practice-set run (2% validation accuracy at 81% training accuracy)."""
    from keras import layers

    return layers.BatchNormalization(momentum=0.9)


def _conv_bn_relu(x, filters: int, strides: int = 1):
    from keras import layers

    x = layers.Conv2D(filters, 3, strides=strides, padding="same", use_bias=False)(x)
    x = _batch_norm()(x)
    return layers.ReLU()(x)


def _residual_stage(x, filters: int, strides: int):
    """A downsampling conv followed by one basic residual block (ResNet-18's block, far fewer of them)."""
    from keras import layers

    x = _conv_bn_relu(x, filters, strides)
    shortcut = x
    y = _conv_bn_relu(x, filters)
    y = layers.Conv2D(filters, 3, padding="same", use_bias=False)(y)
    y = _batch_norm()(y)
    return layers.ReLU()(layers.Add()([shortcut, y]))


def _resnet_small():
    """A small ResNet: batch norm, residual blocks at 14 and 7 px, global pooling, dropout; augmentation only in training.

    K49's strongest published results (PreActResNet-18, 96.6-97.3% balanced accuracy) come from residual nets with
    batch norm and augmentation; this keeps that recipe at a width that trains an epoch of K49 on two CPU cores.
    """
    import keras
    from keras import layers

    inputs = keras.Input(INPUT_SHAPE, name="image")
    # Random shifts, small rotations and zooms imitate K49's variation in hand and framing; Keras switches
    # these layers off outside training, so evaluation and prediction see the image unchanged.
    x = layers.RandomTranslation(0.08, 0.08, fill_mode="constant", seed=1)(inputs)
    x = layers.RandomRotation(0.03, fill_mode="constant", seed=2)(x)
    x = layers.RandomZoom((-0.1, 0.1), fill_mode="constant", seed=3)(x)
    x = layers.Rescaling(1 / 255)(x)
    # No residual block at full 28 px: with one, training ran ~3x slower on 2 CPU cores (~200 vs ~630 samples/s).
    x = _conv_bn_relu(x, 32)
    x = _residual_stage(x, 64, 2)
    x = _residual_stage(x, 128, 2)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(0.3)(x)
    outputs = layers.Dense(NUM_CLASSES, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="resnet-small")


ARCHITECTURES: dict[str, ArchSpec] = {
    spec.name: spec
    for spec in (
        ArchSpec(
            "seed-cnn",
            "seed recipe: conv 32 + pool, conv 64 + pool, dense 49 softmax",
            lambda: _seed_cnn(0.0, "seed-cnn"),
        ),
        ArchSpec(
            "seed-cnn-dropout",
            "seed recipe with 30% dropout after each conv block",
            lambda: _seed_cnn(0.3, "seed-cnn-dropout"),
        ),
        ArchSpec(
            "resnet-small",
            "small ResNet (conv 32, residual stages 64/128, batch norm) with shift/rotate/zoom augmentation while training",
            _resnet_small,
        ),
    )
}


def get_arch(name: str) -> ArchSpec:
    """The preset called `name`; ModelError listing the valid names otherwise."""
    try:
        return ARCHITECTURES[name]
    except KeyError:
        raise ModelError(f"unknown architecture {name!r}; choose one of: {', '.join(ARCHITECTURES)}") from None


def build_model(name: str):
    """A new, uncompiled keras.Model for preset `name`: input (28, 28, 1) pixels 0..255, output 49 softmax."""
    return get_arch(name).build()


@lru_cache(maxsize=None)
def param_count(name: str) -> int:
    """Number of parameters (trainable and not) of preset `name`."""
    return int(build_model(name).count_params())


def describe() -> list[tuple[str, int, str]]:
    """(name, parameter count, description) for every preset, in listing order."""
    return [(spec.name, param_count(spec.name), spec.description) for spec in ARCHITECTURES.values()]
