"""The quick start against a local mirror serving a tiny K49-format set: the plan (what is left to download, the
preset, the measured time), then download, train, evaluate; cancel at each stage leaves only whole files."""

from __future__ import annotations

import json
import math
import threading

import pytest

from k49desk import dataset, quickstart, runs, training
from k49desk.classes import NUM_CLASSES
from k49desk.download import DownloadProgress
from k49desk.errors import Cancelled, DownloadError

from http_mirror import serving, specs_of
from tiny_data import k49_files

TRAIN_PER_CLASS, TEST_PER_CLASS = 8, 2
TRAIN_IMAGES = NUM_CLASSES * TRAIN_PER_CLASS
QUICK = {"epochs": 1, "batch_size": 32}  # the recipe's preset, one short epoch


@pytest.fixture
def mirror():
    with serving(k49_files(TRAIN_PER_CLASS, TEST_PER_CLASS)) as server:
        yield server


def source_of(mirror) -> quickstart.Source:
    return quickstart.Source(mirror.url, specs_of(mirror.files), TRAIN_IMAGES)


def test_the_preset_follows_the_devices():
    assert quickstart.recommended_preset(["CPU:0"])[0] == "resnet-small"
    assert quickstart.recommended_preset(["GPU:0 (NVIDIA H100)"])[0] == "preact-resnet-mid"


def test_plan_counts_what_is_left_and_measures_the_recipe_here(tmp_path, mirror):
    source = source_of(mirror)
    data_dir = tmp_path / "k49"
    data_dir.mkdir()
    total = sum(len(b) for b in mirror.files.values())
    (data_dir / dataset.CLASSMAP).write_bytes(mirror.files[dataset.CLASSMAP])  # one file complete
    (data_dir / (dataset.TEST_LABELS + ".part")).write_bytes(mirror.files[dataset.TEST_LABELS][:10])  # one begun

    p = quickstart.plan(data_dir, tmp_path / "runs", source)

    assert p.download_total == total
    assert p.to_download == total - len(mirror.files[dataset.CLASSMAP]) - 10
    assert p.settings == training.TrainSettings.for_arch("resnet-small")  # no GPU here: the preset and its recipe
    assert p.settings.epochs == 10 and "no GPU" in p.why
    assert p.train_size == TRAIN_IMAGES - math.ceil(TRAIN_IMAGES * 0.3)  # the rest validates
    assert 0 < p.seconds_per_epoch < 600 and p.training_seconds == pytest.approx(10 * p.seconds_per_epoch)
    assert p.devices and all(d.startswith("CPU") for d in p.devices)
    assert mirror.requests == [] and sorted(f.name for f in data_dir.iterdir()) == sorted(
        [dataset.CLASSMAP, dataset.TEST_LABELS + ".part"]), "planning downloads and writes nothing"


def test_plan_refuses_a_practice_folder(tmp_path, practice_dir, mirror):
    with pytest.raises(DownloadError, match="practice set"):
        quickstart.plan(practice_dir, tmp_path / "runs", source_of(mirror))


def test_run_downloads_trains_and_evaluates_stage_by_stage(tmp_path, mirror):
    events = []
    p = quickstart.plan(tmp_path / "k49", tmp_path / "runs", source_of(mirror), **QUICK)
    assert p.settings.epochs == 1 and p.settings.arch == "resnet-small"

    result = quickstart.run(p, progress=events.append)

    stages = [e.stage for e in events if isinstance(e, quickstart.StageStarted)]
    assert stages == ["download", "train", "evaluate"]
    kinds = [type(e).__name__ for e in events]
    assert kinds.index("DownloadProgress") < kinds.index("BatchProgress") < kinds.index("EvalProgress")
    assert sorted(f.name for f in (tmp_path / "k49").iterdir()) == sorted(dataset.FILE_NAMES)
    assert result.run.status == "completed" and result.model_path.is_file()
    figures = json.loads((result.run.path / "evaluation" / "summary.json").read_text())
    assert figures == result.figures and figures["test_images"] == NUM_CLASSES * TEST_PER_CLASS
    assert figures["data"] == "K49" and not figures["practice"] and 0 <= figures["accuracy"] <= 1
    assert [info.name for info in quickstart.k49_runs(tmp_path / "runs")] == [result.run.name]


def test_cancel_while_downloading_keeps_no_half_file_and_no_run(tmp_path, mirror):
    mirror.files[dataset.TRAIN_IMAGES] += bytes(1_000_000)  # big enough to be caught half-way on a slow line
    mirror.chunk_delay_s = 0.05
    p = quickstart.plan(tmp_path / "k49", tmp_path / "runs", source_of(mirror), **QUICK)
    cancel = threading.Event()

    def progress(event):
        if isinstance(event, DownloadProgress) and 0 < event.done < event.total:
            cancel.set()

    with pytest.raises(Cancelled):
        quickstart.run(p, progress=progress, cancel=cancel)
    assert not (tmp_path / "k49" / dataset.TRAIN_IMAGES).exists()  # only its .part, which the next run resumes
    assert not (tmp_path / "runs").exists()


def test_cancel_while_training_keeps_no_run(tmp_path, mirror):
    p = quickstart.plan(tmp_path / "k49", tmp_path / "runs", source_of(mirror), **QUICK)
    cancel = threading.Event()

    def progress(event):
        if isinstance(event, training.BatchProgress):
            cancel.set()

    with pytest.raises(Cancelled):
        quickstart.run(p, progress=progress, cancel=cancel)
    assert runs.list_runs(tmp_path / "runs") == [] and not list((tmp_path / "runs").iterdir())
    assert quickstart.k49_runs(tmp_path / "runs") == []
