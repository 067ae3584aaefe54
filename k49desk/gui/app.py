"""The main window: six tabs in the order a person works, a status bar, menus; TensorFlow loads after it shows."""

from __future__ import annotations

import gc
import html
import os
import sys
from pathlib import Path

from PySide6.QtCore import QByteArray, QCoreApplication, QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

import k49desk
from k49desk.desktop import APP_ID, PNG_SIZES
from k49desk.files import write_atomic
from k49desk.gui import i18n
from k49desk.gui.confusions_tab import ConfusionsTab
from k49desk.gui.data_tab import DataTab
from k49desk.gui.draw_tab import DrawTab
from k49desk.gui.evaluate_tab import EvaluateTab
from k49desk.gui.fonts import register_qt_font
from k49desk.gui.messages import show_error
from k49desk.gui.model_banner import starter_summary
from k49desk.gui.model_picker import ModelNotice, ModelPicker
from k49desk.gui.photo_tab import PhotoTab
from k49desk.gui.settings import DATA_DIR_KEY, ORGANIZATION, RUNS_DIR_KEY, app_settings
from k49desk.gui.single_instance import PictureServer, send_to_running
from k49desk.gui.state import ActiveModel, AppState
from k49desk.gui.train_tab import TrainTab
from k49desk.gui.workers import Task, import_ml_modules
from k49desk.errors import ModelError
from k49desk.model_choices import model_at, starter_model
from k49desk.paths import APP_NAME, default_data_dir, default_runs_dir, resources_dir
from k49desk.tfstart import start_tensorflow

CLOSE_TIMEOUT_S = 8.0


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
            (self.data_tab, self.tr("Data"), "dataTab"),
            (self.train_tab, self.tr("Train"), "trainTab"),
            (self.evaluate_tab, self.tr("Evaluate"), "evaluateTab"),
            (self.confusions_tab, self.tr("Confusions"), "confusionsTab"),
            (self.draw_tab, self.tr("Draw"), "drawTab"),
            (self.photo_tab, self.tr("Photo"), "photoTab"),
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
        self.loading_label = QLabel(self.tr("loading TensorFlow…"), objectName="statusLoading")
        self.loading_label.setEnabled(False)  # greyed: it is a note, not a warning
        bar.addWidget(self.data_label, 1)
        bar.addPermanentWidget(self.loading_label)
        bar.addPermanentWidget(self.gpu_label)
        self.loading_label.setVisible(not self.state.ml_ready)
        self.gpu_label.setVisible(False)

    def _build_menus(self) -> None:
        menu_bar = self.menuBar()
        menu_bar.setObjectName("menuBar")
        file_menu = menu_bar.addMenu(self.tr("&File"))
        file_menu.setObjectName("fileMenu")
        self.open_run_action = self._action(file_menu, self.tr("Open &run…"), "openRunAction", self.choose_run,
                                            "Ctrl+O")
        self.open_data_action = self._action(
            file_menu, self.tr("Open &data folder…"), "openDataAction", self.data_tab.choose_folder, "Ctrl+D"
        )
        self.export_action = self._action(file_menu, self.tr("&Export model…"), "exportModelAction",
                                          self.export_model, "Ctrl+E")
        file_menu.addSeparator()
        self.quit_action = self._action(file_menu, self.tr("&Quit"), "quitAction", self.close,
                                        QKeySequence.StandardKey.Quit)
        self.quit_action.setShortcut("Ctrl+Q")  # also where the platform's standard Quit key differs
        model_menu = menu_bar.addMenu(self.tr("&Model"))
        model_menu.setObjectName("modelMenu")
        self.open_model_action = self._action(model_menu, self.tr("Open model &file…"), "openModelAction",
                                              self.choose_model_file, "Ctrl+M")
        language_menu = menu_bar.addMenu(self.tr("&Language"))
        language_menu.setObjectName("languageMenu")
        group = QActionGroup(self)
        self.language_actions = {}
        for code, name in i18n.LANGUAGES.items():
            action = QAction(name, group, checkable=True, objectName=f"language_{code}")
            action.setChecked(code == i18n.current_language())
            action.triggered.connect(lambda _checked, code=code: self.choose_language(code))
            language_menu.addAction(action)
            self.language_actions[code] = action
        help_menu = menu_bar.addMenu(self.tr("&Help"))
        help_menu.setObjectName("helpMenu")
        self.about_action = self._action(help_menu, self.tr("&About k49desk"), "aboutAction", self.show_about, "F1")

    def _action(self, menu, text: str, name: str, slot, shortcut) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    # Status bar ----------------------------------------------------------------------------------------

    def _show_data_dir(self, path: Path) -> None:
        self.data_label.setText(self.tr("Data: {folder}").format(folder=path))
        self.data_label.setToolTip(str(path))

    def set_gpus(self, gpus: list[str]) -> None:
        self.gpu_label.setText(self.tr("GPU: {names}").format(names=", ".join(gpus)) if gpus
                               else self.tr("CPU only (no GPU)"))
        self.gpu_label.setVisible(True)

    def _ml_imported(self, gpus: list[str]) -> None:
        self.set_gpus(gpus)
        self.state.set_ml_ready()

    def _ml_failed(self, message: str) -> None:
        self.loading_label.setText(self.tr("TensorFlow failed to load"))
        show_error(self, self.tr("TensorFlow could not be loaded"), message)

    def _ml_ready(self) -> None:
        self.loading_label.setVisible(False)

    # Actions --------------------------------------------------------------------------------------------

    def show_tab(self, tab: QWidget) -> None:
        self.tabs.setCurrentWidget(tab)

    def open_picture(self, path) -> None:
        """A picture given on the command line or by a later `k49desk PICTURE`: the Photo tab opens it (a missing
        or unreadable file gets its one-line message there), and the window comes to the front."""
        self.show_tab(self.photo_tab)
        self.photo_tab.open_file(Path(path))
        if self.isMinimized():
            self.showNormal()
        self.raise_()
        self.activateWindow()

    def choose_run(self) -> None:
        start = str(self.state.runs_dir if self.state.runs_dir.is_dir() else Path.home())
        path = QFileDialog.getExistingDirectory(self, self.tr("Open a run folder"), start)
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
            self.tr("About k49desk"),
            f"<h3>k49desk {k49desk.__version__}</h3>"
            + self.tr("<p>Train, evaluate and draw handwritten hiragana with Kuzushiji-49 (K49).</p>"
                      "<p>K49 is CC BY-SA 4.0 — “KMNIST Dataset” (created by CODH), adapted from “Kuzushiji Dataset” "
                      "(created by NIJL and others), doi:10.20676/00000341.</p>"
                      "<p>Hiragana are drawn with IPAexGothic (IPA Font License).</p>")
            # What the starter model was trained on: resources/models/starter.json, in the window's language.
            + f"<p>{html.escape(starter_summary())}</p>"
            + self.tr("<p>The starter model is CC BY-SA 4.0: it was trained on pen strokes from KanjiVG "
                      "(© Ulrich Apel, https://kanjivg.tagaini.net, CC BY-SA 3.0), on font renders and on kuzushiji "
                      "variant forms rendered from fonts (IPAmj Mincho, HanaMinA, Kouzan brush fonts); not on K49. "
                      "See resources/models/PROVENANCE.md.</p>"),
        )

    def choose_language(self, language: str) -> None:
        """Keep `language` for the next start; the window's texts are made once, so it changes then."""
        i18n.save_language(app_settings(), language)
        if language == i18n.current_language():
            return
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("Language"),
                          self.tr("k49desk will be in {language} the next time it starts.").format(
                              language=i18n.LANGUAGES[language]),
                          QMessageBox.StandardButton.Ok, self)
        box.setObjectName("languageMessage")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # Settings and closing ------------------------------------------------------------------------------

    def _splitters(self) -> list[QSplitter]:
        return [s for s in self.findChildren(QSplitter) if s.objectName()]

    def _restore_settings(self) -> None:
        # Any value may be of the wrong type (an edited or damaged file): Qt refuses such a state and we keep ours.
        settings = app_settings()
        geometry = settings.value("window/geometry")
        if not isinstance(geometry, QByteArray) or not self.restoreGeometry(geometry):
            self.resize(1280, 860)
        for splitter in self._splitters():
            state = settings.value(f"splitters/{splitter.objectName()}")
            if isinstance(state, QByteArray):
                splitter.restoreState(state)
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
            settings.setValue(DATA_DIR_KEY, str(data.data_dir))
            settings.sync()

    def _save_settings(self) -> None:
        settings = app_settings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/tab", self.tabs.currentWidget().objectName())
        for splitter in self._splitters():
            settings.setValue(f"splitters/{splitter.objectName()}", splitter.saveState())
        settings.setValue(RUNS_DIR_KEY, str(self.state.runs_dir))
        settings.sync()

    def busy_tasks(self) -> list[Task]:
        """Running work a person started (training, download, evaluation...), not background chores."""
        return [t for t in self.state.running_tasks() if t.user_work]

    def confirm_close(self, tasks: list[Task]) -> bool:
        names = ", ".join(sorted({t.name for t in tasks}))
        answer = QMessageBox.question(
            self,
            self.tr("Quit k49desk?"),
            self.tr("Still running: {tasks}.\n\nStop and quit? A training run keeps the epochs completed so far.").format(
                tasks=names),
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
        self.statusBar().showMessage(self.tr("Stopping…"))
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
    task = Task(QCoreApplication.translate("MainWindow", "import TensorFlow"), import_ml)
    task.succeeded.connect(window._ml_imported)
    task.failed.connect(window._ml_failed)
    return window.state.start(task)


def set_aside_damaged_settings() -> Path | None:
    """Move a settings file that is not settings text (binary garbage, a broken line) aside to NAME.damaged, so that
    the app starts with its defaults; returns where it went, None when the file is sound or absent."""
    settings = app_settings()
    path = Path(settings.fileName())
    # Only ini text can be checked byte by byte; other platforms' native stores (registry, plist) have no such file.
    if path.suffix not in (".ini", ".conf") or not path.is_file():
        return None
    try:
        raw = path.read_bytes()
    except OSError:
        raw = None
    try:
        text = raw.decode("utf-8") if raw is not None else None
    except UnicodeDecodeError:
        text = None
    if text is not None and settings.status() == QSettings.Status.NoError and not any(
            ch < " " and ch not in "\t\r\n" for ch in text):
        return None
    aside = path.with_name(path.name + ".damaged")
    if raw is not None:
        write_atomic(aside, lambda f: f.write(raw))
    # Qt keeps what it read in memory: cleared, so that it does not write the garbage back.
    settings.clear()
    settings.sync()
    return aside


def _start_folder(given, saved, variable: str, default) -> Path:
    """The folder given, else the environment's (K49DESK_DATA, K49DESK_RUNS), else the last session's, else default()."""
    if given:
        return Path(given)
    if isinstance(saved, str) and saved and not os.environ.get(variable):
        return Path(saved)
    return default()


def create_window(data_dir=None, runs_dir=None) -> MainWindow:
    """A main window over a fresh AppState; not shown.

    The model chosen last time is active (else the starter model, when installed). Without a data folder given (here
    or by K49DESK_DATA), the folder loaded last time is used and, when its files are all there, loaded on a worker;
    without a runs folder, the last session's. A damaged settings file is set aside, and the window says so once it
    runs.
    """
    register_qt_font()
    aside = set_aside_damaged_settings()
    settings = app_settings()
    remembered = settings.value(DATA_DIR_KEY)
    remembered = remembered if isinstance(remembered, str) else None
    state = AppState(_start_folder(data_dir, remembered, "K49DESK_DATA", default_data_dir),
                     _start_folder(runs_dir, settings.value(RUNS_DIR_KEY), "K49DESK_RUNS", default_runs_dir))
    window = MainWindow(state)
    window.restore_model()
    if remembered and Path(remembered) == state.data_dir and window.data_tab.folder_complete():
        window.data_tab.start_load()
    if aside is not None:
        QTimer.singleShot(0, window, lambda: show_error(
            window, QCoreApplication.translate("MainWindow", "Settings"),
            QCoreApplication.translate(
                "MainWindow", "The settings file {path} could not be read; it was set aside as {aside} and k49desk "
                "starts with its default settings.").format(path=settings.fileName(), aside=aside)))
    return window


def application(argv=None) -> QApplication:
    """The QApplication, named for settings, the desktop entry (taskbar icon on Wayland) and the window icon."""
    app = QApplication.instance() or QApplication(list(argv) if argv is not None else sys.argv)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName("k49desk")
    app.setApplicationVersion(k49desk.__version__)
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(app_icon())
    return app


def app_icon() -> QIcon:
    """The application icon: the SVG, with the PNG sizes for small renderings."""
    folder = resources_dir() / "desktop"
    icon = QIcon(str(folder / f"{APP_ID}.svg"))
    for size in PNG_SIZES:
        icon.addFile(str(folder / f"{APP_ID}-{size}.png"))
    return icon


def launch(argv=None, picture=None) -> tuple[QApplication, MainWindow]:
    """The application and its shown main window (on the Photo tab with `picture`, when one is given); TensorFlow
    starts loading once the window is on screen."""
    app = application(argv)
    i18n.install_translators(i18n.chosen_language(app_settings()))
    window = create_window()
    if picture is not None:
        window.open_picture(picture)
    watcher = _ExposeWatcher(window)
    window.show()
    window.windowHandle().installEventFilter(watcher)
    # The first frame is drawn before the import starts: importing TensorFlow holds the GIL for long stretches.
    watcher.exposed.connect(lambda: QTimer.singleShot(0, lambda: start_ml_import(window)))
    return app, window


SMOKE_TEST_TIMEOUT_S = 180


def main(argv=None, smoke_test: bool = False, picture=None) -> int:
    """Open the main window and run the event loop; returns the exit status. With `picture`, a window already open
    (this user's) gets it instead, and this returns 0 at once.

    smoke_test: close the window once it has been on screen and TensorFlow has loaded (status 0); status 1 with a
    line on stderr when that has not happened within SMOKE_TEST_TIMEOUT_S.
    """
    # Qt 6 is high-DPI aware by default; pass fractional scale factors through rather than rounding them.
    QApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = application(argv)
    if picture is not None and not smoke_test and send_to_running(Path(picture)):
        return 0
    app, window = launch(argv, picture)
    server = PictureServer(parent=window)
    server.pictureReceived.connect(window.open_picture)
    server.listen()  # False: another window listens already; this one then just does not receive pictures
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
