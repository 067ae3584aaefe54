"""Command line: the same core functions as the GUI. No subcommand starts the GUI."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from k49desk.errors import Cancelled, DataError, K49Error
from k49desk.formatting import human_bytes
from k49desk.progress import Throttle

EXIT_USER_ERROR = 2
EXIT_CANCELLED = 130


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be at least 0, not {value}")
    return value


def _fraction(text: str) -> float:
    value = float(text)
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, not {value}")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive, not {value}")
    return value


class _Bar:
    """A one-line progress bar on stderr, redrawn at most 10 times a second; in a log file only its forced states."""

    def __init__(self, label: str = ""):
        self.label = label
        self.throttle = Throttle()
        self.shown = False
        self.live = sys.stderr.isatty()

    def update(self, done: float, total: float, extra: str = "", force: bool = False) -> None:
        if not (force or self.live) or not self.throttle.due(force=force):
            return
        fraction = min(done / total, 1.0) if total else 0.0
        filled = int(fraction * 30)
        sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (30 - filled)}] {fraction:6.1%} {extra}\033[K")
        sys.stderr.flush()
        self.shown = True

    def close(self, keep: bool = True) -> None:
        """End the bar's line, or erase it (keep=False) so that the next printed line takes its place."""
        if self.shown:
            sys.stderr.write("\n" if keep or not self.live else "\r\033[K")
            sys.stderr.flush()
            self.shown = False


def _cmd_download(args) -> int:
    from k49desk.download import download

    bars: dict[str, _Bar] = {}

    def progress(p):
        bar = bars.get(p.file)
        if bar is None:
            for old in bars.values():
                old.close()
            bar = bars[p.file] = _Bar(f"{p.file_index + 1}/{p.file_count} {p.file}")
        eta = f" ETA {p.eta_s:.0f}s" if p.eta_s is not None else ""
        bar.update(p.done, p.total, f"{human_bytes(p.done)}/{human_bytes(p.total)} "
                                    f"{human_bytes(p.bytes_per_s)}/s{eta}", force=p.done >= p.total)

    try:
        paths = download(args.data_dir, args.base_url, progress=progress)
    finally:
        for bar in bars.values():
            bar.close()
    print(f"K49 is complete in {args.data_dir} ({len(paths)} files, checksums verified)")
    return 0


def _cmd_synth(args) -> int:
    from k49desk import synth

    for part, fonts, strokes in (("training", args.train_per_class, args.strokes_per_class),
                                 ("test", args.test_per_class, args.test_strokes_per_class)):
        if fonts + strokes == 0:
            raise DataError(f"the {part} part would be empty: give it font renders or pen strokes per class")
    bar = _Bar("practice set")
    try:
        info = synth.synthesize(args.out_dir, train_per_class=args.train_per_class,
                                test_per_class=args.test_per_class, seed=args.seed, fonts=args.fonts,
                                strokes_per_class=args.strokes_per_class,
                                test_strokes_per_class=args.test_strokes_per_class, stroke_styles=args.stroke_styles,
                                progress=lambda p: bar.update(p.done, p.total, p.stage))
    finally:
        bar.close()
    print(f"Practice set (not K49) written to {args.out_dir}: {info['train_size']:,} training and "
          f"{info['test_size']:,} test images, seed {info['seed']}, in {info['seconds']:.1f}s")
    if "strokes" in info:
        strokes = info["strokes"]
        print(f"Pen strokes ({', '.join(strokes['styles'])}): {strokes['train_per_class']} training and "
              f"{strokes['test_per_class']} test drawings per class, from KanjiVG {strokes['kanjivg_version']} "
              f"({strokes['licence']}, {strokes['attribution']}, {strokes['url']})")
    if not info["fonts"]:
        return 0
    source = "the fonts given" if args.fonts else "the installed Japanese fonts"
    print(f"Fonts used ({len(info['fonts'])}, from {source}):")
    for name, file in zip(info["fonts"], info["font_files"]):
        print(f"  {name}  ({file})")
    skipped = info["fonts_skipped"]
    print(f"Fonts skipped ({len(skipped)}):" if skipped else "Fonts skipped: none")
    for s in skipped:
        print(f"  {s['name']}  ({s['file']}): {s['reason']}")
    return 0


def _cmd_archs(args) -> int:
    from k49desk import models
    from k49desk.tfstart import start_tensorflow

    start_tensorflow()

    rows = models.describe()
    width = max(len(name) for name, _, _ in rows)
    for name, params, description in rows:
        print(f"{name:<{width}}  {params:>9,} params  {description}")
    return 0


def _sigint_sets(event: threading.Event):
    """First Ctrl+C asks the work to stop cleanly; a second one interrupts at once. Returns the old handler."""

    def handler(signum, frame):
        if event.is_set():
            raise KeyboardInterrupt
        event.set()
        sys.stderr.write("\nStopping after the current batch (Ctrl+C again to abort)...\n")

    return signal.signal(signal.SIGINT, handler)


def _cmd_train(args) -> int:
    from k49desk import dataset, paths, training
    from k49desk.tfstart import start_tensorflow

    data = dataset.load(args.data_dir)
    if (warning := data.coverage_warning()) is not None:
        print(f"k49desk: warning: {data.data_dir}: {warning}", file=sys.stderr)
    start_tensorflow()
    settings = training.TrainSettings(arch=args.arch, epochs=args.epochs, batch_size=args.batch_size,
                                      learning_rate=args.learning_rate, validation_split=args.validation_split,
                                      seed=args.seed)
    if args.out is not None:
        runs_dir, run_name = args.out.parent, args.out.name
    else:
        runs_dir, run_name = args.runs_dir or paths.default_runs_dir(), None
    trainer = training.Trainer(data, settings, runs_dir, run_name)
    bar = _Bar()

    def progress(event):
        if isinstance(event, training.TrainingStarted):
            print(f"Training {settings.arch} on the {data.name} ({data.data_dir}): {event.train_size:,} training / "
                  f"{event.val_size:,} validation images (stratified split), batch {settings.batch_size}, "
                  f"{event.batches_per_epoch} batches per epoch", flush=True)
        elif isinstance(event, training.BatchProgress):
            bar.label = f"Epoch {event.epoch}/{event.epochs}"
            bar.update(event.batch, event.batches, f"loss {event.loss:.4f} accuracy {event.accuracy:.4f} "
                                                   f"{event.samples_per_s:,.0f} samples/s ETA {event.eta_s:.0f}s")
        elif isinstance(event, training.EpochEnd):
            bar.close(keep=False)
            logs = event.logs
            print(f"Epoch {event.epoch}/{event.epochs} - {logs['seconds']:.1f}s - loss: {logs['loss']:.4f} - "
                  f"accuracy: {logs['accuracy']:.4f} - val_loss: {logs['val_loss']:.4f} - "
                  f"val_accuracy: {logs['val_accuracy']:.4f}", flush=True)

    cancel = threading.Event()
    previous = _sigint_sets(cancel) if threading.current_thread() is threading.main_thread() else None
    try:
        info = trainer.run(progress=progress, cancel=cancel)
    finally:
        bar.close()
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    how = "stopped early" if info.status == "stopped" else "completed"
    print(f"Run {how}: {info.epochs_done}/{info.epochs_planned} epochs, best val_accuracy "
          f"{info.best_val_accuracy:.4f} ({info.data_name}), saved in {info.path}")
    return 0


def _model_path(target: Path) -> Path:
    """The best model of a run folder, or the model file itself."""
    from k49desk import runs

    return runs.load_run(target).model_path if target.is_dir() else target


def _cmd_evaluate(args) -> int:
    from k49desk import dataset, evaluation, files, modelio
    from k49desk.tfstart import start_tensorflow

    model_path = _model_path(args.model)
    if args.out is not None:
        out = args.out
    elif args.model.is_dir():
        out = args.model / "evaluation"
    else:
        out = model_path.with_name(f"{model_path.stem}-evaluation")
    files.check_output_folder(out, "evaluation folder")  # before predicting the whole test set
    start_tensorflow()
    model = modelio.load_model(model_path)
    data = dataset.load(args.data_dir)
    bar = _Bar("predicting")
    try:
        ev = evaluation.evaluate(model, data, progress=lambda p: bar.update(p.done, p.total, f"{p.done:,}/{p.total:,}"))
    finally:
        bar.close()
    ev.model_name = modelio.model_label(model_path)
    written = evaluation.write_evaluation(ev, out)
    print(evaluation.summary(ev))
    print(f"Wrote {', '.join(p.name for p in written)} to {out}")
    return 0


def _load_images(path: Path) -> list[tuple[str, object]]:
    """(label, 28x28 uint8) for each image in a picture file (a photo or scan of one character, framed like K49 by
    k49desk.photo) or an npz (arr_0, already K49 images)."""
    import numpy as np

    from k49desk.errors import DataError

    if not path.is_file():
        raise DataError(f"{path}: image file not found")
    if path.suffix.lower() == ".npz":
        from k49desk.dataset import read_arr0

        images = read_arr0(path)
        if images.dtype != np.uint8 or images.shape[-2:] != (28, 28) or images.ndim not in (2, 3):
            hint = ("; scale float images to 0..255 and store them as uint8"
                    if images.dtype.kind == "f" and images.shape[-2:] == (28, 28) else "")
            raise DataError(f"{path}: arr_0 has shape {images.shape} and dtype {images.dtype}, expected N x 28 x 28 "
                            f"uint8 images (pixel values 0..255, white ink on black, as in K49){hint}")
        images = images[None] if images.ndim == 2 else images
        if len(images) == 0:
            raise DataError(f"{path}: holds no images (arr_0 has shape {images.shape}), nothing to predict")
        return [(f"{path.name}[{i}]", image) for i, image in enumerate(images)]
    from k49desk.photo import image_file_to_k49

    return [(path.name, image_file_to_k49(path))]


def _cmd_predict(args) -> int:
    from k49desk.predictor import Predictor
    from k49desk.tfstart import start_tensorflow

    inputs = [item for path in args.images for item in _load_images(path)]
    start_tensorflow()
    predictor = Predictor(_model_path(args.model))
    trained = predictor.trained_on
    if trained is None:
        about = "training data unknown (a bare model file records none; runs record theirs in run.json)"
    elif trained["practice"]:
        about = (f"trained on a PRACTICE SET (font renders, not K49; {trained['source']}): "
                 f"weak on real kuzushiji")
    else:
        about = f"trained on {trained['name']} ({trained['source']})"
    print(f"Model {predictor.name}: {about}")
    if predictor.applies_softmax:
        print("  its outputs are not probabilities (logits): softmax applied")
    for label, image in inputs:
        print(f"{label}:")
        for rank, (h, p) in enumerate(predictor.top_k(image, k=5), start=1):
            print(f"  {rank}. {h.char} ({h.romaji}) {p:7.2%}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="k49desk",
        description="Train, evaluate and draw handwritten hiragana with Kuzushiji-49 (K49). "
                    "Without a command, the desktop app opens.",
    )
    # CI: open the real window, wait until it is on screen and TensorFlow has loaded, close it; status 0.
    parser.add_argument("--smoke-test", action="store_true", help=argparse.SUPPRESS)
    parser.set_defaults(func=_start_gui)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    data_help = "data folder (default: $K49DESK_DATA or the user data folder's k49)"

    p = sub.add_parser("download", help="download the five official K49 files (resumes, verifies md5)")
    p.add_argument("--data-dir", type=Path, default=None, help=data_help)
    p.add_argument("--base-url", default=None, help="mirror to download from (default: the official CODH site)")
    p.set_defaults(func=_cmd_download)

    p = sub.add_parser("synth", help="render a K49-format practice set from Japanese fonts (not K49)")
    p.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    p.add_argument("--train-per-class", type=_non_negative_int, default=200, metavar="N",
                   help="font renders per class in the training part (default 200)")
    p.add_argument("--test-per-class", type=_non_negative_int, default=40, metavar="N",
                   help="font renders per class in the test part (default 40)")
    p.add_argument("--strokes-per-class", type=_non_negative_int, default=0, metavar="N",
                   help="pen-stroke drawings per class from KanjiVG added to the training part (default 0; needs "
                        "the 'strokes' extra)")
    p.add_argument("--test-strokes-per-class", type=_non_negative_int, default=0, metavar="N",
                   help="pen-stroke drawings per class added to the test part (default 0)")
    p.add_argument("--stroke-styles", nargs="+", default=["neat", "sloppy", "cursive"], metavar="STYLE",
                   help="how the pen strokes are drawn, shared evenly: neat, sloppy, cursive, scrawl (default the "
                        "first three); leave one out to validate on a style the model never saw")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="same seed, same bytes (default 0)")
    p.add_argument("--fonts", type=Path, nargs="+", default=None, metavar="FILE",
                   help="render from these font files only (default: every installed Japanese font that covers the "
                        "49 characters, one face per family and design); same seed and fonts, same bytes")
    p.set_defaults(func=_cmd_synth)

    p = sub.add_parser("archs", help="list the model presets with their parameter counts")
    p.set_defaults(func=_cmd_archs)

    from k49desk.models import ARCHITECTURES
    from k49desk.training import DEFAULT_BATCH_SIZE

    p = sub.add_parser("train", help="train a preset and write a run folder",
                       description="Train a model preset. The validation part is a stratified, seeded split of the "
                                   "training set (every class keeps its share), not Keras' tail split. "
                                   "Ctrl+C stops after the current batch and keeps the completed epochs.")
    p.add_argument("--data-dir", type=Path, default=None, help=data_help)
    p.add_argument("--arch", default="seed-cnn", choices=list(ARCHITECTURES), help="model preset (default seed-cnn)")
    p.add_argument("--epochs", type=_positive_int, default=10, metavar="N")
    p.add_argument("--batch-size", type=_positive_int, default=DEFAULT_BATCH_SIZE, metavar="B",
                   help=f"default {DEFAULT_BATCH_SIZE}: ~1.7x the seed's 32 in samples/s on CPU")
    p.add_argument("--learning-rate", type=_positive_float, default=1e-3, metavar="LR", help="Adam (default 0.001)")
    p.add_argument("--validation-split", type=_fraction, default=0.3, metavar="F",
                   help="share of the training set held out, stratified by class (default 0.3)")
    p.add_argument("--seed", type=int, default=0, metavar="S")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--out", type=Path, default=None, metavar="RUN_DIR", help="the run folder to create")
    where.add_argument("--runs-dir", type=Path, default=None, metavar="DIR",
                       help="create a new dated run folder here (default: $K49DESK_RUNS or the user data folder)")
    p.set_defaults(func=_cmd_train)

    p = sub.add_parser("evaluate", help="accuracy, balanced accuracy, per-class report, confusions on the test set")
    p.add_argument("model", type=Path, metavar="RUN_DIR_OR_MODEL")
    p.add_argument("--data-dir", type=Path, default=None, help=data_help)
    p.add_argument("--out", type=Path, default=None, metavar="DIR",
                   help="where to write the CSV and npy files (default: RUN_DIR/evaluation, or beside the model)")
    p.set_defaults(func=_cmd_evaluate)

    p = sub.add_parser("predict", help="top 5 characters for PNG/JPG images or an npz of 28x28 images")
    p.add_argument("model", type=Path, metavar="RUN_DIR_OR_MODEL")
    p.add_argument("images", type=Path, nargs="+", metavar="IMAGE")
    p.set_defaults(func=_cmd_predict)
    return parser


def _start_gui(args) -> int:
    """The desktop app, once the preflight says a window can open here (DesktopError naming what is missing)."""
    from k49desk.gui.preflight import check_desktop

    check_desktop()  # before a single Qt library loads: a missing one aborts the process
    from k49desk.gui.app import main as gui_main

    return gui_main(smoke_test=args.smoke_test)


def main(argv=None) -> int:
    """Run one command; K49Error -> one line on stderr and status 2; Ctrl+C or cancel -> 130."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # --help, or a usage error argparse already explained
        return int(e.code or 0)
    if getattr(args, "data_dir", "unset") is None:
        from k49desk.paths import default_data_dir

        args.data_dir = default_data_dir()
    if getattr(args, "base_url", "unset") is None:
        from k49desk.download import BASE_URL

        args.base_url = BASE_URL
    try:
        return args.func(args)
    except K49Error as e:
        print(f"k49desk: error: {e}", file=sys.stderr)
        return EXIT_USER_ERROR
    except (Cancelled, KeyboardInterrupt):
        print("k49desk: cancelled", file=sys.stderr)
        return EXIT_CANCELLED
