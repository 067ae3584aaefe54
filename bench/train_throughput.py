"""Training samples/s: the k49desk Trainer vs. the seed's plain model.fit, same model and data, side by side.

The seed recipe: float32 X/255 held in memory, `model.fit(X, y, epochs=1, validation_split=0.3)` at batch 32.
k49desk: Trainer.run with its defaults (uint8 tf.data pipeline, stratified 0.3 split, batch 256), including
everything it does besides fitting (split, saving best/last model, writing the run folder).
Both timings cover build + compile + one epoch with validation; samples/s counts training samples (70%).
The seed side uses verbose=0 (no progress bar), which only flatters it. Repetitions alternate; medians reported.
The data is a practice set rendered on the fly from fonts (not K49); throughput does not depend on the pixels.

    python bench/train_throughput.py [--per-class 816] [--reps 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from _common import machine


def seed_fit(data) -> tuple[float, int]:
    import numpy as np

    from k49desk.models import build_model

    x = data.x_train[..., None].astype(np.float32) / 255  # the seed's float copy (4x the uint8 size)
    start = time.perf_counter()
    model = build_model("seed-cnn")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, data.y_train, epochs=1, validation_split=0.3, batch_size=32, verbose=0)
    return time.perf_counter() - start, len(x) - int(len(x) * 0.3)


def k49desk_fit(data, runs_dir: Path) -> tuple[float, int]:
    from k49desk.training import Trainer, TrainSettings

    start = time.perf_counter()
    events = []
    Trainer(data, TrainSettings(arch="seed-cnn", epochs=1), runs_dir).run(progress=events.append)
    return time.perf_counter() - start, events[0].train_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-class", type=int, default=816, help="training images per class (816 -> 39,984)")
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()

    from k49desk import dataset, synth

    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "practice"
        synth.synthesize(data_dir, train_per_class=args.per_class, test_per_class=1, seed=0)
        data = dataset.load(data_dir)
        print(f"machine: {machine()}")
        print(f"data: practice set rendered from fonts (not K49), {len(data.y_train):,} training images, 28x28 uint8")
        ours, seed = [], []
        for rep in range(args.reps):
            seconds, n = seed_fit(data)
            seed.append(n / seconds)
            seconds, n = k49desk_fit(data, Path(tmp) / "runs")
            ours.append(n / seconds)
            print(f"  rep {rep + 1}: seed model.fit batch 32 {seed[-1]:,.0f} samples/s | "
                  f"k49desk Trainer batch 256 {ours[-1]:,.0f} samples/s")
        s, o = statistics.median(seed), statistics.median(ours)
        print(f"median over {args.reps}: seed {s:,.0f} samples/s, k49desk {o:,.0f} samples/s, "
              f"ratio {o / s:.2f}x (goal >= 1.6x)")


if __name__ == "__main__":
    main()
