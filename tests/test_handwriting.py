"""KanjiVG's strokes: the SVG path parser, the 49 characters, and the seeded drawings made from them."""

from __future__ import annotations

from importlib import metadata

import numpy as np
import pytest

from k49desk import classes, handwriting
from k49desk.errors import DataError
from strokes import STROKES
from test_rasterize import ink_box


def test_parser_absolute_and_relative_cubics():
    (segments,) = handwriting.parse_path("M10,20c1,2,3,4,5,6C20,30,40,50,60,70")
    assert segments.shape == (2, 4, 2)
    assert np.allclose(segments[0], [[10, 20], [11, 22], [13, 24], [15, 26]])
    assert np.allclose(segments[1], [[15, 26], [20, 30], [40, 50], [60, 70]])


def test_parser_numbers_without_separators():
    # KanjiVG writes "c0.88,0.88,2.75,1.82,5.25,1.75c8.62-0.25..." and SVG allows "0.5.5" for 0.5 0.5.
    (segments,) = handwriting.parse_path("M0,0c.5.5-1-2,3e1-4")
    assert np.allclose(segments[0], [[0, 0], [0.5, 0.5], [-1, -2], [30, -4]])


def test_parser_smooth_cubic_reflects_the_last_control_point():
    (segments,) = handwriting.parse_path("M0,0C0,10,10,10,10,0S20,-10,20,0s10,10,10,0")
    assert np.allclose(segments[1], [[10, 0], [10, -10], [20, -10], [20, 0]])
    assert np.allclose(segments[2], [[20, 0], [20, 10], [30, 10], [30, 0]])
    # S after a non-cubic uses the current point as its first control point.
    (segments,) = handwriting.parse_path("M0,0L5,0S9,9,10,10")
    assert np.allclose(segments[1, 1], [5, 0])


def test_parser_lines_and_close():
    subpaths = handwriting.parse_path("M1,1H5V4h-2v-1L1,3l0,-1 2,0zM10,10 20,10 20,20")
    assert len(subpaths) == 2
    ends = subpaths[0][:, 3]
    assert np.allclose(ends, [[5, 1], [5, 4], [3, 4], [3, 3], [1, 3], [1, 2], [3, 2], [1, 1]])
    # Lines are straight cubics: controls a third and two thirds along.
    assert np.allclose(subpaths[0][0], [[1, 1], [7 / 3, 1], [11 / 3, 1], [5, 1]])
    # Pairs after a moveto are linetos.
    assert np.allclose(subpaths[1][:, 3], [[20, 10], [20, 20]])


@pytest.mark.parametrize("d", ["L1,2", "M1,2Q3,4,5,6", "M1,2C3,4", "M1,2Z3"])
def test_parser_rejects_what_it_does_not_handle(d):
    with pytest.raises(ValueError):
        handwriting.parse_path(d)


def test_sampled_points_follow_the_curve_evenly():
    (segments,) = handwriting.parse_path("M0,0L30,0L30,40")
    points = handwriting.sample_cubics(segments, spacing=2.0)
    assert np.allclose(points[0], [0, 0]) and np.allclose(points[-1], [30, 40])
    gaps = np.hypot(*np.diff(points, axis=0).T)
    assert gaps.max() <= 2.0 + 1e-9 and gaps.min() >= 1.9
    assert np.all((points[:, 1] == 0) | np.isclose(points[:, 0], 30))


@pytest.mark.parametrize("cls", classes.CLASSES, ids=lambda c: c.romaji)
def test_every_class_has_kanjivg_strokes_in_its_box(cls):
    strokes = handwriting.character_strokes(cls.char)
    assert strokes and all(s.ndim == 2 and s.shape[1] == 2 and len(s) >= 2 for s in strokes)
    allxy = np.concatenate(strokes)
    assert allxy.min() >= 0 and allxy.max() <= 109


def test_kanjivg_stroke_counts_are_the_standard_ones():
    counts = {c: len(handwriting.character_strokes(c)) for c in "あいうかきしせそたなぬゐゑゝ"}
    assert counts == {"あ": 3, "い": 2, "う": 2, "か": 3, "き": 4, "し": 1, "せ": 3, "そ": 1, "た": 4,
                      "な": 4, "ぬ": 2, "ゐ": 1, "ゑ": 1, "ゝ": 1}


def test_missing_kanjivg_names_the_extra(monkeypatch):
    def not_installed(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "distribution", not_installed)
    handwriting.character_strokes.cache_clear()
    try:
        with pytest.raises(DataError, match=r"k49desk\[strokes\]"):
            handwriting.character_strokes("あ")
    finally:
        monkeypatch.undo()
        handwriting.character_strokes.cache_clear()


def test_unknown_style_lists_the_styles():
    with pytest.raises(DataError, match="neat, sloppy, cursive"):
        handwriting.style("wobbly")


@pytest.mark.parametrize("name", list(handwriting.STYLES))
def test_every_class_renders_framed_like_k49(name):
    labels = np.repeat(np.arange(classes.NUM_CLASSES), 2)
    images = handwriting.render(labels, handwriting.STYLES[name], seed=3)
    assert images.shape == (98, 28, 28) and images.dtype == np.uint8
    boxes = np.array([ink_box(img) for img in images])
    assert (boxes[:, :2].max(axis=1) == 28).all()
    assert np.abs(boxes[:, 2:]).max() <= 1
    assert 0.03 <= (images > 0).mean() <= 0.6


@pytest.mark.parametrize("name", list(handwriting.STYLES))
def test_drawings_stay_on_the_canvas(name):
    rng = np.random.default_rng(0)
    for cls in classes.CLASSES:
        for strokes in handwriting.draw(cls.char, 5, handwriting.STYLES[name], rng):
            allxy = np.concatenate(strokes)
            assert allxy.min() >= 0 and allxy.max() <= handwriting.CANVAS


def test_same_seed_same_images_other_seed_other_images():
    labels = np.arange(classes.NUM_CLASSES)
    sloppy = handwriting.STYLES["sloppy"]
    first = handwriting.render(labels, sloppy, seed=7)
    assert np.array_equal(first, handwriting.render(labels, sloppy, seed=7))
    other = handwriting.render(labels, sloppy, seed=8)
    assert (first != other).any(axis=(1, 2)).mean() > 0.9


def test_drawings_vary_from_the_model_strokes_more_when_sloppy():
    labels = np.full(40, classes.by_char("あ").index)
    spread = {name: handwriting.render(labels, handwriting.STYLES[name], seed=0).astype(float).std(axis=0).mean()
              for name in ("neat", "sloppy")}
    assert spread["sloppy"] > spread["neat"] > 0


def test_cursive_lifts_the_pen_less():
    rng = np.random.default_rng(0)
    chars = [c.char for c in classes.CLASSES]
    model = sum(len(handwriting.character_strokes(c)) for c in chars) * 20
    lifts = {name: sum(len(d) for c in chars for d in handwriting.draw(c, 20, handwriting.STYLES[name], rng))
             for name in ("neat", "cursive")}
    assert lifts["neat"] == model
    assert lifts["cursive"] < 0.6 * model
    # A joined stroke starts where the first stroke starts and runs through the next one's points.
    (joined,) = handwriting.draw("い", 1, handwriting.Style(**{**vars(handwriting.STYLES["neat"]), "join": 1.0}), rng)
    assert len(joined) == 1


def _unit_box(strokes) -> list[np.ndarray]:
    allxy = np.concatenate([np.asarray(s, float) for s in strokes])
    lo, size = allxy.min(axis=0), (allxy.max(axis=0) - allxy.min(axis=0)).max()
    return [(np.asarray(s, float) - lo) / size for s in strokes]


def test_hand_written_strokes_agree_with_kanjivg_on_count_order_and_direction():
    """tests/strokes.py (written by hand) and KanjiVG (written by others) check each other: all 49 characters,
    the same number of strokes, each starting near where KanjiVG's starts and heading the same way."""
    assert set(STROKES) == set(classes.CHARS)
    for char, hand in STROKES.items():
        model = handwriting.character_strokes(char)
        assert len(hand) == len(model), char
        for k, (ours, theirs) in enumerate(zip(_unit_box(hand), _unit_box(model))):
            assert np.hypot(*(ours[0] - theirs[0])) < 0.3, (char, k)
            assert np.dot(ours[-1] - ours[0], theirs[-1] - theirs[0]) > 0, (char, k)
