"""Which model answers in the Draw and Photo tabs, what it was trained on and what its figures were measured on; while
no K49-trained model exists, one action that gets one: k49desk.quickstart's plan, confirmed in a dialog, then its
download, training and evaluation in workers (training and evaluation in the window's training process), with
progress and Cancel. The new model becomes the active model: the person asked for it (other runs are not made
active by themselves)."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from k49desk import quickstart, runs
from k49desk.download import DownloadProgress
from k49desk.errors import RunError
from k49desk.evaluation import EvalProgress
from k49desk.gui import i18n
from k49desk.gui.messages import show_error
from k49desk.gui.state import ActiveModel, AppState
from k49desk.gui.workers import TaskSlot
from k49desk.paths import starter_info_path, starter_model_path
from k49desk.training import BatchProgress

HEADLINES = 3  # figures the banner shows; the tooltip lists them all


def percent(fraction: float) -> str:
    """0.978 -> '97.8%', 0.38 -> '38%'."""
    return f"{fraction * 100:.1f}".removesuffix(".0") + "%"


def starter_info() -> dict:
    """resources/models/starter.json: what the starter was trained on and its figures, each with what it was measured
    on. RunError naming the file when it cannot be read."""
    path = starter_info_path()
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        for figure in info["measured"]:
            float(figure["top1"]), str(figure["name"]), str(figure["data"])
        str(info["trained_on"])
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise RunError(f"{path}: cannot read the starter model's description ({type(e).__name__}: {e})") from None
    return info


def localized(entry: dict, key: str) -> str:
    """A text of starter.json in the window's language: KEY_ja for Japanese where the file has it, else KEY."""
    return str(entry.get(f"{key}_{i18n.current_language()}", entry[key]))


def measured_text(figure: dict) -> str:
    """'97.8% on generated sloppy drawings (practice data)'."""
    return QCoreApplication.translate("ModelBanner", "{top1} on {name} ({data})").format(
        top1=percent(figure["top1"]), name=localized(figure, "name"), data=localized(figure, "data"))


def starter_summary() -> str:
    """Two sentences for the About box: what the starter was trained on, its headline figures and their data."""
    try:
        info = starter_info()
    except RunError as e:
        return str(e)
    headlines = [f for f in info["measured"] if f.get("headline")][:HEADLINES]
    return QCoreApplication.translate(
        "ModelBanner", "The starter model was trained on {what}. Measured: {figures}.").format(
        what=localized(info, "trained_on"), figures="; ".join(measured_text(f) for f in headlines))


class QuickModelFlow(QObject):
    """The one "Get a K49 model" of a window, shared by every banner: plan, confirm, run, activate."""

    changed = Signal()  # busy, the status text or the progress changed

    def __init__(self, state: AppState, parent: QObject | None = None):
        super().__init__(parent if parent is not None else state)
        self.state = state
        self.source = quickstart.default_source()  # tests point it at a local mirror
        self.overrides: dict = {}  # TrainSettings fields instead of the recipe's (tests: one short epoch)
        self.status = ""
        self._stage = ""  # "Step 2 of 3", before the stage's own progress
        self.fraction: float | None = None  # the current stage's progress, None while it cannot be told
        self.dialog: QMessageBox | None = None
        self._running: quickstart.Plan | None = None  # the plan being carried out
        self._slot = TaskSlot(state, self)
        self._slot.busyChanged.connect(self._on_busy)

    @property
    def busy(self) -> bool:
        return self._slot.busy

    def start(self, parent: QWidget) -> None:
        """Measure what it takes (in the training process), then ask `parent`'s window to confirm."""
        if self.busy:
            return
        if self.state.training_process.training:
            self._set(self.tr("A training run is going on in the Train tab: get a K49 model when it has finished."),
                      None)
            return
        data_dir, runs_dir = quickstart.data_dir_for(self.state.data_dir), self.state.runs_dir
        work = partial(quickstart.plan, data_dir, runs_dir, self.source, runner=self.state.training_process.run,
                       **self.overrides)
        self._set(self.tr("Measuring the time per epoch on this machine…"), None)
        self._slot.run("plan a K49 model", work, on_success=lambda p: self._confirm(p, parent),
                       on_failure=partial(self._failed, parent), on_cancelled=lambda: self._set("", None))

    def cancel(self) -> None:
        if self.busy:
            self._slot.cancel()
            self._set(self.tr("Cancelling…"), self.fraction)

    def _confirm(self, plan: quickstart.Plan, parent: QWidget) -> None:
        self._set("", None)
        download = (self.tr("Download K49: {left} of {total} to fetch into {folder}.").format(
            left=i18n.file_size(plan.to_download), total=i18n.file_size(plan.download_total), folder=plan.data_dir)
            if plan.to_download else self.tr("K49 is already in {folder}.").format(folder=plan.data_dir))
        s = plan.settings
        text = "\n\n".join((
            download,
            self.tr("Train {arch} for {epochs} epoch(s) on {images} images: {why}.").format(
                arch=s.arch, epochs=s.epochs, images=f"{plan.train_size:,}", why=plan.why),
            self.tr("Time per epoch here: about {epoch}, {total} for training, measured on a few real training "
                    "steps on {devices} (validation included, the download not).").format(
                epoch=i18n.duration(plan.seconds_per_epoch), total=i18n.duration(plan.training_seconds),
                devices=", ".join(plan.devices)),
            self.tr("Then evaluate it on K49's test set and make it the active model. You can cancel at any "
                    "time."),
        ))
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Get a K49 model"), text,
                          QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel, parent.window())
        box.setObjectName("quickStartPlan")
        box.button(QMessageBox.StandardButton.Ok).setText(self.tr("Start"))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda answer: self._answered(plan, parent, answer))
        self.dialog = box
        box.open()  # not exec(): the window's event loop (and the tests) go on while it is shown

    def _answered(self, plan: quickstart.Plan, parent: QWidget, answer: int) -> None:
        self.dialog = None
        if answer != QMessageBox.StandardButton.Ok or self.state.closing:
            return
        work = partial(quickstart.run, plan, runner=self.state.training_process.run)
        self._running = plan
        self._set(self.tr("Starting…"), None)
        self._slot.run("get a K49 model", work, on_progress=self._on_progress, on_success=self._done,
                       on_failure=partial(self._failed, parent), on_cancelled=self._cancelled, user_work=True)

    def _on_busy(self, busy: bool) -> None:
        plan, self._running = (None, self._running) if busy else (self._running, None)
        if plan is not None and plan.data_dir == self.state.data_dir and not self.state.closing:
            self.state.set_data_dir(plan.data_dir)  # the Data tab checks the folder's files again
        self.changed.emit()

    def _on_progress(self, event) -> None:
        if self._slot.cancel_requested:
            return
        if isinstance(event, quickstart.StageStarted):
            self._stage = self.tr("Step {n} of {count}").format(n=event.index + 1, count=event.count)
            self._set(self._stage, None)
        elif isinstance(event, DownloadProgress):
            left = self.tr("done") if event.done >= event.total else i18n.time_left(event.eta_s)
            self._set(self.tr("{stage}: downloading {file} ({n} of {count}), {done} of {total}, {left}").format(
                stage=self._stage, file=event.file, n=event.file_index + 1, count=event.file_count,
                done=i18n.file_size(event.done), total=i18n.file_size(event.total), left=left),
                (event.file_index + event.done / max(event.total, 1)) / event.file_count)
        elif isinstance(event, BatchProgress):
            done = (event.epoch - 1) * event.batches + event.batch
            self._set(self.tr("{stage}: training, epoch {epoch} of {epochs}, {left}").format(
                stage=self._stage, epoch=event.epoch, epochs=event.epochs, left=i18n.time_left(event.eta_s)),
                done / max(event.epochs * event.batches, 1))
        elif isinstance(event, EvalProgress):
            self._set(self.tr("{stage}: evaluating on the test set, {done} of {total} images").format(
                stage=self._stage, done=f"{event.done:,}", total=f"{event.total:,}"), event.done / max(event.total, 1))

    def _done(self, result: quickstart.Result) -> None:
        f = result.figures
        self.state.runsChanged.emit()
        self.state.set_model(ActiveModel(result.run.name, result.model_path, Path(result.run.path)))
        self._set(self.tr("Done: run {run} is now the active model ({top1} top-1, {top5} top-5 on {data}'s test "
                          "set, {n} images).").format(run=result.run.name, top1=percent(f["accuracy"]),
                                                      top5=percent(f["top5_accuracy"]), data=f["data"],
                                                      n=f"{f['test_images']:,}"), None)

    def _cancelled(self) -> None:
        self.state.runsChanged.emit()  # a training stopped after an epoch keeps its run
        self._set(self.tr("Cancelled; the active model is unchanged. A download resumes where it stopped; a training "
                          "stopped after its first epoch is kept as a stopped run, which Continue in the Train tab "
                          "resumes."), None)

    def _failed(self, parent: QWidget, message: str) -> None:
        self._set(self.tr("Getting a K49 model failed: {message}").format(message=message), None)
        self.state.runsChanged.emit()  # a training process that died leaves its completed epochs as a crashed run
        show_error(parent.window(), self.tr("Get a K49 model"), message)

    def _set(self, status: str, fraction: float | None) -> None:
        self.status, self.fraction = status, fraction
        self.changed.emit()


def shared_flow(state: AppState) -> QuickModelFlow:
    """The one QuickModelFlow of `state`, made on first use."""
    found = state.findChild(QuickModelFlow)
    return found if found is not None else QuickModelFlow(state)


class ModelBanner(QFrame):
    """What answers (the active model), what it was trained on, what its figures were measured on; "Get a K49
    model" while no K49-trained run exists, and the flow's progress with Cancel while it runs."""

    def __init__(self, state: AppState, name_prefix: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.flow = shared_flow(state)
        self.setObjectName(f"{name_prefix}ModelBanner" if name_prefix else "modelBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)

        def named(name: str) -> str:
            return name_prefix + name[0].upper() + name[1:] if name_prefix else name

        self.title = QLabel(objectName=named("bannerTitle"))
        self.title.setWordWrap(True)
        self.details = QLabel(objectName=named("bannerDetails"))
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.get_button = QPushButton(self.tr("Get a K49 model…"), objectName=named("getK49Button"))
        self.get_button.setToolTip(self.tr("Download K49, train the preset recommended for this machine, evaluate "
                                           "it and make it the active model; the time it takes is shown first"))
        self.get_button.clicked.connect(lambda: self.flow.start(self))
        self.cancel_button = QPushButton(self.tr("Cancel"), objectName=named("cancelK49Button"))
        self.cancel_button.clicked.connect(self.flow.cancel)
        self.progress = QProgressBar(objectName=named("k49Progress"))
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.status = QLabel(objectName=named("k49Status"))
        self.status.setWordWrap(True)

        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        top = QHBoxLayout()  # title and action on one row: the side column must still fit a small screen
        top.addWidget(self.title, 1)
        top.addWidget(self.get_button, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(top)
        for widget in (self.details, self.progress, self.status):
            layout.addWidget(widget)

        state.modelChanged.connect(self.refresh)
        state.runsChanged.connect(self.refresh)
        self.flow.changed.connect(self._show_flow)
        self.refresh()

    def refresh(self, *_ignored) -> None:
        """Describe the active model again and whether K49-trained runs exist (reads a few small JSON files)."""
        self._k49_runs = quickstart.k49_runs(self.state.runs_dir)
        title, details, tooltip = describe(self.state.model)
        active = self.state.model.run_dir if self.state.model is not None else None
        others = [r for r in self._k49_runs if Path(r.path) != active]
        if others and not any(Path(r.path) == active for r in self._k49_runs):
            details += "\n" + self.tr("A K49-trained model exists: run {run} (File › Open run…).").format(
                run=others[0].name)
        self.title.setText(title)
        self.details.setText(details)
        self.details.setToolTip(tooltip)
        self._show_flow()

    def _show_flow(self) -> None:
        busy = self.flow.busy
        self.get_button.setVisible(not busy and not self._k49_runs)
        self.cancel_button.setVisible(busy)
        self.progress.setVisible(busy)
        if self.flow.fraction is None:
            self.progress.setRange(0, 0)  # busy, how far unknown
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(round(1000 * min(max(self.flow.fraction, 0.0), 1.0)))
        self.status.setText(self.flow.status)
        self.status.setVisible(bool(self.flow.status))


def describe(model: ActiveModel | None) -> tuple[str, str, str]:
    """(title, details, tooltip) for the banner: which model, what it was trained on, what it was measured on."""
    if model is None:
        return (QCoreApplication.translate("ModelBanner", "No model"),
                QCoreApplication.translate("ModelBanner", "Train a model in the Train tab, or get a K49 model below."),
                "")
    if model.run_dir is None and Path(model.path) == starter_model_path():
        return _describe_starter()
    if model.run_dir is None:
        return (i18n.model_name(model.name),
                QCoreApplication.translate("ModelBanner", "A model file; what it was trained on is not recorded."),
                str(model.path))
    try:
        info = runs.read_info(model.run_dir)
    except RunError as e:
        return model.name, str(e), str(model.path)
    return _describe_run(info)


def _describe_starter() -> tuple[str, str, str]:
    try:
        info = starter_info()
    except RunError as e:
        return QCoreApplication.translate("ModelBanner", "Starter model"), str(e), ""
    headlines = [f for f in info["measured"] if f.get("headline")][:HEADLINES]
    details = "\n".join([
        QCoreApplication.translate("ModelBanner", "Trained on {what}.").format(what=localized(info, "trained_on")),
        QCoreApplication.translate("ModelBanner", "Measured: {figures}.").format(
            figures="; ".join(measured_text(f) for f in headlines))])
    tooltip = "\n".join(
        QCoreApplication.translate("ModelBanner", "{top1} top-1, {top5} top-5 on {name}: {data}").format(
            top1=percent(f["top1"]), top5="—" if f.get("top5") is None else percent(f["top5"]),
            name=localized(f, "name"), data=localized(f, "source" if "source" in f else "data"))
        for f in info["measured"])
    title = localized(info, "name") if "name" in info else QCoreApplication.translate("ModelBanner", "Starter model")
    return title, details, tooltip


def _describe_run(info: runs.RunInfo) -> tuple[str, str, str]:
    data = i18n.data_name(info.data_name)
    if info.fine_tuned_from:
        trained = QCoreApplication.translate(
            "ModelBanner", "Fine-tuned from {model} on your samples mixed with {data} images.").format(
            model=Path(info.fine_tuned_from).name, data=data)
    elif info.practice:
        trained = QCoreApplication.translate(
            "ModelBanner", "Trained on a practice set (rendered fonts and generated drawings), not on K49.")
    else:
        trained = QCoreApplication.translate("ModelBanner", "Trained on {data} ({images} training images).").format(
            data=data, images=i18n.number(info.sizes.get("train", 0)))
    figures = _run_figures(info)
    if figures is not None and figures.get("data") == info.data_name:
        measured = QCoreApplication.translate(
            "ModelBanner", "Measured: {top1} top-1, {top5} top-5 on {data}'s test set ({n} images).").format(
            top1=percent(figures["accuracy"]), top5=percent(figures["top5_accuracy"]), data=data,
            n=i18n.number(figures["test_images"]))
    elif info.best_val_accuracy is not None:
        measured = QCoreApplication.translate(
            "ModelBanner", "Validation accuracy {acc} on a held-out part of its training data ({data}).").format(
            acc=percent(info.best_val_accuracy), data=data)
    else:
        measured = QCoreApplication.translate("ModelBanner", "Not measured yet.")
    title = (QCoreApplication.translate("ModelBanner", "K49 model: run {run}") if quickstart.is_k49_run(info)
             else QCoreApplication.translate("ModelBanner", "Run {run}")).format(run=info.name)
    return f"{title} ({info.arch})", f"{trained}\n{measured}", str(info.path)


def _run_figures(info: runs.RunInfo) -> dict | None:
    """The figures `k49desk evaluate` or the quick start wrote for the run (evaluation/summary.json), if any."""
    try:
        return json.loads((Path(info.path) / quickstart.EVALUATION_DIR / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
