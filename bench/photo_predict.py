"""The starter model on generated photos and scans of characters: the image path (k49desk.photo) against the one
it replaced (grey, inverted when the mean is light, ink box cropped) and against the same strokes drawn on the canvas.

Pictures: the 44 hand-written characters of tests/strokes.py written with a pen on generated paper (tests/photos.py)
in several styles: a clean scan, a scanner (grain, noise, JPEG 90), a phone (uneven light, grain, noise, JPEG 70),
light ink on a dark ground, and the phone style with the character small in a large picture; --seeds pictures of
each character per style. They are synthetic, made here, not scans of real handwriting; the figures say how the image
path copes with paper, light and noise, not how a model reads real scans.

With --drawings N, also N GENERATED KanjiVG drawings per character and drawing style (k49desk.handwriting, styles
neat and sloppy, a seed no practice set uses), photographed in every photo style: each is compared with the same
drawing rasterised by the Draw tab (the character framed exactly, as if cropped by hand), so the gap between the two
columns is what the paper, the light and the framing cost.

With --k49 (needs ../shared/k49), also the first 100 real K49 test images, each printed large on generated paper
and photographed in every photo style: real brush-written characters, K49's own framing as the reference. The
figure to read is the agreement with the model's answer on the K49 image itself (the starter model reads kuzushiji
poorly, so its top-1 there is low either way).

With --kuzushiji N (needs ../shared/kuzushiji-dev), N real kuzushiji images per class of the development set (10
classes), printed and photographed the same way: the "printed on paper and read through `k49desk predict`" figure.

    python bench/photo_predict.py [--model path/to/model.keras] [--seeds 3] [--drawings 10] [--k49] [--kuzushiji 50]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from _common import add_smoke_flag, machine


def _old_path(grey):
    """The image path before k49desk.photo: inverted when the mean is light, then the ink box framed."""
    import numpy as np

    from k49desk.rasterize import frame_like_k49

    grey = np.asarray(grey, np.float32)
    return frame_like_k49(255 - grey if grey.mean() > 127 else grey)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None, help="a .keras model instead of the shipped starter model")
    parser.add_argument("--seeds", type=int, default=3, help="pictures per character and style (default 3)")
    parser.add_argument("--drawings", type=int, default=0,
                        help="also N generated KanjiVG drawings per character and drawing style (default 0)")
    parser.add_argument("--k49", action="store_true", help="also the first 100 real K49 test images, photographed")
    parser.add_argument("--kuzushiji", type=int, default=0, metavar="N",
                        help="also N real kuzushiji images per class of the development set, photographed")
    add_smoke_flag(parser)
    args = parser.parse_args()
    if args.smoke:
        args.seeds, args.drawings = 1, 0

    import numpy as np
    from photos import STYLES, character_on_paper
    from strokes import STROKES

    from k49desk import paths
    from k49desk.errors import K49Error
    from k49desk.photo import frame_photo
    from k49desk.predictor import Predictor
    from k49desk.rasterize import rasterize_strokes

    characters = dict(list(STROKES.items())[:3]) if args.smoke else STROKES
    predictor = Predictor(args.model or paths.starter_model_path())
    print(machine())
    print(f"model: {predictor.name} ({predictor.model.count_params():,} params); trained on "
          f"{'a practice set, not K49' if predictor.practice else 'see run.json'}")
    print(f"pictures: {len(characters)} characters x {args.seeds} seeds per style, GENERATED here (tests/photos.py), "
          f"not real scans")
    canvas_hits = sum(predictor.top_k(rasterize_strokes(s), 1)[0][0].char == c for c, s in characters.items())
    print(f"canvas (the same strokes drawn on the Draw tab): top-1 {canvas_hits}/{len(characters)}")
    print(f"{'style':24} {'old path top-1':>15} {'new top-1':>10} {'new top-5':>10} {'refused':>8} {'ms/picture':>11}")
    for name, style in STYLES.items():
        old = new1 = new5 = refused = 0
        times = []
        for seed in range(args.seeds):
            for i, (char, strokes) in enumerate(characters.items()):
                picture = character_on_paper(strokes, style, seed=1000 * seed + i)
                try:
                    old += predictor.top_k(_old_path(picture), 1)[0][0].char == char
                except K49Error:
                    pass
                start = time.perf_counter()
                try:
                    framed = frame_photo(picture).image
                except K49Error:
                    refused += 1
                    continue
                times.append(time.perf_counter() - start)
                top = [h.char for h, _ in predictor.top_k(framed, 5)]
                new1 += top[0] == char
                new5 += char in top
        n = args.seeds * len(characters)
        print(f"{name:24} {old / n:>15.1%} {new1 / n:>10.1%} {new5 / n:>10.1%} {refused:>8} "
              f"{1000 * float(np.median(times)):>11.1f}")
    if args.drawings:
        _drawings(predictor, args.drawings)
    if args.k49:
        _k49(predictor)
    if args.kuzushiji:
        _kuzushiji(predictor, args.kuzushiji)


def _k49(predictor) -> None:
    """The first 100 real K49 test images photographed."""
    from k49desk import dataset

    shared = Path(__file__).resolve().parents[2] / "shared" / "k49"
    images = dataset.load_images(shared / "k49-test-imgs-first100.npz")
    labels = dataset.load_labels(shared / dataset.TEST_LABELS)[: len(images)]
    _real_photographed(predictor, images, labels, f"real K49: the first {len(images)} test images ({shared})")


def _kuzushiji(predictor, per_class: int) -> None:
    """Real kuzushiji from the development set photographed (per_class images of each of its 10 classes)."""
    import numpy as np
    from kuzushiji_dev import DEV, load_dev

    images, labels = load_dev(DEV)
    pick = np.concatenate([np.flatnonzero(labels == c)[:per_class] for c in np.unique(labels)])
    _real_photographed(predictor, images[pick], labels[pick],
                       f"REAL kuzushiji (10 classes): {len(pick)} images of the development set ({DEV})")


def _real_photographed(predictor, images, labels, what: str) -> None:
    """Real character images, each printed large on generated paper and photographed in every photo style: the
    image path's answer against the answer on the image itself, and top-1 against the truth."""
    import numpy as np
    from photos import STYLES, k49_image_on_paper

    from k49desk.errors import K49Error
    from k49desk.photo import frame_photo

    direct = [predictor.top_k(image, 1)[0][0].index for image in images]
    print(f"{what} printed on GENERATED paper and photographed; on the images themselves top-1 "
          f"{np.mean(np.array(direct) == labels):.1%}")
    print(f"{'photo style':24} {'same answer':>12} {'photo top-1':>12} {'refused':>8}")
    for name, style in STYLES.items():
        same = hit = refused = 0
        for i, (image, label, answer) in enumerate(zip(images, labels, direct)):
            try:
                framed = frame_photo(k49_image_on_paper(image, style, seed=i)).image
            except K49Error:
                refused += 1
                continue
            top = predictor.top_k(framed, 1)[0][0].index
            same += top == answer
            hit += top == label
        print(f"{name:24} {same / len(images):>12.1%} {hit / len(images):>12.1%} {refused:>8}")


def _drawings(predictor, per_class: int) -> None:
    """Generated drawings photographed: the image path against the same drawing framed by the canvas rasteriser."""
    import numpy as np
    from photos import STYLES, character_on_paper

    from k49desk import classes, handwriting
    from k49desk.errors import K49Error
    from k49desk.photo import frame_photo
    from k49desk.rasterize import rasterize_strokes

    print(f"drawings: {per_class} GENERATED KanjiVG drawings per character and drawing style (seed 31337), "
          f"photographed in each photo style; not handwriting, not real scans")
    print(f"{'drawing / photo':33} {'canvas top-1':>13} {'photo top-1':>12} {'photo top-5':>12} {'refused':>8}")
    for drawing_style in ("neat", "sloppy"):
        rng = np.random.default_rng(31337)
        items = [(c.char, strokes) for c in classes.CLASSES
                 for strokes in handwriting.draw(c.char, per_class, handwriting.style(drawing_style), rng)]
        canvas = sum(predictor.top_k(rasterize_strokes(s), 1)[0][0].char == c for c, s in items) / len(items)
        for name, style in STYLES.items():
            hit1 = hit5 = refused = 0
            for i, (char, strokes) in enumerate(items):
                try:
                    framed = frame_photo(character_on_paper(strokes, style, seed=i)).image
                except K49Error:
                    refused += 1
                    continue
                top = [h.char for h, _ in predictor.top_k(framed, 5)]
                hit1 += top[0] == char
                hit5 += char in top
            print(f"{drawing_style + ' / ' + name:33} {canvas:>13.1%} {hit1 / len(items):>12.1%} "
                  f"{hit5 / len(items):>12.1%} {refused:>8}")


if __name__ == "__main__":
    main()
