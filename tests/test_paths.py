"""Where data goes: the platform's user data folder for k49desk, K49DESK_DATA over it, --data-dir over both."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs
import pytest

from k49desk import cli, dataset, paths


@pytest.fixture
def user_data(tmp_path, monkeypatch) -> Path:
    """platformdirs answers a folder in tmp_path (and only for k49desk, without an author folder)."""
    folder = tmp_path / "user-data"

    def user_data_dir(appname=None, appauthor=None, *args, **kwargs):
        assert (appname, appauthor) == ("k49desk", False)
        return str(folder / appname)

    monkeypatch.setattr(platformdirs, "user_data_dir", user_data_dir)
    monkeypatch.delenv("K49DESK_DATA", raising=False)
    monkeypatch.delenv("K49DESK_RUNS", raising=False)
    return folder / "k49desk"


def test_default_is_the_platform_user_data_folder(monkeypatch):
    monkeypatch.delenv("K49DESK_DATA", raising=False)
    monkeypatch.delenv("K49DESK_RUNS", raising=False)
    user = Path(platformdirs.user_data_dir("k49desk", appauthor=False))
    assert paths.default_data_dir() == user / "k49"
    assert paths.default_runs_dir() == user / "runs"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG_DATA_HOME is the Linux convention")
def test_default_follows_xdg_data_home_on_linux(tmp_path, monkeypatch):
    monkeypatch.delenv("K49DESK_DATA", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert paths.default_data_dir() == tmp_path / "k49desk" / "k49"


def test_environment_overrides_the_default(tmp_path, monkeypatch, user_data):
    assert paths.default_data_dir() == user_data / "k49"
    monkeypatch.setenv("K49DESK_DATA", str(tmp_path / "mine"))
    assert paths.default_data_dir() == tmp_path / "mine"
    monkeypatch.setenv("K49DESK_DATA", "~/k49-elsewhere")
    assert paths.default_data_dir() == Path.home() / "k49-elsewhere"
    monkeypatch.setenv("K49DESK_DATA", "")  # set but empty: as if unset
    assert paths.default_data_dir() == user_data / "k49"

    monkeypatch.setenv("K49DESK_RUNS", str(tmp_path / "my-runs"))
    assert paths.default_runs_dir() == tmp_path / "my-runs"
    assert paths.default_data_dir() == user_data / "k49"  # each variable moves only its own folder


def _practice_folder(path: Path) -> Path:
    """A folder `download` refuses at once, naming it: which folder the CLI chose, without any network."""
    path.mkdir(parents=True)
    (path / dataset.PRACTICE_MARKER).write_text("{}", encoding="utf-8")
    return path


def _download_refuses(capsys, *argv) -> str:
    code = cli.main(["download", "--base-url", "http://127.0.0.1:9/", *map(str, argv)])
    _, err = capsys.readouterr()
    assert code == 2, err
    return err.strip()


def test_cli_uses_the_user_data_folder_then_the_environment_then_the_flag(capsys, tmp_path, monkeypatch, user_data):
    default = _practice_folder(user_data / "k49")
    from_env = _practice_folder(tmp_path / "from-env")
    from_flag = _practice_folder(tmp_path / "from-flag")
    refused = "this folder holds a practice set"

    assert _download_refuses(capsys) == f"k49desk: error: {default}: {refused}; download K49 into another folder"
    monkeypatch.setenv("K49DESK_DATA", str(from_env))
    assert _download_refuses(capsys).startswith(f"k49desk: error: {from_env}: {refused}")
    assert _download_refuses(capsys, "--data-dir", from_flag).startswith(f"k49desk: error: {from_flag}: {refused}")
    monkeypatch.delenv("K49DESK_DATA")
    assert _download_refuses(capsys, "--data-dir", from_flag).startswith(f"k49desk: error: {from_flag}: {refused}")


def test_help_names_the_default(capsys):
    assert cli.main(["download", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "$K49DESK_DATA" in out and "user data folder" in out
