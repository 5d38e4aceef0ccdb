"""Every file ijw writes goes through here: outputs appear whole or not at all, and never replace
what is not ours. The rules (SECURITY.md, "Outputs and temporary files"):

* ``-`` is standard output. An existing character device (``/dev/null``, a terminal) or named
  pipe, and ``/dev/stdout`` and ``/dev/fd/N``, are written *through*: opened and written, no
  temporary file, no rename.
* A symbolic link is followed to its target, and the target is treated by these rules: a
  regular file there is replaced atomically, the link stays. A link in a sticky, world-writable
  directory (``/tmp``) that belongs neither to us nor to the directory's owner is not followed,
  as the kernel's ``protected_symlinks`` would refuse it to a shell.
* A regular file, or a name that does not exist yet, is written to a temporary file of ours in
  the same directory, fsynced and renamed over the name. A file replaced keeps its mode and owner;
  a file of another user that we cannot give back to them is refused.
* A directory, block device or socket is refused with one sentence.

Temporary files and staging directories carry a name no user picks by accident,
``.NAME.ijw-PID-TOKEN-TAG.tmp`` and ``.ijw-stage-PID-TOKEN-TAG``, where TAG is a checksum
over the rest. Only entries with such a name and a matching TAG, owned by our user, of a
process that no longer runs are removed as stale, and only in the directory we write into
(for one output file: only the temporaries of that file's name).
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import secrets
import shutil
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ijw_gateway.errors import UsageError

STDOUT = "-"
_MAX_LINKS = 40  # the kernel's own limit on symbolic links in one path (ELOOP)
_FOLLOW_OPEN = os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)


def _file_mode() -> int:
    """The mode a plain ``open()`` would give a new file under the process's umask."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


_FILE_MODE = _file_mode()


def _euid() -> int:
    return os.geteuid() if hasattr(os, "geteuid") else 0


def _where(path: Path | str, option: str | None) -> str:
    return f"{option} {path}" if option else str(path)


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


# --------------------------------------------------------------------------- where the bytes go
@dataclass(frozen=True)
class Target:
    """Where an output goes: ``path`` (a link already followed) and how it is written."""

    path: Path
    through: bool = False
    """Written through (a device, a named pipe, standard output): no temporary file, no rename."""
    stdout: bool = False
    append: bool = False
    """A regular file behind ``/dev/stdout`` or ``/dev/fd/N``: written at its end, as a shell's ``>>`` would."""


def output_target(path: Path | str, option: str | None = None) -> Target:
    """Where writing to ``path`` lands, by the rules above; UsageError naming ``option`` when it may not be written."""
    if str(path) == STDOUT:
        return Target(Path(STDOUT), through=True, stdout=True)
    given = Path(path)
    where = _where(given, option)
    current = given
    for _ in range(_MAX_LINKS):
        try:
            info = os.lstat(current)
        except FileNotFoundError:
            parent = current.parent
            if not parent.is_dir():
                raise UsageError(f"{where}: the directory {parent} does not exist") from None
            return Target(current)
        except OSError as error:
            raise UsageError(f"{where}: cannot be used ({_reason(error)})") from None
        mode = info.st_mode
        if stat.S_ISLNK(mode):
            if _on_procfs(current.parent):  # /dev/stdout, /dev/fd/N: the open file of a descriptor
                return _descriptor_target(current, where)
            _may_follow(current, info, where)
            current = Path(os.path.join(current.parent, os.readlink(current)))
            continue
        if stat.S_ISREG(mode):
            return Target(current)
        if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
            return Target(current, through=True)
        if stat.S_ISDIR(mode):
            raise UsageError(f"{where}: is a directory (expected a file name)")
        kind = "a block device" if stat.S_ISBLK(mode) else "a socket"
        raise UsageError(f"{where}: is {kind}; ijw writes only to files, character devices and named pipes")
    raise UsageError(f"{where}: too many levels of symbolic links")


def _on_procfs(directory: Path) -> bool:
    return os.path.realpath(directory).startswith("/proc/")


def _descriptor_target(link: Path, where: str) -> Target:
    try:
        info = os.stat(link)
    except OSError as error:
        raise UsageError(f"{where}: cannot be used ({_reason(error)})") from None
    if stat.S_ISREG(info.st_mode):
        return Target(link, through=True, append=True)
    if stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode):
        return Target(link, through=True)
    raise UsageError(f"{where}: is not a file, character device or named pipe")


def _may_follow(link: Path, info: os.stat_result, where: str) -> None:
    """Refuse a link the kernel's ``protected_symlinks`` would not let a shell follow."""
    try:
        directory = os.stat(link.parent)
    except OSError:
        return
    shared = directory.st_mode & stat.S_ISVTX and directory.st_mode & stat.S_IWOTH
    if shared and info.st_uid not in (_euid(), directory.st_uid):
        raise UsageError(
            f"{where}: is a symbolic link of another user in the shared directory {link.parent}; "
            "it is not followed (give the file it points to, or another name)"
        )


# --------------------------------------------------------------------------- temporary files
_TEMPORARY = re.compile(r"\.(?P<name>.+)\.ijw-(?P<pid>\d+)-(?P<token>[0-9a-f]{8})-(?P<tag>[0-9a-f]{8})\.tmp")
_STAGE = re.compile(r"\.ijw-stage-(?P<pid>\d+)-(?P<token>[0-9a-f]{8})-(?P<tag>[0-9a-f]{8})")


def _tag(kind: str, name: str, pid: str, token: str) -> str:
    return hashlib.sha256(f"ijw-gateway {kind}\0{name}\0{pid}\0{token}\0{_euid()}".encode()).hexdigest()[:8]


def _temporary_name(name: str) -> str:
    pid, token = str(os.getpid()), secrets.token_hex(4)
    return f".{name}.ijw-{pid}-{token}-{_tag('temporary', name, pid, token)}.tmp"


def _stage_name() -> str:
    pid, token = str(os.getpid()), secrets.token_hex(4)
    return f".ijw-stage-{pid}-{token}-{_tag('stage', '', pid, token)}"


def is_temporary(name: str) -> bool:
    """True for the name of one of our temporary files or staging directories (checksum included)."""
    return _parse(name) is not None


def _parse(name: str) -> tuple[str, int, str | None] | None:
    """(kind, pid, the output's name) of one of our names with a valid checksum, else None."""
    match = _TEMPORARY.fullmatch(name)
    if match and match["tag"] == _tag("temporary", match["name"], match["pid"], match["token"]):
        return "temporary", int(match["pid"]), match["name"]
    match = _STAGE.fullmatch(name)
    if match and match["tag"] == _tag("stage", "", match["pid"], match["token"]):
        return "stage", int(match["pid"]), None
    return None


def _create_temporary(directory: Path, name: str, where: str) -> tuple[int, Path]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        temporary = directory / _temporary_name(name)
        try:
            return os.open(temporary, flags | getattr(os, "O_BINARY", 0), 0o600), temporary
        except FileExistsError:
            continue
        except OSError as error:
            raise UsageError(f"{where}: cannot write in {directory} ({_reason(error)})") from None
    raise UsageError(f"{where}: cannot write in {directory} (no free temporary name)")


def remove_stale_temporaries(directory: Path, name: str | None = None) -> int:
    """Remove what writers killed mid-write (SIGKILL, power loss) left in ``directory``: our
    temporary files (only those of ``name``, when given) and staging directories.

    Removed is only what is provably ours: our name with its checksum, owned by our user, not a
    symbolic link, of a process that no longer runs (a writer at work keeps its own).
    """
    if os.name != "posix":  # os.kill(pid, 0) tests for a process only on POSIX
        return 0
    removed = 0
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return 0
    for entry in entries:
        parsed = _parse(entry.name)
        if parsed is None:
            continue
        kind, pid, of = parsed
        if name is not None and (kind != "temporary" or of != name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        expected = stat.S_ISREG if kind == "temporary" else stat.S_ISDIR
        if not expected(info.st_mode) or info.st_uid != _euid() or _running(pid):
            continue
        if kind == "temporary":
            Path(entry.path).unlink(missing_ok=True)
        else:
            shutil.rmtree(entry.path, ignore_errors=True)
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


# --------------------------------------------------------------------------- writing
class _Guarded:
    """A stream whose write errors (disk full, a closed pipe) become one UsageError sentence."""

    def __init__(self, stream: IO[Any], where: str) -> None:
        self._stream = stream
        self._where = where

    def write(self, data: Any) -> int:
        try:
            return self._stream.write(data)
        except OSError as error:
            raise UsageError(f"cannot write {self._where} ({_reason(error)})") from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as error:
            raise UsageError(f"cannot write {self._where} ({_reason(error)})") from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class _Pending:
    """A temporary file that becomes ``target`` on :meth:`commit`, or nothing on :meth:`discard`."""

    def __init__(self, target: Path, where: str, mode: int | None = None) -> None:
        self.target = target
        self.where = where
        self.fd, self.temporary = _create_temporary(target.parent, target.name, where)
        try:
            if mode is not None:  # e.g. 0o600 for a file with personal data, whatever it replaces
                os.fchmod(self.fd, mode)
            else:
                _take_over(self.fd, target, where)
        except BaseException:
            self.discard()
            raise

    def open(self, text: bool) -> IO[Any]:
        fd, self.fd = self.fd, -1
        if text:
            return os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        return os.fdopen(fd, "wb")

    def commit(self) -> None:
        try:
            os.replace(self.temporary, self.target)
        except OSError as error:
            self.discard()
            raise UsageError(f"cannot write {self.where} ({_reason(error)})") from None

    def discard(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
        self.temporary.unlink(missing_ok=True)


def _take_over(fd: int, target: Path, where: str) -> None:
    """Give the new file the mode and owner of the file it replaces (or the umask's mode for a new one)."""
    try:
        old = os.lstat(target)
    except FileNotFoundError:
        os.fchmod(fd, _FILE_MODE)
        return
    os.fchmod(fd, stat.S_IMODE(old.st_mode))
    if not hasattr(os, "fchown") or (old.st_uid, old.st_gid) == (_euid(), os.getegid()):
        return
    try:
        os.fchown(fd, old.st_uid, old.st_gid)
    except PermissionError:  # our own file of a group we are not in keeps ours; another user's is refused
        if old.st_uid != _euid():
            raise UsageError(
                f"{where}: belongs to another user, and ijw does not take over other users' files "
                "(give another file name)"
            ) from None


def _sync(handle: IO[Any], where: str) -> None:
    try:
        handle.flush()
        os.fsync(handle.fileno())
    except OSError as error:
        raise UsageError(f"cannot write {where} ({_reason(error)})") from None


@contextmanager
def atomic_open(
    path: Path | str, *, text: bool = False, option: str | None = None, mode: int | None = None
) -> Iterator[IO[Any]]:
    """An output named by the user (``--output FILE``), written by the rules of this module: a
    file appears complete or not at all; a device, pipe or ``-`` is written through.

    Stale temporaries of this file's name are removed first. UsageError (naming ``option``)
    when it cannot be written. ``mode`` (e.g. ``0o600`` for a file holding personal data) is
    the new file's mode from its first byte on, instead of the replaced file's or the umask's.
    """
    target = output_target(path, option)
    if target.through:
        with _through(target, text, _where(path, option)) as handle:
            yield handle
        return
    remove_stale_temporaries(target.path.parent, target.path.name)
    with _replacing(target.path, text, _where(path, option), mode) as handle:
        yield handle


@contextmanager
def _replacing(path: Path, text: bool, where: str, mode: int | None = None) -> Iterator[IO[Any]]:
    pending = _Pending(path, where, mode)
    handle = pending.open(text)
    try:
        yield _Guarded(handle, where)  # type: ignore[misc]
        _sync(handle, where)
        _close(handle, where)
        pending.commit()
    except BaseException:  # disk full, interrupted, …: nothing is left behind
        with suppress(OSError):  # what is still buffered cannot be written either
            handle.close()
        pending.discard()
        raise


def _close(handle: IO[Any], where: str) -> None:
    try:
        handle.close()
    except OSError as error:
        raise UsageError(f"cannot write {where} ({_reason(error)})") from None


@contextmanager
def _through(target: Target, text: bool, where: str) -> Iterator[IO[Any]]:
    if target.stdout:
        stream: IO[Any] = sys.stdout if text else sys.stdout.buffer
        guarded = _Guarded(stream, "to standard output")
        yield guarded  # type: ignore[misc]
        guarded.flush()
        return
    try:
        fd = os.open(target.path, _FOLLOW_OPEN | (os.O_APPEND if target.append else 0))
    except OSError as error:
        raise UsageError(f"cannot write {where} ({_reason(error)})") from None
    handle = os.fdopen(fd, "w", encoding="utf-8", newline="\n") if text else os.fdopen(fd, "wb")
    guarded = _Guarded(handle, where)
    try:
        yield guarded  # type: ignore[misc]
        guarded.flush()
    finally:
        with suppress(OSError):
            handle.close()


def write_bytes_atomic(path: Path, data: bytes, option: str | None = None, *, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` whole or not at all, by the rules of this module.

    For the many files a command names itself inside an output directory: no stale
    temporaries are looked for here (:func:`output_directory` did that once).
    """
    target = output_target(path, option)
    where = _where(path, option)
    if target.through:
        with _through(target, False, where) as handle:
            handle.write(data)
        return
    with _replacing(target.path, False, where, mode) as handle:
        handle.write(data)


def write_all_atomic(files: list[tuple[Path, bytes]]) -> list[Path]:
    """Write every (path, data) or, on any failure, none: all are written to temporary files
    first, and renamed only when every one is complete. Returns the paths, in order."""
    targets = [output_target(path) for path, _ in files]
    pending: list[_Pending] = []
    try:
        for target, (path, data) in zip(targets, files, strict=True):
            if target.through:
                continue
            item = _Pending(target.path, str(path))
            pending.append(item)
            handle = item.open(False)
            try:
                _Guarded(handle, str(path)).write(data)
                _sync(handle, str(path))
            finally:
                with suppress(OSError):
                    handle.close()
        for item in pending:
            item.commit()
        for target, (path, data) in zip(targets, files, strict=True):
            if target.through:
                with _through(target, False, str(path)) as handle:
                    handle.write(data)
    except BaseException:
        for item in pending:
            item.discard()
        raise
    return [path for path, _ in files]


# --------------------------------------------------------------------------- directories
def ensure_directory(path: Path, option: str) -> Path:
    """Create ``path`` (and parents) if needed; a usage error naming ``option`` if that is impossible.

    A command should prefer :func:`output_directory`, which also removes what it created when
    the command fails.
    """
    _make_directories(path, f"{option} {path}")
    _check_writable(path, f"{option} {path}")
    remove_stale_temporaries(path)
    return path


@contextmanager
def output_directory(path: Path, option: str, given: Path | None = None) -> Iterator[Path]:
    """The output directory ``path``, created (with parents) if needed, writable, cleared of
    our stale temporaries; the directories it had to create are removed again when the block
    fails and they are still empty, so a failed command leaves no empty directory behind.
    ``given``: what the user named, when ``path`` lies below it (``--dest DIR``)."""
    where = f"{option} {given}: {path}" if given is not None and given != path else f"{option} {path}"
    created = _make_directories(path, where)
    try:
        _check_writable(path, where)
        remove_stale_temporaries(path)
        yield path
    except BaseException:
        for directory in reversed(created):
            try:
                directory.rmdir()
            except OSError:
                break
        raise


def _make_directories(path: Path, where: str) -> list[Path]:
    missing: list[Path] = []
    current = path
    while not current.is_dir():
        if current.exists() or current.is_symlink():
            what = "a file" if current.is_file() else "something else"
            raise UsageError(f"{where}: cannot create the directory ({current} is {what}, not a directory)")
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    created: list[Path] = []
    try:
        for directory in reversed(missing):
            directory.mkdir()
            created.append(directory)
    except OSError as error:
        for directory in reversed(created):
            directory.rmdir()
        raise UsageError(f"{where}: cannot create the directory ({_reason(error)})") from None
    return created


def _check_writable(path: Path, where: str) -> None:
    if not os.access(path, os.W_OK | os.X_OK):
        raise UsageError(f"{where}: the directory is not writable")


class StagedDirectory:
    """Files for ``directory`` written into a hidden staging directory of ours inside it, and
    moved into place together by :meth:`publish`; :meth:`discard` (or leaving the ``with``
    block without publishing) removes them all. A run that fails writes none of them."""

    def __init__(self, directory: Path, option: str) -> None:
        self.directory = directory
        self.option = option
        try:
            self.path = directory / _stage_name()
            self.path.mkdir(mode=0o700)
        except OSError as error:
            raise UsageError(f"{option} {directory}: cannot write in the directory ({_reason(error)})") from None

    def __enter__(self) -> StagedDirectory:
        return self

    def __exit__(self, _kind: object, error: BaseException | None, _tb: object) -> None:
        self.discard()
        if isinstance(error, UsageError) and str(self.path) in str(error):  # name the file, not our staging place
            raise UsageError(str(error).replace(str(self.path), str(self.directory))) from None

    def publish(self) -> int:
        """Move every staged file to its name in the directory (each name checked first); the count."""
        names = sorted(entry.name for entry in os.scandir(self.path) if not is_temporary(entry.name))
        targets = [output_target(self.directory / name, self.option) for name in names]
        for name, target in zip(names, targets, strict=True):
            self._place(self.path / name, target)
        _sync_directory(self.directory)
        self.discard()
        return len(names)

    def _place(self, staged: Path, target: Target) -> None:
        where = _where(target.path, self.option)
        if not target.through:
            try:
                if os.path.lexists(target.path):  # a new name keeps the umask's mode the file was made with
                    fd = os.open(staged, os.O_RDONLY)
                    try:
                        _take_over(fd, target.path, where)
                    finally:
                        os.close(fd)
                os.replace(staged, target.path)
                return
            except OSError as error:
                if error.errno != errno.EXDEV:  # a link to another file system: copied below
                    raise UsageError(f"cannot write {where} ({_reason(error)})") from None
        data = staged.read_bytes()
        if target.through:
            with _through(target, False, where) as handle:
                handle.write(data)
        else:
            with _replacing(target.path, False, where) as handle:
                handle.write(data)
        staged.unlink()

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def staging_directory(parent: Path, where: str) -> Path:
    """A new hidden directory of ours in ``parent`` (its stale ones, of killed runs, removed first);
    ``where`` (``--dir DIR``) names the output in the error when ``parent`` cannot be written."""
    remove_stale_temporaries(parent)
    path = parent / _stage_name()
    try:
        path.mkdir(mode=0o700)
    except OSError as error:
        raise UsageError(f"{where}: cannot write in {parent} ({_reason(error)})") from None
    return path


def _sync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- reading
def xml_files(directory: Path) -> list[Path]:
    """Every ``*.xml`` below ``directory``, in order; a UsageError naming any directory that cannot be read.

    (``Path.rglob`` would silently skip an unreadable subdirectory, and its messages with it.)
    Named pipes, devices and dangling links are listed too: the reader says why it skips them.
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


class DanglingLink(FileNotFoundError):
    """A symbolic link to a file that does not exist."""


def not_a_message_file(path: Path) -> str | None:
    """Why ``path`` is skipped without being read (a named pipe, a device, a dangling link, …), or None
    for a regular file (or a link to one)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "a symbolic link to a file that does not exist" if os.path.islink(path) else None
    except OSError:
        return None  # the reader names the error
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a socket"


def read_regular_file(path: Path, at_most: int) -> bytes:
    """Up to ``at_most`` bytes of ``path``; opened without blocking, so a FIFO cannot hang the batch."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        if os.path.islink(path):
            raise DanglingLink(errno.ENOENT, "a symbolic link to a file that does not exist", str(path)) from None
        raise
    try:  # plain descriptor reads: no buffered file object for a file read once, whole
        status = os.fstat(fd)
        if stat.S_ISDIR(status.st_mode):
            raise IsADirectoryError(path)
        if not stat.S_ISREG(status.st_mode):
            raise NotARegularFile(path)
        # ask for what the file holds (one more byte shows that it grew); read(n) would allocate n
        chunks = [os.read(fd, min(at_most, status.st_size + 1))]
        size = len(chunks[0])
        while chunks[-1] and size < at_most and size > status.st_size:
            chunks.append(os.read(fd, min(at_most - size, 1 << 20)))
            size += len(chunks[-1])
        return b"".join(chunks) if len(chunks) > 1 else chunks[0]
    finally:
        os.close(fd)
