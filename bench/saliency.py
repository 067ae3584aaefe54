"""Saliency: time per map for each method, its sanity figures, and the label scan over 38,547 test images.

Per method (explain.METHODS) and model: median and p95 milliseconds per map (one image, top class, the traced
graph), the share of |map| on or within one pixel of ink, and the Spearman rank correlation between the map of
the model and of the same model with randomised weights, signed and of |map| (Adebayo et al. 2018; low = the map
depends on what the model learnt). Images: the first 100 real K49 test images (/work/shared/k49) when present, else practice blocks; --data-dir
takes a practice set's test images instead (one per class and then some).
Models: the shipped starter model (resnet-small, trained on a practice set) and --run's model when given.

Label scan: the starter model predicts 38,547 random-pixel images labelled with K49's real test labels
(/work/shared/k49/k49-test-labels.npz), then `label_issues.find_label_issues` ranks them (timings do not depend
on what the pixels show; the number of candidates on random pixels means nothing).

The live overlay in the Draw tab runs in a worker, so a map's time is how far the overlay lags behind the pen,
not a cost to the canvas update (whose budget is p95 < 5 ms, bench/predict_latency.py).

    python bench/saliency.py [--run RUN_DIR] [--maps 100]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from _common import REPO, add_smoke_flag, machine, percentile

SHARED = REPO.parent / "shared" / "k49"


def test_images(count: int) -> tuple[np.ndarray, str]:
    real = SHARED / "k49-test-imgs-first100.npz"
    if real.is_file():
        with np.load(real) as f:
            return f["arr_0"][:count], f"the first {min(count, 100)} real K49 test images"
    from tiny_data import blocks

    return blocks(2, 0)[0][:count], "practice blocks (tests/tiny_data.py)"


def randomized_copy(model):
    """The same architecture with fresh random weights (Adebayo et al.'s cascading randomisation, all layers)."""
    import keras

    clone = keras.models.clone_model(model)
    clone.build(model.input_shape)
    return clone


def time_maps(model_name: str, model, images: np.ndarray, label: str) -> None:
    from k49desk.errors import BlankImage
    from k49desk.explain import METHODS, Explainer, ink_share, rank_correlation

    images = [im for im in images if im.max() > 0]
    print(f"\n{model_name} on {label} ({len(images)} images):")
    print(f"  {'method':<11} {'median ms':>9} {'p95 ms':>7} {'ink share':>10} {'corr. vs random: signed':>24} "
          f"{'|map|':>6}")
    random_model = randomized_copy(model)
    for method in METHODS:
        explainer = Explainer(model, method)
        random_explainer = Explainer(random_model, method, softmax=explainer.softmax)
        times, shares, correlations, abs_correlations = [], [], [], []
        for image in images:
            start = time.perf_counter()
            try:
                s = explainer.explain(image)
            except BlankImage:
                continue
            times.append((time.perf_counter() - start) * 1000)
            shares.append(ink_share(s.map, image))
            random_map = random_explainer.explain(image, s.target).map
            correlations.append(rank_correlation(s.map, random_map))
            abs_correlations.append(rank_correlation(s.map, random_map, absolute=True))
        print(f"  {method:<11} {np.median(times):9.2f} {percentile(times, 95):7.2f} {np.mean(shares):10.1%} "
              f"{np.median(correlations):24.2f} {np.median(abs_correlations):6.2f}")


def label_scan(model, repeats: int = 3, limit: int | None = None) -> None:
    """Predict 38,547 random-pixel images labelled with K49's real test label counts, then rank the label issues."""
    from k49desk.evaluation import predict_probabilities
    from k49desk.label_issues import find_label_issues

    labels_file = SHARED / "k49-test-labels.npz"
    if labels_file.is_file():
        with np.load(labels_file) as f:
            labels = f["arr_0"].astype(np.int64)
        source = "K49's real test labels"
    else:
        labels = np.resize(np.arange(49), 38547)
        source = "balanced labels (K49's labels not found)"
    labels = labels[:limit]
    images = np.random.default_rng(0).integers(0, 256, (len(labels), 28, 28), dtype=np.uint8)
    start = time.perf_counter()
    probs = predict_probabilities(model, images)
    predict_s = time.perf_counter() - start
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        issues = find_label_issues(labels, probs)
        times.append(time.perf_counter() - start)
    print(f"\nLabel scan over {len(labels):,} random-pixel images ({source}), starter model: predicting "
          f"{predict_s:.1f} s, ranking (cleanlab) median {np.median(times):.2f} s over {repeats} runs; "
          f"{len(issues):,} candidates (random pixels: the count means nothing)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", type=Path, default=None, help="also measure this run's model")
    parser.add_argument("--maps", type=int, default=100, help="images per method and model")
    parser.add_argument("--data-dir", type=Path, default=None, help="use this practice set's test images")
    add_smoke_flag(parser)
    args = parser.parse_args()
    if args.smoke:
        args.maps = 2

    from k49desk import dataset, evaluation, paths, runs

    print(machine())
    if args.data_dir is not None:
        data = dataset.load(args.data_dir)
        step = max(1, len(data.x_test) // args.maps)
        images, label = data.x_test[::step][:args.maps], f"{data.name} test images ({args.data_dir})"
    else:
        images, label = test_images(args.maps)
    named = [("starter model (resnet-small, trained on a practice set)", paths.starter_model_path())]
    if args.run is not None:
        run = runs.load_run(args.run)
        named.append((f"{run.info.name} ({run.info.arch}, trained on the {run.info.data_name})", run.model_path))
    for name, path in named:
        time_maps(name, evaluation.load_model(path), images, label)
    label_scan(evaluation.load_model(paths.starter_model_path()), *((1, 490) if args.smoke else (3, None)))


if __name__ == "__main__":
    main()
