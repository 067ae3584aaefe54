"""Command line: the same core functions as the GUI. No subcommand starts the GUI."""

from __future__ import annotations

import argparse
import functools
import math
import os
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
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a finite positive number, not {value}")
    return value


def _non_negative_float(text: str) -> float:
    value = float(text)
    if not (math.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(f"must be a finite number, 0 or more, not {value}")
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


# The folders used when none is given, and how a user gives another.
DEFAULT_FOLDERS = {
    "data": "data folder (give --data-dir DIR or set K49DESK_DATA)",
    "runs": "runs folder (set K49DESK_RUNS, or give --out RUN_DIR)",
    "samples": "samples folder (give --samples DIR or set K49DESK_SAMPLES)",
}


def _default_folder(path: Path, kind: str, writable: bool = False) -> Path:
    """A default folder (from its environment variable or the user data folder), checked before any work: a file in
    its place, or (`writable`) a folder that cannot be written or created, is one line saying how to choose another."""
    from k49desk.files import check_output_folder

    if writable:
        return check_output_folder(path, DEFAULT_FOLDERS[kind])
    if path.exists() and not path.is_dir():
        raise DataError(f"{path}: is a file, not a folder; choose another {DEFAULT_FOLDERS[kind]}")
    return path


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

    for part, counts in (("training", (args.train_per_class, args.strokes_per_class, args.variants_per_class)),
                         ("test", (args.test_per_class, args.test_strokes_per_class, args.test_variants_per_class))):
        if sum(counts) == 0:
            raise DataError(f"the {part} part would be empty: give it font renders, pen strokes or variant forms "
                            "per class")
    bar = _Bar("practice set")
    try:
        info = synth.synthesize(args.out_dir, train_per_class=args.train_per_class,
                                test_per_class=args.test_per_class, seed=args.seed, fonts=args.fonts,
                                strokes_per_class=args.strokes_per_class,
                                test_strokes_per_class=args.test_strokes_per_class, stroke_styles=args.stroke_styles,
                                variants_per_class=args.variants_per_class,
                                test_variants_per_class=args.test_variants_per_class, variant_fonts=args.variant_fonts,
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
    if "variants" in info:
        from k49desk import classes

        v = info["variants"]
        print(f"Kuzushiji variant forms: {max(v['train_per_class'])} training and {max(v['test_per_class'])} test "
              f"images per class ({v['glyphs']['hentaigana']} hentaigana and {v['glyphs']['cursive kanji']} cursive "
              f"kanji glyphs; none for {' '.join(c.char for c, n in zip(classes.CLASSES, v['train_per_class']) if not n)}"
              f"), from: {', '.join(v['fonts'])}")
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
        spec = models.get_arch(name)
        print(f"{name:<{width}}  {params:>10,} params  {description}")
        print(f"{'':<{width}}  recipe: {spec.recipe.describe()}")
        print(f"{'':<{width}}  source: {spec.source}")
        if spec.published:
            print(f"{'':<{width}}  published (not measured here): {spec.published}")
    return 0


def _stop_signals(event: threading.Event, asked: list[int]) -> dict:
    """Ctrl+C and SIGTERM ask the work to stop cleanly after the current batch (the signal is noted in `asked`); a
    second one interrupts at once. Returns the old handlers."""

    def handler(signum, frame):
        if event.is_set():
            raise KeyboardInterrupt
        asked.append(signum)
        event.set()
        how = "Ctrl+C" if signum == signal.SIGINT else "terminated"
        sys.stderr.write(f"\nStopping after the current batch ({how}; again to abort)...\n")

    return {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}


def _train_progress(bar: "_Bar", data_name: str):
    from k49desk import training

    def progress(event):
        if isinstance(event, training.TrainingStarted):
            s = event.settings
            done = f", continuing after epoch {event.initial_epoch}" if event.initial_epoch else ""
            print(f"Training {s.arch} on the {data_name}: {event.train_size:,} training / {event.val_size:,} "
                  f"validation images (stratified split), batch {s.batch_size}, {event.batches_per_epoch} batches "
                  f"per epoch{done}", flush=True)
            print(f"{training.describe_devices()}; precision: {event.precision.reason}", flush=True)
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

    return progress


def _cmd_train(args) -> int:
    from k49desk import dataset, paths, runs, training
    from k49desk.tfstart import start_tensorflow

    if args.resume is not None and args.start_from is not None:
        raise DataError("--start-from starts a new run from a model's weights; --resume continues a run: give one")
    if args.resume is not None:
        info = runs.load_run(args.resume).info
        data = dataset.load(info.data.get("data_dir", "") if args.data_dir_given is None else args.data_dir_given)
        start = functools.partial(training.resume, args.resume, args.epochs, data=data)
    else:
        data = dataset.load(args.data_dir)
        if (warning := data.coverage_warning()) is not None:
            print(f"k49desk: warning: {data.data_dir}: {warning}", file=sys.stderr)
        settings = training.TrainSettings.for_arch(
            args.arch, epochs=args.epochs, batch_size=args.batch_size, learning_rate=args.learning_rate,
            validation_split=args.validation_split, seed=args.seed, precision=args.precision, schedule=args.schedule,
            warmup_epochs=args.warmup_epochs)
        if args.out is not None:
            runs_dir, run_name = args.out.parent, args.out.name
        else:
            runs_dir, run_name = args.runs_dir or _default_folder(paths.default_runs_dir(), "runs", True), None
        start_from = None if args.start_from is None else _model_path(args.start_from)
        if start_from is not None:
            from k49desk.finetune import arch_of

            if (built := arch_of(start_from)) != args.arch and (start_from.parent / runs.RUN_FILE).is_file():
                raise DataError(f"{start_from}: was trained as {built}; give --arch {built}")
        start = training.Trainer(data, settings, runs_dir, run_name, start_from=start_from).run
    start_tensorflow()
    bar = _Bar()
    cancel, asked = threading.Event(), []
    previous = _stop_signals(cancel, asked) if threading.current_thread() is threading.main_thread() else {}
    try:
        info = start(progress=_train_progress(bar, f"{data.name} ({data.data_dir})"), cancel=cancel)
    finally:
        bar.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if info.status == "diverged":
        raise training.TrainingDiverged(f"{info.notes[-1]}; the run is kept in {info.path} (status diverged)")
    how = "stopped early" if info.status == "stopped" else "completed"
    print(f"Run {how}: {info.epochs_done}/{info.epochs_planned} epochs, best val_accuracy "
          f"{info.best_val_accuracy:.4f} ({info.data_name}), saved in {info.path}")
    if info.status == "stopped":
        print(f"Continue it with: k49desk train --resume {info.path} [--epochs TOTAL]")
    return EXIT_CANCELLED if signal.SIGTERM in asked else 0


STARTER = "starter"  # names the shipped starter model wherever a model is taken


def _model_path_arg(text: str) -> Path:
    """A model argument: STARTER is the shipped starter model (a file named so is given as ./starter)."""
    from k49desk.paths import starter_model_path

    return starter_model_path() if text == STARTER else Path(text)


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
    elif args.model == _model_path_arg(STARTER):
        out = Path(f"{STARTER}-evaluation")  # in the current folder, not inside the installed package
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
    if ev.label_issues_note:
        print(f"k49desk: note: {ev.label_issues_note} (label_issues.csv holds its header only)", file=sys.stderr)
    return 0


def _load_images(path: Path) -> list[tuple[str, object]]:
    """(label, 28x28 uint8) for each image in a picture file (a photo or scan of one character, framed like K49 by
    k49desk.photo) or an npz (arr_0, already K49 images)."""
    import numpy as np

    from k49desk.photo import check_image_file, image_file_to_k49

    check_image_file(path)
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
        about = (f"trained on a PRACTICE SET (generated, not K49; {trained['source']}): "
                 f"weak on real kuzushiji")
    else:
        about = f"trained on {trained['name']} ({trained['source']})"
    print(f"Model {predictor.name}: {about}")
    if predictor.applies_softmax:
        print("  its outputs are not probabilities (logits): softmax applied")
    for label, image in inputs:
        print(f"{label}:")
        for rank, (h, p) in enumerate(predictor.top_k(image), start=1):
            print(f"  {rank}. {h.char} ({h.romaji}) {p:7.2%}")
    return 0


def _samples_store(args):
    from k49desk.paths import default_samples_dir
    from k49desk.samples import SampleStore

    return SampleStore(args.samples or _default_folder(default_samples_dir(), "samples"))


def _cmd_samples(args) -> int:
    print(_samples_store(args).describe())
    return 0


def _cmd_samples_import(args) -> int:
    from k49desk.samples import import_pictures

    store = _samples_store(args)
    bar = _Bar("reading pictures")
    try:
        found = import_pictures(args.pictures, progress=lambda p: bar.update(p.done, p.total, f"{p.done:,}/{p.total:,}",
                                                                             force=p.done == p.total))
    finally:
        bar.close()
    if found.skipped:
        print(f"skipped {len(found.skipped)} files:", file=sys.stderr)
        for skipped in found.skipped:
            print(f"  {skipped.path}: {skipped.reason}", file=sys.stderr)
    if not found.files:
        raise DataError(f"{args.pictures}: no usable pictures found (put them in sub-folders named by character, e.g. "
                        f"ぬ/ or nu/); nothing was imported")
    after = store.add(found.images, found.labels)
    print(f"imported {len(found.files)} pictures from {args.pictures}"
          + (f" ({len(found.skipped)} files skipped, listed above)" if found.skipped else "")
          + f"; {len(after)} samples in {store.folder}")
    return 0


def _cmd_finetune(args) -> int:
    from k49desk import dataset
    from k49desk.finetune import finetune
    from k49desk.paths import default_runs_dir
    from k49desk.tfstart import start_tensorflow

    samples = _samples_store(args).read()
    data = dataset.load(args.mix_dir) if args.mix_dir is not None else None
    start_tensorflow()
    runs_dir, name = ((args.out.parent, args.out.name) if args.out is not None else
                      (_default_folder(default_runs_dir(), "runs", True), None))
    print(f"fine-tuning {args.model} on {len(samples)} samples, mixed with "
          f"{'the data in ' + str(args.mix_dir) if data is not None else 'a practice set rendered now'}",
          file=sys.stderr)
    result = finetune(_model_path(args.model), samples, data, runs_dir=runs_dir, run_name=name,
                      **({"epochs": args.epochs} if args.epochs is not None else {}))
    print(result.table())
    print(f"run written to {result.run_dir}")
    return 0


def _class_index(text: str) -> int:
    """A class given as its hiragana (ぬ), romaji (nu) or index (0..48)."""
    from k49desk.classes import NUM_CLASSES, by_name

    if text.isdigit() and int(text) < NUM_CLASSES:
        return int(text)
    try:
        return by_name(text).index
    except KeyError:
        raise argparse.ArgumentTypeError(f"{text!r} is not one of the 49 characters (give it as ぬ, nu or 0..48)")


def _cmd_explain(args) -> int:
    import numpy as np

    from k49desk import explain, modelio
    from k49desk.classes import CLASSES
    from k49desk.files import write_atomic
    from k49desk.tfstart import start_tensorflow

    (label, image), *rest = _load_images(args.image)
    start_tensorflow()
    if rest:
        print(f"{args.image} holds {len(rest) + 1} images: explaining the first ({label})")
    explainer = explain.Explainer(modelio.load_model(_model_path(args.model)), args.method)
    saliency = explainer.explain(image, args.target, args.versus)
    explain.write_overlay_png(image, saliency, args.out)
    if args.npy is not None:
        write_atomic(args.npy, lambda f: np.save(f, saliency.map))
    top = CLASSES[int(np.argmax(saliency.probabilities))]
    print(f"{label}: the model reads {top.char} ({top.romaji}) {saliency.probabilities[top.index]:.1%}; "
          f"{saliency.description} ({args.method}) written to {args.out}"
          + (f" and {args.npy}" if args.npy is not None else ""))
    return 0


def _cmd_export(args) -> int:
    from k49desk import export
    from k49desk.tfstart import start_tensorflow

    start_tensorflow()
    print(export.export_model(_model_path(args.model), args.format, args.out).summary)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="k49desk",
        description="Train, evaluate and draw handwritten hiragana with Kuzushiji-49 (K49). "
                    "Without a command, the desktop app opens; 'k49desk PICTURE' opens it on the Photo tab with the "
                    "picture (in the window already open, if there is one).",
    )
    # CI: open the real window, wait until it is on screen and TensorFlow has loaded, close it; status 0.
    parser.add_argument("--smoke-test", action="store_true", help=argparse.SUPPRESS)
    desktop = parser.add_mutually_exclusive_group()
    desktop.add_argument("--install-desktop", action="store_true",
                         help="put k49desk in the application menu and under 'Open with' for pictures: a desktop "
                              "file, icons and AppStream metainfo in $XDG_DATA_HOME (default ~/.local/share)")
    desktop.add_argument("--uninstall-desktop", action="store_true", help="remove what --install-desktop wrote")
    parser.set_defaults(func=_no_command)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    data_help = "data folder (default: $K49DESK_DATA or the user data folder's k49)"
    model_help = (f"a run folder (its best model), a .keras model file, or '{STARTER}' for the starter model shipped "
                  f"with k49desk")

    p = sub.add_parser("download", help="download the five official K49 files (resumes, verifies md5)",
                       description="Download the five official K49 files into the data folder: an interrupted "
                                   "download resumes, each file's md5 is checked against the official one.")
    p.add_argument("--data-dir", type=Path, default=None, help=data_help)
    p.add_argument("--base-url", default=None, help="mirror to download from (default: the official CODH site)")
    p.set_defaults(func=_cmd_download)

    p = sub.add_parser("synth", help="render a K49-format practice set from Japanese fonts (not K49)",
                       description="Render a practice set in K49's file format from the installed Japanese fonts "
                                   "(and, if asked, pen strokes from KanjiVG), for use without the real data. It is "
                                   "not K49: figures measured on it say nothing about real kuzushiji.")
    p.add_argument("out_dir", type=Path, metavar="OUT_DIR", help="the folder to create (must be new or empty)")
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
    p.add_argument("--variants-per-class", type=_non_negative_int, default=0, metavar="N",
                   help="kuzushiji variant forms per class added to the training part: Unicode hentaigana and the "
                        "grass-script forms of each kana's source kanji, rendered from fonts and augmented (default 0; "
                        "needs a face with the Hentaigana block, e.g. Debian fonts-ipamj-mincho)")
    p.add_argument("--test-variants-per-class", type=_non_negative_int, default=0, metavar="N",
                   help="kuzushiji variant forms per class added to the test part (default 0)")
    p.add_argument("--variant-fonts", type=Path, nargs="+", default=None, metavar="FILE",
                   help="render the variant forms from these font files only (default: the installed faces with the "
                        "Hentaigana block and the grass/running-script brush faces)")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="same seed, same bytes (default 0)")
    p.add_argument("--fonts", type=Path, nargs="+", default=None, metavar="FILE",
                   help="render from these font files only (default: every installed Japanese font that covers the "
                        "49 characters, one face per family and design); same seed and fonts, same bytes")
    p.set_defaults(func=_cmd_synth)

    p = sub.add_parser("archs", help="list the model presets: parameters, training recipe, source, published figure",
                       description="List the model presets 'k49desk train --arch' takes: each one's parameter "
                                   "count, training recipe (epochs, batch size, learning rate, augmentation), where "
                                   "it comes from, and a published figure where there is one (not measured here).")
    p.set_defaults(func=_cmd_archs)

    from k49desk.models import ARCHITECTURES
    from k49desk.training import DEFAULT_BATCH_SIZE, PRECISIONS, SCHEDULES

    p = sub.add_parser("train", help="train a preset and write a run folder",
                       description="Train a model preset with its training recipe (see 'k49desk archs'). The "
                                   "validation part is a stratified, seeded split of the training set (every class "
                                   "keeps its share), not Keras' tail split. Ctrl+C or SIGTERM stops after the current "
                                   "batch and keeps the completed epochs; --resume continues such a run. Several GPUs "
                                   "of one machine train together (MirroredStrategy, automatic): that is the way to "
                                   "scale. Several machines (TF_CONFIG) are not supported with Keras 3: its fit cannot "
                                   "build a model under MultiWorkerMirroredStrategy (keras-team/keras#20585), so a "
                                   "worker stops with a one-line message.")
    p.add_argument("--data-dir", type=Path, default=None, help=data_help)
    p.add_argument("--arch", default="seed-cnn", choices=list(ARCHITECTURES), help="model preset (default seed-cnn)")
    p.add_argument("--epochs", type=_positive_int, default=None, metavar="N",
                   help="epochs in all (default: the preset's recipe); with --resume, the new total")
    p.add_argument("--batch-size", type=_positive_int, default=None, metavar="B",
                   help=f"per device (default: the preset's recipe; {DEFAULT_BATCH_SIZE} for seed-cnn, where the Keras "
                        f"example's recipe uses 32)")
    p.add_argument("--learning-rate", type=_positive_float, default=None, metavar="LR",
                   help="initial learning rate (default: the preset's recipe)")
    p.add_argument("--schedule", default=None, choices=SCHEDULES,
                   help="the learning rate's schedule: constant, or cosine decay to 0 over the run (default: the "
                        "preset's recipe)")
    p.add_argument("--warmup-epochs", type=_non_negative_float, default=None, metavar="E",
                   help="with the cosine schedule, epochs of linear warm-up from a 25th of the learning rate first "
                        "(one-cycle; default: the preset's recipe)")
    p.add_argument("--validation-split", type=_fraction, default=0.3, metavar="F",
                   help="share of the training set held out, stratified by class (default 0.3)")
    p.add_argument("--seed", type=int, default=0, metavar="S",
                   help="seeds the validation split, the weights' initialisation and the shuffling (default 0)")
    p.add_argument("--precision", default="auto", choices=PRECISIONS,
                   help="auto (default): mixed bfloat16 on CPUs with AVX-512 BF16/AMX, mixed float16 on GPUs with "
                        "compute capability >= 7.0, float32 otherwise")
    p.add_argument("--start-from", type=_model_path_arg, default=None, metavar="RUN_DIR_OR_MODEL",
                   help="start from this model's weights (a run folder's best model, a .keras file, or 'starter') "
                        "with a fresh optimizer, instead of a new model: training on to other data; the preset "
                        "(--arch) must be the one it was built as, for its recipe")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--out", type=Path, default=None, metavar="RUN_DIR", help="the run folder to create")
    where.add_argument("--runs-dir", type=Path, default=None, metavar="DIR",
                       help="create a new dated run folder here (default: $K49DESK_RUNS or the user data folder)")
    where.add_argument("--resume", type=Path, default=None, metavar="RUN_DIR",
                       help="continue this stopped, crashed or diverged run from its last completed epoch (optimizer "
                            "state and schedule included) to --epochs in all; its data folder unless --data-dir")
    p.set_defaults(func=_cmd_train)

    p = sub.add_parser("evaluate", help="accuracy, balanced accuracy, per-class report, confusions on the test set",
                       description="Predict the data folder's test set with a model and write the metrics: "
                                   "per-class report, confusion matrices, confused pairs, predictions, suspicious "
                                   "labels and a summary.")
    p.add_argument("model", type=_model_path_arg, metavar="RUN_DIR_OR_MODEL", help=model_help)
    p.add_argument("--data-dir", type=Path, default=None, help=data_help)
    p.add_argument("--out", type=Path, default=None, metavar="DIR",
                   help="where to write the CSV and npy files (default: RUN_DIR/evaluation, beside the model, or "
                        "./starter-evaluation for the starter)")
    p.set_defaults(func=_cmd_evaluate)

    p = sub.add_parser("predict", help="top 5 characters for PNG/JPG images or an npz of 28x28 images",
                       description="The five most likely characters for each picture (a photo or scan of one "
                                   "character, turned upright by its EXIF orientation and framed like K49) or each "
                                   "image of an npz of 28x28 K49 images.")
    p.add_argument("model", type=_model_path_arg, metavar="RUN_DIR_OR_MODEL", help=model_help)
    p.add_argument("images", type=Path, nargs="+", metavar="IMAGE",
                   help="picture files (PNG, JPEG, ...) of one character each, or npz files of 28x28 images")
    p.set_defaults(func=_cmd_predict)

    samples_help = "samples folder (default: $K49DESK_SAMPLES or the user data folder's samples)"
    p = sub.add_parser("samples", help="your own samples for fine-tuning: counts per character, or import pictures",
                       description="Without a command: how many samples are kept per character, and where.")
    p.add_argument("--samples", type=Path, default=None, metavar="DIR", help=samples_help)
    p.set_defaults(func=_cmd_samples)
    samples_sub = p.add_subparsers(dest="samples_command", metavar="COMMAND")
    q = samples_sub.add_parser("import", help="add pictures from sub-folders named by character or romaji (ぬ/, nu/)",
                               description="Add every picture in a folder to your samples: its character is the "
                                           "one a folder on its path is named by (ぬ/, nu/, also ぬ/more/ or "
                                           "batch/nu/). Files that cannot be used are listed with the reason; "
                                           "nothing is added unless at least one picture is usable.")
    q.add_argument("pictures", type=Path, metavar="DIR_OF_IMAGES",
                   help="the folder holding the sub-folders named by character")
    # SUPPRESS: an unset --samples here must not hide one given before the command (samples --samples D import X).
    q.add_argument("--samples", type=Path, default=argparse.SUPPRESS, metavar="DIR", help=samples_help)
    q.set_defaults(func=_cmd_samples_import)

    p = sub.add_parser("finetune", help="fine-tune a model on your samples, mixed with general data; before/after table",
                       description="Fine-tune a model on your own samples (a quarter held out to measure on), mixed "
                                   "with data it was trained on so that it does not forget; writes a normal run.")
    p.add_argument("model", type=_model_path_arg, metavar="RUN_DIR_OR_MODEL", help=model_help)
    p.add_argument("--samples", type=Path, default=None, metavar="DIR", help=samples_help)
    p.add_argument("--data-dir", dest="mix_dir", type=Path, default=None, metavar="D",
                   help="data to mix in (default: a small practice set rendered for the purpose)")
    p.add_argument("--epochs", type=_positive_int, default=None, metavar="N",
                   help="epochs of fine-tuning (default 5, chosen by bench/teach_kuzushiji.py)")
    p.add_argument("--out", type=Path, default=None, metavar="RUN_DIR",
                   help="the run folder to create (default: a new dated folder in the runs folder)")
    p.set_defaults(func=_cmd_finetune)

    from k49desk.explain import DEFAULT_METHOD, METHODS

    p = sub.add_parser("explain", help="saliency overlay: which pixels drove the prediction for an image",
                       description="Write the image with a heat overlay: red where it supports the class, blue "
                                   "where it speaks against it (Grad-CAM by default; see the README).")
    p.add_argument("model", type=_model_path_arg, metavar="RUN_DIR_OR_MODEL", help=model_help)
    p.add_argument("image", type=Path, metavar="IMAGE", help="a PNG/JPG, or an npz of 28x28 images (the first)")
    p.add_argument("--class", dest="target", type=_class_index, default=None, metavar="CHAR",
                   help="the class to explain, as ぬ, nu or its index (default: the model's top candidate)")
    p.add_argument("--versus", type=_class_index, default=None, metavar="CHAR",
                   help="explain the class (--class, or the top candidate) and not this one: the difference of the "
                        "two maps; must differ from it")
    p.add_argument("--method", choices=METHODS, default=DEFAULT_METHOD,
                   help=f"how the map is computed: {', '.join(METHODS)} (default {DEFAULT_METHOD}; see the README)")
    p.add_argument("--out", type=Path, required=True, metavar="PNG", help="the overlay picture to write")
    p.add_argument("--npy", type=Path, default=None, metavar="FILE", help="also write the raw 28x28 map")
    p.set_defaults(func=_cmd_explain)

    from k49desk.export import FORMATS

    p = sub.add_parser("export", help="the model's inference graph as SavedModel, TFLite or ONNX, checked",
                       description="Export the inference graph (augmentation stripped), load it back with its own "
                                   "runtime and check its top-1 against the .keras model. ONNX needs "
                                   "pip install 'k49desk[export]'.")
    p.add_argument("model", type=_model_path_arg, metavar="RUN_DIR_OR_MODEL", help=model_help)
    p.add_argument("--format", choices=FORMATS, required=True, help="the format to write")
    p.add_argument("--out", type=Path, required=True, metavar="PATH",
                   help="the file (tflite, onnx) or folder (savedmodel) to create; must not exist")
    p.set_defaults(func=_cmd_export)
    parser.command_names = tuple(sub.choices)  # what a first word must not be to be a picture (_split_picture)
    return parser


def _no_command(args) -> int:
    """The desktop entry's install or removal, else the desktop app, once the preflight says a window can open here
    (DesktopError naming what is missing)."""
    if args.install_desktop or args.uninstall_desktop:
        from k49desk import desktop

        paths = desktop.install() if args.install_desktop else desktop.uninstall()
        verb = "installed" if args.install_desktop else "removed"
        print(f"Desktop entry {verb}: {len(paths)} file(s)" + "".join(f"\n  {p}" for p in paths))
        return 0
    from k49desk.gui.preflight import check_desktop

    check_desktop()  # before a single Qt library loads: a missing one aborts the process
    from k49desk.gui.app import main as gui_main

    return gui_main(smoke_test=args.smoke_test, picture=args.picture)


IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp")


def _split_picture(argv: list[str], commands) -> tuple[str | None, list[str]]:
    """The picture of 'k49desk [options] PICTURE' (what "Open with" runs) and the arguments without it. A word is a
    picture when it is not a command and names a file, a path or an image file name (so that a mistyped command
    still gets argparse's message)."""
    words = [i for i, a in enumerate(argv) if not a.startswith("-")]
    if not words or argv[words[0]] in commands:
        return None, argv
    word = argv[words[0]]
    if Path(word).exists() or "/" in word or os.sep in word or word.lower().endswith(IMAGE_SUFFIXES):
        return word, argv[:words[0]] + argv[words[0] + 1:]
    return None, argv


def main(argv=None) -> int:
    """Run one command; K49Error -> one line on stderr and status 2; Ctrl+C or cancel -> 130."""
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else [str(a) for a in argv]
    picture, argv = _split_picture(argv, parser.command_names)
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # --help, or a usage error argparse already explained
        return int(e.code or 0)
    args.picture = picture
    if picture is not None and args.command is not None:
        print(f"k49desk: error: a picture opens the window; it does not go with the command {args.command!r}",
              file=sys.stderr)
        return EXIT_USER_ERROR
    args.data_dir_given = getattr(args, "data_dir", None)
    if getattr(args, "base_url", "unset") is None:
        from k49desk.download import BASE_URL

        args.base_url = BASE_URL
    try:
        if getattr(args, "data_dir", "unset") is None:
            from k49desk.paths import default_data_dir

            args.data_dir = _default_folder(default_data_dir(), "data")
        return args.func(args)
    except K49Error as e:
        print(f"k49desk: error: {e}", file=sys.stderr)
        return EXIT_USER_ERROR
    except (Cancelled, KeyboardInterrupt):
        print("k49desk: cancelled", file=sys.stderr)
        return EXIT_CANCELLED
