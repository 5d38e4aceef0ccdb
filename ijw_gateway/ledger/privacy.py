"""Privacy at rest: a BSN enters the ledger only as HMAC-SHA256 under the ledger's own key.

The BSN space is small, so whoever has the key and the database recovers every BSN from its
hash in seconds: the key is kept apart from the data. It comes from (first found):

1. the ``key`` argument, or env ``IJW_LEDGER_KEY`` (at least 32 characters) — e.g. a secret the
   operator of a PostgreSQL ledger gives every host that uses it;
2. the ``key_file`` argument, or env ``IJW_LEDGER_KEY_FILE``;
3. the ledger's key file in the user's configuration directory (``platformdirs``; on Linux
   ``~/.config/ijw-gateway/ledger-keys/<fingerprint>.key``), made on first use (mode 0600,
   32 random bytes, hex) with a note on stderr. The ledger stores the key's fingerprint, which
   names the file, so a ledger moved or renamed on the same machine still finds its key;
4. for ledgers made by earlier versions: ``<ledger file>.key`` beside a SQLite ledger (used,
   with a warning that says how to move it), or ``~/.config/ijw-gateway/ledger.key``.

A key file that others may read or change (any group or other permission) is refused, as ssh
refuses such a private key. A ledger opened with another key is refused instead of silently
failing to link.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import shlex
import stat
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from ijw_gateway.errors import LedgerError

__all__ = ["MIN_KEY_LENGTH", "Hasher", "discard_new_key", "key_directory", "legacy_key_files", "load_key"]

MIN_KEY_LENGTH = 32
_CHECK_INPUT = b"ijw-gateway ledger key check v1"
_CREATED: set[Path] = set()
"""Key files this process made (the only ones :func:`discard_new_key` may remove)."""


class Hasher:
    """Keyed hashes of personal data and message contents."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def bsn(self, bsn: str) -> str:
        return hmac.new(self._key, b"bsn:" + bsn.strip().encode("ascii", "replace"), hashlib.sha256).hexdigest()

    def content(self, data: bytes) -> str:
        return hmac.new(self._key, b"content:" + data, hashlib.sha256).hexdigest()

    def fingerprint(self) -> str:
        """What the ledger stores to recognise its key (reveals nothing about the key)."""
        return hmac.new(self._key, _CHECK_INPUT, hashlib.sha256).hexdigest()


def key_directory() -> Path:
    """Where ledger keys are kept by default: the user's configuration directory, apart from any ledger."""
    import platformdirs

    return platformdirs.user_config_path("ijw-gateway") / "ledger-keys"


def _key_path(fingerprint: str) -> Path:
    return key_directory() / f"{fingerprint[:16]}.key"


def legacy_key_files(url: str) -> list[Path]:
    """Where earlier versions kept the key of the ledger at ``url`` (beside a SQLite file, or ~/.config)."""
    parsed = make_url(url)
    found = []
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        database = Path(parsed.database).expanduser().resolve()
        found.append(database.with_name(database.name + ".key"))
    config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    found.append(config / "ijw-gateway" / "ledger.key")
    return found


def _read_key_file(path: Path) -> bytes:
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise LedgerError(f"the ledger key file {path} is not a regular file")
        if os.name == "posix" and info.st_mode & 0o077:
            raise LedgerError(
                f"the ledger key file {path} may be read or changed by others (mode "
                f"{stat.S_IMODE(info.st_mode):04o}); make it private with: chmod 600 {shlex.quote(str(path))}"
            )
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else "not a text file"
        raise LedgerError(f"the ledger key file {path} cannot be read: {reason}") from None
    if len(text) < MIN_KEY_LENGTH:
        raise LedgerError(f"the ledger key file {path} holds no key of at least {MIN_KEY_LENGTH} characters")
    return text.encode("utf-8")


def _create_key_file() -> bytes:
    """A new random key, written owner-only under its fingerprint in :func:`key_directory`."""
    key = secrets.token_hex(32)
    path = _key_path(Hasher(key.encode("utf-8")).fingerprint())
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(key + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)
            _CREATED.add(path)
        finally:
            tmp.unlink(missing_ok=True)
    except OSError as error:
        raise LedgerError(f"cannot create the ledger key file {path}: {error.strerror or error}") from None
    print(
        f"ijw: created the ledger key file {path}; keep it private and back it up apart from the ledger "
        "(without it the ledger cannot link new messages to its cases; see SECURITY.md)",
        file=sys.stderr,
    )
    return key.encode("utf-8")


def discard_new_key(fingerprint: str) -> None:
    """Remove the key file :func:`load_key` just made (another process made the same ledger first)."""
    path = _key_path(fingerprint)
    if path in _CREATED:
        _CREATED.discard(path)
        path.unlink(missing_ok=True)


def load_key(url: str, key: str | bytes | None = None, key_file: Path | str | None = None, *,
             stored: str | None = None) -> bytes:
    """The hashing key of the ledger at ``url`` (see the module docstring for the order).

    ``stored`` is the fingerprint the ledger keeps of its key; None for a new ledger, which
    gets a new key file in :func:`key_directory` unless a key or key file is given.
    """
    if key is None:
        key = os.environ.get("IJW_LEDGER_KEY") or None
    if key is not None:
        raw = key.encode("utf-8") if isinstance(key, str) else bytes(key)
        if len(raw) < MIN_KEY_LENGTH:
            raise LedgerError(f"the ledger key (IJW_LEDGER_KEY) must be at least {MIN_KEY_LENGTH} characters long")
        return raw
    if key_file is None:
        key_file = os.environ.get("IJW_LEDGER_KEY_FILE") or None
    if key_file is not None:
        return _read_key_file(Path(key_file).expanduser())
    if stored is None:
        return _create_key_file()
    path = _key_path(stored)
    if path.exists():
        return _read_key_file(path)
    for legacy in legacy_key_files(url):
        if legacy.exists() and Hasher(raw := _read_key_file(legacy)).fingerprint() == stored:
            if legacy.name != "ledger.key":  # beside the database: whoever copies the directory has both
                print(
                    f"ijw: warning: the ledger key file {legacy} lies beside the ledger, so a copy of the directory "
                    f"reveals every BSN; move it to where ijw looks first: mkdir -p -m 700 "
                    f"{shlex.quote(str(path.parent))} && mv {shlex.quote(str(legacy))} {shlex.quote(str(path))}",
                    file=sys.stderr,
                )
            return raw
    raise LedgerError(
        f"the key of this ledger is not in {path}; restore that file from your backup, "
        "or give the key with IJW_LEDGER_KEY or IJW_LEDGER_KEY_FILE"
    )
