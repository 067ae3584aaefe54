"""Shared fixtures. Qt runs offscreen unless the caller chose a platform (e.g. DISPLAY with Xvfb)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@pytest.fixture
def shared_k49() -> Path:
    """The real K49 pieces beside the repo (../shared/k49); skips the test where they are absent."""
    path = Path(__file__).resolve().parents[2] / "shared" / "k49"
    if not path.is_dir():
        pytest.skip(f"real K49 pieces not found at {path}")
    return path
