"""Regenerate the translation sources from the GUI's code and compile them:

    python resources/i18n/update.py

pyside6-lupdate collects every tr() / QCoreApplication.translate() string of k49desk/gui into k49desk_ja.ts (kept
translations stay, strings no longer in the code go), then pyside6-lrelease compiles it to k49desk_ja.qm, the file
the app loads. Translate new strings in the .ts (Qt Linguist: pyside6-linguist, or any editor), then run this again.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
LANGUAGES = ("ja",)


def ts_path(language: str) -> Path:
    return HERE / f"k49desk_{language}.ts"


def qm_path(language: str) -> Path:
    return HERE / f"k49desk_{language}.qm"


def sources() -> list[Path]:
    return sorted((ROOT / "k49desk" / "gui").glob("*.py"))


def tool(name: str) -> str:
    """pyside6-NAME beside this Python (a virtual environment need not be on PATH), else on PATH."""
    found = shutil.which(f"pyside6-{name}", path=str(Path(sys.executable).parent)) or shutil.which(f"pyside6-{name}")
    if found is None:
        raise SystemExit(f"pyside6-{name} not found: it comes with PySide6")
    return found


def lupdate(ts: Path) -> None:
    """Bring `ts` up to date with the sources. No line numbers in it: they would change the file at every edit."""
    subprocess.run([tool("lupdate"), *map(str, sources()), "-ts", str(ts), "-locations", "none", "-no-obsolete",
                    "-silent"], check=True)


def lrelease(ts: Path, qm: Path) -> None:
    subprocess.run([tool("lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True)


def main() -> int:
    for language in LANGUAGES:
        lupdate(ts_path(language))
        lrelease(ts_path(language), qm_path(language))
        print(f"{ts_path(language).relative_to(ROOT)} -> {qm_path(language).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
