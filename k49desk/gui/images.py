"""NumPy images to Qt images: 28x28 uint8 arrays shown with crisp (nearest-neighbour) pixels."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap


def to_qimage(image: np.ndarray) -> QImage:
    """A grayscale QImage that owns a copy of `image` (H x W uint8)."""
    a = np.ascontiguousarray(image, dtype=np.uint8)
    if a.ndim != 2:
        raise ValueError(f"expected a 2-D grayscale image, got shape {a.shape}")
    h, w = a.shape
    return QImage(a.data, w, h, a.strides[0], QImage.Format.Format_Grayscale8).copy()


def to_pixmap(image: np.ndarray, size: int) -> QPixmap:
    """`image` scaled to size x size pixels without smoothing, so each source pixel stays a sharp square."""
    return QPixmap.fromImage(to_qimage(image)).scaled(
        size, size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.FastTransformation
    )
