"""Photos and scans of one character -> a 28x28 image in K49's framing (white ink on black, ink box long side 28 px).

One path for every image that enters the app (``predict``, the Photo tab, imports):

1. read: any Pillow format, turned upright by its EXIF orientation (how phones store portrait photos), a large JPEG
   decoded at a reduced size, a picture too large to hold refused; transparency composited onto a background that
   contrasts with the opaque pixels;
2. polarity from the image: the sign of the strong departures from the paper's level (a median wider than any
   stroke), so dark ink on light paper and white ink on black are both read, however dark the photo;
3. background: the paper's level estimated at low resolution and subtracted, so uneven lighting and paper tone
   vanish; a light blur then keeps JPEG blocks and sensor noise out of the threshold;
4. ink: Otsu's threshold on what is left, refused when the ink barely stands out from the paper (a blank or uniform
   grey image holds no character);
5. clean-up: specks (components under 3% of the largest) and page edges (components covering half of a border)
   are dropped; ink groups a character apart are counted, and more than one substantial group is refused;
6. stroke weight brought to K49's (~2.7 px at 28x28) by growing or thinning the ink mask, then framed exactly like the
   canvas's drawings (``rasterize.frame_like_k49``: box long side 28 px, centred, anti-aliased).
"""

from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from k49desk.errors import DataError, EmptyDrawing, SeveralCharacters
from k49desk.rasterize import PEN_WIDTH, SIZE, frame_like_k49

# Pictures are read at this many pixels at most: a phone's 48-megapixel photo fits, and its float32 grey copy
# stays at ~200 MB. A larger JPEG is decoded at a half, a quarter or an eighth of its size (cheap: the decoder skips
# the detail); any other picture larger than this is refused with its size, before it is decoded.
MAX_PIXELS = 50_000_000
# Images are worked on at this long side at most: enough for a character's strokes, fast enough for a crop
# rectangle dragged live (a few ms), and the same result whatever the camera's resolution. Smaller images are
# enlarged to MIN_WORK_SIDE first, so that stroke weight can be corrected by fractions of a 28x28 pixel.
WORK_SIDE = 192
MIN_WORK_SIDE = 112
# A character whose ink box spans less than this share of WORK_SIDE on the first look is looked at again, from the
# picture's own pixels in its box and REFINE_MARGIN (of the box's long side) around it.
REFINE_BELOW = 0.5
REFINE_MARGIN = 0.25
# The ink must stand out from the paper by at least this much (0..255, after background removal): JPEG noise and
# paper texture stay well below it, a pencil line on grey paper well above.
MIN_CONTRAST = 24.0
# The ink threshold stays this many grain deviations above the paper's median strength.
GRAIN_SIGMAS = 6.0
# Fainter ink down to this share of the threshold still counts where it touches ink above it.
HYSTERESIS = 0.5
# Components smaller than this share of the largest are specks (ふ's dots are ~8-15% of its largest stroke).
SPECK_SHARE = 0.03
# Ink groups at least this share of the largest group's ink count as characters of their own.
CHARACTER_SHARE = 0.15
# Stroke parts closer than this share of the largest component's long side form one group.
GROUP_REACH = 0.35
# Groups are separate characters when the space between them is at least this share of the larger one's long side.
SEPARATION = 0.75
# ... and when together they make a row or a column of text (a broken stroke of one faint character is not).
ROW_ASPECT = 1.5
# Stroke width at 28x28 the framing aims for: the canvas pen's, which matches K49's measured strokes.
TARGET_STROKE = PEN_WIDTH
STROKE_TOLERANCE = 0.25  # relative: strokes within +-25% of the target are left as they are


@dataclass(frozen=True)
class Framed:
    """A character found in an image: the 28x28 K49-framed result and how it was found."""

    image: np.ndarray  # (28, 28) uint8, white ink on black
    dark_on_light: bool  # the source's polarity
    ink_box: tuple[int, int, int, int]  # (left, top, right, bottom) of the character in source pixels
    stroke_px: float  # the source's stroke width in source pixels (before weight correction)


def check_image_file(path: Path) -> None:
    """DataError unless `path` is a file: a folder, or nothing, named as such."""
    if path.is_dir():
        raise DataError(f"{path}: is a folder, not an image (give a picture file)")
    if not path.is_file():
        raise DataError(f"{path}: image file not found")


def open_picture(path: str | Path) -> Image.Image:
    """An image file as a loaded Pillow image, upright (its EXIF orientation applied) and at most MAX_PIXELS (a larger
    JPEG decoded at a reduced size); DataError naming the file when it is missing, unreadable or too large."""
    path = Path(path)
    check_image_file(path)
    try:
        with warnings.catch_warnings():
            # Pillow warns from ~90 megapixels; the size is checked here against MAX_PIXELS with a message of our own.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                w, h = image.size
                if image.format == "JPEG" and w * h > MAX_PIXELS:
                    # The JPEG decoder scales by 1/2, 1/4 or 1/8: the smallest that brings the picture under the limit.
                    scale = 2 ** min(3, math.ceil(math.log2(w * h / MAX_PIXELS) / 2))
                    image.draft(None, (math.ceil(w / scale), math.ceil(h / scale)))
                if image.size[0] * image.size[1] > MAX_PIXELS:
                    raise DataError(_too_large(path, w * h, f"{w}x{h} pixels, "))
                image.load()
                return ImageOps.exif_transpose(image)
    except Image.DecompressionBombError as e:
        # Pillow refuses pictures over ~180 megapixels before their size can be read; its message holds the count.
        found = re.search(r"\((\d+) pixels\)", str(e))
        raise DataError(_too_large(path, int(found.group(1)) if found else None)) from None
    except UnidentifiedImageError:
        raise DataError(f"{path}: not a readable image ({_unknown_format(path)})") from None
    except (OSError, SyntaxError, ValueError) as e:
        detail = e.strerror if isinstance(e, OSError) and e.strerror else str(e) or "damaged"
        raise DataError(f"{path}: not a readable image ({detail})") from None


def _unknown_format(path: Path) -> str:
    """What a file Pillow cannot identify seems to be: empty, text, or a format Pillow does not know."""
    import codecs

    try:
        with open(path, "rb") as f:
            head = f.read(4096)
        if not head:
            return "an empty file (0 bytes)"
        codecs.getincrementaldecoder("utf-8")().decode(head)  # a character cut at the end is not an error
    except (OSError, UnicodeDecodeError):
        return "not a picture format Pillow knows"
    return "a text file, not a picture" if b"\0" not in head else "not a picture format Pillow knows"


def _too_large(path: Path, pixels: int | None, size: str = "") -> str:
    found = f"{size}{pixels / 1e6:,.0f} megapixels" if pixels else "larger than Pillow reads"
    return (f"{path}: picture too large ({found}; k49desk reads up to {MAX_PIXELS / 1e6:.0f} megapixels, a JPEG "
            f"photo up to {64 * MAX_PIXELS / 1e6:,.0f} at a reduced size); scale it down or crop it to the character "
            f"first")


def read_image(path: str | Path) -> np.ndarray:
    """An image file as float32 grey values 0..255 (H, W), upright (see open_picture); transparency composited so
    that the ink stays visible."""
    return to_grey(open_picture(path))


def to_grey(image: Image.Image) -> np.ndarray:
    """A Pillow image as float32 grey 0..255; alpha composited onto white under dark ink, onto black under light ink."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        a = np.asarray(image, dtype=np.float32)
        top = float(a.max()) if a.size else 0.0
        return a * (255.0 / top) if top > 255 else a
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    if not has_alpha:
        return np.asarray(image.convert("L"), dtype=np.float32)
    rgba = image.convert("RGBA")
    alpha = np.asarray(rgba.getchannel("A"), dtype=np.float32) / 255.0
    grey = np.asarray(rgba.convert("L"), dtype=np.float32)
    opaque = alpha > 0.5
    if not opaque.any() or opaque.all():
        return grey * alpha + 255.0 * (1 - alpha) if not opaque.any() else grey
    # Whatever is drawn on a transparent sheet is the ink: put it on paper of the other brightness.
    paper = 255.0 if float(np.median(grey[opaque])) < 128 else 0.0
    return grey * alpha + paper * (1 - alpha)


def frame_photo(grey: np.ndarray, region: tuple[int, int, int, int] | None = None) -> Framed:
    """The one character in `grey` (or in its `region` (left, top, right, bottom)) framed like K49.

    EmptyDrawing when the image holds no character, SeveralCharacters when it holds more than one.
    """
    a = np.asarray(grey, dtype=np.float32)
    if a.ndim == 3:
        a = a.mean(axis=2)
    if a.ndim != 2 or min(a.shape) < 2:
        raise DataError(f"expected a 2-D grey image, got an array of shape {a.shape}")
    a = np.nan_to_num(a, nan=0.0, posinf=255.0, neginf=0.0)
    offset = (0, 0)
    if region is not None:
        left, top, right, bottom = (int(round(v)) for v in region)
        left, top = max(0, left), max(0, top)
        right, bottom = min(a.shape[1], right), min(a.shape[0], bottom)
        if right - left < 2 or bottom - top < 2:
            raise EmptyDrawing("the selected region is empty")
        a, offset = a[top:bottom, left:right], (left, top)
    framed = _frame(a, offset)
    refined = _refined(a, offset, framed)
    return framed if refined is None else refined


def _frame(a: np.ndarray, offset: tuple[int, int]) -> Framed:
    """frame_photo's work on `a` (a picture or the part of one at `offset` in source pixels)."""
    work, scale = _work_size(a)
    strength, dark_on_light = _ink_strength(work)
    mask, links = _ink_mask(strength)
    mask = _drop_specks_and_edges(mask)
    if not mask.any():
        raise EmptyDrawing("nothing to predict: no character found (no ink stands out from the background)")
    mask = _one_character(mask, links | mask)
    stroke = _stroke_width(mask)
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    long_side = max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1
    mask = _with_stroke_weight(mask, stroke, SIZE / long_side)
    box = tuple(int(round(v / scale)) + o for v, o in
                zip((cols[0], rows[0], cols[-1] + 1, rows[-1] + 1), (offset[0], offset[1], offset[0], offset[1])))
    return Framed(frame_like_k49(mask.astype(np.float32)), dark_on_light, box, stroke / scale)


def _refined(a: np.ndarray, offset: tuple[int, int], first: Framed) -> Framed | None:
    """A character small in a large picture, framed again from the picture's own pixels around it: at WORK_SIDE its
    strokes may be thinner than a pixel. None when the first look was already sharp enough, or when the second one
    finds nothing better (the first answer then stands)."""
    left, top, right, bottom = (v - o for v, o in zip(first.ink_box, (*offset, *offset)))
    long_side = max(right - left, bottom - top)
    if max(a.shape) <= WORK_SIDE or long_side * WORK_SIDE / max(a.shape) >= REFINE_BELOW * WORK_SIDE:
        return None
    margin = max(4, round(REFINE_MARGIN * long_side))
    left, top = max(0, left - margin), max(0, top - margin)
    right, bottom = min(a.shape[1], right + margin), min(a.shape[0], bottom + margin)
    try:
        return _frame(a[top:bottom, left:right], (offset[0] + left, offset[1] + top))
    except (EmptyDrawing, SeveralCharacters):
        return None


def image_file_to_k49(path: str | Path) -> np.ndarray:
    """The (28, 28) uint8 K49-framed character in an image file; messages name the file."""
    grey = read_image(path)
    try:
        return frame_photo(grey).image
    except (EmptyDrawing, SeveralCharacters) as e:
        raise type(e)(f"{path}: {e}") from None


def _work_size(a: np.ndarray) -> tuple[np.ndarray, float]:
    """`a` resized so its long side lies between MIN_WORK_SIDE and WORK_SIDE, and the scale applied."""
    side = max(a.shape)
    scale = min(WORK_SIDE, max(MIN_WORK_SIDE, side)) / side
    if scale == 1.0:
        return a, 1.0
    h, w = (max(2, round(n * scale)) for n in a.shape)
    resample = Image.Resampling.BOX if scale < 1 else Image.Resampling.BILINEAR
    return np.asarray(Image.fromarray(a, mode="F").resize((w, h), resample)), scale


def otsu_threshold(values: np.ndarray, bins: int = 256) -> float:
    """Otsu's threshold: the cut that maximises the between-class variance of `values`' histogram."""
    v = np.asarray(values, dtype=np.float64).ravel()
    lo, hi = float(v.min()), float(v.max())
    if hi - lo < 1e-9:
        return hi
    hist, edges = np.histogram(v, bins=bins, range=(lo, hi))
    centres = (edges[:-1] + edges[1:]) / 2
    w0 = np.cumsum(hist)
    w1 = w0[-1] - w0
    m0 = np.cumsum(hist * centres)
    mean0 = m0 / np.maximum(w0, 1)
    mean1 = (m0[-1] - m0) / np.maximum(w1, 1)
    between = w0 * w1 * (mean0 - mean1) ** 2
    return float(edges[int(np.argmax(between[:-1])) + 1])


def _ink_strength(a: np.ndarray) -> tuple[np.ndarray, bool]:
    """(ink strength, dark_on_light): how far each pixel stands out from the paper, ink high; and the polarity.

    The paper's level is estimated on a small copy with a rank filter whose window (1/5 of the image) is wider than
    any stroke of a character that fills the picture: the median sees the paper whatever the ink's polarity, and the
    polarity is the sign of the strong departures from it. The paper is then re-estimated with a percentile that
    leans away from the ink, so dense strokes do not lift it, smoothed and subtracted: uneven light and paper tone
    vanish. A light blur keeps JPEG blocks and sensor noise out of the threshold.
    """
    from scipy import ndimage

    h, w = a.shape
    small_side = 48
    factor = max(1.0, max(h, w) / small_side)
    sh, sw = max(2, round(h / factor)), max(2, round(w / factor))
    small = np.asarray(Image.fromarray(a, mode="F").resize((sw, sh), Image.Resampling.BOX))
    size = max(3, round(max(sh, sw) / 5) | 1)

    def full_size(level: np.ndarray) -> np.ndarray:
        level = ndimage.gaussian_filter(level, size / 3, mode="nearest").astype(np.float32)
        return np.asarray(Image.fromarray(level, mode="F").resize((w, h), Image.Resampling.BILINEAR))

    departure = a - full_size(ndimage.median_filter(small, size=size, mode="nearest"))
    dark_on_light = float(np.sum(np.minimum(departure, 0) ** 2)) > float(np.sum(np.maximum(departure, 0) ** 2))
    paper = full_size(ndimage.percentile_filter(small, 80 if dark_on_light else 20, size=size, mode="nearest"))
    strength = np.clip(paper - a if dark_on_light else a - paper, 0, None)
    return ndimage.gaussian_filter(strength, max(0.5, max(h, w) / 256)), dark_on_light


def _ink_mask(strength: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(ink, links): the pixels above Otsu's cut, when the ink stands out from the paper at all; and that ink
    extended along fainter ink connected to it (hysteresis), which tells the parts of one faded stroke belong
    together without thickening the strokes."""
    from scipy import ndimage

    nothing = np.zeros(strength.shape, bool)
    if float(strength.max()) < MIN_CONTRAST:
        return nothing, nothing
    # Otsu splits the paper's own grain when the ink is sparse (a small character in a large picture): the cut is
    # then raised above the grain, measured robustly from the median and the median absolute deviation.
    middle = float(np.median(strength))
    grain = 1.4826 * float(np.median(np.abs(strength - middle)))
    t = max(otsu_threshold(strength), middle + GRAIN_SIGMAS * grain, MIN_CONTRAST / 2)
    ink = strength > t
    paper = strength[~ink]
    if not ink.any() or not paper.size or float(np.median(strength[ink]) - np.median(paper)) < MIN_CONTRAST:
        return nothing, nothing
    faint, _ = ndimage.label(strength > max(t * HYSTERESIS, MIN_CONTRAST / 2), structure=np.ones((3, 3), bool))
    keep = np.zeros(faint.max() + 1, bool)
    keep[faint[ink]] = True
    keep[0] = False
    return ink, keep[faint]


def _components(mask: np.ndarray) -> tuple[np.ndarray, int, np.ndarray]:
    from scipy import ndimage

    labels, n = ndimage.label(mask, structure=np.ones((3, 3), bool))
    sizes = np.bincount(labels.ravel(), minlength=n + 1)
    sizes[0] = 0
    return labels, n, sizes


def _drop_specks_and_edges(mask: np.ndarray) -> np.ndarray:
    """`mask` without specks and without page edges (components lying along half of an image border or more)."""
    labels, n, sizes = _components(mask)
    if n == 0:
        return mask
    keep = sizes >= SPECK_SHARE * sizes.max()
    for border in (labels[0], labels[-1], labels[:, 0], labels[:, -1]):
        along = np.bincount(border, minlength=n + 1)
        keep &= along < 0.5 * border.size
    keep[0] = False
    if not keep[1:].any():
        return np.zeros_like(mask)
    # Specks are judged again against the largest component that is left (a page edge may have been the largest).
    kept_sizes = np.where(keep, sizes, 0)
    keep &= kept_sizes >= SPECK_SHARE * kept_sizes.max()
    return keep[labels]


def _one_character(mask: np.ndarray, links: np.ndarray) -> np.ndarray:
    """`mask` reduced to its one character: stray marks far from it dropped; SeveralCharacters when ink groups of
    similar weight lie at least a character apart in a row or column (the parts of い, こ or り are closer).
    `links` (a superset of `mask`: faint ink too) decides which parts are connected."""
    from scipy import ndimage

    labels, n, sizes = _components(mask)
    largest = ndimage.find_objects(labels)[int(np.argmax(sizes[1:]))]
    reach = GROUP_REACH * max(s.stop - s.start for s in largest)
    groups, count = ndimage.label(ndimage.distance_transform_edt(~links) <= reach / 2, structure=np.ones((3, 3), bool))
    if count <= 1:
        return mask
    ink = np.bincount(groups[mask], minlength=count + 1)
    boxes = ndimage.find_objects(groups)
    main = int(np.argmax(ink))
    weighty = [g for g in range(1, count + 1) if ink[g] >= CHARACTER_SHARE * ink[main]]
    apart = [g for g in weighty
             if g != main and _gap(boxes[main - 1], boxes[g - 1]) >= SEPARATION * _long_side(boxes[main - 1], boxes[g - 1])]
    if apart and _aspect([boxes[g - 1] for g in [main, *apart]]) >= ROW_ASPECT:
        raise SeveralCharacters("found more than one character; crop the image to one of them")
    near = [g for g in range(1, count + 1)
            if g == main or _gap(boxes[main - 1], boxes[g - 1]) < SEPARATION * _long_side(boxes[main - 1])]
    return mask & np.isin(groups, near)


def _gap(a: tuple[slice, slice], b: tuple[slice, slice]) -> int:
    """The empty space between two boxes (0 when they overlap in both directions)."""
    return max(0, *(max(b[i].start - a[i].stop, a[i].start - b[i].stop) for i in (0, 1)))


def _aspect(boxes: list[tuple[slice, slice]]) -> float:
    """Long side over short side of the box around `boxes`."""
    sides = [max(b[i].stop for b in boxes) - min(b[i].start for b in boxes) for i in (0, 1)]
    return max(sides) / max(1, min(sides))


def _long_side(*boxes: tuple[slice, slice]) -> int:
    return max(s.stop - s.start for box in boxes for s in box)


def _stroke_width(mask: np.ndarray) -> float:
    """Typical stroke width in pixels: twice the distance from the stroke's middle line to its edge."""
    from scipy import ndimage

    dist = ndimage.distance_transform_edt(mask)
    ridge = mask & (dist >= ndimage.maximum_filter(dist, size=3))
    values = dist[ridge]
    return float(max(1.0, 2 * np.median(values) - 1)) if values.size else 1.0


def _with_stroke_weight(mask: np.ndarray, stroke: float, to_28: float) -> np.ndarray:
    """`mask` grown or thinned so that its strokes come out TARGET_STROKE wide once scaled by `to_28`."""
    from scipy import ndimage

    target = TARGET_STROKE / to_28  # in this image's pixels
    if abs(stroke - target) <= STROKE_TOLERANCE * target:
        return mask
    if stroke < target:
        grow = (target - stroke) / 2
        return ndimage.distance_transform_edt(~mask) <= grow
    thin = (stroke - target) / 2
    thinned = ndimage.distance_transform_edt(mask) > thin
    return thinned if thinned.sum() >= 0.3 * mask.sum() else mask
