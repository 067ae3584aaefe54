"""The desktop entry: installed into a temporary XDG_DATA_HOME, valid by desktop-file-validate, removed again."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from k49desk import cli, desktop


@pytest.fixture
def data_home(tmp_path, monkeypatch):
    home = tmp_path / "xdg-data"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


def test_install_validate_uninstall(data_home, capsys):
    assert cli.main(["--install-desktop"]) == 0
    out = capsys.readouterr().out
    files = desktop.installed_paths(data_home)
    assert all(path.is_file() for path in files) and all(str(path) in out for path in files)

    entry_file = data_home / "applications" / "k49desk.desktop"
    if shutil.which("desktop-file-validate") is None:
        pytest.fail("desktop-file-validate is missing: apt-get install desktop-file-utils")
    result = subprocess.run(["desktop-file-validate", str(entry_file)], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr

    entry = configparser.ConfigParser(interpolation=None, strict=True)
    entry.optionxform = str
    entry.read(entry_file, encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Exec"].endswith("k49desk %f") and section["Icon"] == "k49desk"
    assert "くずし字" in section["Name[ja]"] and section["Name"] == "k49desk"
    assert "K49" in section["Comment"] and "ひらがな" in section["Comment[ja]"]
    assert {"image/png", "image/jpeg"} <= set(filter(None, section["MimeType"].split(";")))

    for size in desktop.PNG_SIZES:
        with Image.open(data_home / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "k49desk.png") as icon:
            assert icon.size == (size, size)
    svg = ET.parse(data_home / "icons" / "hicolor" / "scalable" / "apps" / "k49desk.svg").getroot()
    assert svg.tag.endswith("svg")
    info = ET.parse(data_home / "metainfo" / "k49desk.metainfo.xml").getroot()
    assert info.findtext("id") == "k49desk" and info.findtext("launchable") == "k49desk.desktop"
    if shutil.which("appstreamcli"):
        check = subprocess.run(["appstreamcli", "validate", "--no-net", "--explain",
                                str(data_home / "metainfo" / "k49desk.metainfo.xml")], capture_output=True, text=True)
        assert "error" not in check.stdout.lower().replace("errors: 0", ""), check.stdout

    assert cli.main(["--install-desktop"]) == 0  # again: replaces, no error
    assert cli.main(["--uninstall-desktop"]) == 0
    assert not any(path.exists() for path in files)
    assert cli.main(["--uninstall-desktop"]) == 0  # nothing left to remove is not an error
    assert "0 file(s)" in capsys.readouterr().out


def test_unwritable_data_home_is_one_message(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker))
    assert cli.main(["--install-desktop"]) == cli.EXIT_USER_ERROR
    err = capsys.readouterr().err
    assert err.startswith("k49desk: error: ") and "cannot write the desktop entry" in err and err.count("\n") == 1


def test_relative_xdg_data_home_is_ignored(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert desktop.data_home({"XDG_DATA_HOME": "relative/share"}) == tmp_path / ".local" / "share"
    assert desktop.data_home({"XDG_DATA_HOME": str(tmp_path / "x")}) == tmp_path / "x"


def test_the_shipped_icon_is_what_make_icon_draws():
    """The committed SVG matches its script, so that a change to the drawing is not lost."""
    import importlib.util

    from k49desk.paths import resources_dir

    spec = importlib.util.spec_from_file_location("make_icon", resources_dir() / "desktop" / "make_icon.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (resources_dir() / "desktop" / "k49desk.svg").read_text(encoding="utf-8") == module.svg()
