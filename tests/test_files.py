"""The shared writer's messages for a full disk, no permission, a read-only disk and a vanished folder."""

from __future__ import annotations

import errno
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from k49desk import cli, files
from k49desk.errors import DataError


def test_each_os_error_gets_one_clear_message(tmp_path):
    out = tmp_path / "out"
    full = files.describe_os_error(OSError(errno.ENOSPC, "No space left on device"), out, 24_500_000)
    assert full.startswith(f"no space left on {out} (needs about 24.5 MB, ")
    assert re.search(r"\(needs about 24\.5 MB, [\d.]+ (bytes|KB|MB|GB) free\)", full), full
    assert files.describe_os_error(OSError(errno.EACCES, "Permission denied"), out) == (
        f"{out}: permission denied; choose a folder you can write to")
    assert "read-only" in files.describe_os_error(OSError(errno.EROFS, "Read-only file system"), out)
    assert "no such file or folder" in files.describe_os_error(OSError(errno.ENOENT, "No such file"), out)
    assert files.describe_os_error(OSError(errno.EIO, "Input/output error"), out) == f"{out}: Input/output error"


def test_an_error_without_errno_is_a_full_disk_only_when_the_space_is_short(tmp_path, monkeypatch):
    numpy_words = OSError("24010 requested and 20448 written")  # what NumPy's tofile raises on a full disk
    free = shutil.disk_usage(tmp_path).free
    assert files.describe_os_error(numpy_words, tmp_path, needed_bytes=free + 1).startswith(
        f"no space left on {tmp_path}")
    monkeypatch.setattr(files.shutil, "disk_usage", lambda p: shutil._ntuple_diskusage(10**9, 10**9, 10**9))
    assert files.describe_os_error(numpy_words, tmp_path, needed_bytes=10**6) == (
        f"{tmp_path}: 24010 requested and 20448 written")


def test_write_folder_names_the_full_disk_and_leaves_nothing(tmp_path):
    def disk_full(path):
        path.write_bytes(b"x" * 10)
        raise OSError(errno.ENOSPC, "No space left on device")

    out = tmp_path / "ev"
    with pytest.raises(DataError) as caught:
        files.write_folder(out, {"a.csv": lambda p: p.write_text("a"), "b.npy": disk_full}, "the evaluation",
                           needed_bytes=3_200_000)
    assert str(caught.value).startswith(f"cannot write the evaluation: no space left on {out} (needs about 3.2 MB")
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def tiny_disk(tmp_path):
    """A 64 kB tmpfs (root only: skipped where mount is not allowed); unmounted afterwards."""
    where = tmp_path / "tiny-disk"
    where.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(where)],
                                           capture_output=True).returncode != 0:
        pytest.skip("mounting a tmpfs needs root")
    yield where
    subprocess.run(["umount", str(where)], check=True)


def test_evaluate_onto_a_full_disk_names_it(capsys, tiny_disk, trained_run, practice_dir):
    out = tiny_disk / "ev"
    code = cli.main(["evaluate", str(trained_run), "--data-dir", str(practice_dir), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert f"no space left on {out} (needs about " in err and "requested and" not in err
    assert list(Path(tiny_disk).iterdir()) == []
