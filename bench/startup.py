"""Time from process start to the main window on screen, vs. `python -c "import tensorflow"`, in the same run.

Each repetition starts a fresh Python process. The window child prints the wall-clock time at which its main window
is first exposed (QT_QPA_PLATFORM=offscreen unless DISPLAY is given) and exits at once; TensorFlow's time is the
wall time of a process that only imports it. Medians over --reps repetitions, interleaved so that machine load
affects both alike. Goal: window / import tensorflow < 0.5.

    python bench/startup.py [--reps 5]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import REPO, add_smoke_flag

WINDOW_CHILD = """
import os, time
from PySide6.QtCore import QEvent, QObject
from k49desk.gui import app

class Exposed(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Expose and obj.isExposed():
            print(f"EXPOSED {time.time():.6f}", flush=True)
            os._exit(0)  # measured: no need to wait for the background TensorFlow import
        return False

qapp, window = app.launch([])
watcher = Exposed()
window.windowHandle().installEventFilter(watcher)
qapp.exec()
"""


def time_window(env: dict) -> float:
    began = time.time()
    out = subprocess.run([sys.executable, "-c", WINDOW_CHILD], env=env, capture_output=True, text=True, timeout=120)
    for line in out.stdout.splitlines():
        if line.startswith("EXPOSED "):
            return float(line.split()[1]) - began
    raise RuntimeError(f"the window never showed:\n{out.stdout}\n{out.stderr}")


def time_tensorflow(env: dict) -> float:
    began = time.time()
    subprocess.run([sys.executable, "-c", "import tensorflow"], env=env, capture_output=True, check=True, timeout=120)
    return time.time() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    add_smoke_flag(parser)
    args = parser.parse_args()
    if args.smoke:
        args.reps = 1

    settings = tempfile.mkdtemp(prefix="k49desk-bench-")
    env = dict(os.environ, PYTHONPATH=str(REPO), TF_CPP_MIN_LOG_LEVEL="2",
               K49DESK_SETTINGS=str(Path(settings) / "settings.ini"),
               K49DESK_DATA=str(Path(settings) / "data"), K49DESK_RUNS=str(Path(settings) / "runs"))
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    if not args.smoke:  # one unmeasured round of each, so both find their files in the page cache
        time_window(env), time_tensorflow(env)
    windows, imports = [], []
    for _ in range(args.reps):
        windows.append(time_window(env))
        imports.append(time_tensorflow(env))
    window, tf = statistics.median(windows), statistics.median(imports)
    print(f"machine: {os.cpu_count()} CPU cores, {platform.processor() or platform.machine()}, "
          f"Qt platform {env.get('QT_QPA_PLATFORM', 'xcb (DISPLAY ' + env.get('DISPLAY', '') + ')')}")
    print(f"main window shown:   median {window:.3f} s  ({', '.join(f'{t:.2f}' for t in windows)})")
    print(f"import tensorflow:   median {tf:.3f} s  ({', '.join(f'{t:.2f}' for t in imports)})")
    print(f"ratio window / import tensorflow: {window / tf:.2f}  (goal < 0.5)")


if __name__ == "__main__":
    main()
