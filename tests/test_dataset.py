"""Loading, validating and checking K49-format folders: real pieces from ../shared/k49, and every bad input."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest

from k49desk import dataset
from k49desk.classes import CLASSES, classmap_csv
from k49desk.dataset import (
    CLASSMAP,
    OFFICIAL,
    PRACTICE_MARKER,
    TEST_IMAGES,
    TEST_LABELS,
    TRAIN_IMAGES,
    TRAIN_LABELS,
    K49Data,
    LoadProgress,
    check_files,
    load,
    load_images,
    load_labels,
)
from k49desk.errors import Cancelled, DataError


def _save(path: Path, array: np.ndarray, key: str = "arr_0") -> Path:
    np.savez_compressed(path, **{key: array})
    return path


def make_folder(folder: Path, n_train: int = 98, n_test: int = 49, practice: bool = True, seed: int = 0) -> Path:
    """A tiny valid K49-format folder: every class present, random images."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for images, labels, n in ((TRAIN_IMAGES, TRAIN_LABELS, n_train), (TEST_IMAGES, TEST_LABELS, n_test)):
        _save(folder / images, rng.integers(0, 256, (n, 28, 28), dtype=np.uint8))
        _save(folder / labels, (np.arange(n) % 49).astype(np.uint8))
    (folder / CLASSMAP).write_text(classmap_csv(), encoding="utf-8")
    if practice:
        (folder / PRACTICE_MARKER).write_text(json.dumps({"seed": seed, "fonts": ["IPAexGothic"]}))
    return folder


def load_error(path) -> str:
    with pytest.raises(DataError) as e:
        load(path)
    return str(e.value)


# ---------------------------------------------------------------- real pieces


def test_real_classmap_loads(shared_k49):
    from k49desk.classes import load_classmap

    assert load_classmap(shared_k49 / CLASSMAP) == CLASSES
    assert (shared_k49 / CLASSMAP).read_text(encoding="utf-8") == classmap_csv()


def test_real_labels_load(shared_k49):
    y_test = load_labels(shared_k49 / TEST_LABELS)
    assert y_test.shape == (38_547,) and y_test.dtype == np.uint8
    assert y_test.min() == 0 and y_test.max() == 48
    y_train = load_labels(shared_k49 / TRAIN_LABELS)
    assert y_train.shape == (232_365,)
    e = CLASSES.index(next(c for c in CLASSES if c.romaji == "e"))
    assert np.bincount(y_train, minlength=49)[e] == 777
    assert np.bincount(y_test, minlength=49)[e] == 126


def test_real_first_100_test_images_load_with_their_labels(shared_k49, tmp_path):
    images = load_images(shared_k49 / "k49-test-imgs-first100.npz")
    assert images.shape == (100, 28, 28) and images.dtype == np.uint8
    assert images.max() > 200 and (images == 0).mean() > 0.5  # white ink on black
    labels = load_labels(shared_k49 / TEST_LABELS)[:100]
    _save(tmp_path / TRAIN_IMAGES, images)
    _save(tmp_path / TEST_IMAGES, images)
    _save(tmp_path / TRAIN_LABELS, labels)
    _save(tmp_path / TEST_LABELS, labels)
    shutil.copy(shared_k49 / CLASSMAP, tmp_path / CLASSMAP)
    data = load(tmp_path)
    assert data.name == "K49" and not data.practice and data.practice_info is None
    np.testing.assert_array_equal(data.y_test, labels)
    assert data.test_counts().sum() == 100


def test_check_files_on_the_real_pieces(shared_k49):
    status = {s.name: s for s in check_files(shared_k49)}
    assert status[CLASSMAP].ok and status[CLASSMAP].problem is None
    assert not status[TRAIN_IMAGES].present and status[TRAIN_IMAGES].problem == "missing"
    # re-packed labels: same array, different bytes than the official file
    assert status[TEST_LABELS].present and not status[TEST_LABELS].ok
    assert "27,450" in status[TEST_LABELS].problem


# ---------------------------------------------------------------- a valid folder


def test_load_practice_folder(tmp_path):
    events = []
    data = load(make_folder(tmp_path / "p"), progress=events.append)
    assert isinstance(data, K49Data)
    assert data.x_train.shape == (98, 28, 28) and data.x_train.dtype == np.uint8
    assert data.y_test.shape == (49,) and data.y_test.dtype == np.uint8
    assert data.practice and data.name == "practice set"
    assert data.practice_info == {"seed": 0, "fonts": ["IPAexGothic"]}
    assert data.classes == CLASSES
    assert data.train_counts().tolist() == [2] * 49 and data.test_counts().tolist() == [1] * 49
    assert events[0] == LoadProgress(TRAIN_IMAGES, 0, 4) and events[-1].done == events[-1].total == 4


def test_fingerprint_is_stable_and_tracks_the_data(tmp_path):
    a = load(make_folder(tmp_path / "a"))
    assert len(a.fingerprint) == 16 and int(a.fingerprint, 16) >= 0
    assert a.fingerprint == load(make_folder(tmp_path / "b")).fingerprint
    assert a.fingerprint != load(make_folder(tmp_path / "c", seed=1)).fingerprint


def test_cancel_stops_loading(tmp_path):
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        load(make_folder(tmp_path / "p"), cancel=cancel)


def test_check_files_practice_folder_by_headers(tmp_path):
    folder = make_folder(tmp_path / "p")
    statuses = check_files(folder)
    assert [s.name for s in statuses] == list(dataset.FILE_NAMES)
    assert all(s.present and s.ok and s.problem is None and s.expected_size is None for s in statuses)

    _save(folder / TRAIN_IMAGES, np.zeros((98, 28, 27), np.uint8))
    _save(folder / TEST_LABELS, np.zeros(48, np.uint8))
    (folder / CLASSMAP).write_text("index,codepoint,char\n", encoding="utf-8")
    problems = {s.name: s.problem for s in check_files(folder) if not s.ok}
    assert problems == {
        TRAIN_IMAGES: "images have shape (98, 28, 27), expected (N, 28, 28)",
        TEST_LABELS: f"48 labels but {TEST_IMAGES} holds 49 images",
        CLASSMAP: "expected 49 classes, found 0",
    }


def test_check_files_official_folder(tmp_path):
    (tmp_path / CLASSMAP).write_text(classmap_csv(), encoding="utf-8")  # byte-identical to the official file
    (tmp_path / TEST_LABELS).write_bytes(b"x" * 27_450)
    (tmp_path / TRAIN_IMAGES.replace(".npz", ".npz.part")).write_bytes(b"x" * 1_000_000)
    (tmp_path / TRAIN_LABELS).write_bytes(b"short")
    status = {s.name: s for s in check_files(tmp_path)}
    assert status[CLASSMAP].ok and status[CLASSMAP].expected_size == 697
    assert status[TRAIN_IMAGES].problem == "partly downloaded (1.0 MB of 66.1 MB); download resumes it"
    assert status[TRAIN_LABELS].problem == "5 bytes, the official file has 164,485"
    assert status[TEST_LABELS].problem.startswith("md5 ") and "4da6f7a62e67a832d5eb1bd85c5ee448" in status[TEST_LABELS].problem
    assert check_files(tmp_path, verify_md5=False)[3].ok
    assert status[TEST_IMAGES].problem == "missing" and not status[TEST_IMAGES].present


# ---------------------------------------------------------------- every bad input: one DataError naming the file


def test_missing_folder(tmp_path):
    message = load_error(tmp_path / "nowhere")
    assert str(tmp_path / "nowhere") in message and "data folder not found" in message
    (tmp_path / "file").write_text("")
    assert load_error(tmp_path / "file").startswith(f"{tmp_path / 'file'}: not a folder")


def test_missing_file(tmp_path):
    folder = make_folder(tmp_path / "p")
    (folder / TEST_LABELS).unlink()
    message = load_error(folder)
    assert message.startswith(str(folder)) and f"missing {TEST_LABELS}" in message


def _bad(folder: Path, name: str, write) -> str:
    """Replace one file of a valid folder via write(path); the message load() gives."""
    path = folder / name
    write(path)
    message = load_error(folder)
    assert message.startswith(str(path)), message
    return message


@pytest.mark.parametrize(
    ("name", "write", "problem"),
    [
        (TRAIN_IMAGES, lambda p: p.write_text("not a zip"), "not an npz file (not a zip archive)"),
        (TEST_IMAGES, lambda p: _save(p, np.zeros((49, 28, 28), np.uint8), key="x"),
         "no array 'arr_0' inside (found: x)"),
        (TRAIN_IMAGES, lambda p: _save(p, np.zeros((98, 784), np.uint8)), "images have shape (98, 784), expected (N, 28, 28)"),
        (TEST_IMAGES, lambda p: _save(p, np.zeros((49, 28, 27), np.uint8)), "images have shape (49, 28, 27)"),
        (TRAIN_IMAGES, lambda p: _save(p, np.zeros((98, 28, 28), np.float32)), "images are float32, expected uint8"),
        (TRAIN_IMAGES, lambda p: _save(p, np.zeros((0, 28, 28), np.uint8)), "holds no images"),
        (TRAIN_LABELS, lambda p: _save(p, np.zeros(98, np.int64)), "labels are int64, expected uint8"),
        (TEST_LABELS, lambda p: _save(p, np.zeros((49, 1), np.uint8)), "labels have shape (49, 1), expected (N,)"),
        (TEST_LABELS, lambda p: _save(p, np.full(49, 49, np.uint8)), "labels must be 0..48, found 49 (49 labels out of range)"),
        (TRAIN_LABELS, lambda p: _save(p, np.zeros(97, np.uint8)), f"97 labels but {TRAIN_IMAGES} holds 98 images"),
        (TEST_LABELS, lambda p: _save(p, np.zeros(50, np.uint8)), f"50 labels but {TEST_IMAGES} holds 49 images"),
        (CLASSMAP, lambda p: p.write_text(classmap_csv().replace("U+3042,\u3042", "U+3042,\u3044"), encoding="utf-8"),
         "codepoint U+3042 does not match"),
    ],
    ids=["not-zip", "no-arr_0", "flat-images", "27-wide", "float", "empty", "int64-labels", "2d-labels",
         "label-49", "train-length", "test-length", "classmap"],
)
def test_bad_input(tmp_path, name, write, problem):
    message = _bad(make_folder(tmp_path / "p"), name, write)
    assert problem in message, message


def test_damaged_array_data(tmp_path):
    folder = make_folder(tmp_path / "p")

    def damage(path: Path) -> None:
        raw = bytearray(path.read_bytes())
        middle = len(raw) // 2
        raw[middle : middle + 64] = bytes(64)
        path.write_bytes(bytes(raw))

    assert "truncated or damaged npz file" in _bad(folder, TRAIN_IMAGES, damage)


def test_a_truncated_file_is_called_truncated_with_its_size(tmp_path):
    def cut(path: Path) -> None:
        path.write_bytes(path.read_bytes()[:3000])

    practice = make_folder(tmp_path / "p")
    assert f"{TRAIN_IMAGES}: truncated or damaged npz file (3,000 bytes; its zip directory is missing)" in _bad(
        practice, TRAIN_IMAGES, cut)
    official = make_folder(tmp_path / "k49", practice=False)
    message = _bad(official, TEST_IMAGES, cut)
    assert message == (f"{official / TEST_IMAGES}: truncated or damaged (3,000 bytes, the official file has "
                       f"{OFFICIAL[TEST_IMAGES].size:,}; its zip directory is missing); run 'k49desk download' to "
                       "fetch it again")


def test_bad_practice_marker(tmp_path):
    folder = make_folder(tmp_path / "p")
    (folder / PRACTICE_MARKER).write_text("{not json")
    message = load_error(folder)
    assert message.startswith(str(folder / PRACTICE_MARKER)) and "practice-set description" in message


def test_load_images_and_labels_name_the_file(tmp_path):
    labels = _save(tmp_path / "labels.npz", np.arange(60, dtype=np.uint8))
    with pytest.raises(DataError, match=r"labels\.npz: labels must be 0\.\.48, found 49 \(11 labels out of range\)"):
        load_labels(labels)
    with pytest.raises(DataError, match=r"labels\.npz: images have shape \(60,\)"):
        load_images(labels)
    with pytest.raises(DataError, match=r"nothing\.npz: file not found"):
        load_images(tmp_path / "nothing.npz")


def test_coverage_warning_names_the_classes_without_training_images():
    from tiny_data import tiny_data

    data = tiny_data()
    assert data.missing_train_classes() == [] and data.coverage_warning() is None
    data.y_train[np.isin(data.y_train, [1, 48])] = 0
    assert [c.char for c in data.missing_train_classes()] == ["い", "ゝ"]
    assert data.coverage_warning() == ("the training labels cover 47 of 49 classes; missing 2: い (i), "
                                       "ゝ (iteration mark) (a model trained on them never predicts these)")
