"""Run folders written by training: read one, list them; folders still being written or broken are never listed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from k49desk.errors import RunError

MODEL_FILE = "model.keras"  # best epoch by validation accuracy
LAST_MODEL_FILE = "last.keras"  # last completed epoch
HISTORY_JSON = "history.json"
HISTORY_CSV = "history.csv"
SETTINGS_FILE = "settings.json"
RUN_FILE = "run.json"
REQUIRED_FILES = (MODEL_FILE, LAST_MODEL_FILE, HISTORY_JSON, SETTINGS_FILE, RUN_FILE)
PARTIAL_SUFFIX = ".partial"  # a run being written lives in ".<name>.partial" until it is renamed


@dataclass(frozen=True)
class RunInfo:
    path: Path
    name: str
    created: datetime
    arch: str
    epochs_done: int
    epochs_planned: int
    best_val_accuracy: float | None
    status: str  # "completed" or "stopped"
    data_name: str  # "K49" or "practice set"
    practice: bool


@dataclass(frozen=True)
class Run:
    info: RunInfo
    settings: dict
    history: dict[str, list[float]]
    model_path: Path
    last_model_path: Path


def _read_json(path: Path) -> dict:
    try:
        with path.open(encoding="utf-8") as f:
            value = json.load(f)
    except FileNotFoundError:
        raise RunError(f"{path.parent}: not a complete run folder ({path.name} is missing)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise RunError(f"{path}: cannot read ({e})") from None
    if not isinstance(value, dict):
        raise RunError(f"{path}: expected a JSON object")
    return value


def _info(path: Path, meta: dict) -> RunInfo:
    try:
        data = meta["data"]
        best = meta.get("best_val_accuracy")
        return RunInfo(
            path=path,
            name=path.name,
            created=datetime.fromisoformat(meta["created"]),
            arch=str(meta["arch"]),
            epochs_done=int(meta["epochs_done"]),
            epochs_planned=int(meta["epochs_planned"]),
            best_val_accuracy=None if best is None else float(best),
            status=str(meta["status"]),
            data_name=str(data["name"]),
            practice=bool(data["practice"]),
        )
    except (KeyError, TypeError, ValueError) as e:
        raise RunError(f"{path / RUN_FILE}: malformed run description ({type(e).__name__}: {e})") from None


def load_run(path: str | Path) -> Run:
    """Read a run folder; RunError naming the folder and what is missing or malformed."""
    path = Path(path)
    if not path.is_dir():
        raise RunError(f"{path}: run folder not found")
    missing = [name for name in REQUIRED_FILES if not (path / name).is_file()]
    if missing:
        raise RunError(f"{path}: not a complete run folder (missing {', '.join(missing)})")
    info = _info(path, _read_json(path / RUN_FILE))
    history = _read_json(path / HISTORY_JSON)
    if not all(isinstance(v, list) for v in history.values()):
        raise RunError(f"{path / HISTORY_JSON}: expected lists of per-epoch values")
    return Run(
        info=info,
        settings=_read_json(path / SETTINGS_FILE),
        history={k: [float(x) for x in v] for k, v in history.items()},
        model_path=path / MODEL_FILE,
        last_model_path=path / LAST_MODEL_FILE,
    )


def list_runs(runs_dir: str | Path) -> list[RunInfo]:
    """Complete runs in `runs_dir`, newest first; hidden, partial and broken folders are left out."""
    runs_dir = Path(runs_dir)
    if not runs_dir.is_dir():
        return []
    infos = []
    for path in runs_dir.iterdir():
        if path.name.startswith(".") or not path.is_dir():
            continue
        try:
            infos.append(load_run(path).info)
        except RunError:
            continue
    return sorted(infos, key=lambda i: (i.created, i.name), reverse=True)
