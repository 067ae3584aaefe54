"""Runs inside the training child process (TrainingProcess.initializer): holds it or makes it fail at a chosen batch.

The test writes what to do into a control file ("hold 2 3": after batch 3 of epoch 2 wait until Stop arrives;
"raise 1 2": raise an unexpected error there). The child reads the file when each run starts, so one warm child can
be told something new for every run.
"""

from __future__ import annotations

import time
from pathlib import Path

HOLD_LIMIT_S = 60


def obey(control: Path) -> None:
    """Wrap the child's Trainer.run so that it follows the control file."""
    from k49desk import training

    real_run = training.Trainer.run

    def run(trainer, *, progress=None, cancel=None):
        order = control.read_text().split() if control.is_file() else []
        action, at = (order[0], (int(order[1]), int(order[2]))) if order else (None, None)

        def report(event):
            progress(event)
            if isinstance(event, training.BatchProgress) and (event.epoch, event.batch) == at:
                if action == "hold":
                    deadline = time.monotonic() + HOLD_LIMIT_S
                    while not cancel.is_set() and time.monotonic() < deadline:
                        time.sleep(0.005)
                elif action == "raise":
                    raise RuntimeError("test hook: failing on purpose")

        return real_run(trainer, progress=report, cancel=cancel)

    training.Trainer.run = run
