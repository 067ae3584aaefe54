"""download() against a local http.server: full download, resume, checksum, 404, server down, stalls, cancel,
and `k49desk download` end to end."""

from __future__ import annotations

import hashlib
import re
import socket
import threading
import time

import numpy as np
import pytest

from k49desk import cli, dataset
from k49desk import download as downloader
from k49desk.dataset import OfficialFile
from k49desk.download import DownloadProgress, download
from k49desk.errors import Cancelled, DownloadError

from http_mirror import serving, specs_of


@pytest.fixture
def payload() -> dict[str, bytes]:
    rng = np.random.default_rng(0)
    return {
        "big.bin": rng.integers(0, 256, 300_000, dtype=np.uint8).tobytes(),  # several chunks
        "small.csv": b"index,codepoint,char\n0,U+3042,\xe3\x81\x82\n",
    }


@pytest.fixture
def server(payload):
    with serving(payload) as srv:
        yield srv


@pytest.fixture
def specs(payload) -> dict[str, OfficialFile]:
    return specs_of(payload)


def cancel_once_written(file: str):
    """(progress callback, cancel flag): the flag is set once part of `file` is on disk, as if Cancel were pressed."""
    flag = threading.Event()

    def progress(p: DownloadProgress) -> None:
        if p.file == file and 0 < p.done < p.total:
            flag.set()

    return progress, flag


def test_official_table_matches_the_readme():
    assert dataset.FILE_NAMES == tuple(dataset.OFFICIAL)
    assert dataset.OFFICIAL["k49-train-imgs.npz"] == OfficialFile(
        "k49-train-imgs.npz", 66_117_696, "7ac088b20481cf51dcd01ceaab89d821"
    )
    assert dataset.OFFICIAL["k49_classmap.csv"].md5 == "f7d0d0391f68bdf0fe4cf160ceb85753"
    assert sum(f.size for f in dataset.OFFICIAL.values()) == 77_281_529


def test_full_download_reports_progress_and_skips_complete_files(tmp_path, server, payload, specs):
    events: list[DownloadProgress] = []
    out = tmp_path / "new" / "k49"
    paths = download(out, server.url, files=specs, progress=events.append)
    assert [p.name for p in paths] == list(payload)
    for p in paths:
        assert p.read_bytes() == payload[p.name]
    assert not list(out.glob("*.part"))
    assert events[-1].file == "small.csv" and events[-1].done == events[-1].total
    big = [e for e in events if e.file == "big.bin"]
    assert big[-1].done == 300_000 and big[-1].eta_s == 0 and big[-1].file_count == 2
    assert all(a.done <= b.done for a, b in zip(big, big[1:]))

    server.requests.clear()
    download(out, server.url, files=specs)
    assert server.requests == []


def test_resume_after_cut_connection(tmp_path, server, payload, specs):
    server.cut_after = 100_000
    with pytest.raises(DownloadError, match=r"big\.bin: the connection to 127\.0\.0\.1:\d+ broke .*resume"):
        download(tmp_path, server.url, files=specs)
    part = tmp_path / "big.bin.part"
    assert part.stat().st_size == 100_000
    assert not (tmp_path / "big.bin").exists()

    server.requests.clear()
    download(tmp_path, server.url, files=specs)
    assert server.requests[0] == ("big.bin", "bytes=100000-")
    assert (tmp_path / "big.bin").read_bytes() == payload["big.bin"]
    assert not part.exists()


def test_server_that_ignores_range_restarts_the_file(tmp_path, server, payload, specs):
    (tmp_path / "big.bin.part").write_bytes(b"\0" * 1000)  # garbage a resume would keep
    server.ignore_range = True
    download(tmp_path, server.url, files=specs)
    assert (tmp_path / "big.bin").read_bytes() == payload["big.bin"]


def test_range_not_satisfiable_starts_over(tmp_path, server, payload, specs):
    data = payload["small.csv"]
    (tmp_path / "small.csv.part").write_bytes(data[:10])
    server.files["small.csv"] = data[:5]  # a mirror with a shorter file answers 416 to bytes=10-
    with pytest.raises(DownloadError, match=r"small\.csv: the server offers 5 bytes, expected 34"):
        download(tmp_path, server.url, files={"small.csv": specs["small.csv"]})
    assert server.requests == [("small.csv", "bytes=10-"), ("small.csv", None)]
    assert not (tmp_path / "small.csv").exists()
    assert not (tmp_path / "small.csv.part").exists()


def test_checksum_mismatch_leaves_nothing_under_the_final_name(tmp_path, server, specs):
    wrong = "0" * 32
    specs["big.bin"] = OfficialFile("big.bin", specs["big.bin"].size, wrong)
    with pytest.raises(DownloadError) as e:
        download(tmp_path, server.url, files=specs)
    message = str(e.value)
    assert "big.bin: checksum mismatch" in message
    assert wrong in message and hashlib.md5(server.files["big.bin"]).hexdigest() in message
    assert not (tmp_path / "big.bin").exists()
    assert not (tmp_path / "big.bin.part").exists()


def test_wrong_size_on_the_server_is_refused_before_writing(tmp_path, server, specs):
    specs["big.bin"] = OfficialFile("big.bin", 1234, specs["big.bin"].md5)
    with pytest.raises(DownloadError, match=r"big\.bin: the server offers 300,000 bytes, expected 1,234"):
        download(tmp_path, server.url, files=specs)
    assert not (tmp_path / "big.bin").exists()


def test_404_names_the_url(tmp_path, server, specs):
    del server.files["small.csv"]
    with pytest.raises(DownloadError) as e:
        download(tmp_path, server.url, files=specs)
    assert str(e.value).startswith(server.url + "small.csv: not found on the server (HTTP 404)")
    assert (tmp_path / "big.bin").is_file()  # files before the missing one are kept, complete
    assert not (tmp_path / "small.csv").exists()


def test_server_down_names_the_host(tmp_path, specs):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(DownloadError, match=rf"cannot connect to 127\.0\.0\.1:{port}: connection refused"):
        download(tmp_path, f"http://127.0.0.1:{port}/k49", files=specs)
    assert list(tmp_path.iterdir()) == []


def test_silent_server_times_out(tmp_path, specs, monkeypatch):
    monkeypatch.setattr(downloader, "TIMEOUT_S", 0.2)
    with socket.socket() as s:  # accepts connections (kernel backlog) but never answers
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        with pytest.raises(DownloadError, match=rf"127\.0\.0\.1:{port} did not answer within 0\.2 s"):
            download(tmp_path, f"http://127.0.0.1:{port}/k49/", files=specs)


def test_unknown_host_says_offline(tmp_path, specs):
    with pytest.raises(DownloadError, match=r"cannot find no-such-host\.invalid: .*offline"):
        download(tmp_path, "http://no-such-host.invalid/k49/", files=specs)


def test_cancel_keeps_the_part_and_a_later_call_resumes(tmp_path, server, payload, specs):
    with pytest.raises(Cancelled):
        progress, cancel = cancel_once_written("big.bin")
        download(tmp_path, server.url, files=specs, progress=progress, cancel=cancel)
    part = tmp_path / "big.bin.part"
    assert 0 < part.stat().st_size < 300_000
    assert not (tmp_path / "big.bin").exists()
    kept = part.stat().st_size

    server.requests.clear()
    download(tmp_path, server.url, files=specs)
    assert server.requests[0] == ("big.bin", f"bytes={kept}-")
    assert (tmp_path / "big.bin").read_bytes() == payload["big.bin"]


def test_refuses_to_download_into_a_practice_set(tmp_path, server, specs):
    (tmp_path / dataset.PRACTICE_MARKER).write_text("{}")
    with pytest.raises(DownloadError, match="practice set"):
        download(tmp_path, server.url, files=specs)


def test_disk_error_is_a_download_error(tmp_path, server, specs):
    (tmp_path / "big.bin.part").mkdir()  # cannot be opened as a file
    with pytest.raises(DownloadError, match=r"cannot download big\.bin: .*big\.bin\.part: Is a directory"):
        download(tmp_path, server.url, files=specs)


class CancelLater:
    """A cancel flag that another thread sets after `delay` seconds, as the GUI's Cancel button would."""

    def __init__(self, delay: float):
        self.flag = threading.Event()
        self.timer = threading.Timer(delay, self.flag.set)
        self.timer.start()

    def is_set(self) -> bool:
        return self.flag.is_set()


def test_cancel_while_the_server_stalls_is_prompt_and_keeps_the_part(tmp_path, server, payload, specs):
    server.stall_after = 100_000
    began = time.monotonic()
    with pytest.raises(Cancelled):
        download(tmp_path, server.url, files=specs, cancel=CancelLater(0.5))
    assert time.monotonic() - began < 5  # not the 30 s socket timeout; typically ~0.6 s
    assert not [t for t in threading.enumerate() if t.name == "download big.bin"]  # its reading thread ended
    part = tmp_path / "big.bin.part"
    assert part.read_bytes() == payload["big.bin"][:100_000]
    assert not (tmp_path / "big.bin").exists()

    server.stall_after = None
    server.requests.clear()
    download(tmp_path, server.url, files=specs)
    assert server.requests[0] == ("big.bin", "bytes=100000-")
    assert (tmp_path / "big.bin").read_bytes() == payload["big.bin"]


def test_cancel_while_the_server_does_not_answer_is_prompt(tmp_path, specs):
    with socket.socket() as s:  # accepts connections (kernel backlog) but never answers: 30 s until the timeout
        s.bind(("127.0.0.1", 0))
        s.listen()
        began = time.monotonic()
        with pytest.raises(Cancelled):
            download(tmp_path, f"http://127.0.0.1:{s.getsockname()[1]}/k49/", files=specs, cancel=CancelLater(0.5))
        assert time.monotonic() - began < 5  # typically ~0.6 s
    assert not list(tmp_path.iterdir()), "nothing was received, nothing is written"


def test_server_that_stalls_mid_file_times_out(tmp_path, server, payload, specs, monkeypatch):
    monkeypatch.setattr(downloader, "TIMEOUT_S", 1.0)
    server.stall_after = 100_000
    began = time.monotonic()
    with pytest.raises(DownloadError) as e:
        download(tmp_path, server.url, files=specs)
    assert 0.9 < time.monotonic() - began < 10
    assert re.fullmatch(
        r"big\.bin: 127\.0\.0\.1:\d+ sent nothing for 1 s after 100\.0 KB of 300\.0 KB \(timed out\); "
        r"run download again to resume",
        str(e.value),
    ), str(e.value)
    assert (tmp_path / "big.bin.part").stat().st_size == 100_000
    assert not (tmp_path / "big.bin").exists()


@pytest.fixture
def official_mirror(server, monkeypatch) -> dict[str, bytes]:
    """The server offers small stand-ins under the five official names; dataset.OFFICIAL describes them."""
    rng = np.random.default_rng(1)
    files = {name: rng.integers(0, 256, 1000 * (i + 1), dtype=np.uint8).tobytes()
             for i, name in enumerate(dataset.FILE_NAMES)}
    files[dataset.TRAIN_IMAGES] = rng.integers(0, 256, 150_000, dtype=np.uint8).tobytes()  # several chunks
    server.files.clear()
    server.files.update(files)
    monkeypatch.setattr(dataset, "OFFICIAL", specs_of(files))
    return files


def test_cli_download_from_a_mirror(capsys, tmp_path, server, official_mirror):
    data_dir = tmp_path / "k49"
    code = cli.main(["download", "--data-dir", str(data_dir), "--base-url", server.url])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert sorted(p.name for p in data_dir.iterdir()) == sorted(official_mirror)
    for name, data in official_mirror.items():
        assert (data_dir / name).read_bytes() == data
    assert not list(data_dir.glob("*.part"))
    assert out.strip().splitlines()[-1] == f"K49 is complete in {data_dir} (5 files, checksums verified)"
    assert "error" not in err
