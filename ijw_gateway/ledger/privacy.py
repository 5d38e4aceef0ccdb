"""Privacy at rest: a BSN enters the ledger only as HMAC-SHA256 under the ledger's own key.

The key comes from (first found): the ``key`` argument, env ``IJW_LEDGER_KEY`` (at least
32 characters), the ``key_file`` argument or env ``IJW_LEDGER_KEY_FILE``, or the default
key file: ``<ledger file>.key`` next to a SQLite ledger, ``~/.config/ijw-gateway/ledger.key``
for a server database. A missing default key file is created on first use (mode 0600,
32 random bytes, hex) with a note on stderr. The ledger stores a fingerprint of its key,
so a ledger opened with another key is refused instead of silently failing to link.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from ijw_gateway.errors import LedgerError

__all__ = ["MIN_KEY_LENGTH", "Hasher", "default_key_file", "load_key"]

MIN_KEY_LENGTH = 32
_CHECK_INPUT = b"ijw-gateway ledger key check v1"


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


def default_key_file(url: str) -> Path:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        return Path(parsed.database).expanduser().resolve().with_name(Path(parsed.database).name + ".key")
    config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return config / "ijw-gateway" / "ledger.key"


def _read_key_file(path: Path) -> bytes:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError as error:
        raise LedgerError(f"the ledger key file {path} cannot be read: {error.strerror or error}") from None
    if len(text) < MIN_KEY_LENGTH:
        raise LedgerError(f"the ledger key file {path} holds no key of at least {MIN_KEY_LENGTH} characters")
    return text.encode("utf-8")


def _create_key_file(path: Path) -> bytes:
    """Write a new random key atomically; when another process won the race, use its key."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_hex(32) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)
            created = True
        except FileExistsError:
            created = False
        finally:
            tmp.unlink(missing_ok=True)
    except OSError as error:
        raise LedgerError(f"cannot create the ledger key file {path}: {error.strerror or error}") from None
    if created:
        print(
            f"ijw: created the ledger key file {path}; keep it with the ledger and private "
            "(without it the ledger cannot link new messages to its cases)",
            file=sys.stderr,
        )
    return _read_key_file(path)


def load_key(
    url: str, key: str | bytes | None = None, key_file: Path | str | None = None, *, create: bool = True
) -> bytes:
    """The hashing key of the ledger at ``url`` (see the module docstring for the order).

    ``create=False`` (a ledger that already has a key) refuses to make a new default key file.
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
    path = default_key_file(url)
    if path.exists():
        return _read_key_file(path)
    if not create:
        raise LedgerError(
            f"the key file {path} of this ledger is missing; restore it, or give the key "
            "with IJW_LEDGER_KEY or IJW_LEDGER_KEY_FILE"
        )
    return _create_key_file(path)
