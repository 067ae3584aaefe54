"""Top-1 / top-5 of a model on font families held out whole from the starter model's training, one line per font.

The images are FONT RENDERS, not handwriting and not K49: each font below draws all 49 characters, augmented toward
brush strokes exactly as `k49desk synth` does (practice-set augmentation, seed 2049), and none of these families is
among the 31 faces resources/models/rebuild_starter.sh trains on. Two are handwriting-style fonts (Seto, YOz), the
others mincho and gothic faces (an antique, a Meiji-period and a modern mincho, and a gothic). They come from
Debian packages, so the figure is reproducible:

    apt-get install fonts-seto fonts-yozvox-yozfont fonts-dejima-mincho fonts-oradano-mincho-gsrr \\
        fonts-sawarabi-gothic fonts-sawarabi-mincho
    python bench/heldout_fonts.py [--model MODEL.keras] [--per-class 100] [--fonts FILE ...]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from _common import add_smoke_flag, shown_path

_D = Path("/usr/share/fonts/truetype")
HELD_OUT = [  # (Debian package, file): one face per family
    ("fonts-seto", _D / "seto/setofont.ttf"),
    ("fonts-yozvox-yozfont", _D / "yozvox-yozfont/YOzRN_.ttf"),
    ("fonts-dejima-mincho", _D / "dejima-mincho/dejima-mincho-r227.ttf"),
    ("fonts-oradano-mincho-gsrr", _D / "oradano-mincho/OradanoGSRR.ttf"),
    ("fonts-sawarabi-mincho", _D / "sawarabi-mincho/sawarabi-mincho-medium.ttf"),
    ("fonts-sawarabi-gothic", _D / "sawarabi-gothic/sawarabi-gothic-medium.ttf"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None, help="a .keras model instead of the shipped starter model")
    parser.add_argument("--per-class", type=int, default=100, help="renders per class and font (default 100)")
    parser.add_argument("--fonts", type=Path, nargs="+", default=None, help="font files (default: the six above)")
    parser.add_argument("--seed", type=int, default=2049)
    add_smoke_flag(parser)
    args = parser.parse_args()

    import numpy as np

    from k49desk import classes, dataset, paths, synth
    from k49desk.evaluation import predict_probabilities
    from k49desk.modelio import load_model

    fonts = args.fonts or [f for _, f in HELD_OUT]
    if args.smoke:  # the held-out fonts need not be installed: the font every install has, one render per class
        fonts, args.per_class = [paths.hiragana_font_path()], 1
    missing = [str(f) for f in fonts if not f.is_file()]
    if missing:
        raise SystemExit("font files not found: " + ", ".join(missing) + "\n" + __doc__.split("\n\n")[1])
    path = args.model or paths.starter_model_path()
    model = load_model(path)
    shown = shown_path(path)
    print(f"images: FONT RENDERS (k49desk synth augmentation, seed {args.seed}), not handwriting, not K49; "
          f"{args.per_class} per class and font; fonts held out of the starter model's training")
    print(f"model: {shown} ({model.count_params():,} params)")
    all_top1 = []
    for font in fonts:
        with tempfile.TemporaryDirectory() as tmp:
            info = synth.synthesize(Path(tmp) / "set", train_per_class=1, test_per_class=args.per_class,
                                    seed=args.seed, fonts=[font])
            images = dataset.load_images(Path(tmp) / "set" / dataset.TEST_IMAGES)
            labels = dataset.load_labels(Path(tmp) / "set" / dataset.TEST_LABELS)
        probs = predict_probabilities(model, images)
        rank = (probs > probs[np.arange(len(labels)), labels][:, None]).sum(axis=1)
        top1, top5 = (rank == 0).mean(), (rank < 5).mean()
        all_top1.append(top1)
        per_class = np.bincount(labels, weights=rank == 0, minlength=classes.NUM_CLASSES) / np.bincount(
            labels, minlength=classes.NUM_CLASSES)
        worst = np.argsort(per_class, kind="stable")[:3]
        print(f"{info['fonts'][0][:28]:28} top-1 {top1:7.2%}  top-5 {top5:7.2%}  ({len(labels):,} images; weakest: "
              + ", ".join(f"{classes.CLASSES[c].char} {per_class[c]:.0%}" for c in worst) + ")")
    print(f"{'mean over fonts':28} top-1 {np.mean(all_top1):7.2%}")


if __name__ == "__main__":
    main()
