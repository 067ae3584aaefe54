"""Data tab: where the data lives, whether its five files are sound, download / practice set / load, and a look at it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from k49desk import dataset, download
from k49desk.classes import CHARS, CLASSES, NUM_CLASSES
from k49desk.gui import i18n
from k49desk.gui.fonts import hiragana_font
from k49desk.gui.images import to_pixmap
from k49desk.gui.messages import OK_COLOR, PROBLEM_COLOR, show_error, show_problem
from k49desk.gui.state import AppState
from k49desk.gui.workers import TaskSlot

SAMPLES_PER_CLASS = 3
SAMPLE_PX = 56  # 2x: every source pixel a crisp 2x2 square


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


class DataTab(QWidget):
    drawRequested = Signal()  # "Draw now" on the welcome panel: the window shows the Draw tab

    def __init__(self, state: AppState, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        # Tests point these at a local mirror with small files.
        self.base_url = download.default_base_url()
        self.download_files = dataset.OFFICIAL
        self.practice_options: dict = {}  # extra keyword arguments for synth.synthesize, over the dialog's
        self.practice_dialog = None  # the open "Create practice set" dialog
        self.work = TaskSlot(state, self)  # the one download / synth / load running
        self.work.busyChanged.connect(self._on_busy)
        self.checksums = TaskSlot(state, self)  # checking the folder's files; a new folder replaces the check
        self._chart = None
        self._chart_pending = False

        self._build()
        state.dataDirChanged.connect(self._on_folder_changed)
        state.dataChanged.connect(self._on_data)
        state.mlReady.connect(self._draw_chart_if_pending)
        self._on_data_dir(state.data_dir)

    # Layout ------------------------------------------------------------------------------------------

    def _build_welcome(self) -> QFrame:
        """The three ways to start, each saying what it gives; shown while no data is loaded and the folder lacks it."""
        panel = QFrame(objectName="welcomePanel")
        panel.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(panel)
        heading = QLabel(self.tr("<b>Welcome.</b> No data is here yet. Three ways to start:"))
        grid.addWidget(heading, 0, 0, 1, 2)
        total = sum(f.size for f in dataset.OFFICIAL.values())
        self.welcome_draw = QPushButton(self.tr("Draw now"), objectName="welcomeDrawButton")
        self.welcome_draw.clicked.connect(self.drawRequested)
        self.welcome_download = QPushButton(self.tr("Download K49 ({size})").format(size=i18n.file_size(total)),
                                            objectName="welcomeDownloadButton")
        self.welcome_download.clicked.connect(self.start_download)
        self.welcome_practice = QPushButton(self.tr("Make a practice set…"), objectName="welcomePracticeButton")
        self.welcome_practice.clicked.connect(self.create_practice_set)
        for row, (button, text) in enumerate((
            (self.welcome_draw, self.tr("Write a hiragana with the mouse or a pen in the Draw tab: the starter model "
                                        "(trained on fonts, kuzushiji variant forms from fonts and pen strokes, "
                                        "not on K49) reads it at once. No data needed.")),
            (self.welcome_download, self.tr("The real Kuzushiji-49: 270,912 images of 49 classes to train and "
                                            "evaluate on, from the official site (needs a network; resumes, "
                                            "verifies checksums).")),
            (self.welcome_practice, self.tr("Works offline: a K49-format set rendered from the fonts on this "
                                            "computer (and pen strokes, with KanjiVG) to try training on. Not K49: "
                                            "figures measured on it say so.")),
        ), start=1):
            grid.addWidget(button, row, 0)
            label = QLabel(text, wordWrap=True)
            grid.addWidget(label, row, 1)
        grid.setColumnStretch(1, 1)
        return panel

    def _build(self) -> None:
        self.welcome = self._build_welcome()
        self.folder_edit = QLineEdit(objectName="dataFolderEdit", readOnly=True)
        self.choose_button = QPushButton(self.tr("Choose folder…"), objectName="chooseFolderButton")
        self.choose_button.clicked.connect(self.choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(QLabel(self.tr("Data folder:")))
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(self.choose_button)

        self.files_table = QTableWidget(len(dataset.FILE_NAMES), 4, objectName="filesTable")
        self.files_table.setHorizontalHeaderLabels([self.tr("File"), self.tr("Present"), self.tr("Size"),
                                                    self.tr("Status")])
        self.files_table.verticalHeader().setVisible(False)
        self.files_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.files_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.files_table.horizontalHeader()
        for col in range(3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        rows_height = sum(self.files_table.rowHeight(r) for r in range(self.files_table.rowCount()))
        self.files_table.setFixedHeight(rows_height + header.sizeHint().height() + 4)

        self.download_button = QPushButton(self.tr("Download K49"), objectName="downloadButton")
        self.download_button.setToolTip(
            self.tr("Download the five official files from {url}").format(url=download.BASE_URL))
        self.download_button.clicked.connect(self.start_download)
        self.practice_button = QPushButton(self.tr("Create practice set…"), objectName="practiceButton")
        self.practice_button.setToolTip(self.tr("Render a K49-format practice set from fonts (offline; not K49)"))
        self.practice_button.clicked.connect(self.create_practice_set)
        self.load_button = QPushButton(self.tr("Load"), objectName="loadButton")
        self.load_button.clicked.connect(self.start_load)
        self.cancel_button = QPushButton(self.tr("Cancel"), objectName="cancelDataButton", enabled=False)
        self.cancel_button.clicked.connect(self.cancel)
        buttons = QHBoxLayout()
        for b in (self.download_button, self.practice_button, self.load_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)

        self.progress_bar = QProgressBar(objectName="dataProgress", textVisible=True)
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setVisible(False)
        self.status_label = QLabel(objectName="dataStatus")
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress_bar, 1)
        progress_row.addWidget(self.status_label, 2)

        self.banner = QLabel(objectName="practiceBanner")
        self.banner.setStyleSheet(
            "QLabel { background: #fff1c2; color: #5c4400; border: 1px solid #d9b44a; padding: 6px; font-weight: bold; }"
        )
        self.banner.setVisible(False)
        self.summary_label = QLabel(self.tr("No data loaded."), objectName="dataSummary")
        self.coverage_label = QLabel(objectName="dataCoverageWarning", wordWrap=True)
        self.coverage_label.setFont(hiragana_font(self.font().pointSizeF(), bold=True))
        show_problem(self.coverage_label, True)
        self.coverage_label.setVisible(False)

        self.chart_box = QWidget(objectName="classChartBox")
        self.chart_layout = QVBoxLayout(self.chart_box)
        self.chart_layout.setContentsMargins(0, 0, 0, 0)
        self.chart_placeholder = QLabel(self.tr("The class distribution appears here once data is loaded."))
        self.chart_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.chart_layout.addWidget(self.chart_placeholder)

        self.sample_grid = QWidget(objectName="sampleGrid")
        grid = QGridLayout(self.sample_grid)
        grid.setSpacing(6)
        self.sample_captions: list[QLabel] = []
        self.sample_images: list[QLabel] = []
        caption_font = hiragana_font(12)
        self._sample_cells: list[QWidget] = []
        self._grid_columns = 0
        for c in CLASSES:
            cell = QWidget()
            cell_layout = QVBoxLayout(cell)
            cell_layout.setContentsMargins(0, 0, 0, 0)
            cell_layout.setSpacing(1)
            caption = QLabel(i18n.char_label(c), objectName=f"sampleCaption{c.index}")
            caption.setFont(caption_font)
            image = QLabel(objectName=f"sampleImages{c.index}")
            image.setFixedSize(SAMPLES_PER_CLASS * (SAMPLE_PX + 2), SAMPLE_PX)
            cell_layout.addWidget(caption)
            cell_layout.addWidget(image)
            self._sample_cells.append(cell)
            self.sample_captions.append(caption)
            self.sample_images.append(image)
        scroll = QScrollArea(objectName="sampleScroll")
        scroll.setWidget(self.sample_grid)
        scroll.setWidgetResizable(False)
        scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        # The grid reflows to as many columns as the visible width holds, so it only ever scrolls down.
        scroll.viewport().installEventFilter(self)
        self.sample_scroll = scroll
        self._reflow_samples()

        self.view_splitter = QSplitter(Qt.Orientation.Horizontal, objectName="dataViewSplitter")
        self.view_splitter.addWidget(self.chart_box)
        self.view_splitter.addWidget(scroll)
        self.view_splitter.setStretchFactor(0, 3)
        self.view_splitter.setStretchFactor(1, 2)
        self.view_splitter.setVisible(False)

        layout = QVBoxLayout(self)
        layout.addWidget(self.welcome)
        layout.addLayout(folder_row)
        layout.addWidget(self.files_table)
        layout.addLayout(buttons)
        layout.addLayout(progress_row)
        layout.addWidget(self.banner)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.coverage_label)
        layout.addWidget(self.view_splitter, 1)
        layout.addStretch(1)

    # Folder and file checks ------------------------------------------------------------------------------

    def choose_folder(self) -> None:
        start = self.state.data_dir if self.state.data_dir.is_dir() else Path.home()
        path = QFileDialog.getExistingDirectory(self, self.tr("Choose a K49-format data folder"), str(start))
        if path:
            self.state.set_data_dir(Path(path))

    def _on_folder_changed(self, path: Path) -> None:
        # What the status said (a failed load, a finished download) was about the folder before.
        self._set_status("")
        self._on_data_dir(path)

    def _on_data_dir(self, path: Path) -> None:
        self.folder_edit.setText(str(path))
        self._show_files(dataset.check_files(path, verify_md5=False), checking=True)
        self._start_check()

    def _start_check(self) -> None:
        """Checksums on a worker: md5 of the 66 MB training images takes a moment."""
        data_dir = self.state.data_dir
        self.checksums.run(
            self.tr("check data files"),
            lambda progress, cancel: dataset.check_files(data_dir),
            on_success=lambda statuses: self._show_files(statuses, checking=False),
        )

    def refresh_files(self, *_ignored) -> None:
        self._on_data_dir(self.state.data_dir)

    def _show_files(self, statuses, checking: bool) -> None:
        self.statuses = statuses
        for row, s in enumerate(statuses):
            size = "" if s.size is None else self.tr("{n} bytes").format(n=i18n.number(s.size))
            if s.ok:
                status = self.tr("checking checksum…") if checking and s.expected_size is not None else self.tr("OK")
            else:
                # The core's words (English), but for the commonest: a file not there yet.
                status = self.tr("missing") if s.problem == "missing" else s.problem or self.tr("problem")
            items = (s.name, self.tr("yes") if s.present else self.tr("no"), size, status)
            for col, text in enumerate(items):
                item = QTableWidgetItem(text)
                item.setToolTip(str(s.path) if col == 0 else text)
                if col == 3 and not (checking and s.ok):
                    item.setForeground(QColor(OK_COLOR if s.ok else PROBLEM_COLOR))
                self.files_table.setItem(row, col, item)
        self._update_buttons()
        self._show_welcome()

    def folder_complete(self) -> bool:
        """Whether the data folder holds all five files (as last checked)."""
        return all(s.present for s in getattr(self, "statuses", []))

    def _show_welcome(self) -> None:
        self.welcome.setVisible(self.state.data is None and not self.folder_complete())

    # Long work --------------------------------------------------------------------------------------------

    def _run(self, name: str, fn, on_progress, on_success, user_work: bool = True, *, refresh_after=False,
             offer_practice=False) -> None:
        """Run one piece of work (`name` as the user reads it); refresh_after: check the folder's files again when it
        fails or is cancelled; offer_practice: a failure message offers the practice set (a download that found no
        network)."""

        def failed(message: str) -> None:
            self._set_status(self.tr("{work} failed.").format(work=_sentence(name)), problem=True)
            box = show_error(self, self.tr("{work} failed").format(work=_sentence(name)), message)
            if offer_practice:
                box.setInformativeText(self.tr("Without the network you can still make a practice set: it is "
                                               "rendered here, offline (not K49)."))
                practice = box.addButton(self.tr("Make a practice set…"), QMessageBox.ButtonRole.ActionRole)
                practice.setObjectName("offerPracticeButton")
                practice.clicked.connect(self.create_practice_set)
            if refresh_after:
                self.refresh_files()

        def cancelled() -> None:
            self._set_status(self.tr("{work}: cancelled.").format(work=_sentence(name)))
            if refresh_after:
                self.refresh_files()

        self.progress_bar.setValue(0)
        self.work.run(name, fn, on_progress=on_progress, on_success=on_success, on_failure=failed,
                      on_cancelled=cancelled, user_work=user_work)

    def _on_busy(self, busy: bool) -> None:
        self.progress_bar.setVisible(busy)
        self._update_buttons()

    def cancel(self) -> None:
        if self.work.busy:
            self.work.cancel()
            self.cancel_button.setEnabled(False)
            self._set_status(self.tr("Cancelling…"))

    def busy(self) -> bool:
        return self.work.busy

    def _update_buttons(self) -> None:
        busy = self.busy()
        complete = self.folder_complete()
        for b in (self.download_button, self.practice_button, self.choose_button, self.welcome_download,
                  self.welcome_practice):
            b.setEnabled(not busy)
        self.load_button.setEnabled(not busy and complete)
        self.load_button.setToolTip("" if complete else self.tr("The folder lacks some of the five K49 files"))
        self.cancel_button.setEnabled(busy)

    def _set_status(self, text: str, problem: bool = False) -> None:
        self.status_label.setText(text)
        show_problem(self.status_label, problem)

    def _set_fraction(self, fraction: float) -> None:
        self.progress_bar.setValue(int(round(1000 * min(max(fraction, 0.0), 1.0))))

    # Download
    def start_download(self) -> None:
        data_dir, base_url, files = self.state.data_dir, self.base_url, self.download_files
        self._set_status(self.tr("Connecting to {url}…").format(url=base_url))
        self._run(
            self.tr("download"),
            lambda progress, cancel: download.download(data_dir, base_url, progress=progress, cancel=cancel, files=files),
            self._download_progress,
            self._download_done,
            refresh_after=True,
            offer_practice=True,
        )

    def _download_progress(self, p) -> None:
        self._set_fraction((p.file_index + p.done / max(p.total, 1)) / p.file_count)
        self.progress_bar.setFormat(self.tr("file {n} of {count}").format(n=p.file_index + 1, count=p.file_count))
        speed = self.tr("{size}/s").format(size=i18n.file_size(p.bytes_per_s)) if p.bytes_per_s else self.tr("starting")
        left = self.tr("done") if p.done >= p.total else i18n.time_left(p.eta_s)
        self._set_status(self.tr("{file}: {done} of {total} · {speed} · {left}").format(
            file=p.file, done=i18n.file_size(p.done), total=i18n.file_size(p.total), speed=speed, left=left))

    def _download_done(self, paths) -> None:
        self._set_status(self.tr("Downloaded and verified {n} files.").format(n=i18n.number(len(paths))))
        self.refresh_files()
        if all(s.present for s in self.statuses):
            self.start_load()

    # Practice set
    def create_practice_set(self) -> None:
        """Ask for the practice set's folder, sizes and pen strokes (a dialog), then render it on a worker."""
        from k49desk.gui.practice_dialog import PracticeSetDialog

        if self.practice_dialog is not None:
            self.practice_dialog.raise_()
            return
        dialog = PracticeSetDialog(self.state.data_dir.parent / "practice", self)
        dialog.accepted.connect(lambda: self._synthesize(dialog.folder(), dialog.options()))
        dialog.finished.connect(self._practice_dialog_closed)
        self.practice_dialog = dialog
        dialog.open()

    def _practice_dialog_closed(self) -> None:
        self.practice_dialog.deleteLater()
        self.practice_dialog = None

    def _synthesize(self, out: Path, options: dict) -> None:
        from k49desk import synth

        options = {**options, **self.practice_options}
        self._set_status(self.tr("Rendering a practice set into {folder}…").format(folder=out))
        self._practice_out = out
        self._run(
            self.tr("create practice set"),
            lambda progress, cancel: synth.synthesize(out, progress=progress, cancel=cancel, **options),
            self._practice_progress,
            self._practice_done,
        )

    def _practice_progress(self, p) -> None:
        self._set_fraction(p.done / max(p.total, 1))
        self.progress_bar.setFormat("%p%")
        self._set_status(self.tr("Practice set: {stage} ({done} of {total})").format(
            stage=p.stage, done=i18n.number(p.done), total=i18n.number(p.total)))

    def _practice_done(self, _info) -> None:
        out = self._practice_out
        self._set_status(self.tr("Practice set written to {folder}.").format(folder=out))
        self.state.set_data_dir(out)
        self.start_load()

    # Load
    def start_load(self) -> None:
        data_dir = self.state.data_dir
        self._set_status(self.tr("Loading {folder}…").format(folder=data_dir))
        self._run(
            self.tr("load data"),
            lambda progress, cancel: _load_with_fingerprint(data_dir, progress, cancel),
            self._load_progress,
            self._load_done,
            user_work=False,  # the files stay where they are: quitting loses nothing
        )

    def _load_progress(self, p) -> None:
        self._set_fraction(p.done / max(p.total, 1))
        self.progress_bar.setFormat("%p%")
        self._set_status(self.tr("Loading {file}…").format(file=p.file))

    def _load_done(self, data) -> None:
        self._set_status(self.tr("Loaded {name} from {folder}.").format(name=i18n.data_name(data.name),
                                                                         folder=data.data_dir))
        self.state.set_data(data)

    # The loaded data ----------------------------------------------------------------------------------------

    def _on_data(self, data) -> None:
        shown = data is not None
        self.view_splitter.setVisible(shown)
        self.layout().setStretch(self.layout().count() - 1, 0 if shown else 1)
        self.banner.setVisible(shown and data.practice)
        if shown and data.practice:
            info = data.practice_info or {}
            sources = {(True, True): self.tr("fonts and pen strokes"), (True, False): self.tr("fonts"),
                       (False, True): self.tr("pen strokes")}.get((bool(info.get("fonts")), "strokes" in info),
                                                                  self.tr("fonts"))
            self.banner.setText(self.tr("PRACTICE SET — not K49: generated from {sources}; figures measured on it say "
                                        "nothing about K49").format(sources=sources))
        warning = data.coverage_warning() if shown else None
        self.coverage_label.setText(self.tr("Warning: {warning}.").format(warning=warning) if warning else "")
        self.coverage_label.setVisible(warning is not None)
        if not shown:
            self.summary_label.setText(self.tr("No data loaded."))
            self._show_welcome()
            return
        self._show_welcome()
        self.summary_label.setText(
            self.tr("{name}: {train} training and {test} test images, {classes} classes — from {folder}").format(
                name=i18n.data_name(data.name), train=i18n.number(len(data.y_train)), test=i18n.number(len(data.y_test)),
                classes=NUM_CLASSES, folder=data.data_dir)
        )
        self._show_samples(data)
        self._chart_pending = True
        self._draw_chart_if_pending()

    def eventFilter(self, watched, event) -> bool:
        if watched is self.sample_scroll.viewport() and event.type() == QEvent.Type.Resize:
            self._reflow_samples()
        return super().eventFilter(watched, event)

    def _reflow_samples(self) -> None:
        grid = self.sample_grid.layout()
        cell_width = self._sample_cells[0].sizeHint().width() + grid.horizontalSpacing()
        room = self.sample_scroll.viewport().width() - 2 * grid.contentsMargins().left()
        columns = max(1, room // max(cell_width, 1))
        if columns == self._grid_columns:
            return
        self._grid_columns = columns
        for i, cell in enumerate(self._sample_cells):
            grid.addWidget(cell, i // columns, i % columns)
        self.sample_grid.adjustSize()

    def _show_samples(self, data) -> None:
        counts = data.train_counts()
        order = np.argsort(data.y_train, kind="stable")
        starts = np.concatenate([[0], np.cumsum(counts)])
        for c in CLASSES:
            indices = order[starts[c.index]: starts[c.index] + SAMPLES_PER_CLASS]
            self.sample_images[c.index].setPixmap(self._sample_strip(data.x_train[indices]))
            self.sample_captions[c.index].setText(f"{i18n.char_label(c)} · {i18n.number(counts[c.index])}")
        self.sample_grid.adjustSize()

    @staticmethod
    def _sample_strip(images: np.ndarray) -> QPixmap:
        strip = QPixmap(SAMPLES_PER_CLASS * (SAMPLE_PX + 2), SAMPLE_PX)
        strip.fill(Qt.GlobalColor.transparent)
        painter = QPainter(strip)
        for i, image in enumerate(images):
            painter.drawPixmap(i * (SAMPLE_PX + 2), 0, to_pixmap(image, SAMPLE_PX))
        painter.end()
        return strip

    def _draw_chart_if_pending(self) -> None:
        # matplotlib is imported with TensorFlow in the background; drawing before that would stall the window.
        if not self._chart_pending or not self.state.ml_ready or self.state.data is None:
            return
        self._chart_pending = False
        if self._chart is None:
            from k49desk.gui.plots import make_canvas

            self._chart = make_canvas(7.0, 4.0, self.chart_box)
            self._chart.setObjectName("classChart")
            self.chart_placeholder.setVisible(False)
            self.chart_layout.addWidget(self._chart)
        data = self.state.data
        figure = self._chart.figure
        figure.clear()
        axes = figure.subplots(2, 1, sharex=True)
        x = np.arange(NUM_CLASSES)
        for ax, counts, title, color in (
            (axes[0], data.train_counts(), self.tr("{name}: training set, {n} images"), "#3b6ea8"),
            (axes[1], data.test_counts(), self.tr("{name}: test set, {n} images"), "#d08a2e"),
        ):
            ax.bar(x, counts, color=color, width=0.8)
            ax.set_ylabel(self.tr("images"))
            ax.set_title(title.format(name=i18n.data_name(data.name), n=i18n.number(counts.sum())), fontsize=10, loc="left")
            ax.grid(axis="y", alpha=0.3)
            ax.margins(x=0.01)
        axes[1].set_xticks(x, CHARS, fontsize=9)
        axes[0].tick_params(labelbottom=False)
        self._chart.draw_idle()

    @property
    def chart(self):
        """The class distribution canvas (None until data is loaded and matplotlib is ready)."""
        return self._chart


def _load_with_fingerprint(data_dir, progress, cancel):
    """Load on the worker, and hash it there too: the fingerprint (sha256 over ~200 MB for K49) keys evaluations."""
    data = dataset.load(data_dir, progress=progress, cancel=cancel)
    data.fingerprint  # noqa: B018 - a cached_property, computed once here instead of on the GUI thread
    return data
