"""A tiny, learnable K49Data built in memory: each class lights its own 4x4 block (for fast ML tests); the same as
the files of a K49-format folder, for a local mirror to serve."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from k49desk import dataset
from k49desk.classes import CLASSES, NUM_CLASSES, classmap_csv
from k49desk.dataset import K49Data


def blocks(per_class: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.repeat(np.arange(NUM_CLASSES, dtype=np.uint8), per_class))
    x = rng.integers(0, 60, (len(y), 28, 28)).astype(np.uint8)
    for i, c in enumerate(y):
        r, k = divmod(int(c), 7)
        x[i, r * 4 : r * 4 + 4, k * 4 : k * 4 + 4] = 255
    return x, y


def tiny_data(train_per_class: int = 8, test_per_class: int = 3, seed: int = 0) -> K49Data:
    x_train, y_train = blocks(train_per_class, seed)
    x_test, y_test = blocks(test_per_class, seed + 1)
    return K49Data(x_train, y_train, x_test, y_test, CLASSES, Path("in-memory"), practice=True,
                   practice_info={"note": "test blocks"})


def _npz(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, array)
    return buffer.getvalue()


def k49_files(train_per_class: int = 2, test_per_class: int = 1, seed: int = 0) -> dict[str, bytes]:
    """The five files of a folder in the official format (no practice marker), by name."""
    x_train, y_train = blocks(train_per_class, seed)
    x_test, y_test = blocks(test_per_class, seed + 1)
    return {
        dataset.TRAIN_IMAGES: _npz(x_train),
        dataset.TRAIN_LABELS: _npz(y_train),
        dataset.TEST_IMAGES: _npz(x_test),
        dataset.TEST_LABELS: _npz(y_test),
        dataset.CLASSMAP: classmap_csv().encode(),
    }
