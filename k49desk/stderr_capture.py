"""What native code writes to the terminal: captured at file descriptor 2, where C and C++ libraries write."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def stderr_captured(into: list[str]) -> Iterator[None]:
    """Inside the block, whatever is written to file descriptor 2 (C, C++ and Python alike) goes to a temporary
    file instead of the terminal; when the block ends, also by an exception, its lines are appended to `into`.
    Where descriptor 2 cannot be duplicated (no console), the block just runs."""
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
            into += held.read().decode("utf-8", errors="replace").splitlines(keepends=True)
