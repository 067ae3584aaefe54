"""Japanese fonts a practice set can be rendered from: which installed (or given) faces draw all 49 characters,
one face per family and kana design, and why the others are left out."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from k49desk import classes, paths
from k49desk.rasterize import frame_like_k49

FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
# Mean absolute difference (0..1) between two faces' K49-framed kana below which they are one design: proportional
# twins (IPAGothic/IPAPGothic, VL Gothic/VL PGothic) measure 0.02-0.033, distinct designs 0.04 and more.
_SAME_DESIGN = 0.035


@dataclass(frozen=True)
class Face:
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


@lru_cache(maxsize=1)
def installed_faces() -> tuple[tuple[Face, ...], tuple[SkippedFont, ...]]:
    """(faces used, faces skipped) among the bundled IPAexGothic and the installed fonts; looked up once."""
    return select_faces([(paths.hiragana_font_path(), None, False), *_font_candidates()])


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


def select_faces(candidates, explicit: bool = False) -> tuple[tuple[Face, ...], tuple[SkippedFont, ...]]:
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
                renders = [render_ink(font, c) for c in classes.CHARS]
            except (OSError, ValueError) as e:  # e.g. FreeType's "invalid opcode" on a broken hinting program
                skipped.append((order, SkippedFont(name, path, index, f"FreeType cannot draw its glyphs ({e})")))
                continue
            blank = [c for c, r in zip(classes.CHARS, renders) if r is None]
            if blank:
                skipped.append((order, SkippedFont(name, path, index, f"draws no ink for {' '.join(blank)}")))
                continue
            design = np.stack([frame_like_k49(np.asarray(r)) for r in renders]).astype(np.float32) / 255
            found.append((_style_rank(style), order, Face(path, index, name), family, design))
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


def _style_rank(style: str | None) -> int:
    """0 for a family's everyday face (Regular, Book, W3...), 1 for Medium, 2 for any other weight or slant."""
    style = (style or "").lower()
    if style in ("regular", "book", "normal", "roman", "w3", "w3 mono", ""):
        return 0
    return 1 if style == "medium" else 2


def render_ink(font, char: str):
    """`char` drawn white on black by `font`, cropped to its ink; None when the glyph shows no ink."""
    from PIL import Image, ImageDraw

    left, top, right, bottom = font.getbbox(char)
    img = Image.new("L", (max(1, right - left) + 4, max(1, bottom - top) + 4), 0)
    ImageDraw.Draw(img).text((2 - left, 2 - top), char, font=font, fill=255)
    box = img.getbbox()
    return None if box is None else img.crop(box)
