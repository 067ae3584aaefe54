"""A local HTTP mirror for download tests: serves files by name, with Range, cuts, stalls, 404s and slow lines."""

from __future__ import annotations

import hashlib
import re
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from k49desk.dataset import OfficialFile


class FileServer(ThreadingHTTPServer):
    """Serves `files` by name; can cut a response after N bytes, stall after N bytes, send slowly, answer 404, or
    ignore Range."""

    daemon_threads = True

    def __init__(self, files: dict[str, bytes]):
        super().__init__(("127.0.0.1", 0), RangeHandler)
        self.files = files
        self.cut_after: int | None = None  # cut the next response after this many body bytes
        self.stall_after: int | None = None  # send this many body bytes, then nothing (connection kept open)
        self.release = threading.Event()  # ends every stall (set on teardown)
        self.ignore_range = False
        self.chunk_delay_s = 0.0  # > 0: send 16 KB at a time, this long apart (a slow line, to cancel)
        self.requests: list[tuple[str, str | None]] = []  # (name, Range header)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/k49/"


class RangeHandler(BaseHTTPRequestHandler):
    server: FileServer

    def log_message(self, *args):
        pass

    def do_GET(self):
        name = self.path.rsplit("/", 1)[-1]
        range_header = self.headers.get("Range")
        self.server.requests.append((name, range_header))
        data = self.server.files.get(name)
        if data is None:
            self.send_error(404)
            return
        start = 0
        m = re.fullmatch(r"bytes=(\d+)-", range_header or "")
        if m and not self.server.ignore_range:
            start = int(m.group(1))
            if start >= len(data):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(data)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        body = data[start:]
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.server.cut_after is not None:
            body, self.server.cut_after = body[: self.server.cut_after], None
        if self.server.stall_after is not None:
            self.wfile.write(body[: self.server.stall_after])
            self.wfile.flush()
            self.server.release.wait(30)
            return
        step = 16 * 1024 if self.server.chunk_delay_s else max(len(body), 1)
        try:
            for offset in range(0, len(body), step):
                self.wfile.write(body[offset: offset + step])
                self.wfile.flush()
                time.sleep(self.server.chunk_delay_s)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client cancelled


def spec_of(name: str, data: bytes) -> OfficialFile:
    """The OfficialFile entry (size, md5) under which the downloader expects `data`."""
    return OfficialFile(name, len(data), hashlib.md5(data).hexdigest())


def specs_of(files: dict[str, bytes]) -> dict[str, OfficialFile]:
    return {name: spec_of(name, data) for name, data in files.items()}


@contextmanager
def serving(files: dict[str, bytes]):
    """A FileServer for `files` on a free port of 127.0.0.1, running until the block ends (stalls released)."""
    server = FileServer(files)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        yield server
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()
