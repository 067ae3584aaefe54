"""The user's sample store: round trips, relabel/delete/undo, two writers at once, crashes and full disks, damaged
folders, and the command line's import."""

from __future__ import annotations

import errno
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from k49desk import cli, samples
from k49desk.classes import by_char
from k49desk.errors import DataError
from k49desk.samples import SampleStore
from photos import PhotoStyle, character_on_paper
from strokes import STROKES


def images(n: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (n, 28, 28), dtype=np.uint8)


def test_samples_round_trip_in_k49_format(tmp_path):
    store = SampleStore(tmp_path / "s")
    assert len(store.read()) == 0
    drawn = [[[10.0, 10.0, 0.5], [40.0, 60.0, 0.5]]]
    store.add(images(2), [by_char("ぬ").index, by_char("ふ").index], [drawn, None])
    after = store.add(images(1, 1), [by_char("ぬ").index])
    assert len(after) == 3 and after.counts()[by_char("ぬ").index] == 2
    with np.load(tmp_path / "s" / samples.IMAGES) as f:
        assert f["arr_0"].shape == (3, 28, 28) and f["arr_0"].dtype == np.uint8
        assert np.array_equal(f["arr_0"][:2], images(2))
    with np.load(tmp_path / "s" / samples.LABELS) as f:
        assert f["arr_0"].dtype == np.uint8 and list(f["arr_0"]) == [22, 27, 22]
    lines = (tmp_path / "s" / samples.STROKES).read_text(encoding="utf-8").splitlines()
    assert lines[0] == '{"label": "ぬ", "strokes": [[[10.0, 10.0, 0.5], [40.0, 60.0, 0.5]]]}'
    assert SampleStore(tmp_path / "s").read().strokes == [drawn, None, None]
    assert "3 samples in" in store.describe() and "ぬ 2" in store.describe() and "ふ 1" in store.describe()


def test_relabel_delete_and_undo(tmp_path):
    store = SampleStore(tmp_path)
    store.add(images(4), [0, 1, 2, 3])
    assert list(store.relabel([1, 2], 48).labels) == [0, 48, 48, 3]
    after, removed, positions = store.delete([0, 2])
    assert list(after.labels) == [48, 3] and list(removed.labels) == [0, 48] and list(positions) == [0, 2]
    restored = store.restore(removed, positions)
    assert restored.labels.tolist() == [0, 48, 48, 3]  # back where they were
    assert np.array_equal(restored.images, images(4))
    with pytest.raises(DataError, match="no sample 9: the folder holds 4"):
        store.delete([9])


def test_two_writers_at_once_keep_each_others_samples(tmp_path):
    script = textwrap.dedent(f"""
        import numpy as np
        from k49desk.samples import SampleStore
        store = SampleStore({str(tmp_path)!r})
        for i in range(15):
            store.add(np.full((28, 28), i, np.uint8), [int(__import__('sys').argv[1])])
    """)
    writers = [subprocess.Popen([sys.executable, "-c", script, str(label)]) for label in (5, 7)]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    counts = SampleStore(tmp_path).read().counts()
    assert counts[5] == 15 and counts[7] == 15


def test_a_full_disk_leaves_the_earlier_samples_as_they_were(tmp_path, monkeypatch):
    store = SampleStore(tmp_path)
    store.add(images(3), [1, 2, 3])
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    written = []

    def full_after_one(path, data):
        if written:
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(path)
        path.write_bytes(data)

    monkeypatch.setattr(samples, "_write", full_after_one)
    with pytest.raises(DataError, match="no space left on .*the samples kept before are unchanged"):
        store.add(images(2, 5), [4, 5])
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before
    assert not (tmp_path / samples._COMMIT).exists()


def test_a_crash_after_the_commit_mark_is_finished_by_the_next_reader(tmp_path, monkeypatch):
    store = SampleStore(tmp_path)
    store.add(images(2), [1, 2])
    monkeypatch.setattr(SampleStore, "_finish_commit", lambda self: None)  # the process dies before the moves
    store.add(images(1, 3), [9])
    monkeypatch.undo()
    assert (tmp_path / samples._COMMIT / samples._COMPLETE).exists()
    assert list(SampleStore(tmp_path).read().labels) == [1, 2, 9]
    assert not (tmp_path / samples._COMMIT).exists()


def test_a_crash_before_the_commit_mark_leaves_the_old_samples(tmp_path):
    store = SampleStore(tmp_path)
    store.add(images(2), [1, 2])
    staging = tmp_path / samples._COMMIT
    staging.mkdir()
    (staging / samples.IMAGES).write_bytes(b"half")
    assert list(SampleStore(tmp_path).read().labels) == [1, 2]
    assert not staging.exists()


def test_damaged_or_foreign_folders_are_named(tmp_path):
    (tmp_path / samples.IMAGES).write_bytes(b"garbage")
    (tmp_path / samples.LABELS).write_bytes(b"garbage")
    with pytest.raises(DataError, match=samples.IMAGES):
        SampleStore(tmp_path).read()
    np.savez(tmp_path / samples.IMAGES, np.zeros((3, 32, 32), np.uint8))
    np.savez(tmp_path / samples.LABELS, np.zeros(3, np.uint8))
    with pytest.raises(DataError, match="expected N x 28 x 28 uint8 images"):
        SampleStore(tmp_path).read()
    np.savez(tmp_path / samples.IMAGES, np.zeros((3, 28, 28), np.uint8))
    np.savez(tmp_path / samples.LABELS, np.zeros(2, np.uint8))
    with pytest.raises(DataError, match="expected 3 class indices"):
        SampleStore(tmp_path).read()
    np.savez(tmp_path / samples.LABELS, np.array([0, 1, 60], np.uint8))
    with pytest.raises(DataError, match="class index 60"):
        SampleStore(tmp_path).read()


def test_cli_imports_pictures_by_character_or_romaji(tmp_path, capsys):
    pictures = tmp_path / "pictures"
    for folder, char, n in (("ぬ", "ぬ", 2), ("shi", "し", 1), ("iteration-mark", "の", 1)):
        (pictures / folder).mkdir(parents=True)
        for i in range(n):
            Image.fromarray(character_on_paper(STROKES[char], PhotoStyle(noise=3.0), seed=i)).save(
                pictures / folder / f"{i}.png")
    store_dir = tmp_path / "mine"
    assert cli.main(["samples", "--samples", str(store_dir), "import", str(pictures)]) == 0
    assert "imported 4 pictures" in capsys.readouterr().out
    counts = SampleStore(store_dir).read().counts()
    assert counts[by_char("ぬ").index] == 2 and counts[by_char("し").index] == 1 and counts[48] == 1
    assert cli.main(["samples", "--samples", str(store_dir)]) == 0
    out = capsys.readouterr().out
    assert f"4 samples in {store_dir}" in out and "ぬ 2" in out

    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli.main(["samples", "import", str(empty), "--samples", str(store_dir)]) == 2
    assert "no usable pictures found" in capsys.readouterr().err
    assert len(SampleStore(store_dir).read()) == 4


def _picture(path: Path, char: str, seed: int = 0) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(character_on_paper(STROKES[char], PhotoStyle(noise=3.0), seed=seed)).save(path)


def test_import_of_a_folder_with_junk_imports_every_usable_picture_and_lists_every_skipped_file(tmp_path, capsys):
    """One run: nested pictures are imported under the character a folder on their path names; every other file is
    listed with its reason, none dropped silently; progress is shown on stderr."""
    pictures = tmp_path / "pictures"
    usable = {"ぬ/1.png": "ぬ", "nu/2.png": "ぬ", "ぬ/more/3.png": "ぬ", "batch 2/shi/4.png": "し"}
    for name, char in usable.items():
        _picture(pictures / name, char)
    junk = {
        ".thumbs": "hidden folder, not read",
        "ぬ/.DS_Store": "hidden file",
        "zz/5.png": "character unknown: no folder on its path (zz/) is named by a character",
        "ぬ/ね/6.png": "character unknown: the folders on its path name different characters (ぬ, ね)",
        "loose.png": "character unknown: not in a character folder",
        "ぬ/empty.png": "not a readable image (an empty file (0 bytes))",
        "ぬ/notes.txt": "not a readable image (a text file, not a picture)",
        "ぬ/broken.png": "not a readable image (",
        "ぬ/blank.png": "nothing to predict: no character found",
    }
    for name in ("zz/5.png", "ぬ/ね/6.png", "loose.png", ".thumbs/7.png"):
        _picture(pictures / name, "し")
    (pictures / "ぬ" / ".DS_Store").write_bytes(b"\0\1junk")
    (pictures / "ぬ" / "empty.png").write_bytes(b"")
    (pictures / "ぬ" / "notes.txt").write_text("my notes on ぬ\n", encoding="utf-8")
    (pictures / "ぬ" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(40))
    Image.new("L", (80, 80), 240).save(pictures / "ぬ" / "blank.png")
    (pictures / "link").symlink_to(pictures / "ぬ", target_is_directory=True)
    junk["link"] = "a link to a folder, not followed"

    store_dir = tmp_path / "mine"
    assert cli.main(["samples", "--samples", str(store_dir), "import", str(pictures)]) == 0
    out, err = capsys.readouterr()
    assert f"imported 4 pictures from {pictures} (10 files skipped, listed above); 4 samples in {store_dir}" in out
    listed = [line.strip() for line in err.splitlines() if line.startswith("  ")]
    assert len(listed) == len(junk) and f"skipped {len(junk)} files:" in err
    for name, reason in junk.items():
        assert any(line.startswith(f"{pictures / name}: {reason}") for line in listed), (name, listed)
    assert "reading pictures [" in err and "100.0% 11/11" in err  # the files looked at; hidden ones are not
    assert "Traceback" not in err and "Error" not in err
    counts = SampleStore(store_dir).read().counts()
    assert counts[by_char("ぬ").index] == 3 and counts[by_char("し").index] == 1


def test_import_reports_progress_and_can_be_cancelled(tmp_path):
    import threading

    from k49desk.errors import Cancelled

    for i in range(3):
        _picture(tmp_path / "no" / f"{i}.png", "の", seed=i)
    seen = []
    found = samples.import_pictures(tmp_path, progress=seen.append)
    assert [(p.done, p.total) for p in seen] == [(1, 3), (2, 3), (3, 3)] and len(found.files) == 3
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        samples.import_pictures(tmp_path, cancel=cancel)
