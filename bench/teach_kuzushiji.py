"""Teaching a reader's kuzushiji: fine-tune on 20 REAL kuzushiji samples per character, measure on the rest, and the
cost on generated modern drawings (forgetting).

The "reader" is the real kuzushiji development set in ../shared/kuzushiji-dev/ (10 classes, 500 images each; CC BY-SA
4.0, CODH): --n images per class (seed --seed) are the reader's samples, given to k49desk.finetune exactly as the
teach panel and `k49desk finetune` do; the other images of those classes are the measure, never trained on. The
fine-tuned copy is thrown away (the development set never trains anything that ships). Forgetting is measured on
GENERATED pen-stroke drawings (KanjiVG, styles sloppy and cursive, seed 12012, 20 per class and style; not
handwriting) and on the 49 characters written out in tests/strokes.py.

    python bench/teach_kuzushiji.py [--model MODEL.keras] [--n 20] [--epochs 3] [--learning-rate 1e-4]
    python bench/teach_kuzushiji.py --smoke        # seconds: 2 samples per class, 1 epoch, a generated stand-in
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _common import machine
from kuzushiji_dev import DEV, load_dev


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None, help="the base model (default: the starter model)")
    parser.add_argument("--dev", type=Path, default=DEV, help=f"the development set's folder (default {DEV})")
    parser.add_argument("--n", type=int, default=20, help="the reader's samples per character (default 20)")
    parser.add_argument("--epochs", type=int, nargs="+", default=[None], help="fine-tuning epochs (default: "
                        "k49desk.finetune's); several values run one after another")
    parser.add_argument("--learning-rate", type=float, nargs="+", default=[None],
                        help="fine-tuning learning rates (default: k49desk.finetune's)")
    parser.add_argument("--seed", type=int, default=0, help="which images are the reader's samples")
    parser.add_argument("--smoke", action="store_true", help="2 samples per class, 1 epoch, 100 measured images")
    args = parser.parse_args()

    import numpy as np

    from k49desk import finetune, handwriting, modelio, paths
    from k49desk.classes import CLASSES, NUM_CLASSES
    from k49desk.samples import Samples
    from k49desk.rasterize import rasterize_strokes
    from strokes import STROKES
    from tiny_data import tiny_data

    base = args.model or paths.starter_model_path()
    if (args.dev / "kuzushiji-dev-imgs.npz").is_file():
        images, labels = load_dev(args.dev)
        what = "REAL kuzushiji (10 classes), ../shared/kuzushiji-dev"
    elif args.smoke:
        from tiny_data import blocks

        images, labels = blocks(12, seed=0)
        labels = labels.astype(np.int64)
        what = "generated stand-in (no development set here), not kuzushiji"
    else:
        raise SystemExit(f"{args.dev}: development set not found (kuzushiji-dev-imgs.npz)")
    n, epochs, rates = (2, [1], [None]) if args.smoke else (args.n, args.epochs, args.learning_rate)
    rng = np.random.default_rng(args.seed)
    taught = np.concatenate([rng.permutation(np.flatnonzero(labels == c))[:n] for c in np.unique(labels)])
    measured = np.setdiff1d(np.arange(len(labels)), taught)
    if args.smoke:
        measured = measured[:100]
    per_style = 2 if args.smoke else 20
    draw_labels = np.repeat(np.arange(NUM_CLASSES), per_style)
    drawings = np.concatenate([handwriting.render(draw_labels, handwriting.style(s), 12012)
                               for s in ("sloppy", "cursive")])
    drawing_labels = np.concatenate([draw_labels, draw_labels])
    written = np.stack([rasterize_strokes(strokes) for strokes in STROKES.values()])
    written_labels = np.array([next(c.index for c in CLASSES if c.char == ch) for ch in STROKES])

    def measure(model) -> tuple[float, float, float]:
        return (finetune.accuracy(model, images[measured], labels[measured]),
                finetune.accuracy(model, drawings, drawing_labels),
                finetune.accuracy(model, written, written_labels))

    print(machine())
    print(f"base model: {base}; the reader: {what}, {n} per class taught, {len(measured):,} measured; forgetting on "
          f"GENERATED drawings (sloppy + cursive, {len(drawing_labels):,}; not handwriting) and tests/strokes.py (49)")
    before = measure(modelio.load_model(base))
    print(f"{'epochs':>6} {'lr':>8} {'reader before':>14} {'after':>7} {'errors cut':>10} {'drawings':>17} "
          f"{'strokes.py':>12} {'seconds':>8}")
    mine = Samples(images[taught], labels[taught].astype(np.uint8), [None] * len(taught))
    for e in epochs:
        for lr in rates:
            with tempfile.TemporaryDirectory() as tmp:
                start = time.perf_counter()
                kwargs = {k: v for k, v in (("epochs", e), ("learning_rate", lr)) if v is not None}
                # The smoke run mixes in a tiny in-memory set instead of rendering the general practice set.
                general = tiny_data(8, 2) if args.smoke else None
                result = finetune.finetune(base, mine, general, runs_dir=Path(tmp) / "runs", **kwargs)
                seconds = time.perf_counter() - start
                after = measure(modelio.load_model(result.model_path))
            cut = (after[0] - before[0]) / (1 - before[0]) if before[0] < 1 else float("nan")
            shown_e = e if e is not None else finetune.EPOCHS
            shown_lr = lr if lr is not None else finetune.finetune_settings(finetune.arch_of(base)).learning_rate
            print(f"{shown_e:>6} {shown_lr:>8.0e} {before[0]:>14.1%} {after[0]:>7.1%} {cut:>10.0%} "
                  f"{before[1]:>7.1%} -> {after[1]:>6.1%} {before[2]:>4.0%} -> {after[2]:>4.0%} {seconds:>8.0f}")
            if args.smoke:
                assert 0 <= after[0] <= 1
    print("classes: " + " ".join(CLASSES[c].char for c in np.unique(labels)))


if __name__ == "__main__":
    main()
