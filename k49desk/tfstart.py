"""Starting TensorFlow quietly: a desktop app and its command line do not greet the terminal with log lines.

TensorFlow's shared libraries log from their static initialisers, the moment Python loads them, through absl
before anything called absl::InitializeLog: those lines ("oneDNN custom operations are on", "Could not find cuda
drivers", each twice) reach stderr whatever TF_CPP_MIN_LOG_LEVEL says, and no setting reaches them before they
are written. So the import and the first device probe run with file descriptor 2 held in a temporary file, and
afterwards every held line except the known start-up chatter is written to stderr as it would have been.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager

# Start-up chatter: absl's banner, absl-format INFO and WARNING lines (I1202 14:03:05.123 123 file.cc:45] ...),
# CUDA's "no driver" errors on a machine without a GPU, and the second line of the CPU feature note.
START_UP_CHATTER = re.compile(
    r"WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    r"|[IW]\d{4} \d\d:\d\d:\d+\.\d+ +\d+ \S+:\d+\] "
    r"|E\d{4} \d\d:\d\d:\d+\.\d+ +\d+ cuda_\w+\.cc:\d+\] "
    r"|To enable the following instructions: .* rebuild TensorFlow with the appropriate compiler flags\."
)
# TSL's own logger honours this: warnings and info from TensorFlow's C++ code stay off the terminal, errors show.
QUIET_ENVIRONMENT = {"TF_CPP_MIN_LOG_LEVEL": "2"}


@contextmanager
def start_up_lines_held() -> Iterator[None]:
    """Hold what is written to file descriptor 2 (C++ and Python alike) until the block ends, then write it out
    less START_UP_CHATTER. Where descriptor 2 cannot be duplicated (no console), the block just runs."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):
        yield
        return
    with tempfile.TemporaryFile() as held:
        os.dup2(held.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            held.seek(0)
            lines = held.read().decode("utf-8", errors="replace").splitlines(keepends=True)
            kept = "".join(line for line in lines if not START_UP_CHATTER.match(line))
            if kept:
                sys.stderr.write(kept)
                sys.stderr.flush()


def start_tensorflow(import_modules: Callable[[], None] | None = None) -> list[str]:
    """Import TensorFlow and Keras and probe the GPUs without start-up chatter; the names of the GPUs found.

    import_modules: does the importing instead (the GUI serialises its imports of TensorFlow across threads).
    A user's own TF_CPP_MIN_LOG_LEVEL is kept. Cheap once TensorFlow is started.
    """
    for name, value in QUIET_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    with start_up_lines_held():
        if import_modules is not None:
            import_modules()
        import keras  # noqa: F401
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")  # CUDA logs its probe here, not at import
        names = [tf.config.experimental.get_device_details(gpu).get("device_name", gpu.name) for gpu in gpus]
    # TensorFlow's and absl's Python loggers: retracing and saving notes are for developers, not for users.
    for logger in ("tensorflow", "absl"):
        logging.getLogger(logger).setLevel(logging.ERROR)
    return names
