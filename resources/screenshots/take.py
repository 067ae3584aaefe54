"""Screenshots of every tab for the README and for looking at: drives the real window with a practice set and a run.

    xvfb-run -a -s "-screen 0 1600x1000x24" python resources/screenshots/take.py --data-dir PRACTICE --run RUN_DIR

Writes first-start.png and practice-dialog.png (an empty data folder), data.png, train.png, model-picker.png (the
run just offered, the picker open), evaluate.png (and evaluate-per-class.png, evaluate-scatter.png), confusions.png (and
confusions-saliency.png, suspicious-labels.png), draw.png (and draw-saliency.png, get-k49.png, teach.png,
my-samples.png) and photo.png beside this file (or into --out); with --language ja the window in Japanese, as
ja-data.png and so on.
The data must be a practice set or K49 folder and RUN_DIR a run written by `k49desk train`; the Draw tab
is shown with the starter model, a の written with mouse events as in tests/test_draw_tab.py.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE.parents[1] / "tests"))


def wait(app, condition, timeout_s: float = 300.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        app.processEvents()
        time.sleep(0.02)


def settle(app, seconds: float = 0.5) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--run", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument("--char", default="の", help="the character drawn on the canvas (one of tests/strokes.py)")
    parser.add_argument("--language", default="en", choices=["en", "ja"], help="the window's language (default en)")
    args = parser.parse_args()

    import tempfile

    import os

    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from k49desk import paths
    from k49desk.gui import app as gui_app
    from k49desk.gui import i18n
    from k49desk.gui.state import ActiveModel
    from photos import PHONE, PhotoStyle, page_of_characters
    from strokes import STROKES
    from test_draw_tab import draw
    from test_photo_tab import drag

    os.environ.setdefault("K49DESK_SETTINGS", str(Path(tempfile.mkdtemp()) / "k49desk.ini"))
    # Kept samples go to a throwaway folder, never the user's own; so does the K49 folder "Get a K49 model" plans for.
    os.environ.setdefault("K49DESK_SAMPLES", str(Path(tempfile.mkdtemp()) / "samples"))
    os.environ.setdefault("K49DESK_DATA", str(Path(tempfile.mkdtemp()) / "k49"))
    app = QApplication(sys.argv[:1])
    i18n.install_translators(args.language)
    prefix = "" if args.language == "en" else f"{args.language}-"
    args.out.mkdir(parents=True, exist_ok=True)

    # The first start: no data, no runs.
    empty = Path(tempfile.mkdtemp())
    first = gui_app.create_window(empty / "k49", empty / "runs")
    first.resize(1280, 860)
    first.show()
    settle(app, 1.0)
    first.grab().save(str(args.out / f"{prefix}first-start.png"))
    print(f"wrote {args.out / f'{prefix}first-start.png'}")
    first.data_tab.welcome_practice.click()
    wait(app, lambda: first.data_tab.practice_dialog is not None, what="the practice-set dialog")
    settle(app, 0.5)
    first.data_tab.practice_dialog.grab().save(str(args.out / f"{prefix}practice-dialog.png"))
    print(f"wrote {args.out / f'{prefix}practice-dialog.png'}")
    first.data_tab.practice_dialog.reject()
    first.close()

    # The run's own runs folder, so that the Train tab lists it beside its siblings.
    window = gui_app.create_window(args.data_dir, args.run.resolve().parent)
    window.resize(1280, 860)
    window.show()
    gui_app.start_ml_import(window)
    wait(app, lambda: window.state.ml_ready, what="TensorFlow")

    def shot(tab, name: str, screen: bool = False) -> None:
        """The window (or, with `screen`, the screen around it, popups and dialogs included) as NAME.png."""
        window.show_tab(tab)
        settle(app, 1.0)
        path = args.out / f"{prefix}{name}.png"
        if screen:
            frame = window.frameGeometry()
            QGuiApplication.primaryScreen().grabWindow(0, frame.x(), frame.y(), frame.width(),
                                                       frame.height()).save(str(path))
        else:
            window.grab().save(str(path))
        print(f"wrote {path}")

    data_tab = window.data_tab
    data_tab.start_load()
    wait(app, lambda: window.state.data is not None, what="the data to load")
    shot(window.data_tab, "data")

    window.open_run(args.run)
    # The time per epoch, measured in the training process on real steps of the form's settings.
    wait(app, lambda: bool(window.train_tab._estimates), timeout_s=180, what="the time per epoch")
    shot(window.train_tab, "train")

    # As when a run has just finished: the starter still answers, the new run is offered; the picker open.
    window.state.set_model(ActiveModel("starter model", paths.starter_model_path()))
    window.state.offer_model(ActiveModel(args.run.name, args.run / "model.keras", args.run))
    window.show_tab(window.train_tab)
    window.model_picker.combo.showPopup()
    shot(window.train_tab, "model-picker", screen=True)
    window.model_picker.combo.hidePopup()
    window.state.use_offered_model()

    session = window.state.evaluation_session
    evaluate_tab = window.evaluate_tab
    session.evaluate()
    wait(app, lambda: session.evaluation is not None, what="the evaluation")
    evaluate_tab.plot_tabs.setCurrentWidget(evaluate_tab.confusion_plot)
    weakest = min(session.evaluation.report, key=lambda c: (c.f1, c.index)).index
    session.select_class(weakest)  # as if its row were clicked: marked in the table and every plot
    shot(evaluate_tab, "evaluate")
    evaluate_tab.plot_tabs.setCurrentWidget(evaluate_tab.per_class_plot)
    shot(evaluate_tab, "evaluate-per-class")
    evaluate_tab.plot_tabs.setCurrentWidget(evaluate_tab.scatter_plot)
    shot(evaluate_tab, "evaluate-scatter")

    confusions = window.confusions_tab
    top = session.evaluation.pairs(top=1, by="count")[0]
    session.select_pair(top.true, top.pred)
    session.select_image(confusions.grid.test_indices()[0])  # as if the first image were clicked
    shot(confusions, "confusions")
    confusions.detail.saliency_toggle.setChecked(True)  # why the model's answer and not the true character
    wait(app, lambda: confusions.detail.saliency.saliency is not None, what="the saliency map")
    shot(confusions, "confusions-saliency")
    confusions.detail.saliency_toggle.setChecked(False)
    confusions.pages.setCurrentIndex(1)
    wait(app, lambda: confusions.suspicious.visible_issues(), what="the suspicious labels")
    shot(confusions, "suspicious-labels")
    confusions.pages.setCurrentIndex(0)

    window.state.set_model(ActiveModel(QCoreApplication.translate("MainWindow", "starter model"),
                                       paths.starter_model_path()))
    draw_tab = window.draw_tab
    window.show_tab(draw_tab)
    wait(app, lambda: not draw_tab.is_loading(), what="the starter model")
    settle(app, 0.5)
    canvas = draw_tab.findChild(type(draw_tab.canvas), "drawCanvas")
    draw(canvas, STROKES[args.char])
    shot(draw_tab, "draw")
    draw_tab.saliency_toggle.setChecked(True)
    wait(app, draw_tab.overlay_shown, what="the live overlay")
    shot(draw_tab, "draw-saliency")
    draw_tab.saliency_toggle.setChecked(False)

    # Get a K49 model: the plan, timed in the training process, before anything is downloaded (then cancelled).
    flow = draw_tab.banner.flow
    flow.start(draw_tab.banner)
    wait(app, lambda: flow.dialog is not None, what="the plan for a K49 model")
    shot(draw_tab, "get-k49", screen=True)
    flow.dialog.reject()

    # Teaching: a ぬ drawn, the 'It is' grid opened and ぬ typed as romaji, kept; then My samples.
    canvas.clear()
    draw(canvas, STROKES["ぬ"])
    settle(app, 0.3)
    draw_tab.teach.show_picker()
    draw_tab.teach.picker.typing.setText("nu")
    shot(draw_tab, "teach", screen=True)
    draw_tab.teach.picker.typing.returnPressed.emit()
    draw_tab.teach.keep()
    for char in ("の", "し", "ぬ"):
        canvas.clear()
        draw(canvas, STROKES[char])
        settle(app, 0.2)
        draw_tab.teach.keep()
    draw_tab.teach.show_samples()
    dialog = draw_tab.teach.samples_dialog
    settle(app, 0.5)
    path = args.out / f"{prefix}my-samples.png"
    dialog.grab().save(str(path))
    print(f"wrote {path}")
    dialog.close()

    # A generated photo of three characters (tests/photos.py: uneven light, paper grain, noise, JPEG), the
    # rectangle dragged around the middle one with mouse events as in tests/test_photo_tab.py.
    photo_tab = window.photo_tab
    window.show_tab(photo_tab)
    settle(app, 0.3)
    page = page_of_characters([STROKES[c] for c in ("の", "あ", "し")],
                              PhotoStyle(**{**PHONE.__dict__, "size": (900, 360)}), seed=2)
    photo_tab.set_picture(page, {"en": "A generated photo of three characters",
                                 "ja": "生成した3文字の写真"}[args.language])
    drag(photo_tab.crop, (310, 40), (590, 320))
    wait(app, lambda: not photo_tab.is_busy(), what="the photo to be framed")
    shot(photo_tab, "photo")

    window.state.cancel_all_and_wait(10)
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
