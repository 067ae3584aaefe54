"""A tiny, learnable K49Data built in memory: each class lights its own 4x4 block (for fast ML tests)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from k49desk.classes import CLASSES, NUM_CLASSES
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
