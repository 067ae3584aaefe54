"""Export a model's inference graph as a TensorFlow SavedModel, a TFLite file or an ONNX file, checked after writing.

The graph is the model called with training=False, traced once for float32 batches of 28x28x1 pixels 0..255: the
augmentation layers of resnet-small (RandomTranslation/Rotation/Zoom) are identity there and leave no op behind,
so TFLite needs only its built-in ops (no TensorFlow "select ops" a phone runtime lacks). Keras 3 models break the
classic converters when handed a Keras model, so:

- savedmodel: keras.export.ExportArchive (what model.export() uses) with that function as the "serve" endpoint;
- tflite: TFLiteConverter.from_saved_model on that SavedModel, built-in ops only;
- onnx: tf2onnx.convert.from_function on the same traced function (in-process: 1.8 s for the starter model,
  against 17 s for tf2onnx's command line on the SavedModel, same outputs to 2e-6), from the `export` extra.

A model trained under mixed precision (bfloat16 on this kind of CPU) is exported as its float32 twin, same
weights: TFLite's built-in ops take no bfloat16.

Each file is written beside its destination under a hidden name, loaded back with its own runtime (TensorFlow,
the TFLite interpreter, onnxruntime) and compared with the .keras model on a sample of images; only when every
top-1 agrees (for a mixed-precision model: except near ties, closer than NEAR_TIE) is it renamed into place.
Otherwise ExportError, and nothing is left behind.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from k49desk.errors import ExportError

FORMATS = ("savedmodel", "tflite", "onnx")
EXTRA = "k49desk[export]"
ONNX_OPSET = 17
SAMPLE_SIZE = 64
INPUT_NAME = "image"
NEAR_TIE = 0.01  # probability gap under which a mixed-precision model's top-1 may differ from its float32 twin's


@dataclass(frozen=True)
class ExportResult:
    path: Path
    format: str
    agreed: int  # sample images whose top-1 matches the .keras model
    checked: int
    max_difference: float  # largest absolute difference of an output value on the sample
    seconds: float

    @property
    def summary(self) -> str:
        ties = self.checked - self.agreed
        about_ties = f"; the other {ties}: near ties of the mixed-precision original" if ties else ""
        return (f"{self.format} written to {self.path}: top-1 agrees with the .keras model on {self.agreed}/"
                f"{self.checked} images{about_ties} (largest output difference {self.max_difference:.1e}), "
                f"{self.seconds:.1f} s")


def sample_images(count: int = SAMPLE_SIZE, seed: int = 0) -> np.ndarray:
    """(count, 28, 28) uint8: seeded random pen strokes framed like K49, to compare a copy with its original."""
    from k49desk.rasterize import rasterize_strokes

    rng = np.random.default_rng(seed)
    images = []
    for _ in range(count):
        strokes = [np.cumsum(rng.normal(0, 12, (int(rng.integers(4, 12)), 2)), axis=0) + 150
                   for _ in range(int(rng.integers(1, 4)))]
        images.append(rasterize_strokes(strokes))
    return np.stack(images)


def _inference_function(model):
    import tensorflow as tf

    return tf.function(lambda x: model(x, training=False),
                       input_signature=[tf.TensorSpec((None, *model.input_shape[1:]), tf.float32, name=INPUT_NAME)])


def _require_onnx() -> None:
    try:
        import onnxruntime  # noqa: F401
        import tf2onnx  # noqa: F401
    except ImportError as e:
        raise ExportError(f"ONNX export needs tf2onnx and onnxruntime ({e.name} is missing): "
                          f"pip install '{EXTRA}'") from None


def _write_savedmodel(model, function, path: Path) -> None:
    import keras

    archive = keras.export.ExportArchive()
    archive.track(model)
    archive.add_endpoint("serve", function)
    archive.write_out(str(path), verbose=False)


def _write_tflite(savedmodel: Path, path: Path) -> None:
    import tensorflow as tf

    converter = tf.lite.TFLiteConverter.from_saved_model(str(savedmodel), signature_keys=["serve"])
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
    try:
        content = converter.convert()
    except Exception as e:  # the converter raises ConverterError and others for ops outside the built-in set
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise ExportError(f"the model does not convert to TFLite with built-in ops only ({first[:300]})") from None
    path.write_bytes(content)


def _write_onnx(function, path: Path) -> None:
    import tf2onnx

    tf2onnx.convert.from_function(function, input_signature=function.input_signature, opset=ONNX_OPSET,
                                  output_path=str(path))


def load_runner(path: Path, fmt: str):
    """A function (N, 28, 28, 1) float32 -> (N, 49) outputs that runs an exported file with its own runtime."""
    if fmt == "savedmodel":
        import tensorflow as tf

        loaded = tf.saved_model.load(str(path))  # referenced by the function: its variables live as long as it
        return lambda x: loaded.serve(x).numpy()
    if fmt == "tflite":
        import tensorflow as tf

        from k49desk.stderr_capture import stderr_captured
        from k49desk.tfstart import without_start_up_chatter

        held: list[str] = []
        with stderr_captured(held), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tf.lite.Interpreter's notice that LiteRT will replace it
            interpreter = tf.lite.Interpreter(model_path=str(path))
            interpreter.allocate_tensors()  # where the runtime announces its XNNPACK delegate on the terminal
        sys.stderr.write(without_start_up_chatter(held))

        def run_tflite(x):
            tensor = interpreter.get_input_details()[0]["index"]
            interpreter.resize_tensor_input(tensor, x.shape)
            interpreter.allocate_tensors()
            interpreter.set_tensor(tensor, x)
            interpreter.invoke()
            return interpreter.get_tensor(interpreter.get_output_details()[0]["index"])

        return run_tflite
    import onnxruntime

    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return lambda x: session.run(None, {session.get_inputs()[0].name: x})[0]


def export_model(model_path, fmt: str, out, *, images: np.ndarray | None = None) -> ExportResult:
    """Write the model at model_path (a .keras file) to `out` in format `fmt`, checked on `images` (default
    sample_images()). ExportError naming the problem when the format, the destination, a dependency, the
    conversion or the check fails; nothing is left at `out` then."""
    from k49desk import evaluation

    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    out = Path(out)
    if os.path.lexists(out):
        raise ExportError(f"{out}: already exists; choose another name or remove it first")
    if not out.parent.is_dir():
        raise ExportError(f"{out.parent}: folder not found")
    if fmt == "onnx":
        _require_onnx()
    from k49desk.models import float32_copy

    start = time.perf_counter()
    original = evaluation.load_model(model_path)
    model = float32_copy(original)  # TFLite's built-in ops take no bfloat16: a mixed-precision model goes as float32
    function = _inference_function(model)
    x = (sample_images() if images is None else np.asarray(images)).reshape(-1, *model.input_shape[1:])
    x = x.astype(np.float32)
    expected = original(x, training=False).numpy()
    ranked = np.sort(expected, axis=1)
    # Where the model's two best classes are closer than bfloat16's rounding, float32 may rank them the other way.
    near_ties = ranked[:, -1] - ranked[:, -2] < (0 if model is original else NEAR_TIE)
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.exporting-", dir=out.parent))
    except OSError as e:
        raise ExportError(f"{out.parent}: cannot write there ({e.strerror or e})") from None
    try:
        written = staging / out.name
        savedmodel = written if fmt == "savedmodel" else staging / "savedmodel"
        if fmt != "onnx":
            _write_savedmodel(model, function, savedmodel)
        if fmt == "tflite":
            _write_tflite(savedmodel, written)
        elif fmt == "onnx":
            _write_onnx(function, written)
        got = np.asarray(load_runner(written, fmt)(x))
        if got.shape != expected.shape:
            raise ExportError(f"the exported {fmt} model outputs shape {got.shape}, the .keras model "
                              f"{expected.shape}; nothing was written")
        same = got.argmax(axis=1) == expected.argmax(axis=1)
        agreed = int(same.sum())
        if not (same | near_ties).all():
            raise ExportError(f"the exported {fmt} model disagrees with the .keras model on {len(x) - agreed} of "
                              f"{len(x)} sample images; nothing was written")
        os.replace(written, out)
    except OSError as e:
        raise ExportError(f"{out}: cannot write the export ({e.strerror or e})") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return ExportResult(out, fmt, agreed, len(x), float(np.abs(got - expected).max()), time.perf_counter() - start)
