"""The augmentation maths of the practice set: a font glyph as a signed distance field, warped toward a
hand-written brush stroke (affine jitter, elastic warp, stroke width, ink texture) and framed like K49."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from k49desk.font_discovery import render_ink
from k49desk.rasterize import K49_STROKE_WIDTH, SIZE, frame_like_k49

# Glyphs are augmented on a WORK x WORK canvas; the transformed glyph's long side is GLYPH px, about twice
# the final 28, so the last step still area-averages (anti-aliases) and the margin holds the elastic warp.
WORK = 80
GLYPH = 60


@dataclass(frozen=True)
class Glyph:
    sdf: np.ndarray  # (WORK, WORK) float32: + inside the ink, - outside, in work pixels
    box: tuple[float, float, float, float]  # ink box (top, left, bottom, right) on the work grid
    width: float  # mean stroke width in work pixels

    @staticmethod
    def render(font, char: str) -> "Glyph":
        from PIL import Image
        from scipy import ndimage

        ink = np.asarray(render_ink(font, char))
        # The glyph's long side becomes 48 work px: room to grow under the affine and elastic warps.
        scale = 48 / max(ink.shape)
        h, w = (max(1, round(n * scale)) for n in ink.shape)
        small = np.asarray(Image.fromarray(ink).resize((w, h), Image.Resampling.BOX), np.float32) / 255
        grey = np.zeros((WORK, WORK), np.float32)
        top, left = (WORK - h) // 2, (WORK - w) // 2
        grey[top : top + h, left : left + w] = small
        mask = grey >= 0.5
        inside = ndimage.distance_transform_edt(mask)
        outside = ndimage.distance_transform_edt(~mask)
        sdf = np.where(mask, inside - 0.5, 0.5 - outside).astype(np.float32)
        # At the edge the grey level places the boundary to a fraction of a pixel.
        edge = np.abs(sdf) <= 0.5
        sdf[edge] = grey[edge] - 0.5
        area = mask.sum()
        boundary = (mask & ~ndimage.binary_erosion(mask)).sum()
        width = 2 * area / boundary if boundary else 1.0
        return Glyph(sdf, (top, left, top + h, left + w), float(width))


def _smooth_fields(rng, shape: tuple[int, ...], nodes: int) -> np.ndarray:
    """Smooth random fields of unit standard deviation on the work grid, shape + (WORK, WORK): Gaussian bumps on a grid."""
    basis = _bump_basis(nodes)
    coarse = rng.standard_normal((*shape, nodes, nodes)).astype(np.float32)
    return basis @ coarse @ basis.T / (basis**2).sum(axis=1).mean()


@lru_cache(maxsize=4)
def _bump_basis(nodes: int) -> np.ndarray:
    grid = np.arange(WORK, dtype=np.float32)
    centres = np.linspace(0, WORK - 1, nodes, dtype=np.float32)
    basis = np.exp(-0.5 * ((grid[:, None] - centres[None, :]) / (centres[1] - centres[0])) ** 2)
    basis.flags.writeable = False
    return basis


@lru_cache(maxsize=1)
def _centred_grid() -> np.ndarray:
    """(2, WORK, WORK) row and column of every work pixel, relative to the canvas centre."""
    grid = np.mgrid[0:WORK, 0:WORK].astype(np.float32) - WORK / 2
    grid.flags.writeable = False
    return grid


def _column(values) -> np.ndarray:
    """Per-image scalars shaped (n, 1, 1) float32, to scale whole images."""
    return np.asarray(values, np.float32)[:, None, None]


def augment(glyphs: list[Glyph], rng, stroke_width: float = K49_STROKE_WIDTH) -> np.ndarray:
    """Hand-written-looking samples of `glyphs` (n, 28, 28): affine jitter, elastic warp, stroke width, brush, framed.

    `stroke_width`: the width aimed at (px of the 28x28 result; the measured width comes out wider for faces whose
    strokes cannot be thinned that far)."""
    from scipy import ndimage

    n = len(glyphs)
    angle, shear, stretch = rng.normal(0, 0.10, n), rng.normal(0, 0.15, n), np.exp(rng.normal(0, 0.12, n))
    cos, sin = np.cos(angle), np.sin(angle)
    # Forward map on (row, col) = rotate . shear . stretch; its inverse pulls each output pixel from the glyph.
    rotate = np.stack([np.stack([cos, -sin], -1), np.stack([sin, cos], -1)], -2)
    shear_m = np.zeros((n, 2, 2))
    shear_m[:, 0, 0] = shear_m[:, 1, 1] = 1
    shear_m[:, 1, 0] = shear
    stretch_m = np.zeros((n, 2, 2))
    stretch_m[:, 0, 0], stretch_m[:, 1, 1] = stretch, 1 / stretch
    forward = rotate @ shear_m @ stretch_m
    boxes = np.array([g.box for g in glyphs], np.float64)  # top, left, bottom, right
    corners = boxes[:, [[0, 1], [0, 3], [2, 1], [2, 3]]] - WORK / 2
    moved = corners @ np.swapaxes(forward, 1, 2)
    spread = np.ptp(moved, axis=1).max(axis=1)
    # Framing rescales anyway: fix the transformed glyph's long side at GLYPH px, so only its shape varies.
    forward *= (GLYPH / spread)[:, None, None]
    inverse = np.linalg.inv(forward).astype(np.float32)
    zoom = np.sqrt(np.abs(np.linalg.det(forward)))

    fields = _smooth_fields(rng, (n, 3), 5)  # row and column displacement, ink density
    brush = _smooth_fields(rng, (n,), 7)
    amplitude = rng.uniform(1.0, 4.0, n).astype(np.float32)
    source = _centred_grid() + fields[:, :2] * amplitude[:, None, None, None]
    coords = np.einsum("nij,njrc->nirc", inverse, source, optimize=True) + WORK / 2
    sdf = np.stack([ndimage.map_coordinates(g.sdf, c, order=1, mode="constant", cval=-WORK) for g, c in zip(glyphs, coords)])

    # Grow or shrink every stroke (a morphological dilation/erosion on the distance field) so that, after the
    # framing's rescale, strokes come out at K49's width; the smooth brush field varies it along each stroke.
    # The brush field and anti-aliasing add ~0.2 px to the measured width: aim that much below K49's.
    target = np.clip(rng.lognormal(np.log(stroke_width - 0.2), 0.18, n), 1.6, 4.5)
    width = np.array([g.width for g in glyphs]) * zoom
    grow = np.maximum((target * GLYPH - SIZE * width) / (2 * (SIZE - target)), -0.35 * width)
    wobble = 0.18 * np.maximum(width + 2 * grow, 1.0)
    softness = rng.uniform(0.6, 1.6, n)
    ink = sdf * _column(zoom / softness) + brush * _column(wobble / softness) + _column(grow / softness + 0.5)

    # Brush texture: ink density varies smoothly and a little per pixel, as in scanned brush strokes, and the
    # strokes' cores saturate (a fifth of K49's ink pixels are 255).
    gain = rng.uniform(1.0, 1.6, n)
    density = 1.0 - np.minimum(np.abs(fields[:, 2]), 1.5) * _column(rng.uniform(0.0, 0.23, n))
    density -= rng.random((n, WORK, WORK), dtype=np.float32) * _column(rng.uniform(0.0, 0.3, n))
    ink = np.clip(ink, 0.0, 1.0, out=ink)
    ink *= density * _column(gain)
    np.clip(ink, 0.0, 1.0, out=ink)
    ink[ink < 0.03] = 0.0
    # Thinning a hairline font and a light brush can wipe a sample out; such a sample keeps its warped
    # glyph at its own stroke width instead.
    empty = ~ink.any(axis=(1, 2))
    ink[empty] = np.clip(sdf[empty] * _column(zoom[empty]) + 0.5, 0.0, 1.0)
    return np.stack([frame_like_k49(i) for i in ink])
