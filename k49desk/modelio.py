"""Model files: load a Keras model and check that it fits K49, probe whether it outputs probabilities, and trace
its forward pass. Shared by the Predictor (one image) and evaluation (the test set)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

from k49desk.classes import NUM_CLASSES
from k49desk.errors import ModelError
from k49desk.formatting import human_bytes

IMAGE_SHAPES = ((28, 28, 1), (28, 28))
KERAS_ARCHIVE_MEMBERS = ("config.json", "model.weights.h5")  # what keras.saving writes into every .keras zip


def check_model(model, source: str):
    """`model` if it maps 28x28(x1) images to 49 classes; ModelError naming `source` otherwise."""
    try:
        input_shape, output_shape = model.input_shape, model.output_shape
    except (AttributeError, ValueError) as e:
        raise ModelError(f"{source}: model has no single input and output ({e})") from None
    if not isinstance(input_shape, tuple) or tuple(input_shape[1:]) not in IMAGE_SHAPES:
        raise ModelError(f"{source}: model input is {_shape(input_shape)}, K49 images need 28x28x1 "
                         "(a model for other images)")
    if not isinstance(output_shape, tuple) or len(output_shape) != 2 or output_shape[1] != NUM_CLASSES:
        raise ModelError(f"{source}: model output is {_shape(output_shape)}, K49 needs {NUM_CLASSES} classes "
                         "(a model for other classes)")
    return model


def _shape(shape) -> str:
    if isinstance(shape, tuple):
        return "x".join("?" if d is None else str(d) for d in shape[1:]) or "a scalar"
    return f"{len(shape)} tensors" if isinstance(shape, list) else str(shape)


def _check_keras_archive(path: Path, size: int) -> None:
    """ModelError when a .keras file is not a whole Keras zip archive (truncated, overwritten, another file)."""
    damaged = f"{path}: damaged model file ({human_bytes(size)})"
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            missing = [m for m in KERAS_ARCHIVE_MEMBERS if m not in names]
            if missing:
                raise ModelError(f"{damaged}: a zip archive without {' and '.join(missing)}, not a Keras model")
            broken = archive.testzip()
    except zipfile.BadZipFile:
        raise ModelError(f"{damaged}: not a complete .keras zip archive (truncated or overwritten?)") from None
    except OSError as e:
        raise ModelError(f"{path}: cannot read ({e.strerror or e})") from None
    if broken is not None:
        raise ModelError(f"{damaged}: {broken} inside it is corrupt (a bad checksum)")


def load_model(path: str | Path):
    """A Keras model from a .keras file, checked to fit K49; ModelError naming the file otherwise: not found,
    damaged (with its size), unreadable, or a model for other images or classes."""
    import keras

    path = Path(path)
    if not path.is_file():
        raise ModelError(f"{path}: model file not found")
    if path.suffix not in (".keras", ".h5"):
        raise ModelError(f"{path}: not a Keras model file (expected .keras)")
    size = path.stat().st_size
    if path.suffix == ".keras":
        _check_keras_archive(path, size)
    try:
        model = keras.saving.load_model(path, compile=False)
    except Exception as e:  # Keras raises many types for damaged files: zip, JSON, h5, unknown layers
        reason = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise ModelError(f"{path}: not a readable Keras model ({human_bytes(size)}; {reason[:200]})") from None
    return check_model(model, str(path))


def model_label(path: str | Path) -> str:
    """How a model file is named in results: its run folder's name for a run's model, else the file name."""
    path = Path(path)
    return path.parent.name if (path.parent / "run.json").is_file() else path.name


def outputs_probabilities(model) -> bool:
    """True when the model's outputs look like probabilities: probed once with a blank and one random image,
    every output lies in [0, 1] and each row sums to ~1. False for logits (a final Dense without softmax)."""
    shape = tuple(model.input_shape[1:])
    blank = np.zeros(shape, np.float32)
    noise = np.random.default_rng(0).integers(0, 256, shape).astype(np.float32)
    out = np.asarray(model(np.stack([blank, noise]), training=False), dtype=np.float64)
    return bool(np.isfinite(out).all() and out.min() >= -1e-6 and out.max() <= 1 + 1e-6
                and np.allclose(out.sum(axis=1), 1, atol=1e-3))


def probability_function(model, batch_shape: tuple, softmax: bool, *, concrete: bool = False):
    """The model's forward pass as a tf.function traced for float32 batches of batch_shape, with softmax applied to
    its outputs when `softmax` (a model ending in logits): probabilities either way, without model.predict's
    per-call pipeline.

    `concrete` (for a fixed batch_shape, as the Draw tab's one image): the traced graph itself, called without the
    per-call matching of arguments to traces (~0.2 ms of a ~3 ms canvas update). XLA compilation was tried too: 20%
    faster again, but under mixed bfloat16 it rounds differently, and the Draw tab's probabilities then differed
    from the evaluation's by up to 0.1 percentage points.
    """
    import tensorflow as tf

    def forward(x):
        y = model(x, training=False)
        return tf.nn.softmax(y, axis=-1) if softmax else y

    function = tf.function(forward, input_signature=[tf.TensorSpec(batch_shape, tf.float32)])
    return function.get_concrete_function() if concrete else function
