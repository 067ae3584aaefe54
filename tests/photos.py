"""Generated photos and scans of characters: the strokes of tests/strokes.py written with a pen on paper, then
lit unevenly, textured, noised and JPEG-compressed as a phone camera or a cheap scanner would deliver them.

These are synthetic pictures made here, not scans of real handwriting: they test the image path's framing, and
benchmark figures measured on them are labelled as such.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter


@dataclass(frozen=True)
class PhotoStyle:
    size: tuple[int, int] = (360, 300)  # (width, height) of the picture
    dark_on_light: bool = True
    lighting: float = 0.0  # 0: even; 0.5: one side of the page half as bright as the other
    texture: float = 0.0  # amplitude of the paper's grain, grey levels
    noise: float = 0.0  # sensor noise, standard deviation in grey levels
    jpeg: int | None = None  # JPEG quality, or None for a lossless picture
    char_share: float = 0.6  # the character's long side against the picture's short side
    pen: float = 0.035  # pen width against the character's long side
    ink: float = 40.0  # ink grey level (dark on light) before lighting
    paper: float = 225.0


PHONE = PhotoStyle(lighting=0.45, texture=10.0, noise=6.0, jpeg=70)
SCANNER = PhotoStyle(texture=6.0, noise=4.0, jpeg=90)
# The styles the tests and bench/photo_predict.py measure the image path on.
STYLES = {
    "clean": PhotoStyle(),
    "scanner": SCANNER,
    "phone": PHONE,
    "light on dark": PhotoStyle(dark_on_light=False, texture=6.0, noise=5.0, jpeg=85),
    "small in a big photo": PhotoStyle(**{**PHONE.__dict__, "size": (640, 480), "char_share": 0.3}),
    # ~20 px in the image path's first, 192 px look: framed again from the picture's own pixels.
    "far off in a big photo": PhotoStyle(**{**PHONE.__dict__, "size": (1200, 900), "char_share": 0.15}),
}


def character_on_paper(strokes, style: PhotoStyle = PhotoStyle(), seed: int = 0,
                       position: tuple[float, float] | None = None) -> np.ndarray:
    """(H, W) uint8 picture of the strokes (300x300 canvas coordinates) written on paper in `style`."""
    rng = np.random.default_rng(seed)
    w, h = style.size
    layer = _ink_layer(strokes, style, rng, position)
    return _photograph(layer, style, rng)


def page_of_characters(many_strokes, style: PhotoStyle = PhotoStyle(), seed: int = 0) -> np.ndarray:
    """Several characters side by side, a character's width apart, on one picture."""
    rng = np.random.default_rng(seed)
    n = len(many_strokes)
    w, h = style.size
    layer = np.zeros((h, w), np.float32)
    for i, strokes in enumerate(many_strokes):
        part = PhotoStyle(**{**style.__dict__, "char_share": style.char_share / n})
        layer = np.maximum(layer, _ink_layer(strokes, part, rng, ((i + 0.5) / n, 0.5)))
    return _photograph(layer, style, rng)


def transparent_png(strokes, *, dark_ink: bool = True, seed: int = 0) -> bytes:
    """The strokes on a transparent sheet (alpha = ink), as a drawing program exports them."""
    style = PhotoStyle()
    layer = _ink_layer(strokes, style, np.random.default_rng(seed), None)
    alpha = np.clip(layer * 255, 0, 255).astype(np.uint8)
    grey = np.full(alpha.shape, 0 if dark_ink else 255, np.uint8)
    image = Image.fromarray(np.dstack([grey, grey, grey, alpha]), "RGBA")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def k49_image_on_paper(image: np.ndarray, style: PhotoStyle = PhotoStyle(), seed: int = 0) -> np.ndarray:
    """A K49 image (28x28, white ink on black) printed large on paper in `style` and photographed: a real
    brush-written character the way a scan or a phone would deliver it (enlarged smoothly, so its edges stay soft)."""
    rng = np.random.default_rng(seed)
    w, h = style.size
    side = max(8, round(style.char_share * min(w, h)))  # K49's ink box fills its 28 px
    ink = Image.fromarray(np.asarray(image, np.float32) / 255.0, "F").resize((side, side), Image.Resampling.BICUBIC)
    layer = np.zeros((h, w), np.float32)
    left = int(rng.uniform(0.35, 0.65) * (w - side))
    top = int(rng.uniform(0.35, 0.65) * (h - side))
    layer[top : top + side, left : left + side] = np.clip(np.asarray(ink), 0.0, 1.0)
    return _photograph(layer, style, rng)


def _ink_layer(strokes, style: PhotoStyle, rng, position) -> np.ndarray:
    """Ink coverage 0..1 of the strokes placed and sized on the picture, drawn 3x larger and area-averaged."""
    w, h = style.size
    ss = 3
    pts = np.concatenate([np.asarray(s, np.float32)[:, :2] for s in strokes])
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    extent = float((hi - lo).max())
    target = style.char_share * min(w, h)
    scale = target / extent
    if position is None:
        slack = np.array([w, h]) - (hi - lo) * scale
        cx, cy = (rng.uniform(0.35, 0.65, 2) * slack + (hi - lo) * scale / 2) / np.array([w, h])
    else:
        cx, cy = position
    offset = np.array([cx * w, cy * h]) - (lo + hi) / 2 * scale
    canvas = Image.new("L", (w * ss, h * ss), 0)
    draw = ImageDraw.Draw(canvas)
    width = max(1, round(style.pen * target * ss))
    for stroke in strokes:
        xy = [tuple(((np.asarray(p[:2]) * scale + offset) * ss).tolist()) for p in stroke]
        draw.line(xy, fill=255, width=width, joint="curve")
        for x, y in (xy[0], xy[-1]):
            draw.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=255)
    canvas = canvas.filter(ImageFilter.GaussianBlur(ss * 0.6))
    return np.asarray(canvas.resize((w, h), Image.Resampling.BOX), np.float32) / 255.0


def _photograph(layer: np.ndarray, style: PhotoStyle, rng) -> np.ndarray:
    """Ink coverage -> the picture: paper and ink tones, grain, uneven light, noise, polarity, JPEG."""
    h, w = layer.shape
    grain = _smooth_noise(rng, (h, w), 24) * style.texture + _smooth_noise(rng, (h, w), 4) * style.texture / 2
    paper = style.paper + grain
    picture = paper * (1 - layer) + style.ink * layer
    yy, xx = np.mgrid[0:h, 0:w] / max(h, w)
    angle = rng.uniform(0, 2 * np.pi)
    ramp = (np.cos(angle) * xx + np.sin(angle) * yy)
    ramp = (ramp - ramp.min()) / max(float(np.ptp(ramp)), 1e-6)
    picture = picture * (1 - style.lighting * ramp)
    picture = picture + rng.normal(0, style.noise, (h, w)) if style.noise else picture
    if not style.dark_on_light:
        picture = 255 - picture
    image = Image.fromarray(np.clip(picture, 0, 255).astype(np.uint8))
    if style.jpeg is not None:
        out = io.BytesIO()
        image.save(out, "JPEG", quality=style.jpeg)
        image = Image.open(io.BytesIO(out.getvalue()))
    return np.asarray(image.convert("L"))


def _smooth_noise(rng, shape: tuple[int, int], cell: int) -> np.ndarray:
    """Noise of unit amplitude varying over about `cell` pixels."""
    h, w = shape
    coarse = rng.normal(0, 1, (max(2, h // cell + 2), max(2, w // cell + 2))).astype(np.float32)
    return np.asarray(Image.fromarray(coarse, "F").resize((w, h), Image.Resampling.BICUBIC))


EXIF_ORIENTATION = 0x0112


def save_as_phone_portrait(picture: np.ndarray, path, quality: int = 95) -> None:
    """`picture` (upright) saved as a phone stores a portrait photo: the sensor's pixels, turned a quarter left, with
    EXIF Orientation 6 ("turn right 90 degrees to show")."""
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = 6
    Image.fromarray(picture).transpose(Image.Transpose.ROTATE_90).save(path, "JPEG", quality=quality, exif=exif)


def huge_blank_png(path, width: int, height: int) -> None:
    """A valid black 1-bit PNG of width x height written row by row: a huge picture in a small file, made without
    holding its pixels."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = bytes(1 + (width + 7) // 8)  # filter byte 0, then the packed bits
    packer = zlib.compressobj(9)
    parts = [packer.compress(row * min(1024, height - start)) for start in range(0, height, 1024)]
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)))
        f.write(chunk(b"IDAT", b"".join(parts) + packer.flush()))
        f.write(chunk(b"IEND", b""))
