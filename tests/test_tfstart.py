"""TensorFlow starts quietly: its C++ start-up lines never reach the terminal; anything else still does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from k49desk import paths
from k49desk.stderr_capture import stderr_captured
from k49desk.tfstart import without_start_up_chatter

REPO = Path(__file__).resolve().parents[1]
CHATTER = ("oneDNN", "cuda", "absl", "This TensorFlow binary", "rebuild TensorFlow", "cpu_feature_guard")


def test_captured_lines_come_back_without_the_chatter(capfd):
    held: list[str] = []
    with stderr_captured(held):
        os.write(2, b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n")
        os.write(2, b"I0000 00:00:1796221561.443338    5295 port.cc:153] oneDNN custom operations are on.\n")
        os.write(2, b"W1202 14:03:05.123456  77 loader.cc:12] a warning\n")
        os.write(2, b"E0000 00:00:1796221570.558930    5295 cuda_platform.cc:52] failed call to cuInit\n")
        os.write(2, b"To enable the following instructions: AVX2 FMA, in other operations, rebuild TensorFlow with "
                    b"the appropriate compiler flags.\n")
        os.write(2, b"E1202 14:03:05.123456  77 saver.cc:9] a real error\n")
        os.write(2, b"UserWarning: a Python warning\n")
    assert capfd.readouterr().err == "", "nothing reaches the terminal inside the block"
    assert len(held) == 7
    assert without_start_up_chatter(held) == ("E1202 14:03:05.123456  77 saver.cc:9] a real error\n"
                                              "UserWarning: a Python warning\n")


def test_a_cli_command_that_starts_tensorflow_prints_nothing_on_stderr(tmp_path):
    image = tmp_path / "one.npz"
    np.savez(image, np.zeros((28, 28), np.uint8))
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}  # as a user's shell has it
    for level in (None, "3"):
        if level is not None:
            env["TF_CPP_MIN_LOG_LEVEL"] = level
        done = subprocess.run([sys.executable, "-m", "k49desk", "predict", str(paths.starter_model_path()),
                               str(image)], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0 and "1. " in done.stdout, done.stderr
        assert not any(word in done.stderr for word in CHATTER), done.stderr
        assert done.stderr == ""


def test_finetune_and_export_print_no_tensorflow_start_up_lines(tmp_path, trained_run, practice_dir):
    """finetune printed CUDA's 'failed call to cuInit', export TFLite's XNNPACK note; both now start TensorFlow
    quietly, and what they say themselves stays."""
    import pytest

    from k49desk import dataset
    from k49desk.samples import SampleStore

    pytest.importorskip("tensorflow")
    data = dataset.load(practice_dir)
    store = SampleStore(tmp_path / "mine")
    store.add(data.x_test[:8], data.y_test[:8])
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    commands = (["finetune", trained_run, "--samples", store.folder, "--data-dir", practice_dir, "--epochs", 1,
                 "--out", tmp_path / "tuned"],
                ["export", trained_run, "--format", "tflite", "--out", tmp_path / "model.tflite"])
    for argv in commands:
        done = subprocess.run([sys.executable, "-m", "k49desk", *map(str, argv)], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        leaked = [line for line in done.stderr.splitlines()
                  if any(word in line for word in (*CHATTER, "cuInit", "XNNPACK", "INFO: "))]
        assert not leaked, done.stderr
    assert (tmp_path / "model.tflite").is_file()
