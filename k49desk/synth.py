"""Render a K49-format practice set from Japanese fonts, augmented toward hand-written brush strokes."""

from __future__ import annotations

import io
import json
import os
import shutil
import struct
import subprocess
import sys
import threading
import time
import zipfile
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path

import numpy as np

from k49desk import classes, paths
from k49desk.dataset import FILE_NAMES, PRACTICE_MARKER
from k49desk.errors import Cancelled, DataError
from k49desk.files import check_output_folder, write_folder
from k49desk.progress import Throttle
from k49desk.rasterize import K49_STROKE_WIDTH, SIZE, frame_like_k49

FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
# Glyphs are augmented on a WORK x WORK canvas; the transformed glyph's long side is GLYPH px, about twice
# the final 28, so the last step still area-averages (anti-aliases) and the margin holds the elastic warp.
WORK = 80
GLYPH = 60
_RENDER_PX = 160  # font size for the one high-resolution render per (font, character)
# Mean absolute difference (0..1) between two faces' K49-framed kana below which they are one design: proportional
# twins (IPAGothic/IPAPGothic, VL Gothic/VL PGothic) measure 0.02-0.033, distinct designs 0.04 and more.
_SAME_DESIGN = 0.035
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed zip entry time: the same seed gives the same bytes
_PROGRESS_EVERY_S = 0.1
_CHUNK = 256  # images per job: one random stream each, so the result does not depend on thread timing
_BATCH = 64  # images augmented together: numpy works on whole batches, far fewer Python steps per image


@dataclass(frozen=True)
class SynthProgress:
    done: int
    total: int
    stage: str  # "fonts", "train", "test", "writing"


@dataclass(frozen=True)
class _Face:
    path: Path
    index: int  # face number inside a .ttc/.otc collection
    name: str  # "IPAexGothic Regular"


@dataclass(frozen=True)
class SkippedFont:
    """An installed or given font face left out of the practice set, and why."""

    name: str  # "KouzanBrushFontSousyo Regular", or the file name when the face cannot be read
    path: Path
    index: int
    reason: str  # "same kana design as KouzanBrushFont Regular (...)", "misses 2 of the 49 characters: ゐ ゑ"...

    def to_dict(self) -> dict:
        return {"name": self.name, "file": str(self.path), "index": self.index, "reason": self.reason}


def find_japanese_fonts() -> list[Path]:
    """Every installed font file with a face covering all 49 characters, one face per family; IPAexGothic first."""
    return list(dict.fromkeys(face.path for face in _installed_faces()[0]))


def skipped_japanese_fonts() -> list[SkippedFont]:
    """The installed Japanese font faces the practice set leaves out, each with its reason."""
    return list(_installed_faces()[1])


@lru_cache(maxsize=1)
def _installed_faces() -> tuple[tuple[_Face, ...], tuple[SkippedFont, ...]]:
    return _select_faces([(paths.hiragana_font_path(), None, False), *_font_candidates()])


def _fc_list(fc_list: str, pattern: str) -> list[tuple[Path, int]]:
    out = subprocess.run([fc_list, "--format", "%{file}\\t%{index}\\n", pattern],
                         capture_output=True, text=True, timeout=30, check=True).stdout
    rows = (line.split("\t") for line in out.splitlines() if "\t" in line)
    return sorted({(Path(file), int(index or 0)) for file, index in rows})


def _font_candidates() -> list[tuple[Path, int | None, bool]]:
    """(file, face index or None for all, already known to cover the 49 characters) for every font that may do so.

    fontconfig answers exactly which faces cover all 49 characters, and in a tenth of the time reading every cmap
    takes; faces that have hiragana but not all 49 characters come after them, so that they can be reported as
    skipped. Without fontconfig, every font file in the usual folders is a candidate.
    """
    fc_list = shutil.which("fc-list")
    if fc_list:
        try:
            covering = _fc_list(fc_list, ":charset=" + " ".join(f"{ord(c):x}" for c in classes.CHARS))
            with_kana = _fc_list(fc_list, f":charset={ord(classes.CHARS[0]):x}")  # any face with あ
            partial = [row for row in with_kana if row not in set(covering)]
            return [(file, index, True) for file, index in covering] + [(file, index, False) for file, index in partial]
        except (OSError, ValueError, subprocess.SubprocessError):
            pass
    home = Path.home()
    folders = [home / ".fonts", home / ".local/share/fonts", home / "Library/Fonts",
               Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path("/Library/Fonts"),
               Path("/System/Library/Fonts")]
    if sys.platform == "win32":
        windir = Path(os.environ.get("WINDIR", "C:/Windows"))
        folders += [windir / "Fonts", Path(os.environ.get("LOCALAPPDATA", home)) / "Microsoft/Windows/Fonts"]
    return sorted((p, None, False) for folder in folders if folder.is_dir()
                  for p in folder.rglob("*") if p.suffix.lower() in FONT_SUFFIXES)


def _faces_covering_k49(candidates) -> tuple[_Face, ...]:
    """The faces among (file, index or None, covered) candidates that show all 49 characters, one per family and design."""
    return _select_faces(candidates)[0]


def _select_faces(candidates, explicit: bool = False) -> tuple[tuple[_Face, ...], tuple[SkippedFont, ...]]:
    """(faces used, faces skipped with their reasons) among (file, index or None, covered) candidates.

    Used: the faces that show all 49 characters, one per family and design. Skipped: the other faces with some
    hiragana; with `explicit` (fonts the user named) every face or file that cannot be used, unreadable ones too.
    """
    from PIL import ImageFont

    found = []  # (style rank, order, face, family, design)
    skipped = []  # (order, SkippedFont)
    seen = set()
    for file, index, covered in candidates:
        path = Path(file)
        count = _face_count(path) if index is None else 1
        if count == 0 and explicit:
            unreadable = SkippedFont(path.name, path, 0, "not a readable font collection")
            skipped.append((len(found) + len(skipped), unreadable))
        for index in range(count) if index is None else (index,):
            key = (path.resolve(), index)
            if key in seen:
                continue
            seen.add(key)
            label = path.name if index == 0 else f"{path.name} #{index}"
            order = len(found) + len(skipped)
            if not covered:
                problem, has_kana = _cmap_problem(path, index)
                if problem is not None:
                    if explicit or has_kana:
                        skipped.append((order, SkippedFont(label, path, index, problem)))
                    continue
            try:
                font = ImageFont.truetype(str(path), size=64, index=index)
                family, style = font.getname()
                name = f"{family} {style or ''}".strip()
            except (OSError, ValueError) as e:
                skipped.append((order, SkippedFont(label, path, index, f"FreeType cannot open it ({e})")))
                continue
            try:
                renders = [_render(font, c) for c in classes.CHARS]
            except (OSError, ValueError) as e:  # e.g. FreeType's "invalid opcode" on a broken hinting program
                skipped.append((order, SkippedFont(name, path, index, f"FreeType cannot draw its glyphs ({e})")))
                continue
            blank = [c for c, r in zip(classes.CHARS, renders) if r is None]
            if blank:
                skipped.append((order, SkippedFont(name, path, index, f"draws no ink for {' '.join(blank)}")))
                continue
            design = np.stack([frame_like_k49(np.asarray(r)) for r in renders]).astype(np.float32) / 255
            found.append((_style_rank(style), order, _Face(path, index, name), family, design))
    # Weights of one family differ mostly in stroke width, which the augmentation sets anyway, and families
    # sharing their kana (KouzanBrushFont, its Sousyo and AoyagiKouzanT; IPAGothic and IPAPGothic) would
    # over-weight one design: keep each family's regular face and each design once, in the order found.
    chosen, families, designs = [], {}, []
    for _, order, face, family, design in sorted(found, key=lambda f: (f[0], f[1])):
        if family in families:
            reason = f"another face of the family {family}; {families[family].name} is used"
        else:
            difference, twin = min(((float(np.abs(design - d).mean()), f) for d, f in designs),
                                   default=(np.inf, None), key=lambda t: t[0])
            if difference > _SAME_DESIGN:
                families[family] = face
                designs.append((design, face))
                chosen.append(face)
                continue
            reason = (f"same kana design as {twin.name}, which is used (mean difference {difference:.3f}, "
                      f"at most {_SAME_DESIGN} counts as one design)")
        skipped.append((order, SkippedFont(face.name, face.path, face.index, reason)))
    order_of = {face: i for _, i, face, _, _ in found}
    return (tuple(sorted(chosen, key=order_of.__getitem__)),
            tuple(s for _, s in sorted(skipped, key=lambda t: t[0])))


def _face_count(path: Path) -> int:
    """Faces in a font file: several in a .ttc/.otc collection; 0 when it cannot be read."""
    from fontTools.ttLib import TTCollection, TTLibError

    if path.suffix.lower() not in (".ttc", ".otc"):
        return 1
    try:
        return len(TTCollection(str(path), lazy=True).fonts)
    except (OSError, TTLibError, AssertionError, ValueError):
        return 0


def _cmap_problem(path: Path, index: int) -> tuple[str | None, bool]:
    """(why the face cannot write all 49 characters, or None; whether it has any of them).

    Missing characters would render as empty boxes, so the character map must hold all 49.
    """
    from fontTools.ttLib import TTFont, TTLibError

    try:
        with TTFont(str(path), fontNumber=index, lazy=True) as tt:
            cmap = tt.getBestCmap() or {}
    except (OSError, TTLibError, AssertionError, ValueError, KeyError, struct.error) as e:
        return f"not a readable font ({type(e).__name__})", False
    missing = [c for c in classes.CHARS if ord(c) not in cmap]
    if not missing:
        return None, True
    shown = " ".join(missing[:12]) + (" ..." if len(missing) > 12 else "")
    return f"misses {len(missing)} of the 49 characters: {shown}", len(missing) < len(classes.CHARS)


def _cmap_covers_k49(path: Path, index: int) -> bool:
    """True when the face's character map holds all 49 characters (missing ones would render as empty boxes)."""
    return _cmap_problem(path, index)[0] is None


def _style_rank(style: str | None) -> int:
    """0 for a family's everyday face (Regular, Book, W3...), 1 for Medium, 2 for any other weight or slant."""
    style = (style or "").lower()
    if style in ("regular", "book", "normal", "roman", "w3", "w3 mono", ""):
        return 0
    return 1 if style == "medium" else 2


def synthesize(
    out_dir,
    *,
    train_per_class: int = 200,
    test_per_class: int = 40,
    seed: int = 0,
    fonts=None,
    class_counts=None,
    progress=None,
    cancel=None,
) -> dict:
    """Write a K49-format practice set (the five K49 files + the practice marker) into `out_dir`; returns its info.

    `fonts`: font files to render from (default: every Japanese font found). `class_counts`: a (train, test) pair
    of (49,) per-class counts replacing train_per_class/test_per_class. The same arguments give the same bytes.
    """
    out_dir = Path(out_dir)
    train_counts, test_counts = _counts(train_per_class, test_per_class, class_counts)
    check_output_folder(out_dir, "practice-set folder")  # before the rendering, not after it
    _refuse_real_k49(out_dir)
    started = time.perf_counter()
    reporter = _Reporter(progress)
    total = int(train_counts.sum() + test_counts.sum())
    reporter.report(0, total, "fonts", force=True)

    if fonts is None:
        faces, skipped = _installed_faces()
    else:
        fonts = [Path(f) for f in fonts]
        for f in fonts:
            if not f.is_file():
                raise DataError(f"{f}: font file not found")
        faces, skipped = _select_faces(((f, None, False) for f in fonts), explicit=True)
    if not faces:
        among = "no installed font" if fonts is None else f"no font among {', '.join(map(str, fonts))}"
        why = "; ".join(f"{s.name}: {s.reason}" for s in skipped)
        raise DataError(f"{among} covers all 49 K49 characters" + (f" ({why})" if why else ""))

    # Each split draws its labels, fonts and augmentations from its own stream, and each chunk of images from
    # a child stream: the bytes depend on the seed only, not on how threads interleave.
    plans = []
    for split, counts, stream in zip(("train", "test"), (train_counts, test_counts), np.random.SeedSequence(seed).spawn(2)):
        rng = np.random.default_rng(stream)
        labels = rng.permutation(np.repeat(np.arange(classes.NUM_CLASSES, dtype=np.uint8), counts))
        plans.append((split, labels, rng.integers(len(faces), size=len(labels)), stream))

    with ThreadPoolExecutor(_worker_count()) as pool:
        needed = sorted({(int(f), int(c)) for _, labels, face_of, _ in plans for f, c in zip(face_of, labels)})
        by_face = {f: [c for g, c in needed if g == f] for f, _ in needed}
        glyphs: dict[tuple[int, int], _Glyph] = {}
        jobs = [partial(_render_face, faces[f], f, chars, glyphs) for f, chars in by_face.items()]
        _run_jobs(pool, jobs, cancel, lambda: reporter.report(len(glyphs), len(needed), "fonts"))

        splits = {}
        for split, labels, face_of, stream in plans:
            images = np.empty((len(labels), SIZE, SIZE), np.uint8)
            starts = range(0, len(labels), _CHUNK)
            done = [0] * len(starts)
            jobs = [
                partial(_render_chunk, [glyphs[int(f), int(c)] for f, c in zip(face_of[s : s + _CHUNK], labels[s : s + _CHUNK])],
                        child, images[s : s + _CHUNK], done, k)
                for k, (s, child) in enumerate(zip(starts, stream.spawn(len(starts))))
            ]
            offset = sum(len(v[1]) for v in splits.values())
            _run_jobs(pool, jobs, cancel, lambda: reporter.report(offset + sum(done), total, split))
            splits[split] = (images, labels)

    seconds = time.perf_counter() - started
    info = {
        "practice_set": True,
        "generator": "k49desk synth",
        "seed": int(seed),
        "fonts": [face.name for face in faces],
        "font_files": [str(face.path) for face in faces],
        "fonts_skipped": [s.to_dict() for s in skipped],
        "train_size": int(train_counts.sum()),
        "test_size": int(test_counts.sum()),
        "train_counts": train_counts.tolist(),
        "test_counts": test_counts.tolist(),
        "note": "Practice set rendered from fonts; not Kuzushiji-49",
    }
    reporter.report(total, total, "writing", force=True)
    # The marker goes in first: a folder caught half-replaced is still recognised as a practice set.
    contents = {
        PRACTICE_MARKER: (json.dumps(info, ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
        FILE_NAMES[0]: _npz_bytes(splits["train"][0]),
        FILE_NAMES[1]: _npz_bytes(splits["train"][1]),
        FILE_NAMES[2]: _npz_bytes(splits["test"][0]),
        FILE_NAMES[3]: _npz_bytes(splits["test"][1]),
        FILE_NAMES[4]: classes.classmap_csv().encode("utf-8"),
    }
    write_folder(out_dir, {name: partial(Path.write_bytes, data=data) for name, data in contents.items()},
                 "the practice set", "practice-set folder", cancel=cancel)
    return {**info, "out_dir": str(out_dir), "seconds": seconds, "images_per_s": total / seconds if seconds else None}


def _counts(train_per_class, test_per_class, class_counts) -> tuple[np.ndarray, np.ndarray]:
    """Per-class (train, test) counts as two (49,) int64 arrays; ValueError naming the bad argument."""
    if class_counts is None:
        pairs = [np.full(classes.NUM_CLASSES, train_per_class), np.full(classes.NUM_CLASSES, test_per_class)]
    else:
        pairs = [np.asarray(c) for c in class_counts]
        if len(pairs) != 2 or any(c.shape != (classes.NUM_CLASSES,) for c in pairs):
            raise ValueError("class_counts must be a pair (train, test) of 49 per-class counts each")
    for c in pairs:
        if not np.issubdtype(c.dtype, np.integer) or (c < 0).any() or c.sum() == 0:
            raise ValueError("per-class counts must be non-negative integers with at least one image per split")
    return pairs[0].astype(np.int64), pairs[1].astype(np.int64)


def _refuse_real_k49(out_dir: Path) -> None:
    """A folder holding K49 files but no practice marker is someone's real data: never overwrite it."""
    if any((out_dir / n).exists() for n in FILE_NAMES) and not (out_dir / PRACTICE_MARKER).exists():
        raise DataError(f"{out_dir}: holds K49 data files that are not a practice set; choose another folder")


class _Reporter:
    """Calls `progress` at most every 0.1 s, so rendering thousands of images per second is not slowed by events."""

    def __init__(self, progress):
        self.progress = progress
        self.throttle = Throttle(_PROGRESS_EVERY_S)

    def report(self, done: int, total: int, stage: str, force: bool = False) -> None:
        if self.progress is not None and self.throttle.due(force=force or done == total):
            self.progress(SynthProgress(done, total, stage))


def _worker_count() -> int:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cores, 8))


def _run_jobs(pool, jobs, cancel, tick) -> None:
    """Run `jobs` (callables taking a stop Event) on `pool`, calling tick() as they go; the first error stops the rest."""
    stop = threading.Event()
    futures = [pool.submit(job, stop) for job in jobs]
    try:
        pending = futures
        while pending:
            _, pending = wait(pending, timeout=_PROGRESS_EVERY_S, return_when=FIRST_EXCEPTION)
            tick()
            if cancel is not None and cancel.is_set():
                stop.set()
            for f in futures:
                if f.done() and f.exception() is not None:
                    raise f.exception()
    finally:
        stop.set()
        wait(futures)


def _render_face(face: "_Face", face_number: int, labels: list[int], out: dict, stop) -> None:
    """Render `labels` from one face (a FreeType face must not be shared between threads) into out[(face_number, label)]."""
    from PIL import ImageFont

    font = ImageFont.truetype(str(face.path), size=_RENDER_PX, index=face.index)
    for label in labels:
        if stop.is_set():
            raise Cancelled("practice set generation cancelled")
        out[face_number, label] = _Glyph.render(font, classes.CLASSES[label].char)


def _render_chunk(glyphs: list, seed, out: np.ndarray, done: list[int], slot: int, stop) -> None:
    """Augment `glyphs` into `out` with their own random stream, counting progress in done[slot]."""
    rng = np.random.default_rng(seed)
    for start in range(0, len(glyphs), _BATCH):
        if stop.is_set():
            raise Cancelled("practice set generation cancelled")
        batch = glyphs[start : start + _BATCH]
        out[start : start + len(batch)] = _augment(batch, rng)
        done[slot] = start + len(batch)


@dataclass(frozen=True)
class _Glyph:
    sdf: np.ndarray  # (WORK, WORK) float32: + inside the ink, - outside, in work pixels
    box: tuple[float, float, float, float]  # ink box (top, left, bottom, right) on the work grid
    width: float  # mean stroke width in work pixels

    @staticmethod
    def render(font, char: str) -> "_Glyph":
        from PIL import Image
        from scipy import ndimage

        ink = np.asarray(_render(font, char))
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
        return _Glyph(sdf, (top, left, top + h, left + w), float(width))


def _render(font, char: str):
    """`char` drawn white on black by `font`, cropped to its ink; None when the glyph shows no ink."""
    from PIL import Image, ImageDraw

    left, top, right, bottom = font.getbbox(char)
    img = Image.new("L", (max(1, right - left) + 4, max(1, bottom - top) + 4), 0)
    ImageDraw.Draw(img).text((2 - left, 2 - top), char, font=font, fill=255)
    box = img.getbbox()
    return None if box is None else img.crop(box)


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


def _augment(glyphs: list[_Glyph], rng) -> np.ndarray:
    """Hand-written-looking samples of `glyphs` (n, 28, 28): affine jitter, elastic warp, stroke width, brush, framed."""
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
    target = np.clip(rng.lognormal(np.log(K49_STROKE_WIDTH - 0.2), 0.18, n), 1.6, 4.5)
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


def _npz_bytes(array: np.ndarray) -> bytes:
    """`array` as an np.savez_compressed-compatible npz (key arr_0) with fixed zip metadata, so equal arrays give equal bytes."""
    payload = io.BytesIO()
    np.lib.format.write_array(payload, np.ascontiguousarray(array), allow_pickle=False)
    entry = zipfile.ZipInfo("arr_0.npy", date_time=_ZIP_DATE)
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.external_attr = 0o644 << 16
    entry.create_system = 3
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(entry, payload.getvalue())
    return buffer.getvalue()
