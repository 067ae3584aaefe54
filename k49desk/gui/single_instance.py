"""One window per user: a second `k49desk PICTURE` hands its picture to the window already open (a local socket)
instead of starting a second TensorFlow.

The window listens on a local socket named per user (and per settings file, so that tests and the CI smoke test
never talk to the user's own window). A client sends the picture's absolute path as one UTF-8 line and waits for
"ok"; without an answer it starts a window of its own.
"""

from __future__ import annotations

import getpass
import hashlib
import os
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

CONNECT_MS = 1000
REPLY_MS = 3000


def server_name() -> str:
    name = f"k49desk-{getpass.getuser()}"
    settings = os.environ.get("K49DESK_SETTINGS")
    if settings:
        name += "-" + hashlib.sha256(str(Path(settings).resolve()).encode()).hexdigest()[:12]
    return name


def send_to_running(picture: Path, name: str | None = None) -> bool:
    """Hand `picture` to the running window; False when none answers (then this process opens its own)."""
    socket = QLocalSocket()
    socket.connectToServer(name or server_name())
    if not socket.waitForConnected(CONNECT_MS):
        return False
    socket.write(str(Path(picture).absolute()).encode("utf-8") + b"\n")
    socket.flush()
    answered = socket.waitForReadyRead(REPLY_MS) and socket.readLine().data().strip() == b"ok"
    socket.disconnectFromServer()
    return answered


class PictureServer(QObject):
    """Listens for pictures from later `k49desk PICTURE` runs; `pictureReceived(path)` for each."""

    pictureReceived = Signal(str)

    def __init__(self, name: str | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.name = name or server_name()
        self.server.newConnection.connect(self._on_connection)

    def listen(self) -> bool:
        """Start listening; False when another window already does. A socket left by a crashed window is removed."""
        # Asked first: Qt's listen() on Unix replaces a socket file of the same name, a live window's included.
        probe = QLocalSocket()
        probe.connectToServer(self.name)
        if probe.waitForConnected(CONNECT_MS):
            probe.disconnectFromServer()
            return False
        QLocalServer.removeServer(self.name)
        return self.server.listen(self.name)

    def _on_connection(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            socket.readyRead.connect(lambda socket=socket: self._read(socket))
            socket.disconnected.connect(socket.deleteLater)

    def _read(self, socket: QLocalSocket) -> None:
        while socket.canReadLine():
            path = socket.readLine().data().decode("utf-8", "replace").strip()
            if path:
                socket.write(b"ok\n")
                socket.flush()
                self.pictureReceived.emit(path)
