"""Pen-stroke drawings of the 49 characters from KanjiVG's stroke centre-lines, varied the way people's drawings vary.

KanjiVG (https://kanjivg.tagaini.net, Ulrich Apel, CC BY-SA 3.0) draws every character as one SVG path per stroke,
in the standard stroke order and direction, on a 109 x 109 box; the `kanjivg` package on PyPI installs them as
`kanji/XXXXX.svg` (install k49desk's `strokes` extra). This module parses those paths into points, then draws
seeded variations of them (stroke position, length and angle, slant, aspect, smooth warps, tremor, pen width,
hooks and tails, strokes run together) and renders them through the Draw tab's own rasteriser, so a model trained
on them sees exactly what the canvas gives it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from k49desk import classes
from k49desk.errors import DataError
from k49desk.rasterize import SIZE, rasterize_strokes

EXTRA = "strokes"  # the pyproject extra that installs KanjiVG
SOURCE = {
    "source": "KanjiVG stroke centre-lines (PyPI package kanjivg)",
    "url": "https://kanjivg.tagaini.net",
    "licence": "CC BY-SA 3.0",
    "attribution": "KanjiVG, copyright Ulrich Apel",
}
CANVAS = 300.0  # drawings come out in the coordinates of a 300 x 300 canvas, as tests/strokes.py writes them
_BOX = 109.0  # KanjiVG's viewBox
_FILL = 0.8  # the drawing's long side, as a fraction of the canvas: a margin all round
_SPACING = 2.0  # points along a stroke, in KanjiVG units (~0.6 px of the 28 x 28 result): smooth after framing
_FLICK_POINTS = 4  # points in each hook or tail (collapsed onto the stroke's end where it has none)
_JOIN_POINTS = 8  # points in each connecting curve between two strokes run together

_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_TOKEN = re.compile(rf"([MmCcSsLlHhVvZz])|({_NUMBER.pattern})|[\s,]+|(.)")
_ARITY = {"M": 2, "L": 2, "H": 1, "V": 1, "C": 6, "S": 4, "Z": 0}


def parse_path(d: str) -> list[np.ndarray]:
    """SVG path data -> its subpaths, each an (n, 4, 2) array of cubic Bezier segments (lines as straight cubics).

    Handles M/m, L/l, H/h, V/v, C/c, S/s and Z/z with implicit repetition (pairs after a moveto are linetos), as
    SVG 1.1 defines them. ValueError naming the problem for anything else.
    """
    tokens: list[str | float] = []
    for m in _TOKEN.finditer(d):
        if m.group(3) is not None:
            raise ValueError(f"unsupported path command or character {m.group(3)!r} in {d[:40]!r}")
        if m.group(1):
            tokens.append(m.group(1))
        elif m.group(2):
            tokens.append(float(m.group(2)))
    subpaths: list[list[np.ndarray]] = []
    pos = start = np.zeros(2)
    reflect = None  # the last cubic's second control point, for S
    i, command = 0, None
    while i < len(tokens):
        if isinstance(tokens[i], str):
            command, i = tokens[i], i + 1
        elif command is None:
            raise ValueError(f"path data must start with a moveto: {d[:40]!r}")
        upper, relative = command.upper(), command.islower()
        n = _ARITY[upper]
        args = tokens[i : i + n]
        if len(args) < n or any(isinstance(a, str) for a in args):
            raise ValueError(f"{command} needs {n} numbers in {d[:40]!r}")
        i += n
        a = np.array(args, float)
        base = pos if relative else np.zeros(2)
        if upper == "M":
            pos = start = base + a
            subpaths.append([])
            command = "l" if relative else "L"  # further pairs are implicit linetos
            reflect = None
            continue
        if not subpaths:
            raise ValueError(f"path data must start with a moveto: {d[:40]!r}")
        if upper == "Z":
            end, reflect = start, None
            segment = _line(pos, end)
            if not np.allclose(pos, end):
                subpaths[-1].append(segment)
            pos = end
            if i < len(tokens) and not isinstance(tokens[i], str):
                raise ValueError(f"numbers after Z in {d[:40]!r}")
            continue
        if upper in ("L", "H", "V"):
            if upper == "H":
                end = np.array([a[0] + (pos[0] if relative else 0.0), pos[1]])
            elif upper == "V":
                end = np.array([pos[0], a[0] + (pos[1] if relative else 0.0)])
            else:
                end = base + a
            segment, reflect = _line(pos, end), None
        else:
            if upper == "C":
                c1, c2, end = base + a[0:2], base + a[2:4], base + a[4:6]
            else:
                c1 = 2 * pos - reflect if reflect is not None else pos.copy()
                c2, end = base + a[0:2], base + a[2:4]
            segment, reflect = np.stack([pos, c1, c2, end]), c2
        subpaths[-1].append(segment)
        pos = end
    return [np.stack(s) for s in subpaths if s]


def _line(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.stack([a, a + (b - a) / 3, a + 2 * (b - a) / 3, b])


def sample_cubics(segments: np.ndarray, spacing: float = _SPACING) -> np.ndarray:
    """Points evenly spaced along a chain of cubic segments ((n, 4, 2)), about `spacing` apart, both ends included."""
    weights = _cubic_weights(np.linspace(0.0, 1.0, 17)[1:])
    fine = np.concatenate([segments[0, :1], *(weights @ seg for seg in segments)])
    along = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(fine, axis=0).T))])
    at = np.linspace(0.0, along[-1], max(2, int(np.ceil(along[-1] / spacing)) + 1))
    return np.stack([np.interp(at, along, fine[:, 0]), np.interp(at, along, fine[:, 1])], -1)


def _cubic_weights(t: np.ndarray) -> np.ndarray:
    """(len(t), 4) Bernstein weights: a cubic's points at parameters `t` are these weights times its 4 controls."""
    t = t[:, None]
    return np.hstack([(1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t**2 * (1 - t), t**3])


def kanjivg_version() -> str:
    """The installed kanjivg package's version; DataError naming the extra to install when it is missing."""
    return _distribution().version


def _distribution():
    from importlib import metadata

    try:
        return metadata.distribution("kanjivg")
    except metadata.PackageNotFoundError:
        raise DataError(
            f"KanjiVG's strokes are not installed: pip install 'k49desk[{EXTRA}]' (the kanjivg package)"
        ) from None


@lru_cache(maxsize=None)
def character_strokes(char: str) -> tuple[np.ndarray, ...]:
    """KanjiVG's strokes of `char` in stroke order: one (n, 2) point array each, in KanjiVG's 109 x 109 box."""
    import xml.etree.ElementTree as ET

    path = _distribution().locate_file(f"kanji/{ord(char):05x}.svg")
    try:
        root = ET.fromstring(path.read_bytes())
    except FileNotFoundError:
        raise DataError(f"KanjiVG has no strokes for {char!r} (looked for {path})") from None
    except (OSError, ET.ParseError) as e:
        raise DataError(f"{path}: cannot read KanjiVG's strokes for {char!r} ({e})") from None
    strokes = []
    for element in root.iter("{http://www.w3.org/2000/svg}path"):
        try:
            subpaths = parse_path(element.get("d", ""))
        except ValueError as e:
            raise DataError(f"{path}: {e}") from None
        strokes += [sample_cubics(s, _SPACING) for s in subpaths]
    if not strokes:
        raise DataError(f"{path}: no stroke paths for {char!r}")
    return tuple(strokes)


@dataclass(frozen=True)
class Style:
    """How far drawings stray from KanjiVG's model strokes. Lengths are fractions of the character's size."""

    name: str
    stroke_shift: float  # standard deviation of each stroke's displacement
    stroke_angle: float  # standard deviation of each stroke's turn about its start, in degrees
    stroke_length: float  # standard deviation of the log of each stroke's length factor
    slant: float  # standard deviation of the whole drawing's shear (x moved by slant * y)
    aspect: float  # standard deviation of the log of width / height
    rotation: float  # standard deviation of the whole drawing's turn, in degrees
    warp: float  # amplitude of the smooth warp (two random waves)
    tremor: float  # standard deviation of the hand's tremor, smoothed along the stroke
    hook: float  # chance of a hook or tail at each stroke end (and half that at each start)
    join: float  # chance that the pen stays down from one stroke to the next (cursive)
    pen_width: tuple[float, float]  # range of the pen width, in pixels of the 28 x 28 result


STYLES: dict[str, Style] = {
    s.name: s
    for s in (
        Style("neat", 0.015, 4.0, 0.05, 0.06, 0.05, 3.0, 0.01, 0.002, 0.15, 0.0, (2.1, 2.7)),
        Style("sloppy", 0.045, 10.0, 0.14, 0.18, 0.12, 7.0, 0.03, 0.004, 0.4, 0.1, (1.8, 3.2)),
        Style("cursive", 0.03, 7.0, 0.1, 0.15, 0.1, 5.0, 0.025, 0.003, 0.3, 0.85, (1.8, 3.2)),
        # Hastier than any of the others, half its strokes run together: kept out of the starter model's
        # practice set, so that validation has a style no model shipped here has seen.
        Style("scrawl", 0.055, 12.0, 0.17, 0.22, 0.15, 9.0, 0.04, 0.006, 0.5, 0.5, (1.6, 3.4)),
    )
}


def style(name: str) -> Style:
    """The named style; DataError listing the names otherwise."""
    try:
        return STYLES[name]
    except KeyError:
        raise DataError(f"unknown stroke style {name!r}; styles: {', '.join(STYLES)}") from None


def draw(char: str, count: int, drawing_style: Style, rng: np.random.Generator) -> list[list[np.ndarray]]:
    """`count` drawings of `char`: each a list of pen-down strokes, (n, 2) points on a 300 x 300 canvas.

    All drawings of a character are made together, as (count, points, 2) arrays: one NumPy step per variation.
    """
    s = drawing_style
    base = character_strokes(char)
    lengths = [len(p) for p in base]
    n_strokes = len(base)
    # KanjiVG's box centred on 0 with unit size.
    reference = np.concatenate(base) / _BOX - 0.5
    stroke_of = np.repeat(np.arange(n_strokes), lengths)
    first = np.cumsum([0, *lengths[:-1]])
    last = first + np.array(lengths) - 1

    # Each stroke turned and stretched about where it starts, then moved.
    angle = np.radians(rng.normal(0, s.stroke_angle, (count, n_strokes)))
    stretch = np.exp(rng.normal(0, s.stroke_length, (count, n_strokes)))
    shift = rng.normal(0, s.stroke_shift, (count, n_strokes, 2))
    origin = reference[first][stroke_of]
    rel = (reference - origin)[None] * stretch[:, stroke_of, None]
    cos, sin = np.cos(angle)[:, stroke_of], np.sin(angle)[:, stroke_of]
    pts = origin + np.stack([cos * rel[..., 0] - sin * rel[..., 1], sin * rel[..., 0] + cos * rel[..., 1]], -1)
    pts += shift[:, stroke_of]

    # Hooks and tails: a short flick at each end, turning away from the stroke's direction.
    end_flicks = _flicks(pts, last, np.maximum(last - 2, first), s.hook, rng)
    start_flicks = _flicks(pts, first, np.minimum(first + 2, last), s.hook / 2, rng)[:, :, ::-1]
    strokes = [
        np.concatenate([start_flicks[:, k], pts[:, first[k] : last[k] + 1], end_flicks[:, k]], axis=1)
        for k in range(n_strokes)
    ]
    joins = [_join(a, b) for a, b in zip(strokes, strokes[1:])]

    # The whole drawing: one array again, so the global steps are one NumPy step each.
    pieces = [strokes[0]]
    for j, st in zip(joins, strokes[1:]):
        pieces += [j, st]
    whole = np.concatenate(pieces, axis=1)
    whole = _whole_drawing_changes(whole, s, rng)

    joined = rng.random((count, max(0, n_strokes - 1))) < s.join
    bounds = np.cumsum([p.shape[1] for p in pieces])[:-1]
    drawings = []
    for d in range(count):
        parts = np.split(whole[d], bounds)
        out = [parts[0]]
        for k in range(1, n_strokes):
            if joined[d, k - 1]:
                out[-1] = np.concatenate([out[-1], parts[2 * k - 1], parts[2 * k]])
            else:
                out.append(parts[2 * k])
        drawings.append(out)
    return drawings


def _flicks(pts, ends, befores, chance, rng) -> np.ndarray:
    """(count, strokes, _FLICK_POINTS, 2): from each stroke end a short arc turning away from the stroke's direction;
    collapsed onto the end where, by `chance`, there is none."""
    count, n = pts.shape[0], len(ends)
    direction = _unit(pts[:, ends] - pts[:, befores])
    has = rng.random((count, n)) < chance
    length = np.where(has, rng.uniform(0.02, 0.08, (count, n)), 0.0)
    # A tail carries on and bends a little; a hook turns sharply back.
    turn = np.where(rng.random((count, n)) < 0.5, rng.uniform(0.2, 0.8, (count, n)), rng.uniform(1.8, 2.6, (count, n)))
    turn *= rng.choice((-1.0, 1.0), (count, n))
    steps = np.arange(1, _FLICK_POINTS + 1) / _FLICK_POINTS
    heading = np.arctan2(direction[..., 1], direction[..., 0])[..., None] + turn[..., None] * steps
    step_vec = np.stack([np.cos(heading), np.sin(heading)], -1) * (length[..., None, None] / _FLICK_POINTS)
    return pts[:, ends][:, :, None] + np.cumsum(step_vec, axis=2)


def _join(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(count, _JOIN_POINTS, 2): the curve the pen draws from the end of stroke `a` to the start of stroke `b` when it
    stays down, leaving along a's direction and arriving along b's."""
    p0, p3 = a[:, -1], b[:, 0]
    gap = np.linalg.norm(p3 - p0, axis=-1, keepdims=True)
    # Reaching back past the flicks: a collapsed flick gives no direction, a real one bends the curve's start.
    reach = _FLICK_POINTS + 2
    out_dir, in_dir = _unit(a[:, -1] - a[:, -1 - reach]), _unit(b[:, reach] - b[:, 0])
    controls = np.stack([p0, p0 + out_dir * gap * 0.4, p3 - in_dir * gap * 0.4, p3], axis=1)
    return np.einsum("tk,nkd->ntd", _cubic_weights(np.arange(1, _JOIN_POINTS + 1) / (_JOIN_POINTS + 1)), controls)


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-9)


def _whole_drawing_changes(pts: np.ndarray, s: Style, rng) -> np.ndarray:
    """Slant, aspect, rotation, smooth warp and tremor on (count, points, 2), then fitted into the canvas."""
    count = len(pts)
    slant = rng.normal(0, s.slant, count)
    aspect = np.exp(rng.normal(0, s.aspect, count) / 2)
    turn = np.radians(rng.normal(0, s.rotation, count))
    x, y = pts[..., 0] + slant[:, None] * pts[..., 1], pts[..., 1]
    x, y = x * aspect[:, None], y / aspect[:, None]
    cos, sin = np.cos(turn)[:, None], np.sin(turn)[:, None]
    pts = np.stack([cos * x - sin * y, sin * x + cos * y], -1)
    # Two plane waves of displacement, wavelength about the character's size: a smooth, non-affine bend.
    for _ in range(2):
        wave = rng.normal(0, 1.0, (count, 1, 2)) * 2 * np.pi
        phase = rng.uniform(0, 2 * np.pi, (count, 1))
        push = rng.normal(0, s.warp, (count, 1, 2))
        pts = pts + push * np.sin((pts * wave).sum(-1) + phase)[..., None]
    # Tremor: white noise averaged over 5 neighbouring points keeps it a wobble, not speckle.
    noise = rng.normal(0, s.tremor * np.sqrt(5), pts.shape)
    csum = np.cumsum(np.pad(noise, ((0, 0), (3, 2), (0, 0)), mode="edge"), axis=1)
    pts = pts + (csum[:, 5:] - csum[:, :-5]) / 5
    lo, hi = pts.min(axis=1, keepdims=True), pts.max(axis=1, keepdims=True)
    scale = CANVAS * _FILL / np.maximum((hi - lo).max(axis=-1, keepdims=True), 1e-9)
    return (pts - (lo + hi) / 2) * scale + CANVAS / 2


def render(labels, drawing_style: Style, seed) -> np.ndarray:
    """(len(labels), 28, 28) uint8 images in K49's framing: one drawing per label, through the canvas's rasteriser.

    Deterministic for the same labels, style and seed (an int or a numpy SeedSequence).
    """
    labels = np.asarray(labels, dtype=np.int64)
    rng = np.random.default_rng(seed)
    images = np.empty((len(labels), SIZE, SIZE), np.uint8)
    for label in range(classes.NUM_CLASSES):
        where = np.flatnonzero(labels == label)
        if not len(where):
            continue
        drawings = draw(classes.CLASSES[label].char, len(where), drawing_style, rng)
        widths = rng.uniform(*drawing_style.pen_width, len(where))
        for i, strokes, width in zip(where, drawings, widths):
            images[i] = rasterize_strokes(strokes, pen_width=float(width))
    return images
