"""Starting TensorFlow quietly: a desktop app and its command line do not greet the terminal with log lines.

TensorFlow's shared libraries log from their static initialisers, the moment Python loads them, through absl
before anything called absl::InitializeLog: those lines ("oneDNN custom operations are on", "Could not find cuda
drivers", each twice) reach stderr whatever TF_CPP_MIN_LOG_LEVEL says, and no setting reaches them before they
are written. So the import and the first device probe run with file descriptor 2 captured, and afterwards every
captured line except the known start-up chatter is written to stderr as it would have been.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Callable

from k49desk.stderr_capture import stderr_captured

# Start-up chatter: absl's banner, absl-format INFO and WARNING lines (I1202 14:03:05.123 123 file.cc:45] ...),
# CUDA's "no driver" errors on a machine without a GPU, the second line of the CPU feature note, and the TFLite
# runtime's note on its CPU delegate (k49desk.export).
START_UP_CHATTER = re.compile(
    r"WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    r"|[IW]\d{4} \d\d:\d\d:\d+\.\d+ +\d+ \S+:\d+\] "
    r"|E\d{4} \d\d:\d\d:\d+\.\d+ +\d+ cuda_\w+\.cc:\d+\] "
    r"|To enable the following instructions: .* rebuild TensorFlow with the appropriate compiler flags\."
    r"|INFO: Created TensorFlow Lite XNNPACK delegate for CPU\."
)
# TSL's own logger honours this: warnings and info from TensorFlow's C++ code stay off the terminal, errors show.
QUIET_ENVIRONMENT = {"TF_CPP_MIN_LOG_LEVEL": "2"}


def without_start_up_chatter(lines: list[str]) -> str:
    """The lines, less START_UP_CHATTER, joined."""
    return "".join(line for line in lines if not START_UP_CHATTER.match(line))


def start_tensorflow(import_modules: Callable[[], None] | None = None) -> list[str]:
    """Import TensorFlow and Keras and probe the GPUs without start-up chatter; the names of the GPUs found.

    import_modules: does the importing instead (the GUI serialises its imports of TensorFlow across threads).
    A user's own TF_CPP_MIN_LOG_LEVEL is kept. Cheap once TensorFlow is started.
    """
    for name, value in QUIET_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    held: list[str] = []
    try:
        with stderr_captured(held):
            if import_modules is not None:
                import_modules()
            import keras  # noqa: F401
            import tensorflow as tf

            gpus = tf.config.list_physical_devices("GPU")  # CUDA logs its probe here, not at import
            names = [tf.config.experimental.get_device_details(gpu).get("device_name", gpu.name) for gpu in gpus]
    finally:
        sys.stderr.write(without_start_up_chatter(held))
        sys.stderr.flush()
    # TensorFlow's and absl's Python loggers: retracing and saving notes are for developers, not for users.
    for logger in ("tensorflow", "absl"):
        logging.getLogger(logger).setLevel(logging.ERROR)
    return names
