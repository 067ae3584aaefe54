"""Shared fixtures. Qt runs offscreen unless the caller chose a platform (e.g. DISPLAY with Xvfb)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path_factory, monkeypatch) -> Path:
    """Window geometry and last tab go to a throwaway ini file, never the user's own QSettings; kept samples to a
    throwaway folder."""
    path = tmp_path_factory.mktemp("settings") / "k49desk.ini"
    monkeypatch.setenv("K49DESK_SETTINGS", str(path))
    # Samples kept in the Draw tab go to a throwaway folder too, never the user's own.
    monkeypatch.setenv("K49DESK_SAMPLES", str(tmp_path_factory.mktemp("samples")))
    return path


@pytest.fixture
def shared_k49() -> Path:
    """The real K49 pieces beside the repo (../shared/k49); skips the test where they are absent."""
    path = Path(__file__).resolve().parents[2] / "shared" / "k49"
    if not path.is_dir():
        pytest.skip(f"real K49 pieces not found at {path}")
    return path


@pytest.fixture(scope="session")
def practice_dir(tmp_path_factory) -> Path:
    """A small practice set (24 train + 8 test images per class) from IPAexGothic alone, so it is the same in CI."""
    from k49desk import paths, synth

    out = tmp_path_factory.mktemp("practice") / "k49"
    synth.synthesize(out, train_per_class=24, test_per_class=8, seed=0, fonts=[paths.hiragana_font_path()])
    return out


@pytest.fixture(scope="session")
def trained_run(practice_dir, tmp_path_factory) -> Path:
    """A real run folder: seed-cnn trained for 1 epoch on the practice set (shared by every test in the session)."""
    from k49desk import dataset
    from k49desk.training import Trainer, TrainSettings

    runs_dir = tmp_path_factory.mktemp("trained-runs")
    info = Trainer(dataset.load(practice_dir), TrainSettings(epochs=1, batch_size=64, seed=0), runs_dir,
                   "practice-seed-cnn").run()
    return info.path


@pytest.fixture
def window(qtbot, tmp_path):
    """The main window over empty data and runs folders in tmp_path, shown; its workers are stopped afterwards."""
    from k49desk.gui import app

    w = app.create_window(tmp_path / "data", tmp_path / "runs")
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.state.cancel_all_and_wait(10)
