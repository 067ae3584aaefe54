"""The practice-set generator: K49 formats, determinism, the practice marker, K49's framing, cancel."""

from __future__ import annotations

import json
import threading

import numpy as np
import pytest

from k49desk import classes, dataset, font_discovery, paths, synth
from k49desk.errors import Cancelled, DataError
from test_rasterize import ink_box, stroke_width

IPAEX = [paths.hiragana_font_path()]


def arr0(path):
    with np.load(path) as npz:
        assert npz.files == ["arr_0"]
        return npz["arr_0"]


def test_five_k49_files_and_the_marker(practice_dir):
    names = sorted(p.name for p in practice_dir.iterdir())
    assert names == sorted([*dataset.FILE_NAMES, dataset.PRACTICE_MARKER])
    x_train, y_train = arr0(practice_dir / "k49-train-imgs.npz"), arr0(practice_dir / "k49-train-labels.npz")
    x_test, y_test = arr0(practice_dir / "k49-test-imgs.npz"), arr0(practice_dir / "k49-test-labels.npz")
    assert x_train.shape == (49 * 24, 28, 28) and x_test.shape == (49 * 8, 28, 28)
    assert x_train.dtype == x_test.dtype == y_train.dtype == y_test.dtype == np.uint8
    assert np.array_equal(np.bincount(y_train, minlength=49), np.full(49, 24))
    assert np.array_equal(np.bincount(y_test, minlength=49), np.full(49, 8))
    assert not np.array_equal(y_train[:49], np.sort(y_train[:49])), "labels are shuffled"
    assert (practice_dir / "k49_classmap.csv").read_text(encoding="utf-8") == classes.classmap_csv()
    info = json.loads((practice_dir / dataset.PRACTICE_MARKER).read_text(encoding="utf-8"))
    assert info["practice_set"] is True and info["generator"] == "k49desk synth" and info["seed"] == 0
    assert info["fonts"] == ["IPAexGothic Regular"]
    assert "not Kuzushiji-49" in info["note"]
    assert info["train_counts"] == [24] * 49 and info["test_counts"] == [8] * 49


def test_train_and_test_share_no_render(practice_dir):
    train = arr0(practice_dir / "k49-train-imgs.npz").reshape(-1, 784)
    test = arr0(practice_dir / "k49-test-imgs.npz").reshape(-1, 784)
    assert not {r.tobytes() for r in train} & {r.tobytes() for r in test}


def test_output_is_framed_like_k49(practice_dir):
    images = arr0(practice_dir / "k49-train-imgs.npz")
    boxes = np.array([ink_box(img) for img in images])
    assert np.mean(boxes[:, :2].max(axis=1) == 28) >= 0.95
    assert np.abs(boxes[:, 2:]).max() <= 1
    assert 0.55 <= (images == 0).mean() <= 0.8  # K49: 0.69
    assert 2.3 <= np.median([stroke_width(img) for img in images]) <= 3.4  # K49: 2.77
    assert 0.02 <= (images == 255).mean() <= 0.12  # K49: 0.057


def test_same_seed_same_bytes_other_seed_other_bytes(practice_dir, tmp_path):
    synth.synthesize(tmp_path / "again", train_per_class=24, test_per_class=8, seed=0, fonts=IPAEX)
    synth.synthesize(tmp_path / "other", train_per_class=24, test_per_class=8, seed=1, fonts=IPAEX)
    for name in dataset.FILE_NAMES[:4]:
        assert (tmp_path / "again" / name).read_bytes() == (practice_dir / name).read_bytes()
    assert (tmp_path / "other" / "k49-train-imgs.npz").read_bytes() != (practice_dir / "k49-train-imgs.npz").read_bytes()


def test_the_loader_accepts_it_as_a_practice_set(practice_dir):
    data = dataset.load(practice_dir)
    assert data.practice and data.name == "practice set"


def test_class_counts_mimic_an_imbalance(tmp_path):
    train = np.arange(49) % 5 + 1
    test = np.ones(49, int)
    info = synth.synthesize(tmp_path / "p", class_counts=(train, test), fonts=IPAEX)
    assert np.array_equal(np.bincount(arr0(tmp_path / "p" / "k49-train-labels.npz"), minlength=49), train)
    assert info["train_size"] == train.sum() and info["test_size"] == 49
    with pytest.raises(ValueError, match="class_counts"):
        synth.synthesize(tmp_path / "bad", class_counts=(train[:10], test), fonts=IPAEX)


def test_cancel_leaves_nothing(tmp_path):
    cancel = threading.Event()
    events = []

    def progress(event):
        events.append(event)
        if event.stage == "train":
            cancel.set()

    with pytest.raises(Cancelled):
        synth.synthesize(tmp_path / "p", train_per_class=400, fonts=IPAEX, progress=progress, cancel=cancel)
    assert list(tmp_path.iterdir()) == []
    assert events and all(isinstance(e, synth.SynthProgress) for e in events)


def test_progress_ends_with_writing(tmp_path):
    events = []
    synth.synthesize(tmp_path / "p", train_per_class=2, test_per_class=1, fonts=IPAEX, progress=events.append)
    assert events[-1] == synth.SynthProgress(147, 147, "writing")
    rendering = [e.done for e in events if e.stage != "fonts"]
    assert rendering == sorted(rendering)


def test_refuses_to_overwrite_real_k49(tmp_path):
    (tmp_path / "k49-train-imgs.npz").write_bytes(b"real data")
    with pytest.raises(DataError, match="not a practice set"):
        synth.synthesize(tmp_path, train_per_class=1, test_per_class=1, fonts=IPAEX)
    assert (tmp_path / "k49-train-imgs.npz").read_bytes() == b"real data"


def test_fonts_that_cannot_write_hiragana_are_refused(tmp_path):
    not_a_font = tmp_path / "x.ttf"
    not_a_font.write_bytes(b"nope")
    with pytest.raises(DataError, match="covers all 49"):
        synth.synthesize(tmp_path / "p", fonts=[not_a_font])


def renamed_copy(source, path, family):
    """`source` with its family name changed: a different family drawing the very same kana."""
    from fontTools.ttLib import TTFont

    with TTFont(str(source)) as tt:
        for record in tt["name"].names:
            if record.nameID in (1, 4, 16):
                record.string = family if record.nameID != 4 else f"{family} Regular"
        tt.save(str(path))
    return path


def test_given_fonts_only_and_skipped_ones_are_reported(tmp_path):
    import shutil

    twin = shutil.copyfile(IPAEX[0], tmp_path / "ipaexg-copy.ttf")  # same family, another file
    not_a_font = tmp_path / "notes.ttf"
    not_a_font.write_bytes(b"not a font")
    info = synth.synthesize(tmp_path / "p", train_per_class=1, test_per_class=1, fonts=[*IPAEX, twin, not_a_font])
    assert info["fonts"] == ["IPAexGothic Regular"] and info["font_files"] == [str(IPAEX[0])]
    skipped = {s["file"]: s for s in info["fonts_skipped"]}
    assert list(skipped) == [str(twin), str(not_a_font)]
    assert "another face of the family IPAexGothic" in skipped[str(twin)]["reason"]
    assert "not a readable font" in skipped[str(not_a_font)]["reason"]
    marker = json.loads((tmp_path / "p" / dataset.PRACTICE_MARKER).read_text(encoding="utf-8"))
    assert marker["fonts"] == info["fonts"] and marker["fonts_skipped"] == info["fonts_skipped"]


def test_the_same_design_under_another_name_is_skipped(tmp_path):
    """As KouzanBrushFontSousyo and AoyagiKouzanFontT draw KouzanBrushFont's kana: one design, used once."""
    twin = renamed_copy(IPAEX[0], tmp_path / "twin.ttf", "TwinGothic")
    faces, skipped = font_discovery.select_faces([(IPAEX[0], None, False), (twin, None, False)], explicit=True)
    assert [f.name for f in faces] == ["IPAexGothic Regular"]
    assert [(s.name, s.path) for s in skipped] == [("TwinGothic Regular", twin)]
    assert "same kana design as IPAexGothic Regular" in skipped[0].reason


def test_a_missing_font_file_is_named(tmp_path):
    with pytest.raises(DataError, match="nowhere.ttf: font file not found"):
        synth.synthesize(tmp_path / "p", fonts=[tmp_path / "nowhere.ttf"])
    assert not (tmp_path / "p").exists()


def test_installed_fonts_used_and_skipped_are_disjoint():
    used, skipped = font_discovery.installed_faces()
    assert used[0].path == paths.hiragana_font_path()
    assert not {(f.path, f.index) for f in used} & {(s.path, s.index) for s in skipped}
    assert all(s.reason for s in skipped)


def test_unwritable_folder_fails_before_rendering(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    events = []
    with pytest.raises(DataError, match="a-file: is a file, not a folder"):
        synth.synthesize(blocker, train_per_class=1, test_per_class=1, fonts=IPAEX, progress=events.append)
    assert events == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_pen_strokes_join_the_font_renders_and_the_marker_says_so(tmp_path):
    info = synth.synthesize(tmp_path / "p", train_per_class=2, test_per_class=1, seed=4, fonts=IPAEX,
                            strokes_per_class=3, test_strokes_per_class=2, stroke_styles=("sloppy", "cursive"))
    data = dataset.load(tmp_path / "p")
    assert data.practice
    assert np.array_equal(np.bincount(data.y_train, minlength=49), np.full(49, 5))
    assert np.array_equal(np.bincount(data.y_test, minlength=49), np.full(49, 3))
    boxes = np.array([ink_box(img) for img in data.x_train])
    assert (boxes[:, :2].max(axis=1) >= 27).mean() >= 0.95
    marker = json.loads((tmp_path / "p" / dataset.PRACTICE_MARKER).read_text(encoding="utf-8"))
    strokes = marker["strokes"]
    assert strokes["licence"] == "CC BY-SA 3.0" and "Ulrich Apel" in strokes["attribution"]
    assert strokes["kanjivg_version"] == "20260714" and strokes["styles"] == ["sloppy", "cursive"]
    assert strokes["train_per_class"] == 3 and strokes["test_per_class"] == 2
    assert marker["train_size"] == info["train_size"] == 49 * 5 and marker["test_size"] == 49 * 3
    assert marker["train_counts"] == [5] * 49 and marker["test_counts"] == [3] * 49
    assert "KanjiVG" in marker["note"] and "not Kuzushiji-49" in marker["note"]
    # The font renders are those of the same fonts-only set: the drawings only come on top.
    fonts_only = synth.synthesize(tmp_path / "f", train_per_class=2, test_per_class=1, seed=4, fonts=IPAEX)
    assert "strokes" not in json.loads((tmp_path / "f" / dataset.PRACTICE_MARKER).read_text(encoding="utf-8"))
    font_rows = {r.tobytes() for r in arr0(tmp_path / "f" / "k49-train-imgs.npz")}
    assert font_rows <= {r.tobytes() for r in data.x_train}
    assert fonts_only["train_size"] == 49 * 2


def test_pen_strokes_same_seed_same_bytes(tmp_path):
    for name in ("a", "b", "c"):
        synth.synthesize(tmp_path / name, train_per_class=0, test_per_class=0, seed=1 if name != "c" else 2,
                         strokes_per_class=2, test_strokes_per_class=1)
    for name in dataset.FILE_NAMES[:4]:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert (tmp_path / "a" / "k49-train-imgs.npz").read_bytes() != (tmp_path / "c" / "k49-train-imgs.npz").read_bytes()
    info = json.loads((tmp_path / "a" / dataset.PRACTICE_MARKER).read_text(encoding="utf-8"))
    assert info["fonts"] == [] and info["train_size"] == 98 and info["test_size"] == 49


def test_pen_strokes_check_their_styles_before_rendering(tmp_path):
    with pytest.raises(DataError, match="unknown stroke style 'wobbly'"):
        synth.synthesize(tmp_path / "p", train_per_class=1, test_per_class=1, fonts=IPAEX, strokes_per_class=1,
                         stroke_styles=("neat", "wobbly"))
    with pytest.raises(ValueError, match="at least one image per split"):
        synth.synthesize(tmp_path / "p", train_per_class=0, test_per_class=0, strokes_per_class=1)
    assert not (tmp_path / "p").exists()
