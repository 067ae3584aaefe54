"""The active model under the user's control: a picker beside the tabs (the starter, every run, opened files) and a
notice that offers a newly trained model without making it active."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QComboBox, QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from k49desk.gui import i18n
from k49desk.gui.state import AppState
from k49desk.model_choices import ModelChoice

MAX_WIDTH = 640


def choice_text(choice: ModelChoice) -> str:
    """How a model is named in the picker: the full name, when the run started and its accuracy, never cut."""
    if choice.kind == "starter":
        return QCoreApplication.translate("ModelPicker", "Starter model (fonts, variant forms, pen strokes; not K49)")
    if choice.kind == "file":
        return QCoreApplication.translate("ModelPicker", "{name} (file in {folder})").format(name=choice.model.name,
                                                                     folder=choice.model.path.parent)
    parts = [choice.model.name]
    if choice.created is not None:
        parts.append(i18n.date_time(choice.created))
    if choice.accuracy is not None:
        parts.append(QCoreApplication.translate("ModelPicker", "{accuracy} validation accuracy").format(
            accuracy=i18n.percent(choice.accuracy)))
    if choice.practice:
        parts.append(QCoreApplication.translate("ModelPicker", "practice set"))
    return " · ".join(parts)


class ModelPicker(QWidget):
    """"Model: [▾]" — lists AppState.model_choices() and makes the chosen one active; follows the active model."""

    def __init__(self, state: AppState, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.combo = _RefreshingCombo(self.refresh, objectName="modelPicker")
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        # Beside the tab bar, it sets the window's minimum width: capped, while its list shows every name whole.
        self.combo.setMaximumWidth(MAX_WIDTH)
        self.combo.activated.connect(self._chosen)
        self.choices: list[ModelChoice] = []
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        layout.addWidget(QLabel(self.tr("Model:")))
        layout.addWidget(self.combo)
        state.modelChanged.connect(self.refresh)
        state.runsChanged.connect(self.refresh)
        self.refresh()

    def refresh(self, *_ignored) -> None:
        """List the choices again (runs come and go) and show the active model as the current one."""
        self.choices = self.state.model_choices()
        model = self.state.model
        if model is not None and all(c.model != model for c in self.choices):
            # Active but not listed (a run in another runs folder): still shown as what answers.
            self.choices.append(ModelChoice(model, "run" if model.run_dir else "file"))
        self.combo.blockSignals(True)
        self.combo.clear()
        for choice in self.choices:
            self.combo.addItem(choice_text(choice))
            self.combo.setItemData(self.combo.count() - 1, str(choice.model.path), Qt.ItemDataRole.ToolTipRole)
        if model is None:
            self.combo.setPlaceholderText(self.tr("none"))
            self.combo.setCurrentIndex(-1)
        else:
            self.combo.setCurrentIndex(next(i for i, c in enumerate(self.choices) if c.model == model))
        self.combo.blockSignals(False)
        self.combo.view().setMinimumWidth(self.combo.view().sizeHintForColumn(0) + 2 * self.combo.view().frameWidth())
        self.combo.setToolTip(self.combo.currentText() if self.combo.currentIndex() >= 0 else
                              self.tr("The model the Evaluate, Confusions, Draw and Photo tabs use"))

    def _chosen(self, index: int) -> None:
        if 0 <= index < len(self.choices) and self.choices[index].model != self.state.model:
            self.state.set_model(self.choices[index].model)


class _RefreshingCombo(QComboBox):
    """Lists the choices again each time it opens: runs may have been written by another window or the CLI."""

    def __init__(self, refresh, **kwargs):
        super().__init__(**kwargs)
        self._refresh = refresh

    def showPopup(self) -> None:
        self._refresh()
        super().showPopup()


class ModelNotice(QFrame):
    """A bar above the tabs: a new model is there ("Use this model", one click), or a note about the active model."""

    def __init__(self, state: AppState, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.setObjectName("modelNotice")
        self.setStyleSheet("QFrame#modelNotice { background: #e3effd; border: 1px solid #8fb3e0; }"
                           "QFrame#modelNotice QLabel { color: #0b2e59; }")
        self.text = QLabel(objectName="modelNoticeText", wordWrap=True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.use_button = QPushButton(self.tr("Use this model"), objectName="useModelButton")
        self.use_button.clicked.connect(state.use_offered_model)
        self.dismiss_button = QPushButton(self.tr("Dismiss"), objectName="dismissModelNoticeButton")
        self.dismiss_button.clicked.connect(self._dismiss)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.use_button)
        layout.addWidget(self.dismiss_button)
        self.setVisible(False)
        state.modelOffered.connect(self._on_offered)

    def _on_offered(self, model) -> None:
        if model is None:
            self.setVisible(False)
            return
        current = i18n.model_name(self.state.model.name) if self.state.model is not None else self.tr("no model")
        self.text.setText(self.tr("New model ready: “{new}”. Draw, Photo and Evaluate still use “{current}” until "
                                  "you choose the new one.").format(new=i18n.model_name(model.name), current=current))
        self.text.setToolTip(str(model.path))
        self.use_button.setVisible(True)
        self.setVisible(True)

    def show_message(self, text: str) -> None:
        """A note about the active model, with nothing to choose (e.g. the model chosen last time is gone)."""
        self.text.setText(text)
        self.text.setToolTip("")
        self.use_button.setVisible(False)
        self.setVisible(True)

    def _dismiss(self) -> None:
        if self.state.offered_model is not None:
            self.state.dismiss_offered_model()
        self.setVisible(False)
