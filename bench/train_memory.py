"""Peak memory of training on a data set of K49's full size (232,365 training and 38,547 test images).

The training core keeps one uint8 copy of the images and gathers each batch in the graph (k49desk.training); the
the Keras example's recipe would add a float32 copy of the training images (4x their size, ~730 MB) on top. Goal: well under
2 GB for the whole process.

The images are random uint8 pixels with K49's real label counts when ../shared/k49 is beside the repo (otherwise
the counts of the README's table are not known and every class gets the same share): memory does not depend on what
the pixels show, and the real images cannot be downloaded here. Training runs --batches batches of the first epoch
(the input pipeline, the model and the optimizer are all in place by then) and is then stopped.

    python bench/train_memory.py [--arch seed-cnn] [--batches 150] [--batch-size 256]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import threading
import time
from pathlib import Path

from _common import REPO, add_smoke_flag, machine

TRAIN_SIZE, TEST_SIZE = 232_365, 38_547


def rss_mb() -> float:
    """Resident memory of this process now, in MB (Linux /proc)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 1e6


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (ru_maxrss is in KB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def labels(kind: str, size: int):
    import numpy as np

    from k49desk.classes import NUM_CLASSES

    real = REPO.parent / "shared" / "k49" / f"k49-{kind}-labels.npz"
    if real.is_file():
        with np.load(real) as f:
            return f["arr_0"].astype(np.uint8), "real K49 label counts"
    return np.arange(size, dtype=np.uint8) % NUM_CLASSES, "equal label counts (../shared/k49 not found)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", default="seed-cnn")
    parser.add_argument("--batches", type=int, default=150)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--fraction", type=float, default=1.0,
                        help="use this share of K49's size (1.0); a small one shows what does not grow with the data")
    add_smoke_flag(parser)
    args = parser.parse_args()
    if args.smoke:
        args.batches, args.batch_size, args.fraction = 3, 32, 0.0

    import numpy as np

    from k49desk.classes import CLASSES
    from k49desk.dataset import K49Data
    from k49desk.errors import Cancelled
    from k49desk.training import BatchProgress, Trainer, TrainSettings

    print(f"machine: {machine()}")  # imports TensorFlow: counted in the baseline below
    y_train, source = labels("train", TRAIN_SIZE)
    y_test, _ = labels("test", TEST_SIZE)
    y_train, y_test = (y[: max(1000, round(len(y) * args.fraction))] for y in (y_train, y_test))
    rng = np.random.default_rng(0)
    x_train = rng.integers(0, 256, (len(y_train), 28, 28), dtype=np.uint8)
    x_test = rng.integers(0, 256, (len(y_test), 28, 28), dtype=np.uint8)
    data = K49Data(x_train, y_train, x_test, y_test, CLASSES, Path("in-memory"), practice=True,
                   practice_info={"note": "random pixels, for measuring memory"})
    arrays_mb = sum(a.nbytes for a in (x_train, y_train, x_test, y_test)) / 1e6
    baseline = rss_mb()
    print(f"data: {len(y_train):,} training and {len(y_test):,} test images of random pixels ({source}), "
          f"{arrays_mb:,.0f} MB of uint8 arrays")
    print(f"before training: {baseline:,.0f} MB resident (Python, TensorFlow, the arrays)")

    stop = threading.Event()
    seen = {"batches": 0, "rate": 0.0}

    def progress(event) -> None:
        if isinstance(event, BatchProgress):
            seen["batches"], seen["rate"] = event.batch, event.samples_per_s
            if event.batch >= args.batches:
                stop.set()

    settings = TrainSettings(arch=args.arch, epochs=1, batch_size=args.batch_size)
    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        try:
            Trainer(data, settings, Path(tmp) / "runs").run(progress=progress, cancel=stop)
        except Cancelled:
            pass  # stopped in the first epoch on purpose: nothing is kept
    peak = peak_mb()
    print(f"trained {seen['batches']} batches of {args.batch_size} ({args.arch}, {seen['rate']:,.0f} samples/s) "
          f"in {time.perf_counter() - began:.1f} s")
    print(f"peak resident memory of the process: {peak:,.0f} MB ({peak - baseline:+,.0f} MB over the start) "
          f"(goal: well under 2,000 MB)")


if __name__ == "__main__":
    main()
