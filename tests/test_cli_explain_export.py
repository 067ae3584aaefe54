"""k49desk explain and k49desk export from the command line: files written, bad input as one-line errors."""

from __future__ import annotations

import re

import numpy as np
import pytest
from PIL import Image

from k49desk import dataset
from k49desk.classes import by_char
from test_cli import one_line_error, run_cli


@pytest.fixture
def ink_png(practice_dir, tmp_path):
    path = tmp_path / "nu.png"
    image = dataset.load(practice_dir).x_test[0]
    Image.fromarray(255 - image).resize((112, 112)).save(path)  # black ink on white, as a scan would be
    return path


def test_explain_writes_the_overlay_and_the_map(trained_run, ink_png, tmp_path, capsys):
    code, out, err = run_cli(capsys, "explain", trained_run, ink_png, "--class", "ぬ", "--versus", "fu",
                             "--out", tmp_path / "heat.png", "--npy", tmp_path / "map.npy")
    assert code == 0, err
    assert "why ぬ and not ふ (gradcam)" in out and "the model reads" in out
    with Image.open(tmp_path / "heat.png") as picture:
        assert picture.size == (280, 280) and picture.mode == "RGB"
    saliency_map = np.load(tmp_path / "map.npy")
    assert saliency_map.shape == (28, 28) and np.abs(saliency_map).max() > 0


def test_explain_a_blank_image_is_a_one_line_error(trained_run, tmp_path, capsys):
    blank = tmp_path / "blank.npz"
    np.savez(blank, np.zeros((1, 28, 28), np.uint8))
    code, _, err = run_cli(capsys, "explain", trained_run, blank, "--out", tmp_path / "heat.png")
    one_line_error(code, err, "blank")
    assert not (tmp_path / "heat.png").exists()


def test_explain_an_unknown_character_is_a_usage_error(trained_run, ink_png, tmp_path, capsys):
    code, _, err = run_cli(capsys, "explain", trained_run, ink_png, "--class", "Q", "--out", tmp_path / "h.png")
    assert code == 2 and "is not one of the 49 characters" in err
    assert by_char("ぬ").romaji == "nu"


def test_explain_a_class_against_itself_is_a_one_line_error(trained_run, ink_png, tmp_path, capsys):
    for given in (("ぬ", "ぬ"), ("nu", "ぬ")):
        code, _, err = run_cli(capsys, "explain", trained_run, ink_png, "--class", given[0], "--versus", given[1],
                               "--out", tmp_path / "heat.png")
        one_line_error(code, err, "are the same class (ぬ): choose two different ones")
    code, out, _ = run_cli(capsys, "explain", trained_run, ink_png, "--out", tmp_path / "heat.png")
    top = re.search(r"the model reads (\S+)", out).group(1)
    (tmp_path / "heat.png").unlink()
    code, _, err = run_cli(capsys, "explain", trained_run, ink_png, "--versus", top, "--out", tmp_path / "heat.png")
    one_line_error(code, err, f"the top candidate is {top} itself")
    assert not (tmp_path / "heat.png").exists()


def test_explain_versus_works_without_class_as_its_help_says(trained_run, ink_png, tmp_path, capsys):
    code, out, _ = run_cli(capsys, "explain", "--help")
    help_text = " ".join(out.split())
    assert "needs --class" not in help_text and "--class, or the top candidate" in help_text
    code, out, _ = run_cli(capsys, "explain", trained_run, ink_png, "--out", tmp_path / "top.png")
    top = re.search(r"the model reads (\S+)", out).group(1)
    other = "ぬ" if top != "ぬ" else "ふ"
    code, out, err = run_cli(capsys, "explain", trained_run, ink_png, "--versus", other, "--out", tmp_path / "h.png")
    assert code == 0, err
    assert f"why {top} and not {other}" in out


@pytest.mark.slow
def test_export_writes_a_checked_tflite_file(trained_run, tmp_path, capsys):
    out = tmp_path / "model.tflite"
    code, stdout, err = run_cli(capsys, "export", trained_run, "--format", "tflite", "--out", out)
    assert code == 0, err
    # The practice run trains in mixed bfloat16: a near tie may rank its two best classes the other way in float32.
    assert out.is_file() and re.search(r"top-1 agrees with the \.keras model on 6[34]/64 images", stdout)
    code, _, err = run_cli(capsys, "export", trained_run, "--format", "tflite", "--out", out)
    one_line_error(code, err, "already exists")
