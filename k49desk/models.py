"""Architecture presets: each builds an uncompiled Keras model from (28, 28, 1) uint8-valued pixels to 49 probabilities,
and carries the training recipe (optimizer, schedule, augmentation in the data pipeline) it was designed with."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

from k49desk.classes import NUM_CLASSES
from k49desk.errors import ModelError

INPUT_SHAPE = (28, 28, 1)


@dataclass(frozen=True)
class Recipe:
    """How a preset is trained. Augmentation here runs in the tf.data pipeline, never inside the model."""

    optimizer: str = "adam"  # "adam" or "sgd"
    learning_rate: float = 1e-3
    momentum: float = 0.0  # SGD only
    schedule: str = "constant"  # "constant" or "cosine" (decays to 0 over the planned epochs, per batch)
    warmup_epochs: float = 0.0  # cosine only: rises linearly from a 25th of the learning rate to it first (one-cycle)
    epochs: int = 10
    batch_size: int = 256
    shift: float = 0.0  # random translation, as a fraction of the image side
    rotation: float = 0.0  # random rotation, as a fraction of a full turn
    zoom: float = 0.0  # random zoom in/out, as a fraction
    cutout: int = 0  # side in pixels of one square erased per image (DeVries & Taylor 2017, arXiv:1708.04552)
    mixup_alpha: float = 0.0  # input mixup (Zhang et al. 2018, arXiv:1710.09412); 0 = off

    @property
    def augments(self) -> bool:
        return bool(self.shift or self.rotation or self.zoom or self.cutout or self.mixup_alpha)

    def describe(self) -> str:
        opt = (f"SGD lr {self.learning_rate:g} momentum {self.momentum:g}" if self.optimizer == "sgd"
               else f"Adam lr {self.learning_rate:g}")
        schedule = f"{self.schedule} schedule"
        if self.warmup_epochs:
            schedule += f" after {self.warmup_epochs:g} warm-up epoch(s)"  # as the window says it
        parts = [opt, schedule, f"batch {self.batch_size}", f"{self.epochs} epochs"]
        aug = [name for name, on in (("shift", self.shift), ("rotation", self.rotation), ("zoom", self.zoom),
                                     (f"cutout {self.cutout}px", self.cutout),
                                     (f"input mixup alpha {self.mixup_alpha:g}", self.mixup_alpha)) if on]
        return ", ".join(parts + ([f"augmentation: {', '.join(aug)}"] if aug else []))


SEED_CNN_RECIPE = Recipe(learning_rate=8e-3, schedule="cosine", warmup_epochs=1.0, epochs=8)


@dataclass(frozen=True)
class ArchSpec:
    name: str
    description: str
    build: Callable[[], object]  # () -> keras.Model
    recipe: Recipe = field(default_factory=Recipe)
    source: str = "k49desk"  # where the architecture and recipe come from
    published: str = ""  # the published K49 figure this preset targets (not measured here), or ""


def _output(x):
    """The 49-way softmax, always computed in float32 so that mixed precision keeps probabilities and loss exact."""
    from keras import layers

    return layers.Dense(NUM_CLASSES, activation="softmax", dtype="float32", name="probabilities")(x)


def _seed_cnn(dropout: float, name: str):
    """The Keras example's CNN: two conv/pool blocks and a softmax; pixels are scaled inside so callers feed 0..255."""
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
    return keras.Model(inputs, _output(x), name=name)


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
    """A small ResNet: batch norm, residual blocks at 14 and 7 px, global pooling, dropout.

    Its shift/rotation/zoom augmentation lives in its recipe (the data pipeline); the shipped starter model, built
    before that move, still holds Keras' Random* layers, which Keras switches off outside training.
    """
    import keras
    from keras import layers

    inputs = keras.Input(INPUT_SHAPE, name="image")
    x = layers.Rescaling(1 / 255)(inputs)
    # No residual block at full 28 px: with one, training ran ~3x slower on 2 CPU cores (~200 vs ~630 samples/s).
    x = _conv_bn_relu(x, 32)
    x = _residual_stage(x, 64, 2)
    x = _residual_stage(x, 128, 2)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(0.3)(x)
    return keras.Model(inputs, _output(x), name="resnet-small")


def _preact_block(x, filters: int, strides: int, l2: float):
    """PreActBlock of He et al. 2016 (arXiv:1603.05027) as in kuangliu/pytorch-cifar: BN-ReLU-conv twice; a 1x1
    conv on the pre-activated input as shortcut when the shape changes."""
    from keras import layers, regularizers

    def conv(size, stride, y):
        return layers.Conv2D(filters, size, strides=stride, padding="same", use_bias=False,
                             kernel_regularizer=regularizers.L2(l2))(y)

    out = layers.ReLU()(_batch_norm()(x))
    shortcut = conv(1, strides, out) if strides != 1 or x.shape[-1] != filters else x
    y = conv(3, strides, out)
    y = conv(3, 1, layers.ReLU()(_batch_norm()(y)))
    return layers.Add()([shortcut, y])


def preact_resnet(widths: tuple[int, ...], blocks: tuple[int, ...], stem: int, l2: float, name: str):
    """A pre-activation ResNet as kuangliu/pytorch-cifar builds it: a 3x3 stem conv, stages of PreActBlocks (the
    first block of each later stage halves the size: 28 -> 14 -> 7 -> 4), global average pooling (no final BN-ReLU,
    as there), a 49-way softmax.

    l2 is the loss-side L2 factor on every kernel: 2.5e-4 here equals PyTorch SGD's weight_decay 5e-4 (coupled L2,
    which adds weight_decay * w to the gradient; d/dw of 2.5e-4 * w^2 is 5e-4 * w).
    """
    import keras
    from keras import layers, regularizers

    inputs = keras.Input(INPUT_SHAPE, name="image")
    x = layers.Rescaling(1 / 255)(inputs)
    x = layers.Conv2D(stem, 3, padding="same", use_bias=False, kernel_regularizer=regularizers.L2(l2))(x)
    for stage, (filters, count) in enumerate(zip(widths, blocks)):
        for block in range(count):
            x = _preact_block(x, filters, 2 if stage > 0 and block == 0 else 1, l2)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(NUM_CLASSES, activation="softmax", dtype="float32", name="probabilities",
                           kernel_regularizer=regularizers.L2(l2))(x)
    return keras.Model(inputs, outputs, name=name)


PYTORCH_WEIGHT_DECAY_AS_L2 = 5e-4 / 2

ARCHITECTURES: dict[str, ArchSpec] = {
    spec.name: spec
    for spec in (
        ArchSpec(
            "seed-cnn",
            "the Keras example's CNN: conv 32 + pool, conv 64 + pool, dense 49 softmax",
            lambda: _seed_cnn(0.0, "seed-cnn"),
            # Measured by bench/time_to_accuracy.py (README): one-cycle (1 warm-up epoch, cosine to 0) at 8x the
            # Keras example's learning rate (linear scaling for 8x its batch) reaches the example's 10-epoch
            # accuracy in a few epochs at batch 256.
            SEED_CNN_RECIPE,
            source="the kmnist benchmark's Keras simple CNN (rois-codh/kmnist), without its dense layer and dropout",
            published="Keras simple CNN: 89.36% K49 balanced accuracy (rois-codh/kmnist table; a larger CNN than this)",
        ),
        ArchSpec(
            "seed-cnn-dropout",
            "the Keras example's CNN with 30% dropout after each conv block",
            lambda: _seed_cnn(0.3, "seed-cnn-dropout"),
        ),
        ArchSpec(
            "resnet-small",
            "small ResNet (conv 32, residual stages 64/128, batch norm); shift/rotate/zoom augmentation in the pipeline",
            _resnet_small,
            Recipe(shift=0.08, rotation=0.03, zoom=0.1),
        ),
        ArchSpec(
            "preact-resnet-mid",
            "pre-activation ResNet, stem 32 + one block each at 64/128/256 (28/14/7 px): ~1/3.4 of PreActResNet-18's "
            "multiply-adds",
            lambda: preact_resnet((64, 128, 256), (1, 1, 1), 32, PYTORCH_WEIGHT_DECAY_AS_L2, "preact-resnet-mid"),
            Recipe(optimizer="sgd", learning_rate=0.05, momentum=0.9, schedule="cosine", epochs=15, batch_size=128,
                   shift=0.08, cutout=8),
            source="k49desk: a scaled-down PreActResNet (He et al. 2016) with the strong preset's optimizer and cutout",
        ),
        ArchSpec(
            "preact-resnet-18",
            "PreActResNet-18 (stages 64/128/256/512 x 2 blocks) adapted to 28x28x1 and 49 classes; input mixup",
            lambda: preact_resnet((64, 128, 256, 512), (2, 2, 2, 2), 64, PYTORCH_WEIGHT_DECAY_AS_L2,
                                  "preact-resnet-18"),
            Recipe(optimizer="sgd", learning_rate=0.1, momentum=0.9, schedule="cosine", epochs=200, batch_size=128,
                   mixup_alpha=1.0),
            source="PreActResNet-18 (He et al. 2016, arXiv:1603.05027; kuangliu/pytorch-cifar) as benchmarked on K49 by "
                   "Clanuwat et al. 2018 (arXiv:1812.01718); recipe of kuangliu/pytorch-cifar (SGD 0.1, momentum 0.9, "
                   "weight decay 5e-4, cosine) with input mixup alpha 1 (Zhang et al. 2018, arXiv:1710.09412)",
            published="PreActResNet-18 + input mixup: 97.04% K49 balanced accuracy (96.64% without mixup), "
                      "rois-codh/kmnist table",
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


def ensemble_of(members, name: str = "ensemble"):
    """One model that reads as `members` do together: the normalized geometric mean of their probabilities.

    Each member must end in global average pooling, dropout and the 49-way softmax (as resnet-small does). The mean
    of their log-probabilities is the softmax of their mean logits up to a constant, so the ensemble is one ordinary
    network: the members' convolutional trunks side by side on the same image, their last feature maps concatenated
    (the block Grad-CAM explains), pooled, and one softmax layer whose weights are the members' output weights
    stacked and divided by their number. It computes in float32 whatever the members were trained in.
    """
    import keras
    import numpy as np
    from keras import layers

    members = [float32_copy(m) for m in members]
    trunks, heads = [], []
    for i, member in enumerate(members, 1):
        tail = [type(layer) for layer in member.layers[-3:]]
        expected = [layers.GlobalAveragePooling2D, layers.Dropout, layers.Dense]
        if tail != expected or member.output_shape[-1] != NUM_CLASSES:
            raise ModelError(f"{member.name}: an ensemble member must end in global pooling, dropout and the "
                             f"{NUM_CLASSES}-way softmax")
        trunks.append(keras.Model(member.inputs, member.layers[-3].input, name=f"member_{i}"))
        heads.append(member.layers[-1].get_weights())
    inputs = keras.Input(INPUT_SHAPE, name="image")
    x = layers.Concatenate(name="members")([trunk(inputs) for trunk in trunks])
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(members[0].layers[-2].rate)(x)
    model = keras.Model(inputs, _output(x), name=name)
    kernel = np.concatenate([w for w, _ in heads], axis=0) / len(members)
    bias = np.mean([b for _, b in heads], axis=0)
    model.get_layer("probabilities").set_weights([kernel, bias])
    return model


def float32_copy(model):
    """`model` itself when it computes in float32, else the same model (same weights) rebuilt in float32.

    A model trained under mixed precision computes in bfloat16 or float16: exported, TFLite's built-in ops cannot
    take those, and its gradients (saliency) are coarse. Its weights are float32 variables either way.
    """
    mixed = ("mixed_bfloat16", "mixed_float16", "bfloat16", "float16")

    def in_float32(value):
        if isinstance(value, dict):
            if value.get("class_name") == "DTypePolicy" and value.get("config", {}).get("name") in mixed:
                return {**value, "config": {**value["config"], "name": "float32"}}
            return {k: in_float32(v) for k, v in value.items()}
        if isinstance(value, list):
            return [in_float32(v) for v in value]
        return "float32" if isinstance(value, str) and value in mixed else value

    if all(layer.compute_dtype == "float32" for layer in model.layers):
        return model
    copy = model.__class__.from_config(in_float32(model.get_config()))
    copy.set_weights(model.get_weights())
    return copy
