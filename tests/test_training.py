"""Training: run folder contents, history, stop on request within one batch, atomic writes, and reading runs back."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from tiny_data import tiny_data

from k49desk import models, runs, training
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
    assert list((folder / "tensorboard" / "train").glob("events.out.tfevents.*")), "TensorBoard logs for the run"
    assert meta["format"] == 2 and meta["status"] == "completed" and meta["devices"]
    assert meta["precision"] == training.choose_precision("auto").precision == run.info.precision
    assert meta["resumed"] == [] and meta["fine_tuned_from"] is None
    assert not (folder / ".writer.json").exists()
    assert runs.list_runs(folder.parent)[0].path == folder


def test_events_history_and_best_model(tmp_path):
    events = []
    info = Trainer(tiny_data(), TrainSettings(epochs=2, batch_size=32), tmp_path).run(progress=events.append)
    started = events[0]
    assert isinstance(started, TrainingStarted) and started.run_dir == info.path
    assert started.train_size + started.val_size == 49 * 8 and started.batches_per_epoch == started.train_size // 32
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



@pytest.mark.parametrize("split", [0.1, 0.3, 0.333, 0.5])
def test_split_sizes_are_the_sizes_the_split_makes(split):
    """The estimates size the parts before any labels are loaded: the same sizes as the stratified split."""
    for n in (490, 1_471, 2_003):
        y = np.arange(n) % 49
        train, val = training.stratified_split(y, split, seed=1)
        assert training.split_sizes(n, split) == (len(train), len(val))


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
    for bad in (float("inf"), float("nan"), -1.0):
        with pytest.raises(training.InvalidSettings, match="learning rate must be a finite positive number"):
            TrainSettings(learning_rate=bad)
    with pytest.raises(training.InvalidSettings, match="validation split"):
        TrainSettings(validation_split=float("nan"))
    with pytest.raises(training.InvalidSettings, match="precision"):
        TrainSettings(precision="float8")


def _copy_run(src: Path, dst: Path, created: datetime) -> Path:
    import shutil

    shutil.copytree(src, dst)
    meta = json.loads((dst / "run.json").read_text(encoding="utf-8"))
    meta["created"] = created.isoformat()
    (dst / "run.json").write_text(json.dumps(meta), encoding="utf-8")
    return dst


def test_list_runs_skips_partial_folders_and_lists_broken_ones_as_damaged(trained_run, tmp_path):
    now = datetime.now().astimezone()
    old = _copy_run(trained_run, tmp_path / "old", now - timedelta(days=1))
    new = _copy_run(trained_run, tmp_path / "new", now)
    _copy_run(trained_run, tmp_path / ".being-written.partial", now)
    (_copy_run(trained_run, tmp_path / "no-model", now) / "model.keras").unlink()
    (_copy_run(trained_run, tmp_path / "bad-json", now) / "run.json").write_text("{", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    (tmp_path / "a-file.txt").write_text("x")
    listed = runs.list_runs(tmp_path)
    good = [i.path for i in listed if i.status != "damaged"]
    assert good == [new, old]
    damaged = {i.name: i.damaged for i in listed if i.status == "damaged"}
    assert set(damaged) == {"no-model", "bad-json"}
    assert "missing model.keras" in damaged["no-model"] and "run.json: cannot read" in damaged["bad-json"]
    assert runs.list_runs(tmp_path / "missing") == []


@pytest.mark.parametrize("history, reason", [
    ("null", "expected a JSON object, found NoneType"),
    ('"NaN"', "expected a JSON object, found str"),
    ('{"loss": null, "accuracy": [0.5]}', "loss is null, not a list"),
    ('{"loss": [0.5, null], "accuracy": [0.5, 0.6]}', "loss[1] is null, not a number"),
    ('{"loss": [NaN], "accuracy": [0.5]}', "holds NaN, which is not standard JSON"),
])
def test_damaged_history_is_listed_with_the_reason_and_never_raises(trained_run, tmp_path, history, reason):
    run = _copy_run(trained_run, tmp_path / "run", datetime.now().astimezone())
    (run / "history.json").write_text(history, encoding="utf-8")
    (info,) = runs.list_runs(tmp_path)
    assert info.status == "damaged" and reason in info.damaged and info.path == run
    with pytest.raises(RunError, match=reason.replace("[", r"\[").replace("]", r"\]")):
        runs.load_run(run)


def test_json_is_always_standard(tmp_path):
    notes = runs.write_json(tmp_path / "x.json", {"a": [1.0, float("nan")], "b": {"c": float("-inf")}})
    text = (tmp_path / "x.json").read_text(encoding="utf-8")
    assert json.loads(text) == {"a": [1.0, None], "b": {"c": None}} and "NaN" not in text
    assert notes == ["x.json: a[1] was nan, written as null", "x.json: b.c was -inf, written as null"]


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


def _poison_weights_at_epoch(monkeypatch, epoch: int) -> None:
    """Make the weights NaN when `epoch` (1-based) begins, as a blow-up of the loss would (a callback in place of the
    TensorBoard one)."""
    import keras

    class Poison(keras.callbacks.Callback):
        def on_epoch_begin(self, index, logs=None):
            if index + 1 == epoch:
                for w in self.model.trainable_weights:
                    w.assign(w * float("nan"))

    monkeypatch.setattr(training, "_tensorboard", lambda folder: Poison())


def test_a_diverged_run_keeps_the_last_good_epoch_and_says_so(tmp_path, monkeypatch):
    _poison_weights_at_epoch(monkeypatch, 2)
    events = []
    info = Trainer(tiny_data(), TrainSettings(epochs=3, batch_size=64), tmp_path, "blown").run(progress=events.append)
    assert info.status == "diverged" and info.epochs_done == 1 and info.best_epoch == 1
    assert "training diverged: the loss became nan in epoch 2, batch 1" in info.notes[-1]
    assert "lower learning rate" in info.notes[-1]
    assert not [e for e in events if isinstance(e, BatchProgress) and e.epoch == 2], "no NaN progress is reported"
    run = runs.load_run(tmp_path / "blown")
    assert run.info.status == "diverged" and all(len(v) == 1 for v in run.history.values())
    text = (tmp_path / "blown" / "history.json").read_text() + (tmp_path / "blown" / "run.json").read_text()
    assert "NaN" not in text and "Infinity" not in text
    import keras

    weights = keras.models.load_model(run.model_path).get_weights()
    assert all(np.isfinite(w).all() for w in weights), "the model kept is the last good epoch's"


def test_a_run_diverging_in_its_first_epoch_keeps_nothing(tmp_path, monkeypatch):
    _poison_weights_at_epoch(monkeypatch, 1)
    with pytest.raises(training.TrainingDiverged, match="the loss became nan in epoch 1.*nothing was kept"):
        Trainer(tiny_data(), TrainSettings(epochs=2, batch_size=64), tmp_path).run()
    assert list(tmp_path.iterdir()) == []


def _stop_after_first_epoch(cancel):
    def progress(event):
        if isinstance(event, BatchProgress) and event.epoch == 2:
            cancel.set()

    return progress


def test_resume_continues_a_stopped_run_with_its_optimizer_state(tmp_path):
    import keras

    data = tiny_data()
    cancel = threading.Event()
    settings = TrainSettings(arch="preact-resnet-mid", epochs=3, batch_size=64)
    stopped = Trainer(data, settings, tmp_path, "run").run(progress=_stop_after_first_epoch(cancel), cancel=cancel)
    assert stopped.status == "stopped" and stopped.epochs_done == 1
    folder = tmp_path / "run"
    before = json.loads((folder / "history.json").read_text())
    first_csv = (folder / "history.csv").read_text().splitlines()
    steps = stopped.sizes["train"] // 64
    assert int(keras.models.load_model(folder / "last.keras").optimizer.iterations) == steps

    events = []
    info = training.resume(folder, 2, progress=events.append, data=data)
    assert info.status == "completed" and info.epochs_done == 2 and info.epochs_planned == 2
    after = json.loads((folder / "history.json").read_text())
    assert {k: v[:1] for k, v in after.items()} == before and all(len(v) == 2 for v in after.values())
    assert (folder / "history.csv").read_text().splitlines()[:2] == first_csv
    started = events[0]
    assert isinstance(started, TrainingStarted) and started.initial_epoch == 1
    assert [e.epoch for e in events if isinstance(e, EpochEnd)] == [2]
    assert int(keras.models.load_model(folder / "last.keras").optimizer.iterations) == 2 * steps, \
        "the optimizer (and its cosine schedule) went on from where it stopped"
    assert info.resumed[0]["from_epoch"] == 1 and runs.read_info(folder).resumed == info.resumed
    assert len(list((folder / "tensorboard" / "train").glob("events.out.tfevents.*"))) == 2
    with pytest.raises(RunError, match="already has 2 epochs"):
        training.resume(folder, 2, data=data)
    other = tiny_data(seed=5)
    with pytest.raises(RunError, match="other data"):
        training.resume(folder, 3, data=other)


def _dead_pid() -> int:
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_partial_folders_are_cleaned_and_live_ones_kept(trained_run, tmp_path):
    import os

    dead = tmp_path / ".dead-empty.partial"
    dead.mkdir()
    (dead / ".writer.json").write_text(json.dumps({"pid": _dead_pid(), "started": "1"}))
    live = tmp_path / ".live.partial"
    live.mkdir()
    runs.claim(live)
    reused_pid = tmp_path / ".reused-pid.partial"
    reused_pid.mkdir()
    (reused_pid / ".writer.json").write_text(json.dumps({"pid": os.getpid(), "started": "0"}))
    crashed = _copy_run(trained_run, tmp_path / ".crashed.partial", datetime.now().astimezone())
    meta = json.loads((crashed / "run.json").read_text())
    (crashed / "run.json").write_text(json.dumps({**meta, "status": "running"}))
    (crashed / ".writer.json").write_text(json.dumps({"pid": _dead_pid(), "started": "1"}))

    assert runs.clean_stale_partials(tmp_path) == [tmp_path / "crashed"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".live.partial", "crashed"]
    (info,) = runs.list_runs(tmp_path)
    assert info.name == "crashed" and info.status == "crashed" and info.epochs_done == 1


def test_precision_is_chosen_for_the_machine(monkeypatch):
    monkeypatch.setattr(training, "_gpu_details", lambda: [])
    monkeypatch.setattr(training, "_cpu_flags", lambda: {"avx2", "avx512_bf16"})
    choice = training.choose_precision()
    assert (choice.precision, choice.policy) == ("bfloat16", "mixed_bfloat16") and "avx512_bf16" in choice.reason
    monkeypatch.setattr(training, "_cpu_flags", lambda: {"avx2"})
    assert training.choose_precision().policy == "float32"
    monkeypatch.setattr(training, "_gpu_details", lambda: [("GPU:0", "NVIDIA H200", (9, 0))])
    choice = training.choose_precision()
    assert choice.policy == "mixed_float16" and "loss scaling" in choice.reason
    monkeypatch.setattr(training, "_gpu_details", lambda: [("GPU:0", "Tesla K80", (3, 7))])
    assert training.choose_precision().policy == "float32"
    assert training.choose_precision("bfloat16").policy == "mixed_bfloat16"


@pytest.mark.parametrize("policy", ["mixed_bfloat16", "mixed_float16"])
def test_mixed_precision_models_output_float32_and_float16_scales_the_loss(policy):
    import keras

    from k49desk import models

    model = training.build_for_training("seed-cnn", policy)
    assert keras.mixed_precision.global_policy().name == "float32", "the global policy is restored"
    assert model.layers[1].dtype_policy.name == policy and model.output.dtype == "float32"
    training._compile(model, TrainSettings(), models.get_arch("seed-cnn").recipe, 10)
    assert isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer) == (policy == "mixed_float16")


def test_augmentation_and_mixup_run_in_the_data_pipeline():
    from k49desk import models

    data = tiny_data()
    idx = np.arange(len(data.y_train))
    plain, _ = training._datasets(data.x_train, data.y_train, idx, idx, 64, 0, models.Recipe())
    x_plain, y_plain = next(iter(plain))
    assert y_plain.shape == (64,)
    recipe = models.Recipe(shift=0.1, cutout=8, mixup_alpha=1.0)
    train, val = training._datasets(data.x_train, data.y_train, idx, idx, 64, 0, recipe)
    x, y = next(iter(train))
    assert x.shape == (64, 28, 28, 1) and y.shape == (64, 49)
    assert np.allclose(np.sum(y, axis=1), 1, atol=1e-5) and (np.max(y, axis=1) < 1).any(), "mixed labels"
    _, y_val = next(iter(val))
    assert set(np.unique(y_val)) <= {0.0, 1.0}, "validation images and labels are not mixed"
    assert not any(layer.__class__.__name__.startswith("Random") for layer in models.build_model("resnet-small").layers)


def test_estimate_epoch_seconds_times_real_steps(monkeypatch):
    steps = training.time_steps(TrainSettings(batch_size=32, precision="float32"), batches=2)
    assert 0 < steps.train_step_s < 60 and 0 < steps.validation_image_s < 1 and steps.global_batch == 32
    # Full batches only, as _fit takes them, plus every validation image.
    assert steps.epoch_start_s >= 0
    assert steps.epoch_seconds(3201, 100) == pytest.approx(
        steps.epoch_start_s + steps.train_step_s * 100 + steps.validation_image_s * 100)
    monkeypatch.setattr(training, "time_steps", lambda settings, batches: training.StepTimes(0.5, 0.001, 32))
    assert training.estimate_epoch_seconds(TrainSettings(batch_size=32), 3201, 1000) == pytest.approx(0.5 * 100 + 1)


def test_the_estimate_times_the_runs_pipeline_strategy_and_precision(monkeypatch):
    seen = {}
    datasets, strategy, choose = training._datasets, training._strategy, training.choose_precision

    def spy_datasets(*args, **kwargs):
        seen["recipe"] = args[6] if len(args) > 6 else kwargs.get("recipe")
        return datasets(*args, **kwargs)

    def spy_strategy():
        seen["strategy"] = True
        return strategy()

    def spy_choose(requested="auto"):
        seen["precision"] = requested
        return choose(requested)

    monkeypatch.setattr(training, "_datasets", spy_datasets)
    monkeypatch.setattr(training, "_strategy", spy_strategy)
    monkeypatch.setattr(training, "choose_precision", spy_choose)
    settings = TrainSettings.for_arch("resnet-small", batch_size=16, precision="float32")
    training.time_steps(settings, batches=1)
    assert seen == {"recipe": models.get_arch("resnet-small").recipe, "strategy": True, "precision": "float32"}
    assert seen["recipe"].augments


def test_the_estimate_is_within_30_percent_of_a_measured_epoch(tmp_path):
    """The estimate shown before Start times the run's own pipeline: for a preset that augments, the epochs a run
    then measures (after its first, which traces) are within 30% of it."""
    data = tiny_data(train_per_class=30, test_per_class=1)
    settings = TrainSettings.for_arch("resnet-small", epochs=4, batch_size=32, precision="float32")
    assert models.get_arch("resnet-small").recipe.augments
    train_size = len(training.stratified_split(data.y_train, settings.validation_split, settings.seed)[0])
    estimate = training.estimate_epoch_seconds(settings, train_size, len(data.y_train) - train_size)
    info = Trainer(data, settings, tmp_path).run()
    measured = float(np.median(info.timings["seconds_per_epoch"][1:]))
    assert abs(estimate - measured) <= 0.3 * measured, (estimate, measured)


MIRRORED_SCRIPT = """
import json, sys, threading
import tensorflow as tf

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
from tiny_data import tiny_data
from k49desk import models, runs, training

data, events, cancel = tiny_data(), [], threading.Event()

def progress(event):
    events.append(event)
    if isinstance(event, training.BatchProgress) and event.epoch == 2:
        cancel.set()

strategy = training._strategy()
stopped = training.Trainer(data, training.TrainSettings(epochs=3, batch_size=16), sys.argv[1], "mirrored").run(
    progress=progress, cancel=cancel)
resumed = training.resume(stopped.path, 2, data=data)
print(json.dumps({
    "strategy": type(strategy).__name__, "replicas": strategy.num_replicas_in_sync,
    "started": [events[0].batches_per_epoch, events[0].train_size, list(events[0].devices)],
    "first_epoch_batches": [e.batch for e in events if isinstance(e, training.BatchProgress) and e.epoch == 1],
    "stopped": [stopped.status, stopped.epochs_done], "resumed": [resumed.status, resumed.epochs_done],
    "sizes": resumed.sizes, "precision": resumed.precision, "choice": training.choose_precision().precision,
    "history": runs.load_run(stopped.path).history["loss"]}))
"""


def _python(code: str, *args, env=None, timeout=300):
    import os
    import subprocess
    import sys

    tests = Path(__file__).resolve().parent
    env = {**os.environ, "PYTHONPATH": f"{tests.parent}{os.pathsep}{tests}", "TF_CPP_MIN_LOG_LEVEL": "3",
           **(env or {})}
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, env=env,
                          timeout=timeout)


def test_mirrored_strategy_over_two_devices_scales_the_batch_reports_stops_and_resumes(tmp_path):
    """Two logical CPU devices (set before TensorFlow starts, hence a child process) stand in for two GPUs."""
    done = _python(MIRRORED_SCRIPT, tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["strategy"] == "MirroredStrategy" and result["replicas"] == 2
    batches, train_size, devices = result["started"]
    assert batches == train_size // 32, "each step takes 16 images per device, 32 in all (full batches only)"
    assert devices == ["CPU:0", "CPU:1"]
    assert result["first_epoch_batches"] == list(range(1, batches + 1))
    assert result["stopped"] == ["stopped", 1] and result["resumed"] == ["completed", 2]
    assert result["sizes"]["devices_in_sync"] == 2 and result["sizes"]["batch_per_device"] == 16
    assert result["precision"] == result["choice"] and len(result["history"]) == 2


WORKER_SCRIPT = """
import sys
from k49desk import cli
sys.exit(cli.main(["train", "--data-dir", sys.argv[1], "--epochs", "1", "--batch-size", "32", "--out", sys.argv[2]]))
"""


def _free_ports(count: int) -> list[int]:
    import socket

    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


class KerasMultiWorkerFailure(Exception):
    """Both workers stopped with Keras 3's own failure to build a model under MultiWorkerMirroredStrategy."""


@pytest.mark.xfail(strict=True, raises=KerasMultiWorkerFailure,
                   reason="Keras 3's fit cannot build a model under MultiWorkerMirroredStrategy (it cannot convert a "
                          "PerReplica value; keras-team/keras#20585). Any other failure is red; so is a success, "
                          "which means the README and train --help must change.")
def test_two_local_workers_train_one_run_through_tf_config(practice_dir, tmp_path):
    import os
    import subprocess
    import sys

    cluster = {"worker": [f"127.0.0.1:{p}" for p in _free_ports(2)]}
    tests = Path(__file__).resolve().parent
    workers = []
    for index in range(2):
        env = {**os.environ, "PYTHONPATH": f"{tests.parent}{os.pathsep}{tests}", "TF_CPP_MIN_LOG_LEVEL": "3",
               "TF_CONFIG": json.dumps({"cluster": cluster, "task": {"type": "worker", "index": index}})}
        workers.append(subprocess.Popen([sys.executable, "-c", WORKER_SCRIPT, str(practice_dir), str(tmp_path / "run")],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env))
    try:
        results = [w.communicate(timeout=240) for w in workers]
    finally:
        for w in workers:
            w.kill()
    errors = [err.strip().splitlines()[-1] if err.strip() else "" for _, err in results]
    if all(w.returncode == 2 for w in workers) and all(
            e.startswith("k49desk: error: training on several machines (TF_CONFIG) is not supported with Keras")
            and f"({training.MULTI_WORKER_ISSUE}; here ValueError: " in e and "PerReplica" in e for e in errors):
        raise KerasMultiWorkerFailure(errors[0])
    assert [w.returncode for w in workers] == [0, 0], results[0][1][-2000:]
    assert "as worker 0 of a 2-worker cluster" in results[0][0]
    info = runs.load_run(tmp_path / "run").info
    assert info.status == "completed" and info.sizes["devices_in_sync"] == 2
    assert [p.name for p in tmp_path.iterdir()] == ["run"], "only the chief writes a run folder"


def test_devices_are_named_for_the_cli_and_the_gui(monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    assert training.training_devices() == ["CPU:0"]
    assert training.describe_devices().startswith("training on the CPU") and "no GPU found" in training.describe_devices()
    monkeypatch.setattr(training, "_gpu_details", lambda: [("GPU:0", "NVIDIA H200", (9, 0)),
                                                           ("GPU:1", "NVIDIA H200", (9, 0))])
    assert training.describe_devices() == "training on MirroredStrategy over GPU:0 (NVIDIA H200), GPU:1 (NVIDIA H200)"
    monkeypatch.setenv("TF_CONFIG", json.dumps({"cluster": {"worker": ["a:1", "b:1"]},
                                                "task": {"type": "worker", "index": 1}}))
    assert "as worker 1 of a 2-worker cluster" in training.describe_devices() and not training._is_chief()


def test_settings_follow_the_preset_recipe_unless_overridden():
    s = TrainSettings.for_arch("preact-resnet-18", epochs=2)
    assert (s.epochs, s.batch_size, s.learning_rate) == (2, 128, 0.1)
    assert TrainSettings.for_arch("seed-cnn") == TrainSettings()


def test_the_default_settings_are_seed_cnns_recipe():
    assert TrainSettings() == TrainSettings.for_arch("seed-cnn")
    recipe = models.get_arch("seed-cnn").recipe
    assert (recipe.schedule, recipe.warmup_epochs) == ("cosine", 1.0)
    assert "cosine schedule after 1 warm-up epoch(s)" in recipe.describe()


def test_one_cycle_warms_up_then_decays_to_zero():
    recipe = models.Recipe(learning_rate=0.01, schedule="cosine", warmup_epochs=1.0)
    settings = TrainSettings(epochs=4, learning_rate=0.01)
    schedule = training.learning_rate_schedule(settings, recipe, steps_per_epoch=10)
    lr = [float(schedule(step)) for step in (0, 5, 10, 25, 40)]
    assert lr[0] == pytest.approx(0.01 * training.WARMUP_START)
    assert lr[0] < lr[1] < lr[2] == pytest.approx(0.01)
    assert lr[2] > lr[3] > lr[4] and lr[4] == pytest.approx(0, abs=1e-6)
    no_warmup = training.learning_rate_schedule(settings, models.Recipe(schedule="cosine"), 10)
    assert float(no_warmup(0)) == pytest.approx(0.01)
    assert training.learning_rate_schedule(settings, models.Recipe(), 10) == 0.01
    # A 1-epoch run warms up over its first 30% only.
    short = training.learning_rate_schedule(replace(settings, epochs=1), recipe, steps_per_epoch=10)
    assert float(short(3)) == pytest.approx(0.01) and float(short(9)) < 0.01
