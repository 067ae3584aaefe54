"""The desktop entry: a freedesktop .desktop file, the icon in the hicolor theme and AppStream metainfo, written to
(and removed from) the user's data folder, so that k49desk is in the application menu and under "Open with".

Specifications: Desktop Entry 1.4, Icon Theme, AppStream. XDG_DATA_HOME, else ~/.local/share.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path
from xml.sax.saxutils import escape

from k49desk.errors import K49Error
from k49desk.files import write_atomic
from k49desk.paths import APP_NAME, resources_dir

APP_ID = APP_NAME  # the desktop file's name without .desktop; the window tells Qt the same (setDesktopFileName)
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256)
# The pictures the Photo tab opens (photo.read_image: whatever Pillow reads of these).
MIME_TYPES = ("image/png", "image/jpeg", "image/bmp", "image/gif", "image/tiff", "image/webp")
NAME = {"": "k49desk", "ja": "k49desk くずし字ひらがな"}
GENERIC_NAME = {"": "Hiragana recogniser", "ja": "ひらがな認識"}
COMMENT = {"": "Train, evaluate and draw handwritten hiragana with Kuzushiji-49 (K49)",
           "ja": "Kuzushiji-49 (K49) で手書きのひらがなを学習・評価し、書いて試す"}
KEYWORDS = {"": "hiragana;kuzushiji;handwriting;recognition;machine learning;",
            "ja": "ひらがな;くずし字;手書き;文字認識;機械学習;"}


class DesktopEntryError(K49Error):
    """The desktop entry could not be written or removed (a folder not writable, a file in the way)."""


def data_home(environ=os.environ) -> Path:
    """$XDG_DATA_HOME when it is an absolute path (the spec ignores a relative one), else ~/.local/share."""
    value = environ.get("XDG_DATA_HOME", "")
    return Path(value) if value and os.path.isabs(value) else Path.home() / ".local" / "share"


def installed_paths(home: Path) -> list[Path]:
    """Every file --install-desktop writes under `home` (an XDG data folder)."""
    icons = home / "icons" / "hicolor"
    return [home / "applications" / f"{APP_ID}.desktop", home / "metainfo" / f"{APP_ID}.metainfo.xml",
            icons / "scalable" / "apps" / f"{APP_ID}.svg",
            *(icons / f"{size}x{size}" / "apps" / f"{APP_ID}.png" for size in PNG_SIZES)]


def command() -> str:
    """How the desktop runs k49desk: the console script beside this Python (a virtual environment or pipx need
    not be on the menu's PATH), else `k49desk` from PATH."""
    script = Path(sys.executable).parent / APP_NAME
    return shlex.quote(str(script)) if script.is_file() else APP_NAME


def _localized(key: str, values: dict[str, str]) -> str:
    return "".join(f"{key}{f'[{lang}]' if lang else ''}={text}\n" for lang, text in values.items())


def desktop_entry() -> str:
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Version=1.4\n"
        + _localized("Name", NAME)
        + _localized("GenericName", GENERIC_NAME)
        + _localized("Comment", COMMENT)
        + _localized("Keywords", KEYWORDS)
        + f"Icon={APP_ID}\n"
        f"Exec={command()} %f\n"
        "Terminal=false\n"
        "Categories=Education;ArtificialIntelligence;Languages;\n"
        f"MimeType={';'.join(MIME_TYPES)};\n"
        "StartupNotify=true\n"
        f"StartupWMClass={APP_NAME}\n"
    )


def metainfo() -> str:
    def localized(tag: str, values: dict[str, str]) -> str:
        return "".join(f"  <{tag}{f' xml:lang={chr(34)}{lang}{chr(34)}' if lang else ''}>{escape(text)}</{tag}>\n"
                       for lang, text in values.items())

    mimes = "".join(f"    <mediatype>{m}</mediatype>\n" for m in MIME_TYPES)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<component type="desktop-application">\n'
        f"  <id>{APP_ID}</id>\n"
        "  <metadata_license>CC0-1.0</metadata_license>\n"
        "  <project_license>MIT AND CC-BY-SA-4.0</project_license>\n"
        + localized("name", NAME)
        + localized("summary", COMMENT)
        + "  <description>\n"
        "    <p>Train a neural network on the Kuzushiji-49 data set of hiragana from classical Japanese books, "
        "measure it, see which characters it confuses, and try it on characters you draw or photograph.</p>\n"
        '    <p xml:lang="ja">古典籍のひらがなのデータセット Kuzushiji-49 でニューラルネットワークを学習し、評価して、'
        "取り違えやすい文字を調べ、手書きや写真の文字で試せます。</p>\n"
        "  </description>\n"
        f'  <launchable type="desktop-id">{APP_ID}.desktop</launchable>\n'
        f"  <provides>\n    <binary>{APP_NAME}</binary>\n{mimes}  </provides>\n"
        "  <categories>\n    <category>Education</category>\n    <category>Science</category>\n  </categories>\n"
        '  <content_rating type="oars-1.1"/>\n'
        "</component>\n"
    )


def install(home: Path | None = None) -> list[Path]:
    """Write the desktop file, icons and metainfo under `home` (default: data_home()); returns the files written.
    Each file is written whole or not at all; writing again replaces them."""
    home = data_home() if home is None else Path(home)
    desktop_file, metainfo_file, svg, *pngs = installed_paths(home)
    icons = resources_dir() / "desktop"
    contents = [(desktop_file, desktop_entry().encode()), (metainfo_file, metainfo().encode()),
                (svg, (icons / f"{APP_ID}.svg").read_bytes()),
                *((png, (icons / f"{APP_ID}-{size}.png").read_bytes()) for png, size in zip(pngs, PNG_SIZES))]
    try:
        for path, data in contents:
            write_atomic(path, lambda f, data=data: f.write(data))
    except OSError as e:
        raise DesktopEntryError(f"{e.filename or home}: cannot write the desktop entry ({e.strerror or e})") from e
    _refresh_caches(home)
    return [path for path, _ in contents]


def uninstall(home: Path | None = None) -> list[Path]:
    """Remove what install() wrote under `home`; returns the files removed (none when it was not installed)."""
    home = data_home() if home is None else Path(home)
    removed = []
    for path in installed_paths(home):
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        except OSError as e:
            raise DesktopEntryError(f"{path}: cannot remove it ({e.strerror or e})") from e
        removed.append(path)
    _refresh_caches(home)
    return removed


def _refresh_caches(home: Path) -> None:
    """Tell the desktop about the change where its cache tools are installed; menus also notice on their own."""
    import subprocess

    for tool, args in (("update-desktop-database", [str(home / "applications")]),
                       ("gtk-update-icon-cache", ["--quiet", "--ignore-theme-index", str(home / "icons" / "hicolor")])):
        if shutil.which(tool) and Path(args[-1]).is_dir():
            subprocess.run([tool, *args], check=False, capture_output=True)
