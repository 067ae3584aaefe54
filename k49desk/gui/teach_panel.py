"""Teach it your hand: say what a drawing really is and keep it, see what is kept, fine-tune the model on it.

Under the Draw tab's canvas: "It is [ぬ ▾]" (the top candidate until the user picks another: a candidate, or any
of the 49 in a compact grid where romaji + Enter works too), "Keep", a count, "My samples…" and "Fine-tune".
Fine-tuning (k49desk.finetune, a normal run) runs in the window's training process, as the Train tab's runs do,
reports progress, can be cancelled, and makes the fine-tuned model active, with a button to switch back.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from k49desk.classes import CLASSES
from k49desk.errors import K49Error
from k49desk.finetune import MIN_SAMPLES
from k49desk.gui import i18n
from k49desk.gui.char_picker import CharacterPicker
from k49desk.gui.fonts import hiragana_font
from k49desk.gui.state import ActiveModel, AppState
from k49desk.gui.workers import TaskSlot
from k49desk.paths import default_samples_dir
from k49desk.samples import SampleStore


class TeachPanel(QWidget):
    """Keeps drawings with their true character in a SampleStore and fine-tunes the active model on them."""

    def __init__(self, state: AppState, store: SampleStore | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("teachPanel")
        self.state = state
        self.store = store or SampleStore(default_samples_dir())
        self._drawing = None  # (28x28 image, strokes) of the drawing on the canvas, or None
        self._label: int | None = None  # what the user says it is (None: the top candidate's)
        self._top: int | None = None
        self._previous_model: ActiveModel | None = None
        self.samples_dialog = None  # My samples, made when first opened
        self._counts = None  # samples kept per class, None while the folder cannot be read
        self._total = 0

        # A popup window, not a QMenu: a menu runs its own event loop until it closes, the grid only needs to float.
        self.popup = QFrame(self, Qt.WindowType.Popup)
        self.popup.setObjectName("trueCharacterPopup")
        self.popup.setFrameShape(QFrame.Shape.StyledPanel)
        self.picker = CharacterPicker("teach", self.popup)
        self.picker.chosen.connect(self._on_picked)
        QVBoxLayout(self.popup).addWidget(self.picker)
        self.label_button = QToolButton(objectName="trueCharacterButton")
        self.label_button.setFont(hiragana_font(16))
        self.label_button.setToolTip(self.tr("What the drawing really is: pick one of the 49 characters (or type its "
                                             "romaji, then Enter)"))
        self.label_button.clicked.connect(self.show_picker)
        self.keep_button = QPushButton(self.tr("Keep"), objectName="keepSampleButton")
        self.keep_button.setToolTip(self.tr("Keep this drawing as a sample of the chosen character, to fine-tune on"))
        self.keep_button.clicked.connect(self.keep)
        self.count_label = QLabel(objectName="keptCount")
        self.samples_button = QPushButton(self.tr("My samples…"), objectName="mySamplesButton")
        self.samples_button.clicked.connect(self.show_samples)
        self.finetune_button = QPushButton(self.tr("Fine-tune on my samples"), objectName="finetuneButton")
        self.finetune_button.clicked.connect(self.start_finetune)
        self.cancel_button = QPushButton(self.tr("Cancel"), objectName="cancelFinetuneButton")
        self.cancel_button.clicked.connect(self.cancel_finetune)
        self.switch_back_button = QPushButton(objectName="switchBackButton")
        self.switch_back_button.clicked.connect(self.switch_back)
        self.progress = QProgressBar(objectName="finetuneProgress")
        self.status = QLabel(objectName="teachStatus")
        self.status.setWordWrap(True)
        # Room for two lines kept whether or not there is a message: a message appearing must not shrink the canvas.
        self.status.setMinimumHeight(2 * self.status.fontMetrics().lineSpacing())
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._finetuning = TaskSlot(state, self)
        self._finetuning.busyChanged.connect(self._update)

        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("It is")))
        row.addWidget(self.label_button)
        row.addWidget(self.keep_button)
        row.addWidget(self.count_label, 1)
        more = QHBoxLayout()
        more.addWidget(self.samples_button)
        more.addWidget(self.finetune_button)
        more.addStretch(1)
        busy = QHBoxLayout()
        busy.addWidget(self.progress, 1)
        busy.addWidget(self.cancel_button)
        busy.addWidget(self.switch_back_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addLayout(more)
        layout.addLayout(busy)
        layout.addWidget(self.status)
        self._refresh_count()
        self._update()

    # Labelling and keeping --------------------------------------------------------------------------

    def set_drawing(self, image, strokes, top_class: int | None) -> None:
        """The drawing now on the canvas (None when it is empty) and the model's first candidate for it."""
        if image is None:
            self._drawing, self._label = None, None
        else:
            self._drawing = (image, [list(map(list, stroke)) for stroke in strokes])
        self._top = top_class
        self._update()

    def choose(self, index: int) -> None:
        """Say the drawing is class `index` (a clicked candidate, or the grid)."""
        self._label = index
        self.picker.set_current(index)
        self._update()

    def current_label(self) -> int | None:
        return self._label if self._label is not None else self._top

    def show_picker(self) -> None:
        """The 49-character grid below the 'It is' button, the romaji box ready for typing."""
        self.popup.adjustSize()
        # Above the button (the panel sits at the bottom of the window), below it where the screen has no room.
        above = self.label_button.mapToGlobal(QPoint(0, -self.popup.height()))
        screen = self.label_button.screen().availableGeometry()
        self.popup.move(above if above.y() >= screen.top()
                        else self.label_button.mapToGlobal(self.label_button.rect().bottomLeft()))
        self.popup.show()
        self.picker.typing.setFocus()

    def _on_picked(self, index: int) -> None:
        self.popup.hide()
        self.choose(index)

    def keep(self) -> None:
        label = self.current_label()
        if self._drawing is None or label is None:
            return
        image, strokes = self._drawing
        try:
            samples = self.store.add(image, [label], [strokes])
        except K49Error as e:
            self.status.setText(self.tr("Could not keep the sample: {error}").format(error=e))
            return
        self.status.setText(self.tr("Kept as {label}.").format(label=i18n.char_label(CLASSES[label])))
        self._label = None
        self.picker.set_current(None)
        self._refresh_count(samples)
        if self.samples_dialog is not None and self.samples_dialog.isVisible():
            self.samples_dialog.reload()
        self._update()

    def _refresh_count(self, samples=None) -> None:
        try:
            samples = samples if samples is not None else self.store.read()
        except K49Error as e:
            self._counts = None
            self.count_label.setText(self.tr("Samples unreadable"))
            self.count_label.setToolTip(str(e))
            return
        self._counts = samples.counts()
        self._total = len(samples)
        self.count_label.setToolTip(self.tr("Kept in {folder}").format(folder=self.store.folder))
        self._update()

    def _show_count(self) -> None:
        if self._counts is None:
            return
        label = self.current_label()
        text = self.tr("Kept: {total}").format(total=i18n.number(self._total))
        if label is not None:
            text += self.tr(", {char} {n}").format(char=CLASSES[label].char, n=i18n.number(self._counts[label]))
        self.count_label.setText(text)

    def showEvent(self, event) -> None:
        # Samples may have been kept meanwhile by another window or imported on the command line.
        self._refresh_count()
        super().showEvent(event)

    def show_samples(self) -> None:
        from k49desk.gui.samples_dialog import SamplesDialog

        if self.samples_dialog is None:
            self.samples_dialog = SamplesDialog(self.store, self)
            self.samples_dialog.changed.connect(self._refresh_count)
        else:
            self.samples_dialog.reload()
        self.samples_dialog.show()
        self.samples_dialog.raise_()

    # Fine-tuning ------------------------------------------------------------------------------------

    def start_finetune(self) -> None:
        model = self.state.model
        if model is None or self._finetuning.busy:
            return
        from k49desk.train_process import FinetuneJob

        store, data, runs_dir, process = self.store, self.state.data, self.state.runs_dir, self.state.training_process
        if process.training:
            self.status.setText(self.tr("A training run is going on in the training process (a Train tab run or a "
                                        "training-set label scan): fine-tune when it has finished."))
            return

        def work(progress, cancel):
            # The samples are read here, on the worker; the training itself runs in the training process, which
            # loads the data from its folder (or makes a practice set) and never sends the arrays back.
            samples = store.read()
            job = FinetuneJob(Path(model.path), samples.images, samples.labels,
                              None if data is None else Path(data.data_dir), None if data is None else data.fingerprint,
                              Path(runs_dir))
            return process.run(job, progress=progress, cancel=cancel)

        self._previous_model = model
        starting = (self.tr("Fine-tuning “{model}” on your samples, mixed with the loaded data…") if data is not None
                    else self.tr("Fine-tuning “{model}” on your samples, mixed with a practice set rendered now…"))
        self.status.setText(starting.format(model=i18n.model_name(model.name)))
        self.progress.setRange(0, 0)
        self._finetuning.run(self.tr("fine-tune on my samples"), work, on_progress=self._on_progress,
                             on_success=self._on_finetuned, on_failure=self._on_failed,
                             on_cancelled=lambda: self.status.setText(self.tr("Fine-tuning cancelled; no run was kept.")),
                             user_work=True)

    def cancel_finetune(self) -> None:
        self._finetuning.cancel()
        self.status.setText(self.tr("Stopping after this batch…"))

    def _on_progress(self, event) -> None:
        from k49desk.training import BatchProgress

        if isinstance(event, BatchProgress):
            total = event.epochs * event.batches
            self.progress.setRange(0, total)
            self.progress.setValue((event.epoch - 1) * event.batches + event.batch)
            self.progress.setFormat(self.tr("epoch {epoch}/{epochs}, batch {batch}/{batches}").format(
                epoch=event.epoch, epochs=event.epochs, batch=event.batch, batches=event.batches))

    def _on_finetuned(self, result) -> None:
        # The before/after table comes from the core (k49desk.finetune), as the command line prints it: English.
        self.status.setText(self.tr("Fine-tuned: the run is {run}.").format(run=result.run_dir.name)
                            + f"\n{result.table()}")
        self.status.setFont(_monospace(self.status.font()))
        self.state.runsChanged.emit()
        self.state.set_model(ActiveModel(result.run_dir.name, Path(result.model_path), Path(result.run_dir)))
        self._update()

    def _on_failed(self, message: str) -> None:
        self.status.setText(self.tr("Fine-tuning failed: {error}").format(error=message))

    def switch_back(self) -> None:
        if self._previous_model is not None:
            self.state.set_model(self._previous_model)
            self.status.setText(self.tr("Back to “{model}”.").format(model=i18n.model_name(self._previous_model.name)))
            self._previous_model = None
            self._update()

    def _update(self, *_busy) -> None:
        label = self.current_label()
        self.label_button.setText(f"{CLASSES[label].char} ▾" if label is not None else "? ▾")
        self.keep_button.setEnabled(self._drawing is not None and label is not None)
        busy = self._finetuning.busy
        enough = self._counts is not None and self._total >= MIN_SAMPLES
        self.finetune_button.setEnabled(not busy and self.state.model is not None and enough)
        self.finetune_button.setToolTip(
            self.tr("Train the active model a little on your samples (mixed with general data, a quarter of your "
                    "samples held out to measure before and after)") if enough else
            self.tr("Keep at least {needed} drawings first (draw, choose what it is, Keep): {kept} kept so far").format(
                needed=MIN_SAMPLES, kept=self._total if self._counts is not None else 0))
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        can_switch = not busy and self._previous_model is not None and self.state.model != self._previous_model
        self.switch_back_button.setVisible(can_switch)
        if can_switch:
            self.switch_back_button.setText(
                self.tr("Switch back to “{model}”").format(model=i18n.model_name(self._previous_model.name)))
        self._show_count()

    def busy(self) -> bool:
        return self._finetuning.busy


def _monospace(font):
    font.setFamilies(["DejaVu Sans Mono", "monospace", *font.families()])
    return font
