"""Download the official K49 files over HTTP: resume from .part files, verify md5, cancel even while the server is
silent, never leave half a file under its final name."""

from __future__ import annotations

import http.client
import os
import queue
import re
import shutil
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from k49desk import dataset
from k49desk.dataset import PRACTICE_MARKER, OfficialFile, Progress, _check_cancel, file_md5
from k49desk.errors import Cancelled, DownloadError
from k49desk.files import describe_os_error
from k49desk.formatting import human_bytes
from k49desk.progress import Throttle

BASE_URL = "http://codh.rois.ac.jp/kmnist/dataset/k49/"
TIMEOUT_S = 30.0  # silence (connecting, or mid-file) after which a download fails
CHUNK_BYTES = 64 * 1024
_CANCEL_POLL_S = 0.25  # how often a download waiting for the network looks at its cancel flag
_USER_AGENT = "k49desk"


def default_base_url() -> str:
    """K49DESK_BASE_URL when set (a mirror of the official folder), else the official site."""
    return os.environ.get("K49DESK_BASE_URL", BASE_URL)


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
    files = dataset.OFFICIAL if files is None else files
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
            why = describe_os_error(e, part, spec.size - start)
            raise DownloadError(f"cannot download {spec.name}: {why}") from None


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
    throttle = Throttle()
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
            if throttle.due(force=done == spec.size):
                now = time.monotonic()
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
