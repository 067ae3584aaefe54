"""Suspicious labels in the training set: cross-validated probabilities as a long task (estimate, progress, Cancel).

Every training image needs a probability from a model that never saw it, so the scan trains one model per fold
(k49desk.label_scan): minutes to hours, in the window's training process like every other training (a job of
k49desk.train_process; refused while another training job runs there). Its duration is estimated from a few timed
batches there before it starts; the result plugs into SuspiciousLabels.set_issues.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from k49desk.evaluation import label_ranking_problem
from k49desk.gui import i18n
from k49desk.gui.workers import TaskSlot
from k49desk.label_scan import DEFAULT_FOLDS


def about(seconds: float) -> str:
    """'about 40 s', 'about 12 min', 'about 2.5 h'."""
    if seconds < 90:
        return QCoreApplication.translate("about", "about {n} s").format(n=i18n.number(seconds))
    if seconds < 5400:
        return QCoreApplication.translate("about", "about {n} min").format(n=i18n.number(seconds / 60))
    return QCoreApplication.translate("about", "about {n} h").format(n=i18n.number(seconds / 3600, 1))


class TrainingLabelScan(QWidget):
    """Fold count, preset and epochs; Estimate, then Start (or Cancel). Emits scanFinished(evaluation, images, issues)
    with the training images and their cross-validated evaluation, ready for SuspiciousLabels.set_issues."""

    scanFinished = Signal(object, object, object)

    def __init__(self, state, parent=None):
        super().__init__(parent)
        self.setObjectName("trainingLabelScan")
        self.state = state
        self.data = None
        self._slot = TaskSlot(state, self)
        self._slot.busyChanged.connect(self._on_busy)
        from k49desk.models import ARCHITECTURES

        self.folds = QSpinBox(objectName="scanFolds", minimum=2, maximum=10, value=DEFAULT_FOLDS)
        self.folds.setToolTip(self.tr("Each fold's images are predicted by a model trained on the other folds"))
        self.arch = QComboBox(objectName="scanArch")
        self.arch.addItems(list(ARCHITECTURES))
        self.epochs = QSpinBox(objectName="scanEpochs", minimum=1, maximum=50, value=3)
        self.estimate_button = QPushButton(self.tr("Estimate time"), objectName="scanEstimate")
        self.start_button = QPushButton(self.tr("Start scan"), objectName="scanStart")
        self.cancel_button = QPushButton(self.tr("Cancel"), objectName="scanCancel")
        self.progress = QProgressBar(objectName="scanProgress", minimum=0, maximum=1000)
        self.status = QLabel(objectName="scanStatus")
        self.status.setWordWrap(True)
        self.estimate_button.clicked.connect(self.estimate)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self._slot.cancel)
        for setting in (self.folds, self.epochs):
            setting.valueChanged.connect(self._settings_changed)
        self.arch.currentIndexChanged.connect(self._settings_changed)

        form = QFormLayout()
        form.addRow(self.tr("Folds"), self.folds)
        form.addRow(self.tr("Model preset"), self.arch)
        form.addRow(self.tr("Epochs per fold"), self.epochs)
        buttons = QHBoxLayout()
        buttons.addWidget(self.estimate_button)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        self.set_data(None)

    def set_data(self, data) -> None:
        """The data set whose training labels are scanned (K49Data), or None."""
        self._slot.drop()
        self.data = data
        self._estimated = False
        self.progress.setValue(0)
        # Checked before hours of cross-validation, not after: confident learning needs two classes at least.
        self._unrankable = None if data is None else label_ranking_problem(data.y_train)
        if data is None:
            self.status.setText(self.tr("Open a data set to scan its training labels."))
        elif self._unrankable:
            # Why the labels cannot be ranked comes from the core: English.
            self.status.setText(self.tr("Training labels of the {0}: {1}.").format(i18n.data_name(data.name),
                                                                                 self._unrankable))
        else:
            self.status.setText(self.tr("{n} training images of the {data}. Estimate the time first.").format(
                n=i18n.number(len(data.y_train)), data=i18n.data_name(data.name)))
        self._update_buttons()

    def settings(self):
        from k49desk.training import TrainSettings

        # The preset's recipe (optimizer, schedule, batch size, learning rate) as in the Train tab; fewer epochs.
        return TrainSettings.for_arch(self.arch.currentText(), epochs=self.epochs.value())

    def is_running(self) -> bool:
        return self._slot.busy

    def estimate(self) -> None:
        from k49desk.train_process import LabelScanEstimateJob

        job = LabelScanEstimateJob(self.settings(), len(self.data.y_train), self.folds.value())
        self.status.setText(self.tr("Timing a few training batches…"))
        self._slot.run(self.tr("estimate label scan"), partial(self.state.training_process.run, job),
                       on_success=self._on_estimate, on_failure=self._on_failed)

    def start(self) -> None:
        from k49desk.train_process import LabelScanJob

        process, folds = self.state.training_process, self.folds.value()
        if process.training:
            self.status.setText(self.tr("Another training job (a Train tab run or a fine-tuning) is running in the "
                                        "training process: start the scan when it has finished."))
            return
        job = LabelScanJob(Path(self.data.data_dir), self.data.fingerprint, self.settings(), folds)
        self.progress.setValue(0)
        self.status.setText(self.tr("Training fold 1 of {folds}…").format(folds=folds))
        self._slot.run(self.tr("scan training labels"), partial(process.run, job), on_progress=self._on_progress,
                       on_success=self._on_done, on_failure=self._on_failed, on_cancelled=self._on_cancelled,
                       user_work=True)

    # Results ------------------------------------------------------------------------------------------

    def _settings_changed(self) -> None:
        if self._estimated and not self._slot.busy:
            self._estimated = False
            self.status.setText(self.tr("Settings changed: estimate the time again."))
            self._update_buttons()

    def _on_estimate(self, seconds: float) -> None:
        self._estimated = True
        self.status.setText(self.tr("The scan will take {time} on this machine ({folds} folds × {epochs} epochs of "
                                    "{arch} on {n} images). Start when ready; Cancel stops it.").format(
            time=about(seconds), folds=self.folds.value(), epochs=self.epochs.value(), arch=self.arch.currentText(),
            n=i18n.number(len(self.data.y_train))))

    def _on_progress(self, event) -> None:
        from k49desk.training import BatchProgress

        inner = event.event
        if isinstance(inner, BatchProgress):
            in_fold = (inner.epoch - 1 + inner.batch / inner.batches) / inner.epochs
            self.progress.setValue(round(1000 * (event.fold - 1 + in_fold) / event.folds))
            self.status.setText(self.tr("Fold {fold} of {folds}: epoch {epoch}/{epochs}, batch {batch}/{batches}").format(
                fold=event.fold, folds=event.folds, epoch=inner.epoch, epochs=inner.epochs, batch=inner.batch,
                batches=inner.batches))

    def _on_done(self, result) -> None:
        ev, issues = result
        self.progress.setValue(1000)
        self.status.setText(self.tr("{flagged} suspicious training labels flagged by confident learning, all {total} "
                                    "images ranked (candidates to check, not verdicts).").format(
            flagged=i18n.number(sum(q.flagged for q in issues)), total=i18n.number(len(issues))))
        self.scanFinished.emit(ev, self.data.x_train, issues)

    def _on_failed(self, message: str) -> None:
        self.status.setText(self.tr("Scan failed: {error}").format(error=message))

    def _on_cancelled(self) -> None:
        self.progress.setValue(0)
        self.status.setText(self.tr("Scan cancelled; nothing was kept."))

    def _on_busy(self, busy: bool) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        busy, ready = self._slot.busy, self.data is not None and not self._unrankable
        for setting in (self.folds, self.arch, self.epochs, self.estimate_button):
            setting.setEnabled(ready and not busy)
        self.start_button.setEnabled(ready and not busy and self._estimated)
        self.cancel_button.setEnabled(busy)
