"""Shared by the benchmarks: where the repo is, and a one-line description of the machine."""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def add_smoke_flag(parser) -> None:
    """--smoke: the benchmark's whole code path in seconds on tiny data, so that CI notices one that no longer runs
    (.ci/run); its figures mean nothing."""
    parser.add_argument("--smoke", action="store_true",
                        help="run every step in seconds on tiny data, only to check that the benchmark works (CI); "
                             "the figures it prints mean nothing")


def machine() -> str:
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    return (f"{os.cpu_count()} CPU cores ({platform.machine()}, {platform.system()}), "
            f"{'%d GPU(s)' % len(gpus) if gpus else 'no GPU'}; TensorFlow {tf.__version__}, Python "
            f"{platform.python_version()}")


def percentile(values, q: float) -> float:
    import numpy as np

    return float(np.percentile(np.asarray(values), q))


def shown_path(path: Path) -> Path:
    """`path` relative to the repository when it lies inside it, for the lines a benchmark prints."""
    try:
        return path.resolve().relative_to(REPO)
    except ValueError:
        return path
