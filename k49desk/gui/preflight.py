"""Before Qt starts: can a window open here? Qt-free, so that it runs before Qt loads a single library.

Without a display, or without a system library its platform plugin needs, Qt prints a misleading message and
aborts with a core dump. This names what is missing instead, with the command that installs it, and says that the
command line works without a window. It checks what the platform Qt will use needs, and nothing else: a display
for xcb (DISPLAY, and that the X server answers), a socket for wayland, and for every platform the shared
libraries of its plugin and of QtWidgets as the dynamic linker resolves them (ldd).
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import socket
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from k49desk.errors import DesktopError

# The package that installs each shared library (by its name up to ".so"): Debian/Ubuntu, Fedora.
LIBRARY_PACKAGES: Mapping[str, tuple[str, str]] = {
    "libxcb-cursor": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-keysyms": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxkbcommon-x11": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libxkbcommon": ("libxkbcommon0", "libxkbcommon"),
    "libxcb-image": ("libxcb-image0", "xcb-util-image"),
    "libxcb-render-util": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-util": ("libxcb-util1", "xcb-util"),
    "libxcb-shape": ("libxcb-shape0", "libxcb"),
    "libxcb-randr": ("libxcb-randr0", "libxcb"),
    "libxcb-xinerama": ("libxcb-xinerama0", "libxcb"),
    "libxcb-xkb": ("libxcb-xkb1", "libxcb"),
    "libxcb-shm": ("libxcb-shm0", "libxcb"),
    "libxcb-sync": ("libxcb-sync1", "libxcb"),
    "libxcb-xfixes": ("libxcb-xfixes0", "libxcb"),
    "libxcb-render": ("libxcb-render0", "libxcb"),
    "libxcb-xinput": ("libxcb-xinput0", "libxcb"),
    "libxcb": ("libxcb1", "libxcb"),
    "libX11-xcb": ("libx11-xcb1", "libX11-xcb"),
    "libX11": ("libx11-6", "libX11"),
    "libEGL": ("libegl1", "libglvnd-egl"),
    "libGL": ("libgl1", "libglvnd-glx"),
    "libGLX": ("libglx0", "libglvnd-glx"),
    "libOpenGL": ("libopengl0", "libglvnd-opengl"),
    "libfontconfig": ("libfontconfig1", "fontconfig"),
    "libfreetype": ("libfreetype6", "freetype"),
    "libdbus-1": ("libdbus-1-3", "dbus-libs"),
    "libglib-2.0": ("libglib2.0-0", "glib2"),
    "libgthread-2.0": ("libglib2.0-0", "glib2"),
    "libwayland-client": ("libwayland-client0", "libwayland-client"),
    "libwayland-cursor": ("libwayland-cursor0", "libwayland-cursor"),
    "libwayland-egl": ("libwayland-egl1", "libwayland-egl"),
}
CONNECT_TIMEOUT_S = 3.0
NO_WINDOW_NEEDED = "the command line works without a window (k49desk --help)"


def qt_dir() -> Path | None:
    """PySide6's Qt folder (plugins, lib), found without importing PySide6; None when PySide6 is not installed."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "Qt"


def platforms(environ: Mapping[str, str]) -> list[str]:
    """The platforms Qt will try, in order; starting with any one of them is enough. Empty off Linux and BSD,
    where Qt's own platform (Windows, Cocoa) needs nothing installed."""
    explicit = environ.get("QT_QPA_PLATFORM", "")
    if explicit.strip():
        return [name.split(":")[0].strip() for name in explicit.split(";") if name.strip()]
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return []
    # Qt itself picks Wayland in a Wayland session and falls back to X11 (XWayland).
    return ["wayland", "xcb"] if environ.get("XDG_SESSION_TYPE") == "wayland" else ["xcb"]


def plugin_file(platform: str, qt: Path) -> Path:
    """The plugin file Qt loads for a platform name ("xcb" -> platforms/libqxcb.so, "wayland-egl" -> libqwayland)."""
    base = "wayland" if platform.startswith("wayland") else platform
    return qt / "plugins" / "platforms" / f"libq{base}.so"


def unresolved_libraries(path: Path) -> list[str]:
    """The shared libraries that `path` needs, directly or through others, and the dynamic linker cannot find
    (ldd's "not found"). Empty where ldd is not there to ask."""
    try:
        done = subprocess.run(["ldd", str(path)], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return []
    names = re.findall(r"^\s*(\S+) => not found", done.stdout, flags=re.MULTILINE)
    return list(dict.fromkeys(names))


def _stem(library: str) -> str:
    return library.split(".so")[0]


def _x_display_problem(display: str) -> str | None:
    """Why the X display cannot be opened, or None when it answers (and lets this process in)."""
    if not display:
        return ("no X display: DISPLAY is not set (start k49desk in a desktop session; over SSH, connect with "
                "ssh -X)")
    match = re.fullmatch(r"(?:(?P<host>[^:/]*)(?:/unix)?)?:(?P<number>\d+)(?:\.\d+)?", display)
    if display.startswith("/"):  # a socket path (XQuartz)
        addresses = [(socket.AF_UNIX, display)]
    elif match is None:
        return f"the X display DISPLAY={display} is not of the form [host]:number[.screen]"
    elif match["host"] in ("", "unix"):
        path = f"/tmp/.X11-unix/X{match['number']}"
        addresses = [(socket.AF_UNIX, "\0" + path), (socket.AF_UNIX, path)]
    else:
        addresses = [(socket.AF_INET, (match["host"], 6000 + int(match["number"])))]
    if not any(_answers(family, address) for family, address in addresses):
        return f"the X display {display} cannot be opened (no X server answers there)"
    return _x_handshake_problem(display)


def _answers(family: int, address) -> bool:
    """True when something accepts a connection at the address within CONNECT_TIMEOUT_S."""
    try:
        if family == socket.AF_INET:
            socket.create_connection(address, CONNECT_TIMEOUT_S).close()
        else:
            with socket.socket(family, socket.SOCK_STREAM) as s:
                s.settimeout(CONNECT_TIMEOUT_S)
                s.connect(address)
        return True
    except OSError:
        return False


def _x_handshake_problem(display: str) -> str | None:
    """Connect with libxcb as Qt will: a server that answers may still refuse this user (X authority)."""
    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return None  # the missing library is reported with the plugin's
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(display.encode(), None)
    error = xcb.xcb_connection_has_error(connection)
    xcb.xcb_disconnect(connection)
    if error:
        return (f"the X display {display} refused the connection (not authorised: check XAUTHORITY, or "
                "'xhost +SI:localuser:$USER' on the display)")
    return None


def _wayland_problem(environ: Mapping[str, str]) -> str | None:
    name = environ.get("WAYLAND_DISPLAY") or "wayland-0"
    runtime = environ.get("XDG_RUNTIME_DIR")
    if not name.startswith("/") and not runtime:
        return "no Wayland display: XDG_RUNTIME_DIR is not set"
    path = name if name.startswith("/") else os.path.join(runtime, name)
    if not _answers(socket.AF_UNIX, path):
        return f"the Wayland display {path} cannot be opened (no compositor answers there)"
    return None


def _platform_problems(platform: str, qt: Path, environ: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """(problems in words, missing libraries) for one platform."""
    plugin = plugin_file(platform, qt)
    if not plugin.is_file():
        available = sorted(p.name[4:-3] for p in plugin.parent.glob("libq*.so"))
        return [f"Qt has no platform '{platform}' (QT_QPA_PLATFORM; available: {', '.join(available)})"], []
    problems = []
    if platform == "xcb":
        problems.append(_x_display_problem(environ.get("DISPLAY", "")))
    elif platform.startswith("wayland"):
        problems.append(_wayland_problem(environ))
    return [p for p in problems if p], unresolved_libraries(plugin)


def desktop_problem(environ: Mapping[str, str] | None = None, qt: Path | None = None) -> str | None:
    """One message saying why Qt cannot open a window here and what installs the missing parts; None when it can
    (or when there is nothing to check: not Linux, PySide6 not installed)."""
    environ = os.environ if environ is None else environ
    qt = qt_dir() if qt is None else qt
    candidates = platforms(environ)
    if qt is None or not candidates:
        return None
    widgets = next(iter(sorted(qt.parent.glob("QtWidgets*.so"))), None)
    missing_for_widgets = unresolved_libraries(widgets) if widgets is not None else []
    problems: list[str] = []
    missing: list[str] = list(missing_for_widgets)
    for platform in candidates:
        words, libraries = _platform_problems(platform, qt, environ)
        if not words and not libraries and not missing_for_widgets:
            return None
        problems += words
        missing += libraries
    return _message(problems, list(dict.fromkeys(missing)), candidates)


def _message(problems: list[str], missing: list[str], candidates: list[str]) -> str:
    parts = list(problems)
    if missing:
        names = ", ".join(missing)
        parts.append(f"Qt's {'/'.join(candidates)} platform needs {names}, not installed")
        known = [LIBRARY_PACKAGES[_stem(m)] for m in missing if _stem(m) in LIBRARY_PACKAGES]
        if known:
            debian = " ".join(dict.fromkeys(d for d, _ in known))
            fedora = " ".join(dict.fromkeys(f for _, f in known))
            parts.append(f"install with 'sudo apt-get install {debian}' (Debian/Ubuntu) or "
                         f"'sudo dnf install {fedora}' (Fedora)")
        unknown = [m for m in missing if _stem(m) not in LIBRARY_PACKAGES]
        if any(m.startswith("libQt6") for m in unknown):
            parts.append("PySide6 is incomplete: reinstall it (pip install --force-reinstall PySide6)")
        elif unknown:
            parts.append(f"find the package for {', '.join(unknown)} with 'apt-file search' or 'dnf provides'")
    return f"cannot open the window: {'; '.join(parts)}; {NO_WINDOW_NEEDED}"


def check_desktop() -> None:
    """DesktopError with desktop_problem's message when a window cannot open here."""
    problem = desktop_problem()
    if problem is not None:
        raise DesktopError(problem)
