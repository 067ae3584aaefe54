"""Latency per canvas update (rasterize the strokes so far + Predictor.top_k) vs. model.predict on the same image.

Strokes: the hand-written point lists in tests/strokes.py, replayed as a person draws them: at intervals the canvas
rasterises all strokes so far and asks for the top 5. --density mouse (the default) replays them as a mouse reports
them on the Draw tab's canvas at the default window size (750 px, a point every pixel: ~1,300 points a character);
--density written replays the lists as written (300 px, a point every ~4 px). Updates are spread evenly over every
prefix of every character. Model: the shipped starter model when it exists (or --arch: an untrained preset; latency
does not depend on the weights). Same run, same images.

    python bench/predict_latency.py [--updates 400] [--density mouse|written] [--arch resnet-small]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
from _common import add_smoke_flag, machine, percentile


def canvas_updates(strokes_by_char, count: int):
    """`count` stroke prefixes as the canvas sees them while characters are drawn, evenly spread over all of them."""
    prefixes = [(strokes, s, end) for strokes in strokes_by_char.values()
                for s, stroke in enumerate(strokes) for end in range(1, len(stroke) + 1)]
    for i in np.linspace(0, len(prefixes) - 1, count).round().astype(int):
        strokes, s, end = prefixes[i]
        yield [*strokes[:s], strokes[s][:end]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=400)
    parser.add_argument("--predict-calls", type=int, default=40)
    parser.add_argument("--density", choices=("mouse", "written"), default="mouse")
    parser.add_argument("--arch", default=None, help="time an untrained preset instead of the starter model")
    add_smoke_flag(parser)
    args = parser.parse_args()
    if args.smoke:
        args.updates, args.predict_calls = 20, 3

    from strokes import STROKES, at_mouse_density

    from k49desk import models, paths
    from k49desk.errors import EmptyDrawing
    from k49desk.predictor import Predictor
    from k49desk.rasterize import rasterize_strokes

    with tempfile.TemporaryDirectory() as tmp:
        path = paths.starter_model_path()
        if args.arch or not path.is_file():
            path = Path(tmp) / f"{args.arch or 'seed-cnn'}.keras"
            models.build_model(args.arch or "seed-cnn").save(path)
        predictor = Predictor(path)
        strokes_by_char = STROKES if args.density == "written" else {
            char: at_mouse_density(strokes) for char, strokes in STROKES.items()}
        points = sum(len(s) for strokes in strokes_by_char.values() for s in strokes) / len(strokes_by_char)
        updates = list(canvas_updates(strokes_by_char, args.updates))
        ours, images = [], []
        for strokes in updates:
            start = time.perf_counter()
            try:
                image = rasterize_strokes(strokes)
            except EmptyDrawing:
                continue
            predictor.top_k(image, k=5)
            ours.append(time.perf_counter() - start)
            images.append(image)
        model = predictor.model
        model.predict(images[0][None, ..., None].astype(np.float32), verbose=0)  # first call traces; not counted
        plain = []
        for image in images[:: max(1, len(images) // args.predict_calls)][: args.predict_calls]:
            start = time.perf_counter()
            model.predict(image[None, ..., None].astype(np.float32), verbose=0)
            plain.append(time.perf_counter() - start)
    p50, p95 = percentile(ours, 50) * 1e3, percentile(ours, 95) * 1e3
    q50, q95 = percentile(plain, 50) * 1e3, percentile(plain, 95) * 1e3
    print(f"machine: {machine()}")
    print(f"model: {path.name} ({model.count_params():,} params); {len(ours)} canvas updates from tests/strokes.py "
          f"at {args.density} density ({points:,.0f} points per character drawn)")
    print(f"rasterize_strokes + Predictor.top_k: p50 {p50:.2f} ms, p95 {p95:.2f} ms (goal p95 < 5 ms)")
    print(f"model.predict on the same images ({len(plain)} calls): p50 {q50:.1f} ms, p95 {q95:.1f} ms")
    print(f"speed-up at p50: {q50 / p50:.0f}x, at p95: {q95 / p95:.0f}x (goal >= 20x)")


if __name__ == "__main__":
    main()
