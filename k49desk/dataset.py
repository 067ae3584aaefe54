"""K49-format data folders: download the official files (resume, md5), check them, load and validate them."""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import queue
import re
import shutil
import socket
import threading
import time
import urllib.error
import urllib.request
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from urllib.parse import urlsplit

import numpy as np

from k49desk.classes import NUM_CLASSES, Hiragana, load_classmap
from k49desk.errors import Cancelled, DataError, DownloadError
from k49desk.formatting import human_bytes

TRAIN_IMAGES = "k49-train-imgs.npz"
TRAIN_LABELS = "k49-train-labels.npz"
TEST_IMAGES = "k49-test-imgs.npz"
TEST_LABELS = "k49-test-labels.npz"
CLASSMAP = "k49_classmap.csv"
FILE_NAMES = (TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS, CLASSMAP)

BASE_URL = "http://codh.rois.ac.jp/kmnist/dataset/k49/"
PRACTICE_MARKER = "k49desk-practice.json"
IMAGE_SIZE = 28

TIMEOUT_S = 30.0  # silence (connecting, or mid-file) after which a download fails
CHUNK_BYTES = 64 * 1024
_CANCEL_POLL_S = 0.25  # how often a download waiting for the network looks at its cancel flag
_PROGRESS_INTERVAL_S = 0.1
_USER_AGENT = "k49desk"


@dataclass(frozen=True)
class OfficialFile:
    name: str
    size: int
    md5: str


OFFICIAL: Mapping[str, OfficialFile] = MappingProxyType({
    f.name: f
    for f in (
        OfficialFile(TRAIN_IMAGES, 66_117_696, "7ac088b20481cf51dcd01ceaab89d821"),
        OfficialFile(TRAIN_LABELS, 164_485, "44a8e1b893f81e63ff38d73cad420f7a"),
        OfficialFile(TEST_IMAGES, 10_971_201, "d352e201d846ce6b94f42c990966f374"),
        OfficialFile(TEST_LABELS, 27_450, "4da6f7a62e67a832d5eb1bd85c5ee448"),
        OfficialFile(CLASSMAP, 697, "f7d0d0391f68bdf0fe4cf160ceb85753"),
    )
})

Progress = Callable[[object], None] | None


def _check_cancel(cancel) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled()


def file_md5(path: str | Path, cancel=None) -> str:
    """Hex md5 of a file, read in chunks."""
    h = hashlib.md5()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            _check_cancel(cancel)
            h.update(chunk)
    return h.hexdigest()


# ---------------------------------------------------------------- download


@dataclass(frozen=True)
class DownloadProgress:
    file: str
    file_index: int  # 0-based
    file_count: int
    done: int  # bytes of this file on disk so far
    total: int
    bytes_per_s: float
    eta_s: float | None  # None until a speed is known


def download(
    data_dir: str | Path,
    base_url: str = BASE_URL,
    *,
    progress: Progress = None,
    cancel=None,
    files: Mapping[str, OfficialFile] | None = None,
) -> list[Path]:
    """Fetch `files` (default: the five official K49 files) into data_dir; resumes .part files, verifies md5.

    Cancelled (soon after cancel.is_set(), even while the server is silent) keeps the .part file for a resume;
    nothing half-written is ever left under a final name.
    """
    files = OFFICIAL if files is None else files
    data_dir = Path(data_dir)
    if (data_dir / PRACTICE_MARKER).exists():
        raise DownloadError(f"{data_dir}: this folder holds a practice set; download K49 into another folder")
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise DownloadError(f"{data_dir}: cannot create the data folder ({e.strerror or e})") from None
    paths = []
    for index, spec in enumerate(files.values()):
        _check_cancel(cancel)
        paths.append(_fetch(data_dir, base_url, spec, index, len(files), progress, cancel))
    return paths


def _fetch(data_dir: Path, base_url: str, spec: OfficialFile, index: int, count: int, progress, cancel) -> Path:
    final = data_dir / spec.name
    part = data_dir / (spec.name + ".part")

    def report(done: int, bytes_per_s: float = 0.0, eta_s: float | None = None) -> None:
        if progress is not None:
            progress(DownloadProgress(spec.name, index, count, done, spec.size, bytes_per_s, eta_s))

    if final.is_file() and final.stat().st_size == spec.size and file_md5(final, cancel) == spec.md5:
        part.unlink(missing_ok=True)
        report(spec.size, eta_s=0.0)
        return final

    offset = part.stat().st_size if part.is_file() else 0
    if offset > spec.size:
        part.unlink()
        offset = 0
    if offset < spec.size:
        free = shutil.disk_usage(data_dir).free
        if free < spec.size - offset:
            raise DownloadError(
                f"{data_dir}: not enough free disk space for {spec.name} "
                f"(needs {human_bytes(spec.size - offset)}, {human_bytes(free)} free)"
            )
        _receive(base_url.rstrip("/") + "/" + spec.name, part, offset, spec, report, cancel)
    else:
        report(offset, eta_s=0.0)

    actual = file_md5(part, cancel)
    if actual != spec.md5:
        part.unlink()
        raise DownloadError(
            f"{spec.name}: checksum mismatch (md5 {actual}, expected {spec.md5}); "
            "the damaged download was deleted, run download again"
        )
    try:
        os.replace(part, final)
    except OSError as e:
        raise DownloadError(f"{final}: cannot write ({e.strerror or e})") from None
    return final


def _receive(url: str, part: Path, offset: int, spec: OfficialFile, report, cancel) -> None:
    """Append the rest of the file at url to part, starting at offset (or from 0 if the server ignores Range)."""
    response = _request_cancellable(url, offset, cancel)
    if response is None:  # 416: the server's file is shorter than our .part, so the .part is not a prefix of it
        part.unlink()
        offset = 0
        response = _request_cancellable(url, offset, cancel)
    with response:
        start = _body_start(response, url, offset, spec.size)
        try:
            with open(part, "ab" if start else "wb") as out:
                _copy(response, out, start, url, spec, report, cancel)
        except OSError as e:
            raise DownloadError(
                f"{part}: cannot write ({e.strerror or e}); check free disk space and permissions"
            ) from None


def _request_cancellable(url: str, offset: int, cancel):
    """_request on a helper thread, so that Cancel is answered within _CANCEL_POLL_S while connecting or waiting
    for the server's answer (up to TIMEOUT_S). A response that arrives after a cancel is closed by that thread."""
    box: queue.Queue = queue.Queue(maxsize=1)
    lock = threading.Lock()
    abandoned = False

    def run() -> None:
        try:
            result = _request(url, offset)
        except BaseException as e:  # handed to the caller, who raises it
            result = e
        with lock:
            if abandoned:
                if hasattr(result, "close"):
                    result.close()
                return
            box.put(result)

    threading.Thread(target=run, name=f"download connect {urlsplit(url).path}", daemon=True).start()
    try:
        result = _next_or_cancel(box, cancel)
    except Cancelled:
        with lock:
            abandoned = True
            if not box.empty():
                late = box.get_nowait()
                if hasattr(late, "close"):
                    late.close()
        raise
    if isinstance(result, BaseException):
        raise result
    return result


def _next_or_cancel(items: queue.Queue, cancel):
    """The next item a helper thread puts in `items`; Cancelled within _CANCEL_POLL_S once cancel is set."""
    while True:
        _check_cancel(cancel)
        try:
            return items.get(timeout=_CANCEL_POLL_S)
        except queue.Empty:
            pass


def _request(url: str, offset: int):
    """Open url, asking for bytes from offset on; None when the server answers 416 to that range."""
    headers = {"User-Agent": _USER_AGENT}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    try:
        return urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=TIMEOUT_S)
    except urllib.error.HTTPError as e:
        e.close()
        if e.code == 416 and offset:
            return None
        if e.code == 404:
            raise DownloadError(f"{url}: not found on the server (HTTP 404); check the download address") from None
        raise DownloadError(f"{url}: the server answered HTTP {e.code} {e.reason}") from None
    except (urllib.error.URLError, http.client.HTTPException, OSError) as e:
        raise DownloadError(_network_problem(url, e)) from None


def _network_problem(url: str, error: Exception) -> str:
    host = urlsplit(url).netloc
    reason = getattr(error, "reason", error)
    if isinstance(reason, ConnectionRefusedError):
        return f"cannot connect to {host}: connection refused (the server is down or the address is wrong)"
    if isinstance(reason, socket.gaierror):
        return f"cannot find {host}: unknown host or no network connection (are you offline?)"
    if isinstance(reason, TimeoutError):
        return f"{host} did not answer within {TIMEOUT_S:g} s (server down or network too slow)"
    return f"cannot download from {host}: {reason}"


_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-\d+/(\d+|\*)")


def _body_start(response, url: str, offset: int, size: int) -> int:
    """Where the response body starts in the file; checks that the server offers the size we expect."""
    if response.status == 206:
        m = _CONTENT_RANGE.match(response.headers.get("Content-Range", ""))
        if not m or int(m.group(1)) != offset:
            raise DownloadError(f"{url}: the server sent a different part of the file than asked for")
        start, total = offset, (None if m.group(2) == "*" else int(m.group(2)))
    else:  # 200: a server that ignores Range sends the whole file, so start over
        start, total = 0, response.length
    if total is not None and total != size:
        raise DownloadError(f"{url}: the server offers {total:,} bytes, expected {size:,} (wrong file or mirror?)")
    return start


def _copy(response, out, done: int, url: str, spec: OfficialFile, report, cancel) -> None:
    """Append the body to out. A helper thread does the blocking reads, so cancel is answered within
    _CANCEL_POLL_S even while the server is silent. (Short socket timeouts are no way to poll: a socket file
    refuses every read after its first timeout.) Silence still fails after TIMEOUT_S, the socket's timeout."""
    began, begin_done = time.monotonic(), done
    last_report = 0.0
    chunks: queue.Queue = queue.Queue(maxsize=4)
    stop = threading.Event()
    reader = threading.Thread(target=_read_body, args=(response, spec.size - done, chunks, stop),
                              name=f"download {spec.name}", daemon=True)
    reader.start()
    try:
        while done < spec.size:
            chunk = _next_or_cancel(chunks, cancel)
            if isinstance(chunk, TimeoutError):
                raise DownloadError(
                    f"{spec.name}: {urlsplit(url).netloc} sent nothing for {TIMEOUT_S:g} s after {human_bytes(done)} "
                    f"of {human_bytes(spec.size)} (timed out); run download again to resume"
                )
            if isinstance(chunk, Exception):
                raise DownloadError(_cut_message(url, spec, done, chunk))
            if not chunk:
                raise DownloadError(_cut_message(url, spec, done, None))
            out.write(chunk)
            done += len(chunk)
            now = time.monotonic()
            if now - last_report >= _PROGRESS_INTERVAL_S or done == spec.size:
                last_report = now
                speed = (done - begin_done) / max(now - began, 1e-6)
                report(done, speed, (spec.size - done) / speed if speed > 0 else None)
    finally:
        stop.set()
        if reader.is_alive():
            _shut_down(response)  # wakes a read blocked on a silent server, so the response can be closed
            reader.join(timeout=5.0)


def _read_body(response, left: int, chunks: queue.Queue, stop: threading.Event) -> None:
    """The reading thread: chunks of the body, then b"" at a premature end or the exception that ended it."""
    while left > 0 and not stop.is_set():
        try:
            chunk = response.read1(min(CHUNK_BYTES, left))  # what has arrived: a stall loses none of it
        except (OSError, ValueError, http.client.HTTPException) as e:  # ValueError: read from a closed response
            chunk = e
        while not stop.is_set():
            try:
                chunks.put(chunk, timeout=_CANCEL_POLL_S)
                break
            except queue.Full:
                pass
        if not isinstance(chunk, bytes) or not chunk:
            return
        left -= len(chunk)


def _shut_down(response) -> None:
    """Shut the response's connection down, waking a thread blocked reading it (a plain close does not)."""
    try:
        with socket.socket(fileno=socket.dup(response.fileno())) as sock:
            sock.shutdown(socket.SHUT_RDWR)
    except (OSError, ValueError, AttributeError):  # already closed
        pass


def _cut_message(url: str, spec: OfficialFile, done: int, error: Exception | None) -> str:
    why = f" ({error})" if error is not None and str(error) else ""
    return (
        f"{spec.name}: the connection to {urlsplit(url).netloc} broke after {human_bytes(done)} of "
        f"{human_bytes(spec.size)}{why}; run download again to resume"
    )


# ---------------------------------------------------------------- checking a folder


@dataclass(frozen=True)
class FileStatus:
    name: str
    path: Path
    present: bool
    size: int | None
    expected_size: int | None  # None for practice sets, whose sizes are their own
    ok: bool
    problem: str | None


def is_practice(data_dir: str | Path) -> bool:
    """True when the folder was written by the practice-set generator."""
    return (Path(data_dir) / PRACTICE_MARKER).is_file()


def check_files(data_dir: str | Path, *, verify_md5: bool = True) -> list[FileStatus]:
    """One status per K49 file: official files by size and md5; practice sets by their array headers."""
    data_dir = Path(data_dir)
    practice = is_practice(data_dir)
    headers = _practice_problems(data_dir) if practice else {}
    statuses = []
    for name in FILE_NAMES:
        path = data_dir / name
        spec = OFFICIAL[name]
        expected = None if practice else spec.size
        if not path.is_file():
            part = data_dir / (name + ".part")
            problem = "missing"
            if part.is_file():
                problem = f"partly downloaded ({human_bytes(part.stat().st_size)} of {human_bytes(spec.size)}); download resumes it"
            statuses.append(FileStatus(name, path, False, None, expected, False, problem))
            continue
        size = path.stat().st_size
        if practice:
            problem = headers.get(name)
        elif size != spec.size:
            problem = f"{size:,} bytes, the official file has {spec.size:,}"
        elif verify_md5 and (actual := file_md5(path)) != spec.md5:
            problem = f"md5 {actual} differs from the official {spec.md5}"
        else:
            problem = None
        statuses.append(FileStatus(name, path, True, size, expected, problem is None, problem))
    return statuses


def _practice_problems(data_dir: Path) -> dict[str, str]:
    """name -> problem for the practice-set files that fail a header check (nothing is decompressed)."""
    problems: dict[str, str] = {}
    lengths: dict[str, int] = {}
    for name, kind in ((TRAIN_IMAGES, "images"), (TRAIN_LABELS, "labels"), (TEST_IMAGES, "images"), (TEST_LABELS, "labels")):
        path = data_dir / name
        if path.is_file():
            try:
                lengths[name] = _check_header(path, kind)
            except DataError as e:
                problems[name] = _problem_only(e, path)
    for images, labels in ((TRAIN_IMAGES, TRAIN_LABELS), (TEST_IMAGES, TEST_LABELS)):
        if images in lengths and labels in lengths and lengths[images] != lengths[labels]:
            problems[labels] = f"{lengths[labels]:,} labels but {images} holds {lengths[images]:,} images"
    if (data_dir / CLASSMAP).is_file():
        try:
            load_classmap(data_dir / CLASSMAP)
        except DataError as e:
            problems[CLASSMAP] = _problem_only(e, data_dir / CLASSMAP)
    return problems


def _problem_only(error: DataError, path: Path) -> str:
    """The message without the leading path, for a table row that already names the file."""
    return str(error).removeprefix(f"{path}: ").removeprefix(f"{path}, ")


# ---------------------------------------------------------------- loading


@dataclass(frozen=True)
class LoadProgress:
    file: str
    done: int  # arrays loaded so far
    total: int


@dataclass(eq=False)
class K49Data:
    x_train: np.ndarray = field(repr=False)  # (N, 28, 28) uint8, white ink on black
    y_train: np.ndarray = field(repr=False)  # (N,) uint8 in 0..48
    x_test: np.ndarray = field(repr=False)
    y_test: np.ndarray = field(repr=False)
    classes: tuple[Hiragana, ...] = field(repr=False)
    data_dir: Path
    practice: bool = False
    practice_info: dict | None = None

    @property
    def name(self) -> str:
        """'K49' or 'practice set': how results on this data are labelled everywhere."""
        return "practice set" if self.practice else "K49"

    @cached_property
    def fingerprint(self) -> str:
        """Short sha256 over the four arrays: identifies the exact data a model was trained or evaluated on."""
        h = hashlib.sha256()
        for a in (self.x_train, self.y_train, self.x_test, self.y_test):
            h.update(f"{a.dtype.str}{a.shape};".encode())
            h.update(np.ascontiguousarray(a).data)
        return h.hexdigest()[:16]

    def train_counts(self) -> np.ndarray:
        """(49,) images per class in the training set."""
        return np.bincount(self.y_train, minlength=NUM_CLASSES)

    def test_counts(self) -> np.ndarray:
        """(49,) images per class in the test set."""
        return np.bincount(self.y_test, minlength=NUM_CLASSES)


def load(data_dir: str | Path, *, progress: Progress = None, cancel=None) -> K49Data:
    """Load and validate a K49-format folder (official or practice set)."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        problem = "not a folder" if data_dir.exists() else "data folder not found"
        raise DataError(f"{data_dir}: {problem}; run 'k49desk download' or 'k49desk synth'")
    missing = [name for name in FILE_NAMES if not (data_dir / name).is_file()]
    if missing:
        raise DataError(
            f"{data_dir}: missing {', '.join(missing)}; run 'k49desk download' (or 'k49desk synth' for a practice set)"
        )
    classes = load_classmap(data_dir / CLASSMAP)
    practice_info = _read_marker(data_dir / PRACTICE_MARKER) if is_practice(data_dir) else None

    # Headers first: a wrong shape or a length mismatch is reported before 180 MB are decompressed.
    arrays = ((TRAIN_IMAGES, "images"), (TRAIN_LABELS, "labels"), (TEST_IMAGES, "images"), (TEST_LABELS, "labels"))
    lengths = {name: _check_header(data_dir / name, kind) for name, kind in arrays}
    for images, labels in ((TRAIN_IMAGES, TRAIN_LABELS), (TEST_IMAGES, TEST_LABELS)):
        if lengths[images] != lengths[labels]:
            raise DataError(
                f"{data_dir / labels}: {lengths[labels]:,} labels but {images} holds {lengths[images]:,} images"
            )
    loaded = []
    for i, (name, kind) in enumerate(arrays):
        _check_cancel(cancel)
        if progress is not None:
            progress(LoadProgress(name, i, len(arrays)))
        loaded.append(load_images(data_dir / name) if kind == "images" else load_labels(data_dir / name))
    if progress is not None:
        progress(LoadProgress(arrays[-1][0], len(arrays), len(arrays)))
    x_train, y_train, x_test, y_test = loaded
    return K49Data(x_train, y_train, x_test, y_test, classes, data_dir, practice_info is not None, practice_info)


def load_images(path: str | Path) -> np.ndarray:
    """(N, 28, 28) uint8 images from an npz holding arr_0; DataError naming the file otherwise."""
    path = Path(path)
    _check_header(path, "images")
    return _read_arr0(path)


def load_labels(path: str | Path) -> np.ndarray:
    """(N,) uint8 labels in 0..48 from an npz holding arr_0; DataError naming the file otherwise."""
    path = Path(path)
    _check_header(path, "labels")
    labels = _read_arr0(path)
    bad = labels >= NUM_CLASSES
    if bad.any():
        raise DataError(
            f"{path}: labels must be 0..{NUM_CLASSES - 1}, found {int(labels[bad][0])} "
            f"({int(bad.sum()):,} labels out of range)"
        )
    return labels


def _read_marker(path: Path) -> dict:
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise DataError(f"{path}: cannot read the practice-set description ({e})") from None
    if not isinstance(info, dict):
        raise DataError(f"{path}: the practice-set description must be a JSON object")
    return info


def _open_npz(path: Path) -> zipfile.ZipFile:
    if not path.is_file():
        raise DataError(f"{path}: file not found")
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise DataError(f"{path}: not an npz file (not a zip archive)") from None
    except OSError as e:
        raise DataError(f"{path}: cannot read ({e.strerror or e})") from None
    if "arr_0.npy" not in archive.namelist():
        found = ", ".join(n.removesuffix(".npy") for n in archive.namelist()) or "nothing"
        archive.close()
        raise DataError(f"{path}: no array 'arr_0' inside (found: {found})")
    return archive


_DAMAGED = (ValueError, EOFError, OSError, zipfile.BadZipFile, zlib.error)


def _check_header(path: Path, kind: str) -> int:
    """Check arr_0's shape and dtype from its .npy header alone; returns its length."""
    with _open_npz(path) as archive:
        try:
            with archive.open("arr_0.npy") as f:
                version = np.lib.format.read_magic(f)
                read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
                shape, _, dtype = read_header(f)
        except _DAMAGED as e:
            raise DataError(f"{path}: arr_0 is not a readable array ({e})") from None
    if kind == "images" and (len(shape) != 3 or shape[1:] != (IMAGE_SIZE, IMAGE_SIZE)):
        raise DataError(f"{path}: images have shape {shape}, expected (N, {IMAGE_SIZE}, {IMAGE_SIZE})")
    if kind == "labels" and len(shape) != 1:
        raise DataError(f"{path}: labels have shape {shape}, expected (N,)")
    if dtype != np.uint8:
        raise DataError(f"{path}: {kind} are {dtype}, expected uint8")
    if shape[0] == 0:
        raise DataError(f"{path}: holds no {kind}")
    return shape[0]


def _read_arr0(path: Path) -> np.ndarray:
    # Read straight from the zip member into one array: no float copy, no second buffer.
    with _open_npz(path) as archive:
        try:
            with archive.open("arr_0.npy") as f:
                return np.lib.format.read_array(f, allow_pickle=False)
        except _DAMAGED as e:
            raise DataError(f"{path}: damaged file, cannot read arr_0 ({e})") from None
