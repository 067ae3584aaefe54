"""Start-up on a real desktop: without a display, or without a library Qt's platform plugin needs, `k49desk` says
what is missing and how to install it (status 2) instead of aborting with a core dump."""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from k49desk.gui import preflight

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Qt's xcb and ldd: Linux")


def unused_display() -> str:
    """An X display number nothing listens on (neither its socket file nor the abstract socket)."""
    for number in range(173, 400):
        path = f"/tmp/.X11-unix/X{number}"
        with socket.socket(socket.AF_UNIX) as s:
            try:
                s.connect("\0" + path)
            except OSError:
                if not os.path.exists(path):
                    return f":{number}"
    pytest.fail("no free X display number")


def start_app(env: dict, pythonpath: str | None = None) -> subprocess.CompletedProcess:
    """`python -m k49desk` with no command (the desktop app) from this checkout, in a desktop-less environment."""
    env = {k: v for k, v in env.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY", "XDG_SESSION_TYPE")} | {
        k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "TMPDIR")}
    if pythonpath is not None:
        env["PYTHONPATH"] = pythonpath
    return subprocess.run([sys.executable, "-m", "k49desk"], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120)


def one_line(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 2, (done.returncode, done.stderr)  # not 134: no abort, no core dump
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("k49desk: error: cannot open the window: "), done.stderr
    assert lines[0].endswith("; the command line works without a window (k49desk --help)")
    return lines[0]


def test_a_display_that_cannot_be_opened_is_named():
    display = unused_display()
    message = one_line(start_app({"DISPLAY": display}))
    assert f"the X display {display} cannot be opened (no X server answers there)" in message


def test_no_display_at_all_says_so():
    message = one_line(start_app({}))
    assert "no X display: DISPLAY is not set" in message and "ssh -X" in message


def pyside_missing_a_library(root: Path) -> Path:
    """A PySide6 whose xcb plugin needs a libxcb-cursor that is not installed: the real package mirrored with
    symlinks, except for a copy of libqxcb.so whose entry for libxcb-cursor.so.0 names libxcb-cursor.so.9
    (the same length, so the ELF file stays sound)."""
    real = Path(next(iter(importlib.util.find_spec("PySide6").submodule_search_locations)))
    src, dst = real, root / "PySide6"
    for part in ("Qt", "plugins", "platforms", None):
        dst.mkdir(parents=True)
        for entry in src.iterdir():
            if entry.name not in (part, "libqxcb.so"):
                (dst / entry.name).symlink_to(entry)
        if part is not None:
            src, dst = src / part, dst / part
    plugin = (src / "libqxcb.so").read_bytes()
    assert plugin.count(b"libxcb-cursor.so.0\0") == 1
    (dst / "libqxcb.so").write_bytes(plugin.replace(b"libxcb-cursor.so.0\0", b"libxcb-cursor.so.9\0"))
    (root / "shiboken6").symlink_to(real.parent / "shiboken6")  # beside PySide6, as pip installs them
    return root


def test_a_missing_library_is_named_with_the_install_commands(tmp_path):
    site = pyside_missing_a_library(tmp_path / "site")
    qt = site / "PySide6" / "Qt"
    assert preflight.unresolved_libraries(qt / "plugins" / "platforms" / "libqxcb.so") == ["libxcb-cursor.so.9"]
    message = one_line(start_app({"DISPLAY": unused_display()}, pythonpath=str(site)))
    assert ("Qt's xcb platform needs libxcb-cursor.so.9, not installed; install with 'sudo apt-get install "
            "libxcb-cursor0' (Debian/Ubuntu) or 'sudo dnf install xcb-util-cursor' (Fedora)") in message
    # An explicit platform is respected: offscreen needs neither a display nor the xcb plugin's libraries.
    assert preflight.desktop_problem({"QT_QPA_PLATFORM": "offscreen"}, qt) is None
    assert "libxcb-cursor" in preflight.desktop_problem({"QT_QPA_PLATFORM": "xcb", "DISPLAY": ""}, qt)


def test_which_platforms_are_checked():
    assert preflight.platforms({"QT_QPA_PLATFORM": "wayland;xcb"}) == ["wayland", "xcb"]
    assert preflight.platforms({"QT_QPA_PLATFORM": "vnc:size=800x600"}) == ["vnc"]
    assert preflight.platforms({"XDG_SESSION_TYPE": "wayland"}) == ["wayland", "xcb"]
    assert preflight.platforms({}) == ["xcb"]
    message = preflight.desktop_problem({"QT_QPA_PLATFORM": "nonesuch"})
    assert "Qt has no platform 'nonesuch'" in message and "offscreen" in message


def test_every_library_has_a_debian_and_a_fedora_package():
    for library, (debian, fedora) in preflight.LIBRARY_PACKAGES.items():
        assert library.startswith("lib") and debian and fedora and " " not in debian + fedora


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs xvfb-run (.ci/run installs it)")
def test_an_x_server_that_answers_but_refuses_this_user_is_named():
    check = ("import os; from k49desk.gui.preflight import desktop_problem; "
             "print(desktop_problem({'DISPLAY': os.environ['DISPLAY']}))")
    script = (f"{sys.executable} -c \"{check}\"; "
              f"HOME=/nonexistent env -u XAUTHORITY {sys.executable} -c \"{check}\"")
    done = subprocess.run(["xvfb-run", "-a", "sh", "-c", script], cwd=REPO, capture_output=True, text=True,
                          timeout=120)
    allowed, refused = done.stdout.strip().splitlines()
    assert allowed == "None", done.stderr
    assert "refused the connection (not authorised: check XAUTHORITY" in refused
