"""Runs inside the training child process: jobs for TrainingProcess.run, and a hook that holds training or makes it
fail at a chosen batch (TrainingProcess.initializer).

For the hook, the test writes what to do into a control file ("hold 2 3": after batch 3 of epoch 2 wait until Stop
arrives; "raise 1 2": raise an unexpected error there). The child reads the file when each run starts, so one warm
child can be told something new for every run.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from k49desk.errors import Cancelled

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


# Jobs for TrainingProcess.run, called in the child as job(progress=..., cancel=...).


def echo(value, *, progress=None, cancel=None):
    """Reports `value` as its one event, then returns it."""
    progress(value)
    return value


def fail(error: BaseException, *, progress=None, cancel=None):
    raise error


def wait_for_stop(*, progress=None, cancel=None):
    """Reports "waiting", then stops as soon as it is asked to."""
    progress("waiting")
    if not cancel.wait(HOLD_LIMIT_S):
        raise TimeoutError("no stop arrived")
    raise Cancelled("stopped on request")


def ignore_stop(*, progress=None, cancel=None):
    """Reports "busy", then does not react to a stop (a step that takes too long)."""
    progress("busy")
    time.sleep(HOLD_LIMIT_S)


def die(*, progress=None, cancel=None):
    """Ends the process at once, as a crash in native code would."""
    progress("dying")
    os._exit(3)
