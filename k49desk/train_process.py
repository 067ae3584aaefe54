"""Training in a child process: the window's process only shows progress, it never builds or traces a Keras model.

Training on a thread of the GUI process stalled the window's event loop for 300-400 ms while the model was built
and traced and around validation and saving (Python work under the GIL), and left ~12 MB behind per run. Here a
child started with multiprocessing's ``spawn`` imports TensorFlow once and then runs jobs one at a time; events and
results come back over a pipe, a stop goes there as a message. The data is loaded in the child from the data folder
(never pickled through the pipe) and kept there for the next run.

Parent side: ``TrainingProcess.run(job, progress=..., cancel=...)`` has the signature of the core functions that
``k49desk.gui.workers.Task`` runs, so a Task runs it on its thread. Qt-free: the child imports no Qt.
"""

from __future__ import annotations

import gc
import itertools
import logging
import multiprocessing
import os
import pickle
import queue
import shutil
import signal
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from k49desk import runs, training
from k49desk.errors import Cancelled, DataError, K49Error

STOP_GRACE_S = 10.0  # after a stop message: time for the child to finish its batch and write the run, then it is ended
POLL_S = 0.05  # how often a waiting parent checks its cancel event
QUIT_WAIT_S = 3.0
# TensorFlow and Keras keep ~10 MB of every run in the process that trained it (measured with bench/gui_memory.py;
# clear_session and gc do not give it back): a child grown this much since its first training job is replaced.
RETIRE_GROWTH_MB = 200.0

log = logging.getLogger(__name__)


class TrainingProcessError(K49Error):
    """The training process failed unexpectedly, crashed, or had to be ended."""


@dataclass(frozen=True)
class TrainJob:
    """One training run as the child carries it out: the data comes from data_dir, checked against fingerprint."""

    data_dir: Path
    # Of the data the window shows; the child refuses other data under the same folder. None: whatever the folder
    # holds (the quick start, whose files were just checked against their md5 and never loaded in the window).
    fingerprint: str | None
    settings: training.TrainSettings
    runs_dir: Path
    trains: ClassVar[bool] = True  # the child's growth is measured against its first training job (see run)

    def __call__(self, *, progress=None, cancel=None) -> runs.RunInfo:
        data = _load_data(self.data_dir, self.fingerprint)
        return training.Trainer(data, self.settings, self.runs_dir).run(progress=progress, cancel=cancel)


@dataclass(frozen=True)
class ResumeJob:
    """Continuing a stopped, crashed or diverged run from its last completed epoch, on the data folder it records
    (training.resume checks that the data is the same)."""

    run_dir: Path
    trains: ClassVar[bool] = True

    def __call__(self, *, progress=None, cancel=None) -> runs.RunInfo:
        data_dir = runs.read_info(self.run_dir).data.get("data_dir")
        data = _load_data(Path(data_dir)) if data_dir else None
        return training.resume(self.run_dir, progress=progress, cancel=cancel, data=data)


@dataclass(frozen=True)
class FinetuneJob:
    """Fine-tuning a model on a person's samples (k49desk.finetune), mixed with the data in data_dir (checked against
    fingerprint) or, with no data_dir, a practice set made in the child."""

    model_path: Path
    images: object  # (N, 28, 28) uint8, the samples' pictures
    labels: object  # (N,) uint8
    data_dir: Path | None
    fingerprint: str | None
    runs_dir: Path
    trains: ClassVar[bool] = True

    def __call__(self, *, progress=None, cancel=None):
        from k49desk import finetune
        from k49desk.samples import Samples

        data = _load_data(self.data_dir, self.fingerprint) if self.data_dir is not None else None
        return finetune.finetune(self.model_path, Samples(self.images, self.labels), data, runs_dir=self.runs_dir,
                                 progress=progress, cancel=cancel)


@dataclass(frozen=True)
class LabelScanJob:
    """The training-set label scan (k49desk.label_scan): one model per fold on the data in data_dir (checked against
    fingerprint); returns (the cross-validated evaluation of the training images, their suspicious labels)."""

    data_dir: Path
    fingerprint: str
    settings: training.TrainSettings
    folds: int
    trains: ClassVar[bool] = True

    def __call__(self, *, progress=None, cancel=None):
        from k49desk.label_scan import scan_training_labels

        return scan_training_labels(_load_data(self.data_dir, self.fingerprint), self.settings, self.folds,
                                    progress=progress, cancel=cancel)


@dataclass(frozen=True)
class LabelScanEstimateJob:
    """Seconds the label scan of `train_size` images takes with these settings and folds, timed on a few real
    batches here (k49desk.label_scan.estimate_scan_seconds)."""

    settings: training.TrainSettings
    train_size: int
    folds: int
    stop_grace_s: ClassVar[float] = 0.5  # as EstimateJob's

    def __call__(self, *, progress=None, cancel=None) -> float:
        from k49desk.label_scan import estimate_scan_seconds

        return estimate_scan_seconds(self.settings, self.train_size, self.folds)


@dataclass(frozen=True)
class EvaluateJob:
    """Evaluate a run's best model on the test set of data_dir (loaded here, usually still there from its training)
    and write the evaluation files into out_dir, all or none; returns evaluation.figures()."""

    run_dir: Path
    data_dir: Path
    out_dir: Path

    def __call__(self, *, progress=None, cancel=None) -> dict:
        from k49desk import evaluation

        run = runs.load_run(self.run_dir)
        ev = evaluation.evaluate(run.model_path, _load_data(self.data_dir), progress=progress, cancel=cancel)
        ev.model_name = run.info.name
        evaluation.write_evaluation(ev, self.out_dir)
        return evaluation.figures(ev)


@dataclass(frozen=True)
class EstimateJob:
    """Seconds per epoch of `train_size` training and `val_size` validation images with these settings, timed on a
    few real steps here (training.time_steps)."""

    settings: training.TrainSettings
    train_size: int
    val_size: int = 0
    # It does not look at its cancel event; it is only cancelled when the window closes, which need not wait for it.
    stop_grace_s: ClassVar[float] = 0.5

    def __call__(self, *, progress=None, cancel=None) -> float:
        return training.estimate_epoch_seconds(self.settings, self.train_size, self.val_size)


@dataclass(frozen=True)
class DescribeMachine:
    """(what automatic precision picks here and why, where training runs), as the child sees it."""

    stop_grace_s: ClassVar[float] = 0.5  # as EstimateJob's

    def __call__(self, *, progress=None, cancel=None) -> tuple[training.PrecisionChoice, training.Devices]:
        return training.choose_precision("auto"), training.devices_here()


# In the child: the last data set loaded and its files' (name, size, modification time), reused while the window
# shows the same data and the files are unchanged (a download may have replaced them since).
_loaded_data = None
_loaded_stamp = None


def _files_stamp(data_dir: Path) -> tuple:
    from k49desk import dataset

    stamp = []
    for name in dataset.FILE_NAMES:
        try:
            info = (Path(data_dir) / name).stat()
        except OSError:
            continue
        stamp.append((name, info.st_size, info.st_mtime_ns))
    return tuple(stamp)


def _load_data(data_dir: Path, fingerprint: str | None = None):
    """The data in data_dir, reused from the last job when it is the same folder with the same files (and
    fingerprint, if given)."""
    global _loaded_data, _loaded_stamp
    from k49desk import dataset

    data, stamp = _loaded_data, _files_stamp(data_dir)
    if (data is None or Path(data.data_dir) != Path(data_dir) or stamp != _loaded_stamp
            or fingerprint not in (None, data.fingerprint)):
        _loaded_data = data = None  # the old arrays go before the new ones arrive
        data = dataset.load(data_dir)
        if fingerprint not in (None, data.fingerprint):
            raise DataError(f"{data_dir}: the data files changed since they were loaded; load the folder again")
        _loaded_data, _loaded_stamp = data, stamp
    return data


# Child side ------------------------------------------------------------------------------------------------


def _serve(requests, messages, initializer) -> None:
    """The child's main: import TensorFlow, then run the jobs that arrive until told to quit or the parent is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C in the terminal is the window's to handle
    import keras

    from k49desk.tfstart import start_tensorflow

    start_tensorflow()  # now, quietly, so that the first job starts at once

    if initializer is not None:
        initializer()
    jobs: queue.Queue = queue.Queue()
    threading.Thread(target=_read_requests, args=(requests, jobs), name="requests", daemon=True).start()
    while (item := jobs.get()) is not None:
        job_id, job, cancel = item
        outcome = _carry_out(job_id, job, cancel, messages)
        try:
            messages.send(outcome)
        except OSError:
            return  # the parent is gone
        keras.backend.clear_session()  # nothing of this run's models stays for the next one
        gc.collect()


def _read_requests(requests, jobs: queue.Queue) -> None:
    """Runs beside the jobs: queues new ones, and sets a running job's cancel event when its stop arrives."""
    cancels: dict[int, threading.Event] = {}
    while True:
        try:
            message = requests.recv()
        except (EOFError, OSError):
            message = ("quit",)  # the parent died: stop after this batch, keep what is complete, and end
        if message[0] == "run":
            _, job_id, job = message
            cancels[job_id] = threading.Event()
            jobs.put((job_id, job, cancels[job_id]))
        elif message[0] == "stop":
            cancels.get(message[1], threading.Event()).set()
        else:
            for cancel in cancels.values():
                cancel.set()
            jobs.put(None)
            return


def _carry_out(job_id: int, job, cancel: threading.Event, messages) -> tuple:
    def progress(event) -> None:
        try:
            messages.send(("progress", job_id, event))
        except OSError:
            cancel.set()  # nobody listens any more: stop as if asked, keeping the completed epochs

    try:
        return ("result", job_id, job(progress=progress, cancel=cancel))
    except Cancelled as e:
        return ("cancelled", job_id, str(e))
    except K49Error as e:
        return ("failed", job_id, e if _survives_pickling(e) else K49Error(str(e)))
    except Exception as e:  # reported to the window with its traceback, which the window logs
        return ("error", job_id, (f"{type(e).__name__}: {e}", traceback.format_exc()))


def _survives_pickling(error: Exception) -> bool:
    """Whether the error arrives whole in the parent (a subclass with its own __init__ arguments may not)."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return False
    return True


# Parent side -----------------------------------------------------------------------------------------------


class TrainingProcess:
    """A child process kept warm for training jobs, one at a time; started on first use, started anew after a crash.

    initializer: a picklable callable the child runs once after importing TensorFlow (tests hold or crash the
    child there).
    """

    def __init__(self, initializer=None):
        self.initializer = initializer
        self.retire_growth_mb = RETIRE_GROWTH_MB
        self._first_job_mb = None  # the child's resident memory after its first training job (data and model in)
        self._job_lock = threading.Lock()
        self._training = False
        self._send_lock = threading.Lock()
        self._ids = itertools.count(1)
        self._process = None
        self._requests = None
        self._messages = None

    @property
    def pid(self) -> int | None:
        """The child's process id while it runs; None before it started or once it ended."""
        process = self._process
        return process.pid if process is not None and process.is_alive() else None

    def start(self) -> None:
        """Start the child (it imports TensorFlow in the background) unless it runs; returns at once."""
        with self._job_lock:
            self._ensure_started()

    @property
    def training(self) -> bool:
        """Whether a training job (a run, a resume, a fine-tuning, a label scan) is running in the child now."""
        return self._training

    def run(self, job, *, progress=None, cancel=None):
        """Run job(progress=..., cancel=...) in the child; returns its result, raises what it raised (Cancelled,
        K49Error), TrainingProcessError when the child failed unexpectedly or died. Jobs run one at a time: while
        another runs, this one waits, and a cancel ends the wait (Cancelled)."""
        while not self._job_lock.acquire(timeout=POLL_S):
            if cancel is not None and cancel.is_set():
                raise Cancelled("cancelled while another job ran in the training process")
        try:
            self._ensure_started()
            job_id = next(self._ids)
            self._training = getattr(job, "trains", False)
            self._send(("run", job_id, job))
            try:
                return self._await(job_id, progress, cancel, getattr(job, "stop_grace_s", STOP_GRACE_S))
            finally:
                self._training = False
                if getattr(job, "trains", False):
                    self._replace_if_grown()
        finally:
            self._job_lock.release()

    def close(self, timeout_s: float = QUIT_WAIT_S) -> None:
        """End the child: asked first (a running job stops after its batch), then terminated, then killed."""
        process = self._process
        if process is None:
            return
        self._send(("quit",))
        process.join(timeout_s)
        self._end()

    # Internals ---------------------------------------------------------------------------------------------

    def _ensure_started(self) -> None:
        if self._process is not None and self._process.is_alive():
            return
        self._end()
        context = multiprocessing.get_context("spawn")
        child_requests, self._requests = context.Pipe(duplex=False)
        self._messages, child_messages = context.Pipe(duplex=False)
        self._process = context.Process(target=_serve, args=(child_requests, child_messages, self.initializer),
                                        name="k49desk training", daemon=True)
        self._process.start()
        self._first_job_mb = None
        # Only the child holds these ends now: when it dies, reading our end reports it at once.
        child_requests.close()
        child_messages.close()

    def _replace_if_grown(self) -> None:
        """Start a fresh child in place of one that grew too much: now, so that the next job finds it warm."""
        pid = self.pid
        used = None if pid is None else resident_mb(pid)
        if used is None:
            return
        if self._first_job_mb is None:
            self._first_job_mb = used
        elif used - self._first_job_mb > self.retire_growth_mb:
            log.info("replacing the training process: %.0f MB, %.0f MB after its first job", used,
                     self._first_job_mb)
            self._end()
            self._ensure_started()

    def _send(self, message) -> None:
        with self._send_lock:
            try:
                self._requests.send(message)
            except (OSError, AttributeError):
                pass  # the child is gone (or never started); waiting for its answer reports that

    def _await(self, job_id: int, progress, cancel, grace_s: float):
        messages = self._messages
        stop_sent = None
        started = None  # the job's TrainingStarted, if any: names the folder a killed child leaves behind
        epochs = 0  # epochs the job completed (each one checkpointed)
        while True:
            if cancel is not None and cancel.is_set() and stop_sent is None:
                self._send(("stop", job_id))
                stop_sent = time.monotonic()
            if stop_sent is not None and time.monotonic() - stop_sent > grace_s:
                self._end()
                raise TrainingProcessError(f"the training process did not stop within {grace_s:g} s and was "
                                           f"ended; {_left_behind(started, epochs)}")
            try:
                if not messages.poll(POLL_S):
                    continue
                kind, answer_to, payload = messages.recv()
            except (EOFError, OSError):  # the child died, or close() ended it meanwhile
                how = self._end()
                raise TrainingProcessError(f"the training process ended unexpectedly ({how}); "
                                           f"{_left_behind(started, epochs)}")
            if answer_to != job_id:
                continue
            if kind == "progress":
                if isinstance(payload, training.TrainingStarted):
                    started = payload
                epochs += isinstance(payload, training.EpochEnd)
                if progress is not None:
                    progress(payload)
            elif kind == "result":
                return payload
            elif kind == "cancelled":
                raise Cancelled(payload)
            elif kind == "failed":
                raise payload
            else:
                summary, child_traceback = payload
                log.error("the training process failed:\n%s", child_traceback)
                raise TrainingProcessError(f"the training process failed: {summary}")

    def _end(self) -> str:
        """Make sure the child has ended and release it; how it ended, in words."""
        process, self._process = self._process, None
        for connection in (self._requests, self._messages):
            if connection is not None:
                connection.close()
        self._requests = self._messages = None
        if process is None:
            return "not started"
        if process.is_alive():
            process.terminate()
            process.join(QUIT_WAIT_S)
        if process.is_alive():
            process.kill()
            process.join()
        code = process.exitcode
        process.close()
        if code is not None and code < 0:
            return f"killed by signal {signal.Signals(-code).name}"
        return f"exit status {code}"


def resident_mb(pid: int | str = "self") -> float | None:
    """Resident memory of a process in MB; None where it cannot be read (no Linux /proc, or the process is gone)."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
    except (OSError, ValueError, IndexError):
        return None


def _left_behind(started: training.TrainingStarted | None, epochs: int) -> str:
    """Settle the folder of a run whose child was ended or died (its writer is dead now); what is left, in words.

    A new run's hidden folder becomes a run with status "crashed" when an epoch completed (Continue resumes it), and
    is removed otherwise; a resumed run stays where it is, with the epochs it completed.
    """
    if started is None:
        return "no run was being written"
    final = Path(started.run_dir)
    runs.clean_stale_partials(final.parent)
    shutil.rmtree(final.parent / f".{final.name}{runs.PARTIAL_SUFFIX}", ignore_errors=True)  # made, not yet claimed
    done = started.initial_epoch + epochs
    if done == 0:
        return "no epoch had completed, so no run was kept"
    return f"the run keeps its {done} completed epoch(s) as a crashed run, which Continue resumes"
