"""Numbers as people read them, in every message of the command line and the GUI."""

from __future__ import annotations


def human_bytes(n: float) -> str:
    """Byte counts in decimal units: '697 bytes', '160.6 KB', '66.1 MB', '1.2 GB'."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n:.0f} bytes"


def human_seconds(s: float | None) -> str:
    """Time left: '42 s left', '3 min 5 s left', '1 h 2 min left'; None while it cannot be estimated yet."""
    if s is None:
        return "estimating time left"
    s = int(round(s))
    if s >= 3600:
        return f"{s // 3600} h {s % 3600 // 60} min left"
    if s >= 60:
        return f"{s // 60} min {s % 60} s left"
    return f"{s} s left"


def human_duration(s: float) -> str:
    """How long something takes: '0.4 s', '42 s', '3 min 5 s', '1 h 2 min'."""
    return f"{s:.1f} s" if s < 10 else human_seconds(s).removesuffix(" left")
