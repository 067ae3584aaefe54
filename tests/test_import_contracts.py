"""The layering in pyproject.toml's [tool.importlinter] holds: the core never imports Qt or k49desk.gui, and the core's
modules import each other without cycles (imports inside functions count too). .ci/run also runs lint-imports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={"PATH": str(lint_imports.parent), "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 kept, 0 broken" in done.stdout
