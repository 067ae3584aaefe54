"""Time to the same accuracy: the Keras example's recipe vs. the k49desk Trainer's defaults, on one practice set.

A speed-up that changes the recipe (batch size, precision) is only a speed-up if it reaches the same accuracy. The
Keras example's side: seed-cnn, `model.fit` on float32 arrays at batch 32, Adam 1e-3, float32, --keras-epochs epochs.
The Trainer's side: `training.Trainer` with its defaults for seed-cnn (TrainSettings.for_arch: its recipe's batch
256, one-cycle schedule, learning rate and epochs; automatic precision; the uint8 tf.data pipeline); --trainer-epochs
stretches the schedule over more epochs. In each repetition both sides validate on the same stratified 30% of the
training images (training.stratified_split, seeded with the repetition's seed, which also seeds the weights). The target is the Keras example's final validation accuracy
(median over its repetitions); each run's time to it is the wall time from its start (model build included) to the
end of the first epoch whose validation accuracy reaches it. Repetitions alternate the sides; medians reported, with
every repetition's time; the line `ratio N.NNx` is the Keras example's median time over the Trainer's.
The data is a practice set rendered from fonts (not K49).

    python bench/time_to_accuracy.py [--per-class 400] [--reps 3] [--keras-epochs 10] [--trainer-epochs N]
"""

from __future__ import annotations

import argparse
import math
import statistics
import tempfile
import time
from pathlib import Path

from _common import add_smoke_flag, machine


def keras_example(data, train_idx, val_idx, epochs: int, seed: int) -> list[tuple[float, float]]:
    """(seconds since start, validation accuracy) after each epoch of the Keras example's recipe."""
    import keras
    import numpy as np

    from k49desk.models import build_model

    keras.utils.set_random_seed(seed)
    x = data.x_train[..., None].astype(np.float32)  # the model scales pixels itself
    start = time.perf_counter()
    curve = []

    class Record(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            curve.append((time.perf_counter() - start, float(logs["val_accuracy"])))

    model = build_model("seed-cnn")
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x[train_idx], data.y_train[train_idx], batch_size=32, epochs=epochs, verbose=0,
              validation_data=(x[val_idx], data.y_train[val_idx]), callbacks=[Record()])
    return curve


def trainer_defaults(data, epochs: int | None, seed: int, runs_dir: Path) -> list[tuple[float, float]]:
    """(seconds since start, validation accuracy) after each epoch of the Trainer with seed-cnn's defaults."""
    from k49desk.training import EpochEnd, Trainer, TrainSettings

    curve = []
    start = time.perf_counter()

    def progress(event) -> None:
        if isinstance(event, EpochEnd):
            curve.append((time.perf_counter() - start, float(event.logs["val_accuracy"])))

    Trainer(data, TrainSettings.for_arch("seed-cnn", epochs=epochs, seed=seed), runs_dir).run(progress=progress)
    return curve


def time_to(curve: list[tuple[float, float]], target: float) -> float:
    """Seconds until the first epoch at or above `target`; infinity when none reaches it."""
    return next((seconds for seconds, accuracy in curve if accuracy >= target), math.inf)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-class", type=int, default=400, help="training images per class (400 -> 19,600)")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--keras-epochs", type=int, default=10)
    parser.add_argument("--trainer-epochs", type=int, default=None, help="default: the recipe's")
    parser.add_argument("--seed", type=int, default=0)
    add_smoke_flag(parser)
    args = parser.parse_args()
    if args.smoke:
        args.per_class, args.reps, args.keras_epochs, args.trainer_epochs = 4, 1, 1, 1

    from k49desk import dataset, synth, training

    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="k49bench-") as tmp:
        tmp = Path(tmp)
        synth.synthesize(tmp / "practice", train_per_class=args.per_class, test_per_class=1, seed=args.seed)
        data = dataset.load(tmp / "practice")
        val_size = len(training.stratified_split(data.y_train, 0.3, args.seed)[1])
        print(f"data: practice set rendered from fonts (not K49), {len(data.y_train):,} training images, "
              f"{val_size:,} of them for validation (stratified; repetition r splits with seed {args.seed} + r, "
              "the same split on both sides)")
        from k49desk.models import get_arch

        print(f"Trainer defaults: {training.TrainSettings.for_arch('seed-cnn')}; recipe: "
              f"{get_arch('seed-cnn').recipe.describe()}; automatic precision here: "
              f"{training.choose_precision().reason}")
        keras_curves, trainer_curves = [], []
        for rep in range(args.reps):
            # The Trainer splits with its settings' seed: the Keras example takes the same split.
            train_idx, val_idx = training.stratified_split(data.y_train, 0.3, args.seed + rep)
            keras_curves.append(keras_example(data, train_idx, val_idx, args.keras_epochs, args.seed + rep))
            trainer_curves.append(trainer_defaults(data, args.trainer_epochs, args.seed + rep, tmp / "runs"))
            print(f"  rep {rep + 1}: Keras example {len(keras_curves[-1])} epochs, final val accuracy "
                  f"{keras_curves[-1][-1][1]:.4f} in {keras_curves[-1][-1][0]:.1f} s | Trainer best val accuracy "
                  f"{max(a for _, a in trainer_curves[-1]):.4f} in {len(trainer_curves[-1])} epochs, "
                  f"{trainer_curves[-1][-1][0]:.1f} s", flush=True)

    target = statistics.median(curve[-1][1] for curve in keras_curves)
    keras_times = [time_to(curve, target) for curve in keras_curves]
    trainer_times = [time_to(curve, target) for curve in trainer_curves]
    k, t = statistics.median(keras_times), statistics.median(trainer_times)
    print(f"target: the Keras example's final validation accuracy, median {target:.4f}")
    print(f"time to it, median of {args.reps}: Keras example {k:.1f} s ({', '.join(f'{s:.1f}' for s in keras_times)})"
          f", Trainer defaults {t:.1f} s ({', '.join(f'{s:.1f}' for s in trainer_times)})")
    final = statistics.median(curve[-1][1] for curve in trainer_curves)
    print(f"the Trainer's final validation accuracy, median {final:.4f}: "
          f"{'at least' if final >= target else 'BELOW'} the Keras example's")
    if math.isinf(t):
        print("the Trainer's defaults never reached it (median): no ratio")
    else:
        print(f"ratio {k / t:.2f}x (the Keras example's time over the Trainer's; goal >= 2.5x)")


if __name__ == "__main__":
    main()
