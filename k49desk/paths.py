"""Where k49desk keeps data, runs and its shipped resources."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "k49desk"


def _user_data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_data_dir() -> Path:
    """K49DESK_DATA if set, else the platform's user data folder for k49desk, then 'k49'."""
    env = os.environ.get("K49DESK_DATA")
    return Path(env).expanduser() if env else _user_data_dir() / "k49"


def default_runs_dir() -> Path:
    """K49DESK_RUNS if set, else the platform's user data folder for k49desk, then 'runs'."""
    env = os.environ.get("K49DESK_RUNS")
    return Path(env).expanduser() if env else _user_data_dir() / "runs"


def default_samples_dir() -> Path:
    """K49DESK_SAMPLES if set, else the platform's user data folder for k49desk, then 'samples'."""
    env = os.environ.get("K49DESK_SAMPLES")
    return Path(env).expanduser() if env else _user_data_dir() / "samples"


def resources_dir() -> Path:
    """The shipped resources: installed as k49desk/resources, or the repo's resources/ in a source checkout."""
    # A plain path, not importlib.resources: k49desk.resources holds no __init__.py, and for such a namespace
    # package Python 3.11's files() gives a MultiplexedPath whose str() is not a path.
    package = Path(__file__).resolve().parent
    installed = package / "resources"
    return installed if installed.is_dir() else package.parent / "resources"


def starter_model_path() -> Path:
    return resources_dir() / "models" / "starter.keras"


def starter_info_path() -> Path:
    """What the starter model was trained on and its figures with what they were measured on (PROVENANCE.md's)."""
    return resources_dir() / "models" / "starter.json"


def hiragana_font_path() -> Path:
    """IPAexGothic, shipped by the matplotlib-fontja dependency; found without importing matplotlib."""
    import importlib.util

    spec = importlib.util.find_spec("matplotlib_fontja")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("matplotlib-fontja is not installed; it provides the hiragana font (IPAexGothic)")
    return Path(list(spec.submodule_search_locations)[0]) / "fonts" / "ipaexg.ttf"
