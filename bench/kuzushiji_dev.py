"""Top-1 / top-5 (49-way) of a model on REAL kuzushiji: the development set in ../shared/kuzushiji-dev/.

5,000 real kuzushiji character images of 10 of K49's classes (お き す つ な は ま や れ を), 500 each, from the
KMNIST test set (CC BY-SA 4.0, CODH; read its README). The model chooses among all 49 classes. For measuring only:
nothing that ships is trained or tuned on these images.

    python bench/kuzushiji_dev.py [--model MODEL.keras] [--dev DIR]
    python bench/kuzushiji_dev.py --smoke     # seconds: the shipped starter on 50 images (or a generated stand-in)
"""

from __future__ import annotations

import argparse
from pathlib import Path

from _common import REPO, shown_path

DEV = REPO.parent / "shared" / "kuzushiji-dev"


def load_dev(folder: Path):
    """(images (n, 28, 28) uint8, K49 labels (n,)) of the development set in `folder`."""
    import numpy as np

    with np.load(folder / "kuzushiji-dev-imgs.npz") as f:
        images = f["arr_0"]
    with np.load(folder / "kuzushiji-dev-labels.npz") as f:
        labels = f["arr_0"].astype(np.int64)
    return images, labels


def scores(probs, labels) -> dict:
    """{top1, top5, per_class: {class index: top-1}} from (n, 49) probabilities and true labels."""
    import numpy as np

    rank = (probs > probs[np.arange(len(labels)), labels][:, None]).sum(axis=1)
    per_class = {int(c): float((rank[labels == c] == 0).mean()) for c in np.unique(labels)}
    return {"top1": float((rank == 0).mean()), "top5": float((rank < 5).mean()), "per_class": per_class}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None, help="a .keras model instead of the shipped starter model")
    parser.add_argument("--dev", type=Path, default=DEV, help=f"the development set's folder (default {DEV})")
    parser.add_argument("--smoke", action="store_true",
                        help="50 images only; without the development set, a generated stand-in (not kuzushiji)")
    args = parser.parse_args()

    from k49desk import classes, paths
    from k49desk.evaluation import predict_probabilities
    from k49desk.modelio import load_model

    path = args.model or paths.starter_model_path()
    model = load_model(path)
    if (args.dev / "kuzushiji-dev-imgs.npz").is_file():
        images, labels = load_dev(args.dev)
        what = "REAL kuzushiji (10 classes), ../shared/kuzushiji-dev"
    elif args.smoke:
        from tiny_data import blocks

        images, labels = blocks(1, seed=0)
        what = "generated stand-in (no development set here), not kuzushiji"
    else:
        raise SystemExit(f"{args.dev}: development set not found (kuzushiji-dev-imgs.npz)")
    if args.smoke:
        images, labels = images[::max(1, len(labels) // 50)], labels[::max(1, len(labels) // 50)]
    result = scores(predict_probabilities(model, images), labels)
    print(f"images: {what}; {len(labels):,} images, 49-way")
    print(f"model: {shown_path(path)} ({model.count_params():,} params)")
    print(f"top-1 {result['top1']:.2%}  top-5 {result['top5']:.2%}")
    print("per class top-1: " + "  ".join(f"{classes.CLASSES[c].char} {v:.0%}" for c, v in result["per_class"].items()))


if __name__ == "__main__":
    main()
