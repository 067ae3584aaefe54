"""The user's own samples: drawings (and imported pictures) kept with the character they really are, for fine-tuning.

A samples folder holds three files, readable by any tool:

- ``samples-imgs.npz``: (N, 28, 28) uint8 under ``arr_0``, white ink on black in K49's framing;
- ``samples-labels.npz``: (N,) uint8 class indices under ``arr_0``;
- ``samples-strokes.jsonl``: one JSON line per sample, ``{"label": "ぬ", "strokes": [[[x, y, p], ...], ...]}``
  for drawings (so that a better rasteriser can render them again) or ``"strokes": null`` for imported pictures.

Every change is one transaction under a lock file: the folder is read again under the lock (so two windows writing
at once keep each other's samples), the three new files are written into a hidden ``.commit`` folder and marked
complete, then moved into place; a crash before the mark leaves the old files untouched, a crash after it is
finished by the next reader. A full disk fails before anything is replaced.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from filelock import FileLock

from k49desk.classes import CLASSES, NUM_CLASSES
from k49desk.errors import DataError
from k49desk.files import describe_os_error, npz_bytes

IMAGES = "samples-imgs.npz"
LABELS = "samples-labels.npz"
STROKES = "samples-strokes.jsonl"
_COMMIT = ".commit"
_COMPLETE = "complete"
_LOCK = ".samples.lock"


@dataclass
class Samples:
    """The samples of one folder, in the order they were kept."""

    images: np.ndarray  # (N, 28, 28) uint8
    labels: np.ndarray  # (N,) uint8
    strokes: list = field(default_factory=list)  # N entries: a list of strokes, or None

    def __len__(self) -> int:
        return len(self.labels)

    def counts(self) -> np.ndarray:
        """(49,) samples per class."""
        return np.bincount(self.labels, minlength=NUM_CLASSES)

    def take(self, indices) -> "Samples":
        indices = np.asarray(indices, dtype=np.int64)
        return Samples(self.images[indices], self.labels[indices], [self.strokes[i] for i in indices])

    @staticmethod
    def empty() -> "Samples":
        return Samples(np.zeros((0, 28, 28), np.uint8), np.zeros(0, np.uint8), [])


class SampleStore:
    """Reads and changes the samples in `folder` (created on the first change)."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def read(self) -> Samples:
        """All samples; an empty set for a folder that holds none yet; DataError naming a damaged file."""
        if not self.folder.exists():
            return Samples.empty()
        if not self.folder.is_dir():
            raise DataError(f"{self.folder}: not a folder (samples are kept in a folder)")
        with self._locked():
            return self._read_unlocked()

    def add(self, images, labels, strokes: Sequence | None = None) -> Samples:
        """Append samples (images (n, 28, 28) uint8 in K49's framing, labels (n,)); returns all samples after."""
        images = np.asarray(images)
        images = images[None] if images.ndim == 2 else images
        labels = np.atleast_1d(np.asarray(labels))
        _check_new(images, labels)
        strokes = [None] * len(labels) if strokes is None else list(strokes)
        if len(strokes) != len(labels):
            raise ValueError(f"{len(strokes)} stroke lists for {len(labels)} samples")
        new = Samples(images.astype(np.uint8), labels.astype(np.uint8), strokes)
        return self._change(lambda old: _concat(old, new), needed=_size_of(new))

    def relabel(self, indices, label: int) -> Samples:
        """Give the samples at `indices` the class `label`; returns all samples after."""
        _check_labels(np.asarray([label]))

        def change(old: Samples) -> Samples:
            idx = _checked_indices(indices, len(old))
            labels = old.labels.copy()
            labels[idx] = label
            return Samples(old.images, labels, old.strokes)

        return self._change(change)

    def delete(self, indices) -> tuple[Samples, Samples, np.ndarray]:
        """Remove the samples at `indices`; returns (all samples after, the removed ones, their positions), the last
        two for `restore`."""
        removed: list[tuple[Samples, np.ndarray]] = []

        def change(old: Samples) -> Samples:
            idx = np.unique(_checked_indices(indices, len(old)))
            removed.append((old.take(idx), idx))
            return old.take(np.setdiff1d(np.arange(len(old)), idx))

        after = self._change(change)
        return after, *removed[0]

    def restore(self, removed: Samples, positions) -> Samples:
        """Undo a delete: the removed samples back where they were; returns all samples after."""
        positions = np.asarray(positions, dtype=np.int64)

        def change(old: Samples) -> Samples:
            at = positions - np.arange(len(positions))  # where each goes in the shorter array, before inserting
            if len(at) and (at.min() < 0 or at.max() > len(old)):
                raise DataError(f"{self.folder}: the samples changed since the delete; it cannot be undone")
            strokes = list(old.strokes)
            for pos, item in zip(positions, removed.strokes):
                strokes.insert(int(pos), item)
            return Samples(np.insert(old.images, at, removed.images, axis=0), np.insert(old.labels, at, removed.labels),
                           strokes)

        return self._change(change, needed=_size_of(removed))

    def describe(self) -> str:
        """Counts per character and where they are, as `k49desk samples` prints them."""
        samples = self.read()
        counts = samples.counts()
        lines = [f"{len(samples)} samples in {self.folder}"]
        kept = [f"{CLASSES[i].char} {n}" for i, n in enumerate(counts) if n]
        if kept:
            lines += ["  " + "  ".join(kept[i : i + 10]) for i in range(0, len(kept), 10)]
        return "\n".join(lines)

    # Transactions ---------------------------------------------------------------------------------------

    def _change(self, change, needed: int = 0) -> Samples:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise DataError(f"cannot keep samples: {describe_os_error(e, self.folder)}") from None
        with self._locked():
            after = change(self._read_unlocked())
            self._commit(after, needed)
            return after

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """An exclusive lock on the folder for one read or one change (other windows and commands wait); filelock's,
        which works on Windows too (fcntl does not exist there)."""
        lock = FileLock(self.folder / _LOCK)
        try:
            lock.acquire()
        except OSError:
            # A read-only folder can still be read; only a change needs the lock file.
            yield
            return
        try:
            yield
        finally:
            lock.release()

    def _commit(self, samples: Samples, needed: int) -> None:
        staging = self.folder / _COMMIT
        shutil.rmtree(staging, ignore_errors=True)
        try:
            staging.mkdir()
            _write(staging / IMAGES, npz_bytes(samples.images))
            _write(staging / LABELS, npz_bytes(samples.labels))
            _write(staging / STROKES, _strokes_jsonl(samples).encode("utf-8"))
            _write(staging / _COMPLETE, b"")
        except OSError as e:
            shutil.rmtree(staging, ignore_errors=True)
            raise DataError(f"cannot keep samples: {describe_os_error(e, self.folder, needed or None)}; "
                            f"the samples kept before are unchanged") from None
        self._finish_commit()

    def _finish_commit(self) -> None:
        """Move a complete staged commit into place (also after a crash between its mark and its moves)."""
        staging = self.folder / _COMMIT
        if not (staging / _COMPLETE).exists():
            shutil.rmtree(staging, ignore_errors=True)  # a change that never completed: the old files stand
            return
        for name in (IMAGES, LABELS, STROKES):
            if (staging / name).exists():
                os.replace(staging / name, self.folder / name)
        shutil.rmtree(staging, ignore_errors=True)

    def _read_unlocked(self) -> Samples:
        if (self.folder / _COMMIT).exists():
            try:
                self._finish_commit()
            except OSError as e:
                raise DataError(f"{self.folder}: an unfinished change could not be completed "
                                f"({describe_os_error(e, self.folder)})") from None
        images_path, labels_path = self.folder / IMAGES, self.folder / LABELS
        if not images_path.exists() and not labels_path.exists():
            return Samples.empty()
        from k49desk.dataset import read_arr0

        for path in (images_path, labels_path):
            if not path.exists():
                raise DataError(f"{path}: missing beside {images_path.name if path is labels_path else labels_path.name}"
                                f"; this is not a complete samples folder")
        images, labels = read_arr0(images_path), read_arr0(labels_path)
        if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (28, 28):
            raise DataError(f"{images_path}: arr_0 has shape {images.shape} and dtype {images.dtype}, expected "
                            f"N x 28 x 28 uint8 images (not a k49desk samples file?)")
        if labels.ndim != 1 or labels.dtype.kind not in "ui" or len(labels) != len(images):
            raise DataError(f"{labels_path}: arr_0 has shape {labels.shape} and dtype {labels.dtype}, expected "
                            f"{len(images)} class indices, one per image in {images_path.name}")
        if len(labels) and int(labels.max()) >= NUM_CLASSES:
            raise DataError(f"{labels_path}: holds class index {int(labels.max())}; K49 has classes 0..48")
        return Samples(images, labels.astype(np.uint8), self._read_strokes(len(labels)))

    def _read_strokes(self, n: int) -> list:
        """Each sample's strokes; None where there are none (an imported picture, or a missing strokes file)."""
        path = self.folder / STROKES
        if not path.exists():
            return [None] * n
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
            strokes = [json.loads(line).get("strokes") for line in lines if line.strip()]
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, AttributeError) as e:
            raise DataError(f"{path}: not a samples strokes file ({type(e).__name__}: {e})") from None
        if len(strokes) != n:
            raise DataError(f"{path}: holds {len(strokes)} lines for {n} samples")
        return strokes


@dataclass(frozen=True)
class ImportProgress:
    done: int  # files looked at
    total: int


@dataclass(frozen=True)
class Skipped:
    path: Path  # a file, or a hidden folder (not read)
    reason: str


@dataclass
class ImportedPictures:
    """What `import_pictures` found: the usable pictures, framed like K49, and every file it left out, with why."""

    images: np.ndarray  # (n, 28, 28) uint8
    labels: np.ndarray  # (n,) uint8
    files: list[Path]
    skipped: list[Skipped]


def import_pictures(folder: str | Path, *, progress=None, cancel=None) -> ImportedPictures:
    """Every picture under `folder` whose character a folder on its path names (`ぬ/`, `nu/`, also `ぬ/extra/` or
    `batch1/nu/`), framed like K49 through the same image path as `predict`; every other file skipped with its
    reason (hidden, no or two character folders, empty, not a picture, blank, ...), hidden folders as one entry.
    progress: ImportProgress per file; Cancelled when `cancel` is set. DataError when `folder` is not a folder."""
    from k49desk.errors import Cancelled, K49Error
    from k49desk.photo import image_file_to_k49

    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(f"{folder}: {'is a file, not a folder' if folder.exists() else 'folder not found'} "
                        f"(give a folder of sub-folders named by character, e.g. ぬ/ or nu/)")
    files, skipped = _picture_files(folder)
    images, labels, used = [], [], []
    for done, path in enumerate(files, start=1):
        if cancel is not None and cancel.is_set():
            raise Cancelled("import cancelled")
        label, reason = _character_of(path.relative_to(folder))
        if reason is None:
            try:
                images.append(image_file_to_k49(path))
                labels.append(label)
                used.append(path)
            except K49Error as e:
                reason = str(e).removeprefix(f"{path}: ")
        if reason is not None:
            skipped.append(Skipped(path, reason))
        if progress is not None:
            progress(ImportProgress(done, len(files)))
    return ImportedPictures(np.stack(images) if images else np.zeros((0, 28, 28), np.uint8),
                            np.asarray(labels, np.uint8), used, sorted(skipped, key=lambda s: s.path))


def _picture_files(folder: Path) -> tuple[list[Path], list[Skipped]]:
    """(every file under `folder` outside hidden and linked folders, sorted; those folders and the hidden files,
    skipped)."""
    files, skipped = [], []
    for root, dirs, names in os.walk(folder):
        for name in sorted(dirs):
            if name.startswith("."):
                skipped.append(Skipped(Path(root) / name, "hidden folder, not read"))
            elif (Path(root) / name).is_symlink():  # os.walk does not follow it: a loop would never end
                skipped.append(Skipped(Path(root) / name, "a link to a folder, not followed"))
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not (Path(root) / d).is_symlink())
        for name in sorted(names):
            path = Path(root) / name
            if name.startswith("."):
                skipped.append(Skipped(path, "hidden file"))
            elif path.is_file():
                files.append(path)
            else:
                skipped.append(Skipped(path, "not a regular file"))
    return files, skipped


def _character_of(relative: Path) -> tuple[int | None, str | None]:
    """(class index, None) from the character folders on a picture's path, or (None, why it cannot be known)."""
    from k49desk.classes import by_name

    named = []
    for part in relative.parent.parts:
        try:
            named.append(by_name(part).index)
        except KeyError:
            pass
    if len(set(named)) == 1:
        return named[0], None
    if not named and len(relative.parts) == 1:
        return None, "character unknown: not in a character folder; put it in a sub-folder named by its character " \
                     "or romaji (ぬ/ or nu/)"
    if not named:
        return None, f"character unknown: no folder on its path ({relative.parent.as_posix()}/) is named by a " \
                     f"character or its romaji (ぬ or nu)"
    chars = ", ".join(dict.fromkeys(CLASSES[i].char for i in named))
    return None, f"character unknown: the folders on its path name different characters ({chars})"


def _check_new(images: np.ndarray, labels: np.ndarray) -> None:
    if images.ndim != 3 or images.shape[1:] != (28, 28) or images.dtype != np.uint8:
        raise ValueError(f"samples must be N x 28 x 28 uint8 images, got {images.shape} {images.dtype}")
    if len(images) != len(labels):
        raise ValueError(f"{len(images)} images and {len(labels)} labels")
    _check_labels(labels)


def _check_labels(labels: np.ndarray) -> None:
    if labels.size and (labels.min() < 0 or labels.max() >= NUM_CLASSES):
        raise ValueError(f"class indices must be 0..48, got {labels.min()}..{labels.max()}")


def _checked_indices(indices, n: int) -> np.ndarray:
    idx = np.atleast_1d(np.asarray(indices, dtype=np.int64))
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        raise DataError(f"no sample {int(idx.max() if idx.max() >= n else idx.min())}: the folder holds {n} "
                        f"(changed by another window?)")
    return idx


def _concat(a: Samples, b: Samples) -> Samples:
    return Samples(np.concatenate([a.images, b.images]), np.concatenate([a.labels, b.labels]), a.strokes + b.strokes)


def _size_of(samples: Samples) -> int:
    return samples.images.nbytes + samples.labels.nbytes + 64 * len(samples)


def _strokes_jsonl(samples: Samples) -> str:
    return "".join(json.dumps({"label": CLASSES[int(label)].char, "strokes": strokes}, ensure_ascii=False) + "\n"
                   for label, strokes in zip(samples.labels, samples.strokes))


def _write(path: Path, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
