"""Wall time to evaluate 38,547 test images end to end: load the data and model, predict, metrics, write the files.

The test set is a practice set rendered from fonts (not K49) with K49's real per-class test counts (from
../shared/k49/k49-test-labels.npz when present, else 787 per class, also 38,563 images). Models: each preset,
untrained (prediction cost does not depend on the weights). Medians over --reps repetitions.

    python bench/evaluate.py [--reps 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from _common import REPO, add_smoke_flag, machine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--archs", nargs="+", default=["seed-cnn", "resnet-small"])
    add_smoke_flag(parser)
    args = parser.parse_args()
    if args.smoke:
        args.reps, args.archs = 1, ["seed-cnn"]

    from k49desk import dataset, evaluation, modelio, models, synth

    labels = REPO.parent / "shared" / "k49" / "k49-test-labels.npz"
    test_counts = (np.bincount(dataset.load_labels(labels), minlength=49) if labels.is_file()
                   else np.full(49, 787))
    counts_note = "K49 real test class counts" if labels.is_file() else "787 per class"
    if args.smoke:
        test_counts, counts_note = np.full(49, 2), "2 per class (--smoke)"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        synth.synthesize(tmp / "practice", class_counts=(np.ones(49, int), test_counts), seed=0)
        print(f"machine: {machine()}")
        print(f"data: practice set (not K49), {int(test_counts.sum()):,} test images with "
              f"{counts_note}")
        for arch in args.archs:
            path = tmp / f"{arch}.keras"
            models.build_model(arch).save(path)
            parts = {"load data": [], "load model": [], "predict": [], "metrics": [], "write files": [], "total": []}
            for _ in range(args.reps):
                t0 = time.perf_counter()
                data = dataset.load(tmp / "practice")
                t1 = time.perf_counter()
                model = modelio.load_model(path)
                t2 = time.perf_counter()
                probs = evaluation.predict_probabilities(model, data.x_test)
                t3 = time.perf_counter()
                ev = evaluation.from_probabilities(data.y_test, probs, data_name=data.name, practice=True,
                                                   model_name=arch)
                ev.pairs(by="count"), ev.pairs(by="rate"), ev.confusion_normalized
                t4 = time.perf_counter()
                evaluation.write_evaluation(ev, tmp / "out")
                t5 = time.perf_counter()
                for key, value in zip(parts, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t5 - t0)):
                    parts[key].append(value)
            med = {k: statistics.median(v) for k, v in parts.items()}
            print(f"{arch}: end to end {med['total']:.2f} s median of {args.reps} "
                  f"({len(data.y_test) / med['predict']:,.0f} images/s predicting) — "
                  + ", ".join(f"{k} {v:.2f} s" for k, v in med.items() if k != "total"))


if __name__ == "__main__":
    main()
