"""Where the window keeps what it remembers between starts (QSettings), and the keys it keeps it under."""

from __future__ import annotations

import os

from PySide6.QtCore import QSettings

from k49desk.paths import APP_NAME

ORGANIZATION = "k49desk"
DATA_DIR_KEY = "data/dir"  # the data folder last loaded
RUNS_DIR_KEY = "folders/runs"
PHOTO_FOLDER_KEY = "folders/photo"


def app_settings() -> QSettings:
    """Window geometry, last tab, splitters, folders, language, the model last chosen; K49DESK_SETTINGS names an ini
    file instead (tests, benchmarks)."""
    path = os.environ.get("K49DESK_SETTINGS")
    if path:
        return QSettings(path, QSettings.Format.IniFormat)
    return QSettings(ORGANIZATION, APP_NAME)
