"""Strokes and glyphs -> 28x28 images in K49's framing (white ink on black, ink box long side 28 px, box centred)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw

from k49desk.errors import EmptyDrawing

SIZE = 28
# Measured on K49: strokes are ~2.7 px wide at 28x28 (tests/test_rasterize.py measures real K49 test images).
K49_STROKE_WIDTH = 2.7
# The pen rasterize_strokes draws with by default, in pixels of the 28x28 result. K49's soft brush edges make its
# ink both narrower at half intensity (2.77 px by tests/test_rasterize.py's measure) and wider overall (31% of pixels
# non-zero) than any hard-edged pen: on the hand-written strokes in tests/strokes.py a 2.4 px pen measures 3.2 px and
# 30% non-zero, 2.7 px measures 3.5 px, 2.2 px measures 2.9 px but only 29%. 2.4 keeps both within reach of K49.
PEN_WIDTH = 2.4
# Strokes are drawn this many times larger than the output, so area-averaging down gives anti-aliased edges.
_SUPERSAMPLE = 4
# Points closer than this (in supersampled pixels, a quarter of an output pixel each) to the last point drawn are
# skipped: a mouse reports a point every pixel or so, and on a large canvas drawing all of them cost ~10 ms a frame
# for no visible difference.
_MIN_SPACING = 1.0


def frame_like_k49(ink: np.ndarray) -> np.ndarray:
    """Crop `ink` (2-D, high values = ink) to its ink box, scale the long side to 28 px, centre the box; uint8, peak 255."""
    a = np.asarray(ink, dtype=np.float32)
    if a.ndim != 2:
        raise ValueError(f"frame_like_k49 expects a 2-D image, got shape {a.shape}")
    if not np.isfinite(a).all():
        a = np.nan_to_num(a, nan=0.0, posinf=0.0, neginf=0.0)
    peak = float(a.max()) if a.size else 0.0
    if peak <= 0.0:
        raise EmptyDrawing("nothing to predict: the image holds no ink")
    # Ink is what would still show in uint8 after scaling the peak to 255; fainter values would only pad the box.
    visible = a >= peak * (0.5 / 255)
    rows, cols = np.flatnonzero(visible.any(axis=1)), np.flatnonzero(visible.any(axis=0))
    crop = np.clip(a[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1], 0.0, peak)
    h, w = crop.shape
    scale = SIZE / max(h, w)
    new_h, new_w = (max(1, min(SIZE, round(n * scale))) for n in (h, w))
    img = Image.fromarray(crop, mode="F")
    if (new_h, new_w) != (h, w):
        # BOX averages the source pixels under each output pixel: anti-aliasing when shrinking.
        resample = Image.Resampling.BOX if scale < 1 else Image.Resampling.BILINEAR
        img = img.resize((new_w, new_h), resample)
    out = np.zeros((SIZE, SIZE), np.float32)
    top, left = (SIZE - new_h) // 2, (SIZE - new_w) // 2
    out[top : top + new_h, left : left + new_w] = np.asarray(img)
    return np.clip(np.rint(out * (255.0 / peak)), 0, 255).astype(np.uint8)


def rasterize_strokes(strokes: Sequence[Sequence[Sequence[float]]], *, pen_width: float | None = None) -> np.ndarray:
    """Strokes of (x, y) or (x, y, pressure) points in canvas coordinates -> (28, 28) uint8 in K49's framing.

    `pen_width` is the stroke width in pixels of the 28x28 result (default PEN_WIDTH), so the width follows the
    character's size, not the canvas's. Pressure (0..1) thickens or thins a stroke around that width.
    EmptyDrawing when there is nothing to predict (no points, or all points in one spot).
    """
    points = _finite_points(strokes)
    if not points:
        raise EmptyDrawing("nothing to predict: the drawing is empty")
    # Dividing by the largest coordinate first keeps huge coordinates (1e300) from overflowing to inf.
    reach = max(1.0, max(float(np.abs(p[:, :2]).max()) for p in points))
    xys = [p[:, :2] / reach for p in points]
    allxy = np.concatenate(xys)
    lo = allxy.min(axis=0)
    extent = float((allxy.max(axis=0) - lo).max())
    if not extent > 1e-12:
        raise EmptyDrawing("nothing to predict: the drawing is a single dot")

    width28 = PEN_WIDTH if pen_width is None or not math.isfinite(pen_width) else float(pen_width)
    width28 = min(max(width28, 0.5), SIZE / 2)
    big = SIZE * _SUPERSAMPLE
    pen = width28 * _SUPERSAMPLE
    widths = [pen * f for f in _pressure_factors(points)]
    max_width = max(float(w.max()) for w in widths)
    # Points' box plus one pen width spans `big` pixels: the ink box then fills 28 px after framing.
    scale = (big - pen) / extent
    margin = max_width / 2 + 2
    size = tuple(int(math.ceil(float(d) * scale + 2 * margin)) + 1 for d in (allxy.max(axis=0) - lo))
    canvas = Image.new("L", size, 0)
    lines, ellipse, ink = _drawing_core(ImageDraw.Draw(canvas))
    for xy, w in zip(xys, widths):
        xy = (xy - lo) * scale + margin
        keep = _spaced(xy, _MIN_SPACING)
        # Plain Python floats: per-point PIL calls on NumPy scalars cost twice as much (this runs on every frame).
        xy, w = xy[keep].tolist(), w[keep].tolist()
        for (x0, y0), (x1, y1), w0, w1 in zip(xy[:-1], xy[1:], w[:-1], w[1:]):
            lines(((x0, y0), (x1, y1)), ink, max(1, round((w0 + w1) / 2)))
        # Discs at every point give round caps and joints.
        for (x, y), wi in zip(xy, w):
            r = max(wi / 2, 0.5)
            ellipse((x - r, y - r, x + r, y + r), ink, 1)
    return frame_like_k49(np.asarray(canvas))


def _drawing_core(draw: ImageDraw.ImageDraw):
    """(lines(xy, ink, width), ellipse(box, ink, fill), white): the calls that draw white on `draw`'s image.

    Pillow's drawing core when it has the calls ImageDraw.line and .ellipse make: ImageDraw resolves the colour
    again on every call, and a drawing makes a few hundred per frame, so the core draws the same pixels in less
    time. The calls are checked once, on a scratch image, against the Pillow installed (Pillow 10 to 13 have
    them); ImageDraw's public methods, with the same signatures, otherwise.
    """
    if _core_calls_work():
        core = draw.draw
        return core.draw_lines, core.draw_ellipse, core.draw_ink(255)
    return (lambda xy, ink, width: draw.line(xy, fill=ink, width=width),
            lambda box, ink, _fill: draw.ellipse(box, fill=ink), 255)


@lru_cache(maxsize=1)
def _core_calls_work() -> bool:
    """Whether Pillow's core calls draw exactly what ImageDraw's public methods draw."""
    scratch, expected = Image.new("L", (8, 8), 0), Image.new("L", (8, 8), 0)
    public = ImageDraw.Draw(expected)
    public.line(((1, 1), (6, 5)), fill=255, width=2)
    public.ellipse((2, 2, 5, 5), fill=255)
    try:
        core = ImageDraw.Draw(scratch).draw
        ink = core.draw_ink(255)
        core.draw_lines(((1, 1), (6, 5)), ink, 2)
        core.draw_ellipse((2, 2, 5, 5), ink, 1)
    except (AttributeError, TypeError, ValueError):
        return False
    return scratch.tobytes() == expected.tobytes()


def _finite_points(strokes) -> list[np.ndarray]:
    """Each non-empty stroke as an (n, 3) float64 array of x, y, pressure (NaN pressure if absent); non-finite x/y dropped."""
    result = []
    for stroke in () if strokes is None else strokes:
        rows = stroke if isinstance(stroke, np.ndarray) else [tuple(pt) for pt in stroke]
        if len(rows) == 0:
            continue
        try:
            uniform = np.asarray(rows, dtype=np.float64)  # the fast path: all points of one length
        except (ValueError, TypeError):
            uniform = None  # mixed lengths, or something that is no number (the loop below says which)
        if uniform is not None and uniform.ndim == 2 and uniform.shape[1] in (2, 3):
            a = np.full((len(uniform), 3), np.nan)
            a[:, : uniform.shape[1]] = uniform
        else:
            if any(np.ndim(r) != 1 or len(r) not in (2, 3) for r in rows):
                raise ValueError("each stroke point must be (x, y) or (x, y, pressure)")
            a = np.full((len(rows), 3), np.nan)
            for i, r in enumerate(rows):
                a[i, : len(r)] = r
        a = a[np.isfinite(a[:, 0]) & np.isfinite(a[:, 1])]
        if len(a):
            result.append(a)
    return result


def _pressure_factors(points: list[np.ndarray]) -> list[np.ndarray]:
    """Width multipliers per stroke point from pressure: the drawing's mean pressure draws at the nominal width."""
    p = np.concatenate([s[:, 2] for s in points])
    ok = np.isfinite(p) & (p > 0)
    if not ok.any():
        return [np.ones(len(s)) for s in points]
    mean = np.clip(p[ok], 0.0, 1.0).mean()
    return [np.clip(0.5 + 0.5 * np.nan_to_num(np.clip(s[:, 2], 0.0, 1.0), nan=mean) / mean, 0.3, 1.7) for s in points]


def _spaced(xy: np.ndarray, spacing: float) -> np.ndarray:
    """Indices of the points of one stroke to draw: the first, the last, and those at least `spacing` along the
    path after the previous one kept (vectorised: the path length crossing each multiple of `spacing`)."""
    n = len(xy)
    if n <= 2:
        return np.arange(n)
    along = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(xy, axis=0).T))])
    bucket = np.floor(along / spacing)
    keep = np.flatnonzero(np.diff(bucket, prepend=-1.0) > 0)
    return keep if keep[-1] == n - 1 else np.append(keep, n - 1)
