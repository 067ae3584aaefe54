"""Create practice set: where, how many font renders (and, with KanjiVG, pen-stroke drawings) per class, the seed, and
what that costs (images, disk, time) before anything is rendered. The Data tab runs k49desk.synth with the answer."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from k49desk import handwriting, synth
from k49desk.errors import DataError
from k49desk.files import check_output_folder
from k49desk.gui import i18n
from k49desk.gui.messages import show_error

MAX_PER_CLASS = 10_000


def strokes_problem() -> str | None:
    """Why pen strokes cannot be drawn here (KanjiVG not installed), None when they can."""
    try:
        handwriting.kanjivg_version()
    except DataError as e:
        return str(e)
    return None


class PracticeSetDialog(QDialog):
    """Asks for the practice set's folder, sizes, pen strokes and seed, with a live estimate; `folder()` and
    `options()` (keyword arguments for synth.synthesize) once accepted."""

    def __init__(self, folder: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("practiceDialog")
        self.setWindowTitle(self.tr("Create practice set"))
        self.setMinimumWidth(560)  # the folder's whole path in view
        intro = QLabel(self.tr("A practice set is rendered on this computer, offline, in K49's format: hiragana from "
                               "the Japanese fonts found here, and optionally pen-stroke drawings generated from "
                               "KanjiVG. It is not K49: figures measured on it are labelled as practice data."),
                       wordWrap=True)

        self.folder_edit = QLineEdit(str(folder), objectName="practiceFolderEdit")
        browse = QPushButton(self.tr("Browse…"), objectName="practiceBrowseButton")
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(browse)

        self.train_spin = _count_spin("practiceTrainSpin", 200)
        self.test_spin = _count_spin("practiceTestSpin", 40)
        self.strokes_check = QCheckBox(self.tr("Add pen-stroke drawings (KanjiVG)"), objectName="practiceStrokesCheck")
        self.strokes_spin = _count_spin("practiceStrokesSpin", 100)
        self.test_strokes_spin = _count_spin("practiceTestStrokesSpin", 20)
        self.strokes_note = QLabel(objectName="practiceStrokesNote", wordWrap=True)
        self.strokes_note.setEnabled(False)  # greyed: a note
        problem = strokes_problem()
        self.strokes_check.setEnabled(problem is None)
        # On where they can be drawn: a set with drawings teaches a model the Draw tab's input, not only fonts.
        self.strokes_check.setChecked(problem is None)
        if problem is not None:
            self.strokes_note.setText(self.tr("Pen strokes are not available: {problem}.").format(problem=problem))
        self.strokes_note.setVisible(problem is not None)
        self.seed_spin = QSpinBox(objectName="practiceSeedSpin", minimum=0, maximum=2**31 - 1, value=0)
        self.seed_spin.setToolTip(self.tr("The same seed and sizes give the same files, byte for byte"))
        self.estimate_label = QLabel(objectName="practiceEstimate", wordWrap=True)

        form = QFormLayout()
        form.addRow(self.tr("Folder:"), folder_row)
        form.addRow(self.tr("Font renders per class, training:"), self.train_spin)
        form.addRow(self.tr("Font renders per class, test:"), self.test_spin)
        form.addRow(self.strokes_check)
        form.addRow(self.tr("Drawings per class, training:"), self.strokes_spin)
        form.addRow(self.tr("Drawings per class, test:"), self.test_strokes_spin)
        form.addRow(self.strokes_note)
        form.addRow(self.tr("Seed:"), self.seed_spin)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create_button = self.buttons.addButton(self.tr("Create"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.create_button.setObjectName("practiceCreateButton")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.estimate_label)
        layout.addWidget(self.buttons)
        for spin in (self.train_spin, self.test_spin, self.strokes_spin, self.test_strokes_spin):
            spin.valueChanged.connect(self._update)
        self.strokes_check.toggled.connect(self._update)
        self.folder_edit.textChanged.connect(self._update)
        self._update()

    def folder(self) -> Path:
        return Path(self.folder_edit.text().strip()).expanduser()

    def options(self) -> dict:
        """Keyword arguments for synth.synthesize."""
        strokes = self.strokes_check.isChecked()
        return dict(train_per_class=self.train_spin.value(), test_per_class=self.test_spin.value(),
                    strokes_per_class=self.strokes_spin.value() if strokes else 0,
                    test_strokes_per_class=self.test_strokes_spin.value() if strokes else 0,
                    seed=self.seed_spin.value())

    def _update(self, *_ignored) -> None:
        strokes = self.strokes_check.isChecked()
        self.strokes_spin.setEnabled(strokes)
        self.test_strokes_spin.setEnabled(strokes)
        o = self.options()
        empty = [split for split, n in ((self.tr("training"), o["train_per_class"] + o["strokes_per_class"]),
                                        (self.tr("test"), o["test_per_class"] + o["test_strokes_per_class"])) if not n]
        if empty:
            self.estimate_label.setText(self.tr("The {split} part would hold no images: give it at least one per "
                                                "class.").format(split=empty[0]))
        else:
            e = synth.estimate(o["train_per_class"], o["test_per_class"], o["strokes_per_class"],
                               o["test_strokes_per_class"])
            self.estimate_label.setText(self.tr("About {images} images, {size} on disk, {time} to make here.").format(
                images=i18n.number(e.images), size=i18n.file_size(e.bytes), time=_about_seconds(e.seconds)))
        self.estimate_label.setStyleSheet("color: #b3261e;" if empty else "")
        self.create_button.setEnabled(not empty and bool(self.folder_edit.text().strip()))

    def _browse(self) -> None:
        start = next((p for p in (self.folder(), *self.folder().parents) if p.is_dir()), Path.home())
        path = QFileDialog.getExistingDirectory(self, self.tr("Folder for the practice set"), str(start))
        if path:
            self.folder_edit.setText(path)

    def accept(self) -> None:
        """Closes only for a folder the set can be written into (never over real K49 files)."""
        try:
            check_output_folder(self.folder(), "practice-set folder")
            synth.refuse_real_k49(self.folder())
        except DataError as e:
            show_error(self, self.tr("Create practice set"), str(e))
            return
        super().accept()


def _count_spin(name: str, value: int) -> QSpinBox:
    return QSpinBox(objectName=name, minimum=0, maximum=MAX_PER_CLASS, value=value, singleStep=10)


def _about_seconds(seconds: float) -> str:
    if seconds < 60:
        return QCoreApplication.translate("PracticeSetDialog", "{n} s").format(n=max(1, round(seconds)))
    return QCoreApplication.translate("PracticeSetDialog", "{n} min").format(n=round(seconds / 60))
