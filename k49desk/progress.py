"""One rate limit for progress reports, shared by the core, the command line and the GUI."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

PROGRESS_INTERVAL_S = 0.1  # reports more often than this cost the receiver more than a person can see


class Throttle:
    """Says whether a report is due: the first one, a forced one, and then at most one per `interval_s`."""

    def __init__(self, interval_s: float = PROGRESS_INTERVAL_S, clock: Callable[[], float] = time.monotonic):
        self.interval_s = interval_s
        self._clock = clock
        self._last: float | None = None

    def due(self, force: bool = False) -> bool:
        now = self._clock()
        if force or self._last is None or now - self._last >= self.interval_s:
            self._last = now
            return True
        return False


def is_endpoint(event: Any) -> bool:
    """Whether a progress event is one a person must see: a start or an end (done <= 0 or done >= total), or one
    that counts nothing (a stage, an epoch's end)."""
    done, total = getattr(event, "done", None), getattr(event, "total", None)
    return done is None or total is None or not 0 < done < total


def throttled(progress: Callable[[Any], None], interval_s: float = PROGRESS_INTERVAL_S) -> Callable[[Any], None]:
    """`progress`, called with every start and end event but with the ones in between at most every `interval_s`."""
    throttle = Throttle(interval_s)

    def forward(event: Any) -> None:
        if throttle.due(force=is_endpoint(event)):
            progress(event)

    return forward
