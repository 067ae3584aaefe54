"""Export: each format round-trips through its own runtime; the starter's augmentation leaves no op behind."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from k49desk import export, models, paths
from k49desk.errors import ExportError


@pytest.fixture(scope="module")
def seed_cnn(tmp_path_factory):
    import keras

    keras.utils.set_random_seed(0)
    path = tmp_path_factory.mktemp("export-model") / "seed-cnn.keras"
    models.build_model("seed-cnn").save(path)
    return path


@pytest.mark.slow
@pytest.mark.parametrize("fmt", export.FORMATS)
def test_each_format_round_trips_with_its_own_runtime(seed_cnn, tmp_path, fmt):
    from k49desk import evaluation

    out = tmp_path / f"model.{fmt}"
    result = export.export_model(seed_cnn, fmt, out)
    assert result.path == out and out.exists() and result.agreed == result.checked == export.SAMPLE_SIZE
    assert [p.name for p in tmp_path.iterdir()] == [out.name], "no staging folder is left behind"
    images = export.sample_images(8, seed=5)[..., None].astype(np.float32)
    expected = evaluation.load_model(seed_cnn)(images, training=False).numpy()
    assert np.allclose(export.load_runner(out, fmt)(images), expected, atol=1e-4)


@pytest.mark.slow
def test_the_starter_models_augmentation_is_stripped_for_tflite(tmp_path):
    """resnet-small carries RandomTranslation/Rotation/Zoom; the exported graph holds TFLite built-in ops only."""
    import tensorflow as tf

    out = tmp_path / "starter.tflite"
    export.export_model(paths.starter_model_path(), "tflite", out)
    ops = {op["op_name"] for op in tf.lite.Interpreter(model_path=str(out))._get_ops_details()}
    assert {"CONV_2D", "FULLY_CONNECTED", "SOFTMAX"} <= ops
    assert not [op for op in ops if op.startswith("Flex") or op in ("CUSTOM", "DELEGATE")], ops


def test_an_existing_destination_is_never_overwritten(seed_cnn, tmp_path):
    out = tmp_path / "model.tflite"
    out.write_bytes(b"keep me")
    with pytest.raises(ExportError, match="already exists"):
        export.export_model(seed_cnn, "tflite", out)
    assert out.read_bytes() == b"keep me"


def test_unknown_format_and_missing_folder_are_explained(seed_cnn, tmp_path):
    with pytest.raises(ExportError, match="unknown export format 'coreml'; choose one of: savedmodel, tflite, onnx"):
        export.export_model(seed_cnn, "coreml", tmp_path / "m")
    with pytest.raises(ExportError, match="folder not found"):
        export.export_model(seed_cnn, "tflite", tmp_path / "missing" / "m.tflite")


def test_missing_onnx_packages_name_the_extra(seed_cnn, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "tf2onnx", None)
    with pytest.raises(ExportError, match=r"pip install 'k49desk\[export\]'"):
        export.export_model(seed_cnn, "onnx", tmp_path / "m.onnx")
    assert not list(tmp_path.iterdir())


def test_a_copy_that_disagrees_fails_and_leaves_nothing(seed_cnn, tmp_path, monkeypatch):
    real = export.load_runner
    monkeypatch.setattr(export, "load_runner", lambda path, fmt: (lambda x: real(path, fmt)(x)[:, ::-1]))
    with pytest.raises(ExportError, match=r"disagrees with the .keras model on \d+ of 64 sample images"):
        export.export_model(seed_cnn, "savedmodel", tmp_path / "model")
    assert not list(tmp_path.iterdir())


@pytest.mark.slow
def test_a_mixed_precision_model_exports_as_its_float32_twin(tmp_path):
    """Trained under mixed_bfloat16 (the default on CPUs with AVX-512 BF16), the model's bfloat16 ops have no
    TFLite built-in; it goes out in float32 with the same weights, and its copy agrees with it."""
    import tensorflow as tf

    from k49desk.training import build_for_training

    path = tmp_path / "bf16.keras"
    build_for_training("seed-cnn", "mixed_bfloat16").save(path)
    result = export.export_model(path, "tflite", tmp_path / "bf16.tflite")
    assert result.agreed >= result.checked - 2 and result.max_difference < 1e-2
    ops = {op["op_name"] for op in tf.lite.Interpreter(model_path=str(result.path))._get_ops_details()}
    assert "CONV_2D" in ops and not [op for op in ops if op.startswith("Flex")]
