"""Fixtures of the security tests: the hostile corpus on disk, a watched port, a secret file."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.security.corpus import SECRET, VALID_315, Hostile, corpus, write_secret


@dataclass
class HostileSet:
    directory: Path
    """Every hostile file, plus ``specials`` (a FIFO, a dangling link, a file that fails to read)."""
    entries: list[Hostile]
    specials: dict[str, str]
    """file name → what its finding says."""
    secret: Path
    listener: socket.socket

    def populate(self, target: Path) -> Path:
        """A fresh copy of the corpus (FIFO and links included) in ``target``, for a test to change."""
        target.mkdir(parents=True)
        for path in self.directory.iterdir():
            if path.is_symlink():
                (target / path.name).symlink_to(path.readlink())
            elif path.is_fifo():
                os.mkfifo(target / path.name)
            else:
                (target / path.name).write_bytes(path.read_bytes())
        return target

    def contacted(self) -> bool:
        """Did anything connect to the watched port?"""
        self.listener.setblocking(False)
        try:
            connection, _ = self.listener.accept()
        except BlockingIOError:
            return False
        connection.close()
        return True

    def assert_nothing_leaked(self, *outputs: str) -> None:
        assert not self.contacted(), "something connected to the watched port (network access)"
        for output in outputs:
            assert SECRET not in output, "the content of the secret file reached the output (file read)"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileSet]:
    base = tmp_path_factory.mktemp("hostile")
    secret = write_secret(base)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    entries = corpus(secret, listener.getsockname()[1])
    directory = base / "in"
    directory.mkdir()
    for entry in entries:
        (directory / f"{entry.name}.xml").write_bytes(entry.data)
    specials = {"zz-vanished.xml": "symbolic link to a file that does not exist"}
    (directory / "zz-vanished.xml").symlink_to(base / "gone-before-reading.xml")
    if hasattr(os, "mkfifo"):
        os.mkfifo(directory / "zz-fifo.xml")  # opening a FIFO for reading would block forever
        specials["zz-fifo.xml"] = "not a regular file"
    if Path("/proc/self/mem").exists():
        (directory / "zz-eio.xml").symlink_to("/proc/self/mem")  # open succeeds, read fails (EIO), even as root
        specials["zz-eio.xml"] = "cannot be read"
    try:
        yield HostileSet(directory, entries, specials, secret, listener)
    finally:
        listener.close()


@pytest.fixture
def valid_315() -> bytes:
    return VALID_315.read_bytes()
