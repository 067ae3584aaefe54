"""Render a K49-format practice set from Japanese fonts, augmented toward hand-written brush strokes, and optionally
from KanjiVG's pen strokes drawn the way people draw.

The fonts come from k49desk.font_discovery, the augmentation from k49desk.augment, the pen strokes from
k49desk.handwriting; this module plans the images, runs the rendering on a thread pool and writes the folder."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from k49desk import classes
from k49desk.augment import Glyph, augment
from k49desk.dataset import FILE_NAMES, PRACTICE_MARKER
from k49desk.errors import Cancelled, DataError
from k49desk.files import check_output_folder, npz_bytes, write_folder
from k49desk.font_discovery import installed_faces, select_faces
from k49desk.machine import usable_cores
from k49desk.progress import PROGRESS_INTERVAL_S, Throttle
from k49desk.rasterize import SIZE

_RENDER_PX = 160  # font size for the one high-resolution render per (font, character)
_CHUNK = 256  # images per job: one random stream each, so the result does not depend on thread timing
_BATCH = 64  # images augmented together: numpy works on whole batches, far fewer Python steps per image


@dataclass(frozen=True)
class SynthProgress:
    done: int
    total: int
    stage: str  # "fonts", "train", "test", "writing"


def synthesize(
    out_dir,
    *,
    train_per_class: int = 200,
    test_per_class: int = 40,
    seed: int = 0,
    fonts=None,
    class_counts=None,
    strokes_per_class: int = 0,
    test_strokes_per_class: int = 0,
    stroke_styles=("neat", "sloppy", "cursive"),
    variants_per_class: int = 0,
    test_variants_per_class: int = 0,
    variant_fonts=None,
    progress=None,
    cancel=None,
) -> dict:
    """Write a K49-format practice set (the five K49 files + the practice marker) into `out_dir`; returns its info.

    `fonts`: font files to render from (default: every Japanese font found). `class_counts`: a (train, test) pair
    of (49,) per-class counts of font renders replacing train_per_class/test_per_class. `strokes_per_class` and
    `test_strokes_per_class`: pen-stroke drawings per class added to the training and test parts, shared evenly
    among `stroke_styles` (names in k49desk.handwriting.STYLES); with them, a part may hold no font renders at all.
    `variants_per_class` and `test_variants_per_class`: kuzushiji variant forms per class (k49desk.variants:
    hentaigana and cursive source kanji) rendered from `variant_fonts` (default: the installed faces that have them)
    and augmented like the font renders; the iteration mark has none.
    The same arguments give the same bytes, and without strokes the same bytes as a fonts-only set always had.
    """
    out_dir = Path(out_dir)
    train_counts, test_counts = _counts(train_per_class, test_per_class, class_counts,
                                        (strokes_per_class + variants_per_class,
                                         test_strokes_per_class + test_variants_per_class))
    stroke_plan = _stroke_plan(strokes_per_class, test_strokes_per_class, stroke_styles)
    variant_plan = _variant_plan(variants_per_class, test_variants_per_class, variant_fonts)
    check_output_folder(out_dir, "practice-set folder")  # before the rendering, not after it
    refuse_real_k49(out_dir)
    started = time.perf_counter()
    reporter = _Reporter(progress)
    stroke_total = classes.NUM_CLASSES * (strokes_per_class + test_strokes_per_class)
    variant_total = sum(int(counts.sum()) for _, counts in variant_plan[1])
    total = int(train_counts.sum() + test_counts.sum()) + stroke_total + variant_total
    reporter.report(0, total, "fonts", force=True)

    if not train_counts.sum() and not test_counts.sum():
        faces, skipped = [], []
    elif fonts is None:
        faces, skipped = installed_faces()
    else:
        fonts = _font_files(fonts)
        faces, skipped = select_faces(((f, None, False) for f in fonts), explicit=True)
    if not faces and (train_counts.sum() or test_counts.sum()):
        among = "no installed font" if fonts is None else f"no font among {', '.join(map(str, fonts))}"
        why = "; ".join(f"{s.name}: {s.reason}" for s in skipped)
        raise DataError(f"{among} covers all 49 K49 characters" + (f" ({why})" if why else ""))

    # Each split draws its labels, fonts and augmentations from its own stream, and each chunk of images from
    # a child stream: the bytes depend on the seed only, not on how threads interleave.
    # The pen strokes take a third stream, so the fonts' two streams are those a fonts-only set always had.
    # Variant forms take a fourth (a child's stream depends only on its index, so the first three are unchanged).
    *font_streams, stroke_stream, variant_stream = np.random.SeedSequence(seed).spawn(4)
    plans = []
    for split, counts, stream in zip(("train", "test"), (train_counts, test_counts), font_streams):
        rng = np.random.default_rng(stream)
        labels = rng.permutation(np.repeat(np.arange(classes.NUM_CLASSES, dtype=np.uint8), counts))
        plans.append((split, labels, rng.integers(max(1, len(faces)), size=len(labels)), stream))

    with ThreadPoolExecutor(_worker_count()) as pool:
        needed = sorted({(int(f), int(c)) for _, labels, face_of, _ in plans for f, c in zip(face_of, labels)})
        by_face = {f: [c for g, c in needed if g == f] for f, _ in needed}
        glyphs: dict[tuple[int, int], Glyph] = {}
        jobs = [partial(_render_glyphs, faces[f].path, faces[f].index,
                        [((f, c), classes.CLASSES[c].char) for c in chars], glyphs) for f, chars in by_face.items()]
        _run_jobs(pool, jobs, cancel, lambda: reporter.report(len(glyphs), len(needed), "fonts"))

        splits = {}
        for split, labels, face_of, stream in plans:
            offset = sum(len(v[1]) for v in splits.values())
            images = _augmented(pool, [glyphs[int(f), int(c)] for f, c in zip(face_of, labels)], stream, cancel,
                                lambda done: reporter.report(offset + done, total, split))
            splits[split] = (images, labels)

        for (split, per_class), stream in zip(stroke_plan, stroke_stream.spawn(2)):
            if per_class:
                offset = sum(len(v[1]) for v in splits.values())
                splits[split] = _add_strokes(pool, splits[split], per_class, stream, cancel,
                                             lambda done: reporter.report(offset + done, total, split))

        variant_sources, variant_counts = variant_plan
        for (split, counts), stream in zip(variant_counts, variant_stream.spawn(2)):
            if counts.sum():
                offset = sum(len(v[1]) for v in splits.values())
                splits[split] = _add_variants(pool, splits[split], variant_sources, counts, stream, cancel,
                                              lambda done: reporter.report(offset + done, total, split))

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
    if stroke_total:
        from k49desk import handwriting

        info["strokes"] = {
            **handwriting.SOURCE,
            "kanjivg_version": handwriting.kanjivg_version(),
            "styles": list(stroke_styles),
            "train_per_class": int(strokes_per_class),
            "test_per_class": int(test_strokes_per_class),
            "note": "pen strokes drawn by k49desk.handwriting from KanjiVG's centre-lines; not handwriting",
        }
        # Sizes and counts describe the files: font renders and drawings together.
        info["train_size"] += classes.NUM_CLASSES * int(strokes_per_class)
        info["test_size"] += classes.NUM_CLASSES * int(test_strokes_per_class)
        info["train_counts"] = (train_counts + strokes_per_class).tolist()
        info["test_counts"] = (test_counts + test_strokes_per_class).tolist()
        info["note"] = "Practice set rendered from fonts and from KanjiVG pen strokes; not Kuzushiji-49"
    if variant_total:
        from k49desk import variants

        train_variants, test_variants = (counts for _, counts in variant_plan[1])
        info["variants"] = {
            "fonts": sorted({str(v.path) for v in variant_plan[0]}),
            "glyphs": {kind: sum(v.kind == kind for v in variant_plan[0]) for kind in ("hentaigana", "cursive kanji")},
            "hentaigana_share": variants.HENTAIGANA_SHARE,
            "train_per_class": train_variants.tolist(),
            "test_per_class": test_variants.tolist(),
            "note": "kuzushiji variant forms (Unicode hentaigana, cursive source kanji) rendered from fonts; "
                    "not real kuzushiji",
        }
        info["train_size"] += int(train_variants.sum())
        info["test_size"] += int(test_variants.sum())
        info["train_counts"] = (np.asarray(info["train_counts"]) + train_variants).tolist()
        info["test_counts"] = (np.asarray(info["test_counts"]) + test_variants).tolist()
        info["note"] = info["note"].replace("; not", ", with kuzushiji variant forms from fonts; not")
    reporter.report(total, total, "writing", force=True)
    # The marker goes in first: a folder caught half-replaced is still recognised as a practice set.
    contents = {
        PRACTICE_MARKER: (json.dumps(info, ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
        FILE_NAMES[0]: npz_bytes(splits["train"][0]),
        FILE_NAMES[1]: npz_bytes(splits["train"][1]),
        FILE_NAMES[2]: npz_bytes(splits["test"][0]),
        FILE_NAMES[3]: npz_bytes(splits["test"][1]),
        FILE_NAMES[4]: classes.classmap_csv().encode("utf-8"),
    }
    write_folder(out_dir, {name: partial(Path.write_bytes, data=data) for name, data in contents.items()},
                 "the practice set", "practice-set folder", cancel=cancel)
    return {**info, "out_dir": str(out_dir), "seconds": seconds, "images_per_s": total / seconds if seconds else None}


def _counts(train_per_class, test_per_class, class_counts, stroke_counts=(0, 0)) -> tuple[np.ndarray, np.ndarray]:
    """Per-class (train, test) counts of font renders as two (49,) int64 arrays; ValueError naming the bad argument.

    A part may hold no font renders when `stroke_counts` (per class, train and test) fill it."""
    if class_counts is None:
        pairs = [np.full(classes.NUM_CLASSES, train_per_class), np.full(classes.NUM_CLASSES, test_per_class)]
    else:
        pairs = [np.asarray(c) for c in class_counts]
        if len(pairs) != 2 or any(c.shape != (classes.NUM_CLASSES,) for c in pairs):
            raise ValueError("class_counts must be a pair (train, test) of 49 per-class counts each")
    for c, strokes in zip(pairs, stroke_counts):
        if not np.issubdtype(c.dtype, np.integer) or (c < 0).any() or c.sum() + strokes == 0:
            raise ValueError("per-class counts must be non-negative integers with at least one image per split")
    return pairs[0].astype(np.int64), pairs[1].astype(np.int64)


def _stroke_plan(train_per_class, test_per_class, styles) -> list[tuple[str, dict[str, int]]]:
    """[(split, {style name: drawings per class})]: each split's drawings shared evenly among the styles, in order.

    Checks the counts and style names (and that KanjiVG is installed) before anything is rendered."""
    from k49desk import handwriting

    styles = list(styles)
    for n in (train_per_class, test_per_class):
        if not isinstance(n, (int, np.integer)) or n < 0:
            raise ValueError("stroke counts per class must be non-negative integers")
    if not train_per_class and not test_per_class:
        return []
    if not styles or len(set(styles)) != len(styles):
        raise DataError(f"stroke styles must name at least one style, each once, not {styles}")
    for name in styles:
        handwriting.style(name)
    handwriting.kanjivg_version()
    return [(split, {name: n // len(styles) + (i < n % len(styles)) for i, name in enumerate(styles)})
            for split, n in (("train", train_per_class), ("test", test_per_class))]


def _add_strokes(pool, split, per_class: dict[str, int], stream, cancel, report) -> tuple[np.ndarray, np.ndarray]:
    """`split`'s (images, labels) with the pen-stroke drawings added and the whole shuffled (one child stream per
    style and class, so the bytes do not depend on thread timing)."""
    from k49desk import handwriting

    jobs, parts, done = [], [], []
    children = iter(stream.spawn(len(per_class) * classes.NUM_CLASSES + 1))
    for name, n in per_class.items():
        for label in range(classes.NUM_CLASSES):
            child = next(children)
            if not n:
                continue
            labels = np.full(n, label, np.uint8)
            out = np.empty((n, SIZE, SIZE), np.uint8)
            parts.append((out, labels))
            done.append(0)
            jobs.append(partial(_render_drawings, labels, handwriting.style(name), child, out, done, len(done) - 1))
    _run_jobs(pool, jobs, cancel, lambda: report(sum(done)))
    return _shuffled_together(split, parts, np.random.default_rng(next(children)))


def _augmented(pool, glyphs: list, stream, cancel, report, **style) -> np.ndarray:
    """(n, 28, 28) augmented renders of `glyphs`, in chunks of _CHUNK on `pool`, each chunk with its own child stream
    of `stream` (so the bytes do not depend on thread timing); report(done) as they go; `style`: augment's keywords."""
    images = np.empty((len(glyphs), SIZE, SIZE), np.uint8)
    starts = range(0, len(glyphs), _CHUNK)
    done = [0] * len(starts)
    jobs = [partial(_render_chunk, glyphs[s : s + _CHUNK], child, images[s : s + _CHUNK], done, k, **style)
            for k, (s, child) in enumerate(zip(starts, stream.spawn(len(starts))))]
    _run_jobs(pool, jobs, cancel, lambda: report(sum(done)))
    return images


def _shuffled_together(split, parts, rng) -> tuple[np.ndarray, np.ndarray]:
    """`split`'s (images, labels) with the (images, labels) `parts` appended, all shuffled by one permutation."""
    images = np.concatenate([split[0], *(p[0] for p in parts)])
    labels = np.concatenate([split[1], *(p[1] for p in parts)])
    order = rng.permutation(len(labels))
    return images[order], labels[order]


def _font_files(fonts) -> list[Path]:
    """`fonts` as paths; DataError naming the first that is not a file."""
    fonts = [Path(f) for f in fonts]
    for f in fonts:
        if not f.is_file():
            raise DataError(f"{f}: font file not found")
    return fonts


def _variant_plan(train_per_class, test_per_class, fonts):
    """(variant glyph sources, [(split, (49,) counts)]): every class with variant forms gets the count asked for.

    Checks the counts and finds the glyphs before anything is rendered; DataError when none can be had."""
    from k49desk import variants

    for n in (train_per_class, test_per_class):
        if not isinstance(n, (int, np.integer)) or n < 0:
            raise ValueError("variant counts per class must be non-negative integers")
    if not train_per_class and not test_per_class:
        return [], []
    if fonts is None:
        fonts = variants.installed_variant_fonts()
    found = variants.sources(_font_files(fonts))
    if not found:
        raise DataError("no font draws kuzushiji variant forms: install IPAmj Mincho (Debian fonts-ipamj-mincho) or "
                        "name fonts with the Hentaigana block or a grass-script brush face")
    has = np.bincount([v.label for v in found], minlength=classes.NUM_CLASSES) > 0
    return found, [(split, np.where(has, n, 0).astype(np.int64))
                   for split, n in (("train", train_per_class), ("test", test_per_class))]


def _add_variants(pool, split, sources, counts, stream, cancel, report) -> tuple[np.ndarray, np.ndarray]:
    """`split`'s (images, labels) with counts[c] augmented variant forms of each class c added, the whole shuffled."""
    from k49desk import variants

    rng = np.random.default_rng(stream.spawn(1)[0])
    labels = np.repeat(np.arange(classes.NUM_CLASSES, dtype=np.uint8), counts)
    picks = variants.pick(sources, labels, rng)
    glyphs: dict[int, Glyph] = {}
    needed = sorted(set(picks.tolist()))
    by_face: dict[tuple[Path, int], list[int]] = {}
    for k in needed:
        by_face.setdefault((sources[k].path, sources[k].index), []).append(k)
    jobs = [partial(_render_glyphs, *face, [(k, sources[k].char) for k in ks], glyphs) for face, ks in by_face.items()]
    _run_jobs(pool, jobs, cancel, lambda: None)
    images = _augmented(pool, [glyphs[int(k)] for k in picks], stream, cancel, report,
                        stroke_width=variants.STROKE_WIDTH)
    return _shuffled_together(split, [(images, labels)], rng)


def refuse_real_k49(out_dir: Path) -> None:
    """A folder holding K49 files but no practice marker is someone's real data: never overwrite it."""
    if any((out_dir / n).exists() for n in FILE_NAMES) and not (out_dir / PRACTICE_MARKER).exists():
        raise DataError(f"{out_dir}: holds K49 data files that are not a practice set; choose another folder")


class _Reporter:
    """Calls `progress` at most every 0.1 s, so rendering thousands of images per second is not slowed by events."""

    def __init__(self, progress):
        self.progress = progress
        self.throttle = Throttle()

    def report(self, done: int, total: int, stage: str, force: bool = False) -> None:
        if self.progress is not None and self.throttle.due(force=force or done == total):
            self.progress(SynthProgress(done, total, stage))


def _worker_count() -> int:
    return max(1, min(usable_cores(), 8))


def _run_jobs(pool, jobs, cancel, tick) -> None:
    """Run `jobs` (callables taking a stop Event) on `pool`, calling tick() as they go; the first error stops the rest."""
    stop = threading.Event()
    futures = [pool.submit(job, stop) for job in jobs]
    try:
        pending = futures
        while pending:
            _, pending = wait(pending, timeout=PROGRESS_INTERVAL_S, return_when=FIRST_EXCEPTION)
            tick()
            if cancel is not None and cancel.is_set():
                stop.set()
            for f in futures:
                if f.done() and f.exception() is not None:
                    raise f.exception()
    finally:
        stop.set()
        wait(futures)


def _render_glyphs(path: Path, index: int, chars: list[tuple[object, str]], out: dict, stop) -> None:
    """Render (key, char) pairs from face `index` of `path` into out[key] (a FreeType face must not be shared between
    threads, so one job per face)."""
    from PIL import ImageFont

    font = ImageFont.truetype(str(path), size=_RENDER_PX, index=index)
    for key, char in chars:
        if stop.is_set():
            raise Cancelled("practice set generation cancelled")
        out[key] = Glyph.render(font, char)


def _render_drawings(labels, drawing_style, seed, out: np.ndarray, done: list[int], slot: int, stop) -> None:
    """Draw and rasterise pen strokes for `labels` into `out`, counting progress in done[slot]."""
    from k49desk import handwriting

    if stop.is_set():
        raise Cancelled("practice set generation cancelled")
    out[:] = handwriting.render(labels, drawing_style, seed)
    done[slot] = len(labels)


def _render_chunk(glyphs: list, seed, out: np.ndarray, done: list[int], slot: int, stop, **style) -> None:
    """Augment `glyphs` into `out` with their own random stream (`style`: augment's keywords), counting progress in
    done[slot]."""
    rng = np.random.default_rng(seed)
    for start in range(0, len(glyphs), _BATCH):
        if stop.is_set():
            raise Cancelled("practice set generation cancelled")
        batch = glyphs[start : start + _BATCH]
        out[start : start + len(batch)] = augment(batch, rng, **style)
        done[slot] = start + len(batch)




# What making a practice set costs, measured with this module on 2 busy CPU cores (2026-12-06): one high-resolution
# render per font and character (~3 s of CPU for the 44 faces found there), then ~0.33 ms of CPU per augmented font
# image and ~0.65 ms per pen-stroke drawing (README); the npz files take ~300 bytes per font image, ~175 per drawing.
_FONT_SETUP_CPU_S = 3.0
_FONT_IMAGE_CPU_S = 0.00033
_DRAWING_CPU_S = 0.00065
_FONT_IMAGE_BYTES = 300
_DRAWING_BYTES = 175


@dataclass(frozen=True)
class SynthEstimate:
    images: int
    bytes: int
    seconds: float  # wall-clock, on this machine's cores


def estimate(train_per_class: int = 200, test_per_class: int = 40, strokes_per_class: int = 0,
             test_strokes_per_class: int = 0) -> SynthEstimate:
    """About how many images, bytes and seconds `synthesize` with these counts takes (rates measured above)."""
    fonts = classes.NUM_CLASSES * (train_per_class + test_per_class)
    drawings = classes.NUM_CLASSES * (strokes_per_class + test_strokes_per_class)
    cpu = (_FONT_SETUP_CPU_S if fonts else 0.0) + fonts * _FONT_IMAGE_CPU_S + drawings * _DRAWING_CPU_S
    return SynthEstimate(fonts + drawings, fonts * _FONT_IMAGE_BYTES + drawings * _DRAWING_BYTES,
                         cpu / _worker_count())
