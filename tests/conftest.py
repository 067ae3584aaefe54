"""Shared fixtures. Qt runs offscreen unless the caller chose a platform (e.g. DISPLAY with Xvfb)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
