"""Run folders written by training: the run description (run.json, one dataclass reads and writes it), reading a run
back, listing runs (damaged ones listed as damaged, with the reason), and the hidden folders of runs being written."""

from __future__ import annotations

import dataclasses
import json
import math
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from k49desk.errors import RunError

MODEL_FILE = "model.keras"  # best epoch by validation accuracy
LAST_MODEL_FILE = "last.keras"  # last completed epoch, with the optimizer state: the checkpoint a resume starts from
HISTORY_JSON = "history.json"
HISTORY_CSV = "history.csv"
SETTINGS_FILE = "settings.json"
RUN_FILE = "run.json"
TENSORBOARD_DIR = "tensorboard"
WRITER_FILE = ".writer.json"  # pid and start time of the process writing the folder, while it writes
REQUIRED_FILES = (MODEL_FILE, LAST_MODEL_FILE, HISTORY_JSON, SETTINGS_FILE, RUN_FILE)
PARTIAL_SUFFIX = ".partial"  # a new run being written lives in ".<name>.partial" until it is renamed
HISTORY_KEYS = ("loss", "accuracy", "val_loss", "val_accuracy")
RUN_FORMAT = 2
# A partial folder with no writer record (made by an older version, or in the instant between its mkdir and the
# record) counts as abandoned only once it is this old.
UNRECORDED_PARTIAL_GRACE_S = 3600

# running: being written (or resumed) by a live process; crashed: its writer died; damaged: unreadable.
STATUSES = ("running", "completed", "stopped", "diverged", "crashed", "damaged")


def _timestamp(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat(timespec="seconds")


@dataclass(frozen=True)
class RunInfo:
    """What run.json records about a run (read and written only through this class), and where the run lives."""

    path: Path
    name: str
    created: datetime
    status: str  # one of STATUSES
    arch: str = "?"
    epochs_done: int = 0
    epochs_planned: int = 0
    best_epoch: int | None = None
    best_val_accuracy: float | None = None
    finished: datetime | None = None
    params: int | None = None
    precision: str = "float32"  # the Keras dtype policy's compute type: float32, bfloat16 or float16
    devices: tuple[str, ...] = ()  # the devices training ran on ("CPU:0", "GPU:0 (NVIDIA H200)", ...)
    resumed: tuple[dict, ...] = ()  # {"from_epoch": n, "at": iso time} for each continuation of the run
    fine_tuned_from: str | None = None  # the model file a fine-tuning started from
    recipe: dict = field(default_factory=dict)  # the preset's recipe it trained with (models.Recipe: optimizer, ...)
    data: dict = field(default_factory=dict)  # name, practice, fingerprint, data_dir, practice_info
    sizes: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)
    machine: dict = field(default_factory=dict)
    versions: dict = field(default_factory=dict)
    notes: tuple[str, ...] = ()  # what a user should know: why a run diverged, values written as null
    damaged: str | None = None  # why the folder cannot be read, for status "damaged"

    @property
    def data_name(self) -> str:
        return str(self.data.get("name", "?"))

    @property
    def practice(self) -> bool:
        return bool(self.data.get("practice", False))

    def replace(self, **changes) -> "RunInfo":
        return dataclasses.replace(self, **changes)

    def to_json(self) -> dict:
        value = {"format": RUN_FORMAT}
        for f in dataclasses.fields(self):
            if f.name in ("path", "damaged"):
                continue
            v = getattr(self, f.name)
            value[f.name] = _timestamp(v) if isinstance(v, datetime) else list(v) if isinstance(v, tuple) else v
        return value

    @classmethod
    def from_json(cls, path: Path, meta: dict) -> "RunInfo":
        """RunError naming run.json when a field is missing or of the wrong kind."""
        try:
            best = meta.get("best_val_accuracy")
            finished = meta.get("finished")
            status = str(meta["status"])
            if status not in STATUSES:
                raise ValueError(f"unknown status {status!r}")
            if status == "running" and not writer_alive(path):
                status = "crashed"
            info = cls(
                path=path,
                name=path.name,
                created=datetime.fromisoformat(meta["created"]),
                status=status,
                arch=str(meta["arch"]),
                epochs_done=int(meta["epochs_done"]),
                epochs_planned=int(meta["epochs_planned"]),
                best_epoch=None if meta.get("best_epoch") is None else int(meta["best_epoch"]),
                best_val_accuracy=None if best is None else float(best),
                finished=None if finished is None else datetime.fromisoformat(finished),
                params=None if meta.get("params") is None else int(meta["params"]),
                precision=str(meta.get("precision", "float32")),
                devices=tuple(str(d) for d in meta.get("devices", ())),
                resumed=tuple(dict(r) for r in meta.get("resumed", ())),
                fine_tuned_from=meta.get("fine_tuned_from"),
                recipe=dict(meta.get("recipe", {})),
                data=dict(meta["data"]),
                sizes=dict(meta.get("sizes", {})),
                timings=dict(meta.get("timings", {})),
                machine=dict(meta.get("machine", {})),
                versions=dict(meta.get("versions", {})),
                notes=tuple(str(n) for n in meta.get("notes", ())),
            )
            missing = [k for k in ("name", "practice") if k not in info.data]
            if missing:
                raise KeyError(f"data.{missing[0]}")
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            raise RunError(f"{path / RUN_FILE}: malformed run description ({type(e).__name__}: {e})") from None
        return info

    def write(self, folder: Path | None = None) -> list[str]:
        """Write run.json atomically into `folder` (default: the run's path); returns the notes on null values."""
        return write_json((folder or self.path) / RUN_FILE, self.to_json())


@dataclass(frozen=True)
class Run:
    info: RunInfo
    settings: dict
    history: dict[str, list[float]]
    model_path: Path
    last_model_path: Path


def finite_json(value, where: str = "") -> tuple[object, list[str]]:
    """(value with every NaN/inf float replaced by None, notes naming each replaced place): standard JSON only."""
    if isinstance(value, float) and not math.isfinite(value):
        return None, [f"{where or 'value'} was {value}, written as null"]
    if isinstance(value, dict):
        pairs = [(k, finite_json(v, f"{where}.{k}" if where else str(k))) for k, v in value.items()]
        return {k: v for k, (v, _) in pairs}, [n for _, (_, notes) in pairs for n in notes]
    if isinstance(value, (list, tuple)):
        items = [finite_json(v, f"{where}[{i}]") for i, v in enumerate(value)]
        return [v for v, _ in items], [n for _, notes in items for n in notes]
    return value, []


def write_text_atomic(path: Path, text: str) -> None:
    """Write `text` to a temporary file beside `path`, then rename it over `path`: never half a file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path: Path, value) -> list[str]:
    """Write standard JSON (no NaN/Infinity) atomically; non-finite floats become null; returns notes on those."""
    clean, notes = finite_json(value)
    write_text_atomic(path, json.dumps(clean, indent=2, ensure_ascii=False, allow_nan=False) + "\n")
    return [f"{path.name}: {n}" for n in notes]


def _read_json(path: Path) -> dict:
    try:
        with path.open(encoding="utf-8") as f:
            value = json.load(f, parse_constant=lambda name: _non_standard(path, name))
    except FileNotFoundError:
        raise RunError(f"{path.parent}: not a complete run folder ({path.name} is missing)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise RunError(f"{path}: cannot read ({e})") from None
    if not isinstance(value, dict):
        raise RunError(f"{path}: expected a JSON object, found {type(value).__name__}")
    return value


def _non_standard(path: Path, name: str):
    raise RunError(f"{path}: holds {name}, which is not standard JSON (the training diverged?)")


def _history(path: Path, value: dict) -> dict[str, list[float]]:
    """The per-epoch curves, each a list of finite numbers of one length; RunError naming the first bad value."""
    lengths = set()
    for key, values in value.items():
        if not isinstance(values, list):
            raise RunError(f"{path}: {key} is {json.dumps(values)}, not a list of per-epoch values")
        for i, v in enumerate(values):
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise RunError(f"{path}: {key}[{i}] is {json.dumps(v)}, not a number")
        lengths.add(len(values))
    if len(lengths) > 1:
        raise RunError(f"{path}: the curves have different lengths ({', '.join(map(str, sorted(lengths)))})")
    return {k: [float(x) for x in v] for k, v in value.items()}


def read_info(path: str | Path) -> RunInfo:
    """The run description of a run folder (run.json); RunError when it is missing or malformed."""
    path = Path(path)
    return RunInfo.from_json(path, _read_json(path / RUN_FILE))


def load_run(path: str | Path) -> Run:
    """Read a run folder; RunError naming the folder and what is missing or malformed."""
    path = Path(path)
    if not path.is_dir():
        raise RunError(f"{path}: run folder not found")
    missing = [name for name in REQUIRED_FILES if not (path / name).is_file()]
    if missing:
        raise RunError(f"{path}: not a complete run folder (missing {', '.join(missing)})")
    info = read_info(path)
    history = _history(path / HISTORY_JSON, _read_json(path / HISTORY_JSON))
    return Run(
        info=info,
        settings=_read_json(path / SETTINGS_FILE),
        history=history,
        model_path=path / MODEL_FILE,
        last_model_path=path / LAST_MODEL_FILE,
    )


def _damaged(path: Path, reason: str) -> RunInfo:
    try:
        created = datetime.fromtimestamp(path.stat().st_mtime).astimezone()
    except OSError:
        created = datetime.now().astimezone()
    return RunInfo(path=path, name=path.name, created=created, status="damaged", damaged=reason)


def list_runs(runs_dir: str | Path) -> list[RunInfo]:
    """Runs in `runs_dir`, newest first. Hidden and partial folders, and folders holding none of a run's files, are
    left out; a run folder that cannot be read is listed with status "damaged" and the reason in `damaged`.
    Never raises for what is inside a folder; RunError only when `runs_dir` itself cannot be read."""
    runs_dir = Path(runs_dir)
    if not runs_dir.is_dir():
        return []
    try:
        entries = list(runs_dir.iterdir())
    except OSError as e:
        raise RunError(f"{runs_dir}: cannot list the runs folder ({e.strerror or e})") from None
    infos = []
    for path in entries:
        try:
            if path.name.startswith(".") or not path.is_dir():
                continue
            if not any((path / name).exists() for name in REQUIRED_FILES):
                continue
            infos.append(load_run(path).info)
        except RunError as e:
            infos.append(_damaged(path, str(e)))
        except OSError as e:
            infos.append(_damaged(path, f"{path}: cannot read ({e.strerror or e})"))
    return sorted(infos, key=lambda i: (i.created, i.name), reverse=True)


# Writers ------------------------------------------------------------------------------------------------------------


def _process_start(pid: int) -> str | None:
    """When process `pid` started (clock ticks since boot, Linux), "" where unknown but alive, None if not running."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[19]
    except FileNotFoundError:
        return None
    except (OSError, IndexError):
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except OSError:
        pass
    return ""


def claim(folder: Path) -> None:
    """Record this process as the folder's writer (pid and start time, so that a reused pid is not mistaken)."""
    write_json(folder / WRITER_FILE, {"pid": os.getpid(), "started": _process_start(os.getpid())})


def release(folder: Path) -> None:
    (folder / WRITER_FILE).unlink(missing_ok=True)


def writer_alive(folder: Path) -> bool:
    """Whether the process recorded as writing `folder` still runs (False when none is recorded)."""
    try:
        record = json.loads((folder / WRITER_FILE).read_text(encoding="utf-8"))
        pid, started = int(record["pid"]), record["started"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    now = _process_start(pid)
    return now is not None and (not now or not started or now == started)


def clean_stale_partials(runs_dir: str | Path) -> list[Path]:
    """Deal with the hidden folders of new runs whose writing process died (killed, crashed, power cut).

    One with at least one completed epoch becomes a listed run with status "crashed" (resumable); one without is
    removed. A folder a live process is writing is never touched. Returns the run folders recovered.
    """
    runs_dir = Path(runs_dir)
    recovered = []
    try:
        partials = [p for p in runs_dir.iterdir() if p.name.startswith(".") and p.name.endswith(PARTIAL_SUFFIX)]
    except OSError:
        return []
    for partial in partials:
        try:
            if not partial.is_dir() or writer_alive(partial):
                continue
            if not (partial / WRITER_FILE).exists() and time.time() - partial.stat().st_mtime < UNRECORDED_PARTIAL_GRACE_S:
                continue
            name = partial.name[1 : -len(PARTIAL_SUFFIX)]
            try:
                load_run(partial)
            except RunError:
                shutil.rmtree(partial, ignore_errors=True)
                continue
            final = runs_dir / name
            if final.exists():
                final = runs_dir / f"{name}-crashed-{int(time.time())}"
            os.rename(partial, final)
            recovered.append(final)
        except OSError:
            continue
    return recovered
