"""Strokes -> 28x28 in K49's framing: degenerate input, and statistics compared with K49's own."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from k49desk import rasterize
from k49desk.errors import EmptyDrawing
from k49desk.rasterize import frame_like_k49, rasterize_strokes
from strokes import STROKES, at_mouse_density


def ink_box(img: np.ndarray) -> tuple[int, int, float, float]:
    """(height, width, row offset, column offset of the box centre from the image centre) of the nonzero pixels."""
    rows, cols = np.nonzero(img)
    return (int(np.ptp(rows)) + 1, int(np.ptp(cols)) + 1, (rows.max() + rows.min()) / 2 - 13.5, (cols.max() + cols.min()) / 2 - 13.5)


def stroke_width(img: np.ndarray) -> float:
    """Mean stroke width: 2 x area / boundary length of the pixels at half intensity or more (2.77 px on real K49)."""
    mask = img >= 128
    boundary = (mask & ~ndimage.binary_erosion(mask)).sum()
    return 2 * mask.sum() / boundary


def assert_framed(img: np.ndarray) -> None:
    assert img.shape == (28, 28) and img.dtype == np.uint8
    h, w, dr, dc = ink_box(img)
    assert max(h, w) in (27, 28)
    assert abs(dr) <= 1 and abs(dc) <= 1


@pytest.mark.parametrize("strokes", [None, [], [[]], [[], []], [[(float("nan"), 3.0)]]])
def test_nothing_to_predict(strokes):
    with pytest.raises(EmptyDrawing, match="nothing to predict"):
        rasterize_strokes(strokes)


@pytest.mark.parametrize("strokes", [[[(10, 10)]], [[(5, 5), (5, 5), (5, 5)], [(5, 5)]]])
def test_a_dot_is_nothing_to_predict(strokes):
    with pytest.raises(EmptyDrawing, match="nothing to predict"):
        rasterize_strokes(strokes)


@pytest.mark.parametrize(
    "strokes",
    [
        [[(10, 50), (200, 50)]],  # horizontal line: zero-height box
        [[(50, 10), (50, 10), (50, 250)]],  # vertical line
        [[(1e9, 1e9), (1e9 + 100, 1e9 + 40)]],
        [[(-300, -20), (-100, -250)], [(-200, -100)]],
        [[(0, 0), (1e300, 1e300)]],
        [[(0, 0), (1e-6, 2e-6)]],  # tiny but not a dot
        [[(0, 0, 0.2), (100, 30, 1.0), (150, 90, float("nan"))]],
        [[(0, 0), (float("inf"), 5), (40, 80)]],
    ],
)
def test_degenerate_strokes_give_framed_images(strokes):
    img = rasterize_strokes(strokes)
    assert_framed(img)
    assert img.max() == 255


def test_a_straight_line_spans_the_long_side_and_keeps_its_thickness():
    img = rasterize_strokes([[(10, 50), (200, 50)]])
    h, w, _, _ = ink_box(img)
    assert w == 28 and 2 <= h <= 5


@pytest.mark.parametrize("char", sorted(STROKES))
def test_drawn_characters_are_framed_like_k49(char):
    img = rasterize_strokes(STROKES[char])
    assert_framed(img)
    # Dense characters leave little background: on the first 100 real K49 test images the share of zero pixels
    # goes down to 0.42 (ね; ほ 0.48, な 0.54; 14 of them under 0.55).
    assert 0.45 <= (img == 0).mean() <= 0.92
    # The area/boundary estimate reads diagonal strokes ~1 px wider than they are drawn.
    assert 2.0 <= stroke_width(img) <= 4.0


def test_width_follows_the_character_not_the_canvas():
    small = [[(x / 10, y / 10) for x, y in stroke] for stroke in STROKES["の"]]
    assert np.abs(rasterize_strokes(small).astype(int) - rasterize_strokes(STROKES["の"])).max() <= 1


def test_pen_width_and_pressure_change_the_width():
    strokes = STROKES["し"]
    assert stroke_width(rasterize_strokes(strokes, pen_width=5)) > stroke_width(rasterize_strokes(strokes)) + 1
    light_end = [[(x, y, 1.0 if i < len(s) / 2 else 0.1) for i, (x, y) in enumerate(s)] for s in strokes]
    assert not np.array_equal(rasterize_strokes(light_end), rasterize_strokes(strokes))


def test_frame_like_k49_centres_the_box_and_fills_the_long_side():
    ink = np.zeros((300, 200), np.float32)
    ink[40:100, 10:190] = 0.7  # wide, off-centre, not full intensity
    img = frame_like_k49(ink)
    h, w, dr, dc = ink_box(img)
    assert (w, abs(dr) <= 1, abs(dc) <= 1) == (28, True, True)
    assert 8 <= h <= 10 and img.max() == 255


@pytest.mark.parametrize("ink", [np.zeros((28, 28)), np.full((5, 5), np.nan), np.zeros((0, 0))])
def test_frame_like_k49_without_ink(ink):
    with pytest.raises(EmptyDrawing):
        frame_like_k49(ink)


def real_images(shared_k49) -> np.ndarray:
    path = shared_k49 / "k49-test-imgs-first100.npz"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    with np.load(path) as npz:
        return npz["arr_0"]


def test_framing_a_real_k49_image_leaves_it_almost_unchanged(shared_k49):
    images = real_images(shared_k49)
    diffs = [np.abs(frame_like_k49(img).astype(int) - img).mean() for img in images]
    assert np.median(diffs) == 0
    assert np.mean(np.array(diffs) < 2) >= 0.95


def test_our_strokes_match_real_k49_statistics(shared_k49):
    real = real_images(shared_k49)
    ours = np.stack([rasterize_strokes(s) for s in STROKES.values()])
    for images in (real, ours):
        boxes = np.array([ink_box(img) for img in images])
        assert np.mean(boxes[:, :2].max(axis=1) == 28) >= 0.95
        assert np.abs(boxes[:, 2:]).max() <= 1
    assert abs(np.median([stroke_width(i) for i in ours]) - np.median([stroke_width(i) for i in real])) <= 0.6
    assert abs((ours == 0).mean() - (real == 0).mean()) <= 0.15


def test_dense_mouse_input_draws_as_if_every_point_were_drawn(monkeypatch):
    """A mouse reports a point every pixel (~1,300 a character on a 750 px canvas); points closer than a quarter of
    an output pixel are skipped, which must not change what the model sees beyond anti-aliasing noise."""
    dense = {char: at_mouse_density(strokes) for char, strokes in STROKES.items()}
    skipped = {char: rasterize_strokes(strokes).astype(float) for char, strokes in dense.items()}
    monkeypatch.setattr(rasterize, "_MIN_SPACING", 1e-9)
    for char, strokes in dense.items():
        every_point = rasterize_strokes(strokes).astype(float)
        # The same ink, in the same place (a framing shift of a fraction of a pixel is allowed), no stroke missing.
        assert skipped[char].sum() == pytest.approx(every_point.sum(), rel=0.04), char
        shift = np.subtract(ndimage.center_of_mass(skipped[char]), ndimage.center_of_mass(every_point))
        assert np.hypot(*shift) < 0.25, char
        assert (np.abs(skipped[char] - every_point) > 64).sum() <= 3, char


def test_point_spacing_keeps_both_ends_and_drops_the_crowd():
    xy = np.column_stack([np.linspace(0, 10, 1001), np.zeros(1001)])  # 10 px long, a point every 0.01 px
    keep = rasterize._spaced(xy, 1.0)
    assert keep[0] == 0 and keep[-1] == 1000
    assert 10 <= len(keep) <= 12
    assert np.all(np.diff(xy[keep, 0])[:-1] >= 1.0 - 1e-9)
    assert list(rasterize._spaced(xy[:2], 1.0)) == [0, 1]


def test_pillows_drawing_core_draws_what_imagedraw_draws(monkeypatch):
    """The fast path (Pillow's core calls) is taken with the Pillow installed, and the public path draws the same."""
    assert rasterize._core_calls_work()
    fast = {char: rasterize_strokes(strokes) for char, strokes in STROKES.items()}
    monkeypatch.setattr(rasterize, "_core_calls_work", lambda: False)  # ImageDraw's public methods
    for char, strokes in STROKES.items():
        assert np.array_equal(rasterize_strokes(strokes), fast[char]), char
