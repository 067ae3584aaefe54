"""Train tab: settings, Start/Stop, live accuracy and loss curves from a training process, and the list of earlier runs.

Runs train in a child process (k49desk.train_process), kept warm from the moment the tab is shown with data and
TensorFlow ready; a Task thread waits for its messages and hands them to this tab as signals.

The form starts from the chosen preset's recipe (training.TrainSettings.for_arch, as the command line does); what the
user changes is kept per preset across launches (QSettings) until "Recipe defaults" restores the recipe.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from functools import partial
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QTimer
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from k49desk import models, runs, training
from k49desk.classes import NUM_CLASSES
from k49desk.errors import RunError
from k49desk.gui import i18n
from k49desk.gui.messages import show_error
from k49desk.gui.settings import app_settings
from k49desk.gui.state import ActiveModel, AppState
from k49desk.gui.workers import TaskSlot
from k49desk.train_process import DescribeMachine, EstimateJob, ResumeJob, TrainJob

REDRAW_MS = 200  # batch events arrive hundreds of times a second; the plots redraw at most this often
INITIAL_LOSS = math.log(NUM_CLASSES)  # cross-entropy of a uniform guess over the 49 classes
SMOOTHING = 0.1  # weight of the newest batch in the exponential moving average of the per-batch curve
TRAIN_COLOR, VAL_COLOR = "#3b6ea8", "#d0642e"
ESTIMATE_DELAY_MS = 400
PRECISION_CHOICES = ((QT_TRANSLATE_NOOP("TrainTab", "automatic"), "auto"), ("float32", "float32"),
                     (QT_TRANSLATE_NOOP("TrainTab", "mixed bfloat16"), "bfloat16"),
                     (QT_TRANSLATE_NOOP("TrainTab", "mixed float16 (loss scaling)"), "float16"))
FORM_KEY = "train/{arch}"  # QSettings key of a preset's last form values (JSON of TrainSettings.to_dict())
LAST_ARCH_KEY = "train/arch"
CONTINUABLE = ("stopped", "crashed", "diverged")  # statuses of runs that Continue resumes
# A run's status (runs.STATUSES) as the runs table and the status line show it.
RUN_STATUSES = {"running": QT_TRANSLATE_NOOP("TrainTab", "running"),
                "completed": QT_TRANSLATE_NOOP("TrainTab", "completed"),
                "stopped": QT_TRANSLATE_NOOP("TrainTab", "stopped"),
                "diverged": QT_TRANSLATE_NOOP("TrainTab", "diverged"),
                "crashed": QT_TRANSLATE_NOOP("TrainTab", "crashed"),
                "damaged": QT_TRANSLATE_NOOP("TrainTab", "damaged")}
# How a run that returned ended; otherwise "Finished".
ENDINGS = {"stopped": QT_TRANSLATE_NOOP("TrainTab", "Stopped"), "diverged": QT_TRANSLATE_NOOP("TrainTab", "Diverged")}
# The presets' descriptions (models.ArchSpec.description, the command line's words) for the window to translate; a
# test keeps each the same as the preset's.
PRESET_DESCRIPTIONS = {
    "seed-cnn": QT_TRANSLATE_NOOP("presets", "the Keras example's CNN: conv 32 + pool, conv 64 + pool, dense 49 softmax"),
    "seed-cnn-dropout": QT_TRANSLATE_NOOP("presets", "the Keras example's CNN with 30% dropout after each conv block"),
    "resnet-small": QT_TRANSLATE_NOOP("presets", "small ResNet (conv 32, residual stages 64/128, batch norm); "
                                                 "shift/rotate/zoom augmentation in the pipeline"),
    "preact-resnet-mid": QT_TRANSLATE_NOOP("presets", "pre-activation ResNet, stem 32 + one block each at "
                                                      "64/128/256 (28/14/7 px): ~1/3.4 of PreActResNet-18's "
                                                      "multiply-adds"),
    "preact-resnet-18": QT_TRANSLATE_NOOP("presets", "PreActResNet-18 (stages 64/128/256/512 x 2 blocks) adapted to "
                                                     "28x28x1 and 49 classes; input mixup"),
}

# Why automatic precision chose what it did (training.PRECISION_REASONS), for the window to word; {precision},
# {capability} and {flags} come from the PrecisionChoice.
PRECISION_REASON_TEXTS = {
    "requested": QT_TRANSLATE_NOOP("precision", "{precision}, as requested"),
    "resumed": QT_TRANSLATE_NOOP("precision", "{precision}, as the run was started"),
    "gpu_tensor_cores": QT_TRANSLATE_NOOP(
        "precision", "mixed float16 with loss scaling: GPU compute capability {capability} has tensor cores"),
    "gpu_no_tensor_cores": QT_TRANSLATE_NOOP("precision", "float32: this GPU has no float16 tensor cores (before 7.0)"),
    "cpu_bfloat16": QT_TRANSLATE_NOOP("precision", "mixed bfloat16: this CPU has {flags}"),
    "cpu_no_bfloat16": QT_TRANSLATE_NOOP("precision", "float32: no GPU, and this CPU has no bfloat16 instructions"),
}


def preset_description(name: str) -> str:
    """Preset `name`'s description in the window's language (the command line's English for a preset without one)."""
    text = PRESET_DESCRIPTIONS.get(name)
    return QCoreApplication.translate("presets", text) if text else models.get_arch(name).description


class SmoothedCurve:
    """Per-batch values at fractional epochs, smoothed with a bias-corrected exponential moving average."""

    def __init__(self):
        self.reset()

    def reset(self) -> None:
        self.x: list[float] = []
        self.y: list[float] = []
        self._average = 0.0
        self._weight = 0.0

    def add(self, x: float, value: float) -> None:
        if not math.isfinite(value):
            return
        self._average = (1 - SMOOTHING) * self._average + SMOOTHING * value
        self._weight = (1 - SMOOTHING) * self._weight + SMOOTHING
        self.x.append(x)
        self.y.append(self._average / self._weight)


class TrainingPlots:
    """Accuracy and loss side by side: the figure and its lines are made once, then only their data change.

    During training only the lines are redrawn, over a saved image of the empty axes (blitting): a full redraw of
    the two axes costs ~100 ms of the GUI thread on 2 CPU cores, blitting the lines a few ms. A full redraw happens
    only when the axes change: a new run (epochs on the x axis), a loss above the loss axis, a resize.
    """

    def __init__(self, parent: QWidget):
        from matplotlib.ticker import MaxNLocator

        from k49desk.gui.plots import make_canvas

        self.canvas = make_canvas(9.0, 3.6, parent, steady_layout=True)
        self.canvas.setObjectName("trainingPlots")
        self.axes = dict(zip(("accuracy", "loss"), self.canvas.figure.subplots(1, 2)))
        self.lines = {}
        titles = {"accuracy": QCoreApplication.translate("TrainingPlots", "Accuracy"),
                  "loss": QCoreApplication.translate("TrainingPlots", "Loss")}
        for metric, ax in self.axes.items():
            ax.set_title(titles[metric])
            ax.set_xlabel(QCoreApplication.translate("TrainingPlots", "epoch"))
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.grid(alpha=0.3)
            # animated: left out of full redraws, drawn by _draw_lines over the saved axes.
            (self.lines[f"batch_{metric}"],) = ax.plot(
                [], [], color=TRAIN_COLOR, alpha=0.35, lw=1.2, animated=True,
                label=QCoreApplication.translate("TrainingPlots", "training (per batch, smoothed)"))
            (self.lines[metric],) = ax.plot([], [], "o-", color=TRAIN_COLOR, lw=1.8, ms=4,
                                            label=QCoreApplication.translate("TrainingPlots", "training"), animated=True)
            (self.lines[f"val_{metric}"],) = ax.plot([], [], "s-", color=VAL_COLOR, lw=1.8, ms=4,
                                                     label=QCoreApplication.translate("TrainingPlots", "validation"),
                                                     animated=True)
            ax.legend(loc="lower right" if metric == "accuracy" else "upper right", fontsize=8)
        self.axes["accuracy"].set_ylim(0, 1.03)  # room for the markers of an accuracy of 1
        self._backgrounds: dict | None = None
        self._limits: tuple | None = None
        self.full_draws = 0  # counted for tests and bench/gui_training.py
        self.blits = 0
        self.canvas.mpl_connect("draw_event", self._on_full_draw)
        self.clear()

    def clear(self) -> None:
        for line in self.lines.values():
            line.set_data([], [])
        self._update(epochs=1)

    def set_curves(self, history: dict, batches: dict[str, SmoothedCurve], epochs: int) -> None:
        """history: per-epoch lists (loss, accuracy, val_loss, val_accuracy); batches: smoothed per-batch curves."""
        for key, line in self.lines.items():
            if key.startswith("batch_"):
                curve = batches.get(key.removeprefix("batch_"))
                line.set_data(curve.x if curve else [], curve.y if curve else [])
            else:
                values = history.get(key, [])
                line.set_data(range(1, len(values) + 1), values)
        self._update(epochs)

    def _update(self, epochs: int) -> None:
        limits = (max(epochs, 1), self._loss_top())
        if limits == self._limits and self._backgrounds is not None:
            self._blit()
            return
        self._limits = limits
        margin = max(0.15, 0.03 * limits[0])  # the last epoch's markers stay whole inside the axes
        for ax in self.axes.values():
            ax.set_xlim(0, limits[0] + margin)
        self.axes["loss"].set_ylim(0, limits[1])
        self.canvas.draw_idle()

    def _loss_top(self) -> float:
        """Top of the loss axis: above every loss shown, rounded up to a half decade so that it rarely changes."""
        values = [v for key in ("loss", "val_loss", "batch_loss") for v in self.lines[key].get_ydata()
                  if math.isfinite(v)]
        # Before any loss: a fresh model's, ln(49) (it guesses all classes alike), so that the first batches of a new
        # run fit on the axis as it is and the plots need no full redraw (~100 ms of the GUI thread) right then.
        top = max(values, default=INITIAL_LOSS) * 1.05
        if top <= 0:
            return 1.0
        step = 10 ** math.floor(math.log10(top)) / 2
        return math.ceil(top / step) * step

    def _on_full_draw(self, _event) -> None:
        """After a full redraw: keep the axes without their lines, then draw the lines on them."""
        self.full_draws += 1
        self._backgrounds = {m: self.canvas.copy_from_bbox(ax.bbox) for m, ax in self.axes.items()}
        self._draw_lines()

    def _draw_lines(self) -> None:
        for ax in self.axes.values():
            for line in ax.get_lines():
                ax.draw_artist(line)
            ax.draw_artist(ax.get_legend())  # the lines must not cover it

    def _blit(self) -> None:
        for metric, ax in self.axes.items():
            self.canvas.restore_region(self._backgrounds[metric])
        self._draw_lines()
        for ax in self.axes.values():
            self.canvas.blit(ax.bbox)
        self.blits += 1

    def points(self, key: str) -> int:
        """How many points the line `key` holds (e.g. 'val_accuracy', 'batch_loss')."""
        return len(self.lines[key].get_xdata())


class TrainTab(QWidget):
    def __init__(self, state: AppState, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.plots: TrainingPlots | None = None
        self.run_slot = TaskSlot(state, self)  # the one training run, carried out in the training process
        self.run_slot.busyChanged.connect(self._on_run_busy)
        self._param_counts = TaskSlot(state, self)
        self._warming = TaskSlot(state, self)  # starts the training process and asks it about this machine
        self._estimating = TaskSlot(state, self)  # the time per epoch of the settings, measured in that process
        self._estimating.busyChanged.connect(self._on_estimate_busy)
        self._machine = None  # (PrecisionChoice of automatic precision, where training runs) once the process told
        self._estimates: dict[tuple, float] = {}  # seconds per epoch by what they depend on (see _estimate_key)
        self._estimate_again = False  # the settings changed while a measurement ran
        self._history: dict[str, list[float]] = {}
        self._batches = {"accuracy": SmoothedCurve(), "loss": SmoothedCurve()}
        self._epochs = 1
        self._last_batch = None
        self._dirty = False
        self.run_infos: list = []

        self._redraw_timer = QTimer(self, interval=REDRAW_MS)
        self._redraw_timer.timeout.connect(self._redraw)
        # A new measurement once the settings have stopped changing for a moment, not for each step of a spin box.
        self._estimate_timer = QTimer(self, interval=ESTIMATE_DELAY_MS, singleShot=True)
        self._estimate_timer.timeout.connect(self._measure_epoch)
        self._filling_form = False  # the form is being set from a recipe or saved values: nothing to save
        self._build()
        self._show_preset(str(app_settings().value(LAST_ARCH_KEY, training.TrainSettings().arch)))
        self.arch_combo.currentIndexChanged.connect(lambda _i: self._show_preset(self.arch_combo.currentData()))
        for signal in (self.epochs_spin.valueChanged, self.batch_spin.valueChanged, self.lr_spin.valueChanged,
                       self.val_spin.valueChanged, self.seed_spin.valueChanged,
                       self.precision_combo.currentIndexChanged):
            signal.connect(self._form_edited)
        for signal in (self.arch_combo.currentIndexChanged, self.batch_spin.valueChanged,
                       self.precision_combo.currentIndexChanged, self.val_spin.valueChanged):
            signal.connect(self._estimate_timer.start)
        self.epochs_spin.valueChanged.connect(self._show_estimate)

        state.mlReady.connect(self._on_ml_ready)
        state.dataChanged.connect(self._update_buttons)
        state.dataChanged.connect(self._warm_up)
        state.dataChanged.connect(self._estimate_timer.start)
        state.runsChanged.connect(self.refresh_runs)
        if state.ml_ready:
            self._on_ml_ready()
        self.refresh_runs()
        self._update_buttons()

    # Layout ------------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.arch_combo = QComboBox(objectName="archCombo")
        for name, spec in models.ARCHITECTURES.items():
            self.arch_combo.addItem(name, name)
            self.arch_combo.setItemData(self.arch_combo.count() - 1, preset_description(name),
                                        Qt.ItemDataRole.ToolTipRole)
        self.epochs_spin = QSpinBox(objectName="epochsSpin", minimum=1, maximum=1000)
        self.batch_spin = QSpinBox(objectName="batchSizeSpin", minimum=1, maximum=65536)
        self.lr_spin = QDoubleSpinBox(objectName="learningRateSpin", decimals=5, minimum=1e-5, maximum=1.0,
                                      singleStep=1e-4)
        self.val_spin = QDoubleSpinBox(objectName="validationSplitSpin", decimals=2, minimum=0.05, maximum=0.9,
                                       singleStep=0.05)
        self.seed_spin = QSpinBox(objectName="seedSpin", minimum=0, maximum=2**31 - 1)
        self.precision_combo = QComboBox(objectName="precisionCombo")
        for text, value in PRECISION_CHOICES:
            self.precision_combo.addItem(self.tr(text), value)
        self.precision_note = QLabel(objectName="precisionNote", wordWrap=True)
        self.precision_note.setEnabled(False)
        self.device_label = QLabel(objectName="trainDevices", wordWrap=True)
        self.device_label.setEnabled(False)
        self.estimate_label = QLabel(objectName="epochEstimate", wordWrap=True)
        self.recipe_button = QPushButton(self.tr("Recipe defaults"), objectName="recipeDefaultsButton")
        self.recipe_button.setToolTip(self.tr("Set the form back to the chosen preset's recipe"))
        self.recipe_button.clicked.connect(self.restore_recipe)
        self.recipe_note = QLabel(objectName="recipeNote", wordWrap=True)
        self.recipe_note.setEnabled(False)
        form = QFormLayout()
        form.addRow(self.tr("Architecture"), self.arch_combo)
        form.addRow(self.recipe_note)
        form.addRow(self.tr("Epochs"), self.epochs_spin)
        form.addRow(self.tr("Batch size"), self.batch_spin)
        form.addRow(self.tr("Learning rate"), self.lr_spin)
        form.addRow(self.tr("Validation split"), self.val_spin)
        form.addRow(self.tr("Seed"), self.seed_spin)
        form.addRow(self.tr("Precision"), self.precision_combo)
        form.addRow(self.recipe_button)
        self.settings_widgets = (self.arch_combo, self.epochs_spin, self.batch_spin, self.lr_spin, self.val_spin,
                                 self.seed_spin, self.precision_combo)

        self.start_button = QPushButton(self.tr("Start training"), objectName="startTrainingButton")
        self.start_button.clicked.connect(self.start)
        self.stop_button = QPushButton(self.tr("Stop"), objectName="stopTrainingButton", enabled=False)
        self.stop_button.setToolTip(self.tr("Stop after the current batch; the run keeps the epochs completed"))
        self.stop_button.clicked.connect(self.stop)
        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.stop_button)
        self.hint_label = QLabel(objectName="trainHint", wordWrap=True)
        self.hint_label.setEnabled(False)

        settings_box = QGroupBox(self.tr("Settings"), objectName="trainSettingsBox")
        settings_layout = QVBoxLayout(settings_box)
        settings_layout.addLayout(form)
        settings_layout.addLayout(buttons)
        settings_layout.addWidget(self.hint_label)

        self.runs_table = QTableWidget(0, 6, objectName="runsTable")
        self.runs_table.setHorizontalHeaderLabels([self.tr("Run"), self.tr("Date"), self.tr("Preset"), self.tr("Epochs"),
                                                   self.tr("Val acc"), self.tr("Data")])
        self.runs_table.horizontalHeaderItem(4).setToolTip(self.tr("Best validation accuracy of the run"))
        self.runs_table.verticalHeader().setVisible(False)
        self.runs_table.setWordWrap(False)
        self.runs_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.runs_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.runs_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.runs_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # long names are elided, whole in the tooltip
        # In the middle: a name's start (the date) and its end ("-2" for the second run of a minute) both stay.
        self.runs_table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header.setMinimumSectionSize(60)
        self.runs_table.cellDoubleClicked.connect(self.open_selected_run)
        self.runs_table.itemSelectionChanged.connect(self._update_buttons)
        self.open_run_button = QPushButton(self.tr("Open run"), objectName="openRunButton")
        self.open_run_button.setToolTip(self.tr("Show the run's curves and make its model the active model"))
        self.open_run_button.clicked.connect(self.open_selected_run)
        self.refresh_runs_button = QPushButton(self.tr("Refresh"), objectName="refreshRunsButton")
        self.refresh_runs_button.clicked.connect(self.refresh_runs)
        runs_buttons = QHBoxLayout()
        self.continue_button = QPushButton(self.tr("Continue run"), objectName="continueRunButton")
        self.continue_button.setToolTip(self.tr("Continue a stopped, crashed or diverged run from its last completed "
                                                "epoch up to its planned epochs"))
        self.continue_button.clicked.connect(self.continue_selected_run)
        runs_buttons.addWidget(self.open_run_button)
        runs_buttons.addWidget(self.continue_button)
        runs_buttons.addWidget(self.refresh_runs_button)
        runs_buttons.addStretch(1)
        runs_box = QGroupBox(self.tr("Earlier runs"), objectName="runsBox")
        runs_layout = QVBoxLayout(runs_box)
        runs_layout.addWidget(self.runs_table)
        runs_layout.addLayout(runs_buttons)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(settings_box)
        left_layout.addWidget(runs_box, 1)

        self.plot_box = QWidget(objectName="trainingPlotBox")
        self.plot_layout = QVBoxLayout(self.plot_box)
        self.plot_layout.setContentsMargins(0, 0, 0, 0)
        self.plot_placeholder = QLabel(self.tr("loading plots…"), alignment=Qt.AlignmentFlag.AlignCenter)
        self.plot_placeholder.setEnabled(False)
        self.plot_layout.addWidget(self.plot_placeholder)
        self.progress_bar = QProgressBar(objectName="trainProgress", textVisible=True, minimum=0, maximum=1000)
        self.progress_bar.setFormat("")
        self.progress_label = QLabel(objectName="trainStatus")
        self.log = QPlainTextEdit(objectName="trainLog", readOnly=True)
        self.log.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.log.setMaximumBlockCount(5000)
        right_split = QSplitter(Qt.Orientation.Vertical, objectName="trainRightSplitter")
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.plot_box, 1)
        top_layout.addWidget(self.progress_bar)
        top_layout.addWidget(self.progress_label)
        # Before Start: what to expect of the settings on this machine (beside the progress, not under the form, so
        # that the window still fits small screens).
        top_layout.addWidget(self.estimate_label)
        top_layout.addWidget(self.precision_note)
        top_layout.addWidget(self.device_label)
        right_split.addWidget(top)
        right_split.addWidget(self.log)
        right_split.setStretchFactor(0, 3)
        right_split.setStretchFactor(1, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal, objectName="trainSplitter")
        splitter.addWidget(left)
        splitter.addWidget(right_split)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([520, 760])
        QVBoxLayout(self).addWidget(splitter)

    def _on_ml_ready(self) -> None:
        if self.plots is None:
            self.plots = TrainingPlots(self.plot_box)
            self.plot_placeholder.setVisible(False)
            self.plot_layout.addWidget(self.plots.canvas)
        # Parameter counts build each preset once: a moment's work, so on a worker.
        self._param_counts.run(self.tr("count parameters"), lambda progress, cancel: models.describe(),
                               on_success=self._show_param_counts)
        self._update_buttons()
        self._warm_up()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._warm_up()

    def _warm_up(self, *_ignored) -> None:
        """Start the training process once someone is about to train: the tab on show, data and TensorFlow ready.

        After the window's own TensorFlow import, so that the two imports do not compete for the CPU at start-up.
        """
        if (self.isVisible() and self.state.ml_ready and self.state.data is not None and self._machine is None
                and not self.is_training() and not self._warming.busy):
            self.precision_note.setText(self.tr("Automatic precision: chosen for this machine once the training "
                                                "process has started…"))
            self._warming.run(self.tr("start the training process"), partial(self.training_process.run, DescribeMachine()),
                              on_success=self._show_machine)

    def _show_machine(self, machine) -> None:
        self._machine = machine
        choice, devices = machine
        self.precision_note.setText(self.tr("Automatic precision here: {reason}").format(reason=precision_reason(choice)))
        self.device_label.setText(devices_text(devices) + self.tr(
            ". Training uses one machine: its GPUs together (MirroredStrategy) are the way to scale; several machines "
            "are not supported with Keras 3 (keras-team/keras#20585)."))
        self._measure_epoch()

    # Time per epoch -----------------------------------------------------------------------------------------

    def _estimate_key(self) -> tuple | None:
        """What a measurement depends on: (settings with 1 epoch, training images, validation images); None without
        data."""
        if self.state.data is None:
            return None
        return (replace(self.settings(), epochs=1),
                *training.split_sizes(len(self.state.data.y_train), self.val_spin.value()))

    def _measure_epoch(self) -> None:
        """Time a few batches of the settings in the training process, unless it is busy training."""
        key = self._estimate_key()
        if key is None or self._machine is None or self.is_training() or self.state.closing:
            return
        if key in self._estimates:  # measured already: the machine's speed does not change between runs
            self._show_estimate()
            return
        if self._estimating.busy:
            self._estimate_again = True
            return
        self.estimate_label.setText(self.tr("Time per epoch: measuring a few batches…"))
        self._estimating.run(self.tr("measure the time per epoch"), partial(self.training_process.run,
                                                                   EstimateJob(*key)),
                             on_success=lambda seconds: self._measured(key, seconds),
                             on_failure=lambda message: self.estimate_label.setText(
                                 self.tr("Time per epoch: could not be measured ({error})").format(error=message)))

    def _measured(self, key: tuple, seconds: float) -> None:
        self._estimates[key] = seconds
        self._show_estimate()

    def _on_estimate_busy(self, busy: bool) -> None:
        if not busy and self._estimate_again:
            self._estimate_again = False
            self._measure_epoch()

    def _show_estimate(self, *_ignored) -> None:
        key = self._estimate_key()
        seconds = self._estimates.get(key)
        if seconds is None:
            return
        settings, train_size, val_size = key
        epochs = self.epochs_spin.value()
        self.estimate_label.setText(
            self.tr("Time per epoch here: about {epoch}, {all} for {n} epoch(s)").format(
                epoch=i18n.duration(seconds), all=i18n.duration(seconds * epochs), n=i18n.number(epochs)))
        self.estimate_label.setToolTip(
            self.tr("{images} training images in batches of {batch} and {validation} validation images, timed on a "
                    "few real batches in the training process (augmentation, precision and devices as the run "
                    "will have them)").format(images=i18n.number(train_size), batch=settings.batch_size,
                                              validation=i18n.number(val_size)))

    @property
    def training_process(self):
        """The window's training process (shared with fine-tuning in the Draw tab)."""
        return self.state.training_process

    def _show_param_counts(self, described) -> None:
        for name, params, _description in described:
            i = self.arch_combo.findData(name)
            if i >= 0:
                self.arch_combo.setItemText(i, self.tr("{name} — {n} parameters").format(name=name,
                                                                                         n=i18n.number(params)))

    # The form and the presets' recipes --------------------------------------------------------------------

    def _show_preset(self, arch: str) -> None:
        """Fill the form for preset `arch`: the values last used with it, else its recipe."""
        if arch not in models.ARCHITECTURES:
            arch = training.TrainSettings().arch
        store, key = app_settings(), FORM_KEY.format(arch=arch)
        shown = training.TrainSettings.for_arch(arch)
        if store.contains(key):
            try:
                shown = training.TrainSettings.from_dict({**json.loads(str(store.value(key))), "arch": arch})
            except (ValueError, TypeError, AttributeError):  # a damaged or hand-edited entry: the recipe instead
                pass
        self._set_form(shown)
        store.setValue(LAST_ARCH_KEY, arch)
        store.sync()

    def restore_recipe(self) -> None:
        """Set the form back to the chosen preset's recipe and forget the values kept for it."""
        arch = self.arch_combo.currentData()
        store = app_settings()
        store.remove(FORM_KEY.format(arch=arch))
        store.sync()
        self._set_form(training.TrainSettings.for_arch(arch))

    def _at_recipe(self) -> bool:
        return self.settings() == training.TrainSettings.for_arch(self.arch_combo.currentData())

    def _set_form(self, s: training.TrainSettings) -> None:
        self._filling_form = True
        try:
            i = self.arch_combo.findData(s.arch)
            if i >= 0:
                self.arch_combo.blockSignals(True)  # the preset's values are being shown already
                self.arch_combo.setCurrentIndex(i)
                self.arch_combo.blockSignals(False)
            self.epochs_spin.setValue(s.epochs)
            self.batch_spin.setValue(s.batch_size)
            self.lr_spin.setValue(s.learning_rate)
            self.val_spin.setValue(s.validation_split)
            self.seed_spin.setValue(s.seed)
            self.precision_combo.setCurrentIndex(max(self.precision_combo.findData(s.precision), 0))
        finally:
            self._filling_form = False
        self._form_edited()

    def _form_edited(self, *_ignored) -> None:
        """Keep the form's values for its preset (unless they are the recipe's), and say whether they are."""
        arch = self.arch_combo.currentData()
        at_recipe = self._at_recipe()
        self.recipe_note.setText(self.tr("Recipe: {recipe}").format(recipe=recipe_text(models.get_arch(arch).recipe))
                                 + ("" if at_recipe else self.tr(" (changed here)")))
        self.recipe_button.setEnabled(not at_recipe and not self.is_training())
        if self._filling_form:
            return
        store = app_settings()
        if at_recipe:
            store.remove(FORM_KEY.format(arch=arch))
        else:
            store.setValue(FORM_KEY.format(arch=arch), json.dumps(self.settings().to_dict()))
        store.sync()

    def settings(self) -> training.TrainSettings:
        """The form as training.TrainSettings."""
        return training.TrainSettings(
            arch=self.arch_combo.currentData(),
            epochs=self.epochs_spin.value(),
            batch_size=self.batch_spin.value(),
            learning_rate=self.lr_spin.value(),
            validation_split=self.val_spin.value(),
            seed=self.seed_spin.value(),
            precision=self.precision_combo.currentData(),
        )

    def is_training(self) -> bool:
        return self.run_slot.busy

    def _update_buttons(self, *_ignored) -> None:
        busy = self.is_training()
        ready = self.state.ml_ready and self.state.data is not None
        self.start_button.setEnabled(ready and not busy)
        self.stop_button.setEnabled(busy and not self.run_slot.cancel_requested)
        for w in self.settings_widgets:
            w.setEnabled(not busy)
        self.recipe_button.setEnabled(not busy and not self._at_recipe())
        self.open_run_button.setEnabled(not busy and bool(self.runs_table.selectedItems()))
        selected = self._selected_run()
        self.continue_button.setEnabled(not busy and self.state.ml_ready and selected is not None
                                        and selected.status in CONTINUABLE)
        if busy:
            hint = ""
        elif not self.state.ml_ready:
            hint = self.tr("Loading TensorFlow…")
        elif self.state.data is None:
            hint = self.tr("Load data in the Data tab first.")
        else:
            hint = self.tr("Trains on the loaded {name} ({n} images).").format(
                name=i18n.data_name(self.state.data.name), n=i18n.number(len(self.state.data.y_train)))
        self.hint_label.setText(hint)

    # Training -----------------------------------------------------------------------------------------

    def start(self) -> None:
        if self.is_training() or self.state.data is None or self._process_busy():
            return
        data = self.state.data
        self._show_curves({}, self.epochs_spin.value())
        self._train(TrainJob(data.data_dir, data.fingerprint, self.settings(), self.state.runs_dir))

    def continue_selected_run(self) -> None:
        """Continue the selected run from its last completed epoch; its curves go on from where they ended."""
        info = self._selected_run()
        if self.is_training() or info is None or self._process_busy():
            return
        try:
            run = runs.load_run(info.path)
        except RunError as e:
            show_error(self, self.tr("Continue run"), str(e))
            return
        self._show_curves(run.history, max(run.info.epochs_planned, run.info.epochs_done))
        self._append_log(self.tr("Continuing run {name} from epoch {epoch}").format(name=info.name,
                                                                                 epoch=run.info.epochs_done + 1))
        self._train(ResumeJob(Path(info.path)))

    def _process_busy(self) -> bool:
        """True, with a message, while the training process trains something else: a fine-tuning or a label scan
        may take hours, so a run does not silently wait behind it."""
        if self.training_process.training:
            show_error(self, self.tr("Training"), self.tr(
                "Another training job (a fine-tuning or a training-set label scan) is running in the training "
                "process: start when it has finished."))
        return self.training_process.training

    def _train(self, job) -> None:
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat(self.tr("starting…"))
        self.progress_label.setText(self.tr("Building the model…"))
        self._redraw_timer.start()
        # Every event, unthrottled: the curves take each batch in, and redraw on their own timer.
        self.run_slot.run(self.tr("training"), partial(self.training_process.run, job), on_progress=self._on_progress,
                          on_success=self._on_finished, on_failure=self._on_failed,
                          on_cancelled=self._on_cancelled, user_work=True, throttle_progress=False)
        self._update_buttons()

    def stop(self) -> None:
        if self.run_slot.busy:
            self.run_slot.cancel()
            self.progress_label.setText(self.tr("Stopping after this batch…"))
            self._update_buttons()

    def _show_curves(self, history: dict, epochs: int) -> None:
        """Per-epoch curves from `history` (empty for a new run) on an axis of `epochs`; no per-batch curve yet."""
        self._history = {k: list(history.get(k, [])) for k in runs.HISTORY_KEYS}
        for curve in self._batches.values():
            curve.reset()
        self._epochs = epochs
        self._last_batch = None
        self._dirty = True
        self._redraw()

    def _on_progress(self, event) -> None:
        if isinstance(event, training.BatchProgress):
            x = event.epoch - 1 + event.batch / max(event.batches, 1)
            self._batches["accuracy"].add(x, event.accuracy)
            self._batches["loss"].add(x, event.loss)
            self._last_batch = event
            self._dirty = True
        elif isinstance(event, training.EpochEnd):
            for key in self._history:
                self._history[key].append(float(event.logs.get(key, math.nan)))
            self._log_epoch(event)
            self._dirty = True
        elif isinstance(event, training.TrainingStarted):
            s = event.settings
            self._append_log(
                self.tr("Run {run}: {arch}, {train} training / {val} validation images, {batches} batches per epoch; "
                        "precision {precision} ({reason}); on {devices}").format(
                    run=Path(event.run_dir).name, arch=s.arch, train=i18n.number(event.train_size),
                    val=i18n.number(event.val_size), batches=event.batches_per_epoch,
                    precision=event.precision.precision, reason=precision_reason(event.precision),
                    devices=", ".join(event.devices))
            )
            self.device_label.setText(self.tr("Training on {devices}").format(devices=", ".join(event.devices)))

    def _log_epoch(self, e) -> None:
        logs = e.logs
        parts = [self.tr("Epoch {epoch}/{epochs}").format(epoch=e.epoch, epochs=e.epochs),
                 i18n.duration(logs.get("seconds", 0))]
        parts += [f"{k}: {logs[k]:.4f}" for k in ("accuracy", "loss", "val_accuracy", "val_loss") if k in logs]
        self._append_log(" - ".join(parts))

    def _append_log(self, line: str) -> None:
        self.log.appendPlainText(line)

    def _redraw(self) -> None:
        """Coalesces the batch events of the last REDRAW_MS into one redraw and one progress update."""
        if not self._dirty:
            return
        self._dirty = False
        if self.plots is not None:
            self.plots.set_curves(self._history, self._batches, self._epochs)
        b = self._last_batch
        if b is not None:
            done = (b.epoch - 1) * b.batches + b.batch
            self.progress_bar.setValue(int(1000 * done / max(b.epochs * b.batches, 1)))
            self.progress_bar.setFormat(self.tr("epoch {epoch}/{epochs} · batch {batch}/{batches}").format(
                epoch=b.epoch, epochs=b.epochs, batch=b.batch, batches=b.batches))
            if self.run_slot.cancel_requested:
                return  # "Stopping after this batch…" stays until the run is kept
            self.progress_label.setText(self.tr("{speed} samples/s · {left}").format(
                speed=i18n.number(b.samples_per_s), left=i18n.time_left(b.eta_s)))

    def _on_finished(self, info) -> None:
        self._redraw()
        ended = self.tr(ENDINGS.get(info.status, QT_TRANSLATE_NOOP("TrainTab", "Finished")))
        self._append_log(
            self.tr("{ended}: {done} of {planned} epochs kept in {folder}").format(
                ended=ended, done=info.epochs_done, planned=info.epochs_planned, folder=info.path)
            + (self.tr("; best val accuracy {accuracy}").format(accuracy=i18n.number(info.best_val_accuracy, 4))
               if info.best_val_accuracy else "")
        )
        for note in info.notes:
            self._append_log(self.tr("Note: {note}").format(note=note))
        self.progress_label.setText(self.tr("{ended} — run {name}").format(ended=ended, name=info.name))
        if info.status != "completed":
            self.progress_bar.setFormat(self.tr("{ended} after {n} epoch(s)").format(ended=ended.lower(),
                                                                                    n=i18n.number(info.epochs_done)))
        else:
            self.progress_bar.setValue(self.progress_bar.maximum())
            self.progress_bar.setFormat(self.tr("done"))
        self.state.runsChanged.emit()
        best = Path(info.path) / runs.MODEL_FILE
        if best.is_file():
            # Offered, not made active: the model in use stays until the user takes the new one.
            self.state.offer_model(ActiveModel(info.name, best, Path(info.path)))

    def _on_cancelled(self) -> None:
        self._redraw()  # flush pending batch events now, or the redraw when the task ends overwrites the message
        self._append_log(self.tr("Stopped before the first epoch ended: nothing was kept."))
        self.progress_label.setText(self.tr("Stopped — no epoch completed, no run written."))
        self.progress_bar.setFormat(self.tr("stopped"))

    def _on_failed(self, message: str) -> None:
        self._redraw()
        self._append_log(self.tr("Training failed: {error}").format(error=message))
        self.progress_label.setText(self.tr("Training failed."))
        show_error(self, self.tr("Training failed"), message)
        self.state.runsChanged.emit()  # a crashed training process leaves its completed epochs as a crashed run

    def _on_run_busy(self, busy: bool) -> None:
        if not busy:
            self._redraw_timer.stop()
            self._redraw()
            self._update_buttons()
            self._estimate_timer.start()  # settings may have changed while a measurement waited for the run

    # Runs ----------------------------------------------------------------------------------------------------

    def refresh_runs(self) -> None:
        try:
            self.run_infos = runs.list_runs(self.state.runs_dir)
        except RunError as e:
            self.run_infos = []
            self.hint_label.setText(str(e))
        table = self.runs_table
        table.setRowCount(len(self.run_infos))
        for row, info in enumerate(self.run_infos):
            best = "" if info.best_val_accuracy is None else i18n.percent(info.best_val_accuracy, 2)
            status = "" if info.status == "completed" else f" {self.tr(RUN_STATUSES.get(info.status, info.status))}"
            epochs = f"{info.epochs_done}/{info.epochs_planned}{status}"
            data = self.tr("practice") if info.practice else i18n.data_name(info.data_name)
            created = i18n.date_time(info.created) if hasattr(info.created, "strftime") else str(info.created)
            for col, text in enumerate((info.name, created, info.arch, epochs, best, data)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, str(info.path))
                item.setToolTip("\n".join((info.name, str(info.path), *filter(None, (info.damaged,)), *info.notes)))
                table.setItem(row, col, item)
        self._update_buttons()

    def _selected_run(self):
        """The RunInfo of the selected row, None when no row is selected."""
        rows = self.runs_table.selectionModel().selectedRows()
        return self.run_infos[rows[0].row()] if rows and rows[0].row() < len(self.run_infos) else None

    def open_selected_run(self, *_ignored) -> None:
        rows = self.runs_table.selectionModel().selectedRows()
        if rows:
            self.open_run(Path(self.runs_table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)))

    def open_run(self, path: Path) -> bool:
        """Show a run's curves and make its model active; False (with a message) when it cannot be opened."""
        if self.is_training():
            show_error(self, self.tr("Open run"), self.tr("Stop the training first: its curves are on show."))
            return False
        run = self._activate(path)
        if run is None:
            return False
        self._show_curves(run.history, max(run.info.epochs_planned, len(run.history.get("loss", [])), 1))
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat("")
        self.progress_label.setText(self.tr("Run {name}: {n} epoch(s), {status}").format(
            name=run.info.name, n=i18n.number(run.info.epochs_done),
            status=self.tr(RUN_STATUSES.get(run.info.status, run.info.status))))
        self._append_log(self.tr("Opened run {name} ({folder})").format(name=run.info.name, folder=run.info.path))
        self._select_run_row(Path(run.info.path))
        return True

    def _select_run_row(self, path: Path) -> None:
        """Select the run's row in the runs table, if it is listed there (it may live in another runs folder)."""
        for row in range(self.runs_table.rowCount()):
            if Path(self.runs_table.item(row, 0).data(Qt.ItemDataRole.UserRole)) == path:
                self.runs_table.selectRow(row)
                return
        self.runs_table.clearSelection()

    def _activate(self, path: Path):
        """Make the run's best model the active model; returns the loaded run, None (with a message) if it has no
        usable model."""
        try:
            run = runs.load_run(path)
        except RunError as e:
            show_error(self, self.tr("Open run"), str(e))
            return None
        if not Path(run.model_path).is_file():
            show_error(self, self.tr("Open run"), self.tr(
                "{folder}: holds no saved model (stopped before its first epoch ended)").format(folder=path))
            return None
        self.state.set_model(ActiveModel(run.info.name, Path(run.model_path), Path(run.info.path)))
        return run


def precision_reason(choice: training.PrecisionChoice) -> str:
    """Why this precision, in the window's language (PrecisionChoice.reason is the command line's)."""
    text = PRECISION_REASON_TEXTS.get(choice.why)
    if text is None:
        return choice.reason
    detail = choice.detail
    return QCoreApplication.translate("precision", text).format(
        precision=choice.precision, capability=detail[0] if detail else "?",
        flags=QCoreApplication.translate("precision", " and ").join(detail))


def devices_text(devices: training.Devices) -> str:
    """Where training runs, one sentence in the window's language (Devices.describe() is the command line's)."""
    names = ", ".join(devices.names)
    if devices.cluster_task:
        return devices.describe()  # a TF_CONFIG worker: the window is never one
    if devices.gpus:
        if len(devices.names) > 1:
            return QCoreApplication.translate("devices", "Training on {devices} together (MirroredStrategy)").format(
                devices=names)
        return QCoreApplication.translate("devices", "Training on {devices}").format(devices=names)
    text = QCoreApplication.translate("devices", "Training on the CPU ({cores} cores; no GPU found)").format(
        cores=devices.cpu_cores)
    if len(devices.names) > 1:
        text += QCoreApplication.translate("devices", ", MirroredStrategy over {n} logical devices").format(
            n=len(devices.names))
    return text


def recipe_text(recipe: models.Recipe) -> str:
    """A preset's training recipe in the window's language (models.Recipe.describe() is the command line's)."""
    rate = i18n.number(recipe.learning_rate, 5).rstrip("0").rstrip(".")
    optimizer = (QCoreApplication.translate("recipe_text", "SGD lr {lr} momentum {m}").format(
        lr=rate, m=f"{recipe.momentum:g}") if recipe.optimizer == "sgd"
        else QCoreApplication.translate("recipe_text", "Adam lr {lr}").format(lr=rate))
    if recipe.schedule != "cosine":
        schedule = QCoreApplication.translate("recipe_text", "constant schedule")
    elif recipe.warmup_epochs:
        schedule = QCoreApplication.translate("recipe_text", "cosine schedule after {n} warm-up epoch(s)").format(
            n=f"{recipe.warmup_epochs:g}")
    else:
        schedule = QCoreApplication.translate("recipe_text", "cosine schedule")
    parts = [optimizer, schedule, QCoreApplication.translate("recipe_text", "batch {n}").format(n=recipe.batch_size),
             QCoreApplication.translate("recipe_text", "{n} epochs").format(n=recipe.epochs)]
    augmentations = [text for text, on in (
        (QCoreApplication.translate("recipe_text", "shift"), recipe.shift),
        (QCoreApplication.translate("recipe_text", "rotation"), recipe.rotation),
        (QCoreApplication.translate("recipe_text", "zoom"), recipe.zoom),
        (QCoreApplication.translate("recipe_text", "cutout {n}px").format(n=recipe.cutout), recipe.cutout),
        (QCoreApplication.translate("recipe_text", "input mixup alpha {a}").format(a=f"{recipe.mixup_alpha:g}"),
         recipe.mixup_alpha)) if on]
    if augmentations:
        parts.append(QCoreApplication.translate("recipe_text", "augmentation: {list}").format(
            list=", ".join(augmentations)))
    return ", ".join(parts)
