"""Fast single-image inference for the drawing canvas: one traced graph instead of model.predict per stroke."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from k49desk.classes import CLASSES, Hiragana

TOP_K = 5  # candidates shown for one image: the Draw and Photo tabs, a test image's detail, `k49desk predict`


class Predictor:
    """Top-k characters for one 28x28 image in about a millisecond on CPU.

    applies_softmax: True when the model's outputs are not probabilities (logits, probed once at load: a blank
    and one random image), so softmax is applied and no bar goes below 0% or above 100%.
    trained_on: what the model was trained on, when known (see `training_data`), else None.
    """

    def __init__(self, model_or_path):
        from k49desk import modelio

        if isinstance(model_or_path, (str, os.PathLike)):
            self.model = modelio.load_model(model_or_path)
            self.name = modelio.model_label(model_or_path)
            self.trained_on = training_data(model_or_path)
        else:
            self.model = modelio.check_model(model_or_path, model_or_path.name)
            self.name = self.model.name
            self.trained_on = None
        self._shape = (1, *self.model.input_shape[1:])
        model = self.model
        self.applies_softmax = not modelio.outputs_probabilities(model)
        # model.predict builds a data pipeline per call (~60 ms); a graph traced once for this fixed shape
        # answers in ~1 ms. Tracing happens here, not on the first stroke.
        self._call = modelio.probability_function(model, self._shape, self.applies_softmax, concrete=True)
        self._call(np.zeros(self._shape, np.float32))

    @property
    def practice(self) -> bool | None:
        """True when the model is known to be trained on a practice set (not K49), False on K49, None if unknown."""
        return None if self.trained_on is None else self.trained_on["practice"]

    def probabilities(self, image) -> np.ndarray:
        """(49,) probabilities for one 28x28 image of pixel values 0..255, white ink on black."""
        image = np.asarray(image)
        if image.shape not in ((28, 28), (28, 28, 1)):
            raise ValueError(f"expected one 28x28 image, got an array of shape {image.shape}")
        return self._call(image.reshape(self._shape).astype(np.float32)).numpy()[0]

    def top_k(self, image, k: int = TOP_K) -> list[tuple[Hiragana, float]]:
        """The k most probable characters with their probabilities, most probable first."""
        probs = self.probabilities(image)
        order = np.argsort(probs)[::-1][:k]
        return [(CLASSES[i], float(probs[i])) for i in order]


def training_data(model_path) -> dict | None:
    """{"name": "K49" or "practice set", "practice": bool, "source": how it is known} for a model file, or None.

    Known for a run's model (its run.json records the data set) and for the shipped starter model (or a
    byte-identical copy), which was trained on a practice set (resources/models/PROVENANCE.md). A bare .keras
    file records nothing about its training data.
    """
    import filecmp

    from k49desk import paths, runs
    from k49desk.errors import RunError

    path = Path(model_path)
    run_file = path.parent / runs.RUN_FILE
    if run_file.is_file():
        try:
            info = runs.load_run(path.parent).info
        except RunError:
            return None
        return {"name": info.data_name, "practice": info.practice, "source": f"run {info.name}"}
    starter = paths.starter_model_path()
    try:
        same = path.resolve() == starter.resolve() or (
            starter.is_file() and path.stat().st_size == starter.stat().st_size
            and filecmp.cmp(path, starter, shallow=False))
    except OSError:
        same = False
    if same:
        return {"name": "practice set", "practice": True, "source": "the shipped starter model, see PROVENANCE.md"}
    return None
