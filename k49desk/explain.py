"""Saliency maps: which pixels of a 28x28 image drove the model's answer, from TensorFlow's own gradients.

A map answers "why this class" (the top candidate or any class) or "why class a and not class b" (the gradient of
log p(a) - log p(b), which equals the difference of the two classes' logits). It is computed by one graph traced
once per model and method with a fixed input signature, like the Predictor: no retracing per image.

Methods, measured with bench/saliency.py on 2 CPU cores shared with other work (load average ~8.5), 100
practice-set test images (rendered from IPAexGothic), models trained on practice sets, not K49. Milliseconds per
map: median (fastest), the fastest being nearest to what an idle machine does; the other columns do not depend on
load.

                      seed-cnn (4 epochs)                           starter resnet-small
    method          ms         ink share  random: signed  |map|   ms          ink share  random: signed  |map|
    gradcam         1.9 (0.7)  0.62        0.02           0.34    3.2 (1.6)   0.60        0.03           0.33
    smoothgrad (8)  2.6 (2.1)  0.66       -0.00           0.56    17 (7.7)    0.33        0.01          -0.09
    integrated (8)  ~ smoothgrad 1.00      0.00           0.98    ~ smoothgrad 1.00       0.03           0.97

("ink share": the share of |map| on ink or within a pixel of it, where ink and its 1-pixel border cover 50% of
these images; "random": median Spearman correlation with the map of the same model with random weights, of the
signed maps and of |map| (Adebayo et al. 2018): near 1 means the map does not depend on what the model learnt.)

- "gradcam" (the default): Grad-CAM (Selvaraju et al. 2017) on the last convolutional block (11x11 in seed-cnn,
  7x7 in resnet-small), upsampled to 28x28. It passes both sanity checks on both models and is the fastest, so it
  can follow the pen in the Draw tab (in a worker all the same: its p95, 7-10 ms under load, is over the canvas's
  5 ms budget).
  Coarser than a pixel map: it points at strokes, not at single pixels. With random weights its |map| still
  follows the ink somewhat (0.33), its signs do not (0.03).
- "smoothgrad": the input gradient averaged over SMOOTHGRAD_SAMPLES noisy copies (sigma 15% of the pixel range,
  Smilkov et al. 2017). Pixel-sharp and strongly weight-dependent, but on resnet-small most of its mass lies off
  the ink (0.33, below the 0.50 of a map spread evenly) and it costs ~5x Grad-CAM there.
- "integrated": integrated gradients from a black baseline (Sundararajan et al. 2017). Its attribution is
  (image - baseline) x mean gradient: its |map| is the image itself nearly unchanged whatever the weights
  (correlation 0.97-0.98 with a random model's), so it fails the randomisation check; and it is 0 on black pixels,
  so it cannot show a missing stroke.

Signs: positive where the image supports the target (the class, or a over b), negative where it speaks against it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from k49desk.classes import CLASSES, NUM_CLASSES
from k49desk.errors import BlankImage, SameClass

METHODS = ("smoothgrad", "integrated", "gradcam")
DEFAULT_METHOD = "gradcam"
SMOOTHGRAD_SAMPLES = 8
SMOOTHGRAD_SIGMA = 0.15 * 255  # model inputs are pixel values 0..255
NOISE_SEED = (49, 28)  # stateless noise: the same image gives the same map
INK_LEVEL = 1  # a pixel at or above this value is ink; anything less is the black background


@dataclass(frozen=True)
class Saliency:
    map: np.ndarray  # (28, 28) float32, signed: positive pushes towards `target`
    probabilities: np.ndarray  # (49,) the model's probabilities for the image itself
    target: int  # the class explained
    versus: int | None  # the class it is explained against, or None
    method: str

    @property
    def description(self) -> str:
        """"why ぬ" or "why ぬ and not ふ"."""
        what = f"why {CLASSES[self.target].char}"
        return what if self.versus is None else f"{what} and not {CLASSES[self.versus].char}"

    def normalized(self) -> np.ndarray:
        """The map divided by its largest absolute value: -1..1 (all 0 for a map without any signal)."""
        peak = float(np.abs(self.map).max())
        return self.map / peak if peak > 0 else np.zeros_like(self.map)


class Explainer:
    """Saliency maps for one Keras model (28x28x1 pixels 0..255 -> 49 classes); one traced graph per instance."""

    def __init__(self, model, method: str = DEFAULT_METHOD, *, softmax: bool | None = None):
        from k49desk import evaluation

        if method not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
        from k49desk.models import float32_copy

        self.model = evaluation.check_model(model, getattr(model, "name", "model"))
        self.method = method
        self.softmax = not evaluation.outputs_probabilities(model) if softmax is None else softmax
        self._shape = (1, *model.input_shape[1:])
        # Gradients through a mixed-precision model's bfloat16 layers are coarse: explain its float32 twin.
        self._call = _saliency_function(float32_copy(model), method, self._shape, self.softmax)
        self._call(np.zeros(self._shape, np.float32), np.zeros(NUM_CLASSES, np.float32), np.float32(1))  # trace now

    def explain(self, image, target: int | None = None, versus: int | None = None) -> Saliency:
        """The map for one 28x28 image (pixel values 0..255, white ink on black).

        target: the class to explain (None: the model's top candidate); versus: a second class, to explain
        "target and not versus". BlankImage when the image has no ink: there is nothing to attribute.
        """
        image = np.asarray(image)
        if image.shape not in ((28, 28), (28, 28, 1)):
            raise ValueError(f"expected one 28x28 image, got an array of shape {image.shape}")
        if image.max() < INK_LEVEL:
            raise BlankImage("the image is blank (no ink): there is nothing to explain")
        for name, value in (("target", target), ("versus", versus)):
            if value is not None and not 0 <= value < NUM_CLASSES:
                raise ValueError(f"{name} must be a class index 0..{NUM_CLASSES - 1}, not {value}")
        if versus is not None and versus == target:
            raise SameClass(f"the class to explain and the class to compare with are the same class "
                            f"({CLASSES[target].char}): choose two different ones")
        weights = np.zeros(NUM_CLASSES, np.float32)
        if target is not None:
            weights[target] = 1
        if versus is not None:
            weights[versus] = -1
        saliency, probs = self._call(image.reshape(self._shape).astype(np.float32), weights,
                                     np.float32(target is None))
        probs = probs.numpy()[0]
        top = int(np.argmax(probs))
        if target is None and versus == top:
            raise SameClass(f"the top candidate is {CLASSES[top].char} itself: choose another class to compare with")
        return Saliency(saliency.numpy().reshape(28, 28), probs, top if target is None else target, versus,
                        self.method)


def _saliency_function(model, method: str, batch_shape: tuple, softmax: bool):
    """tf.function (image (1, 28, 28, 1), class weights (49,), add_top ()) -> (map (28, 28), probabilities (1, 49)).

    The explained quantity is sum(weights * log-probabilities), plus the top class's when add_top is 1. Log-
    probabilities rather than probabilities: a confident softmax saturates and its gradient vanishes.
    """
    import tensorflow as tf

    def log_probabilities(outputs):
        return tf.nn.log_softmax(outputs, axis=-1) if softmax else tf.math.log(tf.maximum(outputs, 1e-30))

    def probabilities(outputs):
        return tf.nn.softmax(outputs, axis=-1) if softmax else outputs

    def explained(outputs, weights):
        return tf.reduce_sum(log_probabilities(outputs) * weights, axis=-1)

    def resolve(weights, add_top, probs):
        return weights + add_top * tf.one_hot(tf.argmax(probs[0]), NUM_CLASSES, dtype=tf.float32)

    if method == "gradcam":
        import keras

        block = _last_conv_output(model)
        both = keras.Model(model.inputs, [block, model.outputs[0]])

        def gradcam(image, weights, add_top):
            with tf.GradientTape() as tape:
                features, outputs = both(image, training=False)
                weights = resolve(weights, add_top, probabilities(outputs))
                value = explained(outputs, weights)
            grads = tape.gradient(value, features)
            channel_weights = tf.reduce_mean(grads, axis=(1, 2), keepdims=True)
            cam = tf.reduce_sum(features * channel_weights, axis=-1, keepdims=True)
            cam = tf.image.resize(cam, batch_shape[1:3], method="bilinear")
            return tf.reshape(cam, (28, 28)), probabilities(outputs)

        fn = gradcam
    else:
        samples = SMOOTHGRAD_SAMPLES

        def input_gradient(image, weights, add_top):
            probs = probabilities(model(image, training=False))
            weights = resolve(weights, add_top, probs)
            if method == "smoothgrad":
                noise = tf.random.stateless_normal((samples, *batch_shape[1:]), NOISE_SEED, stddev=SMOOTHGRAD_SIGMA)
                batch = image + noise
            else:
                alphas = (tf.range(samples, dtype=tf.float32) + 0.5) / samples  # midpoint rule from black
                batch = image * tf.reshape(alphas, (samples, 1, 1, 1))
            with tf.GradientTape() as tape:
                tape.watch(batch)
                value = tf.reduce_sum(explained(model(batch, training=False), weights))
            mean_grad = tf.reduce_mean(tape.gradient(value, batch), axis=0)
            attribution = mean_grad if method == "smoothgrad" else image[0] * mean_grad
            return tf.reshape(attribution, (28, 28)), probs

        fn = input_gradient
    return tf.function(fn, input_signature=[tf.TensorSpec(batch_shape, tf.float32),
                                            tf.TensorSpec((NUM_CLASSES,), tf.float32), tf.TensorSpec((), tf.float32)])


def _last_conv_output(model):
    """The output of the model's last convolutional block: the last layer with a (batch, h, w, channels) output
    smaller than the input, not counting pooling and dropout (pooling would halve an already coarse map)."""
    import keras

    from k49desk.errors import ModelError

    skipped = (keras.layers.MaxPooling2D, keras.layers.AveragePooling2D, keras.layers.Dropout)
    for layer in reversed(model.layers):
        if isinstance(layer, (keras.layers.InputLayer, *skipped)):
            continue
        shape = layer.output.shape
        if len(shape) == 4 and tuple(shape[1:3]) != tuple(model.input_shape[1:3]):
            return layer.output
    raise ModelError(f"{model.name}: no convolutional block found for Grad-CAM")


def ink_share(saliency_map: np.ndarray, image: np.ndarray, margin: int = 1) -> float:
    """The share of the map's absolute mass that lies on ink or within `margin` pixels of it (a sanity figure)."""
    from scipy.ndimage import binary_dilation

    ink = np.asarray(image).reshape(28, 28) >= INK_LEVEL
    near = binary_dilation(ink, iterations=margin) if margin else ink
    mass = np.abs(saliency_map)
    total = float(mass.sum())
    return float(mass[near].sum() / total) if total > 0 else 0.0


def rank_correlation(a: np.ndarray, b: np.ndarray, absolute: bool = False) -> float:
    """Spearman correlation of two maps, the similarity of Adebayo et al.'s randomisation test: of the signed maps
    (as the overlay shows them) or of their absolute values. With random weights Grad-CAM keeps following the
    ink in magnitude, but not in sign; integrated gradients keep the image's shape in both."""
    from scipy.stats import spearmanr

    if absolute:
        a, b = np.abs(a), np.abs(b)
    return float(spearmanr(a.ravel(), b.ravel()).statistic)


def overlay_rgb(image: np.ndarray, saliency: Saliency, size: int = 28, alpha: float = 0.8) -> np.ndarray:
    """(size, size, 3) uint8: the image in gray with the map on top, red where the image supports the target and
    blue where it speaks against it; faint values fade out (|map|^1.5) so that the strongest places stand out;
    pixels stay square (nearest-neighbour scaling)."""
    gray = np.asarray(image, np.float32).reshape(28, 28) / 255 * 0.8
    heat = saliency.normalized()
    strength = (np.abs(heat) ** 1.5)[..., None] * alpha
    warm = np.array([1.0, 0.2, 0.0], np.float32)
    cool = np.array([0.1, 0.5, 1.0], np.float32)
    colour = np.where(heat[..., None] >= 0, warm, cool)
    rgb = gray[..., None] * (1 - strength) + colour * strength
    rgb = (np.clip(rgb, 0, 1) * 255).astype(np.uint8)
    scale = max(1, size // 28)
    return np.repeat(np.repeat(rgb, scale, axis=0), scale, axis=1)


def write_overlay_png(image: np.ndarray, saliency: Saliency, path, size: int = 280) -> None:
    """The overlay as a PNG (written atomically)."""
    from PIL import Image

    from k49desk.files import write_atomic

    picture = Image.fromarray(overlay_rgb(image, saliency, size))
    write_atomic(path, lambda f: picture.save(f, format="PNG"))
