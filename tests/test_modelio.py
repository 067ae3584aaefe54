"""Model files: a missing, damaged or foreign model is refused with a message naming the file and the problem."""

from __future__ import annotations

import zipfile

import numpy as np

import pytest

from k49desk import cli, modelio
from k49desk.errors import ModelError


def save(model, path):
    model.save(path)
    return path


def test_models_that_do_not_fit_k49_are_refused(tmp_path):
    import keras

    ten = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(10)])
    with pytest.raises(ModelError, match=r"ten.keras: model output is 10, K49 needs 49 classes"):
        modelio.load_model(save(ten, tmp_path / "ten.keras"))
    big = keras.Sequential([keras.Input((32, 32, 1)), keras.layers.Flatten(), keras.layers.Dense(49)])
    with pytest.raises(ModelError, match=r"big.keras: model input is 32x32x1, K49 images need 28x28x1"):
        modelio.load_model(save(big, tmp_path / "big.keras"))
    rgb = keras.Sequential([keras.Input((28, 28, 3)), keras.layers.Flatten(), keras.layers.Dense(49)])
    with pytest.raises(ModelError, match="model input is 28x28x3"):
        modelio.load_model(save(rgb, tmp_path / "rgb.keras"))


def test_missing_and_foreign_files_are_refused(tmp_path):
    with pytest.raises(ModelError, match=r"nope.keras: model file not found"):
        modelio.load_model(tmp_path / "nope.keras")
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(ModelError, match=r"notes.txt: not a Keras model file"):
        modelio.load_model(text)
    other_zip = tmp_path / "other.keras"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("notes.txt", "hello")
    with pytest.raises(ModelError, match=r"other.keras: damaged model file \(\d+ bytes\): a zip archive without "
                                         r"config.json and model.weights.h5, not a Keras model"):
        modelio.load_model(other_zip)


def test_damaged_files_are_called_damaged_with_their_size(tmp_path, trained_run):
    whole = (trained_run / "model.keras").read_bytes()
    truncated = tmp_path / "truncated.keras"
    truncated.write_bytes(whole[:5000])
    with pytest.raises(ModelError, match=r"truncated.keras: damaged model file \(5.0 KB\): not a complete .keras zip "
                                         r"archive \(truncated or overwritten\?\)"):
        modelio.load_model(truncated)
    noise = tmp_path / "noise.keras"
    noise.write_bytes(bytes(range(256)) * 12)
    with pytest.raises(ModelError, match=r"noise.keras: damaged model file \(3.1 KB\)"):
        modelio.load_model(noise)
    flipped = bytearray(whole)
    with zipfile.ZipFile(trained_run / "model.keras") as archive:
        weights = archive.getinfo("model.weights.h5")
    middle = weights.header_offset + 30 + len(weights.filename) + weights.compress_size // 2
    flipped[middle] ^= 0xFF
    (tmp_path / "flipped.keras").write_bytes(bytes(flipped))
    with pytest.raises(ModelError, match=r"flipped.keras: damaged model file .*model.weights.h5 inside it is corrupt"):
        modelio.load_model(tmp_path / "flipped.keras")


def test_the_cli_calls_a_damaged_model_damaged_not_missing(capsys, tmp_path, trained_run):
    noise = tmp_path / "noise.keras"
    noise.write_bytes(bytes(range(256)) * 12)
    image = tmp_path / "one.npz"
    np.savez(image, np.zeros((28, 28), np.uint8))
    for argv in (["predict", noise, image], ["evaluate", noise, "--data-dir", tmp_path]):
        code = cli.main(list(map(str, argv)))
        err = capsys.readouterr().err
        assert code == 2 and err.startswith(f"k49desk: error: {noise}: damaged model file (3.1 KB)"), err
        assert "not found" not in err and len(err.strip().splitlines()) == 1
