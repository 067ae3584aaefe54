"""Training: Keras fit with a progress/cancel callback, a checkpoint after every epoch, resume, mixed precision chosen
for the machine, one or more devices through tf.distribute; writes a run folder (see k49desk.runs)."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import platform
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime
from pathlib import Path

from k49desk import runs
from k49desk.errors import Cancelled, DataError, K49Error, RunError
from k49desk.machine import usable_cores

# Batch 256 instead of the Keras example's 32: seed-cnn trains ~1.7x faster per sample on 2 CPU cores (per-step
# overhead dominates such a small model; bench/train_throughput.py). With 8x fewer steps per epoch it needs the
# one-cycle schedule and learning rate of its recipe (models.SEED_CNN_RECIPE) to reach the example's accuracy sooner
# (bench/time_to_accuracy.py).
DEFAULT_BATCH_SIZE = 256
EVAL_BATCH_SIZE = 1024  # validation only runs the forward pass: bigger batches cost no accuracy and less overhead
PRECISIONS = ("auto", "float32", "bfloat16", "float16")
SCHEDULES = ("constant", "cosine")  # the learning-rate schedules a run can take (models.Recipe.schedule)
_POLICIES = {"float32": "float32", "bfloat16": "mixed_bfloat16", "float16": "mixed_float16"}


class InvalidSettings(K49Error, ValueError):
    """A training setting out of range or not finite (a ValueError too, for callers that check settings)."""


class TrainingDiverged(K49Error):
    """The loss became NaN or infinite: the learning rate is too high for this model and data, or the data is bad."""


@dataclass(frozen=True)
class TrainSettings:
    # The defaults are seed-cnn's recipe (models.SEED_CNN_RECIPE); for_arch gives any preset's.
    arch: str = "seed-cnn"
    epochs: int = 8
    batch_size: int = DEFAULT_BATCH_SIZE  # per device: with several devices each batch is this times their number
    learning_rate: float = 8e-3
    validation_split: float = 0.3  # stratified by class and seeded, unlike Keras' tail split
    seed: int = 0
    precision: str = "auto"  # one of PRECISIONS; auto = choose_precision's pick for this machine
    schedule: str | None = None  # one of SCHEDULES instead of the recipe's; None = the recipe's
    warmup_epochs: float | None = None  # the cosine schedule's warm-up instead of the recipe's; None = the recipe's

    def __post_init__(self):
        problems = []
        if self.schedule is not None and self.schedule not in SCHEDULES:
            problems.append(f"schedule must be one of {', '.join(SCHEDULES)} (got {self.schedule!r})")
        if self.warmup_epochs is not None and not (math.isfinite(self.warmup_epochs) and self.warmup_epochs >= 0):
            problems.append(f"warm-up epochs must be a finite number, 0 or more (got {self.warmup_epochs})")
        if self.epochs < 1:
            problems.append(f"epochs must be at least 1 (got {self.epochs})")
        if self.batch_size < 1:
            problems.append(f"batch size must be at least 1 (got {self.batch_size})")
        if not (math.isfinite(self.learning_rate) and self.learning_rate > 0):
            problems.append(f"learning rate must be a finite positive number (got {self.learning_rate})")
        if not (math.isfinite(self.validation_split) and 0 < self.validation_split < 1):
            problems.append(f"validation split must be between 0 and 1 (got {self.validation_split})")
        if self.precision not in PRECISIONS:
            problems.append(f"precision must be one of {', '.join(PRECISIONS)} (got {self.precision!r})")
        if problems:
            raise InvalidSettings("invalid training settings: " + "; ".join(problems))

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "TrainSettings":
        """Settings from a dict such as settings.json; unknown keys are ignored, missing ones take defaults."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})

    def recipe(self):
        """The preset's recipe with these settings' schedule and warm-up where they give one: what a run trains by."""
        from k49desk import models

        recipe = models.get_arch(self.arch).recipe
        changes = {k: v for k, v in (("schedule", self.schedule), ("warmup_epochs", self.warmup_epochs))
                   if v is not None}
        return replace(recipe, **changes) if changes else recipe

    @classmethod
    def for_arch(cls, arch: str, **overrides) -> "TrainSettings":
        """Settings that follow preset `arch`'s recipe (epochs, batch size, learning rate), then `overrides`."""
        from k49desk import models

        recipe = models.get_arch(arch).recipe
        base = {"arch": arch, "epochs": recipe.epochs, "batch_size": recipe.batch_size,
                "learning_rate": recipe.learning_rate}
        return cls(**{**base, **{k: v for k, v in overrides.items() if v is not None}})


@dataclass(frozen=True)
class PrecisionChoice:
    precision: str  # float32, bfloat16 or float16
    policy: str  # the Keras dtype policy: float32, mixed_bfloat16, mixed_float16
    reason: str  # one line for the CLI (the window words `why` and `detail` in its language)
    why: str = "requested"  # which reason: one of PRECISION_REASONS
    detail: tuple[str, ...] = ()  # the reason's particulars: the CPU's bfloat16 flags, or the GPUs' compute capability


# Why choose_precision picked what it did.
PRECISION_REASONS = ("requested", "resumed", "gpu_tensor_cores", "gpu_no_tensor_cores", "cpu_bfloat16",
                     "cpu_no_bfloat16")


@dataclass(frozen=True)
class TrainingStarted:
    run_dir: Path  # where the run will be once written
    settings: TrainSettings
    train_size: int
    val_size: int
    batches_per_epoch: int  # full batches only: the remainder of the shuffled training part waits for another epoch
    precision: PrecisionChoice | None = None
    devices: tuple[str, ...] = ()
    initial_epoch: int = 0  # epochs already done (a resumed run)


@dataclass(frozen=True)
class BatchProgress:
    epoch: int  # 1-based
    epochs: int
    batch: int  # batches done in this epoch, 1-based
    batches: int
    loss: float  # running mean over this epoch
    accuracy: float
    samples_per_s: float  # training samples per second in this epoch so far
    eta_s: float  # estimated seconds until the whole run ends


@dataclass(frozen=True)
class EpochEnd:
    epoch: int  # 1-based
    epochs: int
    logs: dict  # loss, accuracy, val_loss, val_accuracy, seconds


# Machine ------------------------------------------------------------------------------------------------------------


def _cpu_flags() -> set[str]:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def _gpu_details() -> list[tuple[str, str, tuple[int, int] | None]]:
    """(device name, model name, compute capability) for each GPU TensorFlow sees."""
    import tensorflow as tf

    found = []
    for i, gpu in enumerate(tf.config.list_physical_devices("GPU")):
        try:
            details = tf.config.experimental.get_device_details(gpu)
        except (ValueError, RuntimeError):
            details = {}
        found.append((f"GPU:{i}", str(details.get("device_name", "GPU")), details.get("compute_capability")))
    return found


def choose_precision(requested: str = "auto") -> PrecisionChoice:
    """The precision training uses for `requested`, and why: for auto, float16 with loss scaling on GPUs with tensor
    cores (compute capability 7.0 or later), bfloat16 on CPUs with AVX-512 BF16 or AMX, float32 otherwise."""
    if requested not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)} (got {requested!r})")
    gpus = _gpu_details()
    if requested != "auto":
        return PrecisionChoice(requested, _POLICIES[requested], f"{requested}, as requested", "requested",
                               (requested,))
    if gpus:
        capabilities = [c for _, _, c in gpus]
        if all(c is not None and tuple(c) >= (7, 0) for c in capabilities):
            capability = str(min(tuple(c) for c in capabilities))
            return PrecisionChoice("float16", "mixed_float16",
                                   f"mixed float16 with loss scaling: GPU compute capability {capability} has tensor "
                                   f"cores", "gpu_tensor_cores", (capability,))
        return PrecisionChoice("float32", "float32", "float32: this GPU has no float16 tensor cores (before 7.0)",
                               "gpu_no_tensor_cores")
    flags = _cpu_flags() & {"avx512_bf16", "amx_bf16"}
    if flags:
        return PrecisionChoice("bfloat16", "mixed_bfloat16",
                               f"mixed bfloat16: this CPU has {' and '.join(sorted(flags))}", "cpu_bfloat16",
                               tuple(sorted(flags)))
    return PrecisionChoice("float32", "float32", "float32: no GPU, and this CPU has no bfloat16 instructions",
                           "cpu_no_bfloat16")


def _strategy():
    """MultiWorkerMirroredStrategy when TF_CONFIG names a cluster; MirroredStrategy over all GPUs (or all logical
    CPU devices, as tests configure) when there are several; the default strategy otherwise."""
    import tensorflow as tf

    if json.loads(os.environ.get("TF_CONFIG") or "{}").get("cluster"):
        return tf.distribute.MultiWorkerMirroredStrategy()
    gpus = tf.config.list_logical_devices("GPU")
    cpus = tf.config.list_logical_devices("CPU")
    if len(gpus) > 1:
        return tf.distribute.MirroredStrategy([d.name for d in gpus])
    if not gpus and len(cpus) > 1:
        return tf.distribute.MirroredStrategy([d.name for d in cpus])
    return tf.distribute.get_strategy()


def _multi_worker_strategy():
    import tensorflow as tf

    return tf.distribute.MultiWorkerMirroredStrategy


MULTI_WORKER_ISSUE = "keras-team/keras#20585"


def multi_worker_unsupported(error: Exception) -> str:
    """The one line a cluster worker (TF_CONFIG) stops with: why several machines cannot train together here."""
    import keras

    lines = str(error).strip().splitlines() or [""]
    return (f"training on several machines (TF_CONFIG) is not supported with Keras {keras.__version__}: its fit "
            f"cannot build a model under MultiWorkerMirroredStrategy ({MULTI_WORKER_ISSUE}; here "
            f"{type(error).__name__}: ...{lines[-1][-160:]}); unset TF_CONFIG to train on this machine, whose GPUs "
            f"train together (MirroredStrategy)")


def training_devices() -> list[str]:
    """The devices training runs on here, with GPU model names ("GPU:0 (NVIDIA H200)", or "CPU:0")."""
    gpus = _gpu_details()
    if gpus:
        return [f"{name} ({model})" for name, model, _ in gpus]
    import tensorflow as tf

    cpus = tf.config.list_logical_devices("CPU")
    return [d.name.split("device:")[-1] for d in cpus] or ["CPU:0"]


@dataclass(frozen=True)
class Devices:
    """Where training runs here: the devices, the CPU's cores, and the TF_CONFIG cluster role if any."""

    names: tuple[str, ...]  # as training_devices() gives them
    cpu_cores: int
    cluster_task: str = ""  # "worker 1" in a TF_CONFIG cluster, else ""
    cluster_workers: int = 0

    @property
    def gpus(self) -> bool:
        return any(d.startswith("GPU") for d in self.names)

    def describe(self) -> str:
        """One line for the CLI (the window words the same in its language)."""
        if self.cluster_task:
            return (f"training on {', '.join(self.names)} as {self.cluster_task} of a {self.cluster_workers}-worker "
                    f"cluster (TF_CONFIG)")
        if self.gpus:
            how = "MirroredStrategy over " if len(self.names) > 1 else ""
            return f"training on {how}{', '.join(self.names)}"
        return f"training on the CPU ({self.cpu_cores} cores; no GPU found)" + (
            f", MirroredStrategy over {len(self.names)} logical devices" if len(self.names) > 1 else "")


def devices_here() -> Devices:
    """Where training runs on this machine (see Devices)."""
    cluster = json.loads(os.environ.get("TF_CONFIG") or "{}")
    task, workers = "", 0
    if cluster.get("cluster"):
        role = cluster.get("task", {})
        task = f"{role.get('type', 'worker')} {role.get('index', 0)}"
        workers = sum(len(v) for v in cluster["cluster"].values())
    return Devices(tuple(training_devices()), os.cpu_count() or 1, task, workers)


def describe_devices() -> str:
    """One line: where training runs, for the CLI."""
    return devices_here().describe()


def _is_chief() -> bool:
    """Whether this process writes the run: always, unless TF_CONFIG makes it a worker other than the chief (the
    chief task, or worker 0 in a cluster without one)."""
    config = json.loads(os.environ.get("TF_CONFIG") or "{}")
    cluster, task = config.get("cluster"), config.get("task", {})
    if not cluster:
        return True
    kind = task.get("type")
    return kind == "chief" or (kind == "worker" and int(task.get("index", 0)) == 0 and "chief" not in cluster)


def library_versions() -> dict:
    import keras
    import numpy as np
    import tensorflow as tf

    return {"tensorflow": tf.__version__, "keras": keras.__version__, "numpy": np.__version__,
            "python": platform.python_version()}


# Data ---------------------------------------------------------------------------------------------------------------


def split_sizes(images: int, validation_split: float) -> tuple[int, int]:
    """(training images, validation images) that stratified_split makes of `images` images, without the labels:
    for the time estimates, before any data is loaded (the validation part rounds up, as scikit-learn's does)."""
    validation = math.ceil(images * validation_split)
    return images - validation, validation


def stratified_split(y, validation_split: float, seed: int):
    """(train indices, validation indices): every class keeps its share in both parts; seeded."""
    import numpy as np
    from sklearn.model_selection import train_test_split

    try:
        return train_test_split(
            np.arange(len(y)), test_size=validation_split, stratify=y, random_state=seed, shuffle=True
        )
    except ValueError as e:
        raise DataError(
            f"cannot split {len(y)} training images into stratified training and validation parts "
            f"with validation split {validation_split} ({e})"
        ) from None


def _augmenter(recipe, seed: int):
    """(float32 images 0..255, labels, a [2] seed) -> augmented batch, for the recipe's augmentation; None if none."""
    if not recipe.augments:
        return None
    import keras
    import tensorflow as tf

    geometric = []
    if recipe.shift:
        geometric.append(keras.layers.RandomTranslation(recipe.shift, recipe.shift, fill_mode="constant", seed=seed))
    if recipe.rotation:
        geometric.append(keras.layers.RandomRotation(recipe.rotation, fill_mode="constant", seed=seed + 1))
    if recipe.zoom:
        geometric.append(keras.layers.RandomZoom((-recipe.zoom, recipe.zoom), fill_mode="constant", seed=seed + 2))
    grid = tf.range(28, dtype=tf.float32)

    def augment(images, labels, batch_seed):
        cutout_seed, mix_seeds, order_seed = tf.unstack(tf.random.experimental.stateless_split(batch_seed, 3))
        for layer in geometric:
            images = layer(images, training=True)
        if recipe.cutout:
            centre = tf.random.stateless_uniform((tf.shape(images)[0], 2), cutout_seed, 0.0, 28.0)
            rows = tf.abs(grid[None, :] - centre[:, :1]) < recipe.cutout / 2
            cols = tf.abs(grid[None, :] - centre[:, 1:]) < recipe.cutout / 2
            hole = tf.logical_and(rows[:, :, None], cols[:, None, :])[..., None]
            images = tf.where(hole, 0.0, images)
        if recipe.mixup_alpha:
            # One Beta(alpha, alpha) weight per batch, the partner being the batch shuffled: Zhang et al.'s code.
            gammas = tf.random.stateless_gamma((2,), mix_seeds, alpha=recipe.mixup_alpha)
            lam = gammas[0] / (gammas[0] + gammas[1])
            order = tf.random.experimental.stateless_shuffle(tf.range(tf.shape(images)[0]), order_seed)
            images = lam * images + (1 - lam) * tf.gather(images, order)
            labels = lam * labels + (1 - lam) * tf.gather(labels, order)
        return images, labels

    return augment


PREFETCH_BATCHES = 2  # batches made ready ahead of the step that takes them


def _datasets(x, y, train_idx, val_idx, batch_size: int, seed: int, recipe=None):
    """(training, validation) tf.data pipelines over one uint8 copy of the images.

    Only indices are split and shuffled; each batch gathers its uint8 images and casts them to float32 in the graph
    (the model scales them). Full K49 thus costs one 182 MB copy instead of a float32 copy (730 MB) or per-split
    copies plus a shuffle buffer of images. The recipe's augmentation runs here, on training batches only; with
    input mixup the labels are one-hot (mixed) rows, in both pipelines so that one loss serves both.
    """
    import tensorflow as tf

    from k49desk.classes import NUM_CLASSES

    images, labels = tf.constant(x[..., None]), tf.constant(y)
    # tf.data's autotuning stalled every other epoch's start by ~1.3 s here (its tuning thread holds up the new
    # iterator): a 3 s epoch of a small set took 4.3 s. Fixed parallelism reaches the same steps per second.
    options = tf.data.Options()
    options.autotune.enabled = False
    one_hot = recipe is not None and recipe.mixup_alpha > 0
    augment = _augmenter(recipe, seed) if recipe is not None else None

    def batch(i):
        found = tf.gather(labels, i)
        return tf.cast(tf.gather(images, i), tf.float32), (tf.one_hot(found, NUM_CLASSES) if one_hot else found)

    def batches(indices, size, shuffle):
        ds = tf.data.Dataset.from_tensor_slices(indices)
        if shuffle:
            ds = ds.shuffle(len(indices), seed=seed, reshuffle_each_iteration=True)
        # Training steps all of one shape: a short last batch made Keras trace the training step a second time
        # (~1 s, a tenth of a 40,000-image epoch here); reshuffled, each epoch leaves out other images.
        ds = ds.batch(size, drop_remainder=shuffle and len(indices) >= size).map(batch)
        if shuffle and augment is not None:
            seeds = tf.data.Dataset.random(seed=seed).batch(2)
            ds = tf.data.Dataset.zip(ds, seeds).map(lambda b, s: augment(*b, s), num_parallel_calls=usable_cores())
        return ds.prefetch(PREFETCH_BATCHES).with_options(options)

    return batches(train_idx, batch_size, True), batches(val_idx, max(batch_size, EVAL_BATCH_SIZE), False)


# Writing ------------------------------------------------------------------------------------------------------------


def _history_csv(history: dict[str, list[float]]) -> str:
    keys = list(history)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["epoch", *keys])
    for i in range(len(history[keys[0]]) if keys else 0):
        writer.writerow([i + 1, *(repr(history[k][i]) for k in keys)])
    return out.getvalue()


def _save_model_atomic(model, path: Path) -> None:
    tmp = path.with_name(f".{path.stem}.tmp{path.suffix}")
    try:
        model.save(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _copy_atomic(src: Path, dst: Path) -> None:
    tmp = dst.with_name(f".{dst.stem}.tmp{dst.suffix}")
    try:
        shutil.copyfile(src, tmp)
        os.replace(tmp, dst)
    finally:
        tmp.unlink(missing_ok=True)


def _needed_bytes(params: int, optimizer_slots: int = 2) -> int:
    """About what a run folder takes: two model files (weights, and the last one with the optimizer's slots)."""
    return int(params * 4 * (2 + optimizer_slots) + 2_000_000)


def _unique_run_name(runs_dir: Path, base: str) -> str:
    name, n = base, 1
    while (runs_dir / name).exists() or (runs_dir / f".{name}{runs.PARTIAL_SUFFIX}").exists():
        n += 1
        name = f"{base}-{n}"
    return name


class _Checkpointer:
    """Writes what one completed epoch adds, each file atomically: last.keras (model + optimizer state + iteration
    count, which positions the schedule), model.keras when it is the best, history, then run.json last."""

    def __init__(self, folder: Path, info: runs.RunInfo, history: dict[str, list[float]], seconds: list[float],
                 rates: list[float]):
        self.folder = folder
        self.info = info
        self.history = history
        self.seconds = seconds
        self.rates = rates

    def epoch_done(self, model, record: dict, seconds: float, rate: float) -> None:
        for k in runs.HISTORY_KEYS:
            self.history[k].append(record[k])
        self.seconds.append(seconds)
        self.rates.append(rate)
        _save_model_atomic(model, self.folder / runs.LAST_MODEL_FILE)
        best = self.info.best_val_accuracy
        epoch = len(self.history["loss"])
        changes = {"epochs_done": epoch}
        if best is None or record["val_accuracy"] > best:
            _copy_atomic(self.folder / runs.LAST_MODEL_FILE, self.folder / runs.MODEL_FILE)
            changes.update(best_val_accuracy=record["val_accuracy"], best_epoch=epoch)
        self.info = self.info.replace(**changes)
        self.write()

    def write(self, **changes) -> None:
        notes = runs.write_json(self.folder / runs.HISTORY_JSON, self.history)
        runs.write_text_atomic(self.folder / runs.HISTORY_CSV, _history_csv(self.history))
        timings = {**self.info.timings, "seconds_per_epoch": self.seconds, "train_samples_per_s": self.rates}
        self.info = self.info.replace(timings=timings, **changes)
        notes += self.info.write(self.folder)
        if notes:
            self.info = self.info.replace(notes=tuple(dict.fromkeys(self.info.notes + tuple(notes))))
            self.info.write(self.folder)


def _make_callback(progress, cancel, checkpointer: _Checkpointer, epochs: int, batches: int, epoch_samples: int,
                   global_batch: int):
    import keras

    class ProgressCallback(keras.callbacks.Callback):
        """Reports every batch and epoch, stops on request or when the loss stops being finite, and checkpoints
        every completed epoch."""

        def __init__(self):
            super().__init__()
            self.stopped = False
            self.diverged: str | None = None
            self.epoch_start = 0.0
            self.val_start = None
            self.last_val_seconds = 0.0

        def _check_cancel(self) -> bool:
            if not self.stopped and cancel is not None and cancel.is_set():
                self.stopped = True
            return self.stopped

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch_start = time.perf_counter()
            self.val_start = None

        def on_train_batch_end(self, batch, logs=None):
            loss = float(logs["loss"])
            if not math.isfinite(loss):
                self.diverged = f"the loss became {loss} in epoch {epoch_of()}, batch {batch + 1}"
            # Keras finishes the batch in flight; setting stop_training ends the epoch before the next one.
            if self._check_cancel() or self.diverged:
                self.model.stop_training = True
                return
            if progress is None:
                return
            done = batch + 1
            elapsed = max(time.perf_counter() - self.epoch_start, 1e-9)
            seen = min(done * global_batch, epoch_samples)
            rate = seen / elapsed
            epoch = epoch_of()
            remaining_samples = epoch_samples - seen + (epochs - epoch) * epoch_samples
            eta = remaining_samples / rate + (epochs - epoch + 1) * self.last_val_seconds
            progress(BatchProgress(epoch, epochs, done, batches, loss, float(logs["accuracy"]), rate, eta))

        def on_test_begin(self, logs=None):
            self.val_start = time.perf_counter()

        def on_test_batch_begin(self, batch, logs=None):
            # A stop during validation (or after a diverged batch): skip the rest of it, and the epochs after it.
            if self._check_cancel() or self.diverged:
                self.model.stop_evaluating = True
                self.model.stop_training = True

        def on_epoch_end(self, epoch, logs=None):
            if self.stopped or self.diverged:
                return  # an interrupted or diverged epoch is not recorded: the run keeps completed epochs only
            record = {k: float(logs[k]) for k in runs.HISTORY_KEYS}
            bad = [k for k, v in record.items() if not math.isfinite(v)]
            if bad:
                self.diverged = f"{bad[0]} became {record[bad[0]]} in epoch {epoch + 1}"
                self.model.stop_training = True
                return
            now = time.perf_counter()
            seconds = now - self.epoch_start
            train_seconds = (self.val_start or now) - self.epoch_start
            self.last_val_seconds = now - (self.val_start or now)
            checkpointer.epoch_done(self.model, record, seconds, epoch_samples / max(train_seconds, 1e-9))
            if progress is not None:
                progress(EpochEnd(epoch + 1, epochs, {**record, "seconds": seconds}))

    def epoch_of() -> int:
        return len(checkpointer.history["loss"]) + 1

    return ProgressCallback()


def _tensorboard(folder: Path):
    import keras

    return keras.callbacks.TensorBoard(log_dir=str(folder / runs.TENSORBOARD_DIR), write_graph=False,
                                       profile_batch=0, update_freq="epoch")


# Models -------------------------------------------------------------------------------------------------------------


WARMUP_START = 1 / 25  # a warm-up starts at this fraction of the learning rate (one-cycle's usual division factor)
WARMUP_MAX_SHARE = 0.3  # and takes at most this share of the run's steps (one-cycle's usual pct_start)


def learning_rate_schedule(settings: TrainSettings, recipe, steps_per_epoch: int):
    """The learning rate (a float, or a Keras schedule stepped per batch) for `settings.epochs` epochs of the recipe:
    constant, or cosine decay to 0 over the run after a linear warm-up of recipe.warmup_epochs (one-cycle)."""
    import keras

    lr = settings.learning_rate
    if recipe.schedule != "cosine":
        return lr
    total = max(settings.epochs * steps_per_epoch, 1)
    # A short run (a test, a quick try) warms up over at most WARMUP_MAX_SHARE of itself, as one-cycle does.
    warmup = min(round(recipe.warmup_epochs * steps_per_epoch), int(WARMUP_MAX_SHARE * total))
    if warmup <= 0:
        return keras.optimizers.schedules.CosineDecay(lr, decay_steps=total)
    return keras.optimizers.schedules.CosineDecay(lr * WARMUP_START, decay_steps=total - warmup, warmup_target=lr,
                                                  warmup_steps=warmup)


def _compile(model, settings: TrainSettings, recipe, steps_per_epoch: int) -> None:
    import keras

    lr = learning_rate_schedule(settings, recipe, steps_per_epoch)
    if recipe.optimizer == "sgd":
        optimizer = keras.optimizers.SGD(lr, momentum=recipe.momentum)
    else:
        optimizer = keras.optimizers.Adam(lr)
    loss = "categorical_crossentropy" if recipe.mixup_alpha else "sparse_categorical_crossentropy"
    # A model built under mixed_float16 gets Keras' LossScaleOptimizer from compile itself.
    model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"])


def build_for_training(arch: str, policy: str):
    """Preset `arch` built under Keras dtype policy `policy` (the global policy is restored afterwards)."""
    import keras

    from k49desk import models

    previous = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy(policy)
    try:
        return models.build_model(arch)
    finally:
        keras.mixed_precision.set_global_policy(previous)


@dataclass(frozen=True)
class StepTimes:
    """What one run's steps cost here, timed as a run takes them (see time_steps)."""

    train_step_s: float  # one training step of global_batch images: pipeline, augmentation, forward and backward
    validation_image_s: float  # the forward pass of one validation image, in validation-sized batches
    global_batch: int  # the settings' batch size times the devices in sync
    epoch_start_s: float = 0.0  # what an epoch costs before its first step (the pipeline's iterator starting up)

    def epoch_seconds(self, train_size: int, val_size: int = 0) -> float:
        """One epoch over train_size training images (full batches only, as _fit takes them) and val_size
        validation images."""
        steps = max(train_size // self.global_batch, 1)
        return self.epoch_start_s + self.train_step_s * steps + self.validation_image_s * val_size


def time_steps(settings: TrainSettings, batches: int = 5) -> StepTimes:
    """Time real steps of the settings here, on the path a run takes: the preset's model under the settings'
    precision and the device strategy, fed by the run's tf.data pipeline (the recipe's augmentation and mixup)
    and read back each step as the run's progress callback does. Two epochs of `batches` + 2 steps: the first
    traces and warms up, the second is timed as a run's later epochs are (its start-up before the first step, then
    its steps); validation timed on a second pass over two validation batches (the first one traces).
    The pixels are random: no step's cost depends on what the images show."""
    import keras
    import numpy as np

    from k49desk.classes import NUM_CLASSES

    recipe = settings.recipe()
    strategy = _strategy()
    global_batch = settings.batch_size * strategy.num_replicas_in_sync
    extra = 2  # steps per epoch beyond `batches`: the timed span starts at the end of an epoch's first step
    n = (batches + extra) * global_batch
    rng = np.random.default_rng(settings.seed)
    x = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
    y = rng.integers(0, NUM_CLASSES, n)
    val_idx = np.arange(min(n, 2 * max(global_batch, EVAL_BATCH_SIZE)))
    train_ds, val_ds = _datasets(x, y, np.arange(n), val_idx, global_batch, settings.seed, recipe)
    with strategy.scope():
        model = build_for_training(settings.arch, choose_precision(settings.precision).policy)
        _compile(model, settings, recipe, batches + extra)
    begun: list[float] = []
    ends: list[float] = []

    class Clock(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            begun.append(time.perf_counter())
            ends.clear()

        def on_train_batch_end(self, batch, logs=None):
            float(logs["loss"])  # waits for the step, as the run's progress callback does
            ends.append(time.perf_counter())

    model.fit(train_ds, epochs=2, verbose=0, callbacks=[Clock()], shuffle=False)
    step_s = (ends[-1] - ends[0]) / (len(ends) - 1)
    epoch_start_s = max(ends[0] - begun[-1] - step_s, 0.0)
    model.evaluate(val_ds, verbose=0)
    start = time.perf_counter()
    model.evaluate(val_ds, verbose=0)
    validation_s = time.perf_counter() - start
    return StepTimes(step_s, validation_s / len(val_idx), global_batch, epoch_start_s)


def estimate_epoch_seconds(settings: TrainSettings, train_size: int, val_size: int = 0, batches: int = 5) -> float:
    """Seconds one epoch over `train_size` training and `val_size` validation images takes here, from real steps
    (time_steps)."""
    return time_steps(settings, batches).epoch_seconds(train_size, val_size)


# Training ------------------------------------------------------------------------------------------------------------


def _data_description(data) -> dict:
    return {"name": data.name, "practice": bool(data.practice), "fingerprint": data.fingerprint,
            "data_dir": str(data.data_dir), "practice_info": data.practice_info}


def _fit(folder: Path, info: runs.RunInfo, data, settings: TrainSettings, history: dict[str, list[float]],
         progress, cancel, model=None, start_from=None) -> runs.RunInfo:
    """Train from epoch len(history) to settings.epochs, checkpointing into `folder`; a new model when `model` is
    None (the weights of the model file `start_from` when given: fine-tuning), else the checkpoint file `model`
    (optimizer state included). Returns the finished run description."""
    import keras

    from k49desk import modelio

    s = settings
    recipe = s.recipe()
    initial_epoch = len(history["loss"])
    keras.utils.set_random_seed(s.seed + initial_epoch)
    train_idx, val_idx = stratified_split(data.y_train, s.validation_split, s.seed)
    strategy = _strategy()
    replicas = strategy.num_replicas_in_sync
    global_batch = s.batch_size * replicas
    train_ds, val_ds = _datasets(data.x_train, data.y_train, train_idx, val_idx, global_batch, s.seed, recipe)
    batches = max(len(train_idx) // global_batch, 1)
    epoch_samples = min(batches * global_batch, len(train_idx))
    choice = choose_precision(s.precision) if model is None else None
    if progress is not None:
        progress(TrainingStarted(info.path, s, len(train_idx), len(val_idx), batches,
                                 choice or PrecisionChoice(info.precision, _POLICIES[info.precision],
                                                           f"{info.precision}, as the run was started",
                                                           "resumed", (info.precision,)),
                                 tuple(training_devices()), initial_epoch))
    with strategy.scope():
        if model is None:
            # Fine-tuning keeps the model's layers and weights and gets a fresh optimizer.
            net = build_for_training(s.arch, choice.policy) if start_from is None else modelio.load_model(start_from)
            _compile(net, s, recipe, batches)
            info = info.replace(precision=choice.precision)
        else:
            net = keras.models.load_model(model)
            if recipe.schedule == "cosine" and s.epochs != info.epochs_planned:
                # The cosine decays to zero over the planned epochs: stretch it over the new total.
                net.optimizer.learning_rate = learning_rate_schedule(s, recipe, batches)
    info = info.replace(params=int(net.count_params()), devices=tuple(training_devices()), epochs_planned=s.epochs,
                        status="running", recipe=asdict(recipe),
                        sizes={"train": len(train_idx), "validation": len(val_idx), "test": len(data.y_test),
                               "split": "stratified by class (sklearn train_test_split, seeded)",
                               "batch_per_device": s.batch_size, "devices_in_sync": replicas,
                               "samples_per_epoch": epoch_samples})
    seconds = list(info.timings.get("seconds_per_epoch", []))
    rates = list(info.timings.get("train_samples_per_s", []))
    checkpointer = _Checkpointer(folder, info, history, seconds, rates)
    checkpointer.write()
    callback = _make_callback(progress, cancel, checkpointer, s.epochs, batches, epoch_samples, global_batch)
    start = time.perf_counter()
    try:
        # shuffle=False: the data set shuffles itself; Keras would only warn that it cannot.
        net.fit(train_ds, epochs=s.epochs, initial_epoch=initial_epoch, validation_data=val_ds,
                callbacks=[callback, _tensorboard(folder)], shuffle=False, verbose=0)
    except OSError as e:
        raise RunError(_files().describe_os_error(e, folder.parent, _needed_bytes(net.count_params()))) from None
    except (ValueError, TypeError) as e:
        # Keras 3's fit fails to build the model under MultiWorkerMirroredStrategy before the first step, with a
        # message that varies (a PerReplica value it cannot convert, in TF 2.21); Keras filters the frames that would
        # say where. Any such failure of a cluster run before an epoch ended is that limitation.
        if isinstance(strategy, _multi_worker_strategy()) and len(history["loss"]) == initial_epoch:
            raise RunError(multi_worker_unsupported(e)) from None
        raise
    total = time.perf_counter() - start + float(info.timings.get("total_seconds", 0.0))
    epochs_done = len(history["loss"])
    if callback.diverged:
        status = "diverged"
        note = (f"training diverged: {callback.diverged}; the model kept is epoch {epochs_done}'s, the last with a "
                f"finite loss; try a lower learning rate (was {s.learning_rate:g})")
        if epochs_done == 0:
            raise TrainingDiverged(f"{note.split(';')[0]}; nothing was kept; try a lower learning rate "
                                   f"(was {s.learning_rate:g})")
        notes = checkpointer.info.notes + (note,)
    else:
        status = "stopped" if callback.stopped else "completed"
        notes = checkpointer.info.notes
    if epochs_done == 0:
        raise Cancelled("training stopped before the first epoch ended; nothing was kept")
    checkpointer.info = checkpointer.info.replace(timings={**checkpointer.info.timings, "total_seconds": total})
    checkpointer.write(status=status, notes=notes, finished=datetime.now().astimezone())
    return checkpointer.info


def _files():
    from k49desk import files

    return files


def _needed_for(arch: str) -> int:
    from k49desk import models

    return _needed_bytes(models.param_count(arch))


def _write_folder(folder: Path, arch: str, write):
    """Run write() with this process recorded as the folder's writer; a full disk or other OSError as RunError."""
    try:
        runs.claim(folder)
        return write()
    except OSError as e:
        raise RunError(_files().describe_os_error(e, folder.parent, _needed_for(arch))) from None
    finally:
        runs.release(folder)


class Trainer:
    """Trains one preset on a data set and writes the run folder runs_dir/run_name (made unique if not given)."""

    def __init__(self, data, settings: TrainSettings, runs_dir, run_name: str | None = None, *,
                 start_from: str | Path | None = None):
        """start_from: a model file whose weights training starts from (fine-tuning; recorded in run.json), instead of
        a fresh model of settings.arch (whose recipe still sets the optimizer)."""
        self.data = data
        self.settings = settings
        self.runs_dir = Path(runs_dir)
        self.run_name = run_name
        self.start_from = None if start_from is None else Path(start_from)

    def run(self, *, progress=None, cancel=None) -> runs.RunInfo:
        """Train; on cancel keep the completed epochs (status "stopped"); when the loss stops being finite, keep the
        epochs before it (status "diverged", the reason in notes); Cancelled or TrainingDiverged if none completed.
        A worker of a multi-worker cluster other than the chief writes its copy into a folder it then removes."""
        from k49desk import models

        models.get_arch(self.settings.arch)  # fail before creating anything
        if _is_chief():
            return self._run_in(self.runs_dir, self.run_name, progress, cancel)
        with tempfile.TemporaryDirectory(prefix="k49desk-worker-") as tmp:
            return self._run_in(Path(tmp), "worker", progress, cancel)

    def _run_in(self, runs_dir: Path, run_name: str | None, progress, cancel) -> runs.RunInfo:
        _files().check_output_folder(runs_dir, "runs folder")
        try:
            runs_dir.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise RunError(f"cannot create the runs folder: {_files().describe_os_error(e, runs_dir)}") from None
        runs.clean_stale_partials(runs_dir)
        created = datetime.now().astimezone()
        if run_name is None:
            name = _unique_run_name(runs_dir, f"{created:%Y-%m-%d_%H%M}_{self.settings.arch}")
        else:
            name = run_name
            if (runs_dir / name).exists():
                raise RunError(f"{runs_dir / name}: a run folder with this name already exists")
        final = runs_dir / name
        partial = runs_dir / f".{name}{runs.PARTIAL_SUFFIX}"
        try:
            partial.mkdir()
        except OSError as e:
            raise RunError(f"cannot create the run folder: "
                           f"{_files().describe_os_error(e, runs_dir, _needed_for(self.settings.arch))}") from None
        info = runs.RunInfo(path=final, name=name, created=created, status="running", arch=self.settings.arch,
                            epochs_planned=self.settings.epochs, data=_data_description(self.data),
                            machine={"cpu_count": os.cpu_count(), "platform": platform.platform()},
                            versions=library_versions(),
                            fine_tuned_from=None if self.start_from is None else str(self.start_from))
        history = {k: [] for k in runs.HISTORY_KEYS}

        def write():
            runs.write_json(partial / runs.SETTINGS_FILE, self.settings.to_dict())
            return _fit(partial, info, self.data, self.settings, history, progress, cancel,
                        start_from=self.start_from)

        try:
            done = _write_folder(partial, self.settings.arch, write)
            os.rename(partial, final)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        return done.replace(path=final)


def resume(run_dir, total_epochs: int | None = None, *, progress=None, cancel=None, data=None) -> runs.RunInfo:
    """Continue a stopped, crashed or diverged run in place from its last completed epoch (last.keras: weights,
    optimizer state, iteration count, hence the schedule's position) up to `total_epochs` (default: as planned).
    History grows by the new epochs; what was written stays. `data` defaults to the data folder the run records and
    must be the same data (fingerprint)."""
    from k49desk import dataset

    run = runs.load_run(run_dir)
    info = run.info
    if info.status == "running":
        raise RunError(f"{run_dir}: another process is training this run now")
    settings = TrainSettings.from_dict(run.settings)
    total = total_epochs or max(settings.epochs, info.epochs_done)
    if total <= info.epochs_done:
        raise RunError(f"{run_dir}: already has {info.epochs_done} epochs; give a larger total (--epochs)")
    if data is None:
        data = dataset.load(info.data.get("data_dir", ""))
    if info.data.get("fingerprint") not in (None, data.fingerprint):
        raise RunError(f"{run_dir}: was trained on other data than {data.data_dir} (fingerprints "
                       f"{info.data.get('fingerprint')} and {data.fingerprint}); resume needs the same data")
    settings = replace(settings, epochs=total)
    folder = Path(run_dir)
    history = {k: list(run.history.get(k, [])) for k in runs.HISTORY_KEYS}
    info = info.replace(resumed=info.resumed + ({"from_epoch": info.epochs_done,
                                                 "at": datetime.now().astimezone().isoformat(timespec="seconds")},),
                        notes=tuple(n for n in info.notes if not n.startswith("training diverged")))
    def write():
        runs.write_json(folder / runs.SETTINGS_FILE, settings.to_dict())
        return _fit(folder, info, data, settings, history, progress, cancel, model=run.last_model_path)

    return _write_folder(folder, settings.arch, write)
