"""Writing output folders: checked before long work, filled all at once (never half of the files); npz files
whose bytes depend on their array only."""

from __future__ import annotations

import csv
import errno
import io
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

from k49desk.errors import Cancelled, DataError
from k49desk.formatting import human_bytes

_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed zip entry time: the same array gives the same bytes


def _nearest_existing(path: Path) -> Path:
    existing = path.absolute()
    while not os.path.lexists(existing) and existing.parent != existing:
        existing = existing.parent
    return existing


def _free_bytes(path: Path) -> int | None:
    try:
        return shutil.disk_usage(_nearest_existing(path)).free
    except OSError:
        return None


def describe_os_error(error: OSError, path, needed_bytes: int | None = None) -> str:
    """One clear message for an OSError met while writing `path`: a full disk, no permission, a read-only file
    system, a folder that vanished; else the system's own words.

    needed_bytes: about how much the whole write takes, said with a full disk. Some writers (NumPy's tofile)
    report a full disk without an errno ("24010 requested and 20448 written"): such an error is taken as a full
    disk when the free space left is below what the write needs (1 MB when unknown).
    """
    path = Path(path)
    code = error.errno
    free = _free_bytes(path)
    if code is None and free is not None and free < (needed_bytes or 1_000_000):
        code = errno.ENOSPC
    if code in (errno.ENOSPC, errno.EDQUOT):
        needs = [f"needs about {human_bytes(needed_bytes)}"] if needed_bytes else []
        if free is not None:
            needs.append(f"{human_bytes(free)} free")
        quota = " (disk quota exceeded)" if code == errno.EDQUOT else ""
        return f"no space left on {path}{quota} ({', '.join(needs)}); free some space or choose another folder"
    if code in (errno.EACCES, errno.EPERM):
        return f"{path}: permission denied; choose a folder you can write to"
    if code == errno.EROFS:
        return f"{path}: the file system is read-only; choose a folder on a writable disk"
    if code == errno.ENOENT:
        return f"{path}: no such file or folder (moved, deleted or unmounted while in use?)"
    return f"{path}: {error.strerror or error}"


def check_output_folder(path, what: str = "output folder") -> Path:
    """`path` if it is a folder files can be written into, or one that can be created; DataError naming it otherwise.

    Checked before long work, so that an unwritable destination fails at once. Leaves nothing behind: a probe
    folder is made and removed in the nearest existing ancestor, nothing is created on the way.
    """
    path = Path(path)
    existing = _nearest_existing(path)
    if not existing.is_dir():
        where = "is a file" if existing == path.absolute() else f"cannot be created: {existing} is a file"
        raise DataError(f"{path}: {where}, not a folder; choose another {what}")
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".k49desk-probe-", dir=existing))
    except OSError as e:
        why = "cannot write into it" if existing == path.absolute() else f"cannot create it in {existing}"
        raise DataError(f"{path}: {why} ({e.strerror or e}); choose another {what}") from None
    return path


def write_folder(out_dir, writers: Mapping[str, Callable[[Path], object]], what: str, kind: str = "output folder",
                 cancel=None, needed_bytes: int | None = None) -> list[Path]:
    """Call writers[name](path) for each file in a hidden folder beside out_dir, then move the files into out_dir.

    Either every file arrives or none (files already in out_dir under other names stay). `what` names the contents
    in messages ("the practice set"); DataError naming out_dir when it cannot be written (read-only, disk full, a file
    in the way; see describe_os_error, told about `needed_bytes`, the files' total size when known); Cancelled, with
    nothing moved, when `cancel` is set before the move.
    """
    out_dir = Path(out_dir)
    check_output_folder(out_dir, kind)
    staging = None
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.writing-", dir=out_dir.parent))
        for name, write in writers.items():
            write(staging / name)
        if cancel is not None and cancel.is_set():
            raise Cancelled(f"writing {what} cancelled")
        out_dir.mkdir(exist_ok=True)
        for name in writers:
            os.replace(staging / name, out_dir / name)
    except OSError as e:
        raise DataError(f"cannot write {what}: {describe_os_error(e, out_dir, needed_bytes)}") from None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    return [out_dir / name for name in writers]


def npz_bytes(array: np.ndarray) -> bytes:
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


def write_atomic(path: Path, write) -> Path:
    """Write through a temporary file beside `path` and rename it: never a half-written file under the real name."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return path


def write_csv(path: Path, rows) -> Path:
    """`rows` as a UTF-8 CSV file, written atomically (write_atomic)."""
    text = io.StringIO(newline="")
    csv.writer(text).writerows(rows)
    return write_atomic(path, lambda f: f.write(text.getvalue().encode("utf-8")))
