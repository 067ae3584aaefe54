"""File > Export model…: the active model's inference graph as SavedModel, TFLite or ONNX, checked (k49desk.export)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from k49desk.gui import i18n
from k49desk.gui.state import AppState
from k49desk.gui.workers import TaskSlot, import_ml_modules

FORMAT_LABELS = {"tflite": QT_TRANSLATE_NOOP("ExportDialog", "TFLite (.tflite, for phones)"),
                 "onnx": QT_TRANSLATE_NOOP("ExportDialog", "ONNX (.onnx; needs k49desk[export])"),
                 "savedmodel": QT_TRANSLATE_NOOP("ExportDialog", "TensorFlow SavedModel (folder)")}
SUFFIXES = {"tflite": ".tflite", "onnx": ".onnx", "savedmodel": ""}


class ExportDialog(QDialog):
    """Choose a format and a destination; the export and its check run in a worker, the result shows here."""

    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle(self.tr("Export model"))
        self.model = state.model
        self._slot = TaskSlot(state, self)

        self.format_picker = QComboBox(objectName="exportFormat")
        for fmt, label in FORMAT_LABELS.items():
            self.format_picker.addItem(self.tr(label), fmt)
        self.path_edit = QLineEdit(objectName="exportPath")
        browse = QPushButton(self.tr("Browse…"), objectName="exportBrowse")
        browse.clicked.connect(self._browse)
        self.status = QLabel(objectName="exportStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export_button = self.buttons.addButton(self.tr("Export"), QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button.setObjectName("exportButton")
        self.export_button.clicked.connect(self.start_export)
        self.buttons.rejected.connect(self.reject)

        where = QHBoxLayout()
        where.addWidget(self.path_edit, 1)
        where.addWidget(browse)
        form = QFormLayout()
        form.addRow(self.tr("Model"), QLabel(i18n.model_name(self.model.name) if self.model else self.tr("none"),
                                             objectName="exportModel"))
        form.addRow(self.tr("Format"), self.format_picker)
        form.addRow(self.tr("Save as"), where)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Only the inference graph is exported (augmentation layers are left out); the "
                                        "file is loaded back and checked against the model before it is kept.")))
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.format_picker.currentIndexChanged.connect(self._suggest_path)
        self._suggest_path()
        if self.model is None:
            self.status.setText(self.tr("No model is active: train one or open a run first."))
            self.export_button.setEnabled(False)
        self.resize(560, self.sizeHint().height())

    def _suggest_path(self) -> None:
        if self.model is None:
            return
        fmt = self.format_picker.currentData()
        folder = Path(self.model.path).parent if self.model.run_dir is None else self.model.run_dir
        stem = self.model.run_dir.name if self.model.run_dir is not None else Path(self.model.path).stem
        self.path_edit.setText(str(folder / f"{stem}-export{SUFFIXES[fmt]}"))

    def _browse(self) -> None:
        fmt = self.format_picker.currentData()
        if fmt == "savedmodel":
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Export as a SavedModel folder"), self.path_edit.text())
        else:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Export model"), self.path_edit.text(),
                                                  self.tr("{format} files (*{suffix})").format(format=fmt.upper(),
                                                                                              suffix=SUFFIXES[fmt]))
        if path:
            self.path_edit.setText(path)

    def start_export(self) -> None:
        fmt, out = self.format_picker.currentData(), Path(self.path_edit.text().strip())
        model_path = Path(self.model.path)

        def work(progress, cancel):
            import_ml_modules()
            from k49desk.export import export_model

            return export_model(model_path, fmt, out)

        self.export_button.setEnabled(False)
        self.status.setText(self.tr("Exporting to {path} and checking it…").format(path=out))
        self._slot.run(self.tr("export {format}").format(format=fmt), work, on_success=self._on_done,
                       on_failure=self._on_failed)

    def is_exporting(self) -> bool:
        return self._slot.busy

    def _on_done(self, result) -> None:
        self.export_button.setEnabled(True)
        self.status.setText(result.summary[:1].upper() + result.summary[1:])

    def _on_failed(self, message: str) -> None:
        self.export_button.setEnabled(True)
        self.status.setText(self.tr("Export failed: {error}").format(error=message))
