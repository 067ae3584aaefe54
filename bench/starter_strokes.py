"""Top-5 of the starter model for every hand-written character in tests/strokes.py, rasterised as the canvas does.

Strokes: the hand-written point lists in tests/strokes.py (mouse strokes on a 300x300 canvas), each character
rasterised whole with rasterize_strokes and its default pen width, exactly as the Draw tab does. Model: the shipped
starter model (or --model), which was trained on a font-rendered practice set, not on K49; so this measures how
it copes with handwriting, not how well a model trained on K49 would do.

--density mouse replays the strokes as a mouse reports them on the Draw tab's 750 px canvas (a point every pixel,
rounded to whole pixels); --jitter PX adds a hand's tremor: every point moved by a seeded Gaussian of PX pixels.

    python bench/starter_strokes.py [--model path/to/model.keras] [-k 5] [--density written|mouse] [--jitter 1.5]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from _common import add_smoke_flag, shown_path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None, help="a .keras model instead of the shipped starter model")
    parser.add_argument("-k", type=int, default=5, help="how many candidates to show and count (default 5)")
    parser.add_argument("--density", choices=("written", "mouse"), default="written")
    parser.add_argument("--jitter", type=float, default=0.0, help="tremor in canvas pixels (Gaussian sigma)")
    add_smoke_flag(parser)  # it takes seconds anyway: --smoke runs it as it is
    args = parser.parse_args()

    import numpy as np
    from strokes import STROKES, at_mouse_density

    from k49desk import paths
    from k49desk.predictor import Predictor
    from k49desk.rasterize import rasterize_strokes

    path = args.model or paths.starter_model_path()
    if not path.is_file():
        raise SystemExit(f"no model at {path}")
    predictor = Predictor(path)
    shown = shown_path(path)
    print(f"strokes: {len(STROKES)} characters hand-written as point lists in tests/strokes.py (not K49 images), "
          f"rasterised with rasterize_strokes(strokes) at its default pen width, as the canvas does")
    print(f"model: {shown} ({predictor.model.count_params():,} params); the starter model was trained on a "
          f"practice set (font renders and generated pen strokes), not on K49")
    print(f"replayed: {args.density} density" + (f", tremor of {args.jitter:g} px (seed 0)" if args.jitter else ""))
    rng = np.random.default_rng(0)
    top1, topk, missed = 0, 0, []
    for char, strokes in STROKES.items():
        if args.density == "mouse":
            strokes = at_mouse_density(strokes)
        if args.jitter:
            strokes = [(np.asarray(s, float) + rng.normal(0, args.jitter, (len(s), 2))).tolist() for s in strokes]
        top = predictor.top_k(rasterize_strokes(strokes), k=args.k)
        chars = [c.char for c, _ in top]
        rank = chars.index(char) + 1 if char in chars else None
        top1 += rank == 1
        topk += rank is not None
        if rank is None:
            missed.append(char)
        verdict = "top-1" if rank == 1 else f"rank {rank}" if rank else "MISS"
        candidates = "  ".join(f"{c.char} {p * 100:5.1f}%" for c, p in top)
        print(f"{char} ({len(strokes)} stroke{'s' if len(strokes) > 1 else ''}): {verdict:6}  {candidates}")
    n = len(STROKES)
    print(f"top-1: {top1}/{n} ({top1 / n:.0%}); top-{args.k}: {topk}/{n} ({topk / n:.0%})")
    print(f"not in the top {args.k}: {' '.join(missed) if missed else 'none'}")


if __name__ == "__main__":
    main()
