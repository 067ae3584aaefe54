"""Training: Keras fit with a progress/cancel callback, writing a run folder atomically (see k49desk.runs)."""

from __future__ import annotations

import csv
import json
import os
import platform
import shutil
import time
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from pathlib import Path

from k49desk import runs
from k49desk.errors import Cancelled, DataError, RunError

# Batch 256 instead of the seed's 32: the seed CNN trains ~1.7x faster per sample on 2 CPU cores (per-step
# overhead dominates such a small model; bench/train_throughput.py) and reaches similar accuracy per epoch with Adam.
DEFAULT_BATCH_SIZE = 256
EVAL_BATCH_SIZE = 1024  # validation only runs the forward pass: bigger batches cost no accuracy and less overhead


@dataclass(frozen=True)
class TrainSettings:
    arch: str = "seed-cnn"
    epochs: int = 10
    batch_size: int = DEFAULT_BATCH_SIZE
    learning_rate: float = 1e-3
    validation_split: float = 0.3  # stratified by class and seeded, unlike Keras' tail split
    seed: int = 0

    def __post_init__(self):
        problems = []
        if self.epochs < 1:
            problems.append(f"epochs must be at least 1 (got {self.epochs})")
        if self.batch_size < 1:
            problems.append(f"batch size must be at least 1 (got {self.batch_size})")
        if not self.learning_rate > 0:
            problems.append(f"learning rate must be positive (got {self.learning_rate})")
        if not 0 < self.validation_split < 1:
            problems.append(f"validation split must be between 0 and 1 (got {self.validation_split})")
        if problems:
            raise ValueError("; ".join(problems))

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "TrainSettings":
        """Settings from a dict such as settings.json; unknown keys are ignored, missing ones take defaults."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})


@dataclass(frozen=True)
class TrainingStarted:
    run_dir: Path  # where the run will be once written
    settings: TrainSettings
    train_size: int
    val_size: int
    batches_per_epoch: int


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


def _datasets(x, y, train_idx, val_idx, batch_size: int, seed: int):
    """(training, validation) tf.data pipelines over one uint8 copy of the images.

    Only indices are split and shuffled; each batch gathers its uint8 images and casts them to float32 in the graph
    (the model scales them). Full K49 thus costs one 182 MB copy instead of a float32 copy (730 MB) or per-split
    copies plus a shuffle buffer of images.
    """
    import tensorflow as tf

    images, labels = tf.constant(x[..., None]), tf.constant(y)

    def batches(indices, size, shuffle):
        ds = tf.data.Dataset.from_tensor_slices(indices)
        if shuffle:
            ds = ds.shuffle(len(indices), seed=seed, reshuffle_each_iteration=True)
        ds = ds.batch(size).map(lambda i: (tf.cast(tf.gather(images, i), tf.float32), tf.gather(labels, i)))
        return ds.prefetch(tf.data.AUTOTUNE)

    return batches(train_idx, batch_size, True), batches(val_idx, max(batch_size, EVAL_BATCH_SIZE), False)


def _strategy():
    """MirroredStrategy over all GPUs when there are several; the default strategy otherwise."""
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    return (tf.distribute.MirroredStrategy() if len(gpus) > 1 else tf.distribute.get_strategy()), len(gpus)


def library_versions() -> dict:
    import keras
    import numpy as np
    import tensorflow as tf

    return {"tensorflow": tf.__version__, "keras": keras.__version__, "numpy": np.__version__,
            "python": platform.python_version()}


def _write_json(path: Path, value) -> None:
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_history(folder: Path, history: dict[str, list[float]]) -> None:
    _write_json(folder / runs.HISTORY_JSON, history)
    keys = list(history)
    with (folder / runs.HISTORY_CSV).open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["epoch", *keys])
        for i in range(len(history[keys[0]]) if keys else 0):
            writer.writerow([i + 1, *(repr(history[k][i]) for k in keys)])


def _unique_run_name(runs_dir: Path, base: str) -> str:
    name, n = base, 1
    while (runs_dir / name).exists() or (runs_dir / f".{name}{runs.PARTIAL_SUFFIX}").exists():
        n += 1
        name = f"{base}-{n}"
    return name


def _make_callback(trainer: "Trainer", progress, cancel, folder: Path, epochs: int, batches: int, train_size: int):
    import keras

    class ProgressCallback(keras.callbacks.Callback):
        """Reports every batch and epoch, stops on request, and saves the best and last completed epoch."""

        def __init__(self):
            super().__init__()
            self.stopped = False
            self.epoch_start = 0.0
            self.val_start = None
            self.last_val_seconds = 0.0
            self.history: dict[str, list[float]] = {k: [] for k in ("loss", "accuracy", "val_loss", "val_accuracy")}
            self.seconds: list[float] = []
            self.train_rates: list[float] = []
            self.best_val_accuracy: float | None = None
            self.best_epoch: int | None = None

        def _check_cancel(self) -> bool:
            if not self.stopped and cancel is not None and cancel.is_set():
                self.stopped = True
            return self.stopped

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch_start = time.perf_counter()
            self.val_start = None

        def on_train_batch_end(self, batch, logs=None):
            # Keras finishes the batch in flight; setting stop_training ends the epoch before the next one.
            if self._check_cancel():
                self.model.stop_training = True
                return
            if progress is None:
                return
            done = batch + 1
            elapsed = max(time.perf_counter() - self.epoch_start, 1e-9)
            rate = min(done * trainer.settings.batch_size, train_size) / elapsed
            epoch = len(self.history["loss"]) + 1
            remaining_samples = train_size - min(done * trainer.settings.batch_size, train_size)
            remaining_samples += (epochs - epoch) * train_size
            eta = remaining_samples / rate + (epochs - epoch + 1) * self.last_val_seconds
            progress(BatchProgress(epoch, epochs, done, batches, float(logs["loss"]), float(logs["accuracy"]),
                                   rate, eta))

        def on_test_begin(self, logs=None):
            self.val_start = time.perf_counter()

        def on_test_batch_begin(self, batch, logs=None):
            # A stop during validation: skip the rest of it, and the epochs after it.
            if self._check_cancel():
                self.model.stop_evaluating = True
                self.model.stop_training = True

        def on_epoch_end(self, epoch, logs=None):
            if self.stopped:
                return  # an interrupted epoch is not recorded: the run keeps completed epochs only
            now = time.perf_counter()
            seconds = now - self.epoch_start
            train_seconds = (self.val_start or now) - self.epoch_start
            self.last_val_seconds = now - (self.val_start or now)
            record = {"loss": float(logs["loss"]), "accuracy": float(logs["accuracy"]),
                      "val_loss": float(logs["val_loss"]), "val_accuracy": float(logs["val_accuracy"])}
            for k, v in record.items():
                self.history[k].append(v)
            self.seconds.append(seconds)
            self.train_rates.append(train_size / max(train_seconds, 1e-9))
            self.model.save(folder / runs.LAST_MODEL_FILE)
            if self.best_val_accuracy is None or record["val_accuracy"] > self.best_val_accuracy:
                self.best_val_accuracy, self.best_epoch = record["val_accuracy"], epoch + 1
                shutil.copyfile(folder / runs.LAST_MODEL_FILE, folder / runs.MODEL_FILE)
            if progress is not None:
                progress(EpochEnd(epoch + 1, epochs, {**record, "seconds": seconds}))

    return ProgressCallback()


class Trainer:
    """Trains one preset on a data set and writes the run folder runs_dir/run_name (made unique if not given)."""

    def __init__(self, data, settings: TrainSettings, runs_dir, run_name: str | None = None):
        self.data = data
        self.settings = settings
        self.runs_dir = Path(runs_dir)
        self.run_name = run_name

    def run(self, *, progress=None, cancel=None) -> runs.RunInfo:
        """Train; on cancel keep the completed epochs (status "stopped"); Cancelled if none completed."""
        from k49desk import models

        models.get_arch(self.settings.arch)  # fail before creating anything
        try:
            self.runs_dir.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise RunError(f"{self.runs_dir}: cannot create the runs folder ({e.strerror})") from None
        created = datetime.now().astimezone()
        if self.run_name is None:
            name = _unique_run_name(self.runs_dir, f"{created:%Y-%m-%d_%H%M}_{self.settings.arch}")
        else:
            name = self.run_name
            if (self.runs_dir / name).exists():
                raise RunError(f"{self.runs_dir / name}: a run folder with this name already exists")
        final = self.runs_dir / name
        partial = self.runs_dir / f".{name}{runs.PARTIAL_SUFFIX}"
        shutil.rmtree(partial, ignore_errors=True)  # left by a crashed earlier attempt at this name
        partial.mkdir()
        try:
            self._train(partial, final, name, created, progress, cancel)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        os.rename(partial, final)
        return runs.load_run(final).info

    def _train(self, folder: Path, final: Path, name: str, created: datetime, progress, cancel) -> None:
        import keras

        from k49desk import models

        s = self.settings
        keras.utils.set_random_seed(s.seed)
        train_idx, val_idx = stratified_split(self.data.y_train, s.validation_split, s.seed)
        train_ds, val_ds = _datasets(self.data.x_train, self.data.y_train, train_idx, val_idx, s.batch_size, s.seed)
        batches = -(-len(train_idx) // s.batch_size)
        _write_json(folder / runs.SETTINGS_FILE, s.to_dict())
        if progress is not None:
            progress(TrainingStarted(final, s, len(train_idx), len(val_idx), batches))

        strategy, gpus = _strategy()
        with strategy.scope():
            model = models.build_model(s.arch)
            model.compile(optimizer=keras.optimizers.Adam(s.learning_rate),
                          loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        callback = _make_callback(self, progress, cancel, folder, s.epochs, batches, len(train_idx))
        start = time.perf_counter()
        # shuffle=False: the data set shuffles itself; Keras would only warn that it cannot.
        model.fit(train_ds, epochs=s.epochs, validation_data=val_ds, callbacks=[callback], shuffle=False, verbose=0)
        total = time.perf_counter() - start

        epochs_done = len(callback.history["loss"])
        if epochs_done == 0:
            raise Cancelled("training stopped before the first epoch ended; nothing was kept")
        status = "stopped" if callback.stopped else "completed"
        meta = {
            "format": 1,
            "name": name,
            "created": created.isoformat(timespec="seconds"),
            "finished": datetime.now().astimezone().isoformat(timespec="seconds"),
            "status": status,
            "arch": s.arch,
            "params": int(model.count_params()),
            "epochs_done": epochs_done,
            "epochs_planned": s.epochs,
            "best_epoch": callback.best_epoch,
            "best_val_accuracy": callback.best_val_accuracy,
            "data": {
                "name": self.data.name,
                "practice": bool(self.data.practice),
                "fingerprint": self.data.fingerprint,
                "data_dir": str(self.data.data_dir),
                "practice_info": self.data.practice_info,
            },
            "sizes": {"train": len(train_idx), "validation": len(val_idx), "test": len(self.data.y_test),
                      "split": "stratified by class (sklearn train_test_split, seeded)"},
            "timings": {
                "total_seconds": total,
                "seconds_per_epoch": callback.seconds,
                "train_samples_per_s": callback.train_rates,
            },
            "machine": {"cpu_count": os.cpu_count(), "gpus": gpus, "platform": platform.platform()},
            "versions": library_versions(),
        }
        _write_history(folder, callback.history)
        _write_json(folder / runs.RUN_FILE, meta)
