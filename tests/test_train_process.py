"""The training child process without Qt: results, events, errors, stop, crashes, data checks, replacement, shutdown."""

from __future__ import annotations

import multiprocessing
import os
import threading
from functools import partial

import pytest
import train_child_hooks as jobs

from k49desk import dataset, runs, train_process, training
from k49desk.errors import Cancelled, DataError
from k49desk.train_process import TrainingProcess, TrainingProcessError, TrainJob


@pytest.fixture(scope="module")
def child():
    """One warm child for the tests that leave it alive (each start imports TensorFlow: seconds)."""
    process = TrainingProcess()
    yield process
    process.close()


def test_a_job_runs_in_the_child_with_its_events_and_result(child):
    events = []
    assert child.run(partial(jobs.echo, {"answer": 42}), progress=events.append) == {"answer": 42}
    assert events == [{"answer": 42}]
    first = child.pid
    assert first is not None and first != os.getpid()
    assert child.run(partial(jobs.echo, 7)) == 7
    assert child.pid == first, "the child stays warm for the next job"


def test_errors_come_back_as_the_window_reports_them(child):
    with pytest.raises(DataError, match="bad folder"):
        child.run(partial(jobs.fail, DataError("bad folder")))
    with pytest.raises(TrainingProcessError, match=r"failed: ZeroDivisionError: nothing to divide"):
        child.run(partial(jobs.fail, ZeroDivisionError("nothing to divide")))
    assert child.run(partial(jobs.echo, "still here")) == "still here"


def test_stop_is_a_message_the_job_sees_as_its_cancel_event(child):
    cancel = threading.Event()

    def progress(event):
        assert event == "waiting"
        cancel.set()

    with pytest.raises(Cancelled, match="stopped on request"):
        child.run(jobs.wait_for_stop, progress=progress, cancel=cancel)
    assert child.run(partial(jobs.echo, 1)) == 1, "a stop ends the job, not the child"


def test_a_second_job_waits_for_the_first_and_a_cancel_ends_the_wait(child):
    """Train tab runs and fine-tuning share the child, one job at a time: a job asked for meanwhile waits, a training
    job shows as `training`, and a cancel while waiting ends the wait without touching the running job."""
    started, stop_first = threading.Event(), threading.Event()
    results = []

    def progress(event):
        started.set()

    first = threading.Thread(target=lambda: results.append(
        pytest.raises(Cancelled, child.run, as_training(partial(jobs.wait_for_stop)), progress=progress, cancel=stop_first)))
    first.start()
    assert started.wait(60)
    assert child.training
    waiting = threading.Event()
    waiting.set()
    with pytest.raises(Cancelled, match="while another job ran"):
        child.run(partial(jobs.echo, "never"), cancel=waiting)
    assert child.training, "the first job still runs"
    stop_first.set()
    first.join(30)
    assert results and not child.training
    assert child.run(partial(jobs.echo, "next")) == "next"


def test_the_child_refuses_data_that_changed_since_the_window_loaded_it(child, practice_dir, tmp_path):
    data = dataset.load(practice_dir)
    job = TrainJob(practice_dir, "0" * 16, training.TrainSettings(epochs=1), tmp_path / "runs")
    with pytest.raises(DataError, match="changed since they were loaded"):
        child.run(job)
    assert data.fingerprint != "0" * 16 and not (tmp_path / "runs").exists()


def test_a_child_that_dies_is_reported_and_replaced_on_the_next_job():
    process = TrainingProcess()
    try:
        with pytest.raises(TrainingProcessError, match=r"ended unexpectedly \(exit status 3\)"):
            process.run(jobs.die)
        assert process.pid is None
        assert process.run(partial(jobs.echo, "again")) == "again"
    finally:
        process.close()


def test_a_child_that_ignores_stop_is_ended_after_the_grace_period(monkeypatch):
    monkeypatch.setattr(train_process, "STOP_GRACE_S", 0.5)
    process = TrainingProcess()
    cancel = threading.Event()
    try:
        with pytest.raises(TrainingProcessError, match="did not stop within"):
            process.run(jobs.ignore_stop, progress=lambda event: cancel.set(), cancel=cancel)
        assert process.pid is None
    finally:
        process.close()


def as_training(job):
    """The job, marked as one that trains: the child's growth is measured across such jobs only."""
    job.trains = True
    return job


def test_a_child_that_grew_too_much_is_replaced_at_once_and_close_leaves_no_process():
    process = TrainingProcess()
    process.retire_growth_mb = -1.0  # any growth at all
    try:
        assert process.run(partial(jobs.echo, 0)) == 0, "a job that does not train sets no baseline"
        assert process.run(as_training(partial(jobs.echo, 1))) == 1
        first = process.pid
        assert process.run(partial(jobs.echo, 1.5)) == 1.5 and process.pid == first
        assert process.run(as_training(partial(jobs.echo, 2))) == 2
        second = process.pid
        assert second not in (None, first), "a fresh child is started right after the job, before the next one"
        assert process.run(as_training(partial(jobs.echo, 3))) == 3
    finally:
        process.close()
    assert process.pid is None
    alive = {p.pid for p in multiprocessing.active_children()}  # also reaps what has ended
    assert first not in alive and second not in alive
    for pid in (first, second):
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_a_killed_training_leaves_no_hidden_run_folder(practice_dir, tmp_path):
    """SIGKILL in the middle of a real run: the child cannot clean up, the parent removes the half-written folder."""
    data = dataset.load(practice_dir)
    runs_dir = tmp_path / "runs"
    process = TrainingProcess()
    seen = []

    def kill_at_the_first_batch(event):
        seen.append(event)
        if isinstance(event, training.BatchProgress):
            os.kill(process.pid, 9)

    job = TrainJob(practice_dir, data.fingerprint, training.TrainSettings(epochs=1, batch_size=8), runs_dir)
    try:
        with pytest.raises(TrainingProcessError, match="SIGKILL"):
            process.run(job, progress=kill_at_the_first_batch)
    finally:
        process.close()
    assert isinstance(seen[0], training.TrainingStarted)
    assert list(runs_dir.iterdir()) == [] and runs.list_runs(runs_dir) == []
