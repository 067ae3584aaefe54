"""K49-format data folders: the official files, checking a folder (sizes, md5, headers), loading and validating it.

Downloading the official files is k49desk.download."""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType

import numpy as np

from k49desk.classes import NUM_CLASSES, Hiragana, load_classmap
from k49desk.errors import Cancelled, DataError
from k49desk.formatting import human_bytes

TRAIN_IMAGES = "k49-train-imgs.npz"
TRAIN_LABELS = "k49-train-labels.npz"
TEST_IMAGES = "k49-test-imgs.npz"
TEST_LABELS = "k49-test-labels.npz"
CLASSMAP = "k49_classmap.csv"
FILE_NAMES = (TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS, CLASSMAP)

PRACTICE_MARKER = "k49desk-practice.json"
IMAGE_SIZE = 28


@dataclass(frozen=True)
class OfficialFile:
    name: str
    size: int
    md5: str


OFFICIAL: Mapping[str, OfficialFile] = MappingProxyType({
    f.name: f
    for f in (
        OfficialFile(TRAIN_IMAGES, 66_117_696, "7ac088b20481cf51dcd01ceaab89d821"),
        OfficialFile(TRAIN_LABELS, 164_485, "44a8e1b893f81e63ff38d73cad420f7a"),
        OfficialFile(TEST_IMAGES, 10_971_201, "d352e201d846ce6b94f42c990966f374"),
        OfficialFile(TEST_LABELS, 27_450, "4da6f7a62e67a832d5eb1bd85c5ee448"),
        OfficialFile(CLASSMAP, 697, "f7d0d0391f68bdf0fe4cf160ceb85753"),
    )
})

Progress = Callable[[object], None] | None


def _check_cancel(cancel) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled()


def file_md5(path: str | Path, cancel=None) -> str:
    """Hex md5 of a file, read in chunks."""
    h = hashlib.md5()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            _check_cancel(cancel)
            h.update(chunk)
    return h.hexdigest()


# ---------------------------------------------------------------- checking a folder


@dataclass(frozen=True)
class FileStatus:
    name: str
    path: Path
    present: bool
    size: int | None
    expected_size: int | None  # None for practice sets, whose sizes are their own
    ok: bool
    problem: str | None


def is_practice(data_dir: str | Path) -> bool:
    """True when the folder was written by the practice-set generator."""
    return (Path(data_dir) / PRACTICE_MARKER).is_file()


def check_files(data_dir: str | Path, *, verify_md5: bool = True) -> list[FileStatus]:
    """One status per K49 file: official files by size and md5; practice sets by their array headers."""
    data_dir = Path(data_dir)
    practice = is_practice(data_dir)
    headers = _practice_problems(data_dir) if practice else {}
    statuses = []
    for name in FILE_NAMES:
        path = data_dir / name
        spec = OFFICIAL[name]
        expected = None if practice else spec.size
        if not path.is_file():
            part = data_dir / (name + ".part")
            problem = "missing"
            if part.is_file():
                problem = f"partly downloaded ({human_bytes(part.stat().st_size)} of {human_bytes(spec.size)}); download resumes it"
            statuses.append(FileStatus(name, path, False, None, expected, False, problem))
            continue
        size = path.stat().st_size
        if practice:
            problem = headers.get(name)
        elif size != spec.size:
            problem = f"{size:,} bytes, the official file has {spec.size:,}"
        elif verify_md5 and (actual := file_md5(path)) != spec.md5:
            problem = f"md5 {actual} differs from the official {spec.md5}"
        else:
            problem = None
        statuses.append(FileStatus(name, path, True, size, expected, problem is None, problem))
    return statuses


def _practice_problems(data_dir: Path) -> dict[str, str]:
    """name -> problem for the practice-set files that fail a header check (nothing is decompressed)."""
    problems: dict[str, str] = {}
    lengths: dict[str, int] = {}
    for name, kind in ((TRAIN_IMAGES, "images"), (TRAIN_LABELS, "labels"), (TEST_IMAGES, "images"), (TEST_LABELS, "labels")):
        path = data_dir / name
        if path.is_file():
            try:
                lengths[name] = _check_header(path, kind)
            except DataError as e:
                problems[name] = _problem_only(e, path)
    for images, labels in ((TRAIN_IMAGES, TRAIN_LABELS), (TEST_IMAGES, TEST_LABELS)):
        if images in lengths and labels in lengths and lengths[images] != lengths[labels]:
            problems[labels] = f"{lengths[labels]:,} labels but {images} holds {lengths[images]:,} images"
    if (data_dir / CLASSMAP).is_file():
        try:
            load_classmap(data_dir / CLASSMAP)
        except DataError as e:
            problems[CLASSMAP] = _problem_only(e, data_dir / CLASSMAP)
    return problems


def _problem_only(error: DataError, path: Path) -> str:
    """The message without the leading path, for a table row that already names the file."""
    return str(error).removeprefix(f"{path}: ").removeprefix(f"{path}, ")


# ---------------------------------------------------------------- loading


@dataclass(frozen=True)
class LoadProgress:
    file: str
    done: int  # arrays loaded so far
    total: int


@dataclass(eq=False)
class K49Data:
    x_train: np.ndarray = field(repr=False)  # (N, 28, 28) uint8, white ink on black
    y_train: np.ndarray = field(repr=False)  # (N,) uint8 in 0..48
    x_test: np.ndarray = field(repr=False)
    y_test: np.ndarray = field(repr=False)
    classes: tuple[Hiragana, ...] = field(repr=False)
    data_dir: Path
    practice: bool = False
    practice_info: dict | None = None

    @property
    def name(self) -> str:
        """'K49' or 'practice set': how results on this data are labelled everywhere."""
        return "practice set" if self.practice else "K49"

    @cached_property
    def fingerprint(self) -> str:
        """Short sha256 over the four arrays: identifies the exact data a model was trained or evaluated on."""
        h = hashlib.sha256()
        for a in (self.x_train, self.y_train, self.x_test, self.y_test):
            h.update(f"{a.dtype.str}{a.shape};".encode())
            h.update(np.ascontiguousarray(a).data)
        return h.hexdigest()[:16]

    def train_counts(self) -> np.ndarray:
        """(49,) images per class in the training set."""
        return np.bincount(self.y_train, minlength=NUM_CLASSES)

    def test_counts(self) -> np.ndarray:
        """(49,) images per class in the test set."""
        return np.bincount(self.y_test, minlength=NUM_CLASSES)

    def missing_train_classes(self) -> list[Hiragana]:
        """The classes without a single training image, in class order."""
        return [self.classes[i] for i in np.flatnonzero(self.train_counts() == 0)]

    def coverage_warning(self) -> str | None:
        """One line when the training labels cover fewer than all 49 classes: a model trained on them can never
        predict the missing ones, and its validation accuracy says nothing about them. None when all are covered."""
        missing = self.missing_train_classes()
        if not missing:
            return None
        return (f"the training labels cover {NUM_CLASSES - len(missing)} of {NUM_CLASSES} classes; missing "
                f"{len(missing)}: {', '.join(c.label for c in missing)} (a model trained on them never predicts "
                f"these)")


def load(data_dir: str | Path, *, progress: Progress = None, cancel=None) -> K49Data:
    """Load and validate a K49-format folder (official or practice set)."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        problem = "not a folder" if data_dir.exists() else "data folder not found"
        raise DataError(f"{data_dir}: {problem}; run 'k49desk download' or 'k49desk synth'")
    missing = [name for name in FILE_NAMES if not (data_dir / name).is_file()]
    if missing:
        raise DataError(
            f"{data_dir}: missing {', '.join(missing)}; run 'k49desk download' (or 'k49desk synth' for a practice set)"
        )
    classes = load_classmap(data_dir / CLASSMAP)
    practice_info = _read_marker(data_dir / PRACTICE_MARKER) if is_practice(data_dir) else None

    # Headers first: a wrong shape or a length mismatch is reported before 180 MB are decompressed.
    arrays = ((TRAIN_IMAGES, "images"), (TRAIN_LABELS, "labels"), (TEST_IMAGES, "images"), (TEST_LABELS, "labels"))
    lengths = {name: _check_header(data_dir / name, kind) for name, kind in arrays}
    for images, labels in ((TRAIN_IMAGES, TRAIN_LABELS), (TEST_IMAGES, TEST_LABELS)):
        if lengths[images] != lengths[labels]:
            raise DataError(
                f"{data_dir / labels}: {lengths[labels]:,} labels but {images} holds {lengths[images]:,} images"
            )
    loaded = []
    for i, (name, kind) in enumerate(arrays):
        _check_cancel(cancel)
        if progress is not None:
            progress(LoadProgress(name, i, len(arrays)))
        loaded.append(load_images(data_dir / name) if kind == "images" else load_labels(data_dir / name))
    if progress is not None:
        progress(LoadProgress(arrays[-1][0], len(arrays), len(arrays)))
    x_train, y_train, x_test, y_test = loaded
    return K49Data(x_train, y_train, x_test, y_test, classes, data_dir, practice_info is not None, practice_info)


def load_images(path: str | Path) -> np.ndarray:
    """(N, 28, 28) uint8 images from an npz holding arr_0; DataError naming the file otherwise."""
    path = Path(path)
    _check_header(path, "images")
    return read_arr0(path)


def load_labels(path: str | Path) -> np.ndarray:
    """(N,) uint8 labels in 0..48 from an npz holding arr_0; DataError naming the file otherwise."""
    path = Path(path)
    _check_header(path, "labels")
    labels = read_arr0(path)
    bad = labels >= NUM_CLASSES
    if bad.any():
        raise DataError(
            f"{path}: labels must be 0..{NUM_CLASSES - 1}, found {int(labels[bad][0])} "
            f"({int(bad.sum()):,} labels out of range)"
        )
    return labels


def _read_marker(path: Path) -> dict:
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise DataError(f"{path}: cannot read the practice-set description ({e})") from None
    if not isinstance(info, dict):
        raise DataError(f"{path}: the practice-set description must be a JSON object")
    return info


def _open_npz(path: Path) -> zipfile.ZipFile:
    if not path.is_file():
        raise DataError(f"{path}: file not found")
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        with open(path, "rb") as f:
            zip_start = f.read(4) == b"PK\x03\x04"
        if zip_start:  # a zip's directory sits at its end: a cut-off download starts right and ends nowhere
            raise _damaged(path, "its zip directory is missing") from None
        raise DataError(f"{path}: not an npz file (not a zip archive)") from None
    except OSError as e:
        raise DataError(f"{path}: cannot read ({e.strerror or e})") from None
    if "arr_0.npy" not in archive.namelist():
        found = ", ".join(n.removesuffix(".npy") for n in archive.namelist()) or "nothing"
        archive.close()
        raise DataError(f"{path}: no array 'arr_0' inside (found: {found})")
    return archive


def _damaged(path: Path, detail: str) -> DataError:
    """A truncated or damaged npz, with its size against the official file's where it is one of them."""
    size = path.stat().st_size
    spec = OFFICIAL.get(path.name)
    if spec is not None and not is_practice(path.parent):
        return DataError(f"{path}: truncated or damaged ({size:,} bytes, the official file has {spec.size:,}; "
                         f"{detail}); run 'k49desk download' to fetch it again")
    return DataError(f"{path}: truncated or damaged npz file ({size:,} bytes; {detail})")


_DAMAGED = (ValueError, EOFError, OSError, zipfile.BadZipFile, zlib.error)


def _check_header(path: Path, kind: str) -> int:
    """Check arr_0's shape and dtype from its .npy header alone; returns its length."""
    with _open_npz(path) as archive:
        try:
            with archive.open("arr_0.npy") as f:
                version = np.lib.format.read_magic(f)
                read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
                shape, _, dtype = read_header(f)
        except _DAMAGED as e:
            raise _damaged(path, f"arr_0 is not a readable array: {e}") from None
    if kind == "images" and (len(shape) != 3 or shape[1:] != (IMAGE_SIZE, IMAGE_SIZE)):
        raise DataError(f"{path}: images have shape {shape}, expected (N, {IMAGE_SIZE}, {IMAGE_SIZE})")
    if kind == "labels" and len(shape) != 1:
        raise DataError(f"{path}: labels have shape {shape}, expected (N,)")
    if dtype != np.uint8:
        raise DataError(f"{path}: {kind} are {dtype}, expected uint8")
    if shape[0] == 0:
        raise DataError(f"{path}: holds no {kind}")
    return shape[0]


def read_arr0(path: str | Path) -> np.ndarray:
    """The array arr_0 of an npz, any shape; DataError naming the file when it is missing, not an npz, truncated or
    damaged."""
    path = Path(path)
    # Read straight from the zip member into one array: no float copy, no second buffer.
    with _open_npz(path) as archive:
        try:
            with archive.open("arr_0.npy") as f:
                return np.lib.format.read_array(f, allow_pickle=False)
        except _DAMAGED as e:
            raise _damaged(path, f"cannot read arr_0: {e}") from None
