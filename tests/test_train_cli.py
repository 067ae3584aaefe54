"""`k49desk train` through the real entry point: bad settings, divergence, damaged runs, full disks, unwritable
folders, SIGTERM, stale partial folders, resume."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_cli import one_line_error, run_cli
from test_training import _poison_weights_at_epoch

from k49desk import runs

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("value", ["inf", "nan", "1e999"])
def test_non_finite_learning_rate_is_refused(capsys, practice_dir, tmp_path, value):
    code, _, err = run_cli(capsys, "train", "--data-dir", practice_dir, "--learning-rate", value,
                           "--out", tmp_path / "run")
    assert code == 2 and "--learning-rate: must be a finite positive number" in err
    assert not (tmp_path / "run").exists()


def test_divergence_stops_the_run_keeps_the_good_epochs_and_exits_2(capsys, practice_dir, tmp_path, monkeypatch):
    _poison_weights_at_epoch(monkeypatch, 2)
    code, out, err = run_cli(capsys, "train", "--data-dir", practice_dir, "--epochs", 3, "--out", tmp_path / "run")
    one_line_error(code, err, "training diverged: the loss became nan in epoch 2", "kept in", "status diverged")
    assert "Epoch 1/3 - " in out and "Epoch 2/3" not in out
    info = runs.load_run(tmp_path / "run").info
    assert info.status == "diverged" and info.epochs_done == 1


def test_a_learning_rate_that_blows_up_at_once_keeps_nothing(capsys, practice_dir, tmp_path):
    # seed-cnn-dropout trains at a constant rate: seed-cnn's one-cycle would start at a 25th of it.
    code, _, err = run_cli(capsys, "train", "--data-dir", practice_dir, "--arch", "seed-cnn-dropout", "--epochs", 2,
                           "--learning-rate", "1e9", "--out", tmp_path / "run")
    one_line_error(code, err, "training diverged", "epoch 1", "nothing was kept", "lower learning rate")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("history", ["null", '"NaN"', '{"loss": [null]}'])
def test_predict_and_evaluate_on_a_damaged_run_say_so(capsys, trained_run, practice_dir, tmp_path, history):
    damaged = tmp_path / "damaged"
    shutil.copytree(trained_run, damaged)
    (damaged / "history.json").write_text(history, encoding="utf-8")
    image = tmp_path / "one.npz"
    import numpy as np

    np.savez(image, np.zeros((1, 28, 28), np.uint8) + 255)
    for argv in (("predict", damaged, image), ("evaluate", damaged, "--data-dir", practice_dir)):
        code, _, err = run_cli(capsys, *argv)
        one_line_error(code, err, "damaged/history.json")


def _full_disk(tmp_path):
    """A 2 MB tmpfs where the system lets us mount one (root), else None."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return None
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True)
    return mount if done.returncode == 0 else None


def test_a_full_disk_during_training_is_one_message(capsys, practice_dir, tmp_path, monkeypatch):
    mount = _full_disk(tmp_path)
    if mount is None:  # no tmpfs to fill: the disk reports it full at the first model file instead
        from k49desk import training

        def full(model, path):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))

        monkeypatch.setattr(training, "_save_model_atomic", full)
        mount = tmp_path / "small-disk"
    try:
        code, _, err = run_cli(capsys, "train", "--data-dir", practice_dir, "--epochs", 2, "--out", mount / "run")
        one_line_error(code, err, f"no space left on {mount}", "needs about", "MB")
        assert list(mount.iterdir()) == [], "the hidden partial folder is removed"
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)


def test_an_unwritable_out_folder_is_one_message(capsys, practice_dir):
    code, _, err = run_cli(capsys, "train", "--data-dir", practice_dir, "--epochs", 1, "--out", "/proc/x")
    one_line_error(code, err, "/proc")


def test_resume_grows_the_same_history_by_one_row(capsys, practice_dir, tmp_path, monkeypatch):
    from k49desk import training

    real_run = training.Trainer.run

    def run_and_stop_in_epoch_2(self, *, progress=None, cancel=None):
        def relay(event):
            progress(event)
            if isinstance(event, training.BatchProgress) and event.epoch == 2:
                cancel.set()

        return real_run(self, progress=relay, cancel=cancel)

    monkeypatch.setattr(training.Trainer, "run", run_and_stop_in_epoch_2)
    run_dir = tmp_path / "run"
    code, out, _ = run_cli(capsys, "train", "--data-dir", practice_dir, "--epochs", 3, "--batch-size", 128,
                           "--out", run_dir)
    assert code == 0 and "Run stopped early: 1/3 epochs" in out and f"--resume {run_dir}" in out
    before = (run_dir / "history.json").read_text()
    monkeypatch.undo()

    code, out, err = run_cli(capsys, "train", "--resume", run_dir, "--epochs", 2)
    assert code == 0, err
    assert "continuing after epoch 1" in out and "Epoch 2/2 - " in out and "Epoch 1/2" not in out
    history = json.loads((run_dir / "history.json").read_text())
    assert all(len(v) == 2 for v in history.values())
    assert {k: v[:1] for k, v in history.items()} == json.loads(before)
    info = runs.load_run(run_dir).info
    assert info.status == "completed" and info.epochs_done == 2 and info.resumed[0]["from_epoch"] == 1
    assert "precision:" in out and "training on" in out


def test_sigterm_stops_like_ctrl_c_and_keeps_the_run(practice_dir, tmp_path):
    run_dir = tmp_path / "runs" / "terminated"
    env = {**os.environ, "PYTHONPATH": str(REPO), "TF_CPP_MIN_LOG_LEVEL": "3"}
    child = subprocess.Popen(
        [sys.executable, "-m", "k49desk", "train", "--data-dir", str(practice_dir), "--epochs", "50",
         "--batch-size", "32", "--out", str(run_dir)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO)
    try:
        lines = []
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            line = child.stdout.readline()
            lines.append(line)
            if line.startswith("Epoch 1/50 - ") or not line:
                break
        assert lines[-1].startswith("Epoch 1/50 - "), "".join(lines) + child.stderr.read()
        child.send_signal(signal.SIGTERM)
        out, err = child.communicate(timeout=120)
    finally:
        child.kill()
    assert child.returncode == 130, err
    assert "Stopping after the current batch (terminated" in err and "Run stopped early" in out
    info = runs.load_run(run_dir).info
    assert info.status == "stopped" and 1 <= info.epochs_done < 50
    assert [p.name for p in run_dir.parent.iterdir()] == ["terminated"], "no hidden partial folder is left"


def test_a_new_run_cleans_partial_folders_of_dead_processes(capsys, practice_dir, tmp_path):
    from test_training import _dead_pid

    runs_dir = tmp_path / "runs"
    stale = runs_dir / ".2026-01-01_0000_seed-cnn.partial"
    stale.mkdir(parents=True)
    (stale / ".writer.json").write_text(json.dumps({"pid": _dead_pid(), "started": "1"}))
    (stale / "settings.json").write_text("{}")
    live = runs_dir / ".someone-else.partial"
    live.mkdir()
    runs.claim(live)
    code, _, err = run_cli(capsys, "train", "--data-dir", practice_dir, "--epochs", 1, "--runs-dir", runs_dir)
    assert code == 0, err
    names = sorted(p.name for p in runs_dir.iterdir())
    assert not stale.exists() and ".someone-else.partial" in names and len(names) == 2


def test_start_from_a_models_weights_trains_on_from_them(capsys, trained_run, practice_dir, tmp_path):
    from k49desk import dataset
    from k49desk.evaluation import predict_probabilities
    from k49desk.modelio import load_model

    data = dataset.load(practice_dir)
    before = runs.load_run(trained_run)
    accuracy = (predict_probabilities(load_model(before.model_path), data.x_test).argmax(1) == data.y_test).mean()
    out_dir = tmp_path / "on"
    code, out, err = run_cli(capsys, "train", "--data-dir", practice_dir, "--arch", before.info.arch, "--epochs", 1,
                             "--learning-rate", 1e-4, "--start-from", trained_run, "--out", out_dir)
    assert code == 0, err
    info = runs.load_run(out_dir).info
    assert info.fine_tuned_from == str(before.model_path) and info.epochs_done == 1
    # One epoch at a low rate from trained weights keeps what they knew; a new model would be near chance (2%).
    after = (predict_probabilities(load_model(out_dir / runs.MODEL_FILE), data.x_test).argmax(1) == data.y_test).mean()
    assert after >= accuracy - 0.05 and after > 0.25

    code, _, err = run_cli(capsys, "train", "--data-dir", practice_dir, "--arch", "resnet-small", "--start-from",
                           trained_run, "--out", tmp_path / "wrong")
    assert code != 0 and f"was trained as {before.info.arch}; give --arch {before.info.arch}" in err
    assert not (tmp_path / "wrong").exists()


def test_schedule_and_warm_up_override_the_presets_recipe_and_are_recorded(capsys, practice_dir, tmp_path):
    """--schedule / --warmup-epochs replace the recipe's (resnet-small's is constant): the run trains by them and
    records them in settings.json and run.json's recipe, and --resume keeps them."""
    import keras

    from k49desk import training

    out_dir = tmp_path / "run"
    code, _, err = run_cli(capsys, "train", "--data-dir", practice_dir, "--arch", "seed-cnn-dropout", "--epochs", 1,
                           "--schedule", "cosine", "--warmup-epochs", 0.5, "--out", out_dir)
    assert code == 0, err
    run = runs.load_run(out_dir)
    assert run.info.recipe["schedule"] == "cosine" and run.info.recipe["warmup_epochs"] == 0.5
    settings = training.TrainSettings.from_dict(json.loads((out_dir / "settings.json").read_text()))
    assert (settings.schedule, settings.warmup_epochs) == ("cosine", 0.5)
    schedule = training.learning_rate_schedule(settings, settings.recipe(), steps_per_epoch=10)
    assert isinstance(schedule, keras.optimizers.schedules.CosineDecay) and schedule.warmup_steps == 3
    # The preset's own recipe is untouched, and settings without overrides follow it.
    assert training.TrainSettings.for_arch("seed-cnn-dropout").recipe().schedule == "constant"

    code, _, err = run_cli(capsys, "train", "--data-dir", practice_dir, "--schedule", "linear",
                           "--out", tmp_path / "bad")
    assert code == 2 and "--schedule: invalid choice" in err
    code, _, err = run_cli(capsys, "train", "--data-dir", practice_dir, "--warmup-epochs", -1,
                           "--out", tmp_path / "bad")
    assert code == 2 and "--warmup-epochs: must be a finite number, 0 or more" in err
    assert not (tmp_path / "bad").exists()
    with pytest.raises(training.InvalidSettings, match="schedule must be one of constant, cosine"):
        training.TrainSettings(schedule="step")
