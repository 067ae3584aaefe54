"""TaskSlot: one running task per owner, late reports dropped, progress throttled; and the shared Throttle."""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace

from PySide6.QtCore import QObject

from k49desk.errors import Cancelled
from k49desk.gui.state import AppState
from k49desk.gui.workers import TaskSlot
from k49desk.progress import Throttle, throttled


def wait_for_release(result):
    """A task that returns `result` once released, or raises Cancelled when cancelled first."""
    release = threading.Event()

    def fn(progress=None, cancel=None):
        while not release.wait(0.01):
            if cancel.is_set():
                raise Cancelled()
        return result

    return fn, release


def test_a_replaced_task_reports_nothing(qtbot, tmp_path):
    state = AppState(tmp_path, tmp_path / "runs")
    owner = QObject()
    slot = TaskSlot(state, owner)
    got = []
    first_fn, first_release = wait_for_release("first")
    first = slot.run("first", first_fn, on_success=got.append, on_cancelled=lambda: got.append("cancelled"))
    second_fn, second_release = wait_for_release("second")
    slot.run("second", second_fn, on_success=got.append)
    assert first.cancel_requested and slot.task is not first and slot.busy
    first_release.set()
    second_release.set()
    with qtbot.waitSignal(slot.busyChanged, timeout=5000) as idle:
        pass
    assert idle.args == [False] and not slot.busy
    assert got == ["second"]
    assert state.cancel_all_and_wait(5)


def test_cancel_delivers_how_the_task_ended_and_drop_delivers_nothing(qtbot, tmp_path):
    state = AppState(tmp_path, tmp_path / "runs")
    slot = TaskSlot(state)
    got = []
    fn, _release = wait_for_release("never")
    slot.run("cancelled", fn, on_success=got.append, on_cancelled=lambda: got.append("cancelled"))
    with qtbot.waitSignal(slot.busyChanged, timeout=5000):
        slot.cancel()
    assert got == ["cancelled"]

    fn, _release = wait_for_release("never")
    slot.run("dropped", fn, on_success=got.append, on_cancelled=lambda: got.append("dropped"))
    slot.drop()
    assert not slot.busy
    qtbot.waitUntil(lambda: not state.running_tasks(), timeout=5000)
    qtbot.wait(50)  # the dropped task's queued signals are delivered, and ignored
    assert got == ["cancelled"]
    assert state.cancel_all_and_wait(5)


def test_no_task_starts_while_the_window_closes(qtbot, tmp_path):
    state = AppState(tmp_path, tmp_path / "runs")
    state.cancel_all_and_wait(1, closing=True)
    slot = TaskSlot(state)
    assert slot.run("late", lambda progress, cancel: 1) is None and not slot.busy


def test_progress_between_start_and_end_is_throttled_but_the_end_arrives(qtbot, tmp_path):
    state = AppState(Path(tmp_path), tmp_path / "runs")
    slot = TaskSlot(state)
    seen = []

    def fn(progress=None, cancel=None):
        for done in range(1001):
            progress(SimpleNamespace(done=done, total=1000))
        return "done"

    slot.run("count", fn, on_progress=lambda e: seen.append(e.done))
    qtbot.waitUntil(lambda: not slot.busy, timeout=5000)
    assert seen[0] == 0 and seen[-1] == 1000 and len(seen) < 100


def test_throttle_lets_the_first_forced_and_spaced_reports_through():
    now = [0.0]
    throttle = Throttle(0.1, clock=lambda: now[0])
    assert throttle.due()
    now[0] = 0.05
    assert not throttle.due() and throttle.due(force=True)
    now[0] = 0.2
    assert throttle.due()
    events = []
    forward = throttled(events.append, interval_s=3600)
    for done in (0, 1, 2, 3):
        forward(SimpleNamespace(done=done, total=3))
    forward(SimpleNamespace(stage="epoch"))
    assert [getattr(e, "done", None) for e in events] == [0, 3, None]
