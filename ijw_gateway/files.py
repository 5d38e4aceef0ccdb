"""Writing files so that they appear whole or not at all (a crash never leaves half a file)."""

import os
import re
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from ijw_gateway.errors import UsageError


def _file_mode() -> int:
    """The mode a plain ``open()`` would give a new file under the process's umask."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


_FILE_MODE = _file_mode()


@contextmanager
def atomic_open(path: Path, *, text: bool = False, option: str | None = None,
                mode: int | None = None) -> Iterator[IO[Any]]:
    """A file that appears at ``path`` complete, or not at all (a temporary file in the same
    directory, fsynced and renamed). It gets the mode a plain ``open()`` would give it (the
    umask decides), not the owner-only mode of the temporary file, unless ``mode`` is given
    (``0o600`` for a file with personal data: it never exists with a wider mode). UsageError
    when the directory cannot be written; ``option`` (``--output``) names where the path came from."""
    where = f"{option} {path}: " if option else ""
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise UsageError(f"{where}cannot write in {path.parent} ({error.strerror or error})") from None
    try:
        os.fchmod(fd, _FILE_MODE if mode is None else mode)
        handle = os.fdopen(fd, "w", encoding="utf-8", newline="\n") if text else os.fdopen(fd, "wb")
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as error:  # disk full, a directory in the way, …: nothing is left behind
        Path(temporary).unlink(missing_ok=True)
        raise UsageError(f"{where}cannot write {path} ({error.strerror or error})") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_bytes_atomic(path: Path, data: bytes, *, option: str | None = None, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` whole or not at all (see :func:`atomic_open`)."""
    with atomic_open(path, option=option, mode=mode) as handle:
        handle.write(data)


def write_all_atomic(files: list[tuple[Path, bytes]]) -> list[Path]:
    """Write every (path, data), each atomically, or on any failure none: those already
    written are removed again. Returns the paths, in order."""
    written: list[Path] = []
    try:
        for path, data in files:
            write_bytes_atomic(path, data)
            written.append(path)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return written


def ensure_directory(path: Path, option: str) -> Path:
    """Create ``path`` (and parents) if needed; a usage error naming ``option`` if that is impossible."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"{option} {path}: cannot create the directory ({error.strerror or error})") from None
    if not os.access(path, os.W_OK):
        raise UsageError(f"{option} {path}: the directory is not writable")
    remove_stale_temporaries(path)
    return path


_TEMPORARY = re.compile(r"\..+\.(?P<pid>\d+)\.[^.]+\.tmp")


def remove_stale_temporaries(directory: Path) -> int:
    """Remove the temporary files that writers killed mid-write (SIGKILL, power loss) left in ``directory``.

    A temporary file names its writer's process (:func:`atomic_open`); only those of processes
    that no longer run are removed, so a writer at work in the same directory keeps its own.
    """
    if os.name != "posix":  # os.kill(pid, 0) tests for a process only on POSIX
        return 0
    removed = 0
    with os.scandir(directory) as entries:
        for entry in entries:
            match = _TEMPORARY.fullmatch(entry.name)
            if match and not _running(int(match["pid"])):
                Path(entry.path).unlink(missing_ok=True)
                removed += 1
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):  # gone, or a number no process can have
        return False
    except PermissionError:  # another user's process
        return True
    try:  # a killed process nobody has reaped yet (a zombie) writes nothing more
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def xml_files(directory: Path) -> list[Path]:
    """Every ``*.xml`` below ``directory``, in order; a UsageError naming any directory that cannot be read.

    (``Path.rglob`` would silently skip an unreadable subdirectory, and its messages with it.)
    """

    def fail(error: OSError) -> None:
        raise UsageError(f"cannot read directory {error.filename}: {error.strerror or error}")

    found: list[Path] = []
    for root, dirs, files in os.walk(directory, onerror=fail):
        dirs.sort()
        found.extend(Path(root) / name for name in files if name.lower().endswith(".xml"))
    return sorted(found)


class NotARegularFile(OSError):
    """A named pipe, device or socket: reading it could block forever or never end."""


def read_regular_file(path: Path, at_most: int) -> bytes:
    """Up to ``at_most`` bytes of ``path``; opened without blocking, so a FIFO cannot hang the batch."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as handle:
        status = os.fstat(fd)
        if stat.S_ISDIR(status.st_mode):
            raise IsADirectoryError(path)
        if not stat.S_ISREG(status.st_mode):
            raise NotARegularFile(path)
        # read(n) allocates n bytes first: ask for what the file holds (one more shows that it grew)
        data = handle.read(min(at_most, status.st_size + 1))
        if len(data) > status.st_size and len(data) < at_most:
            data += handle.read(at_most - len(data))
        return data
