"""What fine-tuning on a person's own samples buys: held-out accuracy on that source before and after, and the change
on general data (forgetting), for N samples per character.

The "person" is one drawing style the base model never saw: GENERATED KanjiVG pen strokes (k49desk.handwriting,
style --style, default scrawl) — not handwriting, not K49. The starter model never saw scrawl (its training drawings
are neat, sloppy and cursive), so that style plays a hand it does not know. For each N, N drawings per character (seed 1) are the user's samples, given to
k49desk.finetune exactly as the Draw tab and `k49desk finetune` do (a quarter held out by the function itself is
ignored here); the measure is 20 other drawings per character of the same style (seed 2), never trained on. The
general data is a practice set rendered from IPAexGothic (80 train / 20 test per class); its test images measure
forgetting.

    python bench/finetune_gain.py [--model MODEL.keras] [--n 5 10 20] [--style scrawl] [--epochs N] [--learning-rate LR]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _common import add_smoke_flag, machine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None, help="the base model (default: the starter model)")
    parser.add_argument("--n", type=int, nargs="+", default=[5, 10, 20], help="samples per character")
    parser.add_argument("--style", default="scrawl", help="the held-out drawing style playing the user")
    parser.add_argument("--epochs", type=int, default=None, help="default: fine-tuning's (k49desk.finetune.EPOCHS)")
    parser.add_argument("--learning-rate", type=float, default=None,
                        help="default: fine-tuning's (a tenth of the model preset's recipe)")
    add_smoke_flag(parser)
    args = parser.parse_args()
    # Per character: drawings that measure the style, general training and test images.
    measure, general_train, general_test = (2, 8, 2) if args.smoke else (20, 80, 20)
    if args.smoke:
        args.n, args.epochs = [2], 1

    import numpy as np

    from k49desk import dataset, handwriting, modelio, paths, synth
    from k49desk.classes import NUM_CLASSES
    from k49desk.finetune import EPOCHS, accuracy, finetune
    from k49desk.samples import Samples

    base = args.model or paths.starter_model_path()
    style = handwriting.style(args.style)
    print(machine())
    print(f"base model: {base}; the user: GENERATED '{args.style}' KanjiVG pen strokes (not handwriting, not K49)")
    test_labels = np.repeat(np.arange(NUM_CLASSES), measure)
    test_images = handwriting.render(test_labels, style, 2)
    with tempfile.TemporaryDirectory() as tmp:
        synth.synthesize(Path(tmp) / "general", train_per_class=general_train, test_per_class=general_test, seed=0,
                         fonts=[paths.hiragana_font_path()])
        general = dataset.load(Path(tmp) / "general")
        model = modelio.load_model(base)
        before_style = accuracy(model, test_images, test_labels)
        before_general = accuracy(model, general.x_test, general.y_test)
        print(f"{'N/char':>6} {'samples':>8} {'style before':>13} {'style after':>12} {'general before':>15} "
              f"{'general after':>14} {'seconds':>8}")
        for n in args.n:
            labels = np.repeat(np.arange(NUM_CLASSES), n).astype(np.uint8)
            mine = Samples(handwriting.render(labels, style, 1), labels, [None] * len(labels))
            start = time.perf_counter()
            result = finetune(base, mine, general, runs_dir=Path(tmp) / "runs", epochs=args.epochs or EPOCHS,
                              learning_rate=args.learning_rate)
            seconds = time.perf_counter() - start
            tuned = modelio.load_model(result.model_path)
            print(f"{n:>6} {len(labels):>8} {before_style:>13.1%} {accuracy(tuned, test_images, test_labels):>12.1%} "
                  f"{before_general:>15.1%} {accuracy(tuned, general.x_test, general.y_test):>14.1%} {seconds:>8.0f}")


if __name__ == "__main__":
    main()
