"""Writing output folders: checked before long work, filled all at once (never half of the files)."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from k49desk.errors import Cancelled, DataError

_MB = 1_000_000


def describe_os_error(error: OSError, path, needed_bytes: int | None = None) -> str:
    """One clear message for an OSError met while writing `path`; a full disk says how much the write needs.

    Provisional copy for the training core until helper h10's version (same signature) reaches main.
    """
    path = Path(path)
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        needs = f" (needs about {max(needed_bytes / _MB, 0.1):.1f} MB)" if needed_bytes else ""
        return f"no space left on {path}{needs}; free some space or choose another folder"
    if error.errno in (errno.EACCES, errno.EPERM):
        return f"{path}: permission denied; choose a folder you can write to"
    if error.errno == errno.EROFS:
        return f"{path}: the file system is read-only; choose a folder on a writable disk"
    return f"{path}: {error.strerror or error}"


def check_output_folder(path, what: str = "output folder") -> Path:
    """`path` if it is a folder files can be written into, or one that can be created; DataError naming it otherwise.

    Checked before long work, so that an unwritable destination fails at once. Leaves nothing behind: a probe
    folder is made and removed in the nearest existing ancestor, nothing is created on the way.
    """
    path = Path(path)
    existing = path.absolute()
    while not os.path.lexists(existing) and existing.parent != existing:
        existing = existing.parent
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
                 cancel=None) -> list[Path]:
    """Call writers[name](path) for each file in a hidden folder beside out_dir, then move the files into out_dir.

    Either every file arrives or none (files already in out_dir under other names stay). `what` names the contents
    in messages ("the practice set"); DataError naming out_dir when it cannot be written (read-only, disk full, a file
    in the way); Cancelled, with nothing moved, when `cancel` is set before the move.
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
        raise DataError(f"{out_dir}: cannot write {what} ({e.strerror or e})") from None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    return [out_dir / name for name in writers]
