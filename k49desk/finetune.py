"""Fine-tuning a model on the user's own samples without forgetting what it knew.

The user's samples are split: about a quarter (per character where a character has two or more) is held out and
never trained on. The rest is mixed into data of the kind the model was trained on (the loaded data set, or, when
none is given, a small practice set rendered on the fly from the starter model's own sources: font renders,
kuzushiji variant forms and pen-stroke drawings), repeated so that it makes up USER_SHARE of every epoch: a few
dozen drawings then matter against thousands of general images, and the general images keep the rest in place.
Training starts from the model's weights with the recipe of the preset the model was trained as
(training.TrainSettings.for_arch: optimizer, schedule, batch size), at a tenth of its learning rate (a normal run
through the Trainer: run folder, history, "fine-tuned from" in run.json). Before and
after, the model is measured on the held-out samples and on the general test images, side by side.
"""

from __future__ import annotations

import math
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from k49desk.errors import DataError
from k49desk.samples import Samples

HOLDOUT = 0.25
MIN_SAMPLES = 4  # at least one held out and three to learn from
USER_SHARE = 0.25  # the user's samples' share of every epoch's training images
GENERAL_CAP = 20_000  # general training images per fine-tuning (a stratified sample of a larger data set)
# Measured with bench/teach_kuzushiji.py on the starter (20 real kuzushiji samples per character taught): 3 epochs
# cut the reader's errors by 55%, 5 by 56%; on generated drawings both lost 0.1 point, on tests/strokes.py 3 epochs
# lost one character of 49 and 5 none.
EPOCHS = 5
LEARNING_RATE_SHARE = 0.1  # of the recipe's learning rate: small steps keep what the model knew
# Per class, the practice set rendered when no data set is given: (training, test) images from each source.
GENERAL_PER_SOURCE = (60, 20)
RESULT_FILE = "finetune.json"


@dataclass(frozen=True)
class FinetuneResult:
    run_dir: Path
    model_path: Path  # the fine-tuned model (the run's best epoch)
    started_from: Path
    trained_samples: int
    held_out_samples: int
    general_name: str  # "K49" or "practice set": where the general figures come from
    general_images: int
    before_mine: float
    after_mine: float
    before_general: float
    after_general: float

    def table(self) -> str:
        """The before/after table, as the CLI prints it and the Draw tab shows it."""
        rows = [("your held-out samples", self.held_out_samples, self.before_mine, self.after_mine),
                (f"{self.general_name} test images", self.general_images, self.before_general, self.after_general)]
        lines = [f"{'accuracy on':28} {'images':>7} {'before':>8} {'after':>8} {'change':>8}"]
        for name, n, before, after in rows:
            lines.append(f"{name:28} {n:>7} {before:>8.1%} {after:>8.1%} {(after - before) * 100:>+7.1f}pp")
        return "\n".join(lines)


def split_samples(labels: np.ndarray, holdout: float = HOLDOUT, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(train, held-out) indices: about `holdout` of each character with two or more samples is held out; when that
    holds none out (one sample per character), a random `holdout` of all of them. DataError when too few."""
    labels = np.asarray(labels)
    if len(labels) < MIN_SAMPLES:
        raise DataError(f"too few samples to hold some out for measuring: {len(labels)} kept, at least "
                        f"{MIN_SAMPLES} needed (keep more drawings, or import pictures with 'k49desk samples import')")
    rng = np.random.default_rng(seed)
    held = []
    for cls in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == cls))
        if len(members) >= 2:
            held.extend(members[: max(1, int(round(holdout * len(members))))])
    if not held:
        held = list(rng.permutation(len(labels))[: max(1, int(round(holdout * len(labels))))])
    held = np.sort(np.asarray(held, dtype=np.int64))
    return np.setdiff1d(np.arange(len(labels)), held), held


def accuracy(model, images: np.ndarray, labels: np.ndarray, cancel=None) -> float:
    from k49desk.evaluation import predict_probabilities

    if not len(labels):
        return float("nan")
    return float((predict_probabilities(model, images, cancel=cancel).argmax(axis=1) == labels).mean())


def practice_data(folder: Path, progress=None, cancel=None):
    """A small practice set rendered into `folder` from the starter model's sources, loaded: font renders from the
    installed Japanese fonts, kuzushiji variant forms where a face draws them, pen-stroke drawings where KanjiVG is
    installed (k49desk.synth)."""
    from k49desk import dataset, handwriting, synth, variants

    train, test = GENERAL_PER_SOURCE
    try:
        handwriting.kanjivg_version()
        strokes = (train, test)
    except DataError:
        strokes = (0, 0)
    variant_fonts = variants.installed_variant_fonts()  # looked up once: synth would look them up again
    variant_counts = (train, test) if variant_fonts else (0, 0)
    synth.synthesize(folder, train_per_class=train, test_per_class=test, seed=0, strokes_per_class=strokes[0],
                     test_strokes_per_class=strokes[1], variants_per_class=variant_counts[0],
                     test_variants_per_class=variant_counts[1], variant_fonts=variant_fonts, progress=progress,
                     cancel=cancel)
    return dataset.load(folder, cancel=cancel)


def mixed_data(general, samples: Samples, train_idx: np.ndarray, seed: int = 0):
    """`general`'s training images (at most GENERAL_CAP, every class kept) plus the user's training samples repeated
    to USER_SHARE of the total; the test images stay `general`'s."""
    from k49desk.dataset import K49Data
    from k49desk.training import stratified_split

    x, y = general.x_train, general.y_train
    if len(y) > GENERAL_CAP:
        _, keep = stratified_split(y, GENERAL_CAP / len(y), seed)
        x, y = x[keep], y[keep]
    repeats = max(1, math.ceil(USER_SHARE / (1 - USER_SHARE) * len(y) / max(1, len(train_idx))))
    mine_x = np.repeat(samples.images[train_idx], repeats, axis=0)
    mine_y = np.repeat(samples.labels[train_idx], repeats)
    info = dict(general.practice_info or {})
    info["fine_tuning"] = {"general": general.name, "general_images": int(len(y)),
                           "user_samples": int(len(train_idx)), "user_repeats": int(repeats)}
    return K49Data(np.concatenate([x, mine_x]), np.concatenate([y, mine_y]).astype(np.uint8), general.x_test,
                   general.y_test, general.classes, general.data_dir, general.practice, info)


def finetune(model_path, samples: Samples, data=None, *, runs_dir, run_name: str | None = None,
             epochs: int = EPOCHS, learning_rate: float | None = None, seed: int = 0, progress=None,
             cancel=None) -> FinetuneResult:
    """Fine-tune the model in `model_path` on `samples` mixed with `data` (None: a practice set made on the fly) and
    write a run; returns the before/after figures (also written to the run as finetune.json). learning_rate: None
    for LEARNING_RATE_SHARE of the model's preset's recipe."""
    from k49desk import modelio, runs
    from k49desk.training import Trainer

    model_path = Path(model_path)
    train_idx, held = split_samples(samples.labels, seed=seed)
    model = modelio.load_model(model_path)
    with tempfile.TemporaryDirectory(prefix="k49desk-finetune-") as tmp:
        general = data if data is not None else practice_data(Path(tmp) / "practice", cancel=cancel)
        mine_x, mine_y = samples.images[held], samples.labels[held]
        before_mine = accuracy(model, mine_x, mine_y, cancel)
        before_general = accuracy(model, general.x_test, general.y_test, cancel)
        settings = finetune_settings(arch_of(model_path), epochs, learning_rate, seed)
        info = Trainer(mixed_data(general, samples, train_idx, seed), settings, runs_dir, run_name,
                       start_from=model_path).run(progress=progress, cancel=cancel)
    tuned_path = runs.load_run(info.path).model_path
    tuned = modelio.load_model(tuned_path)
    result = FinetuneResult(info.path, tuned_path, model_path, len(train_idx), len(held), general.name,
                            len(general.y_test), before_mine, accuracy(tuned, mine_x, mine_y), before_general,
                            accuracy(tuned, general.x_test, general.y_test))
    runs.write_json(info.path / RESULT_FILE, {k: (str(v) if isinstance(v, Path) else v)
                                               for k, v in asdict(result).items()})
    return result


def finetune_settings(arch: str, epochs: int = EPOCHS, learning_rate: float | None = None, seed: int = 0):
    """The preset's recipe (training.TrainSettings.for_arch) with fine-tuning's epochs, learning rate (default:
    LEARNING_RATE_SHARE of the recipe's), a tenth held out for validation, float32."""
    from k49desk.training import TrainSettings

    recipe = TrainSettings.for_arch(arch)
    return TrainSettings.for_arch(arch, epochs=epochs, validation_split=0.1, seed=seed, precision="float32",
                                  learning_rate=learning_rate or recipe.learning_rate * LEARNING_RATE_SHARE)


def arch_of(model_path: Path) -> str:
    """The preset a model was trained as (its run records it; the starter's two members are resnet-small), for the
    optimizer's recipe; seed-cnn's (Adam) for a bare model file."""
    from k49desk import paths, runs
    from k49desk.errors import K49Error
    from k49desk.models import ARCHITECTURES

    try:
        arch = runs.load_run(model_path.parent).info.arch
    except K49Error:
        arch = None
    if arch in ARCHITECTURES:
        return arch
    return "resnet-small" if model_path.resolve() == paths.starter_model_path().resolve() else "seed-cnn"
