"""Training samples/s: the k49desk Trainer vs. the Keras example's plain model.fit, same model and data, side by side; then
training samples/s of every preset at each precision.

The Keras example's recipe: float32 X/255 held in memory, `model.fit(X, y, epochs=1, validation_split=0.3)` at batch 32, float32.
k49desk: Trainer.run with its defaults (uint8 tf.data pipeline, stratified 0.3 split, batch 256, precision chosen
automatically: mixed bfloat16 on CPUs with AVX-512 BF16/AMX), including everything it does besides fitting (split,
saving best/last model each epoch, TensorBoard logs, writing the run folder).
Both timings cover build + compile + one epoch with validation; samples/s counts training samples (70%).
The Keras example's side uses verbose=0 (no progress bar), which only flatters it. Repetitions alternate; medians reported.
The per-preset table times real training steps (training.estimate_epoch_seconds, the Train tab's estimate: 5 steps
after two warm-up ones, random pixels through the run's own pipeline with the recipe's augmentation, each preset's
recipe batch size; validation not counted).
The data is a practice set rendered on the fly from fonts (not K49); throughput does not depend on the pixels.

    python bench/train_throughput.py [--per-class 816] [--reps 3] [--archs ...]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from _common import add_smoke_flag, machine


def seed_fit(data) -> tuple[float, int]:
    import numpy as np

    from k49desk.models import build_model

    x = data.x_train[..., None].astype(np.float32) / 255  # the Keras example's float copy (4x the uint8 size)
    start = time.perf_counter()
    model = build_model("seed-cnn")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, data.y_train, epochs=1, validation_split=0.3, batch_size=32, verbose=0)
    return time.perf_counter() - start, len(x) - int(len(x) * 0.3)


def k49desk_fit(data, runs_dir: Path) -> tuple[float, int]:
    from k49desk.training import Trainer, TrainSettings

    start = time.perf_counter()
    events = []
    settings = TrainSettings(epochs=1)
    Trainer(data, settings, runs_dir).run(progress=events.append)
    return time.perf_counter() - start, events[0].batches_per_epoch * settings.batch_size  # full batches only


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-class", type=int, default=816, help="training images per class (816 -> 39,984)")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--archs", nargs="*", default=None, help="presets for the second table (default: all)")
    add_smoke_flag(parser)
    args = parser.parse_args()
    if args.smoke:
        args.per_class, args.reps, args.archs = 8, 1, ["seed-cnn"]
    table_size = 512 if args.smoke else 10_000  # images per timed epoch in the per-preset table

    from k49desk import dataset, models, synth, training

    print(f"machine: {machine()}")
    print(f"automatic precision here: {training.choose_precision().reason}")
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "practice"
        synth.synthesize(data_dir, train_per_class=args.per_class, test_per_class=1, seed=0)
        data = dataset.load(data_dir)
        print(f"data: practice set rendered from fonts (not K49), {len(data.y_train):,} training images, 28x28 uint8")
        ours, seed = [], []
        for rep in range(args.reps):
            seconds, n = seed_fit(data)
            seed.append(n / seconds)
            seconds, n = k49desk_fit(data, Path(tmp) / "runs")
            ours.append(n / seconds)
            print(f"  rep {rep + 1}: Keras example model.fit batch 32 float32 {seed[-1]:,.0f} samples/s | "
                  f"k49desk Trainer defaults {ours[-1]:,.0f} samples/s")
        s, o = statistics.median(seed), statistics.median(ours)
        print(f"median over {args.reps}: Keras example {s:,.0f} samples/s, k49desk {o:,.0f} samples/s, "
              f"ratio {o / s:.2f}x (goal >= 2.5x)")

    print("\ntraining samples/s per preset (training steps only, recipe batch size)")
    print(f"{'preset':<20} {'batch':>5} {'float32':>10} {'bfloat16':>10} {'ratio':>6}")
    for name in args.archs or list(models.ARCHITECTURES):
        batch = models.get_arch(name).recipe.batch_size
        rates = {}
        for precision in ("float32", "bfloat16"):
            settings = training.TrainSettings.for_arch(name, precision=precision)
            if args.smoke:
                settings = replace(settings, batch_size=32)
            rates[precision] = table_size / training.estimate_epoch_seconds(settings, table_size)
        print(f"{name:<20} {batch:>5} {rates['float32']:>10,.0f} {rates['bfloat16']:>10,.0f} "
              f"{rates['bfloat16'] / rates['float32']:>5.2f}x")


if __name__ == "__main__":
    main()
