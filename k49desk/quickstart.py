"""A real K49 model in one go: download K49 (resume, md5), train the preset recommended for this machine with its
recipe, evaluate it on K49's test set. Qt-free; the Draw and Photo tabs' "Get a K49 model" runs it.

``plan`` says what it will take before anything starts (what is left to download, the preset and why, the time per
epoch measured on a few real training steps here, as the Train tab measures it); ``run`` carries the plan out,
stage by stage, with progress and cancel. Training and evaluation go through a ``runner`` (the window's training
process; by default this process), so the window never builds a Keras model.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from k49desk import dataset, download, runs, training
from k49desk.dataset import OfficialFile
from k49desk.errors import Cancelled, DownloadError, K49Error, RunError

K49_TRAIN_IMAGES = 232_365  # in the official k49-train-labels.npz (counted in ../shared/k49)
STAGES = ("download", "train", "evaluate")
EVALUATION_DIR = "evaluation"  # inside the run folder, as `k49desk evaluate RUN_DIR` writes it

# Why these presets (README, "Training: presets..."): on 2 CPU cores resnet-small trains 264-342 samples/s, so its
# 10-epoch recipe over K49's 162,655 training images takes about 1.5 hours; preact-resnet-mid (107-193 samples/s,
# 15 epochs) would take 3.5-6.5 hours and PreActResNet-18's 200 epochs about a week. resnet-small is also the
# architecture of each of the starter model's two members. A GPU makes preact-resnet-mid's recipe a matter of
# minutes, so it gets the bigger preset; PreActResNet-18's 200 epochs stay a choice for the Train tab. The plan
# measures the time either way.
CPU_PRESET = "resnet-small"
GPU_PRESET = "preact-resnet-mid"


@dataclass(frozen=True)
class Source:
    """Where K49 comes from: the server's folder, the files (size, md5) and how many training images they hold."""

    base_url: str = download.BASE_URL
    files: Mapping[str, OfficialFile] = field(default_factory=lambda: dataset.OFFICIAL)
    train_images: int = K49_TRAIN_IMAGES


def default_source() -> Source:
    """The official files, from K49DESK_BASE_URL when set (a mirror), else from the official site."""
    return Source(download.default_base_url())


def recommended_preset(devices: list[str]) -> tuple[str, str]:
    """(preset, why: a clause that follows the preset's name) for training on `devices` (training_devices())."""
    if any(d.startswith("GPU") for d in devices):
        return GPU_PRESET, "a GPU trains its 15-epoch recipe (SGD, cosine schedule, cutout) in reasonable time"
    return CPU_PRESET, ("no GPU here, and on a CPU it is the strongest preset whose recipe finishes within hours; "
                        "the starter model has its architecture")


@dataclass(frozen=True)
class Machine:
    """What PlanJob found in the training process: the preset for its devices and its measured time per epoch."""

    devices: tuple[str, ...]
    arch: str
    why: str
    seconds_per_epoch: float


@dataclass(frozen=True)
class PlanJob:
    """Recommend a preset for where training runs and time a few real training steps of its recipe there."""

    train_size: int
    val_size: int
    overrides: tuple[tuple[str, object], ...] = ()  # TrainSettings fields set instead of the recipe's
    # It does not look at its cancel event; a cancel ends the training process after this grace (see _carry).
    stop_grace_s: ClassVar[float] = 0.5

    def __call__(self, *, progress=None, cancel=None) -> Machine:
        devices = tuple(training.training_devices())
        arch, why = recommended_preset(list(devices))
        settings = training.TrainSettings.for_arch(arch, **dict(self.overrides))
        seconds = training.estimate_epoch_seconds(settings, self.train_size, self.val_size)
        return Machine(devices, arch, why, seconds)


@dataclass(frozen=True)
class Plan:
    data_dir: Path
    runs_dir: Path
    source: Source
    to_download: int  # bytes still to fetch (0 when the folder already holds every file at its full size)
    download_total: int
    settings: training.TrainSettings
    why: str  # why this preset (recommended_preset)
    devices: tuple[str, ...]
    train_size: int  # training images per epoch (the rest of the training set validates)
    seconds_per_epoch: float  # measured on a few real steps here, validation included

    @property
    def training_seconds(self) -> float:
        return self.seconds_per_epoch * self.settings.epochs


@dataclass(frozen=True)
class StageStarted:
    """A stage of `run` begins: download, train or evaluate (index into STAGES); its own events follow."""

    stage: str
    index: int
    count: int = len(STAGES)


@dataclass(frozen=True)
class Result:
    run: runs.RunInfo
    model_path: Path
    figures: dict  # evaluation.figures() on K49's test set


Runner = Callable[..., object]  # runner(job, progress=..., cancel=...): job's result (TrainingProcess.run's shape)


def run_here(job, *, progress=None, cancel=None):
    """The default runner: the job in this process."""
    return job(progress=progress, cancel=cancel)


def plan(data_dir, runs_dir, source: Source | None = None, *, runner: Runner = run_here, progress=None, cancel=None,
         **overrides) -> Plan:
    """What getting a K49 model takes here; `overrides` replace the recipe's TrainSettings (epochs=1 for a test).

    Nothing is written. DownloadError when data_dir holds a practice set (K49 needs a folder of its own).
    """
    data_dir, source = Path(data_dir), source or default_source()
    if dataset.is_practice(data_dir):
        raise DownloadError(f"{data_dir}: this folder holds a practice set; K49 needs a data folder of its own "
                            "(choose another in the Data tab)")
    total = sum(spec.size for spec in source.files.values())
    missing = sum(spec.size - _bytes_on_disk(data_dir, spec) for spec in source.files.values())
    validation_split = overrides.get("validation_split") or training.TrainSettings.validation_split
    train_size, val_size = training.split_sizes(source.train_images, validation_split)
    machine = _carry(runner, PlanJob(train_size, val_size, tuple(overrides.items())), progress, cancel)
    settings = training.TrainSettings.for_arch(machine.arch, **overrides)
    return Plan(data_dir, Path(runs_dir), source, missing, total, settings, machine.why, machine.devices, train_size,
                machine.seconds_per_epoch)


def _bytes_on_disk(data_dir: Path, spec: OfficialFile) -> int:
    """How much of a file is here: all of it when the file has its full size (download checks its md5), else the
    .part a cancelled download left."""
    final, part = data_dir / spec.name, data_dir / (spec.name + ".part")
    if final.is_file() and final.stat().st_size == spec.size:
        return spec.size
    if part.is_file() and part.stat().st_size <= spec.size:
        return part.stat().st_size
    return 0


def run(p: Plan, *, runner: Runner = run_here, progress=None, cancel=None) -> Result:
    """Download, train, evaluate as planned. Cancelled at any stage leaves only whole files: a cancelled download
    keeps its .part for a resume, a training stopped after a completed epoch keeps its run (status "stopped",
    which Continue resumes) but is not reported as a result, a cancelled evaluation writes nothing."""
    from k49desk.train_process import EvaluateJob, TrainJob

    def stage(name: str) -> None:
        if progress is not None:
            progress(StageStarted(name, STAGES.index(name)))

    stage("download")
    download.download(p.data_dir, p.source.base_url, progress=progress, cancel=cancel, files=p.source.files)
    stage("train")
    # No fingerprint: the files were just checked against their md5, so the child may load whatever they hold.
    info = _carry(runner, TrainJob(p.data_dir, None, p.settings, p.runs_dir), progress, cancel)
    if info.status == "stopped":
        raise Cancelled(f"training stopped after {info.epochs_done} of {info.epochs_planned} epochs; the run "
                        f"{info.name} is kept (Continue in the Train tab resumes it)")
    if info.status != "completed":
        raise RunError(f"training of run {info.name} ended {info.status}: {'; '.join(info.notes)}")
    stage("evaluate")
    try:
        figures = _carry(runner, EvaluateJob(Path(info.path), p.data_dir, Path(info.path) / EVALUATION_DIR),
                         progress, cancel)
    except Cancelled:
        raise Cancelled(f"evaluation cancelled; the trained run {info.name} is kept, not made active") from None
    return Result(info, Path(info.path) / runs.MODEL_FILE, figures)


def _carry(runner: Runner, job, progress, cancel):
    """runner(job); a failure while a cancel was asked for is the cancel (the training process may be ended for a
    job that does not look at its cancel event)."""
    try:
        return runner(job, progress=progress, cancel=cancel)
    except K49Error:
        if cancel is not None and cancel.is_set():
            raise Cancelled() from None
        raise


def k49_runs(runs_dir) -> list[runs.RunInfo]:
    """The runs in runs_dir trained on K49 itself (not a practice set, not a fine-tuning) that hold a model."""
    try:
        found = runs.list_runs(runs_dir)
    except RunError:
        return []
    return [info for info in found if is_k49_run(info) and (Path(info.path) / runs.MODEL_FILE).is_file()]


def is_k49_run(info: runs.RunInfo) -> bool:
    return info.data_name == "K49" and not info.practice and not info.fine_tuned_from and info.damaged is None


def data_dir_for(current: Path) -> Path:
    """Where K49 goes: the current data folder, unless it holds a practice set (then the default K49 folder)."""
    from k49desk.paths import default_data_dir

    return default_data_dir() if dataset.is_practice(current) else Path(current)
