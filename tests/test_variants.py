"""Kuzushiji variant forms in practice sets: hentaigana named by their readings, cursive source kanji, determinism."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from k49desk import classes, dataset, paths, synth, variants
from k49desk.errors import DataError
from test_rasterize import ink_box

IPAMJ = Path("/usr/share/fonts/truetype/ipamj/ipamjm.ttf")  # Debian fonts-ipamj-mincho (.ci/run installs it)
SOUSYO = Path("/usr/share/fonts/truetype/kouzan-mouhitsu/KouzanBrushFontSousyo.ttf")  # fonts-kouzan-mouhitsu
IPAEX = [paths.hiragana_font_path()]


def test_every_single_reading_hentaigana_names_its_class():
    by_class = variants.hentaigana_by_class()
    ha = classes.by_char("は").index
    for label, letters in by_class.items():
        for letter in letters:
            reading = unicodedata.name(letter).removeprefix("HENTAIGANA LETTER ").rsplit("-", 1)[0].lower()
            hepburn = {"si": "shi", "ti": "chi", "tu": "tsu", "hu": "fu"}.get(reading, reading)
            assert classes.CLASSES[label].romaji == hepburn
    assert len(by_class[ha]) == 11  # HA-1 … HA-11
    assert classes.by_char("し").index in by_class and classes.by_char("つ").index in by_class
    # Two-reading letters (A-WO, KA-KE, N-MU-MO-1, …) are left out; ゝ has no hentaigana.
    assert sum(map(len, by_class.values())) == 285 - 11
    assert classes.by_char(classes.ITERATION_MARK).index not in by_class


def test_every_class_but_the_iteration_mark_has_source_kanji():
    kanji = variants.kanji_by_class()
    assert set(kanji) == set(range(classes.NUM_CLASSES)) - {classes.by_char(classes.ITERATION_MARK).index}
    assert kanji[classes.by_char("あ").index][0] == "安" and "者" in kanji[classes.by_char("は").index]


def test_cursive_kanji_come_from_brush_faces_only():
    found = variants.sources([IPAMJ, SOUSYO])
    kinds = {(v.path, v.kind) for v in found}
    assert kinds == {(IPAMJ, "hentaigana"), (SOUSYO, "cursive kanji")}  # IPAmj's kanji are printed forms
    assert all(v.char in variants.kanji_by_class()[v.label] for v in found if v.kind == "cursive kanji")


def test_variants_join_the_set_reproducibly_and_the_marker_says_so(tmp_path):
    kwargs = dict(train_per_class=2, test_per_class=1, fonts=IPAEX, variants_per_class=4, test_variants_per_class=2,
                  variant_fonts=[IPAMJ, SOUSYO])
    info = synth.synthesize(tmp_path / "a", seed=3, **kwargs)
    synth.synthesize(tmp_path / "b", seed=3, **kwargs)
    synth.synthesize(tmp_path / "c", seed=4, **kwargs)
    for name in dataset.FILE_NAMES[:4]:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert (tmp_path / "a" / "k49-train-imgs.npz").read_bytes() != (tmp_path / "c" / "k49-train-imgs.npz").read_bytes()
    data = dataset.load(tmp_path / "a")
    mark = classes.by_char(classes.ITERATION_MARK).index
    expected = np.full(49, 2 + 4)
    expected[mark] = 2
    assert np.array_equal(np.bincount(data.y_train, minlength=49), expected)
    boxes = np.array([ink_box(img) for img in data.x_train])
    assert (boxes[:, :2].max(axis=1) >= 27).mean() >= 0.95  # framed like K49
    marker = json.loads((tmp_path / "a" / dataset.PRACTICE_MARKER).read_text(encoding="utf-8"))
    v = marker["variants"]
    assert v["train_per_class"][mark] == 0 and v["train_per_class"][0] == 4 and v["test_per_class"][0] == 2
    assert v["fonts"] == sorted([str(IPAMJ), str(SOUSYO)]) and v["glyphs"]["hentaigana"] == 274
    assert marker["train_size"] == info["train_size"] == int(expected.sum())
    assert "variant forms" in marker["note"] and "not Kuzushiji-49" in marker["note"]
    # The font renders are those of the same set without variants: the variant forms only come on top.
    synth.synthesize(tmp_path / "f", seed=3, train_per_class=2, test_per_class=1, fonts=IPAEX)
    with np.load(tmp_path / "f" / "k49-train-imgs.npz") as f:
        assert {r.tobytes() for r in f["arr_0"]} <= {r.tobytes() for r in data.x_train}


def test_a_set_of_variant_forms_only(tmp_path):
    info = synth.synthesize(tmp_path / "p", train_per_class=0, test_per_class=0, variants_per_class=1,
                            test_variants_per_class=1, variant_fonts=[IPAMJ])
    # Without a brush face, ん (whose hentaigana all have two readings) and ゝ have none.
    assert info["fonts"] == [] and info["train_size"] == 47 and info["variants"]["glyphs"]["cursive kanji"] == 0
    assert info["variants"]["train_per_class"][classes.by_char("ん").index] == 0


def test_fonts_without_variant_forms_are_refused_before_rendering(tmp_path):
    with pytest.raises(DataError, match="no font draws kuzushiji variant forms"):
        synth.synthesize(tmp_path / "p", train_per_class=1, test_per_class=1, fonts=IPAEX, variants_per_class=1,
                         variant_fonts=IPAEX)
    with pytest.raises(DataError, match="font file not found"):
        synth.synthesize(tmp_path / "p", train_per_class=1, test_per_class=1, fonts=IPAEX, variants_per_class=1,
                         variant_fonts=[tmp_path / "nowhere.ttf"])
    assert not (tmp_path / "p").exists()


def test_variant_forms_come_out_at_k49_stroke_width(tmp_path):
    from test_rasterize import stroke_width

    synth.synthesize(tmp_path / "p", train_per_class=0, test_per_class=0, variants_per_class=6,
                     test_variants_per_class=1, seed=2, variant_fonts=[IPAMJ, SOUSYO])
    widths = [stroke_width(img) for img in dataset.load(tmp_path / "p").x_train]
    assert 2.5 <= float(np.median(widths)) <= 3.0  # K49: 2.77 px; aimed at K49's own width they measured 3.2-3.3
