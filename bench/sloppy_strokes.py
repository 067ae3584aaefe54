"""Top-1 / top-5 of a model on generated pen-stroke drawings of all 49 characters, per drawing style.

The drawings are GENERATED, not handwriting and not K49: KanjiVG's stroke centre-lines (CC BY-SA 3.0, Ulrich Apel,
https://kanjivg.tagaini.net) varied by k49desk.handwriting in the named styles (neat, sloppy, cursive, scrawl:
stroke position, length and angle, slant, aspect, warps, tremor, pen width, hooks and tails, strokes run together)
and rasterised exactly as the Draw tab does. The seed (default 12012) is one no practice set or rebuild script
uses, so the drawings are held out from any model trained on `k49desk synth --strokes-per-class` sets; a style
left out of a model's training (`--stroke-styles`) is held out whole, as scrawl is from the rebuild script's.
Also prints how fast the drawings are made (one thread).

    python bench/sloppy_strokes.py [--model MODEL.keras] [--per-class 100] [--styles sloppy cursive] [--seed 12012]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from _common import add_smoke_flag, shown_path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None, help="a .keras model instead of the shipped starter model")
    parser.add_argument("--per-class", type=int, default=100, help="drawings per class and style (default 100)")
    parser.add_argument("--styles", nargs="+", default=["neat", "sloppy", "cursive", "scrawl"])
    parser.add_argument("--seed", type=int, default=12012, help="held-out seed (default 12012)")
    add_smoke_flag(parser)
    args = parser.parse_args()
    if args.smoke:
        args.per_class, args.styles = 1, args.styles[:2]

    import numpy as np

    from k49desk import classes, handwriting, paths
    from k49desk.evaluation import predict_probabilities
    from k49desk.modelio import load_model

    path = args.model or paths.starter_model_path()
    model = load_model(path)
    shown = shown_path(path)
    labels = np.repeat(np.arange(classes.NUM_CLASSES), args.per_class)
    print(f"drawings: GENERATED pen strokes (k49desk.handwriting from KanjiVG {handwriting.kanjivg_version()}), "
          f"not handwriting, not K49; {args.per_class} per class and style, seed {args.seed}, rasterised as the "
          f"Draw tab does")
    print(f"model: {shown} ({model.count_params():,} params)")
    for name, seed in zip(args.styles, np.random.SeedSequence(args.seed).spawn(len(args.styles))):
        started, cpu = time.perf_counter(), time.process_time()
        images = handwriting.render(labels, handwriting.style(name), seed)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        probs = predict_probabilities(model, images)
        rank = (probs > probs[np.arange(len(labels)), labels][:, None]).sum(axis=1)
        top1, top5 = (rank == 0).mean(), (rank < 5).mean()
        per_class = np.bincount(labels, weights=rank == 0, minlength=classes.NUM_CLASSES) / args.per_class
        worst = np.argsort(per_class, kind="stable")[:5]
        print(f"{name:8} top-1 {top1:7.2%}  top-5 {top5:7.2%}  ({len(labels):,} drawings; weakest: "
              + ", ".join(f"{classes.CLASSES[c].char} {per_class[c]:.0%}" for c in worst)
              + f")  made in {wall:.1f} s, {cpu / len(labels) * 1e3:.2f} ms CPU per drawing")


if __name__ == "__main__":
    main()
