"""Training: run folder contents, history, stop on request within one batch, atomic writes, and reading runs back."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from tiny_data import tiny_data

from k49desk import runs, training
from k49desk.errors import Cancelled, DataError, RunError
from k49desk.training import BatchProgress, EpochEnd, Trainer, TrainingStarted, TrainSettings


def test_trained_run_folder_holds_everything(trained_run):
    folder = Path(trained_run)
    for name in ("model.keras", "last.keras", "history.json", "history.csv", "settings.json", "run.json"):
        assert (folder / name).is_file(), name
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")], "no partial folder is left"
    run = runs.load_run(folder)
    assert run.info.status == "completed" and run.info.epochs_done == run.info.epochs_planned == 1
    assert run.info.practice and run.info.data_name == "practice set"
    assert set(run.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 1 for v in run.history.values())
    assert run.info.best_val_accuracy == max(run.history["val_accuracy"])
    assert TrainSettings.from_dict(run.settings) == TrainSettings(epochs=1, batch_size=64, seed=0)
    meta = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert meta["data"]["practice"] is True and len(meta["data"]["fingerprint"]) == 16
    assert meta["sizes"]["train"] + meta["sizes"]["validation"] == 49 * 24
    assert {"tensorflow", "keras", "numpy", "python"} <= set(meta["versions"])
    assert len(meta["timings"]["seconds_per_epoch"]) == 1 and meta["timings"]["train_samples_per_s"][0] > 0
    assert (folder / "history.csv").read_text().splitlines()[0] == "epoch,loss,accuracy,val_loss,val_accuracy"
    assert runs.list_runs(folder.parent)[0].path == folder


def test_events_history_and_best_model(tmp_path):
    events = []
    info = Trainer(tiny_data(), TrainSettings(epochs=2, batch_size=32), tmp_path).run(progress=events.append)
    started = events[0]
    assert isinstance(started, TrainingStarted) and started.run_dir == info.path
    assert started.train_size + started.val_size == 49 * 8 and started.batches_per_epoch == -(-started.train_size // 32)
    batches = [e for e in events if isinstance(e, BatchProgress)]
    assert [(b.epoch, b.batch) for b in batches] == [
        (e, b) for e in (1, 2) for b in range(1, started.batches_per_epoch + 1)]
    assert all(b.samples_per_s > 0 and b.eta_s >= 0 for b in batches)
    ends = [e for e in events if isinstance(e, EpochEnd)]
    assert [e.epoch for e in ends] == [1, 2]
    run = runs.load_run(info.path)
    assert run.history["val_accuracy"] == pytest.approx([e.logs["val_accuracy"] for e in ends])
    assert info.status == "completed" and info.best_val_accuracy == max(run.history["val_accuracy"])
    assert info.name.endswith("_seed-cnn") and datetime.strptime(info.name[:15], "%Y-%m-%d_%H%M")


def test_stratified_split_keeps_every_class_share():
    y = np.repeat(np.arange(49), np.arange(10, 59))
    train, val = training.stratified_split(y, 0.3, seed=0)
    assert sorted(np.concatenate([train, val])) == list(range(len(y)))
    share = np.bincount(y[val], minlength=49) / np.bincount(y, minlength=49)
    assert np.all(np.abs(share - 0.3) < 0.06)
    assert np.array_equal(val, training.stratified_split(y, 0.3, seed=0)[1])


def test_stop_within_one_batch_keeps_completed_epochs(tmp_path):
    cancel = threading.Event()
    after_stop = []

    def progress(event):
        if cancel.is_set():
            after_stop.append(event)
        elif isinstance(event, BatchProgress) and (event.epoch, event.batch) == (2, 2):
            cancel.set()  # as the GUI's Stop button would, while batch 3 of epoch 2 is next

    info = Trainer(tiny_data(), TrainSettings(epochs=4, batch_size=16), tmp_path, "stopped").run(
        progress=progress, cancel=cancel)
    assert not after_stop, "no batch or epoch is reported after the stop request"
    assert info.status == "stopped" and info.epochs_done == 1 and info.epochs_planned == 4
    run = runs.load_run(tmp_path / "stopped")
    assert all(len(v) == 1 for v in run.history.values())
    assert [p.name for p in tmp_path.iterdir()] == ["stopped"]


def test_stop_before_the_first_epoch_ends_keeps_nothing(tmp_path):
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        Trainer(tiny_data(), TrainSettings(epochs=2), tmp_path).run(cancel=cancel)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_run_leaves_no_folder(tmp_path):
    data = tiny_data()
    data.y_train[:] = 0
    data.y_train[0] = 1  # a class with one image cannot be split by class
    with pytest.raises(DataError, match="stratified"):
        Trainer(data, TrainSettings(epochs=1), tmp_path).run()
    assert list(tmp_path.iterdir()) == []


def test_run_names_are_unique_and_given_names_are_not_overwritten(tmp_path):
    (tmp_path / "2026-11-24_1730_seed-cnn").mkdir()
    (tmp_path / ".2026-11-24_1730_seed-cnn-2.partial").mkdir()
    assert training._unique_run_name(tmp_path, "2026-11-24_1730_seed-cnn") == "2026-11-24_1730_seed-cnn-3"
    with pytest.raises(RunError, match="already exists"):
        Trainer(tiny_data(), TrainSettings(epochs=1), tmp_path, "2026-11-24_1730_seed-cnn").run()


def test_settings_validate_and_round_trip():
    s = TrainSettings(arch="resnet-small", epochs=3, batch_size=64, learning_rate=3e-4, validation_split=0.2, seed=5)
    assert TrainSettings.from_dict({**s.to_dict(), "unknown": 1}) == s
    with pytest.raises(ValueError, match="validation split"):
        TrainSettings(validation_split=1.0)
    with pytest.raises(ValueError, match="epochs"):
        TrainSettings(epochs=0)


def _copy_run(src: Path, dst: Path, created: datetime) -> Path:
    import shutil

    shutil.copytree(src, dst)
    meta = json.loads((dst / "run.json").read_text(encoding="utf-8"))
    meta["created"] = created.isoformat()
    (dst / "run.json").write_text(json.dumps(meta), encoding="utf-8")
    return dst


def test_list_runs_skips_partial_and_broken_folders_newest_first(trained_run, tmp_path):
    now = datetime.now().astimezone()
    old = _copy_run(trained_run, tmp_path / "old", now - timedelta(days=1))
    new = _copy_run(trained_run, tmp_path / "new", now)
    _copy_run(trained_run, tmp_path / ".being-written.partial", now)
    (_copy_run(trained_run, tmp_path / "no-model", now) / "model.keras").unlink()
    (_copy_run(trained_run, tmp_path / "bad-json", now) / "run.json").write_text("{", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    (tmp_path / "a-file.txt").write_text("x")
    assert [i.path for i in runs.list_runs(tmp_path)] == [new, old]
    assert runs.list_runs(tmp_path / "missing") == []


def test_load_run_explains_what_is_wrong(trained_run, tmp_path):
    with pytest.raises(RunError, match="run folder not found"):
        runs.load_run(tmp_path / "nope")
    broken = _copy_run(trained_run, tmp_path / "broken", datetime.now().astimezone())
    (broken / "last.keras").unlink()
    (broken / "history.json").unlink()
    with pytest.raises(RunError, match=r"broken: not a complete run folder \(missing last.keras, history.json\)"):
        runs.load_run(broken)
    bad = _copy_run(trained_run, tmp_path / "bad", datetime.now().astimezone())
    (bad / "run.json").write_text('{"created": "yesterday"}', encoding="utf-8")
    with pytest.raises(RunError, match=r"bad/run.json: malformed run description"):
        runs.load_run(bad)


def test_several_gpus_train_under_a_mirrored_strategy(monkeypatch):
    """The choice of strategy (no GPUs here to train on): MirroredStrategy from two GPUs on, the default below."""
    import tensorflow as tf

    made = []

    class FakeMirrored:
        def __init__(self):
            made.append(self)

    gpus: list = []
    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind=None: list(gpus) if kind == "GPU" else [])
    monkeypatch.setattr(tf.distribute, "MirroredStrategy", FakeMirrored)
    for count in (0, 1):
        gpus[:] = [f"GPU:{i}" for i in range(count)]
        strategy, seen = training._strategy()
        assert seen == count and strategy is tf.distribute.get_strategy() and not made
    gpus[:] = ["GPU:0", "GPU:1"]
    strategy, seen = training._strategy()
    assert seen == 2 and made == [strategy]
