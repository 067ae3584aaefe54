"""The main window: six tabs in the order a person works, a status bar, menus; TensorFlow loads after it shows."""

from __future__ import annotations

import gc
import html
import os
import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

import k49desk
from k49desk.gui.confusions_tab import ConfusionsTab
from k49desk.gui.data_tab import DataTab
from k49desk.gui.draw_tab import DrawTab
from k49desk.gui.evaluate_tab import EvaluateTab
from k49desk.gui.fonts import register_qt_font
from k49desk.gui.messages import show_error
from k49desk.gui.model_banner import starter_summary
from k49desk.gui.model_picker import ModelNotice, ModelPicker
from k49desk.gui.photo_tab import PhotoTab
from k49desk.gui.state import ActiveModel, AppState
from k49desk.gui.train_tab import TrainTab
from k49desk.gui.workers import Task, import_ml_modules
from k49desk.errors import ModelError
from k49desk.model_choices import model_at, starter_model
from k49desk.paths import APP_NAME, default_data_dir, default_runs_dir
from k49desk.tfstart import start_tensorflow

ORGANIZATION = "k49desk"
CLOSE_TIMEOUT_S = 8.0


def app_settings() -> QSettings:
    """Window geometry, last tab, the data folder last loaded and the model last chosen; K49DESK_SETTINGS names an
    ini file instead (tests, benchmarks)."""
    path = os.environ.get("K49DESK_SETTINGS")
    if path:
        return QSettings(path, QSettings.Format.IniFormat)
    return QSettings(ORGANIZATION, APP_NAME)


def import_ml(progress=None, cancel=None) -> list[str]:
    """Import TensorFlow, Keras and matplotlib (seconds); returns the names of the GPUs TensorFlow will use."""
    gpus = start_tensorflow(import_ml_modules)
    import matplotlib.backends.backend_qtagg  # noqa: F401
    import matplotlib.figure  # noqa: F401

    from k49desk.gui.fonts import configure_matplotlib

    configure_matplotlib()
    # TensorFlow, Keras and matplotlib leave ~400,000 objects that live as long as the app: kept out of the garbage
    # collector's full passes, which then no longer stall the window's event loop (0.7-0.9 s each on 2 busy cores).
    if not gc.get_freeze_count():  # once: a later call would also freeze whatever garbage awaits collection
        gc.freeze()
    return gpus


class MainWindow(QMainWindow):
    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        self.setObjectName("mainWindow")
        # Qt adds the application's display name ("… — k49desk"): the title itself does not repeat it.
        self.setWindowTitle(self.tr("Kuzushiji-49 hiragana"))
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("mainTabs")
        self.tabs.setDocumentMode(True)
        self.data_tab = DataTab(state, self.tabs)
        self.train_tab = TrainTab(state, self.tabs)
        self.evaluate_tab = EvaluateTab(state, self.tabs)
        self.confusions_tab = ConfusionsTab(state, self.tabs)
        self.draw_tab = DrawTab(state, self.tabs)
        self.photo_tab = PhotoTab(state, self.tabs)
        # In the order a person works; the names are what the settings remember the last tab by.
        for tab, title, name in (
            (self.data_tab, "Data", "dataTab"),
            (self.train_tab, "Train", "trainTab"),
            (self.evaluate_tab, "Evaluate", "evaluateTab"),
            (self.confusions_tab, "Confusions", "confusionsTab"),
            (self.draw_tab, "Draw", "drawTab"),
            (self.photo_tab, "Photo", "photoTab"),
        ):
            tab.setObjectName(name)
            self.tabs.addTab(tab, title)
        self.model_picker = ModelPicker(state, self.tabs)
        self.tabs.setCornerWidget(self.model_picker, Qt.Corner.TopRightCorner)
        self.model_notice = ModelNotice(state, self)
        central = QWidget(self)
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.setSpacing(0)
        central_layout.addWidget(self.model_notice)
        central_layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.evaluate_tab.pairOpened.connect(lambda *_pair: self.show_tab(self.confusions_tab))
        self.data_tab.drawRequested.connect(lambda: self.show_tab(self.draw_tab))

        self._build_status_bar()
        self._build_menus()

        state.dataDirChanged.connect(self._show_data_dir)
        state.dataChanged.connect(self._remember_data)
        state.modelChanged.connect(self._remember_model)
        state.mlReady.connect(self._ml_ready)
        self._show_data_dir(state.data_dir)
        self._restore_settings()

    # Layout ------------------------------------------------------------------------------------------

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        bar.setObjectName("statusBar")
        self.data_label = QLabel(objectName="statusDataDir")
        self.gpu_label = QLabel(objectName="statusGpu")
        self.loading_label = QLabel("loading TensorFlow…", objectName="statusLoading")
        self.loading_label.setEnabled(False)  # greyed: it is a note, not a warning
        bar.addWidget(self.data_label, 1)
        bar.addPermanentWidget(self.loading_label)
        bar.addPermanentWidget(self.gpu_label)
        self.loading_label.setVisible(not self.state.ml_ready)
        self.gpu_label.setVisible(False)

    def _build_menus(self) -> None:
        menu_bar = self.menuBar()
        menu_bar.setObjectName("menuBar")
        file_menu = menu_bar.addMenu("&File")
        file_menu.setObjectName("fileMenu")
        self.open_run_action = self._action(file_menu, "Open &run…", "openRunAction", self.choose_run, "Ctrl+O")
        self.open_data_action = self._action(
            file_menu, "Open &data folder…", "openDataAction", self.data_tab.choose_folder, "Ctrl+D"
        )
        self.export_action = self._action(file_menu, "&Export model…", "exportModelAction", self.export_model, "Ctrl+E")
        file_menu.addSeparator()
        self.quit_action = self._action(file_menu, "&Quit", "quitAction", self.close, QKeySequence.StandardKey.Quit)
        self.quit_action.setShortcut("Ctrl+Q")  # also where the platform's standard Quit key differs
        model_menu = menu_bar.addMenu(self.tr("&Model"))
        model_menu.setObjectName("modelMenu")
        self.open_model_action = self._action(model_menu, self.tr("Open model &file…"), "openModelAction",
                                              self.choose_model_file, "Ctrl+M")
        help_menu = menu_bar.addMenu("&Help")
        help_menu.setObjectName("helpMenu")
        self.about_action = self._action(help_menu, "&About k49desk", "aboutAction", self.show_about, "F1")

    def _action(self, menu, text: str, name: str, slot, shortcut) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    # Status bar ----------------------------------------------------------------------------------------

    def _show_data_dir(self, path: Path) -> None:
        self.data_label.setText(f"Data: {path}")
        self.data_label.setToolTip(str(path))

    def set_gpus(self, gpus: list[str]) -> None:
        self.gpu_label.setText(f"GPU: {', '.join(gpus)}" if gpus else "CPU only (no GPU)")
        self.gpu_label.setVisible(True)

    def _ml_imported(self, gpus: list[str]) -> None:
        self.set_gpus(gpus)
        self.state.set_ml_ready()

    def _ml_failed(self, message: str) -> None:
        self.loading_label.setText("TensorFlow failed to load")
        show_error(self, "TensorFlow could not be loaded", message)

    def _ml_ready(self) -> None:
        self.loading_label.setVisible(False)

    # Actions --------------------------------------------------------------------------------------------

    def show_tab(self, tab: QWidget) -> None:
        self.tabs.setCurrentWidget(tab)

    def choose_run(self) -> None:
        start = str(self.state.runs_dir if self.state.runs_dir.is_dir() else Path.home())
        path = QFileDialog.getExistingDirectory(self, "Open a run folder", start)
        if path:
            self.open_run(Path(path))

    def open_run(self, path: Path) -> None:
        """Show a run's curves in the Train tab and make its model the active model."""
        if self.train_tab.open_run(path):
            self.show_tab(self.train_tab)

    def choose_model_file(self) -> None:
        start = str(self.state.runs_dir if self.state.runs_dir.is_dir() else Path.home())
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open a model file"), start,
                                              self.tr("Keras models (*.keras)"))
        if path:
            self.open_model_file(Path(path))

    def open_model_file(self, path: Path) -> None:
        """Make the model in a .keras file active (listed in the model picker from then on)."""
        try:
            self.state.open_model_file(path)
        except ModelError as e:
            show_error(self, self.tr("Open model file"), str(e))

    def export_model(self) -> None:
        """The active model as SavedModel, TFLite or ONNX (a dialog; the export runs in a worker)."""
        from k49desk.gui.export_dialog import ExportDialog

        dialog = ExportDialog(self.state, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "About k49desk",
            f"<h3>k49desk {k49desk.__version__}</h3>"
            "<p>Train, evaluate and draw handwritten hiragana with Kuzushiji-49 (K49).</p>"
            "<p>K49 is CC BY-SA 4.0 — “KMNIST Dataset” (created by CODH), adapted from “Kuzushiji Dataset” "
            "(created by NIJL and others), doi:10.20676/00000341.</p>"
            "<p>Hiragana are drawn with IPAexGothic (IPA Font License).</p>"
            f"<p>{html.escape(starter_summary())}</p>"
            + self.tr("<p>The starter model is CC BY-SA 4.0: it was trained on pen strokes from KanjiVG "
                      "(© Ulrich Apel, https://kanjivg.tagaini.net, CC BY-SA 3.0), on font renders and on kuzushiji "
                      "variant forms rendered from fonts (IPAmj Mincho, HanaMinA, Kouzan brush fonts); not on K49. "
                      "See resources/models/PROVENANCE.md.</p>"),
        )

    # Settings and closing ------------------------------------------------------------------------------

    def _restore_settings(self) -> None:
        settings = app_settings()
        geometry = settings.value("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1280, 860)
        last = str(settings.value("window/tab", ""))
        for tab in (self.tabs.widget(i) for i in range(self.tabs.count())):
            if tab.objectName() == last:
                self.show_tab(tab)

    def restore_model(self) -> None:
        """Make the model chosen last time active again; the starter, with a note, when its file is gone."""
        chosen = app_settings().value("model/path")
        starter = starter_model()
        if chosen:
            try:
                self.state.set_model(model_at(chosen))
                return
            except ModelError:
                self.model_notice.show_message(
                    self.tr("The model chosen last time is gone ({path}); using {model}.").format(
                        path=chosen, model=starter.name if starter else self.tr("no model")))
        self.state.set_model(starter)

    def _remember_model(self, model: ActiveModel | None) -> None:
        settings = app_settings()
        if model is None:
            settings.remove("model/path")
        else:
            settings.setValue("model/path", str(model.path))
        settings.sync()

    def _remember_data(self, data) -> None:
        """A folder whose data loaded is loaded again at the next start."""
        if data is not None:
            settings = app_settings()
            settings.setValue("data/dir", str(data.data_dir))
            settings.sync()

    def _save_settings(self) -> None:
        settings = app_settings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/tab", self.tabs.currentWidget().objectName())
        settings.sync()

    def busy_tasks(self) -> list[Task]:
        """Running work a person started (training, download, evaluation...), not background chores."""
        return [t for t in self.state.running_tasks() if t.user_work]

    def confirm_close(self, tasks: list[Task]) -> bool:
        names = ", ".join(sorted({t.name for t in tasks}))
        answer = QMessageBox.question(
            self,
            "Quit k49desk?",
            f"Still running: {names}.\n\nStop and quit? A training run keeps the epochs completed so far.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def closeEvent(self, event) -> None:
        busy = self.busy_tasks()
        if busy and not self.confirm_close(busy):
            event.ignore()
            return
        self._save_settings()
        self.statusBar().showMessage("Stopping…")
        if not self.state.cancel_all_and_wait(CLOSE_TIMEOUT_S, closing=True):
            # A thread that outlives its QThread object aborts the process: wait for it rather than crash.
            for task in self.state.running_tasks():
                task.wait()
        self.state.end_training_process()
        event.accept()


class _ExposeWatcher(QObject):
    """Emits `exposed` once, the first time the window is on screen."""

    exposed = Signal()

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Expose and obj.isExposed():
            obj.removeEventFilter(self)
            self.exposed.emit()
        return False


def start_ml_import(window: MainWindow) -> Task:
    """Import TensorFlow and matplotlib on a worker; the window's state then emits mlReady."""
    task = Task("import TensorFlow", import_ml)
    task.succeeded.connect(window._ml_imported)
    task.failed.connect(window._ml_failed)
    return window.state.start(task)


def create_window(data_dir=None, runs_dir=None) -> MainWindow:
    """A main window over a fresh AppState; not shown.

    The model chosen last time is active (else the starter model, when installed). Without a data folder given (here
    or by K49DESK_DATA), the folder loaded last time is used and, when its files are all there, loaded on a worker.
    """
    register_qt_font()
    remembered = app_settings().value("data/dir")
    if data_dir is None and remembered and not os.environ.get("K49DESK_DATA"):
        data_dir = remembered
    state = AppState(Path(data_dir) if data_dir else default_data_dir(), Path(runs_dir) if runs_dir else default_runs_dir())
    window = MainWindow(state)
    window.restore_model()
    if remembered and Path(remembered) == state.data_dir and window.data_tab.folder_complete():
        window.data_tab.start_load()
    return window


def launch(argv=None) -> tuple[QApplication, MainWindow]:
    """The application and its shown main window; TensorFlow starts loading once the window is on screen."""
    app = QApplication.instance() or QApplication(list(argv) if argv is not None else sys.argv)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName("k49desk")
    app.setApplicationVersion(k49desk.__version__)
    window = create_window()
    watcher = _ExposeWatcher(window)
    window.show()
    window.windowHandle().installEventFilter(watcher)
    # The first frame is drawn before the import starts: importing TensorFlow holds the GIL for long stretches.
    watcher.exposed.connect(lambda: QTimer.singleShot(0, lambda: start_ml_import(window)))
    return app, window


SMOKE_TEST_TIMEOUT_S = 180


def main(argv=None, smoke_test: bool = False) -> int:
    """Open the main window and run the event loop; returns the exit status.

    smoke_test: close the window once it has been on screen and TensorFlow has loaded (status 0); status 1 with a
    line on stderr when that has not happened within SMOKE_TEST_TIMEOUT_S.
    """
    # Qt 6 is high-DPI aware by default; pass fractional scale factors through rather than rounding them.
    QApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app, window = launch(argv)
    if smoke_test:
        _close_when_ready(app, window)
    return app.exec()


def _close_when_ready(app: QApplication, window: MainWindow) -> None:
    def ready() -> None:
        print(f"smoke test: the window was on screen ({app.platformName()}) and TensorFlow loaded "
              f"({window.gpu_label.text()})", flush=True)
        window.close()

    def too_late() -> None:
        print(f"k49desk: error: smoke test: the window was not on screen with TensorFlow loaded within "
              f"{SMOKE_TEST_TIMEOUT_S} s", file=sys.stderr, flush=True)
        os._exit(1)  # a worker may still hold TensorFlow's import: no orderly shutdown to wait for

    window.state.mlReady.connect(lambda: QTimer.singleShot(0, ready))
    timer = QTimer(window, singleShot=True, interval=SMOKE_TEST_TIMEOUT_S * 1000)
    timer.timeout.connect(too_late)
    timer.start()
